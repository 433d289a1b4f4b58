"""Loading a saved run without its pipeline's code, trusting only what the user's key signed.

- An interrupted in-place update of the run is completed first (`commit.recover`).
- Every file is read by name from a fixed layout or from a plain name in `meta.json`, without
  following links, and parsed by bounded parsers (`stored.py`); malformed files are bad input.
- Files are checked against the run's `SIGNATURE` as they are read. In a run signed with the
  user's key, a file that does not match is refused (`UnsignedRunError`). The encoder and the
  model are pickles: they are unpickled only when the run is signed and they match; otherwise
  they are withheld (`Withheld`, which fails on use), unless the caller passes `trust_unsigned`,
  which the warnings then name.
- Frames are read column by column as a deletion needs them, the matrix is mapped, not read.
- An older run (format 1) has no maintenance data: it is recomputed from the artifacts (indexes,
  encoder statistics, the model's Hessian), and the run's notes say so.
"""

from __future__ import annotations

import io
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from . import audit, pickles
from .commit import recover
from .encoder_update import fit_statistics
from .errors import LesterError
from .maintenance import Maintenance, read_maintenance
from .matrix import Matrix
from .parts import Parts, SavedFeatures
from .rows import FrameRows
from .run import Run
from .runfiles import BadRunError, plain_name, read_bytes, regular_file, relative
from .runner import model_curvature
from .saved_lineage import read_lineage
from .signing import (
    AUDIT_LOG,
    Trust,
    UnsignedRunError,
    read_manifest,
    sign_directory,
    trust_of,
)
from .splits import Split
from .stored import (
    StoredFrameRows,
    map_file,
    parse_json,
    parse_layout,
    parse_npy,
    read_npy_into,
)

FORMATS = (1, 2, 3)
_HASHING = ThreadPoolExecutor(2, thread_name_prefix="lester-verify")
PICKLES = ("encoder.joblib", "model.joblib")


class Withheld:
    """Stands for a pickle that was not unpickled because its signature did not check."""

    def __init__(self, rel: str, problem: str) -> None:
        self._rel, self._problem = rel, problem

    def __getattr__(self, name: str) -> Any:
        raise UnsignedRunError(
            f"{self._rel} was not unpickled: {self._problem}. Unpickling runs code the file names; "
            "pass --trust-unsigned (trust_unsigned=True) only for a run you made yourself."
        )

    def __repr__(self) -> str:
        return f"Withheld({self._rel!r})"


@dataclass
class Origin:
    """Where a loaded run came from: its directory, what its signature says, and the objects
    loaded from each file (a later save links a file whose object is unchanged)."""

    root: Path
    trust: Trust
    artifacts: dict[str, Any] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)
    pending: list[tuple[str, Future]] = field(default_factory=list)
    features: SavedFeatures | None = None

    def check(self, rel: str, data: bytes | memoryview) -> None:
        """Accept a data file: matching, or from a run the user's key did not sign (its data are
        only parsed), or trusted by the caller; a signed run's changed file is refused."""
        self._judge(rel, self.trust.problem(rel, data))

    def check_later(self, rel: str, data: bytes | memoryview, *more: memoryview) -> None:
        """Check a large file (its bytes `data`, then `more`) in a background thread (hashing
        releases the interpreter) while other work goes on; `settle` waits for the outcome."""
        self.pending.append((rel, _HASHING.submit(self.trust.problem, rel, data, *more)))

    def settle(self) -> None:
        pending, self.pending = self.pending, []
        for rel, future in pending:
            self._judge(rel, future.result())

    def _judge(self, rel: str, problem: str | None) -> None:
        if problem is None:
            return
        if self.trust.signed and not self.trust.trust_unsigned:
            raise UnsignedRunError(f"{self.root}: {problem}")
        self.unverified.append(f"{rel}: {problem}")

    def mac(self, rel: str) -> str | None:
        """The signature entry of a file, when the run is signed with the user's key."""
        return self.trust.manifest.files.get(rel) if self.trust.signed else None

    @property
    def content(self) -> str | None:
        return self.trust.manifest.content if self.trust.signed else None


def load_run(directory: str | Path, *, trust_unsigned: bool = False) -> Run:
    """Load a saved run; no pipeline code is needed, and none is imported."""
    root = Path(directory)
    if not (root / "meta.json").exists() and not (root / "meta.json").is_symlink():
        raise LesterError(f"{root} is not a saved Lester run (no meta.json)")
    recover(root)
    origin = Origin(root, trust_of(root, trust_unsigned))
    meta = parse_json(root, "meta.json", _read(origin, "meta.json"))
    if not isinstance(meta, dict) or meta.get("format") not in FORMATS or meta.get("partial"):
        found = meta.get("format") if isinstance(meta, dict) else None
        raise BadRunError(f"{root}: unsupported run format {found!r}")
    try:
        return _assemble(origin, meta)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise BadRunError(f"{root}: meta.json is malformed ({type(exc).__name__}: {exc})") from None


def _read(origin: Origin, rel: str) -> bytes:
    data = read_bytes(origin.root, rel)
    origin.check(rel, data)
    return data


def _array(origin: Origin, rel: str) -> np.ndarray:
    return parse_npy(origin.root, rel, _read(origin, rel))


def _mapped(origin: Origin, rel: str) -> np.ndarray:
    mapped = map_file(origin.root, rel)
    try:
        array = parse_npy(origin.root, rel, mapped, copy=False)
    except BadRunError:
        origin.check(rel, mapped)  # a tampered file says so before it says it is malformed
        raise
    origin.check_later(rel, mapped)
    return array


def _assemble(origin: Origin, meta: dict[str, Any]) -> Run:
    root, legacy, parted = origin.root, meta["format"] == 1, meta["format"] >= 3
    sources = {
        plain_name(name, "source"): _source(origin, meta, name, legacy) for name in meta["sources"]
    }
    prepared_at = "prepared" if parted else "prepared.parquet"
    prepared = _frame(origin, prepared_at, meta["prepared"], legacy, parted)
    arrays = {
        name: _array(origin, f"{name}.npy")
        for name in ("y_all", "train_index", "test_index", "predictions")
    }
    _check_rows(root, arrays, len(prepared))
    encoder, model = (_pickle(origin, rel, legacy) for rel in PICKLES)
    features = (
        _parted_features(origin, meta, len(arrays["y_all"]))
        if parted
        else _features(origin, meta, arrays, encoder, legacy)
    )
    notes = list(meta.get("notes") or [])
    run = Run(
        source_rows=sources,
        prepared_rows=prepared,
        split=_split(root, meta["split"]),
        fit_on=meta["fit_on"] if meta["fit_on"] in ("train", "all") else _bad(root, "fit_on"),
        encoder=encoder,
        features=features,
        model=model,
        column_provenance=meta["column_provenance"],
        pipeline_path=meta.get("pipeline_path"),
        data_dir=meta.get("data_dir"),
        forget_report=meta.get("forget_report"),
        audit=_audit(origin),
        origin=origin,
        notes=notes,
        content=origin.content,
        **arrays,
    )
    origin.artifacts.update({"encoder.joblib": encoder, "model.joblib": model})
    _attach_maintenance(run, meta, legacy)
    return run


def _bad(root: Path, what: str) -> Any:
    raise BadRunError(f"{root}: meta.json has an invalid {what}")


def _source(origin: Origin, meta: dict, name: str, legacy: bool) -> StoredFrameRows:
    entry = {"colprov": meta["sources"][name], "ops": meta["source_ops"][name]}
    if not legacy:
        entry.update(meta["source_layout"][name])
    parted = meta["format"] >= 3
    plain = plain_name(name, "source")
    rel = relative("sources", plain) if parted else relative("sources", f"{plain}.parquet")
    return _frame(origin, rel, entry, legacy, parted)


def _frame(origin: Origin, rel: str, entry: dict, legacy: bool, parted: bool) -> StoredFrameRows:
    """A saved frame: the parts under the directory `rel` (format 3), or the file `rel`."""
    colprov = {str(c): frozenset(tuple(p) for p in pairs) for c, pairs in entry["colprov"].items()}
    ops = frozenset(str(o) for o in entry["ops"])
    if legacy:
        data = _read(origin, rel)
        layout, n_rows = parse_layout(origin.root, rel, data)
        shared = {"bytes": {0: data}}
        parts = Parts.single(rel, n_rows)
        return StoredFrameRows(
            origin.root, parts, origin.check, colprov, ops, layout, shared=shared
        )
    layout = [str(c) for c in entry["layout"]]
    n_rows = int(entry["n_rows"])
    parts = (
        Parts.from_json(origin.root, rel, entry["parts"]) if parted else Parts.single(rel, n_rows)
    )
    if parts.n_rows != n_rows:
        raise BadRunError(f"{origin.root}: the parts of {rel} do not hold its {n_rows} rows")
    return StoredFrameRows(origin.root, parts, origin.check, colprov, ops, layout)


def _check_rows(root: Path, arrays: dict[str, np.ndarray], n: int) -> None:
    y, train, test = arrays["y_all"], arrays["train_index"], arrays["test_index"]
    positions = np.concatenate([train, test]).astype(np.int64) if len(train) + len(test) else train
    valid = (
        y.ndim == 1
        and len(y) == n
        and train.dtype.kind in "iu"
        and test.dtype.kind in "iu"
        and (not len(positions) or (positions.min() >= 0 and positions.max() < n))
        and bool(np.all(np.bincount(positions, minlength=n) <= 1))
    )
    if not valid:
        raise BadRunError(f"{root}: the labels and split positions do not fit the prepared data")


def _pickle(origin: Origin, rel: str, legacy: bool) -> Any:
    data = read_bytes(origin.root, rel)
    problem = origin.trust.problem(rel, data)
    if problem is not None and not origin.trust.trust_unsigned:
        return Withheld(rel, problem)
    if problem is not None:
        origin.unverified.append(f"{rel}: {problem}")
    try:
        # Older runs were written by joblib, which only the caller's explicit trust lets in.
        return joblib.load(io.BytesIO(data)) if legacy else pickles.loads(data)
    except pickles.RefusedPickle as exc:
        raise BadRunError(f"{origin.root}: {rel} was not unpickled: {exc}") from None
    except Exception as exc:  # a malformed pickle can fail in any way
        raise BadRunError(
            f"{origin.root}: {rel} cannot be loaded ({type(exc).__name__}: {exc})"
        ) from None


def _features(origin: Origin, meta: dict, arrays: dict, encoder: Any, legacy: bool) -> Matrix:
    root = origin.root
    X_train, X_test = _mapped(origin, "X_train.npy"), _mapped(origin, "X_test.npy")
    train, test = arrays["train_index"], arrays["test_index"]
    width = X_train.shape[1] if X_train.ndim == 2 else -1
    if X_train.shape != (len(train), width) or X_test.shape != (len(test), width):
        raise BadRunError(f"{root}: X_train/X_test do not fit the split positions")
    widths = (
        [int(b["width"]) for b in meta["blocks"]] if not legacy else _legacy_widths(encoder, width)
    )
    if sum(widths) != width:
        raise BadRunError(f"{root}: the encoder's blocks do not cover the matrix's {width} columns")
    n = len(arrays["y_all"])
    if not len(test) and np.array_equal(train, np.arange(n)):
        return Matrix.of(X_train, widths)
    X_all = np.empty((n, width), dtype=X_train.dtype, order="F")
    X_all[train], X_all[test] = X_train, X_test
    return Matrix.of(X_all, widths)


def _parted_features(origin: Origin, meta: dict, n: int) -> Matrix:
    """The matrix over all prepared rows from its blocks' parts (format 3), each read straight
    into its place in one column-major array and hashed in the background while the next is
    read; nothing is computed from it before every part's signature checked."""
    root = origin.root
    dtype = np.dtype(str(meta["features_dtype"]))
    if dtype.kind not in "fiub":
        raise BadRunError(f"{root}: the feature matrix's dtype {dtype} is not numeric")
    widths = [int(b["width"]) for b in meta["blocks"]]
    X = np.empty((n, sum(widths)), dtype=dtype, order="F")
    saved, start = {}, 0
    for block, width in zip(meta["blocks"], widths, strict=True):
        directory = relative("features", plain_name(block["dir"], "block directory"))
        parts = Parts.from_json(root, directory, block["parts"])
        if parts.n_rows != n or width < 0:
            raise BadRunError(f"{root}: the parts of {directory} do not hold the {n} rows")
        rows = parts.starts
        for k, rel in enumerate(parts.rels):
            target = X[rows[k] : rows[k + 1], start : start + width]
            try:
                head, columns = read_npy_into(root, rel, target)
            except BadRunError:
                _read(origin, rel)  # a tampered file says so before it says it is malformed
                raise
            origin.check_later(rel, head, *columns)
        saved[(start, start + width)] = parts
        start += width
    origin.settle()
    origin.features = SavedFeatures(X, saved)
    return Matrix.of(X, widths)


def _legacy_widths(encoder: Any, width: int) -> list[int]:
    if isinstance(encoder, Withheld):
        return [width]
    out = encoder.output_indices_
    return [
        out[n].stop - out[n].start
        for n, _, _ in encoder.transformers_
        if out[n].stop > out[n].start
    ]


def _split(root: Path, doc: Any) -> Split:
    try:
        return Split.from_dict(doc)
    except TypeError as exc:
        raise BadRunError(f"{root}: meta.json's split is malformed ({exc})") from None


def _audit(origin: Origin) -> list[dict[str, Any]]:
    if not (origin.root / AUDIT_LOG).exists():
        return []
    return audit.decode(origin.root, _read(origin, AUDIT_LOG))


def _attach_maintenance(run: Run, meta: dict, legacy: bool) -> None:
    """Indexes, statistics and the Hessian from the run's files, or recomputed for older runs."""
    if not legacy:
        widths = dict(zip((b["name"] for b in meta["blocks"]), run.features.widths, strict=True))
        kept = read_maintenance(
            run.origin.root,
            meta["maintenance"],
            lambda rel: _array(run.origin, _maintenance_name(run.origin.root, rel)),
            run.prepared_rows.provenance,
            widths,
        )
    else:
        kept = Maintenance({}, {}, None)
        run.notes.append(
            "saved by an older Lester (format 1): the maintenance data (provenance indexes, encoder "
            "statistics, the model's Hessian) were recomputed from the artifacts"
        )
    lineage = None if legacy else meta["maintenance"].get("lineage")
    if lineage is not None:
        run.prepared_rows = FrameRows(_lineage(run, lineage))
    run.prepared_rows._indexes.update(kept.indexes)
    if isinstance(run.encoder, Withheld) or isinstance(run.model, Withheld):
        return
    fit_rows = np.arange(len(run.y_all)) if run.fit_on == "all" else run.train_index
    run.statistics = (
        kept.statistics if not legacy else fit_statistics(run.encoder, run.features, fit_rows)
    )
    run.curvature = kept.curvature
    if legacy:
        run.curvature = model_curvature(run.model, run.features.take(run.train_index), run.y_train)


def _lineage(run: Run, doc: Any) -> Any:
    """The prepared frame with its saved lineage (sources shared with the run's own)."""
    origin = run.origin

    def frame(rel: str, colprov: dict, ops: frozenset, layout: list, n_rows: int) -> Any:
        # The lineage names the prepared frame (its root) "prepared.parquet" in every format.
        if rel == "prepared.parquet":
            parts = run.prepared_rows.parts
        else:
            parts = Parts.single(_maintenance_name(origin.root, rel), n_rows)
        if parts.n_rows != n_rows:
            raise BadRunError(f"{origin.root}: a saved lineage frame does not hold {n_rows} rows")
        return StoredFrameRows(origin.root, parts, origin.check, colprov, ops, layout).base

    sources = {name: rows.frame for name, rows in run.source_rows.items()}
    array = lambda rel: _array(origin, _maintenance_name(origin.root, rel))  # noqa: E731
    root = read_lineage(doc, sources, frame, array, str(origin.root))
    if len(root) != len(run.y_all):
        raise BadRunError(f"{origin.root}: the saved lineage does not end in the prepared data")
    return root


def _maintenance_name(root: Path, rel: Any) -> str:
    if not isinstance(rel, str) or not rel.startswith("maintenance/"):
        raise BadRunError(
            f"{root}: meta.json names a maintenance file {rel!r} outside maintenance/"
        )
    for part in rel.split("/"):
        plain_name(part, "maintenance file")
    regular_file(root, rel)
    return rel


def saved_matrices(directory: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """X_train and X_test of a saved run of any format, signed or not, read by the bounded
    parsers alone (nothing is unpickled): what the oracle compares with the original's."""
    root = Path(directory)
    origin = Origin(root, Trust(root, None, read_manifest(root), trust_unsigned=True))
    meta = parse_json(root, "meta.json", _read(origin, "meta.json"))
    if not isinstance(meta, dict) or not isinstance(meta.get("format"), int):
        raise BadRunError(f"{root}: meta.json is malformed")
    train, test = (_array(origin, f"{split}_index.npy") for split in ("train", "test"))
    if meta["format"] < 3:
        return _array(origin, "X_train.npy"), _array(origin, "X_test.npy")
    try:
        matrix = _parted_features(origin, meta, len(_array(origin, "y_all.npy")))
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRunError(f"{root}: meta.json is malformed ({exc})") from None
    return matrix.take(train).dense(), matrix.take(test).dense()


def adopt_run(directory: str | Path) -> Path:
    """Sign a run Lester made in the sandbox, where there is no key (its `save` writes no
    signature), once it has been read as any untrusted run is: every file parsed by the bounded
    parsers and every pickle by the restricted unpickler (`pickles.py`). Call it on the run's
    final directory after it was copied out of the sandbox, before anyone can write to it."""
    root = Path(directory)
    run = load_run(root, trust_unsigned=True)
    for rows in [*run.source_rows.values(), run.prepared_rows]:
        if isinstance(rows, StoredFrameRows):
            rows.table()
    run.origin.settle()
    return sign_directory(root)
