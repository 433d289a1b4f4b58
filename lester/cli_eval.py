"""`lester eval`: the rewrite agent over a corpus of messy pipelines, with reports.

Exit codes: 0 the evaluation completed (whatever share verified), 1 it could not run (e.g. the
sandbox), 2 bad input (no corpus, no case matches, the results folder exists).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from lester import cli_options
from lester.cli_pipeline import console, fail

DEFAULT_JOBS = min(os.cpu_count() or 1, 2)


def eval_command(
    corpus: Path = typer.Option(
        None, "--corpus", help="The corpus folder (default: the corpus shipped in evals/corpus)."
    ),
    model: str = cli_options.MODEL,
    no_lifter: bool = cli_options.NO_LIFTER,
    jobs: int = typer.Option(
        DEFAULT_JOBS, "--jobs", min=1, help="Cases rewritten at the same time."
    ),
    cases: str = typer.Option(
        None,
        "--cases",
        help="Comma-separated case names or shell patterns, e.g. 'titanic_*,housing_prices_basic'.",
    ),
    out: Path = typer.Option(
        None, "--out", help="A new folder for the results (default: eval-results/<timestamp>)."
    ),
    sandbox: str = cli_options.SANDBOX,
    timeout: float = cli_options.TIMEOUT,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
) -> None:
    """Rewrite every case of the corpus (copies of them) and report what verified, per idiom and stage."""
    from lester.agents.proposals import llm_for
    from lester.evals.cases import CORPUS, EvalInputError, copy_case, discover
    from lester.evals.output import claim_out_dir, write_outputs
    from lester.evals.results import results_document
    from lester.evals.runner import TRACE_DIR, Task, resolve_sandbox, run_tasks
    from lester.evals.text import headline, seconds, verdict

    sandbox = cli_options.backend(sandbox, unsafe_local)
    if no_lifter and llm_for(model) is None:
        fail("--no-lifter needs a model: --model NAME, or LESTER_MODEL")
    corpus = corpus or CORPUS
    try:
        selected = discover(corpus, cases)
    except EvalInputError as exc:
        fail(str(exc))
    try:
        backend = resolve_sandbox(sandbox)
    except Exception as exc:
        fail(f"the {sandbox} sandbox is unusable: {exc}", code=1)
    try:
        out_dir = claim_out_dir(out)
    except EvalInputError as exc:
        fail(str(exc))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    jobs = min(jobs, len(selected))
    clock = time.perf_counter()
    tasks = [
        Task(
            case=case,
            script=copy_case(case, out_dir / "cases" / case.name).resolve(),
            model=model,
            sandbox=backend,
            trace=f"cases/{case.name}/{TRACE_DIR}",
            no_lifter=no_lifter,
            timeout=timeout,
        )
        for case in selected
    ]
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(f"rewriting {len(tasks)} cases on {jobs} jobs", total=len(tasks))

        def done(record: dict[str, Any]) -> None:
            mark = "[green]✓[/]" if record["verified"] else "[red]✗[/]"
            progress.console.print(
                f"{mark} {record['name']}  {verdict(record)}  {seconds(record['wall_time'])}",
                highlight=False,
            )
            progress.advance(bar)

        records = run_tasks(tasks, jobs, done)
    doc = results_document(
        corpus=str(corpus),
        model=model,
        sandbox=backend,
        lifter=not no_lifter,
        started=started,
        seconds=time.perf_counter() - clock,
        cases=records,
    )
    write_outputs(out_dir, doc)
    console.print(
        f"eval: {headline(doc['summary'])}, results in {out_dir}", highlight=False, soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
