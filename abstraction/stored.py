"""Reading a saved run's files: bounded parsers, malformed input as `BadRunError`, lazy frames.

Every file is read through `runfiles` (no links, nothing outside the run) and parsed by a parser
that cannot run code: JSON, `.npy` without pickles, Parquet. Whatever goes wrong while parsing is
reported as a malformed run (bad input), never as a traceback.

`StoredFrameRows` is a saved frame that is read only as far as it is used: a deletion needs the
provenance column of a source and the input columns of refitted encoders, not the text of a
million mails, so columns are read on demand from the file's bytes, and saving the frame again
writes an Arrow `take` of the file's table without building a pandas frame at all.
"""

from __future__ import annotations

import io
import json
import mmap
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .frame import PROV_PREFIX, Frame, is_prov_column, object_array
from .parts import Parts
from .provenance import ProvenanceIndex
from .rows import FrameRows
from .runfiles import BadRunError, read_bytes, regular_file

HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OSError, pa.ArrowException, EOFError)


def parse_json(root: Path, rel: str, data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRunError(f"{root}: {rel} is not valid JSON ({exc})") from None


def parse_npy(root: Path, rel: str, data: bytes | memoryview, *, copy: bool = True) -> np.ndarray:
    """An array from `.npy` bytes; object arrays (which need pickles) are refused."""
    shape, fortran, dtype, offset = npy_header(root, rel, data)
    try:
        count = int(np.prod(shape))
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
        array = array.reshape(shape, order="F" if fortran else "C")
    except PARSE_ERRORS as exc:
        raise BadRunError(f"{root}: {rel} is not a valid .npy array ({exc})") from None
    return array.copy() if copy else array


def npy_header(
    root: Path, rel: str, data: bytes | memoryview
) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """(shape, Fortran order, dtype, offset of the data) from the start of a `.npy` file."""
    try:
        stream = _View(data)
        version = np.lib.format.read_magic(stream)
        if version not in HEADER_READERS:
            raise ValueError(f"format version {version}")
        shape, fortran, dtype = HEADER_READERS[version](stream)
        if dtype.hasobject:
            raise ValueError("it holds Python objects")
    except PARSE_ERRORS as exc:
        raise BadRunError(f"{root}: {rel} is not a valid .npy array ({exc})") from None
    return shape, fortran, dtype, stream.tell()


class _View(io.RawIOBase):
    """A read-only stream over a buffer without copying it (for headers of mapped files)."""

    def __init__(self, data: bytes | memoryview) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def readinto(self, buffer: Any) -> int:
        chunk = self._data[self._pos : self._pos + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk = bytes(self._data[self._pos : end])
        self._pos += len(chunk)
        return chunk


HEADER_BYTES = 65546  # the largest header of a version 1.0 `.npy`
IOV_MAX = 1024


def read_npy_into(root: Path, rel: str, target: np.ndarray) -> tuple[bytes, list[memoryview]]:
    """Read the column-major `.npy` file `rel` straight into `target` (a column-major array of
    the shape and dtype it must hold), each column a buffer of one read: the file is neither
    mapped nor copied in memory. Returns the file's pieces in order (its header, then the
    columns as they now sit in `target`), for its signature."""
    fd = os.open(regular_file(root, rel), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, min(size, HEADER_BYTES), 0)
        shape, fortran, dtype, offset = npy_header(root, rel, head)
        fits = tuple(shape) == target.shape and dtype == target.dtype
        if not fits or not (fortran or min(shape) <= 1) or size != offset + target.nbytes:
            raise BadRunError(f"{root}: {rel} does not fit its block of the matrix")
        columns = [memoryview(target[:, j]).cast("B") for j in range(target.shape[1])]
        columns = columns if target.size else []
        position = offset
        for first in range(0, len(columns), IOV_MAX):
            batch = columns[first : first + IOV_MAX]
            if os.preadv(fd, batch, position) != sum(c.nbytes for c in batch):
                raise BadRunError(f"{root}: {rel} changed while it was read")
            position += sum(c.nbytes for c in batch)
    finally:
        os.close(fd)
    return head[:offset], columns


def map_file(root: Path, rel: str) -> mmap.mmap | bytes:
    """A read-only mapping of a run file (large arrays are never copied into memory)."""
    path = regular_file(root, rel)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if os.fstat(fd).st_size == 0:
            return b""
        flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
        return mmap.mmap(fd, 0, flags=flags, prot=mmap.PROT_READ)
    finally:
        os.close(fd)


def parse_table(root: Path, rel: str, data: bytes, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(pa.BufferReader(data), columns=columns)
    except PARSE_ERRORS as exc:
        raise BadRunError(f"{root}: {rel} is not a valid Parquet file ({exc})") from None


def parse_layout(root: Path, rel: str, data: bytes) -> tuple[list[str], int]:
    """The column names and row count of a Parquet file (from its footer)."""
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        return list(parquet.schema_arrow.names), parquet.metadata.num_rows
    except PARSE_ERRORS as exc:
        raise BadRunError(f"{root}: {rel} is not a valid Parquet file ({exc})") from None


def table_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame from a saved table, provenance id sets as int64 arrays again."""
    df = table.to_pandas()
    for col in df.columns:
        if is_prov_column(col) and df[col].dtype == object:
            df[col] = object_array([np.asarray(v, dtype=np.int64) for v in df[col]])
    return df


class StoredFrameRows(FrameRows):
    """Rows of a frame saved in `parts` (one file, or a directory of parts), read column by
    column as they are needed.

    `check` verifies a file's bytes before anything is parsed from them (the signature).
    """

    def __init__(
        self,
        root: Path,
        parts: Parts,
        check: Callable[[str, bytes], None],
        colprov: dict[str, frozenset],
        ops: frozenset[str],
        layout: list[str],
        rows: np.ndarray | None = None,
        indexes: dict[str, ProvenanceIndex] | None = None,
        shared: dict[str, Any] | None = None,
    ) -> None:
        self.root, self.parts, self.check = root, parts, check
        self.n_base, self._colprov, self._ops = parts.n_rows, colprov, ops
        self._layout = list(layout)
        self._columns = [c for c in layout if not is_prov_column(c)]
        self._sources = [c[len(PROV_PREFIX) :] for c in layout if is_prov_column(c)]
        self.rows = rows
        self._indexes = dict(indexes or {})
        self._shared = shared if shared is not None else {}

    def content(self, part: int = 0) -> bytes:
        """A part's verified bytes (read once, shared by every selection of the same file)."""
        cache = self._shared.setdefault("bytes", {})
        if part not in cache:
            rel = self.parts.rels[part]
            data = read_bytes(self.root, rel)
            self.check(rel, data)
            cache[part] = data
        return cache[part]

    def part_table(self, part: int, columns: list[str] | None = None) -> pa.Table:
        """The table of one part (or some columns of it), its row count checked."""
        rel = self.parts.rels[part]
        table = parse_table(self.root, rel, self.content(part), columns)
        if table.num_rows != self.parts.counts[part]:
            raise BadRunError(
                f"{self.root}: {rel} has {table.num_rows} rows, not {self.parts.counts[part]}"
            )
        return table

    def table(self, columns: list[str] | None = None) -> pa.Table:
        """The frame's table (or some columns of it); a whole table, once read, is kept."""
        whole = self._shared.get("table")
        if whole is not None:
            return whole if columns is None else whole.select(columns)
        pieces = [self.part_table(k, columns) for k in range(len(self.parts.rels))]
        try:
            table = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
        except pa.ArrowException as exc:
            raise BadRunError(f"{self.root}: the parts of a frame differ ({exc})") from None
        if columns is None:
            self._shared["table"] = table
        return table

    @cached_property
    def base(self) -> Frame:  # type: ignore[override]
        if "frame" not in self._shared:
            df = table_frame(self.table())
            if list(df.columns) != self._layout:
                raise BadRunError(
                    f"{self.root}: {self.parts.rels[0]} does not hold the columns its metadata "
                    "names"
                )
            self._shared["frame"] = Frame(df, self._colprov, self._ops)
        return self._shared["frame"]

    def __len__(self) -> int:
        return self.n_base if self.rows is None else len(self.rows)

    @property
    def layout(self) -> list[str]:
        return list(self._layout)

    @property
    def sources(self) -> list[str]:
        return list(self._sources)

    @property
    def colprov(self) -> dict[str, frozenset]:
        return self._colprov

    @property
    def ops(self) -> frozenset[str]:
        return self._ops

    @property
    def lineage(self) -> None:
        return None

    def empty(self) -> pd.DataFrame:
        schema = pq.read_schema(pa.BufferReader(self.content()))
        return table_frame(schema.empty_table())[self._columns]

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def values(self, column: str) -> np.ndarray:
        if "frame" in self._shared:
            return super().values(column)
        values = table_frame(self.table([column]))[column].to_numpy()
        return values if self.rows is None else values[self.rows]

    def data(self, columns: list[str] | None = None) -> pd.DataFrame:
        if "frame" in self._shared or columns is None:
            return super().data(columns)
        df = table_frame(self.table(list(columns)))
        return df if self.rows is None else df.take(self.rows).reset_index(drop=True)

    def without(self, removed: np.ndarray) -> StoredFrameRows:
        kept = np.flatnonzero(~removed)
        rows = kept if self.rows is None else self.rows[kept]
        indexes = {s: idx.after(kept) for s, idx in self._indexes.items()}
        return StoredFrameRows(
            self.root, self.parts, self.check, self._colprov, self._ops, self._layout, rows,
            indexes, self._shared,
        )  # fmt: skip

    def selected_table(self) -> pa.Table:
        """The live rows as an Arrow table (what saving writes)."""
        return select_rows(self.table(), self.rows)


def select_rows(table: pa.Table, rows: np.ndarray | None, most_runs: int = 4096) -> pa.Table:
    """Rows `rows` of `table`: zero-copy slices when they are a few runs of consecutive rows
    (what a deletion leaves), else an Arrow take."""
    if rows is None:
        return table
    if not len(rows):
        return table.slice(0, 0)
    steps = np.diff(rows)
    breaks = np.flatnonzero(steps != 1)
    if np.any(steps <= 0) or len(breaks) > most_runs:
        return table.take(pa.array(rows))
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    stops = np.concatenate([rows[breaks] + 1, [rows[-1] + 1]])
    return pa.concat_tables([table.slice(a, b - a) for a, b in zip(starts, stops, strict=True)])
