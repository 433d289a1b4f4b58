"""Vectorized provenance queries over id columns (plain ids, or arrays of ids after aggregation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def unique_ids(ids: np.ndarray) -> np.ndarray:
    """Sorted distinct ids. (`np.unique` takes seconds on millions of distinct ints in NumPy 2.4.)"""
    ordered = np.sort(np.asarray(ids, dtype=np.int64))
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def rows_derived_from(prov: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Boolean mask: which rows have at least one of `ids` in their provenance."""
    if prov.dtype != object:
        return np.isin(prov, ids)
    lengths = np.fromiter((len(a) for a in prov), dtype=np.int64, count=len(prov))
    if lengths.sum() == 0:
        return np.zeros(len(prov), dtype=bool)
    hits = np.isin(np.concatenate(list(prov)), ids).astype(np.int64)
    owners = np.repeat(np.arange(len(prov)), lengths)
    return np.bincount(owners, weights=hits, minlength=len(prov)) > 0


@dataclass(frozen=True)
class ProvenanceIndex:
    """Where each id of one source sits among a frame's rows, for lookups by binary search.

    `ids` are the ids in the frame's provenance column, sorted (id-set cells contribute each of
    their ids), and `rows` the row each comes from; `rows` is None when the column is a plain,
    already sorted id per row (the usual state of a source), whose ids are then their own index.
    Built once per frame (one sort), an index finds the rows of k deleted ids in O(k log n) and
    is carried to the frame that remains after a deletion in one pass (`after`), never rebuilt.
    """

    ids: np.ndarray
    rows: np.ndarray | None
    n_rows: int

    @classmethod
    def build(cls, prov: np.ndarray) -> ProvenanceIndex:
        if prov.dtype != object:
            ids = np.asarray(prov, dtype=np.int64)
            if len(ids) < 2 or bool(np.all(ids[1:] >= ids[:-1])):
                return cls(ids, None, len(ids))
            order = np.argsort(ids, kind="stable")
            return cls(ids[order], order, len(ids))
        lengths = np.fromiter((len(a) for a in prov), dtype=np.int64, count=len(prov))
        flat = (
            np.concatenate(list(prov)).astype(np.int64) if lengths.sum() else np.empty(0, np.int64)
        )
        owners = np.repeat(np.arange(len(prov)), lengths)
        order = np.argsort(flat, kind="stable")
        return cls(flat[order], owners[order], len(prov))

    def _ranges(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = unique_ids(ids)
        return np.searchsorted(self.ids, wanted, "left"), np.searchsorted(self.ids, wanted, "right")

    def found(self, ids: np.ndarray) -> np.ndarray:
        """For each of the sorted distinct `ids`, whether some row carries it."""
        lo, hi = self._ranges(ids)
        return hi > lo

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """The sorted distinct rows whose provenance holds one of `ids`."""
        lo, hi = self._ranges(ids)
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        starts = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        entries = starts + np.arange(total)
        rows = entries if self.rows is None else self.rows[entries]
        return unique_ids(rows)

    def mask(self, ids: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_rows, dtype=bool)
        out[self.positions(ids)] = True
        return out

    def after(self, kept: np.ndarray) -> ProvenanceIndex:
        """The index of the frame made of rows `kept` (sorted positions) of this one."""
        moved = np.full(self.n_rows, -1, dtype=np.int64)
        moved[kept] = np.arange(len(kept))
        if self.rows is None:
            alive = moved >= 0
            return ProvenanceIndex(self.ids[alive], None, len(kept))
        rows = moved[self.rows]
        alive = rows >= 0
        return ProvenanceIndex(self.ids[alive], rows[alive], len(kept))

    def agrees_with(self, prov: np.ndarray) -> bool:
        """Whether this index describes `prov` (a saved index is checked before it is used)."""
        if len(self.ids) > 1 and not bool(np.all(self.ids[1:] >= self.ids[:-1])):
            return False
        if prov.dtype == object:
            return _same_index(self, ProvenanceIndex.build(prov))
        if self.n_rows != len(prov):
            return False
        if self.rows is None:
            return bool(np.array_equal(self.ids, prov))
        rows = self.rows
        in_range = len(rows) == len(prov) and (
            not len(rows) or (rows.min() >= 0 and rows.max() < len(prov))
        )
        return bool(in_range and np.array_equal(prov[rows], self.ids) and _is_permutation(rows))


def _is_permutation(rows: np.ndarray) -> bool:
    return bool(np.all(np.bincount(rows, minlength=len(rows)) == 1))


def _same_index(a: ProvenanceIndex, b: ProvenanceIndex) -> bool:
    return (
        a.n_rows == b.n_rows
        and np.array_equal(a.ids, b.ids)
        and np.array_equal(np.asarray(a.rows), np.asarray(b.rows))
    )
