"""`lester run` and `lester forget` (in `cli_forget`): executing declarative pipelines and deleting
data from runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from . import cli_options
from .cli_forget import forget_command
from .sandboxed_run import DEFAULT_MEMORY_MB, DEFAULT_SCRATCH_MB, MEMORY_ENV, SCRATCH_ENV

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
    memory_mb: int = typer.Option(
        DEFAULT_MEMORY_MB,
        "--memory-mb",
        min=256,
        envvar=MEMORY_ENV,
        help="Memory the sandbox may use, in MB, its scratch area included.",
    ),
    scratch_mb: int = typer.Option(
        DEFAULT_SCRATCH_MB,
        "--scratch-mb",
        min=64,
        envvar=SCRATCH_ENV,
        help="Scratch space for the saved run, in MB, beside the data's copy; also the most that "
        "is copied out of the sandbox.",
    ),
) -> None:
    """Execute a declarative pipeline with provenance in the sandbox and save every artifact.

    The module runs in the sandbox like any code Lester did not write (on a copy of the data);
    its artifacts are copied out. Exit codes: 0 saved, 1 the pipeline failed, 2 bad input."""
    from lester.sandbox import SandboxUnavailable
    from lester.sandboxed_run import (
        RunFailed,
        RunInputError,
        RunLimits,
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
            limits = RunLimits(memory_mb, scratch_mb, timeout)
            summary = run_in_sandbox(pipeline, directory, target, backend, limits)
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


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("forget")(forget_command)
