"""Helpers shared by the benchmarks: interleaved timing and table printing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def interleaved_samples(
    tasks: dict[str, Callable[[], Any]], rounds: int, budget: float = 0.0
) -> dict[str, list[float]]:
    """Seconds per call of each task, running the tasks in turn so that machine noise hits all
    alike. In its turn of each round a task runs once, and again while its calls of that turn
    took less than `budget` seconds: an operation of milliseconds then gets enough samples for
    its median to be stable, interleaved with one of seconds as before."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(rounds):
        for name, task in tasks.items():
            spent = 0.0
            while True:
                started = time.perf_counter()
                task()
                times[name].append(time.perf_counter() - started)
                spent += times[name][-1]
                if spent >= budget:
                    break
    return times


def interleaved_medians(
    tasks: dict[str, Callable[[], Any]], repeats: int, budget: float = 0.0
) -> dict[str, float]:
    """Median seconds per task over `interleaved_samples`."""
    samples = interleaved_samples(tasks, repeats, budget)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [header] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]
    print(f"\n## {title}")
    for i, row in enumerate(cells):
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
