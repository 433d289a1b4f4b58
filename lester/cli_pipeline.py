"""`lester run` and `lester forget`: executing declarative pipelines and deleting data from runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from lester.abstraction import LesterError, load_run

from . import cli_options

# Piped output (logs, CI) gets wide tables instead of ellipses; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)  # messages name paths: never break them


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def run_command(
    pipeline: Path = typer.Argument(
        ..., help="A declarative pipeline module (a .py file using `import lester`)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="A new folder for the run's artifacts (default: runs/<pipeline>-<time>).",
    ),
    data_dir: Path = typer.Option(
        None, "--data-dir", help="Directory the sources read from (default: the pipeline's folder)."
    ),
    sandbox: str = cli_options.SANDBOX,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
    timeout: float = typer.Option(600.0, "--timeout", min=1, help="Seconds the run may take."),
) -> None:
    """Execute a declarative pipeline with provenance in the sandbox and save every artifact.

    The module runs in the sandbox like any code Lester did not write (on a copy of the data);
    its artifacts are copied out. Exit codes: 0 saved, 1 the pipeline failed, 2 bad input."""
    from lester.sandbox import SandboxUnavailable
    from lester.sandboxed_run import (
        RunFailed,
        RunInputError,
        check_inputs,
        check_target,
        run_in_sandbox,
    )

    started = time.perf_counter()
    backend = cli_options.backend(sandbox, unsafe_local)
    target = out or Path("runs") / f"{pipeline.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    directory = data_dir or pipeline.parent
    try:
        check_inputs(pipeline, directory)
        check_target(target, default=out is None)
        with console.status(f"running {pipeline} in the sandbox"):
            summary = run_in_sandbox(pipeline, directory, target, backend, timeout)
    except (RunInputError, SandboxUnavailable) as exc:
        fail(str(exc))
    except RunFailed as exc:
        fail(str(exc), code=1)
    table = Table(title=f"run saved to {summary.target}", show_header=False)
    table.add_row("prepared rows", str(summary.prepared_rows))
    table.add_row("X_train / X_test", f"{summary.X_train} / {summary.X_test}")
    table.add_row("model", summary.model.rsplit(".", 1)[-1])
    table.add_row("sources", ", ".join(summary.sources))
    table.add_row("sandbox", summary.backend)
    table.add_row("time", f"{time.perf_counter() - started:.2f} s")
    console.print(table)


def forget_command(
    run_dir: Path = typer.Argument(..., help="A saved run directory (from `lester run`)."),
    source: str = typer.Option(..., "--source", help="The source whose rows are deleted."),
    ids: str = typer.Option(None, "--ids", help="Comma-separated source row ids, e.g. 4711,4712."),
    where: str = typer.Option(
        None, "--where", help="A pandas query on the source, e.g. \"email == 'a@b.org'\"."
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to save the updated run (default: <RUN_DIR>-forget-<time>)."
    ),
    in_place: bool = typer.Option(
        False, "--in-place", help="Replace RUN_DIR atomically (the old artifacts are gone)."
    ),
    model_update: str = typer.Option(
        "retrain", "--model-update", help="retrain (exact) or influence (approximate)."
    ),
) -> None:
    """Delete a data subject's rows from every artifact of a run, via provenance."""
    if (ids is None) == (where is None):
        fail("give exactly one of --ids or --where")
    if in_place and out is not None:
        fail("--in-place and --out exclude each other")
    try:
        id_list = [int(i) for i in ids.split(",") if i.strip()] if ids else None
    except ValueError:
        fail(f"--ids must be comma-separated integers, got {ids!r}")
    target = (
        run_dir
        if in_place
        else out or run_dir.with_name(f"{run_dir.name}-forget-{time.strftime('%Y%m%d-%H%M%S')}")
    )
    try:
        updated = load_run(run_dir).forget(
            source, ids=id_list, where=where, model_update=model_update
        )
        updated.save(target, overwrite=in_place)
    except LesterError as exc:
        fail(str(exc))
    report = updated.forget_report
    table = Table(title=f"forgot {report['n_ids']} row(s) of {source}; saved to {target}")
    table.add_column("artifact")
    table.add_column("rows removed", justify="right")
    table.add_column("method")
    for name, entry in report["artifacts"].items():
        table.add_row(name, str(entry.get("rows_removed", "")), entry["method"])
    console.print(table)
    console.print(f"time: {report['seconds']:.3f} s")


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("forget")(forget_command)
