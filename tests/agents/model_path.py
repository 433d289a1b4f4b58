"""Driving a rewrite through the scripted endpoint with the real client and the real sandbox, and
reading what the model was sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lester.agents.llm.proposer import LLMConfig, LLMProposer
from lester.agents.rewrite import RewriteOptions, RewriteResult, rewrite
from lester.agents.state import Budgets
from lester.agents.trace_view import load_state

from tests.llm_server import LLMServer


def rewrite_with(
    script: Path, server: LLMServer, *, no_lifter: bool = False, **budgets: Any
) -> tuple[RewriteResult, dict[str, Any]]:
    """The rewrite's result and its stored final state."""
    config = LLMConfig(
        model="scripted", base_url=server.base_url, api_key="test", timeout=10, max_retries=0
    )
    options = RewriteOptions(
        script,
        model="scripted",
        sandbox="docker",
        llm=LLMProposer(config),
        budgets=Budgets(**budgets),
        job_timeout=30,
        no_lifter=no_lifter,
    )
    result = rewrite(options, lambda message: None)
    return result, load_state(script.parent / ".lester", result.run_id)


def user_text(server: LLMServer, index: int) -> str:
    """The user message of request `index`: what the step asked (the system prompt is shared)."""
    return server.requests[index].body["messages"][1]["content"]


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (templates wrap lines)."""
    return " ".join(text.split())


def section(text: str, start: str, end: str) -> str:
    """The part of a prompt from the line starting with `start` up to the next `end`."""
    head = text.index(start)
    return text[head : text.index(end, head + len(start))]


def records(state: dict[str, Any], node: str) -> list[dict[str, Any]]:
    return [h for h in state["history"] if h.get("node") == node]
