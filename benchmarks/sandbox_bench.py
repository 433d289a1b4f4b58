"""The sandbox's figures: what isolation costs per job.

For a trivial script and for the running example's declarative pipeline at 1,000 customers, the
median round trip of (a) the harness called in-process without isolation (the floor), (b) the
Docker backend's warm pool, (c) a fresh container per job, (d) the local backend. Targets: the warm
pool's overhead over the floor at most 100 ms, and at least 5x lower than a fresh container's.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from lester.sandbox import Job, Sandbox, docker_available, harness, open_sandbox

from .common import interleaved_medians, print_table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "creditcard"
TRIVIAL = 'print("hello from the sandbox")\n'


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _floor(job: Job, data_dir: Path) -> Callable[[], None]:
    """The job through the harness entry point in this process: no sandbox, no process."""

    def run() -> None:
        argv = sys.argv[:]  # the harness sets sys.argv for the script it runs
        with tempfile.TemporaryDirectory() as out, _cwd(data_dir), redirect_stdout(io.StringIO()):
            code = harness.main([job.kind, str(job.code), "--out", out])
        sys.argv = argv
        if code != 0:
            raise RuntimeError(f"floor run of {job.code} failed")

    return run


def _sandboxed(sandbox: Sandbox, job: Job) -> Callable[[], None]:
    def run() -> None:
        result = sandbox.run(job)
        if not result.ok:
            raise RuntimeError(f"{sandbox.backend.name}: {result.harness_error or result.trace}")

    return run


def _generate(root: Path) -> Path:
    spec = importlib.util.spec_from_file_location("creditcard_generate", EXAMPLE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(root / "data", 1000, seed=0)
    return root


def _measure(
    name: str, job: Job, data_dir: Path, repeats: int, docker: bool, stack: contextlib.ExitStack
) -> dict[str, Any]:
    tasks = {"floor": _floor(job, data_dir)}
    if docker:
        warm = stack.enter_context(
            open_sandbox("docker", session=f"bench-warm-{name}", data_dir=data_dir)
        )
        fresh = stack.enter_context(
            open_sandbox("docker", session=f"bench-fresh-{name}", data_dir=data_dir, pool_size=0)
        )
        tasks["warm"] = _sandboxed(warm, job)
        tasks["fresh"] = _sandboxed(fresh, job)
    local = stack.enter_context(
        open_sandbox("local", session=f"bench-local-{name}", data_dir=data_dir)
    )
    tasks["local"] = _sandboxed(local, job)
    for task in tasks.values():  # warm-up: imports, image check, the pool's first container
        task()
    medians = interleaved_medians(tasks, repeats)
    row: dict[str, Any] = {"job": name, **{k: v * 1000 for k, v in medians.items()}}
    if docker:
        row["warm_overhead_ms"] = row["warm"] - row["floor"]
        row["fresh_over_warm"] = row["fresh"] / row["warm"]
    return row


def main(quick: bool = False) -> dict[str, Any]:
    """Print the table; returns the medians (ms) per job and backend."""
    repeats = 5 if quick else 20
    docker = docker_available()
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="lester-sandbox-bench-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        root = Path(tmp)
        if (EXAMPLE / "pipeline.py").exists():
            data = _generate(root / "creditcard")
            pipeline = Job("pipeline", EXAMPLE / "pipeline.py", timeout=300)
            rows.append(
                _measure("creditcard pipeline (1,000)", pipeline, data, repeats, docker, stack)
            )
        (root / "trivial").mkdir()
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL)
        rows.append(
            _measure(
                "trivial script", Job("script", trivial), root / "trivial", repeats, docker, stack
            )
        )
    columns = ["job", "floor", "warm", "fresh", "local", "warm_overhead_ms", "fresh_over_warm"]
    header = [
        "job",
        "floor ms",
        "warm ms",
        "fresh ms",
        "local ms",
        "warm - floor ms",
        "fresh / warm",
    ]
    print_table(
        f"sandbox round trips, median of {repeats}" + ("" if docker else " (no Docker daemon)"),
        header,
        [[row.get(c, "-") for c in columns] for row in rows],
    )
    if docker:
        worst = max(row["warm_overhead_ms"] for row in rows)
        lowest = min(row["fresh_over_warm"] for row in rows)
        print(
            f"targets: warm overhead <= 100 ms (worst {worst:.0f} ms); fresh/warm >= 5x (lowest {lowest:.1f}x)"
        )
    return {"repeats": repeats, "docker": docker, "rows": rows}


if __name__ == "__main__":
    main()
