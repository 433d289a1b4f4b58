"""The `lester` command line. Each command group lives in its own `cli_*` module."""

from __future__ import annotations

import logging

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

if __name__ == "__main__":
    app()
