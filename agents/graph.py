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

import time
import traceback
from collections.abc import Callable
from typing import Any

from langgraph.errors import GraphBubbleUp
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


def guarded(node: str, run: Callable[[RewriteState], dict[str, Any]]) -> Callable:
    """A node whose exception ends the run as that node's failure, recorded in the trace with its
    traceback, instead of a crash: every command then ends with its documented exit code."""

    def node_function(state: RewriteState) -> dict[str, Any]:
        try:
            return run(state)
        except GraphBubbleUp:  # LangGraph's own control flow (interrupts)
            raise
        except Exception as exc:
            message = f"{node} failed: {type(exc).__name__}: {exc}"
            record = {
                "node": node,
                "time": time.time(),
                "problem": message,
                "traceback": "".join(traceback.format_exception(exc))[-4000:],
            }
            update: dict[str, Any] = {"history": [record], "next": "done", "outcome": "error"}
            if node in STEP_NODES:
                update["status"] = {node: "failed"}
            return {**update, "message": message}

    return node_function


def build_graph(runtime: Runtime) -> StateGraph:
    graph = StateGraph(RewriteState)
    graph.add_node("analyse", guarded("analyse", lambda s: analyse_node(s, runtime)))
    for step in STEP_NODES:
        graph.add_node(step, guarded(step, lambda s, step=step: step_node(s, runtime, step)))
    graph.add_node("assemble", guarded("assemble", lambda s: assemble_node(s, runtime)))
    graph.add_node("verify", guarded("verify", lambda s: verify_node(s, runtime)))
    graph.add_node("diagnose", guarded("diagnose", lambda s: diagnose_node(s, runtime)))
    graph.add_edge(START, "analyse")
    targets: dict[str, Any] = {
        name: name for name in (*STEP_NODES, "assemble", "verify", "diagnose")
    }
    targets["done"] = END
    for node in ("analyse", *STEP_NODES, "assemble", "verify", "diagnose"):
        graph.add_conditional_edges(node, route_after, targets)
    return graph
