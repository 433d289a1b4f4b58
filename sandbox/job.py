"""What a sandbox runs (`Job`) and what it gives back (`SandboxResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .limits import KilledBy
from .outputs import unpack

JobKind = Literal["script", "pipeline"]


@dataclass
class Job:
    """One execution: a script (or declarative pipeline module) and the limits it runs under.

    `code` is copied into the job's writable working directory. The entries of `data_dir` (the
    sandbox's own data dir when None) appear in that working directory at the same relative paths,
    read-only: a job can read `data/customers.csv` and write `intermediate.csv`, but cannot change
    the data. `memory_mb` bounds the whole sandbox (for Docker, the container including its warm
    interpreter; for the local backend, the job's address space). `output_cap_bytes` bounds stdout
    plus stderr (the job is killed beyond it); `outputs_cap_bytes` bounds the structured outputs
    copied back; `scratch_mb` bounds the writable scratch area.
    """

    kind: JobKind
    code: Path
    data_dir: Path | None = None
    timeout: float = 60.0
    memory_mb: int = 2048
    cpus: float = 1.0
    pids: int = 128
    output_cap_bytes: int = 8 * 1024 * 1024
    outputs_cap_bytes: int = 256 * 1024 * 1024
    scratch_mb: int = 512
    args: list[str] = field(default_factory=list)

    def limits(self) -> dict[str, float]:
        """The limits a result's `limit_message` quotes."""
        return {
            "timeout": self.timeout,
            "memory_mb": self.memory_mb,
            "pids": self.pids,
            "output_mb": self.output_cap_bytes / (1024 * 1024),
            "scratch_mb": self.scratch_mb,
        }


_LIMIT_MESSAGES = {
    "timeout": "the job ran past its {timeout:g} s wall-clock limit and was killed",
    "memory": "the job used more than its {memory_mb:g} MB memory limit and was killed",
    "pids": "the job tried to run more than {pids:g} processes at once (the process limit)",
    "output": "the job printed more than {output_mb:g} MB and was killed",
    "scratch": (
        "the job filled its {scratch_mb:g} MB scratch area (No space left on device): it "
        "writes more than the scratch limit allows"
    ),
}


@dataclass
class SandboxResult:
    """The outcome of one job.

    `killed_by` names the limit that ended the job ("timeout", "memory", "pids", "output",
    "scratch"), None
    when it ended on its own. `harness_error` is set when the harness (or the sandbox around it)
    failed to report, as opposed to the job's code failing, which `trace["error"]` describes.
    `outputs_dir` holds what the harness wrote (trace.json, .npy, Parquet, joblib), minus
    `outputs_omitted` when those exceeded the cap. `stdout_tail`/`stderr_tail` are the last bytes
    of each stream. `limits` are the job's (for `limit_message`).
    """

    backend: str
    exit_code: int | None
    stdout_tail: str
    stderr_tail: str
    wall_time: float
    peak_memory_bytes: int | None
    killed_by: KilledBy | None
    outputs_dir: Path
    trace: dict[str, Any] | None
    harness_error: str | None = None
    outputs_omitted: list[str] = field(default_factory=list)
    sandbox_id: str | None = None
    limits: dict[str, float] = field(default_factory=dict)

    @property
    def limit_message(self) -> str:
        """The limit that ended the job, as a sentence with its value ("" when none did)."""
        if self.killed_by is None:
            return ""
        return _LIMIT_MESSAGES[self.killed_by].format_map(
            {**Job("script", Path()).limits(), **self.limits}
        )

    @property
    def ok(self) -> bool:
        """The job ran to completion within its limits and its code raised nothing: the trace
        says so and the exit status the supervisor saw agrees (a job can write the trace)."""
        return (
            self.killed_by is None
            and self.harness_error is None
            and self.exit_code == 0
            and self.trace is not None
            and self.trace.get("status") == "ok"
        )

    @classmethod
    def from_outcome(
        cls,
        backend: str,
        outcome: dict[str, Any],
        tar: bytes,
        outputs_dir: Path,
        sandbox_id: str | None = None,
    ) -> SandboxResult:
        """Build the result from a backend's outcome (see `outcome.summarize`) and outputs tar."""
        unpack(tar, outputs_dir)
        return cls(
            backend=backend,
            exit_code=outcome.get("exit_code"),
            stdout_tail=outcome.get("stdout_tail", ""),
            stderr_tail=outcome.get("stderr_tail", ""),
            wall_time=outcome.get("wall_time", 0.0),
            peak_memory_bytes=outcome.get("peak_memory_bytes"),
            killed_by=outcome.get("killed_by"),
            outputs_dir=outputs_dir,
            trace=outcome.get("trace"),
            harness_error=outcome.get("harness_error"),
            outputs_omitted=list(outcome.get("outputs_omitted", [])),
            sandbox_id=sandbox_id,
        )
