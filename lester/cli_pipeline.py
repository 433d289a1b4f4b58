"""`lester run` and `lester forget` (in `cli_forget`): executing declarative pipelines and deleting
data from runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from lester.abstraction import LesterError, load_pipeline
from lester.cli_forget import forget_command

# Piped output (logs, CI) gets wide tables instead of ellipses; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def run_command(
    pipeline: Path = typer.Argument(
        ..., help="A declarative pipeline module (a .py file using `import lester`)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to save the run's artifacts (default: runs/<pipeline>-<time>)."
    ),
    data_dir: Path = typer.Option(
        None, "--data-dir", help="Directory the sources read from (default: the pipeline's folder)."
    ),
) -> None:
    """Execute a declarative pipeline with provenance and save every artifact."""
    started = time.perf_counter()
    target = out or Path("runs") / f"{pipeline.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        with console.status(f"running {pipeline}"):
            result = load_pipeline(pipeline).run(data_dir=data_dir)
            result.save(target)
    except LesterError as exc:
        fail(str(exc))
    table = Table(title=f"run saved to {target}", show_header=False)
    table.add_row("prepared rows", str(len(result.prepared)))
    table.add_row("X_train / X_test", f"{result.X_train.shape} / {result.X_test.shape}")
    table.add_row("model", type(result.model).__name__)
    table.add_row("sources", ", ".join(f"{n} ({len(f)} rows)" for n, f in result.sources.items()))
    table.add_row("time", f"{time.perf_counter() - started:.2f} s")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("forget")(forget_command)
