"""The rewrite agent as a LangGraph `StateGraph`.

    analyse -> sources -> prepare -> encode -> label_model -> assemble -> verify -> done
                  ^          ^          ^           ^              |          |
                  +----------+----------+-----------+---- diagnose <----------+

Each step asks a proposer for its parts (the lifter first; the LLM, when configured, where the
lifter has no rule and for repairs), checks them statically, and where the oracle allows checks
the stage itself in the sandbox (the preparation's row counts against the captured fit). A failed
check or verification goes to `diagnose`, which sends the evidence back to the step at fault
within the per-step, total and token budgets; when a budget runs out the run stops with its best
candidate and an honest report.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from .runtime import Runtime
from .state import RewriteState
from .steps import (
    analyse_node,
    assemble_node,
    diagnose_node,
    route_after,
    step_node,
    verify_node,
)

STEP_NODES = ("sources", "prepare", "encode", "label_model")


def build_graph(runtime: Runtime) -> StateGraph:
    graph = StateGraph(RewriteState)
    graph.add_node("analyse", lambda s: analyse_node(s, runtime))
    for step in STEP_NODES:
        graph.add_node(step, lambda s, step=step: step_node(s, runtime, step))
    graph.add_node("assemble", lambda s: assemble_node(s, runtime))
    graph.add_node("verify", lambda s: verify_node(s, runtime))
    graph.add_node("diagnose", lambda s: diagnose_node(s, runtime))
    graph.add_edge(START, "analyse")
    targets: dict[str, Any] = {
        name: name for name in (*STEP_NODES, "assemble", "verify", "diagnose")
    }
    targets["done"] = END
    for node in ("analyse", *STEP_NODES, "assemble", "verify", "diagnose"):
        graph.add_conditional_edges(node, route_after, targets)
    return graph
