"""Feature matrices as column blocks, each a row selection of an array shared with earlier runs.

A run's matrix can be hundreds of megabytes; copying it to drop one row costs more than the rest
of a deletion together, and holding the copy beside the original doubles the memory. So `forget`
never copies it: a `Matrix` is a sequence of `Block`s (one per transformer of the encoder), each
an array it shares with the run it came from plus the positions of its live rows and, when
categories vanished, of its live columns. Deleting rows composes positions; a refitted block
replaces its own columns only. What the model update needs (products with a vector) runs block
by block on the shared arrays; `dense()` materializes the matrix when someone asks for it, and
saving streams it row chunk by row chunk.

The shared arrays still hold the deleted rows in memory (the earlier run holds them anyway);
they are never reachable through the matrix and never written: everything that leaves the
process goes through the row positions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

CHUNK_ROWS = 1 << 16


@dataclass(frozen=True)
class Block:
    """Rows `rows` and columns `cols` of `array` (None: all of them, in order)."""

    array: np.ndarray
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return len(self.array) if self.rows is None else len(self.rows)

    @property
    def width(self) -> int:
        return self.array.shape[1] if self.cols is None else len(self.cols)

    def take(self, positions: np.ndarray) -> Block:
        rows = positions if self.rows is None else self.rows[positions]
        return replace(self, rows=rows)

    def keep_columns(self, keep: np.ndarray) -> Block:
        """The block without the columns where `keep` (one flag per current column) is false."""
        current = np.arange(self.array.shape[1]) if self.cols is None else self.cols
        return replace(self, cols=current[keep])

    def dense(self, positions: np.ndarray | None = None) -> np.ndarray:
        """The block's values (of rows `positions` only, if given), as a fresh or shared array."""
        rows = self.rows if positions is None else self._rows(positions)
        out = self.array if rows is None else self.array[rows]
        return out if self.cols is None else out[:, self.cols]

    def _rows(self, positions: np.ndarray) -> np.ndarray:
        return positions if self.rows is None else self.rows[positions]

    def matvec(self, v: np.ndarray) -> np.ndarray:
        if self.cols is not None:
            full = np.zeros(self.array.shape[1])
            full[self.cols] = v
            v = full
        out = self.array @ v
        return out if self.rows is None else out[self.rows]

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        if self.rows is not None:
            full = np.zeros(len(self.array))
            full[self.rows] = r
            r = full
        out = self.array.T @ r
        return out if self.cols is None else out[self.cols]

    def column_sums(self, positions: np.ndarray) -> np.ndarray:
        """Per column, the sum over rows `positions` (one-hot counts, document frequencies)."""
        return self.dense(positions).sum(axis=0) if len(positions) else np.zeros(self.width)


@dataclass(frozen=True)
class Matrix:
    """Blocks side by side, all with the same rows."""

    blocks: tuple[Block, ...]
    n_rows: int

    @classmethod
    def of(cls, dense: np.ndarray, widths: Sequence[int]) -> Matrix:
        """Column slices of `dense` (views, no copy) of the given widths."""
        blocks, start = [], 0
        for width in widths:
            blocks.append(Block(dense[:, start : start + width]))
            start += width
        if start != dense.shape[1]:
            raise ValueError(f"block widths {list(widths)} do not cover {dense.shape[1]} columns")
        return cls(tuple(blocks), len(dense))

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_rows, sum(b.width for b in self.blocks)

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

    def take(self, positions: np.ndarray) -> Matrix:
        return Matrix(tuple(b.take(positions) for b in self.blocks), len(positions))

    def with_block(self, i: int, block: Block) -> Matrix:
        if block.n_rows != self.n_rows:
            raise ValueError(f"block {i} has {block.n_rows} rows, the matrix {self.n_rows}")
        return Matrix(self.blocks[:i] + (block,) + self.blocks[i + 1 :], self.n_rows)

    def dense(self, positions: np.ndarray | None = None) -> np.ndarray:
        n = self.n_rows if positions is None else len(positions)
        if len(self.blocks) == 1 and positions is None:
            return np.asarray(self.blocks[0].dense())
        out = np.empty((n, self.shape[1]), dtype=self.dtype)
        for block, cols in zip(self.blocks, self.offsets(), strict=True):
            out[:, cols] = block.dense(positions)
        return out

    def matvec(self, v: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_rows)
        for block, cols in zip(self.blocks, self.offsets(), strict=True):
            if block.width:
                out += block.matvec(v[cols])
        return out

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        parts = [b.rmatvec(r) if b.width else np.zeros(0) for b in self.blocks]
        return np.concatenate(parts) if parts else np.zeros(0)

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[np.ndarray]:
        """The matrix as consecutive dense row chunks (for streaming writes)."""
        for start in range(0, self.n_rows, rows):
            yield self.dense(np.arange(start, min(start + rows, self.n_rows)))
