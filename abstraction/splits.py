"""Train/test splits over the prepared rows, reproducing how originals split their matrices.

Each split replays the original's own generator on row positions, so with the same size and seed it
selects exactly the rows, in the same order, that the original selected: `random_split` calls
scikit-learn's `train_test_split`, `permutation_split` NumPy's seeded permutation, `shuffle_split`
scikit-learn's `shuffle`, `python_shuffle_split` `random.shuffle`, `sample_split` pandas' `sample`
(whose draw depends only on the row count), `deletion_split` NumPy's seeded `randint` draws of
rows deleted one at a time. The cut-based ones train on the first `n_train`
rows of the shuffled order, as `X[order[:cut]]` does.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.deletion_split import deletion_order
from lester.abstraction.errors import OperationError
from sklearn.model_selection import train_test_split
from sklearn.utils import shuffle as sklearn_shuffle


@dataclass(frozen=True)
class Split:
    kind: str = "none"
    test_size: float | int | None = None
    random_state: int | None = None
    shuffle: bool = True
    stratify: bool = False
    column: str | None = None
    test_values: tuple[Any, ...] = ()
    n_train: int | float | None = None
    frac: float | None = None
    holdout: bool = False

    def indices(self, data: pd.DataFrame, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the train and test rows of `data` (whose labels are `y`)."""
        n = len(data)
        positions = np.arange(n)
        if self.kind == "none":
            return positions, positions[:0]
        if self.kind == "random":
            train, test = train_test_split(
                positions,
                test_size=self.test_size,
                random_state=self.random_state,
                shuffle=self.shuffle,
                stratify=y if self.stratify else None,
            )
            return np.asarray(train), np.asarray(test)
        if self.kind == "column":
            if self.column not in data.columns:
                raise OperationError(f"split: unknown column {self.column!r}")
            is_test = data[self.column].isin(list(self.test_values)).to_numpy()
            return positions[~is_test], positions[is_test]
        if self.kind == "sample":
            return self._sampled(positions)
        order = self._order(positions)
        cut = self._cut(n)
        return order[:cut], order[cut:]

    def _order(self, positions: np.ndarray) -> np.ndarray:
        """The rows in the order the original's generator put them (cut-based kinds)."""
        if self.kind == "head":
            return positions
        if self.kind == "permutation":
            return np.random.RandomState(self.random_state).permutation(len(positions))
        if self.kind == "shuffle":
            return np.asarray(sklearn_shuffle(positions, random_state=self.random_state))
        if self.kind == "python_shuffle":
            order = list(range(len(positions)))
            random.Random(self.random_state).shuffle(order)
            return np.asarray(order, dtype=positions.dtype)
        if self.kind == "deletion":
            return deletion_order(len(positions), -int(self.n_train), self.random_state)
        raise OperationError(f"split: unknown kind {self.kind!r}")

    def _cut(self, n: int) -> int:
        """`n_train` rows: a count, a fraction of the rows, or all but the last `-n_train`."""
        if self.n_train is None:
            raise OperationError(f"split: {self.kind} needs n_train")
        if isinstance(self.n_train, float):
            return int(self.n_train * n)
        return n + int(self.n_train) if self.n_train < 0 else int(self.n_train)

    def _sampled(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`df.sample(...)` and the rest (`df.drop(sample.index)`, in row order)."""
        size = None if self.frac is not None else self.n_train
        drawn = pd.Series(positions).sample(n=size, frac=self.frac, random_state=self.random_state)
        sampled = drawn.to_numpy()
        rest = positions[~np.isin(positions, sampled)]
        return (rest, sampled) if self.holdout else (sampled, rest)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["test_values"] = list(self.test_values)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Split:
        return cls(**{**d, "test_values": tuple(d.get("test_values", ()))})


def no_split() -> Split:
    return Split()


def random_split(
    test_size: float | int = 0.25,
    random_state: int | None = None,
    *,
    shuffle: bool = True,
    stratify: bool = False,
) -> Split:
    """As `train_test_split(X, y, test_size=..., random_state=..., stratify=y if stratify)`."""
    return Split(
        "random", test_size=test_size, random_state=random_state, shuffle=shuffle, stratify=stratify
    )


def column_split(column: str, test_values: list[Any]) -> Split:
    """Rows whose `column` is one of `test_values` form the test set (e.g. a year, a flag), every
    other row the training set; both sets keep the prepared order."""
    return Split("column", column=column, test_values=tuple(test_values))


def head_split(n_train: int | float) -> Split:
    """The first `n_train` rows (or that fraction) train, the rest test: manual slicing `X[:k]`;
    a negative `n_train` holds out the last rows (`X[:-k]`)."""
    return Split("head", n_train=n_train)


def permutation_split(n_train: int | float, random_state: int) -> Split:
    """As `np.random.seed(s); order = np.random.permutation(n); X[order[:n_train]]` (NumPy's
    legacy generator, also `np.random.RandomState(s).permutation`)."""
    return Split("permutation", n_train=n_train, random_state=random_state)


def shuffle_split(n_train: int | float, random_state: int) -> Split:
    """As `X, y = sklearn.utils.shuffle(X, y, random_state=s); X[:n_train]`."""
    return Split("shuffle", n_train=n_train, random_state=random_state)


def python_shuffle_split(n_train: int | float, random_state: int) -> Split:
    """As `random.seed(s); random.shuffle(rows); rows[:n_train]` (Python's own generator)."""
    return Split("python_shuffle", n_train=n_train, random_state=random_state)


def deletion_split(n_test: int, random_state: int) -> Split:
    """As `np.random.seed(s)` then, `n_test` times, `r = np.random.randint(len(rest))` and
    `rest = np.delete(rest, r, 0)`: the rows left train, in their order (see `deletion_split`)."""
    return Split("deletion", n_train=-n_test, random_state=random_state)


def sample_split(
    frac: float | None = None,
    n: int | None = None,
    random_state: int | None = None,
    *,
    holdout: bool = False,
) -> Split:
    """As `train = df.sample(frac=..., random_state=s); test = df.drop(train.index)`; with
    `holdout=True` the sample is the test set and the rest trains."""
    return Split("sample", frac=frac, n_train=n, random_state=random_state, holdout=holdout)
