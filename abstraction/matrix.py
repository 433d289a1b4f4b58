"""Feature matrices as column blocks, each a row selection of an array shared with earlier runs.

A run's matrix can be hundreds of megabytes; copying it to drop one row costs more than the rest
of a deletion together, and holding the copy beside the original doubles the memory. So `forget`
never copies it: a `Matrix` is a sequence of `Block`s (one per transformer of the encoder), each
naming columns of an array it shares with the run it came from and the positions of its live
rows. Deleting rows composes positions; a refitted block replaces its own columns only; a
vanished category drops its column from the selection. What the model update needs (products
with a vector) runs on the shared arrays, one pass per array however many blocks it holds;
`dense()` materializes the matrix when someone asks for it, and saving streams it column by
column.

The shared arrays still hold the deleted rows in memory (the earlier run holds them anyway);
they are never reachable through the matrix and never written: everything that leaves the
process goes through the row positions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Block:
    """Rows `rows` (None: all, in order) and columns `cols` of the 2-D `array`."""

    array: np.ndarray
    rows: np.ndarray | None = None
    cols: slice | np.ndarray | None = None

    @property
    def columns(self) -> np.ndarray:
        width = self.array.shape[1]
        if self.cols is None:
            return np.arange(width)
        if isinstance(self.cols, slice):
            return np.arange(width)[self.cols]
        return self.cols

    @property
    def n_rows(self) -> int:
        return len(self.array) if self.rows is None else len(self.rows)

    @property
    def width(self) -> int:
        return len(self.columns) if self.cols is not None else self.array.shape[1]

    def take(self, positions: np.ndarray) -> Block:
        rows = positions if self.rows is None else self.rows[positions]
        return replace(self, rows=rows)

    def keep_columns(self, keep: np.ndarray) -> Block:
        """The block without the columns where `keep` (one flag per column) is false."""
        return replace(self, cols=self.columns[keep])

    def dense(self, positions: np.ndarray | None = None) -> np.ndarray:
        return _Group([self]).dense(positions)


@dataclass(frozen=True)
class _Group:
    """Consecutive blocks over the same array and rows: one pass over the array serves them."""

    blocks: list[Block]

    @property
    def array(self) -> np.ndarray:
        return self.blocks[0].array

    @property
    def rows(self) -> np.ndarray | None:
        return self.blocks[0].rows

    def columns(self) -> np.ndarray | slice:
        if len(self.blocks) == 1 and isinstance(self.blocks[0].cols, slice | None):
            return self.blocks[0].cols or slice(None)
        columns = np.concatenate([b.columns for b in self.blocks])
        if len(columns) and np.array_equal(columns, np.arange(columns[0], columns[-1] + 1)):
            return slice(int(columns[0]), int(columns[-1]) + 1)
        return columns

    def dense(self, positions: np.ndarray | None = None) -> np.ndarray:
        rows = self.rows if positions is None else _compose(self.rows, positions)
        cols = self.columns()
        if rows is None:
            return self.array[:, cols]
        if isinstance(cols, slice):
            return self.array[rows, cols]
        return self.array[rows][:, cols]

    def matvec(self, v: np.ndarray) -> np.ndarray:
        full = np.zeros(self.array.shape[1])
        full[self.columns()] = v
        out = self.array @ full
        return out if self.rows is None else out[self.rows]

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        if self.rows is not None:
            full = np.zeros(len(self.array))
            full[self.rows] = r
            r = full
        return (self.array.T @ r)[self.columns()]


def _runs(rows: np.ndarray | None, n: int, most: int = 4096) -> list[tuple[int, int]] | None:
    """`rows` as runs of consecutive positions (None when they are not sorted, or too broken
    up for runs to beat a gather)."""
    if rows is None:
        return [(0, n)]
    if not len(rows):
        return []
    steps = np.diff(rows)
    if np.any(steps <= 0):
        return None
    breaks = np.flatnonzero(steps != 1)
    if len(breaks) > most:
        return None
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    stops = np.concatenate([rows[breaks] + 1, [rows[-1] + 1]])
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def _compose(rows: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
    return positions if rows is None else rows[positions]


@dataclass(frozen=True)
class Matrix:
    """Blocks side by side, all with the same number of rows."""

    blocks: tuple[Block, ...]
    n_rows: int

    @classmethod
    def of(cls, dense: np.ndarray, widths: Sequence[int]) -> Matrix:
        """Column ranges of `dense` (no copy) of the given widths."""
        blocks, start = [], 0
        for width in widths:
            blocks.append(Block(dense, None, slice(start, start + width)))
            start += width
        if start != dense.shape[1]:
            raise ValueError(f"block widths {list(widths)} do not cover {dense.shape[1]} columns")
        return cls(tuple(blocks), len(dense))

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_rows, sum(self.widths)

    @property
    def widths(self) -> list[int]:
        return [b.width for b in self.blocks]

    @property
    def dtype(self) -> np.dtype:
        return np.result_type(*(b.array.dtype for b in self.blocks)) if self.blocks else np.float64

    def offsets(self) -> list[slice]:
        out, start = [], 0
        for width in self.widths:
            out.append(slice(start, start + width))
            start += width
        return out

    def _groups(self) -> list[tuple[_Group, slice]]:
        """Runs of blocks sharing array and rows, with the matrix columns each run covers."""
        groups: list[tuple[list[Block], int, int]] = []
        for block, cols in zip(self.blocks, self.offsets(), strict=True):
            if not block.width:
                continue
            last = groups[-1][0][-1] if groups else None
            if last is not None and last.array is block.array and last.rows is block.rows:
                groups[-1][0].append(block)
                groups[-1] = (groups[-1][0], groups[-1][1], cols.stop)
            else:
                groups.append(([block], cols.start, cols.stop))
        return [(_Group(blocks), slice(a, b)) for blocks, a, b in groups]

    def take(self, positions: np.ndarray) -> Matrix:
        """The rows `positions` (blocks that shared rows keep sharing them)."""
        composed: dict[int, np.ndarray] = {}
        blocks = []
        for block in self.blocks:
            key = id(block.rows)
            if key not in composed:
                composed[key] = _compose(block.rows, positions)
            blocks.append(replace(block, rows=composed[key]))
        return Matrix(tuple(blocks), len(positions))

    def with_block(self, i: int, block: Block) -> Matrix:
        if block.n_rows != self.n_rows:
            raise ValueError(f"block {i} has {block.n_rows} rows, the matrix {self.n_rows}")
        return Matrix(self.blocks[:i] + (block,) + self.blocks[i + 1 :], self.n_rows)

    def dense(
        self, positions: np.ndarray | None = None, out: np.ndarray | None = None
    ) -> np.ndarray:
        """The values (of rows `positions` only, if given), into `out` when it is given."""
        groups = self._groups()
        whole = len(groups) == 1 and groups[0][1].stop == self.shape[1]
        if whole and out is None:
            return np.asarray(groups[0][0].dense(positions))
        n = self.n_rows if positions is None else len(positions)
        out = np.empty((n, self.shape[1]), dtype=self.dtype) if out is None else out[:n]
        for group, cols in groups:
            out[:, cols] = group.dense(positions)
        return out

    def matvec(self, v: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_rows)
        for group, cols in self._groups():
            out += group.matvec(v[cols])
        return out

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape[1])
        for group, cols in self._groups():
            out[cols] = group.rmatvec(r)
        return out

    def column_pieces(self) -> Iterator[np.ndarray]:
        """The matrix in column-major order as contiguous 1-D pieces (for streaming writes of a
        Fortran-ordered `.npy`): a column of a column-major array whose live rows are runs of
        consecutive rows is written straight from the array, run by run, without a copy."""
        for block in self.blocks:
            runs = _runs(block.rows, len(block.array)) if block.array.flags.f_contiguous else None
            for column in block.columns:
                values = block.array[:, column]
                if runs is None:
                    yield np.ascontiguousarray(values if block.rows is None else values[block.rows])
                    continue
                for start, stop in runs:
                    yield values[start:stop]
