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
    "auto",
    "--sandbox",
    help="auto (Docker when a daemon answers, else the isolated local backend, with a warning), "
    "docker, or local (bubblewrap or unshare; refuses where it cannot isolate).",
)
UNSAFE_LOCAL = typer.Option(
    False,
    "--unsafe-local",
    help="With --sandbox local: run even where the local backend cannot isolate jobs (they would "
    "run with your user's rights and network). Only for code you trust.",
)
NO_LIFTER = typer.Option(
    False,
    "--no-lifter",
    help="Leave the offline lifter out: the model writes every step (needs a model).",
)


def backend(sandbox: str, unsafe_local: bool) -> str:
    """The backend name `open_sandbox` takes, from --sandbox and --unsafe-local (exit 2 when they
    do not go together)."""
    from .cli_pipeline import fail

    if sandbox not in ("auto", "docker", "local"):
        fail(f"--sandbox must be auto, docker or local, not {sandbox!r}")
    if unsafe_local and sandbox != "local":
        fail("--unsafe-local goes with --sandbox local only")
    return "unsafe-local" if unsafe_local else sandbox
