"""What a saved run keeps so that the next deletion is as cheap as the first: provenance indexes,
encoder statistics and the model's Hessian, as `.npy` files under `maintenance/`.

Everything read back is checked against the artifacts it describes before it is used (an index
must sort the ids its frame holds, statistics must have one count per column of their block, a
Hessian must be square in the model's parameters); anything else is a malformed run. A run saved
without some of it (an older format, a model without a certified update) gets it recomputed from
its artifacts, and the run's notes say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .encoder_update import BlockStatistics
from .provenance import ProvenanceIndex
from .run import Run
from .runfiles import BadRunError, plain_name, relative
from .saved_lineage import write_lineage
from .unlearning import Curvature

DIR = "maintenance"
KINDS = ("one-hot", "vocabulary", "tfidf")


def write_maintenance(run: Run, writer: Any) -> dict[str, Any]:
    """Write the maintenance files of `run`; return their description for `meta.json`."""
    indexes = {}
    for source in run.prepared_rows.sources:
        index = run.prepared_rows.index(source)
        entry = {"ids": relative(DIR, "index", f"{source}.ids.npy"), "rows": None}
        writer.array(entry["ids"], index.ids)
        if index.rows is not None:
            entry["rows"] = relative(DIR, "index", f"{source}.rows.npy")
            writer.array(entry["rows"], index.rows)
        indexes[source] = entry
    statistics = {}
    for i, (name, stats) in enumerate(run.statistics.items()):
        rel = relative(DIR, "statistics", f"block-{i}.npy")
        writer.array(rel, stats.counts)
        statistics[name] = {"kind": stats.kind, "n": int(stats.n), "counts": rel}
    curvature = None
    if run.curvature is not None:
        curvature = {}
        for part in ("hessian", "gradient", "theta"):
            curvature[part] = relative(DIR, "curvature", f"{part}.npy")
            writer.array(curvature[part], getattr(run.curvature, part))
    lineage = write_lineage(run, writer)
    return {"index": indexes, "statistics": statistics, "curvature": curvature, "lineage": lineage}


@dataclass(frozen=True)
class Maintenance:
    indexes: dict[str, ProvenanceIndex]
    statistics: dict[str, BlockStatistics]
    curvature: Curvature | None


ArrayReader = Callable[[str], np.ndarray]


def read_maintenance(
    root: Path,
    doc: Any,
    array: ArrayReader,
    prov: Callable[[str], np.ndarray],
    block_widths: dict[str, int],
) -> Maintenance:
    """The maintenance data described by `doc` (from `meta.json`), checked against the run."""
    if not isinstance(doc, dict):
        raise BadRunError(f"{root}: meta.json describes no maintenance data")
    try:
        indexes = {
            plain_name(source, "source"): _index(root, entry, array, prov(source))
            for source, entry in doc["index"].items()
        }
        statistics = {
            name: _statistics(root, name, entry, array, block_widths)
            for name, entry in doc["statistics"].items()
        }
        curvature = None if doc["curvature"] is None else _curvature(root, doc["curvature"], array)
    except (KeyError, TypeError, AttributeError) as exc:
        raise BadRunError(
            f"{root}: meta.json's maintenance entries are malformed ({exc})"
        ) from None
    return Maintenance(indexes, statistics, curvature)


def _index(root: Path, entry: dict, array: ArrayReader, prov: np.ndarray) -> ProvenanceIndex:
    ids = array(entry["ids"]).astype(np.int64, copy=False)
    rows = None if entry["rows"] is None else array(entry["rows"]).astype(np.int64, copy=False)
    index = ProvenanceIndex(ids, rows, len(prov))
    if (
        ids.ndim != 1
        or (rows is not None and rows.shape != ids.shape)
        or not index.agrees_with(prov)
    ):
        raise BadRunError(f"{root}: {entry['ids']} is no index of the prepared data's provenance")
    return index


def _statistics(
    root: Path, name: str, entry: dict, array: ArrayReader, widths: dict[str, int]
) -> BlockStatistics:
    counts = array(entry["counts"])
    kind, n = entry["kind"], entry["n"]
    valid = (
        kind in KINDS
        and isinstance(n, int)
        and counts.ndim == 1
        and counts.dtype.kind in "iu"
        and len(counts) == widths.get(name, -1)
        and (not len(counts) or (counts.min() >= 0 and counts.max() <= n))
    )
    if not valid:
        raise BadRunError(f"{root}: the statistics of block {name!r} do not fit the block")
    return BlockStatistics(kind, counts.astype(np.int64), n)


def _curvature(root: Path, entry: dict, array: ArrayReader) -> Curvature:
    hessian, gradient, theta = (array(entry[p]) for p in ("hessian", "gradient", "theta"))
    p = len(theta)
    if hessian.shape != (p, p) or gradient.shape != (p,) or theta.ndim != 1:
        raise BadRunError(f"{root}: the saved Hessian does not fit the model's parameters")
    return Curvature(
        hessian.astype(np.float64), gradient.astype(np.float64), theta.astype(np.float64)
    )
