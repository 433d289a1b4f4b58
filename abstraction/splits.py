"""Train/test splits over the prepared rows, reproducing how originals split their matrices.

`random_split` calls scikit-learn's `train_test_split` on row positions, so with the same size and
seed it selects exactly the rows that `train_test_split(X, y, ...)` selected in the original.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.errors import OperationError
from sklearn.model_selection import train_test_split


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
        if self.kind == "head":
            cut = int(self.n_train * n) if isinstance(self.n_train, float) else int(self.n_train)
            return positions[:cut], positions[cut:]
        raise OperationError(f"split: unknown kind {self.kind!r}")

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
    """Rows whose `column` is one of `test_values` form the test set (e.g. a year, a flag)."""
    return Split("column", column=column, test_values=tuple(test_values))


def head_split(n_train: int | float) -> Split:
    """The first `n_train` rows (or that fraction) train, the rest test: manual slicing `X[:k]`."""
    return Split("head", n_train=n_train)
