"""Whether a rewrite matches its original: both run in the sandbox, their training data compared.

The candidate's artifacts are read back as `.npy` (no pickles), Parquet and JSON only: nothing a
sandbox produced is unpickled on the host. The verdict combines the static form check, the sandbox
outcome and the equivalence report, and always names a stage when it fails.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.loading import saved_matrices
from lester.sandbox import Job, Sandbox, SandboxResult

from .analysis import Analysis
from .equivalence import Captured, ColumnBlock, EquivalenceReport, Tolerance, compare
from .form import check_form, source_files


@dataclass
class Verification:
    ok: bool
    stage: str | None
    level: str
    summary: str
    text: str
    form_problems: list[str] = field(default_factory=list)
    sandbox: dict[str, Any] = field(default_factory=dict)
    equivalence: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CandidateArtifacts:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    predictions: np.ndarray
    estimator: str
    params: dict[str, Any]
    blocks: list[ColumnBlock]
    row_ids: dict[str, np.ndarray]


def load_artifacts(run_dir: Path) -> CandidateArtifacts:
    meta = json.loads((run_dir / "meta.json").read_text())
    X_train, X_test = saved_matrices(run_dir)
    arrays = {
        "X_train": X_train,
        "X_test": X_test,
        **{
            n: np.load(run_dir / f"{n}.npy", allow_pickle=False) for n in ("y_train", "predictions")
        },
    }
    provenance = pd.read_parquet(run_dir / "provenance_train.parquet")
    return CandidateArtifacts(
        **arrays,
        estimator=meta["model"],
        params=meta.get("model_params", {}),
        blocks=_blocks(meta["column_provenance"]),
        row_ids={
            c: provenance[c].to_numpy() for c in provenance.columns if provenance[c].dtype != object
        },
    )


def _blocks(column_provenance: list[dict[str, Any]]) -> list[ColumnBlock]:
    blocks: list[ColumnBlock] = []
    for col in column_provenance:
        if blocks and blocks[-1].name == col["transformer"] and blocks[-1].stop == col["index"]:
            last = blocks[-1]
            blocks[-1] = ColumnBlock(last.name, last.start, col["index"] + 1, last.input_columns)
        else:
            blocks.append(
                ColumnBlock(
                    col["transformer"], col["index"], col["index"] + 1, tuple(col["inputs"])
                )
            )
    return blocks


def original_capture(analysis: Analysis) -> Captured:
    model = analysis.model
    return Captured(
        X=analysis.X(),
        y=analysis.y(),
        estimator=model.estimator,
        params=model.params,
        predictions=None,
    )


def paired_predictions(
    analysis: Analysis, artifacts: CandidateArtifacts
) -> tuple[np.ndarray, np.ndarray] | None:
    """The original's and the rewrite's predictions on the same rows, when both predicted on them.

    The rewrite predicts on its test rows (or its training rows without a split); an original
    `predict` call on an equal matrix is the one to compare with.
    """
    predicted_on = artifacts.X_test if len(artifacts.X_test) else artifacts.X_train
    for call in analysis.predictions:
        if call.get("method") != "predict" or not call.get("X") or not call.get("out"):
            continue
        X = np.load(Path(analysis.outputs_dir) / call["X"], allow_pickle=False)
        if X.shape == predicted_on.shape and np.allclose(X, predicted_on, equal_nan=True):
            original = np.load(Path(analysis.outputs_dir) / call["out"], allow_pickle=False)
            return original, artifacts.predictions
    return None


def sandbox_summary(result: SandboxResult) -> dict[str, Any]:
    error = (result.trace or {}).get("error")
    return {
        "backend": result.backend,
        "exit_code": result.exit_code,
        "killed_by": result.killed_by,
        "wall_time": round(result.wall_time, 3),
        "stdout_tail": result.stdout_tail[-2000:],
        "stderr_tail": result.stderr_tail[-2000:],
        "harness_error": result.harness_error,
        "error": error,
        "failed_stage": (result.trace or {}).get("stage"),
    }


def verify_candidate(
    analysis: Analysis,
    pipeline: Path,
    sandbox: Sandbox,
    *,
    tol: Tolerance | None = None,
    timeout: float = 120.0,
) -> Verification:
    """Check a candidate pipeline module against the analysed original."""
    try:
        text = pipeline.read_text(encoding="utf-8")
        problems = check_form(text, pipeline.name, files=source_files(analysis))
    except (OSError, UnicodeDecodeError) as exc:
        problems = [f"{pipeline.name} cannot be read as UTF-8 Python source: {exc}"]
    if problems:
        text = "The module is not a well-formed Lester pipeline:\n" + "\n".join(
            f"- {p}" for p in problems
        )
        return Verification(
            False, _form_stage(problems), "mismatch", problems[0], text, form_problems=problems
        )
    result = sandbox.run(
        Job("pipeline", pipeline, data_dir=Path(analysis.data_dir), timeout=timeout)
    )
    summary = sandbox_summary(result)
    if not result.ok:
        return _execution_failure(summary)
    artifacts = load_artifacts(result.outputs_dir / "run")
    original = original_capture(analysis)
    ours = Captured(
        artifacts.X_train, artifacts.y_train, artifacts.estimator, artifacts.params, None
    )
    paired = paired_predictions(analysis, artifacts)
    if paired is not None:
        original.predictions, ours.predictions = paired
    report = compare(
        original,
        ours,
        tol=tol,
        column_blocks=artifacts.blocks,
        row_ids=artifacts.row_ids,
    )
    return _from_report(report, summary)


def _from_report(report: EquivalenceReport, summary: dict[str, Any]) -> Verification:
    return Verification(
        ok=report.ok,
        stage=report.stage,
        level=report.level,
        summary=report.summary,
        text=report.to_text(),
        sandbox=summary,
        equivalence=report.to_dict(max_order=0),
    )


STAGE_NAMES = {
    "source": "sources",
    "step": "data_preparation",
    "prepare": "data_preparation",
    "split": "data_preparation",
    "encode": "features",
    "label": "label",
    "model": "model",
}


def _form_stage(problems: list[str]) -> str:
    for kind, stage in STAGE_NAMES.items():
        if any(f"@lt.{kind}" in p or f"stage '{kind}" in p for p in problems):
            return stage
    return "assemble"


PICKLING = ("pickle", "Pickling")
UNPICKLABLE = (
    "The fitted {what} could not be pickled when the run was saved: fitted custom transformers "
    "must pickle (a class defined at module level, no lambdas, generators or open files in its "
    "fitted state; or FunctionTransformer with a module-level function)."
)


def _execution_failure(summary: dict[str, Any]) -> Verification:
    error = summary.get("error") or {}
    if summary["killed_by"]:
        what = f"the pipeline was stopped by the sandbox's {summary['killed_by']} limit"
    elif summary["harness_error"]:
        what = f"the sandbox could not run the pipeline: {summary['harness_error']}"
    else:
        what = f"the pipeline raised {error.get('type')}: {error.get('message')}"
    traceback = error.get("traceback", "")
    stage = _stage_of(summary.get("failed_stage"), error.get("message", ""), traceback)
    saving = _saving(summary.get("failed_stage"), error, traceback)
    note = (
        UNPICKLABLE.format(what="model" if saving == "model" else "encoder") + "\n"
        if saving
        else ""
    )
    text = f"Execution failed: {what}\n{note}" + (
        f"Traceback (tail):\n{traceback[-1500:]}" if error else summary["stderr_tail"][-1500:]
    )
    return Verification(False, stage, "mismatch", what, text, sandbox=summary)


def _stage_of(failed: str | None, message: str, traceback: str = "") -> str:
    """Map the abstraction's failing stage (a function name or kind) to the agent's step names;
    a run that failed after its stages, saving a fitted object that does not pickle, is the
    encoder's (or the model's) fault."""
    if failed in STAGE_NAMES:
        return STAGE_NAMES[failed]
    if failed:
        return "data_preparation" if not message.startswith("stage 'encode'") else "features"
    saving = _saving(failed, {"message": message}, traceback)
    if saving:
        return "model" if saving == "model" else "features"
    return "assemble"


def _saving(failed: str | None, error: dict[str, Any], traceback: str) -> str | None:
    """`encoder` or `model` when a run failed after its stages because pickling a fitted object
    failed (the traceback passes through the pickler); None otherwise."""
    if failed or not any(word in traceback + str(error.get("message", "")) for word in PICKLING):
        return None
    return "model" if "model.joblib" in traceback or "run.model" in traceback else "encoder"
