"""Saving runs in open formats, signed, atomically; loading them back is `loading.py`.

Layout (format 3):

- `meta.json`: split, provenance maps, column layouts, block widths, the parts of each frame and
  block with their row counts, the last forget report;
- `sources/<name>/NNNNN.parquet`, `prepared/NNNNN.parquet` (data with `__prov__*` id columns, in
  parts of consecutive rows: `parts.py`), `provenance_{train,test}.parquet`;
- `features/<n>/NNNNN.npy`: block n of the feature matrix over all prepared rows (X_train and
  X_test are its rows `train_index` and `test_index`), column-major, in parts of rows;
- `y_{train,test}.npy`, `y_all.npy`, `{train,test}_index.npy`, `predictions.npy`;
- `encoder.joblib`, `model.joblib` (pickles: loaded only when the signature checks);
- `maintenance/`: what keeps the next deletion cheap, as `.npy` and JSON: the provenance index of
  the prepared data per source, the encoder's category counts and document frequencies, the
  model's Hessian and gradient, and the preparation's lineage (`saved_lineage.py`);
- `audit.jsonl`: one line per deletion (`audit.py`);
- `SIGNATURE`: an HMAC per file and over all of them (`signing.py`).

A run is written into a hidden directory beside its target and renamed into place; replacing a
run (`overwrite`) goes through the journal of `commit.py`. Files a deletion did not change (the
parts of a frame or block that lost no row, an encoder it kept) are hard-linked from the run
they came from (left in place when the run is replaced), not written again, and keep their
signature entries.
(Format 2 had one file per frame and `X_{train,test}.npy`; such runs still load, and are saved
in format 3.)
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import audit, pickles
from .commit import publish, recover, replace, scratch_dir
from .errors import LesterError
from .frame import Frame
from .maintenance import write_maintenance
from .matrix import Block, Matrix
from .params import estimator_params, qualname
from .parts import Parts, Piece, SavedFeatures, plan
from .rows import FrameRows
from .run import Run
from .runfiles import relative
from .signing import AUDIT_LOG, MANIFEST, Manifest, file_hasher, mac_bytes, signing_key
from .stored import StoredFrameRows, select_rows

FORMAT = 3
ARRAYS = ("y_all", "train_index", "test_index", "predictions")
COPY_CHUNK = 1 << 24


class RunWriter:
    """Writes a run's files into a directory, recording the HMAC of each as it goes."""

    def __init__(self, root: Path, key: bytes | None) -> None:
        self.root, self.key = root, key
        self.macs: dict[str, str] = {}
        self.kept: set[str] = set()

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def data(self, rel: str, data: bytes) -> None:
        self._path(rel).write_bytes(data)
        if self.key is not None:
            self.macs[rel] = mac_bytes(self.key, rel, data)

    def array(self, rel: str, array: np.ndarray) -> None:
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(array), allow_pickle=False)
        self.data(rel, buffer.getvalue())

    def json(self, rel: str, doc: Any) -> None:
        self.data(rel, json.dumps(doc, indent=1, default=str).encode())

    def pickle(self, rel: str, obj: Any) -> None:
        self.data(rel, pickles.dumps(obj))

    def matrix(self, rel: str, matrix: Matrix, dtype: np.dtype | None = None) -> None:
        """A column-major `.npy`, streamed column by column from the matrix's arrays (runs of
        rows that survived a deletion are written straight from the array they live in), as
        `dtype` (default: the matrix's), hashed as it is written. (A part of a block is a few
        megabytes, and the parts are written beside the frames, in a thread of their own.)"""
        dtype = matrix.dtype if dtype is None else dtype
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header,
            {
                "descr": np.lib.format.dtype_to_descr(dtype),
                "fortran_order": True,
                "shape": matrix.shape,
            },
        )
        hasher = file_hasher(self.key, rel) if self.key is not None else None
        with open(self._path(rel), "wb") as handle:
            for piece in _pieces(header.getvalue(), matrix, dtype):
                handle.write(piece)
                if hasher is not None:
                    hasher.update(piece)
        if hasher is not None:
            self.macs[rel] = hasher.hexdigest()

    @staticmethod
    def frame_table(frame: Frame) -> pa.Table:
        return frame_table(FrameRows(frame))

    def table(self, rel: str, table: pa.Table) -> None:
        """Parquet without compression or column statistics: a run's frames are rewritten on
        every deletion, the matrix, not the frames, decides a run's size, and nothing reads a
        saved frame by its min/max statistics (computing them was a third of writing it)."""
        path = self._path(rel)
        pq.write_table(table, path, compression="none", write_statistics=False)
        if self.key is not None:
            self.macs[rel] = _mac_path(self.key, rel, path)

    def link(self, rel: str, source: Path, mac: str | None) -> None:
        """A file unchanged from an earlier run: hard-linked (copied across file systems)."""
        path = self._path(rel)
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
        if self.key is not None:
            self.macs[rel] = mac if mac is not None else _mac_path(self.key, rel, path)

    def keep(self, rel: str, mac: str | None, existing: Path) -> None:
        """A file an in-place update leaves where it is."""
        self.kept.add(rel)
        if self.key is not None:
            self.macs[rel] = mac if mac is not None else _mac_path(self.key, rel, existing)

    def sign(self) -> Manifest | None:
        if self.key is None:
            return None
        manifest = Manifest.of(self.key, self.macs)
        (self.root / MANIFEST).write_text(manifest.to_json())
        return manifest


def _pieces(header: bytes, matrix: Matrix, dtype: np.dtype) -> Iterator[memoryview]:
    yield memoryview(header)
    for piece in matrix.column_pieces():
        yield memoryview(np.asarray(piece, dtype=dtype)).cast("B")


def _mac_path(key: bytes, rel: str, path: Path) -> str:
    hasher = file_hasher(key, rel)
    with open(path, "rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def save_run(run: Run, target: Path, *, overwrite: bool = False, signed: bool = True) -> Path:
    """Write `run` to `target` (a new directory, or over a saved run when `overwrite`).

    `signed=False` writes no signature (the sandbox, whose runs the host never trusts).
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise LesterError(
            f"{target} already exists; choose another directory (nothing was written)"
        )
    in_place = target.exists()
    if in_place:
        if not (target / "meta.json").is_file():
            raise LesterError(f"{target} is not a saved Lester run; refusing to replace it")
        recover(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    key = signing_key() if signed else None
    if run.origin is not None:
        run.origin.settle()
    tmp = scratch_dir(target)
    tmp.mkdir()
    try:
        writer = RunWriter(tmp, key)
        same_dir = in_place and run.origin is not None and _same(run.origin.root, target)
        _write(run, writer, target if same_dir else None)
        if in_place:
            replace(tmp, target, keep=writer.kept)
        else:
            publish(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write(run: Run, writer: RunWriter, in_place: Path | None) -> None:
    unchanged = _unchanged(run)

    def carry(rel: str) -> None:
        """A file of the run this one came from, unchanged: kept in place, or linked."""
        mac = run.origin.mac(rel)
        if in_place is not None:
            writer.keep(rel, mac, in_place / rel)
        else:
            writer.link(rel, run.origin.root / rel, mac)

    def reuse(rel: str) -> bool:
        if rel in unchanged:
            carry(rel)
        return rel in unchanged

    layout: dict[str, Any] = {}
    with ThreadPoolExecutor(1) as background:
        # The matrix is most of a run's bytes: it is written beside the frames, not after them.
        matrices = background.submit(_write_features, run, writer, carry)
        layout["sources"] = {
            name: _write_frame(run, writer, relative("sources", name), rows, carry)
            for name, rows in run.source_rows.items()
        }
        layout["prepared"] = _write_frame(run, writer, "prepared", run.prepared_rows, carry)
        writer.table("provenance_train.parquet", _plain_table(run.train_provenance))
        writer.table("provenance_test.parquet", _plain_table(run.test_provenance))
        layout["features"] = matrices.result()
    writer.array("y_train.npy", run.y_train)
    writer.array("y_test.npy", run.y_test)
    for name in ARRAYS:
        writer.array(f"{name}.npy", getattr(run, name))
    for rel, obj in (("encoder.joblib", run.encoder), ("model.joblib", run.model)):
        if not reuse(rel):
            writer.pickle(rel, obj)
    maintenance = write_maintenance(run, writer)
    writer.json("meta.json", _meta(run, maintenance, layout, writer.key))
    content = Manifest.of(writer.key, writer.macs).content if writer.key else "unsigned"
    lines = audit.sealed(run.audit, writer.key or b"", content)
    writer.data(AUDIT_LOG, audit.encode(lines))
    writer.sign()


Carry = Callable[[str], None]


def _write_frame(
    run: Run, writer: RunWriter, directory: str, rows: FrameRows, carry: Carry
) -> Parts:
    """A frame in parts under `directory`: the parts of the saved frame it selects rows of that
    kept all their rows carried over, those that lost rows rewritten (read alone, one take)."""
    saved = rows.parts if isinstance(rows, StoredFrameRows) and _from(run, rows.root) else None
    pieces = plan(directory, ".parquet", len(rows), saved, rows.rows)
    starts = saved.starts if saved is not None else None
    table = None
    for piece in pieces:
        if piece.whole:
            carry(piece.rel)
        elif piece.part is not None:
            start = int(starts[piece.part])
            local = None if rows.rows is None else rows.rows[piece.start : piece.stop] - start
            writer.table(piece.rel, select_rows(rows.part_table(piece.part), local))
        else:
            table = frame_table(rows) if table is None else table
            writer.table(piece.rel, table.slice(piece.start, piece.stop - piece.start))
    return _parts_of(pieces)


def _write_features(run: Run, writer: RunWriter, carry: Carry) -> list[Parts]:
    """Each block of the matrix over all prepared rows in parts under `features/<n>/`: a block
    that selects rows of a saved block (same array, same columns) carries over the parts that
    kept all their rows and rewrites the others; a refitted block is written in fresh parts."""
    saved = getattr(run.origin, "features", None)
    matched = [_saved_block(saved, block) for block in run.features.blocks]
    taken = {parts.rels[0].rsplit("/", 1)[0] for parts in matched if parts is not None}
    fresh = (d for i in range(len(matched) + len(taken)) if (d := f"features/{i}") not in taken)
    out = []
    for block, parts in zip(run.features.blocks, matched, strict=True):
        directory = parts.rels[0].rsplit("/", 1)[0] if parts is not None else next(fresh)
        pieces = plan(directory, ".npy", block.n_rows, parts, block.rows)
        for piece in pieces:
            if piece.whole:
                carry(piece.rel)
                continue
            rows = np.arange(piece.start, piece.stop)
            writer.matrix(piece.rel, Matrix((block.take(rows),), len(rows)), run.features.dtype)
        out.append(_parts_of(pieces))
    return out


def _saved_block(saved: SavedFeatures | None, block: Block) -> Parts | None:
    """The saved parts of the block `block` selects rows of (None: it is no such selection)."""
    if saved is None or block.array is not saved.array or not isinstance(block.cols, slice):
        return None
    return saved.blocks.get((block.cols.start, block.cols.stop))


def _from(run: Run, root: Path) -> bool:
    return run.origin is not None and root == run.origin.root


def _parts_of(pieces: list[Piece]) -> Parts:
    return Parts(tuple(p.rel for p in pieces), tuple(p.stop - p.start for p in pieces))


def _unchanged(run: Run) -> set[str]:
    """Files whose artifact is the very object loaded from the run this one came from."""
    if run.origin is None:
        return set()
    current = {"encoder.joblib": run.encoder, "model.joblib": run.model}
    return {rel for rel, obj in current.items() if run.origin.artifacts.get(rel) is obj}


def frame_table(rows: FrameRows) -> pa.Table:
    """The live rows of a frame as an Arrow table (an Arrow `take`, no pandas copy)."""
    if isinstance(rows, StoredFrameRows) and "frame" not in rows._shared:
        return rows.selected_table()
    return select_rows(pa.Table.from_pandas(rows.base.df, preserve_index=False), rows.rows)


def _plain_table(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def _meta(
    run: Run, maintenance: dict[str, Any], layout: dict[str, Any], key: bytes | None
) -> dict[str, Any]:
    prepared = run.prepared_rows
    return {
        "format": FORMAT,
        "pipeline_path": run.pipeline_path,
        "data_dir": run.data_dir,
        "split": run.split.to_dict(),
        "fit_on": run.fit_on,
        "sources": {name: _colprov_json(rows.colprov) for name, rows in run.source_rows.items()},
        "source_ops": {name: sorted(rows.ops) for name, rows in run.source_rows.items()},
        "source_layout": {
            name: {**_layout(rows), "parts": layout["sources"][name].to_json()}
            for name, rows in run.source_rows.items()
        },
        "source_rows": {name: len(rows) for name, rows in run.source_rows.items()},
        "prepared": {
            "colprov": _colprov_json(prepared.colprov),
            "ops": sorted(prepared.ops),
            **_layout(prepared),
            "parts": layout["prepared"].to_json(),
        },
        "rows": len(prepared),
        "columns": prepared.columns,
        "blocks": [
            {
                "name": name,
                "width": block.width,
                "dir": parts.rels[0].split("/")[1],
                "parts": parts.to_json(),
            }
            for (name, _, _), block, parts in zip(
                _emitting(run.encoder), run.features.blocks, layout["features"], strict=True
            )
        ],
        "features_dtype": run.features.dtype.str,
        "column_provenance": run.column_provenance,
        "shapes": {
            "X_train": [len(run.train_index), run.features.shape[1]],
            "X_test": [len(run.test_index), run.features.shape[1]],
        },
        "model": qualname(run.model),
        "model_params": estimator_params(run.model),
        "maintenance": maintenance,
        "forget_report": audit.sealed_report(run.forget_report, key or b""),
        "notes": run.notes,
    }


def _emitting(encoder: Any) -> list[tuple[str, Any, Any]]:
    out = encoder.output_indices_
    return [(n, t, s) for n, t, s in encoder.transformers_ if out[n].stop > out[n].start]


def _layout(rows: FrameRows) -> dict[str, Any]:
    return {"layout": rows.layout, "n_rows": len(rows)}


def _colprov_json(colprov: dict) -> dict[str, list[list[str]]]:
    return {col: sorted([list(p) for p in pairs]) for col, pairs in colprov.items()}


def save_prepared(sources: dict[str, Frame], prepared: Frame, target: Path) -> Path:
    """The artifacts of a partial run (sources and preparation only), each frame one Parquet
    file (`sources/<name>.parquet`, `prepared.parquet`: what the agent's checks read),
    unsigned: partial runs are made in the sandbox, and nothing of them is ever unpickled."""
    if target.exists():
        raise LesterError(
            f"{target} already exists; choose another directory (nothing was written)"
        )
    tmp = scratch_dir(target)
    tmp.mkdir(parents=True)
    try:
        writer = RunWriter(tmp, None)
        for name, frame in sources.items():
            writer.table(relative("sources", f"{name}.parquet"), frame_table(FrameRows(frame)))
        writer.table("prepared.parquet", frame_table(FrameRows(prepared)))
        writer.json(
            "meta.json",
            {
                "format": FORMAT,
                "partial": True,
                "rows": len(prepared),
                "columns": prepared.columns,
                "source_rows": {n: len(f) for n, f in sources.items()},
                "ops": sorted(prepared.ops),
            },
        )
        publish(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
