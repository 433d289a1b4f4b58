"""Options several commands share, declared once so that their help reads the same everywhere."""

from __future__ import annotations

import typer

MODEL = typer.Option(
    "auto",
    "--model",
    help="auto (lifter, then an LLM if configured), offline (never a model), or a model name.",
)
SANDBOX = typer.Option(
    "auto", "--sandbox", help="auto (Docker when a daemon answers), docker, or local (weaker)."
)
NO_LIFTER = typer.Option(
    False,
    "--no-lifter",
    help="Leave the offline lifter out: the model writes every step (needs a model).",
)
