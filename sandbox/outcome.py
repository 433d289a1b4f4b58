"""Turn what the supervisor saw and what the harness wrote into one JSON-safe outcome.

Shared by the fork server (which sends the outcome to the host) and the local backend, so both
backends judge a job identically: which limit ended it, and whether the harness did its job. A
missing or unreadable `trace.json` without a limit to blame means the harness itself crashed; that
becomes `harness_error`, a plain sentence with the exit status and the end of stderr, so the caller
never waits on or guesses about a job that will not report. Standard library only.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from .limits import CgroupEvents, classify, out_of_space
from .outputs import TRACE
from .supervise import Supervised

_MAX_TRACE_BYTES = 32 * 1024 * 1024
_STDERR_IN_ERROR = 2000


def _read_trace(out_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    path = out_dir / TRACE
    try:
        if path.is_symlink() or path.stat().st_size > _MAX_TRACE_BYTES:
            return None, f"{TRACE} is not a regular file within {_MAX_TRACE_BYTES} bytes"
        trace = json.loads(path.read_text())
    except FileNotFoundError:
        return None, f"no {TRACE} was written"
    except (OSError, ValueError) as exc:
        return None, f"{TRACE} is unreadable ({exc})"
    if not isinstance(trace, dict):
        return None, f"{TRACE} is not a JSON object"
    return trace, None


def describe_exit(code: int) -> str:
    """'exit code 3' or 'signal SIGSEGV' for a waitstatus-style exit code."""
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


def summarize(
    supervised: Supervised,
    out_dir: Path,
    before: CgroupEvents | None = None,
    after: CgroupEvents | None = None,
) -> dict[str, Any]:
    """The job's outcome: exit status, tails, time, memory, limit hit, trace and harness error."""
    trace, problem = _read_trace(out_dir)
    error = (trace or {}).get("error") or {}
    error = error if isinstance(error, dict) else {}
    stderr = supervised.stderr_tail.decode("utf-8", "replace")
    killed_by = classify(
        timed_out=supervised.timed_out,
        output_exceeded=supervised.output_exceeded,
        exit_code=supervised.exit_code,
        error_type=error.get("type"),
        before=before,
        after=after,
        no_space=out_of_space(str(error.get("message", "")), stderr[-4000:]),
    )
    harness_error = None
    if problem and killed_by is None:
        harness_error = (
            f"the harness ended with {describe_exit(supervised.exit_code)} and {problem}; "
            f"end of stderr:\n{stderr[-_STDERR_IN_ERROR:]}"
        )
    return {
        "exit_code": supervised.exit_code,
        "stdout_tail": supervised.stdout_tail.decode("utf-8", "replace"),
        "stderr_tail": stderr,
        "wall_time": supervised.wall_time,
        "peak_memory_bytes": supervised.peak_memory_bytes,
        "killed_by": killed_by,
        "trace": trace,
        "harness_error": harness_error,
        "aborted": supervised.aborted,
    }
