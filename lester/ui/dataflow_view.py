"""The original's executed dataflow laid out for an inline SVG: one box per operation behind the
final fit, in layers from the reads to the fit, each box linking to its line of the original.

The DAG comes from the analysis stored in the run's state (validated when it was made); only its
operation names, lines and short descriptions are shown, escaped by the template. A long DAG
shows its last `MAX_SHOWN` operations (those nearest the fit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lester.agents.oracle.dataflow import ancestors, describe

MAX_SHOWN = 150
WIDTH, HEIGHT, GAP_X, GAP_Y, MARGIN = 150, 34, 36, 12, 8
KINDS = {"pd": "source", "sklearn": "sklearn", "opaque": "opaque", "part": "split"}


@dataclass(frozen=True)
class FlowNode:
    id: int
    label: str
    title: str
    line: int | None
    kind: str
    x: int
    y: int

    @property
    def cx(self) -> int:
        return self.x + WIDTH // 2


@dataclass(frozen=True)
class DataflowGraph:
    nodes: list[FlowNode]
    edges: list[str]
    width: int
    height: int
    hidden: int
    node_width: int = WIDTH
    node_height: int = HEIGHT


def dataflow_graph(analysis: dict[str, Any] | None) -> DataflowGraph | None:
    """The layout of the operations behind the final fit, or None without a dataflow."""
    dag = (analysis or {}).get("dataflow")
    if not dag or not dag.get("nodes"):
        return None
    raw = dag["nodes"]
    fits = [n["id"] for n in raw if n["op"] == "sklearn.fit" and n.get("model")]
    behind = ancestors(dag, [dag.get("X"), dag.get("y"), *fits[-1:]]) or list(range(len(raw)))
    shown = behind[-MAX_SHOWN:]
    layer = _layers(raw, shown)
    rows: dict[int, int] = {}
    nodes = []
    for node_id in shown:
        depth = layer[node_id]
        row = rows.get(depth, 0)
        rows[depth] = row + 1
        x = MARGIN + depth * (WIDTH + GAP_X)
        y = MARGIN + row * (HEIGHT + GAP_Y)
        nodes.append(_node(raw[node_id], x, y))
    at = {n.id: n for n in nodes}
    edges = [_edge(at[i], at[n.id]) for n in nodes for i in raw[n.id]["inputs"] if i in at]
    width = MARGIN * 2 + (max(layer.values()) + 1) * (WIDTH + GAP_X)
    height = MARGIN * 2 + max(rows.values()) * (HEIGHT + GAP_Y)
    return DataflowGraph(nodes, edges, width, height, len(behind) - len(shown))


def _layers(raw: list[dict[str, Any]], shown: list[int]) -> dict[int, int]:
    """Longest path from a shown node without shown inputs (inputs come before their nodes)."""
    layer: dict[int, int] = {}
    included = set(shown)
    for node_id in shown:
        inputs = [layer[i] for i in raw[node_id]["inputs"] if i in included]
        layer[node_id] = max(inputs, default=-1) + 1
    return layer


def _node(raw: dict[str, Any], x: int, y: int) -> FlowNode:
    op = raw["op"]
    owner, _, method = op.rpartition(".")
    label = method.strip("_") or op
    first = (raw.get("args") or [None])[0]
    if (
        isinstance(first, str | int)
        and not isinstance(first, bool)
        and method
        in (
            "__getitem__",
            "__setitem__",
            "__getattr__",
        )
    ):
        label = f"{'set' if method == '__setitem__' else 'get'} {first}"
    if raw.get("estimator"):
        label = f"{method} {str(raw['estimator'].get('class', '')).rsplit('.', 1)[-1]}"
    kind = KINDS.get(
        owner, KINDS.get(op, "frame" if (raw.get("out") or {}).get("kind") == "frame" else "value")
    )
    return FlowNode(raw["id"], label[:22], describe(raw)[:300], raw.get("line"), kind, x, y)


def _edge(a: FlowNode, b: FlowNode) -> str:
    """A curve from the right of `a` to the left of `b`."""
    x1, y1 = a.x + WIDTH, a.y + HEIGHT // 2
    x2, y2 = b.x, b.y + HEIGHT // 2
    middle = (x1 + x2) // 2
    return f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"
