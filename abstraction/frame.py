"""Provenance-tracked frames: a pandas DataFrame plus, per source, a column of source row ids.

Row provenance rides along as ordinary columns named `__prov__<source>` so that pandas itself carries
it through filters, joins, unions and explodes: the bookkeeping is vectorized by construction. A value
of -1 means "no row of that source" (a union partition from another source, an unmatched left join).
After aggregation a provenance cell holds a NumPy array of ids (the group's members).

Column provenance is a dict from each data column to the set of (source, source column) pairs it was
computed from. `ops` records the kinds of operations applied, which `forget` uses to decide whether
deleting derived rows is exact. `lineage` records how the frame was made (the operation, the
arguments that re-apply it, its input frames), so that `forget` can maintain a preparation
operation by operation instead of recomputing it (see `lester.abstraction.incremental`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.column_ops import ColumnOps
from lester.abstraction.errors import OperationError
from lester.abstraction.group_rows import GroupRowOps
from lester.abstraction.scope import caller_scope, unresolved
from lester.abstraction.semi_join import KeyOps

PROV_PREFIX = "__prov__"
NO_ROW = -1

ColumnProvenance = dict[str, frozenset[tuple[str, str]]]

# Operations after which deleting the rows derived from a deleted source row gives exactly what a
# re-run without that row gives. Left joins and aggregations are not in this set (a deleted right row
# turns into nulls; a deleted member changes its group's value).
DELETION_SAFE_OPS = frozenset(
    {
        "read",
        "filter",
        "join:inner",
        "project",
        "select",
        "rename",
        "union",
        "explode",
        "sort",
        "dedup:unique",
        "concat_columns",
    }
)


def prov_column(source: str) -> str:
    return f"{PROV_PREFIX}{source}"


def is_prov_column(column: str) -> bool:
    return column.startswith(PROV_PREFIX)


@dataclass(frozen=True)
class Query:
    """A pandas query string with the variables its `@name`s referred to when the filter was
    written: kept so that the filter can be re-applied to other rows later."""

    expr: str
    local_dict: dict[str, Any]
    global_dict: dict[str, Any]


class CodeUnavailable(Exception):
    """An operation of a lineage loaded from disk would need a function of the pipeline."""


@dataclass(frozen=True)
class MissingCode:
    """Stands, in a lineage loaded from disk, for a function of the pipeline: saved runs carry
    no code, and Lester never runs code it finds in one."""

    description: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise CodeUnavailable(f"re-applying it needs the pipeline's function {self.description}")


def _needs_code(value: Any) -> MissingCode | None:
    if isinstance(value, MissingCode):
        return value
    if isinstance(value, tuple | list):
        return next((m for m in map(_needs_code, value) if m is not None), None)
    return None


@dataclass(frozen=True, eq=False)
class Lineage:
    """How a frame was made: a Frame method (or "union") applied to `inputs` with `args`/`kwargs`.

    `kind` is the operation tag the frame adds to its `ops`. Filters and deduplication also keep
    `kept`, which of their input rows they kept (a mask they compute anyway), because maintaining
    them needs to know where their output rows came from. Frames hold references, not copies, and
    only frames that deletion by provenance cannot maintain keep one (see `derived_frame`).
    """

    method: str
    kind: str
    inputs: tuple[Frame, ...]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    kept: np.ndarray | None = None

    @property
    def replayable(self) -> bool:
        """Whether the operation can be applied to other input rows (a precomputed mask cannot,
        nor can a loaded lineage whose operation needs the pipeline's code)."""
        if self.missing_code() is not None:
            return False
        return self.method != "filter" or isinstance(self.args[0], Query) or callable(self.args[0])

    def missing_code(self) -> MissingCode | None:
        return _needs_code((*self.args, *self.kwargs.values()))

    def replay(self, inputs: Sequence[Frame]) -> Frame:
        """The same operation with the same arguments, applied to `inputs`."""
        missing = self.missing_code()
        if missing is not None:
            raise CodeUnavailable(f"{self.kind}: re-applying it needs {missing.description}")
        if self.method == "union":
            return union(*inputs)
        if self.method == "take_rows":  # the frames the positions read follow the first
            return inputs[0].take_rows(*self.args, using=inputs[1:])
        return getattr(inputs[0], self.method)(*inputs[1:], *self.args, **self.kwargs)

    def with_inputs(self, inputs: Sequence[Frame], kept: np.ndarray | None = None) -> Lineage:
        return replace(self, inputs=tuple(inputs), kept=kept)


@dataclass(frozen=True)
class Frame(ColumnOps, KeyOps, GroupRowOps):
    """An immutable, provenance-tracked table. Every operation returns a new Frame (the
    column operations of `column_ops` included)."""

    df: pd.DataFrame
    colprov: ColumnProvenance
    ops: frozenset[str] = field(default_factory=frozenset)
    lineage: Lineage | None = field(default=None, compare=False, repr=False)

    # ---- inspection -------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        """The data columns' labels, in order, as a list (provenance columns are not among them)."""
        return [c for c in self.df.columns if not is_prov_column(c)]

    @property
    def sources(self) -> list[str]:
        return [c[len(PROV_PREFIX) :] for c in self.df.columns if is_prov_column(c)]

    @property
    def data(self) -> pd.DataFrame:
        """The data columns only, as a plain DataFrame with a fresh 0..n-1 index."""
        return self.df[self.columns].reset_index(drop=True)

    @property
    def provenance(self) -> pd.DataFrame:
        """One column per source holding the source row id (or an array of ids) of every row."""
        prov = self.df[[prov_column(s) for s in self.sources]]
        return prov.set_axis(self.sources, axis=1).reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.df)

    def __repr__(self) -> str:
        return f"Frame({len(self)} rows, columns={self.columns}, sources={self.sources})"

    def to_pandas(self) -> pd.DataFrame:
        return self.data

    # ---- operations -------------------------------------------------------------------------

    def filter(
        self, predicate: str | Callable[[pd.DataFrame], Any] | pd.Series | np.ndarray
    ) -> Frame:
        """Keep the rows where `predicate` holds.

        A string is a pandas query; `@name` refers to a variable of the calling step, else a
        global of its module or of the pipeline module (see `scope`). A callable receives the
        data and returns a boolean mask, one per row (a bool Series or NumPy array): pandas'
        `dropna()` is `filter(lambda d: d.notna().all(axis=1))`, `dropna(subset=cols)` the same
        on `d[cols]`.
        The data has a fresh 0..n-1 index, so rows by position are kept with it: `df.iloc[1:]`
        is `filter(lambda d: d.index >= 1)`, `df.iloc[a:b]` is `d.index >= a` and `< b`, and
        `df.loc[a:b]` on a default index, which includes `b`, is `d.index >= a` and `<= b`.
        `forget` keeps the rows a filter kept, less those deleted, without evaluating the
        predicate again: a cut at a position computed from the row count stays where it fell.
        """
        if isinstance(predicate, str):
            predicate = Query(predicate, *caller_scope())
        if isinstance(predicate, Query):
            mask = self._query_mask(predicate)
        else:
            raw = predicate(self.data) if callable(predicate) else predicate
            mask = np.asarray(raw)
            if mask.dtype != bool or mask.shape != (len(self),):
                raise OperationError(
                    f"filter: the predicate must give one boolean per row ({len(self)}), "
                    f"got dtype {mask.dtype} and shape {mask.shape}"
                )
        lineage = Lineage("filter", "filter", (self,), (predicate,), kept=mask)
        return self._derive(self.df[mask], self.colprov, lineage)

    def filter_by(self, columns: str | Sequence[str], predicate: Callable[..., Any]) -> Frame:
        """Keep the rows where `predicate(*values of columns)` is true (tried on whole columns first).

        The form for conditions written per row, e.g. `filter_by("country", lambda c: c in TARGETS)`.
        """
        names = [columns] if isinstance(columns, str) else list(columns)
        self._require(names, "filter_by")
        values = _apply(predicate, [self.df[c] for c in names], len(self), None, "filter_by")
        mask = np.asarray(values, dtype=bool)
        lineage = Lineage("filter_by", "filter", (self,), (names, predicate), kept=mask)
        return self._derive(self.df[mask], self.colprov, lineage)

    def _query_mask(self, query: Query) -> np.ndarray:
        missing = unresolved(query.expr, query.local_dict, query.global_dict)
        if missing:
            raise OperationError(
                f"filter: {query.expr!r} refers to @{missing[0]}, which is neither a variable of "
                "the step nor a global of the pipeline module"
            )
        try:
            mask = self.df.eval(
                query.expr, local_dict=query.local_dict, global_dict=query.global_dict
            )
        except Exception as exc:  # pandas raises many types; all mean "this query is wrong here"
            raise OperationError(
                f"filter: cannot evaluate {query.expr!r}: {exc} "
                f"(columns: {', '.join(self.columns)})"
            ) from exc
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise OperationError(f"filter: {query.expr!r} does not give a boolean per row")
        return mask

    def join(
        self,
        other: Frame,
        on: str | Sequence[str] | None = None,
        *,
        left_on: str | Sequence[str] | None = None,
        right_on: str | Sequence[str] | None = None,
        how: str = "inner",
        suffixes: tuple[str, str] = ("", "_right"),
    ) -> Frame:
        """Join with another frame (inner or left; one-to-many and many-to-many keep every match).

        The result has the left's columns, then the right's without its keys where they are
        named as the left's (`on`; keys named apart both stay), a name both sides have taking
        the right suffix; the rows are the left's in their order, each with its matches.
        A self-join (the right side derived from a source the left carries too, such as a per-group
        statistic joined back to the rows) keeps the left side's ids of that source: a row came
        from its own source row. The value joined in depends on other rows as well, so such a
        frame is recomputed, not deleted from, on forget.
        """
        if how not in ("inner", "left"):
            raise OperationError(f"join: how must be 'inner' or 'left', not {how!r}")
        left_keys, right_keys = _join_keys(on, left_on, right_on)
        self._require(left_keys, "join (left side)")
        other._require(right_keys, "join (right side)")
        shared = [s for s in other.sources if s in self.sources]
        right = other.df.drop(columns=[prov_column(s) for s in shared])
        merged = self.df.merge(
            right, how=how, left_on=left_keys, right_on=right_keys, suffixes=suffixes, sort=False
        )
        colprov = _joined_colprov(self, other, left_keys, right_keys, suffixes)
        if how == "left":
            merged = _fill_missing_prov(merged, [s for s in other.sources if s not in shared])
        keys = {"on": on, "left_on": left_on, "right_on": right_on}
        lineage = Lineage(
            "join",
            f"join:{how}" if not shared else f"join:self:{how}",
            (self, other),
            kwargs={**keys, "how": how, "suffixes": suffixes},
        )
        return self._derive(merged, colprov, lineage)

    def project(
        self,
        target: str,
        columns: str | Sequence[str],
        func: Callable[..., Any],
        *,
        vectorized: bool | None = None,
        rowwise: bool = True,
    ) -> Frame:
        """Add (or replace) column `target` computed by `func` from `columns`.

        The function is first tried on whole columns (fast); if that fails or does not return one
        value per row, it is applied row by row. `vectorized=True/False` forces one way. A row's
        value should depend on that row only; a function of whole columns (a value minus the
        column's mean, a share of the total) must say `rowwise=False`, because deleting rows then
        changes the values of the others, and `forget` recomputes instead of deleting.
        `rowwise=False` implies `vectorized=True` (one call on the whole columns).
        """
        names = [columns] if isinstance(columns, str) else list(columns)
        self._require(names, "project")
        if not rowwise:
            if vectorized is False:  # a statistic of the column is one call on the whole column
                raise OperationError(
                    f"project {target!r}: rowwise=False calls the function once on whole columns; "
                    "vectorized=False (one call per row) contradicts it"
                )
            vectorized = True
        values = _apply(func, [self.df[c] for c in names], len(self), vectorized, target)
        df = self.df.assign(**{target: values})
        colprov = dict(self.colprov)
        colprov[target] = frozenset().union(*(self.colprov[c] for c in names))
        lineage = Lineage(
            "project",
            "project" if rowwise else "project:columns",
            (self,),
            (target, names, func),
            {"vectorized": vectorized, "rowwise": rowwise},
        )
        return self._derive(df, colprov, lineage)

    def select(self, columns: Sequence[str]) -> Frame:
        """These columns, in this order, with their values and dtypes as they stand (a text
        column stays text); `drop` keeps the others the same way."""
        names = list(columns)
        self._require(names, "select")
        keep = names + [prov_column(s) for s in self.sources]
        colprov = {c: self.colprov[c] for c in names}
        return self._derive(self.df[keep], colprov, Lineage("select", "select", (self,), (names,)))

    def drop(self, columns: Sequence[str]) -> Frame:
        names = set(columns)
        self._require(list(names), "drop")
        return self.select([c for c in self.columns if c not in names])

    def rename(self, mapping: dict[str, str]) -> Frame:
        self._require(list(mapping), "rename")
        colprov = {mapping.get(c, c): p for c, p in self.colprov.items()}
        lineage = Lineage("rename", "rename", (self,), (dict(mapping),))
        return self._derive(self.df.rename(columns=mapping), colprov, lineage)

    def union(self, *others: Frame) -> Frame:
        return union(self, *others)

    def explode(self, column: str) -> Frame:
        """One row per element of the list-like `column`; every copy keeps its row's provenance."""
        self._require([column], "explode")
        lineage = Lineage("explode", "explode", (self,), (column,))
        return self._derive(self.df.explode(column, ignore_index=True), self.colprov, lineage)

    def take_rows(self, positions: Callable[..., Any], *, using: Sequence[Frame] = ()) -> Frame:
        """The rows at the positions `positions(data)` gives, in that order, repeats included;
        each copy keeps its row's provenance.

        `positions` receives the data (indexed 0..n-1) and returns integer positions in
        0..n-1. It is the form of code that picks rows by position from all of them: a
        shuffle, `df.sample(frac=1, random_state=s)`, is `lambda d:
        np.random.RandomState(s).permutation(len(d))`; an oversampling loop (`while count1 <
        count0:` appending the next positive row, cycling) is `lambda d: np.concatenate(
        [np.arange(len(d)), np.resize(np.flatnonzero(d["y"] == 1), count0 - count1)])`, its
        counts computed from `d`; `df.iloc[idx]` with an array of positions computed from the
        rows is `lambda d: idx_of(d)`. A size read off other frames (`minority.sample(
        n=len(majority), random_state=s)`) names them in `using`: `positions` then receives
        their data after its own, `minority.take_rows(lambda d, m: np.random.RandomState(s)
        .choice(len(d), len(m), replace=False), using=[majority])`; sources only they carry are
        named with no row (as in `semi_join`). The positions depend on all these rows, so
        `forget` calls `positions` again on the rows that remain of each.
        """
        if not callable(positions):
            raise OperationError(
                "take_rows: give a function of the data that returns the positions (it is "
                "called again on the rows left after a deletion), not the positions themselves"
            )
        picked = np.asarray(positions(self.data, *(frame.data for frame in using)))
        if picked.ndim != 1 or not (picked.size == 0 or np.issubdtype(picked.dtype, np.integer)):
            raise OperationError(
                f"take_rows: the function must give a 1-D array of integer positions, got dtype "
                f"{picked.dtype} and shape {picked.shape}"
            )
        if picked.size and (picked.min() < 0 or picked.max() >= len(self)):
            raise OperationError(
                f"take_rows: positions must lie in 0..{len(self) - 1}, got {picked.min()} to "
                f"{picked.max()}"
            )
        taken = self.df.take(picked.astype(np.int64))
        others = [s for f in using for s in f.sources if s not in self.sources]
        if others:  # named with no row, so that `forget` visits the frame when they lose rows
            taken = _fill_missing_prov(taken, list(dict.fromkeys(others)))
        lineage = Lineage("take_rows", "take_rows", (self, *using), (positions,))
        return self._derive(taken, self.colprov, lineage)

    def sort(
        self,
        by: str | Sequence[str],
        ascending: bool | Sequence[bool] = True,
        kind: str = "stable",
    ) -> Frame:
        """Sort by `by`, each key ascending or not (one flag, or one per key); `kind` is pandas'
        sort algorithm (`quicksort`, its default, orders equal keys differently from a stable
        sort)."""
        names = [by] if isinstance(by, str) else list(by)
        self._require(names, "sort")
        if not isinstance(ascending, bool):
            ascending = [bool(a) for a in ascending]
            if len(ascending) != len(names):
                raise OperationError("sort: give one `ascending` flag per key")
        df = self.df.sort_values(names, ascending=ascending, kind=kind)
        options = (
            {"ascending": ascending} if kind == "stable" else {"ascending": ascending, "kind": kind}
        )
        lineage = Lineage("sort", "sort", (self,), (names,), options)
        return self._derive(df, self.colprov, lineage)

    def aggregate(self, by: str | Sequence[str], **aggregations: tuple[str, Any]) -> Frame:
        """Group by `by` and aggregate: `out=(column, func)` with a pandas aggregation name or function.

        As in pandas' named aggregation, a function receives each group's column as a Series, and
        `"max"` of a datetime column stays datetime64. Each output row's provenance is the array
        of ids of the group's members, per source.
        """
        keys = [by] if isinstance(by, str) else list(by)
        inputs = [col for col, _ in aggregations.values()]
        self._require(keys + inputs, "aggregate")
        grouped = self.df.groupby(keys, sort=True, dropna=False)
        out = grouped.agg(**aggregations).reset_index()
        codes = grouped.ngroup().to_numpy()
        for source in self.sources:
            out[prov_column(source)] = _group_ids(self.df[prov_column(source)].to_numpy(), codes)
        colprov = {k: self.colprov[k] for k in keys}
        colprov.update({out_col: self.colprov[col] for out_col, (col, _) in aggregations.items()})
        lineage = Lineage("aggregate", "aggregate", (self,), (keys,), dict(aggregations))
        return self._derive(out, colprov, lineage)

    def drop_duplicates(self, subset: Sequence[str] | None = None, keep: str = "first") -> Frame:
        """Keep the first (or last) row of each set of duplicates; its provenance lists all their ids.

        As in pandas, missing values are equal to each other here."""
        keys = list(subset) if subset is not None else self.columns
        self._require(keys, "drop_duplicates")
        if keep not in ("first", "last"):
            raise OperationError("drop_duplicates: keep must be 'first' or 'last'")
        kept = ~self.df.duplicated(keys, keep=keep)
        if kept.all():  # nothing to merge: deleting a row later just deletes its own row
            lineage = Lineage(
                "drop_duplicates", "dedup:unique", (self,), (None if subset is None else keys, keep)
            )
            return self._derive(self.df, self.colprov, lineage)
        codes = self.df[kept.to_numpy()].groupby(keys, sort=False, dropna=False).ngroup()
        codes = (
            self.df[keys]
            .merge(
                self.df.loc[kept, keys].assign(__code__=codes.to_numpy()),
                on=keys,
                how="left",
                sort=False,
            )["__code__"]
            .to_numpy()
        )
        out = self.df[kept].reset_index(drop=True)
        for source in self.sources:
            out[prov_column(source)] = _group_ids(self.df[prov_column(source)].to_numpy(), codes)
        lineage = Lineage(
            "drop_duplicates",
            "dedup",
            (self,),
            (None if subset is None else keys, keep),
            kept=kept.to_numpy(),
        )
        return self._derive(out, self.colprov, lineage)

    def rename_source(self, name: str) -> Frame:
        """Name the single source of a frame (the runner names sources after their functions)."""
        if len(self.sources) != 1:
            raise OperationError(
                f"rename_source: the frame carries {len(self.sources)} sources, not one"
            )
        old = self.sources[0]
        df = self.df.rename(columns={prov_column(old): prov_column(name)})
        colprov = {
            c: frozenset((name if s == old else s, sc) for s, sc in p)
            for c, p in self.colprov.items()
        }
        return Frame(df, colprov, self.ops)

    # ---- helpers ----------------------------------------------------------------------------

    def _require(self, names: Iterable[str], operation: str) -> None:
        missing = [n for n in names if n not in self.colprov]
        if missing:
            raise OperationError(
                f"{operation}: unknown column(s) {missing}; available: {', '.join(self.columns)}"
            )

    def _derive(self, df: pd.DataFrame, colprov: ColumnProvenance, lineage: Lineage) -> Frame:
        return derived_frame(df, colprov, lineage)


# ---- construction ---------------------------------------------------------------------------


def derived_frame(df: pd.DataFrame, colprov: ColumnProvenance, lineage: Lineage) -> Frame:
    """The frame an operation made: its ops are its inputs' ops plus its own kind.

    A frame made by deletion-safe operations only keeps no lineage: deleting its derived rows
    maintains it, so holding on to its inputs would cost memory (and the time to allocate more of
    it) for nothing.
    """
    ops = frozenset().union(*(f.ops for f in lineage.inputs)) | {lineage.kind}
    kept_lineage = None if ops <= DELETION_SAFE_OPS else lineage
    return Frame(df.reset_index(drop=True), colprov, ops, kept_lineage)


def from_pandas(df: pd.DataFrame, source: str, ids: np.ndarray | pd.Series | None = None) -> Frame:
    """Wrap a DataFrame as source `source`; its row ids are `ids` or the row positions."""
    bad = [c for c in df.columns if not isinstance(c, str) or is_prov_column(c)]
    if bad:
        raise OperationError(
            f"source {source!r}: column names must be strings not starting with {PROV_PREFIX!r}: {bad}"
        )
    row_ids = np.arange(len(df), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
    if ids is not None and not pd.Index(row_ids).is_unique:
        raise OperationError(f"source {source!r}: row ids (the declared key) are not unique")
    data = df.reset_index(drop=True).assign(**{prov_column(source): row_ids})
    colprov = {c: frozenset({(source, c)}) for c in df.columns}
    return Frame(data, colprov, frozenset({"read"}))


def union(*frames: Frame) -> Frame:
    """Stack frames (partitions of one source, or several sources, such as a train and a test
    table), as `pd.concat(frames, ignore_index=True)` does: the columns are the first frame's,
    then the others' new ones in order, and a frame without a column gives it missing values."""
    if not frames:
        raise OperationError("union: needs at least one frame")
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    sources = list(dict.fromkeys(s for f in frames for s in f.sources))
    parts = [f.df[f.columns + [prov_column(s) for s in f.sources]] for f in frames]
    df = _fill_missing_prov(pd.concat(parts, ignore_index=True), sources)
    colprov = {
        c: frozenset().union(*(f.colprov[c] for f in frames if c in f.colprov)) for c in columns
    }
    lineage = Lineage("union", "union", tuple(frames))
    return derived_frame(df[columns + [prov_column(s) for s in sources]], colprov, lineage)


# ---- internals ------------------------------------------------------------------------------


def _join_keys(on: Any, left_on: Any, right_on: Any) -> tuple[list[str], list[str]]:
    def as_list(keys: Any) -> list[str]:
        return [keys] if isinstance(keys, str) else list(keys)

    if on is not None and (left_on is None and right_on is None):
        return as_list(on), as_list(on)
    if on is None and left_on is not None and right_on is not None:
        left, right = as_list(left_on), as_list(right_on)
        if len(left) != len(right):
            raise OperationError("join: left_on and right_on must name the same number of columns")
        return left, right
    raise OperationError("join: give either `on`, or both `left_on` and `right_on`")


def _joined_colprov(
    left: Frame,
    right: Frame,
    left_keys: list[str],
    right_keys: list[str],
    suffixes: tuple[str, str],
) -> ColumnProvenance:
    """Mirror pandas' naming of merged columns (shared keys once, clashing names suffixed)."""
    shared_keys = {lk for lk, rk in zip(left_keys, right_keys, strict=True) if lk == rk}
    clashes = (set(left.columns) & set(right.columns)) - shared_keys
    colprov: ColumnProvenance = {}
    for col in left.columns:
        name = col + suffixes[0] if col in clashes else col
        colprov[name] = left.colprov[col] | (
            right.colprov[col] if col in shared_keys else frozenset()
        )
    for col in right.columns:
        if col in shared_keys:
            continue
        colprov[col + suffixes[1] if col in clashes else col] = right.colprov[col]
    return colprov


def _fill_missing_prov(df: pd.DataFrame, sources: Iterable[str]) -> pd.DataFrame:
    """Absent source rows (left join misses, other partitions) become NO_ROW, keeping int64 ids,
    or an empty set of ids where the cells hold sets (after aggregation)."""
    fills = {}
    for source in sources:
        col = prov_column(source)
        if col not in df.columns:
            fills[col] = np.full(len(df), NO_ROW, dtype=np.int64)
        elif df[col].dtype != object:
            fills[col] = df[col].fillna(NO_ROW).astype(np.int64)
        elif df[col].isna().any():
            fills[col] = _fill_empty_sets(df[col])
    return df.assign(**fills)


def _fill_empty_sets(ids: pd.Series) -> np.ndarray:
    values = ids.to_numpy().copy()
    missing = ids.isna().to_numpy()
    values[missing] = object_array([np.empty(0, dtype=np.int64)] * int(missing.sum()))
    return values


def _group_ids(ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per group, the sorted array of member ids, without a Python loop over rows."""
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    if n_groups == 0:  # `np.split` would give one empty group: a row of nothing, on no rows
        return object_array([])
    if ids.dtype == object:  # already sets (aggregate of an aggregate): flatten first
        lengths = np.fromiter((len(a) for a in ids), dtype=np.int64, count=len(ids))
        ids = np.concatenate(list(ids)) if len(ids) else np.empty(0, dtype=np.int64)
        codes = np.repeat(codes, lengths)
    order = np.lexsort((ids, codes))
    sorted_ids, sorted_codes = ids[order], codes[order]
    boundaries = np.searchsorted(sorted_codes, np.arange(1, n_groups))
    return object_array([g[g != NO_ROW] for g in np.split(sorted_ids, boundaries)])


def object_array(items: list[Any]) -> np.ndarray:
    """A 1-D object array of arrays (NumPy would broadcast equal-length arrays into 2-D)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _apply(
    func: Callable[..., Any], columns: list[pd.Series], n: int, vectorized: bool | None, target: str
) -> Any:
    """Whole-column application when it gives the row-wise answer, else row by row. A function of
    no columns is a constant (`df["flag"] = 0`): its one value is repeated on every row."""
    if not columns:
        return pd.Series([func()] * n)
    if vectorized is not False:
        result = _try_vectorized(func, columns, n, target, strict=bool(vectorized))
        if result is not None and (vectorized or _agrees_with_rowwise(func, columns, result)):
            return result
    try:
        values = [func(*row) for row in zip(*(c.tolist() for c in columns), strict=True)]
    except Exception as exc:
        raise OperationError(
            f"project {target!r}: the function failed: {type(exc).__name__}: {exc}"
        ) from exc
    return pd.Series(values, index=columns[0].index if columns else None)


def _try_vectorized(
    func: Callable[..., Any], columns: list[pd.Series], n: int, target: str, strict: bool
) -> np.ndarray | None:
    try:
        result = func(*columns)
    except Exception as exc:
        if strict:
            raise OperationError(
                f"project {target!r}: the function failed on whole columns: {exc}"
            ) from exc
        return None
    if isinstance(result, pd.Series) and len(result) == n:  # by position; its own dtype kept
        extension = pd.api.types.is_extension_array_dtype(result.dtype)  # a category's order
        return result.array if extension else result.to_numpy()
    if isinstance(result, np.ndarray) and np.shape(result)[:1] == (n,):
        return result
    if isinstance(result, pd.api.extensions.ExtensionArray) and len(result) == n:
        return result  # a `pd.Categorical` keeps its categories
    if strict:
        raise OperationError(f"project {target!r}: the function did not return one value per row")
    return None


def _agrees_with_rowwise(
    func: Callable[..., Any], columns: list[pd.Series], result: np.ndarray
) -> bool:
    """Spot-check a few rows: `lambda s: s[:4]` slices rows on a column but characters on a value."""
    k = min(3, len(result))
    try:
        expected = [func(*row) for row in zip(*(c.iloc[:k].tolist() for c in columns), strict=True)]
    except Exception:
        return True  # only works on whole columns (e.g. uses `.str`): the vectorized form is meant
    return all(_same_value(a, b) for a, b in zip(expected, result[:k], strict=True))


def _same_value(a: Any, b: Any) -> bool:
    if pd.isna(a) if np.ndim(a) == 0 else False:
        return bool(np.ndim(b) == 0 and pd.isna(b))
    try:
        return bool(np.all(a == b) or np.allclose(a, b, equal_nan=True))
    except (TypeError, ValueError):
        return False
