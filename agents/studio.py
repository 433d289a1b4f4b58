"""The rewrite graph for LangGraph's own tools (`langgraph.json`).

Studio and `langgraph dev` bring their own checkpointer, so this graph is compiled without one. Its
nodes run in the local sandbox of the machine that serves it, offline unless LESTER_MODEL is set.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from lester.sandbox import open_sandbox

from .graph import build_graph
from .llm.proposer import LLMConfig, LLMProposer
from .runtime import Runtime


def make_graph():
    """A factory, so that importing this module starts nothing."""
    config = LLMConfig.from_env()
    runtime = Runtime(
        sandbox=open_sandbox("auto", session="studio"),
        run_dir=Path(tempfile.mkdtemp(prefix="lester-studio-")),
        llm=LLMProposer(config) if config else None,
    )
    return build_graph(runtime).compile()
