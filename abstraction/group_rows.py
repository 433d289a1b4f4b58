"""Rows rewritten by a row function that looks up the other rows of their key group.

pandas code writes it `df.apply(make(df), axis=1)`: `make` closes a row function over the frame,
and the function reads the rows sharing the row's key (`d[d.game == row.game]`: the opponent's
score, the other visits of the same pet). `apply_rows_by_group(make, key)` applies
`make(group)` to each row instead, the group being the rows that share its key values (all rows
when `key` is None). It equals `df.apply(make(df), axis=1)` whenever the function reads only
rows that share the row's key: those are all in the group. The rows are passed, and the results
assembled, by one `DataFrame.apply` over the whole frame, so index labels, result columns and
dtypes are the ones pandas gives the script. Mixed into `Frame`.

Row provenance: a row derives from every row of its group (per source, the array of the group's
ids, as after an aggregation): deleting the opponent's row changes the row's values. Column
provenance: which columns the function reads or changes is not known, so every result column
derives from all input columns.

Deleting a row changes the other rows of its group, so the kind `apply_rows:group` is not
deletion-safe and `forget` re-applies the operation to its updated input (its lineage keeps it).
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

RowFunction = Callable[[pd.Series], Any]


class GroupRowOps:
    """The operation; `self` is a `Frame`."""

    def apply_rows_by_group(
        self: Frame,
        make: Callable[[pd.DataFrame], RowFunction],
        key: str | Sequence[str] | None = None,
        target: str | None = None,
    ) -> Frame:
        """Every row passed to `make(group)`, the group the rows sharing its `key` values (all
        rows when None): the rows the function returns replace the data (`target` None), or its
        one value per row becomes column `target`.

        `make` is called once per group, with the group, and returns a function of one row:
        `lambda g: (lambda row: g["score"].max() - row["score"])` with `target="gap"` gives each
        row its distance to its group's best. Any callable of that shape will do, a function of
        the original's that takes the group and returns its row function included. `group` is a
        DataFrame of all the data's columns, its rows in frame order, indexed by their positions
        in the frame; a row is a Series of the same columns, `row.name` its position, so `group.drop(row.name)` is the row's
        partners. Each row is a copy (changing it, `row.loc["c"] = ...`, changes nothing else);
        an existing `target` column is replaced where it stands, a new one comes last. The rows
        keep the frame's order whatever the groups, and `target`'s dtype (or, with `target`
        None, each column's of the rows returned) is inferred from the values as pandas'
        `apply(axis=1)` infers it (Python ints give int64, floats float64)."""
        keys = [] if key is None else [key] if isinstance(key, str) else list(key)
        self._require(keys, "apply_rows_by_group")
        data = self.data
        codes = _group_codes(data, keys)
        functions = [make(data.iloc[rows]) for rows in _members(codes)]
        result = _apply(data, lambda row: functions[codes[row.name]](row), target)
        df = self._rows_of(result, target, codes)
        every = frozenset().union(*self.colprov.values())
        colprov = {**self.colprov, target: every} if target else dict.fromkeys(result, every)
        options = {"key": key, "target": target}
        lineage = frames.Lineage(
            "apply_rows_by_group", "apply_rows:group", (self,), (make,), options
        )
        return self._derive(df, colprov, lineage)

    def _rows_of(self: Frame, result: Any, target: str | None, codes: np.ndarray) -> pd.DataFrame:
        """The result's data beside each row's group provenance."""
        if target is None and not isinstance(result, pd.DataFrame):
            raise OperationError("apply_rows_by_group: the function must return whole rows")
        if target is not None and isinstance(result, pd.DataFrame):
            raise OperationError(f"apply_rows_by_group {target!r}: it must return one value")
        bad = [] if target else [c for c in result.columns if not isinstance(c, str)]
        if bad or any(frames.is_prov_column(str(c)) for c in ([target] if target else result)):
            raise OperationError(f"apply_rows_by_group: bad result column names {bad}")
        data = self.df.assign(**{target: result.to_numpy()}) if target else result
        prov = {}
        for source in self.sources:
            ids = self.df[frames.prov_column(source)].to_numpy()
            prov[frames.prov_column(source)] = frames._group_ids(ids, codes)[codes]
        return data.drop(columns=list(prov), errors="ignore").assign(**prov)


def _group_codes(data: pd.DataFrame, keys: list[str]) -> np.ndarray:
    if not keys:
        return np.zeros(len(data), dtype=np.int64)
    return data.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()


def _members(codes: np.ndarray) -> list[np.ndarray]:
    """Per group code, the positions of its rows in order (one sort, not a scan per group)."""
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.searchsorted(codes[order], np.arange(1, codes.max(initial=0) + 1)))


def _apply(data: pd.DataFrame, func: RowFunction, target: str | None) -> Any:
    if len(data):
        return data.apply(func, axis=1)
    return pd.Series([], dtype=object) if target else pd.DataFrame(columns=data.columns)
