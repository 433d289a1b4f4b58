"""`lester run`: a declarative pipeline executed in the sandbox, its artifacts copied out.

A pipeline module is code Lester did not write (or wrote from code it did not write), so the CLI
never imports it on the host: the sandbox's `pipeline` mode runs it on a copy of the data and
saves its `Run` there, and the host copies the saved files into the target folder. The host reads
only what it needs to report, without unpickling anything: `meta.json` (size-capped JSON) and
the header of `y_all.npy`. `lester.load_pipeline(...).run()` in the user's own Python stays the
library call it always was.

The run's `meta.json` names the pipeline file and data directory as the sandbox saw them
(`/tmp/job/...`); they are rewritten to the host's paths (for the user's information: `forget`
never imports a pipeline named by a run). The sandbox saves the run unsigned; the host signs it
(`adopt_run`) after reading it as untrusted input, before it is put in place.

Materializing a whole run takes more than a candidate check: the pipeline holds its sources,
prepared data and matrix at once, and the scratch area (memory-backed, inside the container's
memory limit) holds a copy of the data and the saved run until it is copied out. So `lester run`
has its own limits (`RunLimits`), from the command line or the environment, and a run stopped by
one says which option raises it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

META_BYTES = 64 * 1024 * 1024
MEMORY_ENV, SCRATCH_ENV = "LESTER_RUN_MEMORY_MB", "LESTER_RUN_SCRATCH_MB"
# The running example at 1,000,000 customers peaks near 5 GB with its 0.9 GB run and 0.4 GB
# of data in scratch; the defaults leave room for that.
DEFAULT_MEMORY_MB, DEFAULT_SCRATCH_MB = 8192, 4096


class RunInputError(ValueError):
    """The command line cannot be run as given (checked before anything runs): exit code 2."""


class RunFailed(RuntimeError):
    """The pipeline failed in the sandbox (its error, or the limit it hit): exit code 1."""


@dataclass(frozen=True)
class RunLimits:
    """What a `lester run` job may use: memory (the whole sandbox, scratch included), the scratch
    area for the data's copy and the saved run (which also caps what is copied out), and time."""

    memory_mb: int = DEFAULT_MEMORY_MB
    scratch_mb: int = DEFAULT_SCRATCH_MB
    timeout: float = 600.0


# The option (and environment variable) that raises each limit a run can hit.
RAISE_WITH = {
    "memory": f"--memory-mb (or {MEMORY_ENV})",
    "scratch": f"--scratch-mb (or {SCRATCH_ENV})",
    "timeout": "--timeout",
}


@dataclass(frozen=True)
class RunSummary:
    target: Path
    prepared_rows: int
    X_train: tuple[int, ...]
    X_test: tuple[int, ...]
    model: str
    sources: tuple[str, ...]
    backend: str


def check_target(target: Path, default: bool) -> None:
    """Refuse an --out that exists or whose folder does not, before the pipeline runs."""
    if target.exists() or target.is_symlink():
        raise RunInputError(f"{target} already exists; choose a new folder for the run")
    if not default and not target.parent.is_dir():
        raise RunInputError(
            f"the folder {target.parent} does not exist (create it, or choose --out)"
        )


def check_inputs(pipeline: Path, data_dir: Path) -> None:
    if not pipeline.is_file():
        raise RunInputError(f"no such pipeline file: {pipeline}")
    if pipeline.suffix != ".py":
        raise RunInputError(f"{pipeline} is not a pipeline module (a .py file)")
    if not data_dir.is_dir():
        raise RunInputError(f"the data directory {data_dir} does not exist")


def run_in_sandbox(
    pipeline: Path, data_dir: Path, target: Path, backend: str, limits: RunLimits
) -> RunSummary:
    """Run `pipeline` on `data_dir` in the sandbox and save its artifacts in `target` (new)."""
    from lester.sandbox import Job, open_sandbox

    job = Job(
        "pipeline",
        pipeline,
        timeout=limits.timeout,
        memory_mb=limits.memory_mb,
        scratch_mb=limits.scratch_mb,
        outputs_cap_bytes=limits.scratch_mb * 1024 * 1024,
    )
    with open_sandbox(backend, data_dir=data_dir) as sandbox:
        result = sandbox.run(job)
        trace = result.trace or {}
        if not result.ok:
            raise RunFailed(_failure(result, trace))
        if result.outputs_omitted:
            raise RunFailed(
                f"the run's files exceed the {limits.scratch_mb} MB that may be copied out of the "
                f"sandbox ({', '.join(result.outputs_omitted[:3])} left out); raise it with "
                f"{RAISE_WITH['scratch']}"
            )
        saved = result.outputs_dir / "run"
        meta = _meta(saved)
        if meta.get("partial"):
            raise RunFailed(f"{pipeline.name} defines no complete pipeline (no model stage)")
        meta.update(pipeline_path=str(pipeline.resolve()), data_dir=str(data_dir.resolve()))
        (saved / "meta.json").write_text(json.dumps(meta, indent=2))
        _adopt(saved)
        _move_into_place(saved, target)
    return RunSummary(
        target=target,
        prepared_rows=_rows(target / "y_all.npy"),
        X_train=_shape(meta, "X_train"),
        X_test=_shape(meta, "X_test"),
        model=str(meta.get("model", "?")),
        sources=tuple(str(name) for name in meta.get("sources", {})),
        backend=result.backend,
    )


def _adopt(saved: Path) -> None:
    """Sign the run with the user's key once it has been read as untrusted input (every file
    parsed, every pickle by the restricted unpickler): the sandbox holds no key, and `forget`
    unpickles only signed runs."""
    from lester.abstraction.errors import LesterError
    from lester.abstraction.loading import adopt_run

    try:
        adopt_run(saved)
    except LesterError as exc:
        raise RunFailed(f"the run the sandbox saved was refused: {exc}") from None


def _failure(result: Any, trace: dict[str, Any]) -> str:
    if result.killed_by:
        hint = RAISE_WITH.get(result.killed_by)
        more = f"; raise it with {hint}" if hint else ""
        return f"the pipeline was stopped: {result.limit_message}{more}"
    if result.harness_error:
        return f"the sandbox could not run the pipeline: {result.harness_error}"
    error = trace.get("error") or {}
    if error.get("type") == "StageError":  # its message names the stage
        return f"the pipeline failed: {error.get('message')}"
    return f"the pipeline failed: {error.get('type')}: {error.get('message')}"


def _meta(saved: Path) -> dict[str, Any]:
    path = saved / "meta.json"
    if not path.is_file() or path.stat().st_size > META_BYTES:
        raise RunFailed("the sandbox returned no readable meta.json for the run")
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RunFailed(f"the run's meta.json is not JSON: {exc}") from exc
    if not isinstance(meta, dict):
        raise RunFailed("the run's meta.json is not a JSON object")
    return meta


def _shape(meta: dict[str, Any], name: str) -> tuple[int, ...]:
    shape = (meta.get("shapes") or {}).get(name) or []
    return tuple(int(n) for n in shape if isinstance(n, int))


def _rows(path: Path) -> int:
    """The row count from an `.npy` header (memory-mapped, never unpickled)."""
    import numpy as np

    try:
        return int(np.load(path, mmap_mode="r", allow_pickle=False).shape[0])
    except (OSError, ValueError, IndexError):
        return 0


def _move_into_place(saved: Path, target: Path) -> None:
    """Copy under a temporary name beside `target`, then rename (no half-written run)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(saved, tmp, symlinks=False)
        os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
