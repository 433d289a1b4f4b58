"""Forks started from the browser, run one at a time in a background thread.

A fork runs the sandbox (and, when resumed, the agent) for seconds to minutes, so the request that
starts it returns at once with a job id; the job page polls the job's status and progress lines
and then links to the new run. Jobs live as long as the server. The pipeline a resumed fork
writes goes to `<traces>/forks/`, never beside the user's script.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lester.agents.edit_fork import EditFork, start_edit_fork, verify_edit_fork
from lester.agents.state import Budgets

PROGRESS_LINES = 200


@dataclass
class Job:
    id: str
    kind: str
    parent: str
    status: str = "queued"  # queued, running, done, error
    run_id: str | None = None
    outcome: str | None = None
    message: str = ""
    progress: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """What the job page polls: the latest progress lines, not the start time."""
        out = asdict(self)
        out["progress"] = out["progress"][-PROGRESS_LINES:]
        del out["started"]
        return out


@dataclass(frozen=True)
class ResumeRequest:
    """Resume the agent from a parent's checkpoint before `record` ran `step`."""

    traces: Path
    parent: str
    script: Path
    data_dir: Path
    step: str
    record: int
    model: str
    budgets: Budgets
    sandbox: str


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lester-fork")
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def edit(self, request: EditFork) -> Job:
        """Register the fork's run now (it is listed at once), verify it in the background."""
        job = self._new("edit", request.parent)
        job.run_id = start_edit_fork(request)

        def work() -> None:
            result = verify_edit_fork(request, job.run_id, job.progress.append)
            job.outcome, job.message = result.outcome, result.message

        self._submit(job, work)
        return job

    def resume(self, request: ResumeRequest) -> Job:
        job = self._new("resume", request.parent)

        def work() -> None:
            from lester.agents.proposals import llm_for
            from lester.agents.rewrite import RewriteOptions, rewrite

            forks = request.traces / "forks"
            forks.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            options = RewriteOptions(
                script=request.script,
                data_dir=request.data_dir,
                out=forks / f"{request.parent}-{request.step}-{stamp}_lester.py",
                model=request.model,
                sandbox=request.sandbox,
                traces=request.traces,
                budgets=request.budgets,
                fork=request.parent,
                fork_from=request.step,
                fork_record=request.record,
                llm=llm_for(request.model),
            )
            result = rewrite(options, job.progress.append)
            job.run_id, job.outcome, job.message = result.run_id, result.outcome, result.message

        self._submit(job, work)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _new(self, kind: str, parent: str) -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, parent)
        with self._lock:
            self._jobs[job.id] = job
        return job

    def _submit(self, job: Job, work: Callable[[], None]) -> None:
        def run() -> None:
            job.status = "running"
            try:
                work()
                job.status = "done"
            except Exception as exc:  # shown on the job page; the server goes on
                job.status, job.message = "error", f"{type(exc).__name__}: {exc}"

        self._pool.submit(run)
