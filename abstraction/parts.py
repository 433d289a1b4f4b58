"""Large artifacts of a saved run in parts of consecutive rows, so a deletion rewrites only the
parts it touches (format 3).

Deleting one data subject from a run of a million rows changes a handful of rows of the prepared
data, the sources and the feature matrix, yet a single file per artifact must be written again
whole (hundreds of megabytes) and hashed again for the signature. So the frames and each block
of the feature matrix are saved as a directory of parts of at most `PART_ROWS` rows. Saving a
selection of a saved artifact keeps every part whose rows all survived as it is (hard-linked,
or left in place, with its signature entry) and rewrites only the parts that lost rows, under
their own names; a part that lost every row is dropped. Anything that is not a selection of the
saved parts (a refitted block, a recomputed frame) is written in fresh parts.

Part names are plain file names listed in `meta.json` with their row counts; they are checked
like every name a run supplies, and every part is covered by the signature like any file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .runfiles import BadRunError, plain_name, relative

PART_ROWS = 1 << 15


@dataclass(frozen=True)
class Parts:
    """The files of one artifact, in row order, with the number of rows each holds."""

    rels: tuple[str, ...]
    counts: tuple[int, ...]

    @classmethod
    def single(cls, rel: str, n_rows: int) -> Parts:
        """An artifact of format 2 and earlier: one file."""
        return cls((rel,), (n_rows,))

    @classmethod
    def from_json(cls, root: Path, directory: str, doc: Any) -> Parts:
        """The parts `meta.json` lists under `directory` (names and counts checked)."""
        if not isinstance(doc, list) or not doc:
            raise BadRunError(f"{root}: meta.json lists no parts of {directory}")
        rels, counts = [], []
        for entry in doc:
            if not (isinstance(entry, list) and len(entry) == 2 and _count(entry[1])):
                raise BadRunError(f"{root}: meta.json lists a malformed part of {directory}")
            rels.append(relative(directory, plain_name(entry[0], "part")))
            counts.append(entry[1])
        if len(set(rels)) != len(rels):
            raise BadRunError(f"{root}: meta.json lists a part of {directory} twice")
        return cls(tuple(rels), tuple(counts))

    def to_json(self) -> list[list[Any]]:
        return [
            [rel.rsplit("/", 1)[-1], count]
            for rel, count in zip(self.rels, self.counts, strict=True)
        ]

    @property
    def n_rows(self) -> int:
        return sum(self.counts)

    @property
    def starts(self) -> np.ndarray:
        """The first row of each part (and the end of the last)."""
        return np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])

    def within(self, directory: str) -> bool:
        return all(rel.rsplit("/", 1)[0] == directory for rel in self.rels)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class SavedFeatures:
    """The matrix a run was loaded into, and the saved parts of each block by its columns
    (start, stop): what saving the next run compares its blocks with."""

    array: np.ndarray
    blocks: dict[tuple[int, int], Parts]


@dataclass(frozen=True)
class Piece:
    """One part to save: the live rows `start:stop` (positions among the selection's rows), and
    `part`, the saved part they come from (None: fresh); `whole` when they are all of its rows."""

    rel: str
    start: int
    stop: int
    part: int | None = None
    whole: bool = False


def plan(
    directory: str, suffix: str, n_rows: int, saved: Parts | None, rows: np.ndarray | None
) -> list[Piece]:
    """How to save `n_rows` live rows that are the rows `rows` (None: all, in order) of the saved
    artifact `saved` (None when they are no selection of saved parts in `directory`)."""
    if saved is not None and saved.within(directory):
        pieces = _selection(saved, n_rows, rows)
        if pieces:
            return pieces
    return [
        Piece(relative(directory, f"{i:05d}{suffix}"), a, min(a + PART_ROWS, n_rows))
        for i, a in enumerate(range(0, max(n_rows, 1), PART_ROWS))
    ]


def _selection(saved: Parts, n_rows: int, rows: np.ndarray | None) -> list[Piece] | None:
    """The saved parts that keep live rows, each with the live rows it holds (None when `rows`
    are not increasing: then they are no row selection the parts can serve)."""
    if rows is None:
        if n_rows != saved.n_rows:
            return None
        starts = saved.starts
        return [
            Piece(rel, int(starts[k]), int(starts[k + 1]), k, True)
            for k, rel in enumerate(saved.rels)
            if saved.counts[k]
        ]
    if len(rows) != n_rows or (len(rows) > 1 and np.any(np.diff(rows) <= 0)):
        return None
    starts = saved.starts
    if len(rows) and (rows[0] < 0 or rows[-1] >= starts[-1]):
        return None
    bounds = np.searchsorted(rows, starts)
    pieces = []
    for k, rel in enumerate(saved.rels):
        a, b = int(bounds[k]), int(bounds[k + 1])
        if b > a:
            pieces.append(Piece(rel, a, b, k, b - a == saved.counts[k]))
    return pieces
