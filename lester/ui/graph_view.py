"""The agent's graph laid out for an inline SVG, each node coloured by what its executions concluded.

The layout mirrors `lester.agents.graph`: the main chain left to right, `diagnose` under the
steps it sends work back to. A node's status is that of its last execution in the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lester.ui.views import record_status

CHAIN = ("analyse", "sources", "prepare", "encode", "label_model", "assemble", "verify", "done")
WIDTH, HEIGHT, GAP, ROW = 96, 40, 22, 74
MARGIN = 8


@dataclass(frozen=True)
class GraphNode:
    name: str
    x: int
    y: int
    status: str
    runs: int
    last: int | None

    @property
    def cx(self) -> int:
        return self.x + WIDTH // 2


@dataclass(frozen=True)
class GraphEdge:
    path: str
    back: bool = False


@dataclass(frozen=True)
class RunGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    width: int
    height: int
    node_width: int = WIDTH
    node_height: int = HEIGHT


def run_graph(history: list[dict[str, Any]], outcome: str) -> RunGraph:
    """Boxes and arrows for the run: status `ok`, `failed`, `info` (ran, decides nothing) or
    `idle` (never ran); `done` shows the run's outcome."""
    last: dict[str, int] = {}
    runs: dict[str, int] = {}
    for index, record in enumerate(history):
        node = record.get("node", "")
        last[node] = index
        runs[node] = runs.get(node, 0) + 1
    x = {name: MARGIN + i * (WIDTH + GAP) for i, name in enumerate(CHAIN)}
    x["diagnose"] = x["verify"]
    nodes = []
    for name in (*CHAIN, "diagnose"):
        index = last.get(name)
        status = "idle" if index is None else record_status(history[index])
        if name == "done":
            status = {"verified": "ok", "running": "idle"}.get(outcome, "failed")
        y = MARGIN + (ROW if name == "diagnose" else 0)
        nodes.append(GraphNode(name, x[name], y, status, runs.get(name, 0), index))
    return RunGraph(nodes, _edges(x), x["done"] + WIDTH + MARGIN, MARGIN * 2 + ROW + HEIGHT)


def _edges(x: dict[str, int]) -> list[GraphEdge]:
    """The chain; assemble and verify down into diagnose; diagnose back to each step."""
    mid, bottom = MARGIN + HEIGHT // 2, MARGIN + HEIGHT
    low = MARGIN + ROW + HEIGHT // 2
    edges = [
        GraphEdge(f"M{x[a] + WIDTH},{mid} L{x[b]},{mid}")
        for a, b in zip(CHAIN, CHAIN[1:], strict=False)
    ]
    verify = x["verify"] + WIDTH // 2
    edges.append(GraphEdge(f"M{verify},{bottom} L{verify},{MARGIN + ROW}"))
    assemble = x["assemble"] + WIDTH // 2
    edges.append(GraphEdge(f"M{assemble},{bottom} L{assemble},{low - 8} L{x['verify']},{low - 8}"))
    for step in ("sources", "prepare", "encode", "label_model"):
        cx = x[step] + WIDTH // 2
        edges.append(
            GraphEdge(f"M{x['verify']},{low + 8} L{cx},{low + 8} L{cx},{bottom}", back=True)
        )
    return edges
