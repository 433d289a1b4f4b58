"""Frames as row selections of a base frame, materialized once, when someone asks.

Deleting a data subject from a run removes a handful of rows from frames of a million. Copying
every column of every such frame (a source, the prepared data) costs more than the rest of the
deletion, so a run holds them as `FrameRows`: a base frame and the positions of its live rows.
A deletion composes positions; the columns `forget` needs (provenance ids, a predicate's columns,
an encoder's inputs) are read for the live rows alone, and the whole frame is built on first use
of `.frame` (or streamed to disk by `save`). Each selection keeps the provenance indexes it built,
carried over to the selection that follows a deletion instead of being rebuilt.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .frame import ColumnProvenance, Frame, Lineage, prov_column
from .provenance import ProvenanceIndex


class FrameRows:
    """Rows `rows` of `base` (all of them when None); frames with lineage are never subset."""

    def __init__(
        self,
        base: Frame,
        rows: np.ndarray | None = None,
        indexes: dict[str, ProvenanceIndex] | None = None,
    ) -> None:
        if rows is not None and base.lineage is not None:
            raise ValueError("a frame with lineage is updated by maintaining it, not by a mask")
        self.base = base
        self.rows = rows
        self._indexes = dict(indexes or {})

    def __len__(self) -> int:
        return len(self.base) if self.rows is None else len(self.rows)

    @cached_property
    def frame(self) -> Frame:
        if self.rows is None:
            return self.base
        df = self.base.df.take(self.rows).reset_index(drop=True)
        return Frame(df, self.base.colprov, self.base.ops)

    @property
    def sources(self) -> list[str]:
        return self.base.sources

    @property
    def columns(self) -> list[str]:
        return self.base.columns

    @property
    def colprov(self) -> ColumnProvenance:
        return self.base.colprov

    @property
    def ops(self) -> frozenset[str]:
        return self.base.ops

    @property
    def lineage(self) -> Lineage | None:
        return self.base.lineage

    @property
    def layout(self) -> list[str]:
        """Every column of the frame, provenance columns included, in order."""
        return list(self.base.df.columns)

    def empty(self) -> pd.DataFrame:
        """The data columns without rows (what column provenance needs of the data)."""
        return self.base.df.iloc[:0][self.columns]

    def values(self, column: str) -> np.ndarray:
        values = self.base.df[column].to_numpy()
        return values if self.rows is None else values[self.rows]

    def data(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Data columns (all when None) of the live rows, as a plain frame indexed 0..n-1."""
        names = self.columns if columns is None else columns
        if self.rows is None or "frame" in self.__dict__:
            return self.frame.df[names].reset_index(drop=True)
        return self.base.df[names].take(self.rows).reset_index(drop=True)

    def provenance(self, source: str) -> np.ndarray:
        return self.values(prov_column(source))

    def index(self, source: str) -> ProvenanceIndex:
        if source not in self._indexes:
            self._indexes[source] = ProvenanceIndex.build(self.provenance(source))
        return self._indexes[source]

    @property
    def indexes(self) -> dict[str, ProvenanceIndex]:
        return dict(self._indexes)

    def without(self, removed: np.ndarray) -> FrameRows:
        """The selection without the rows where `removed` is true (indexes carried over)."""
        kept = np.flatnonzero(~removed)
        rows = kept if self.rows is None else self.rows[kept]
        indexes = {s: idx.after(kept) for s, idx in self._indexes.items()}
        return FrameRows(self.base, rows, indexes)
