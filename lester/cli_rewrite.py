"""`lester rewrite`, `lester analyze`, `lester verify` and `lester trace`: the agent's commands.

The original is a script (`.py`) or a Jupyter notebook (`.ipynb`, run as its code cells). Exit codes:
- `rewrite`: 0 verified, 1 not verified, 2 bad input (unreadable, not Python, a notebook that needs
  IPython, or an original that cannot be analysed: it raises, never fits, reads no data, times out);
- `analyze`: 0 analysed, 1 the script cannot be analysed (the report says why), 2 bad input;
- `verify`: 0 the rewrite matches, 1 it does not (or is broken), 2 bad input (the original included);
- `trace`: 0, or 2 when the store or the run does not exist.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lester import cli_options
from lester.cli_pipeline import console, fail

trace_app = typer.Typer(help="Inspect stored agent runs.", no_args_is_help=True)
err = Console(stderr=True)


def rewrite_command(
    file: Path = typer.Argument(
        ..., help="The messy Python script (.py) or Jupyter notebook (.ipynb) to rewrite."
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to write the pipeline (default: <stem>_lester.py beside FILE)."
    ),
    model: str = cli_options.MODEL,
    no_lifter: bool = cli_options.NO_LIFTER,
    sandbox: str = cli_options.SANDBOX,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
    data_dir: Path = typer.Option(
        None,
        "--data-dir",
        help="The directory the script runs in and reads data from (default: its folder).",
    ),
    timeout: float = cli_options.TIMEOUT,
    max_attempts: int = typer.Option(3, "--max-attempts", min=1, help="Attempts per step."),
    max_total: int = typer.Option(12, "--max-total", min=1, help="Attempts over all steps."),
    max_tokens: int = typer.Option(
        200_000, "--max-tokens", min=0, help="Model tokens over the run."
    ),
    resume: str = typer.Option(
        None, "--resume", help="Continue a stored run (its id) from its last checkpoint."
    ),
    fork: str = typer.Option(
        None, "--fork", help="Start a new run from a stored run's checkpoint (see --from)."
    ),
    fork_from: str = typer.Option(
        None,
        "--from",
        help="With --fork: the step to run again (sources, prepare, encode, label_model, assemble, verify).",
    ),
    traces: Path = typer.Option(
        None, "--traces", help="The trace store (default: .lester/ beside FILE)."
    ),
) -> None:
    """Analyse FILE, rewrite it into a declarative Lester pipeline, and verify the rewrite.

    Exit codes: 0 verified, 1 not verified, 2 bad input (FILE cannot be read or analysed)."""
    from lester.agents.oracle.analysis import AnalysisError
    from lester.agents.proposals import llm_for
    from lester.agents.rewrite import RewriteOptions, rewrite
    from lester.agents.state import Budgets
    from lester.agents.traces import TraceStoreError
    from lester.sandbox import SandboxUnavailable

    sandbox = cli_options.backend(sandbox, unsafe_local)
    if out is not None:
        _check_out(out, file)
    if resume and fork:
        fail("--resume and --fork exclude each other")
    options = RewriteOptions(
        script=file,
        data_dir=data_dir,
        out=out,
        model=model,
        sandbox=sandbox,
        traces=traces,
        budgets=Budgets(per_step=max_attempts, total=max_total, tokens=max_tokens),
        resume=resume,
        fork=fork,
        fork_from=fork_from,
        llm=llm_for(model),
        no_lifter=no_lifter,
        job_timeout=timeout,
    )
    try:
        result = rewrite(
            options, lambda message: console.print(f"[dim]•[/] {escape(message)}", highlight=False)
        )
    except (AnalysisError, SandboxUnavailable, TraceStoreError) as exc:
        fail(str(exc))
    _summary(result)
    raise typer.Exit(
        0 if result.outcome == "verified" else 2 if result.outcome == "bad-input" else 1
    )


def _check_out(out: Path, original: Path) -> None:
    """An --out that cannot be written is refused before the run, not after it."""
    if out.is_dir():
        fail(f"--out {out} is a folder; give the pipeline's file name (e.g. {out / 'pipeline.py'})")
    if not out.parent.is_dir():
        fail(f"--out: the folder {out.parent} does not exist")
    if out.resolve() == original.resolve():
        fail(f"--out {out} is the original script; Lester never writes over it")


def _summary(result) -> None:
    state = result.state
    table = Table(title=f"run {result.run_id}: {result.outcome.upper()}", show_header=True)
    for column in ("step", "status", "attempts", "model calls", "tokens"):
        table.add_column(column)
    usage = state.get("usage") or {}
    for step in ("sources", "prepare", "encode", "label_model"):
        u = usage.get(step, {})
        table.add_row(
            step,
            (state.get("status") or {}).get(step, "-"),
            str((state.get("attempts") or {}).get(step, 0)),
            str(u.get("calls", 0)),
            str(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0)),
        )
    console.print(table)
    verification = state.get("verification") or {}
    if verification:
        console.print(
            f"equivalence: {verification.get('level')}  {verification.get('summary', '')}",
            highlight=False,
        )
    if result.message and result.outcome != "verified":
        console.print(f"[yellow]{escape(result.message)}[/]", highlight=False)
    if result.output:
        console.print(f"wrote {result.output}", highlight=False, markup=False)
    console.print(f"time: {result.seconds:.1f} s", highlight=False)


def analyze_command(
    file: Path = typer.Argument(..., help="The script (.py) or notebook (.ipynb) to analyse."),
    data_dir: Path = typer.Option(
        None, "--data-dir", help="The directory the script runs in (default: its folder)."
    ),
    sandbox: str = cli_options.SANDBOX,
    timeout: float = cli_options.TIMEOUT,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Run FILE once in the sandbox and report what it reads, trains and writes.

    Exit codes: 0 analysed, 1 the script cannot be analysed (the report says why), 2 bad input."""
    from lester.agents.oracle.analysis import AnalysisError, analyze
    from lester.agents.rewrite import check_input
    from lester.sandbox import SandboxUnavailable, open_sandbox

    sandbox = cli_options.backend(sandbox, unsafe_local)
    try:
        check_input(file)
        directory = (data_dir or file.parent).resolve()
        with open_sandbox(sandbox, data_dir=directory) as box:
            report = analyze(file.resolve(), directory, box, timeout=timeout)
    except (AnalysisError, SandboxUnavailable) as exc:
        fail(str(exc))
    console.print_json(json.dumps(report.to_dict())) if as_json else console.print(
        report.to_text(), highlight=False
    )
    raise typer.Exit(0 if report.ok else 1)


def verify_command(
    original: Path = typer.Argument(..., help="The original script or notebook."),
    rewritten: Path = typer.Argument(..., help="The declarative pipeline module."),
    data_dir: Path = typer.Option(
        None, "--data-dir", help="The directory both run in (default: the original's folder)."
    ),
    sandbox: str = cli_options.SANDBOX,
    timeout: float = cli_options.TIMEOUT,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
    rtol: float = typer.Option(1e-7, "--rtol", help="Relative float tolerance."),
    atol: float = typer.Option(1e-9, "--atol", help="Absolute float tolerance."),
) -> None:
    """Run both in the sandbox and check that the rewrite trains on the same data and model.

    Exit codes: 0 match, 1 no match (or a broken rewrite), 2 bad input (the original included)."""
    from lester.agents.oracle.analysis import AnalysisError, analyze
    from lester.agents.oracle.equivalence import Tolerance
    from lester.agents.oracle.verification import verify_candidate
    from lester.agents.rewrite import check_input
    from lester.sandbox import SandboxUnavailable, open_sandbox

    sandbox = cli_options.backend(sandbox, unsafe_local)
    try:
        check_input(original)
        if not rewritten.is_file():
            raise AnalysisError(f"no such file: {rewritten}")
        directory = (data_dir or original.parent).resolve()
        with open_sandbox(sandbox, data_dir=directory) as box:
            report = analyze(original.resolve(), directory, box, timeout=timeout)
            if not report.ok:
                raise AnalysisError(f"the original cannot be analysed: {report.problem}")
            verdict = verify_candidate(
                report, rewritten.resolve(), box, tol=Tolerance(rtol, atol), timeout=timeout
            )
    except (AnalysisError, SandboxUnavailable) as exc:
        fail(str(exc))
    console.print(verdict.text, highlight=False, markup=False)
    raise typer.Exit(0 if verdict.ok else 1)


@trace_app.command("list")
def trace_list(
    traces: Path = typer.Option(Path(".lester"), "--traces", help="The trace store."),
    limit: int = typer.Option(50, "--limit", help="How many runs, newest first."),
) -> None:
    """List stored runs."""
    from lester.agents.traces import DB_NAME, TraceStore, TraceStoreError

    if not (traces / DB_NAME).is_file():
        fail(f"no trace store at {traces}")
    try:
        store = TraceStore(traces)
        runs = store.runs(limit)
    except (TraceStoreError, sqlite3.DatabaseError) as exc:
        fail(f"the trace store at {traces} is corrupt: {exc}")
    table = Table(title=f"runs in {traces}")
    table.add_column("run", no_wrap=True)
    for column in (
        "script",
        "model",
        "outcome",
        "level",
        "attempts",
        "calls",
        "tokens",
        "forked from",
    ):
        table.add_column(column)
    for r in runs:
        table.add_row(
            r.run_id,
            Path(r.script).name,
            r.model,
            r.outcome or "running",
            r.level or "-",
            str(r.attempts),
            str(r.calls),
            str(r.tokens),
            r.parent or "",
        )
    console.print(table)


@trace_app.command("show")
def trace_show(
    run_id: str = typer.Argument(..., help="The run id (see `lester trace list`)."),
    traces: Path = typer.Option(Path(".lester"), "--traces", help="The trace store."),
    full: bool = typer.Option(
        False, "--full", help="Show prompts, answers and candidate code in full."
    ),
) -> None:
    """Show every node execution of a stored run, from its checkpoints (nothing is re-executed)."""
    from lester.agents.trace_view import render_run
    from lester.agents.traces import TraceStoreError

    try:
        console.print(render_run(traces, run_id, full=full), highlight=False, markup=False)
    except (LookupError, TraceStoreError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        fail(f"the trace store at {traces} is corrupt: {exc}")


def register(app: typer.Typer) -> None:
    app.command("rewrite")(rewrite_command)
    app.command("analyze")(analyze_command)
    app.command("verify")(verify_command)
    app.add_typer(trace_app, name="trace")
