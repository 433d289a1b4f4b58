"""`lester ui`: the trace store and eval reports in a local web application.

Exit codes: 0 after the server stops, 2 bad input (no trace store).
"""

from __future__ import annotations

from pathlib import Path

import typer

from lester import cli_options
from lester.cli_pipeline import console, err, fail

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_EVALS = Path("eval-results")
HELP = (
    "Browse, compare and fork agent runs and eval reports in a local web app.\n\n"
    "Every run in the trace store, with its graph, a timeline of every node execution, and for "
    "each attempt the prompt and answer (or the lifter's rules), the candidate code and its diff, "
    "the sandbox result and the equivalence report: read from the store, nothing is re-run. "
    "Forks (an edited candidate verified in the sandbox, or the agent resumed from a step with "
    "another model or budget) become new runs linked to their parent.\n\n"
    "Opens no browser: visit the printed URL. Ctrl-C stops the server."
)


def ui_command(
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="The port to serve on."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="The address to serve on. Loopback by default: the traces hold code and data "
        "samples, so serve elsewhere only on a network you trust.",
    ),
    traces: Path = typer.Option(
        Path(".lester"), "--traces", help="The trace store (a folder holding lester.sqlite)."
    ),
    evals: list[Path] = typer.Option(
        None,
        "--evals",
        metavar="DIR",
        help="An eval results folder (`lester eval --out DIR`) or a folder of them; repeatable "
        "(default: eval-results/ when it exists).",
    ),
    sandbox: str = cli_options.SANDBOX,
    unsafe_local: bool = cli_options.UNSAFE_LOCAL,
) -> None:
    """Browse, compare and fork agent runs and eval reports in a local web app."""
    import uvicorn

    from lester.agents.traces import DB_NAME, TraceStore, TraceStoreError
    from lester.ui.app import UIConfig, create_app

    sandbox = cli_options.backend(sandbox, unsafe_local)
    if not (traces / DB_NAME).is_file():
        fail(f"no trace store at {traces} (run `lester rewrite` first, or pass --traces PATH)")
    try:
        TraceStore(traces).close()
    except TraceStoreError as exc:
        fail(str(exc))
    roots = list(evals or ([DEFAULT_EVALS] if DEFAULT_EVALS.is_dir() else []))
    config = UIConfig(
        traces=traces,
        evals=roots,
        sandbox=sandbox,
        allowed_hosts=["127.0.0.1", "localhost", "[::1]"] if host in LOOPBACK else None,
    )
    if host not in LOOPBACK:
        err.print(
            f"[bold yellow]warning:[/] serving on {host}, not loopback: anyone who can reach it "
            "reads every run (code, prompts, data samples) and can fork runs with the token "
            "shown in its pages. Serve on 127.0.0.1 and tunnel (ssh -L) unless this network is "
            "yours alone.",
            highlight=False,
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"Lester UI on http://{shown}:{port}/  (traces {traces.resolve()})", highlight=False
    )
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("ui", help=HELP)(ui_command)
