"""The abstraction's figures: provenance overhead, and maintaining a grouped preparation.

(1) The running example's data preparation at 1,000,000 customers with provenance, against the same
pandas operations without it (target: at most 1.3x). (2) `forget` of 1 and 100 customers at 100,000
customers on a pipeline with a group-by aggregate
(`grouped_pipeline.py`): maintained along the lineage (only the affected groups recomputed) against
recomputing the preparation (the same run without its lineage), for the preparation alone and for
the whole `forget`, with the largest difference between the two (must be 0).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.frame import Frame, prov_column
from lester.abstraction.incremental import Deletion, maintain
from lester.abstraction.provenance import unique_ids
from lester.abstraction.rows import FrameRows

import lester as lt

from .common import interleaved_medians, print_table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "creditcard"
GROUPED = Path(__file__).resolve().parent / "grouped_pipeline.py"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generate(root: Path, customers: int) -> Path:
    _load(EXAMPLE / "generate.py", "creditcard_generate").generate(root / "data", customers, seed=0)
    return root


def plain_prepare(m: ModuleType, data_dir: Path) -> pd.DataFrame:
    """The example's preparation as plain pandas: the same operations, no provenance."""
    customers = pd.read_csv(
        data_dir / "data/customers.csv",
        header=None,
        names=["id", "email", "bank", "country", "level"],
    )
    mails = pd.read_csv(
        data_dir / "data/mails.csv",
        header=None,
        names=["mail_id", "email", "date", "subject", "text"],
    )
    customers = customers[customers["country"].isin(m.TARGET_COUNTRIES)]
    mails = mails.assign(year=pd.to_datetime(mails["date"], format="%Y-%m-%d").dt.year)
    mails = mails[mails["year"] >= 2022]
    mails = mails[m.mentions_use_case(mails["subject"])]
    joined = mails.merge(customers, on="email")
    joined["text"] = m.sanitize(joined["text"])
    joined["sentiment"] = [m.sentiment(t) for t in joined["text"].to_numpy()]
    joined["title_length"] = joined["subject"].str.len()
    return joined[["mail_id", "email", "country", "subject", "title_length", "text", "sentiment"]]


def provenance_overhead(customers: int, repeats: int) -> dict[str, Any]:
    module = _load(EXAMPLE / "pipeline.py", "creditcard_pipeline")
    pipeline = lt.load_pipeline(EXAMPLE / "pipeline.py")
    with tempfile.TemporaryDirectory(prefix="lester-bench-") as tmp:
        root = _generate(Path(tmp), customers)
        with_prov = pipeline.prepare(pipeline.read_sources(root), root).data
        plain = plain_prepare(module, root).reset_index(drop=True)
        pd.testing.assert_frame_equal(with_prov, plain, check_dtype=False)
        medians = interleaved_medians(
            {
                "plain pandas": lambda: plain_prepare(module, root),
                "with provenance": lambda: pipeline.prepare(pipeline.read_sources(root), root),
            },
            repeats,
        )
    ratio = medians["with provenance"] / medians["plain pandas"]
    print_table(
        f"provenance overhead: running example preparation, {customers:,} customers, median of {repeats}",
        ["variant", "seconds", "rows"],
        [
            ["plain pandas", medians["plain pandas"], len(plain)],
            ["with provenance", medians["with provenance"], len(with_prov)],
        ],
    )
    print(f"ratio with/without provenance: {ratio:.3f}x (target <= 1.3x)")
    return {"customers": customers, "rows": len(plain), **medians, "ratio": ratio}


def forget_grouped(customers: int, deletions: list[int], repeats: int) -> list[dict[str, Any]]:
    """Incremental maintenance of a group-by aggregate against recomputing the preparation."""
    pipeline = lt.load_pipeline(GROUPED)
    results = []
    with tempfile.TemporaryDirectory(prefix="lester-bench-") as tmp:
        root = _generate(Path(tmp), customers)
        run = pipeline.run(data_dir=root)
        recomputing = _without_lineage(run)
        groups = run.prepared_frame.df[prov_column("customers")]
        present = unique_ids(np.concatenate(list(groups)))
        for k in deletions:
            ids = np.sort(np.random.default_rng(k).choice(present, size=k, replace=False))
            sources = _sources_without(run, "customers", ids)
            medians = interleaved_medians(
                {
                    "prepare incremental": lambda i=ids: maintain(
                        run.prepared_frame, Deletion("customers", i)
                    ),
                    "prepare recompute": lambda s=sources: pipeline.prepare(s, root),
                    "forget incremental": lambda i=ids: run.forget("customers", ids=i),
                    "forget recompute": lambda i=ids: recomputing.forget("customers", ids=i),
                },
                repeats,
            )
            incremental = run.forget("customers", ids=ids)
            recomputed = recomputing.forget("customers", ids=ids)
            results.append(
                {
                    "customers": customers,
                    "mails": len(run.sources["mails"]),
                    "groups": len(run.prepared),
                    "deleted": k,
                    **medians,
                    "method": incremental.forget_report["artifacts"]["prepared"]["method"],
                    "max_diff_data": _max_data_diff(incremental, recomputed),
                }
            )
    print_table(
        f"forget on a pipeline with a group-by aggregate: incremental vs recompute "
        f"(median of {repeats})",
        [
            "customers",
            "mails",
            "groups",
            "deleted",
            "prepare inc. s",
            "prepare recomp. s",
            "speedup",
            "forget inc. s",
            "forget recomp. s",
            "speedup",
            "max data diff",
        ],
        [
            [
                r["customers"],
                r["mails"],
                r["groups"],
                r["deleted"],
                r["prepare incremental"],
                r["prepare recompute"],
                r["prepare recompute"] / r["prepare incremental"],
                r["forget incremental"],
                r["forget recompute"],
                r["forget recompute"] / r["forget incremental"],
                r["max_diff_data"],
            ]
            for r in results
        ],
    )
    for r in results:
        print(f"deleted {r['deleted']}: prepared {r['method']}")
    return results


def _max_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _without_lineage(run: lt.Run) -> lt.Run:
    """The same run with a prepared frame that has no lineage (as loaded from disk): forget
    recomputes its preparation."""
    old = run.prepared_frame
    return dataclasses.replace(run, prepared_rows=FrameRows(Frame(old.df, old.colprov, old.ops)))


def _sources_without(run: lt.Run, source: str, ids: np.ndarray) -> dict[str, Frame]:
    frame = run.sources[source]
    kept = ~np.isin(frame.df[prov_column(source)].to_numpy(), ids)
    return {**run.sources, source: Frame(frame.df[kept].reset_index(drop=True), frame.colprov)}


def _max_data_diff(a: lt.Run, b: lt.Run) -> float:
    """The largest difference between two runs' data artifacts (inf if the prepared data or its
    provenance differ)."""
    same_prepared = a.prepared_frame.df.astype(str).equals(b.prepared_frame.df.astype(str))
    if not same_prepared:
        return float("inf")
    names = ("X_train", "y_train", "X_test", "y_test")
    return max(_max_diff(getattr(a, n), getattr(b, n)) for n in names)


def main(quick: bool = False) -> dict[str, Any]:
    overhead = provenance_overhead(100_000 if quick else 1_000_000, repeats=3)
    grouped = forget_grouped(10_000 if quick else 100_000, [1, 100], repeats=3 if quick else 5)
    return {"provenance_overhead": overhead, "forget_grouped": grouped}
