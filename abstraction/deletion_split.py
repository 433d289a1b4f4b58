"""A split that replays rows deleted one at a time at random positions.

Scripts hold rows out by hand: after `np.random.seed(s)`, `k` times, draw `r =
np.random.randint(len(rest))`, move `rest[r]` to the test rows and `rest = np.delete(rest, r, 0)`.
What trains is the rows left, in their original order; what tests is the rows drawn, in the
order they were drawn. The draws depend only on the seed and the row count, so NumPy's legacy
generator seeded the same way replays them on row positions.
"""

from __future__ import annotations

import numpy as np


def drawn_positions(n: int, k: int, random_state: int) -> list[int]:
    """The positions, each into the rows still left, that `k` such draws delete."""
    generator = np.random.RandomState(random_state)
    return [int(generator.randint(n - i)) for i in range(k)]


def deletion_order(n: int, k: int, random_state: int) -> np.ndarray:
    """The `n - k` rows left in their order, then the `k` rows deleted in the order drawn."""
    rest = list(range(n))
    deleted = [rest.pop(r) for r in drawn_positions(n, k, random_state)]
    return np.asarray(rest + deleted, dtype=np.int64)
