"""The in-sandbox harness: run a job and describe what it did in `OUTDIR/trace.json`.

    python -m lester.sandbox.harness script CODE --out OUTDIR [-- ARGS...]
    python -m lester.sandbox.harness pipeline CODE --out OUTDIR

`script` runs the user's original script as `__main__` under the hooks of `lester.sandbox.recorder`
(files read and written, every outermost model fit with its X, y, class and parameters, every
prediction) and of `lester.sandbox.tracer` (the pandas and scikit-learn dataflow as a DAG, and each
pandas read with its resolved options). `pipeline` loads a declarative pipeline, runs it on the working directory and saves
its `Run` under `OUTDIR/run` (for a module with only sources and a preparation, the prepared data). Either way the trace says whether the job succeeded and, if not, the
error with its traceback (and for a pipeline the failing stage), so a failed candidate is a result,
not a crash. If the harness itself dies the trace is missing, which the backends report as a
harness error. Runs inside the image: standard library, NumPy, pandas, scikit-learn and `lester`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from .outputs import TRACE
from .profiles import profile_files
from .recorder import Recorder, install_hooks
from .script_values import plain_globals
from .seccomp import deny_tracing
from .trace_patches import install as install_tracing
from .trace_patches import install_models as install_tracing_models
from .tracer import Tracer

_TRACEBACK_CHARS = 20_000


def preload() -> None:
    """Import what jobs use and install the recording hooks, so a fork server's children start
    with both in place."""
    import joblib  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    from sklearn.utils import all_estimators

    import lester  # noqa: F401

    all_estimators()
    install_all()


def install_all() -> None:
    """The tracer's data patches, then the recorder's hooks around them, then the tracer's
    estimator patches around the recorder's: each wrapper then sees the caller it expects."""
    install_tracing()
    install_hooks()
    install_tracing_models()


def _error(exc: BaseException) -> dict[str, Any]:
    text = "".join(traceback.format_exception(exc))
    return {"type": type(exc).__name__, "message": str(exc), "traceback": text[-_TRACEBACK_CHARS:]}


def _run_guarded(call: Any) -> BaseException | None:
    """Run the job's code; its exceptions (a non-zero `sys.exit` included) become the result."""
    try:
        call()
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return exc
    except BaseException as exc:
        return exc
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return None


def run_script(code: Path, out: Path, args: list[str], *, trace: bool = True) -> dict[str, Any]:
    """Run an original script as `__main__` and record its files, fits and predictions, and
    (unless `trace` is off) its dataflow and reads."""
    if trace:
        install_all()
    recorder = Recorder(out, script=code)
    tracer = Tracer(code) if trace else None
    sys.argv = [str(code), *args]
    namespace: dict[str, Any] = {}
    with tracer.activated() if tracer else contextlib.nullcontext(), recorder.active():
        failure = _run_guarded(
            lambda: namespace.update(runpy.run_path(str(code), run_name="__main__"))
        )
    traced = {"dataflow": tracer.dataflow(), "reads": tracer.reads} if tracer else {}
    read, written = recorder.files(written=False), recorder.files(written=True)
    return {
        "status": "error" if failure else "ok",
        "error": _error(failure) if failure else None,
        "files_read": read,
        "files_written": written,
        "profiles": profile_files(read, written, traced.get("reads") or []),
        "fits": recorder.fits,
        "predicts": recorder.predicts,
        "selections": recorder.selections.records,
        "warnings": recorder.warnings + recorder.selections.errors,
        "globals": plain_globals(namespace),
        **traced,
    }


def run_pipeline(code: Path, out: Path) -> dict[str, Any]:
    """Run a declarative pipeline on the working directory and save its `Run` under `out/run`."""
    from lester.abstraction.runner import materialize

    recorder = Recorder(out, script=None, models=False)

    def execute() -> None:
        materialize(code, Path("."), out / "run")

    with recorder.active():
        failure = _run_guarded(execute)
    trace = {
        "status": "error" if failure else "ok",
        "error": _error(failure) if failure else None,
        "stage": getattr(failure, "stage", None),
        "files_read": recorder.files(written=False),
        "files_written": recorder.files(written=True),
    }
    if failure:
        trace["source_rows"] = _source_rows(code)
    return trace


def _source_rows(code: Path) -> dict[str, int] | None:
    """How many rows each source gives, for a run that failed later: a source misread is then
    told apart from a preparation that is wrong about good sources."""
    from lester.abstraction import load_pipeline

    try:
        pipeline = load_pipeline(code, partial=True)
        return {name: len(f) for name, f in pipeline.read_sources(Path(".")).items()}
    except Exception:
        return None


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 when the job succeeded, 1 when it failed (the trace says why)."""
    parser = argparse.ArgumentParser(prog="lester.sandbox.harness")
    parser.add_argument("mode", choices=["script", "pipeline"])
    parser.add_argument("code", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    args = argv[split + 1 :]
    code = options.code.resolve()
    options.out.mkdir(parents=True, exist_ok=True)
    if options.mode == "script":
        trace = run_script(code, options.out, args)
    else:
        trace = run_pipeline(code, options.out)
    (options.out / TRACE).write_text(json.dumps(trace, indent=1))
    return 0 if trace["status"] == "ok" else 1


def sandboxed_main(argv: list[str] | None = None) -> int:
    """`main` in a process of the sandbox: the seccomp filter goes in before any of the job's code
    runs (and stays with the process, which is why `main` itself leaves it out)."""
    refused = deny_tracing()
    if refused:
        print(f"lester sandbox: {refused}", file=sys.stderr)
    return main(argv)


if __name__ == "__main__":
    sys.exit(sandboxed_main())
