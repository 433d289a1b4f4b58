"""Which step's code is at fault, and the result its repair carries.

A repair prompt must describe the candidate it repairs: which check failed, which step's code
raised, the traceback tail and the evidence. And it must go to the step whose code is at fault,
which is not always the stage where something raised: "Input X contains NaN" raised at the fit is
the sources step's fault when a source read text as missing (`oracle/missing.py`), the
preparation's when the prepared frame carries missing values the original filled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from lester.abstraction.frame import is_prov_column

from .oracle.analysis import Analysis
from .oracle.form import stage_kinds
from .oracle.missing import misread_missing
from .proposals import KIND_STEP, STEPS
from .state import RewriteState

# A finding that lies in the sources step, which the repair must reach.
SOURCES_AT_FAULT = " (the sources step reads them: the fault is there)"
PREPARE_AT_FAULT = (
    " (the prepare step hands them to the encoder: the fault is there, unless the original's "
    "feature lines impute them, which the encode step must then do too)"
)
VERIFY_HEADER = (
    "The verification ran the assembled pipeline in the sandbox and compared its training data "
    "and model with the original's:"
)
STAGE_TO_STEP = {
    "sources": "sources",
    "data_preparation": "prepare",
    "features": "encode",
    "label": "label_model",
    "model": "label_model",
}
# How a result names a step other than the one it goes to.
STEP_MARKERS = {
    "sources": ("the sources step", "@lt.source"),
    "prepare": ("the prepare step", "the prepared frame", "@lt.prepare", "@lt.step"),
    "encode": ("the encode step", "@lt.encode", "the encoder reads"),
    "label_model": ("the label step", "@lt.label", "@lt.model"),
}
NAN_MARKERS = ("contains NaN", "Input contains NaN", "missing values")


def raised_in(failed_stage: str | None, module: str) -> str:
    """`The code that raised: the @lt.source function 'people' (the sources step).` (a line),
    or nothing when no stage raised."""
    if not failed_stage:
        return ""
    kinds = stage_kinds(module)
    kind = kinds.get(failed_stage, failed_stage if failed_stage in KIND_STEP else None)
    if kind is None:
        return f"The code that raised: the stage {failed_stage!r}.\n"
    name = f" {failed_stage!r}" if failed_stage != kind else ""
    return f"The code that raised: the @lt.{kind} function{name} (the {KIND_STEP[kind]} step).\n"


def verification_fault(state: RewriteState, verification: dict[str, Any]) -> tuple[str, str]:
    """(the step at fault, the result its repair carries) for a failed verification."""
    step = STAGE_TO_STEP.get(verification.get("stage") or "", "prepare")
    sandbox = verification.get("sandbox") or {}
    error = sandbox.get("error") or {}
    evidence = ""
    if any(marker in (error.get("message") or "") for marker in NAN_MARKERS):
        origin, evidence = nan_origin(state)
        step = origin or step
    raised = raised_in(sandbox.get("failed_stage"), state.get("module") or "")
    return step, f"{VERIFY_HEADER}\n{raised}{verification.get('text', '')}{evidence}"


def nan_origin(state: RewriteState) -> tuple[str | None, str]:
    """Where missing values in X come from: a source that misread text, the prepared frame, or
    (None) nowhere the prepare check's artifacts show."""
    artifacts = state.get("artifacts") or {}
    folder = Path(artifacts.get("sources") or "")
    if artifacts.get("sources") and folder.is_dir():
        analysis = Analysis.from_dict(state["analysis"])
        frames = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
        lines = misread_missing(Path(state["data_dir"]), analysis.sources, frames)
        if lines:
            return "sources", "\n" + "\n".join(lines) + SOURCES_AT_FAULT
    prepared = artifacts.get("prepared")
    if prepared and Path(prepared).is_file():
        frame = pd.read_parquet(prepared)
        counts = {
            c: int(n) for c, n in frame.isna().sum().items() if n and not is_prov_column(str(c))
        }
        if counts:
            return "prepare", f"\nThe prepared frame has missing values: {counts}{PREPARE_AT_FAULT}"
    return None, ""


def named_steps(text: str, step: str) -> list[str]:
    """The other steps a result names: those whose code the repair may also change."""
    return [
        other
        for other in STEPS
        if other != step and any(marker in text for marker in STEP_MARKERS[other])
    ]
