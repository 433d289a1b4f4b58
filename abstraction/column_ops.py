"""Frame operations for what pandas code does to columns in place: fills, group-wise values,
dummies, ranks, row functions, side-by-side frames. Mixed into `Frame`.

Every operation keeps its input's rows, in order, with their provenance; what differs is which
other rows a value depends on, and so how `forget` maintains it:

- `apply_rows` (a function of each row, as `DataFrame.apply(f, axis=1)` calls it) and `fill_na`
  with a constant are row-wise: deleting rows deletes their derived rows (kind `project`).
- `concat_columns` puts two frames with the same rows side by side (`pd.concat(axis=1)`): the same
  (kind `concat_columns`, deletion-safe as well).
- `fill_na` with a column statistic, `transform_groups` (a per-group statistic on every row),
  `rank` and `get_dummies` (its columns are the categories present) depend on other rows. On a
  deletion `recompute_aligned` re-applies the operation to the updated input and compares: rows
  whose values did not change stay as they were, those that changed count as replaced, so the
  operations above them are maintained for those rows only; if the columns or dtypes changed
  (a category disappeared), everything above is re-applied.

Column provenance: a filled column keeps its own; a group statistic comes from its column and
the group keys; each dummy column from the column it encodes; a row function's result from the
columns it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import lester.abstraction.frame as frames
import numpy as np
import pandas as pd
from lester.abstraction.errors import OperationError

if TYPE_CHECKING:
    from lester.abstraction.frame import Frame
    from lester.abstraction.incremental import Change

STATISTICS = ("mean", "median", "mode", "min", "max")
ALIGNED_KINDS = ("fill:statistic", "transform_groups", "rank", "get_dummies")


class ColumnOps:
    """The operations; `self` is a `Frame`."""

    def fill_na(
        self: Frame,
        columns: str | Sequence[str] | None = None,
        *,
        value: Any = None,
        statistic: str | None = None,
    ) -> Frame:
        """Fill missing values of `columns` (all by default) with `value` (a constant, or a dict
        per column) or with each column's `statistic` over the frame's rows, as pandas computes
        it (`df[cols].mean()`, `.median()`, `.min()`, `.max()`, or the first mode,
        `df[cols].mode().iloc[0]`, text columns included): the same value as
        `df[c].fillna(df[c].mean())`. Each column's statistic is its own, so the columns listed
        get the values a `mode().iloc[0]` over more columns gives them (the smallest of a
        column's most frequent values). With a dict, each listed column takes its own entry and one
        the dict does not name stays as it is; a column without missing values keeps its dtype
        (int64 stays int64). One `fill_na` stands for a `fillna` over several columns."""
        names = self._names(columns)
        if (value is None) == (statistic is None):
            raise OperationError("fill_na: give either a value or a statistic")
        if statistic is not None and statistic not in STATISTICS:
            raise OperationError(f"fill_na: statistic must be one of {STATISTICS}")
        part = self.df[names]
        fill = value if statistic is None else _statistic(part, statistic)
        df = self.df.assign(**{c: v for c, v in part.fillna(fill).items()})
        kind = "project" if statistic is None else "fill:statistic"
        kwargs = {"value": value, "statistic": statistic}
        lineage = frames.Lineage("fill_na", kind, (self,), (names,), kwargs)
        return self._derive(df, self.colprov, lineage)

    def transform_groups(
        self: Frame,
        target: str,
        by: str | Sequence[str],
        column: str,
        func: str | Callable[[pd.Series], Any],
    ) -> Frame:
        """Column `target`: each row's group statistic of `column` (`func`, a pandas aggregation
        name, or a function of each group's column in the frame's row order: `lambda s:
        s.shift(1)` is a lag within the group), as `df.groupby(by)[column].transform(func)`
        computes it (rows with a missing key get a missing value)."""
        keys = [by] if isinstance(by, str) else list(by)
        self._require([*keys, column], "transform_groups")
        values = self.df.groupby(keys)[column].transform(func)
        colprov = dict(self.colprov)
        colprov[target] = frozenset().union(*(self.colprov[c] for c in [*keys, column]))
        args = (target, keys, column, func)
        lineage = frames.Lineage("transform_groups", "transform_groups", (self,), args)
        return self._derive(self.df.assign(**{target: values}), colprov, lineage)

    def rank(self: Frame, target: str, column: str, **options: Any) -> Frame:
        """Column `target`: the rank of each row's `column` value (`Series.rank(**options)`)."""
        self._require([column], "rank")
        colprov = {**self.colprov, target: self.colprov[column]}
        lineage = frames.Lineage("rank", "rank", (self,), (target, column), dict(options))
        df = self.df.assign(**{target: self.df[column].rank(**options)})
        return self._derive(df, colprov, lineage)

    def get_dummies(
        self: Frame,
        columns: str | Sequence[str],
        *,
        prefix: str | Sequence[str] | dict[str, str] | None = None,
        prefix_sep: str = "_",
        drop_first: bool = False,
        dummy_na: bool = False,
        dtype: Any = bool,
    ) -> Frame:
        """One indicator column per category of each of `columns`, in place of them at the end
        (as `pd.get_dummies(df, columns=...)` lays them out), named `<prefix><prefix_sep><value>`
        with the column's name as the prefix unless one is given: `pd.get_dummies(df["pool"],
        prefix="pool")` of the column alone gives the same names."""
        names = self._names(columns)
        kept = self.df.drop(columns=names)
        colprov = {c: p for c, p in self.colprov.items() if c not in names}
        parts = []
        for i, column in enumerate(names):
            dummies = pd.get_dummies(
                self.df[column],
                prefix=_prefix(prefix, column, i),
                prefix_sep=prefix_sep,
                drop_first=drop_first,
                dummy_na=dummy_na,
                dtype=dtype,
            )
            colprov.update({str(d): self.colprov[column] for d in dummies.columns})
            parts.append(dummies.rename(columns=str))
        options = {
            "prefix": prefix,
            "prefix_sep": prefix_sep,
            "drop_first": drop_first,
            "dummy_na": dummy_na,
            "dtype": dtype,
        }
        lineage = frames.Lineage("get_dummies", "get_dummies", (self,), (names,), options)
        return self._derive(pd.concat([kept, *parts], axis=1), colprov, lineage)

    def apply_rows(
        self: Frame,
        target: str,
        func: Callable[[pd.Series], Any],
        columns: Sequence[str] | None = None,
    ) -> Frame:
        """Column `target`: `func(row)` for every row, the row a Series of `columns` (all by
        default) as `DataFrame.apply(func, axis=1)` passes it."""
        names = self._names(columns)
        data = self.df[names]
        values = data.apply(func, axis=1) if len(data) else pd.Series([], dtype=object)
        if isinstance(values, pd.DataFrame):
            raise OperationError(f"apply_rows {target!r}: the function must return one value")
        colprov = dict(self.colprov)
        colprov[target] = frozenset().union(*(self.colprov[c] for c in names))
        lineage = frames.Lineage("apply_rows", "project", (self,), (target, func, names))
        return self._derive(self.df.assign(**{target: values.to_numpy()}), colprov, lineage)

    def concat_columns(self: Frame, other: Frame) -> Frame:
        """The columns of `other` beside this frame's: both must hold the same rows (the same
        source rows in the same order), as two frames computed from one do, in one step or in two
        steps that take it (else it raises):
        `f.select(a).concat_columns(f.select(b))` is `pd.concat([df[a], df[b]], axis=1)`. It is
        how to lay columns out as the original's concatenation of parts does: one part's dummies
        before another part's columns, `f.select(t).get_dummies(t).concat_columns(f.select(n))`,
        is `pd.concat([pd.get_dummies(df[t]), df[n]], axis=1)`, where `f.get_dummies(t)` alone
        would put the dummies after `n`."""
        clash = sorted(set(self.columns) & set(other.columns))
        if clash:
            raise OperationError(f"concat_columns: both frames have columns {clash}")
        if len(self) != len(other) or not _same_rows(self, other):
            raise OperationError("concat_columns: the frames do not hold the same rows")
        df = self.df.reset_index(drop=True).assign(**other.data.to_dict("series"))
        colprov = {**self.colprov, **other.colprov}
        lineage = frames.Lineage("concat_columns", "concat_columns", (self, other))
        return self._derive(df, colprov, lineage)

    def _names(self: Frame, columns: str | Sequence[str] | None) -> list[str]:
        names = (
            self.columns
            if columns is None
            else [columns]
            if isinstance(columns, str)
            else list(columns)
        )
        self._require(names, "column operation")
        return names


def _statistic(part: pd.DataFrame, statistic: str) -> pd.Series:
    if statistic == "mode":
        modes = part.mode()
        return modes.iloc[0] if len(modes) else pd.Series(np.nan, index=part.columns)
    return getattr(part, statistic)()


def _prefix(prefix: Any, column: str, position: int) -> str:
    if prefix is None:
        return column
    if isinstance(prefix, str):
        return prefix
    if isinstance(prefix, dict):
        return prefix[column]
    return list(prefix)[position]


def _same_rows(a: Frame, b: Frame) -> bool:
    shared = [s for s in a.sources if s in b.sources]
    if not shared:
        return False
    for source in shared:
        left, right = a.df[frames.prov_column(source)], b.df[frames.prov_column(source)]
        if left.dtype == object or right.dtype == object:
            same = all(np.array_equal(x, y) for x, y in zip(left, right, strict=True))
        else:
            same = np.array_equal(left.to_numpy(), right.to_numpy())
        if not same:
            return False
    return True


# ---- forget maintenance ------------------------------------------------------------------------


def recompute_aligned(node: Frame, inputs: list[Change], walk: Any) -> Change | str:
    """Re-apply a row-keeping operation whose values depend on other rows to its updated input;
    rows whose values changed count as replaced (removed and added at their place)."""
    from lester.abstraction.incremental import Change

    (change,) = inputs
    if not change.dtypes_kept:
        return "its input's dtypes changed"
    new = node.lineage.replay([change.new])
    if list(new.df.columns) != list(node.df.columns) or not new.df.dtypes.equals(node.df.dtypes):
        return "its columns or their dtypes changed"
    origins = change.origins()
    kept = np.flatnonzero(origins >= 0)
    old_rows = node.df.iloc[origins[kept]].reset_index(drop=True)
    new_rows = new.df.iloc[kept].reset_index(drop=True)
    changed = kept[~_equal_rows(old_rows, new_rows, node.columns)]
    removed = change.removed.copy()
    removed[origins[changed]] = True
    added_at = np.union1d(change.added_at, changed).astype(np.int64)
    walk.report(
        node.lineage.kind,
        f"re-applied to the updated rows ({len(changed)} of {len(kept)} kept rows changed)",
        rows_changed=len(changed),
    )
    return Change(node, new, removed, added_at)


def _equal_rows(a: pd.DataFrame, b: pd.DataFrame, columns: list[str]) -> np.ndarray:
    same = np.ones(len(a), dtype=bool)
    for column in columns:
        left, right = a[column], b[column]
        same &= ((left == right) | (left.isna() & right.isna())).to_numpy(dtype=bool)
    return same
