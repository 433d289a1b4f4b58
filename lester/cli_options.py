"""Options several commands share, declared once so that their help reads the same everywhere."""

from __future__ import annotations

import typer

MODEL = typer.Option(
    "auto",
    "--model",
    help="auto (lifter, then an LLM if configured), offline (never a model), or a model name.",
)
TIMEOUT = typer.Option(
    120.0,
    "--timeout",
    min=1.0,
    help="Seconds each sandbox run (the original, a candidate) may take.",
)
SANDBOX = typer.Option(
    "auto", "--sandbox", help="auto (Docker when a daemon answers), docker, or local (weaker)."
)
