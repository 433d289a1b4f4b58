"""Running the agent over the cases, a bounded number at a time, each in a worker process.

Each case runs in a spawned worker process with its own sandbox session and trace store, so that
cases cannot share state (a lifter cache, a Docker client, a SQLite connection) and a crash in one
case costs that case only. Workers are reused across cases, because importing the agent's stack
takes seconds and the per-case wall time is a reported figure.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lester.evals.cases import Case
from lester.evals.results import case_record, failure_record

TRACE_DIR = ".lester"  # the trace store inside a case's scratch copy
LOG = "rewrite.log"  # the agent's progress lines, one file per case
FRAMES = 6  # innermost traceback frames kept in a crash's diagnosis


@dataclass(frozen=True)
class Task:
    """One case to rewrite: its scratch copy, and the agent's settings."""

    case: Case
    script: Path
    model: str
    sandbox: str
    trace: str  # the trace store, as results.json names it (relative to the results folder)
    no_lifter: bool = False
    timeout: float = 120.0  # seconds per sandbox run


def resolve_sandbox(name: str) -> str:
    """The backend every case will use, settled once before the workers start.

    `auto` is decided here so that all cases of one evaluation run on the same backend, and the
    Docker image is built (when its inputs changed) here, so that parallel cases do not race to
    build it."""
    from lester.sandbox import choose_backend

    name = choose_backend(name)
    if name == "docker":
        from lester.sandbox.docker_backend import docker_client
        from lester.sandbox.image import ensure_image

        ensure_image(docker_client(), log=logging.getLogger("lester.sandbox").info)
    return name


def run_case(task: Task) -> dict[str, Any]:
    """Rewrite one case (in a worker process) and return its record; never raises."""
    from lester.agents.oracle.analysis import AnalysisError
    from lester.agents.proposals import llm_for
    from lester.agents.rewrite import RewriteOptions, rewrite

    traces = task.script.parent / TRACE_DIR
    started = time.perf_counter()
    with (task.script.parent / LOG).open("w") as log:
        try:
            options = RewriteOptions(
                script=task.script,
                model=task.model,
                sandbox=task.sandbox,
                traces=traces,
                llm=llm_for(task.model),
                no_lifter=task.no_lifter,
                job_timeout=task.timeout,
            )
            result = rewrite(options, lambda line: print(line, file=log, flush=True))
        except AnalysisError as exc:
            outcome, message, stage = "bad-input", str(exc), "analyse"
        except Exception as exc:
            traceback.print_exc(file=log)
            outcome, message, stage = "error", crash_report(exc), crashed_node(exc)
        else:
            return case_record(task.case, result, time.perf_counter() - started, task.trace)
    record = failure_record(
        task.case, outcome, message, time.perf_counter() - started, task.trace, stage
    )
    record["run_id"] = stored_run(traces)
    return record


def crash_report(exc: BaseException) -> str:
    """The exception and its innermost frames: where the agent broke, not the graph's machinery."""
    frames = "".join(traceback.format_tb(exc.__traceback__)[-FRAMES:])
    return f"the agent raised {type(exc).__name__}: {exc}\n\n{frames}"


def crashed_node(exc: BaseException) -> str:
    """The graph node that raised, from the note LangGraph adds to the exception, else `error`."""
    for note in getattr(exc, "__notes__", []):
        found = re.search(r"During task with name '(\w+)'", note)
        if found:
            return found.group(1)
    return "error"


def stored_run(traces: Path) -> str | None:
    """The run a crashed rewrite left in the case's own store (its checkpoints up to the crash)."""
    from lester.agents.traces import DB_NAME, TraceStore

    if not (traces / DB_NAME).is_file():
        return None
    store = TraceStore(traces)
    try:
        runs = store.runs(limit=1)
    finally:
        store.close()
    return runs[0].run_id if runs else None


def run_tasks(
    tasks: list[Task], jobs: int, on_done: Callable[[dict[str, Any]], None]
) -> list[dict[str, Any]]:
    """Run every task on at most `jobs` workers; `on_done` sees each record as it arrives."""
    records: list[dict[str, Any]] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures: dict[Future[dict[str, Any]], Task] = {
            pool.submit(run_case, task): task for task in tasks
        }
        try:
            for future in as_completed(futures):
                record = _record(future, futures[future])
                records.append(record)
                on_done(record)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return records


def _record(future: Future[dict[str, Any]], task: Task) -> dict[str, Any]:
    """The worker's record, or an error record when the worker itself died (killed, out of memory)."""
    try:
        return future.result()
    except Exception as exc:
        return failure_record(
            task.case, "error", f"the worker process failed: {exc!r}", 0.0, task.trace, "error"
        )
