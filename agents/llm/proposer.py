"""The LLM proposer: one step's code from an OpenAI-compatible chat model through `ChatOpenAI`.

Anything `langchain-openai` reaches through `base_url` works (OpenAI, Azure's compatible endpoint,
vLLM, Ollama, llama.cpp server). The proposer never executes what the model writes: it only
extracts the code and hands it back as the step's parts; the agent checks it and runs it in the
sandbox. Endpoint failures (rate limits, server errors, timeouts, no connection) come back as a
`Proposal` with an error rather than an exception, so that the agent can record them and move on.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import openai
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from ..proposals import Proposal, StepRequest
from .code import extract_code, split_parts
from .prompts import render

NO_CODE = "the answer contains no Python code"

# Requests sent during the current `propose` call, retries included (set per call, so one proposer
# can serve several threads).
_requests: ContextVar[list[int] | None] = ContextVar("lester_llm_requests", default=None)


def _env(*names: str) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


@dataclass(frozen=True)
class LLMConfig:
    """How to reach the model. The key defaults to `LESTER_API_KEY`, else `OPENAI_API_KEY`."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0
    max_retries: int = 2
    temperature: float | None = 0.0

    def __post_init__(self) -> None:
        if self.api_key is None:
            object.__setattr__(self, "api_key", _env("LESTER_API_KEY", "OPENAI_API_KEY"))

    @classmethod
    def from_env(cls, model: str | None = None) -> LLMConfig | None:
        """The configuration the environment describes, or None when it names no model.

        Reads `LESTER_MODEL`, `LESTER_BASE_URL` (else `OPENAI_BASE_URL`), the keys, and
        optionally `LESTER_LLM_TIMEOUT` (seconds) and `LESTER_LLM_MAX_RETRIES`. A model is only
        used when named, so a machine with an OpenAI key but no `LESTER_MODEL` stays offline.
        """
        name = model or _env("LESTER_MODEL")
        if not name:
            return None
        return cls(
            model=name,
            base_url=_env("LESTER_BASE_URL", "OPENAI_BASE_URL"),
            timeout=float(_env("LESTER_LLM_TIMEOUT") or cls.timeout),
            max_retries=int(_env("LESTER_LLM_MAX_RETRIES") or cls.max_retries),
        )


class LLMProposer:
    """Asks the model for one step at a time (see `lester.agents.proposals`)."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.name = f"llm:{config.model}"
        # Local servers ignore the key but the client insists on one; OpenAI itself needs a real one.
        api_key = config.api_key or ("unused" if config.base_url else None)
        self._chat = (
            ChatOpenAI(
                model=config.model,
                base_url=config.base_url,
                api_key=api_key,
                timeout=config.timeout,
                max_retries=config.max_retries,
                temperature=config.temperature,
                http_client=openai.DefaultHttpxClient(event_hooks={"request": [_count_request]}),
            )
            if api_key
            else None
        )

    def propose(self, request: StepRequest) -> Proposal:
        """The step's parts from one model call (the client retries rate limits and 5xx)."""
        prompt = render(request)
        if self._chat is None:
            return Proposal(
                self.name,
                error="no API key for the model: set LESTER_API_KEY or OPENAI_API_KEY "
                "(or LESTER_BASE_URL for a local server)",
                prompt=prompt.text,
            )
        sent = [0]
        token = _requests.set(sent)
        try:
            response = self._chat.invoke([SystemMessage(prompt.system), HumanMessage(prompt.user)])
        except openai.APIError as exc:
            error = self._failure(exc, sent[0])
            return Proposal(self.name, error=error, prompt=prompt.text, calls=sent[0])
        except (KeyError, TypeError, ValueError) as exc:  # a 200 that is no chat completion
            error = f"the endpoint's answer is not an OpenAI chat completion: {exc}"
            return Proposal(self.name, error=error, prompt=prompt.text, calls=sent[0])
        finally:
            _requests.reset(token)
        return self._proposal(request, prompt.text, response, sent[0])

    def _proposal(
        self, request: StepRequest, prompt: str, response: AIMessage, calls: int
    ) -> Proposal:
        answer = response.text
        prompt_tokens, completion_tokens = usage(response)
        finish = response.response_metadata.get("finish_reason")
        result = Proposal(
            self.name,
            prompt=prompt,
            answer=answer,
            calls=calls,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            data={"model": response.response_metadata.get("model_name"), "finish_reason": finish},
        )
        code = extract_code(answer)
        if code is None:
            cut = " (the answer was cut off at the token limit)" if finish == "length" else ""
            result.error = NO_CODE + cut
            return result
        result.parts, result.dropped = split_parts(code, request.step, request.may_change)
        result.trail = list(result.dropped)
        return result

    def _failure(self, exc: openai.APIError, attempts: int) -> str:
        """One line naming what went wrong, with the HTTP status where there is one."""
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(exc, openai.APITimeoutError):
            return f"timeout: the model did not answer within {self.config.timeout:g} s ({tries})"
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            return f"HTTP {status}{_phrase(status)} from the model endpoint after {tries}: {exc.message}"
        if isinstance(exc, openai.APIConnectionError):
            where = self.config.base_url or "the OpenAI API"
            return f"cannot reach the model endpoint ({where}) after {tries}: {exc.message}"
        return f"the model call failed after {tries}: {exc}"


def usage(response: AIMessage) -> tuple[int, int]:
    """(prompt tokens, completion tokens) as the endpoint reported them; (0, 0) if it did not."""
    meta = response.usage_metadata
    if meta:
        return meta.get("input_tokens", 0), meta.get("output_tokens", 0)
    reported: dict[str, Any] = response.response_metadata.get("token_usage") or {}
    return reported.get("prompt_tokens") or 0, reported.get("completion_tokens") or 0


def _phrase(status: int) -> str:
    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


def _count_request(_: Any) -> None:
    sent = _requests.get()
    if sent is not None:
        sent[0] += 1
