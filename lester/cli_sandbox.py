"""`lester sandbox build|status|clean`: the sandbox image and containers."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)

DAEMON_HINT = (
    "no Docker daemon answers; start one with\n"
    "  dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false "
    "> /tmp/dockerd.log 2>&1 &"
)


def _client():  # noqa: ANN202 - docker is imported lazily, only when a command needs it
    from lester.sandbox.docker_backend import docker_available, docker_client

    if not docker_available():
        err.print(f"[bold red]error:[/] {DAEMON_HINT}", highlight=False)
        raise typer.Exit(2)
    return docker_client(timeout=600)


def build_command(
    base: str = typer.Option(
        None,
        "--base",
        help="Base image (default: lester-base:bookworm if present, else python:3.11-slim, "
        "else a Debian base made with debootstrap).",
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the inputs are unchanged."),
) -> None:
    """Build the sandbox image, reusing the cached one when its inputs have not changed."""
    from lester.sandbox.image import ImageError, build_image

    client = _client()
    try:
        tag = build_image(
            client, base, force=force, log=lambda line: console.print(line, markup=False)
        )
    except ImageError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    console.print(f"[bold green]sandbox image:[/] {tag}")


def status_command() -> None:
    """Show whether the daemon answers, whether the image is current, and leftover containers."""
    from lester.sandbox.docker_backend import (
        docker_available,
        docker_client,
        is_stale,
        sandbox_containers,
    )
    from lester.sandbox.image import current_image, images

    table = Table(title="lester sandbox", show_header=False)
    table.add_row("local backend", _local_status())
    if not docker_available():
        table.add_row("docker daemon", "[red]not answering[/] (the local backend would be used)")
        console.print(table)
        return
    client = docker_client()
    current = current_image(client)
    containers = sandbox_containers(client)
    stale = [c for c in containers if is_stale(c)]
    table.add_row("docker daemon", "[green]answering[/]")
    table.add_row(
        "current image", current or "[yellow]missing or out of date[/] (lester sandbox build)"
    )
    table.add_row("sandbox images", ", ".join(images(client)) or "none")
    table.add_row("sandbox containers", f"{len(containers)} ({len(stale)} stale)")
    console.print(table)


def _local_status() -> str:
    """How the local backend would isolate jobs here, or that it would refuse."""
    from rich.markup import escape

    from lester.sandbox import SandboxUnavailable
    from lester.sandbox.local_backend import LocalBackend

    try:
        return escape(LocalBackend("status").warning.splitlines()[0])
    except SandboxUnavailable as exc:
        return f"[red]refuses[/]: {escape(str(exc).splitlines()[0])}"


def clean_command(
    everything: bool = typer.Option(
        False, "--all", help="Also remove live sessions' containers and outdated images."
    ),
) -> None:
    """Remove stale sandbox containers (their owner process is gone)."""
    from lester.sandbox.docker_backend import is_stale, remove_containers, sandbox_containers
    from lester.sandbox.image import remove_outdated

    client = _client()
    containers = [c for c in sandbox_containers(client) if everything or is_stale(c)]
    removed = remove_containers(containers)
    console.print(f"removed {len(removed)} container(s)")
    if everything:
        console.print(f"removed image(s): {', '.join(remove_outdated(client)) or 'none'}")


def register(app: typer.Typer) -> None:
    sandbox = typer.Typer(
        help="The execution sandbox: image, status, cleanup.", no_args_is_help=True
    )
    sandbox.command("build")(build_command)
    sandbox.command("status")(status_command)
    sandbox.command("clean")(clean_command)
    app.add_typer(sandbox, name="sandbox")
