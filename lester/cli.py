"""The `lester` command line. Each command group lives in its own `cli_*` module."""

from __future__ import annotations

import logging
import os
import sys

import typer

app = typer.Typer(
    name="lester",
    help="Rewrite messy imperative ML pipelines into verified declarative pipelines with provenance.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _logging() -> None:
    """Sandbox progress (image builds, the weaker local backend) goes to stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("lester.sandbox").setLevel(logging.INFO)


def _register() -> None:
    """Attach every command group; kept in one place so the command set reads at a glance."""
    from lester import cli_eval, cli_pipeline, cli_rewrite, cli_sandbox, cli_ui

    cli_rewrite.register(app)
    cli_pipeline.register(app)
    cli_sandbox.register(app)
    cli_eval.register(app)
    cli_ui.register(app)


_register()


def main() -> None:
    """The console entry point: run the command, then leave without the interpreter's teardown.

    pyarrow's reader threads can abort the process while it shuts down, after the command has
    finished and its files are written (apache/arrow#34314: "terminate called without an active
    exception", exit -6). A command's outcome must be its exit code, so once the command has
    returned and its output is flushed, nothing is left to run and the process exits directly.
    """
    try:
        app()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
