"""What the agent's steps exchange with proposers: a request for one step, a proposal back.

A candidate pipeline is a set of named parts (code text), one per step, assembled in a fixed order
into one module. A proposer (the offline lifter or an LLM) answers a `StepRequest` with the parts of
its step; everything it says, and what it cost, is kept for the trace.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

STEPS = ("sources", "prepare", "encode", "label_model")
PART_ORDER = ("preamble", "sources", "prepare", "derive", "split", "encode", "label", "model")
STEP_PARTS = {
    "sources": ("preamble", "sources"),
    "prepare": ("prepare",),
    "encode": ("split", "encode", "derive"),
    "label_model": ("label", "model"),
}
# The part that each stage decorator's function belongs to, and the step that writes it.
KIND_PART = {
    "source": "sources",
    "step": "prepare",
    "prepare": "prepare",
    "split": "split",
    "encode": "encode",
    "label": "label",
    "model": "model",
}
KIND_STEP = {
    kind: next(step for step, parts in STEP_PARTS.items() if part in parts)
    for kind, part in KIND_PART.items()
}

# The lines of the @lt.prepare docstring that state the columns the later steps read.
FEATURES_LINE = "features:"
LABEL_LINE = "label:"


@dataclass
class StepRequest:
    """Everything a proposer may use for one step.

    `stage_code` is the original's lines for this step only (empty when the analysis attributed
    none), `definitions` the original's helpers, classes, constants, imports and seeds those lines
    use, `values` what the original drew from seeded generators, `copied` the original's other
    definitions that the agent copies where a candidate uses them; `expected` describes the
    outputs the step must reproduce, and `contract` what it must agree on with the other steps
    (the columns later steps read, the prepared frame as the sandbox gave it, the row order);
    `parts` are the current candidate's parts (all steps).

    A first attempt by the model after the lifter found no rule carries `lifter_note` (why) and,
    when its partial code passes the static check, `hint`. A repair carries `previous` (the code of
    the candidate it repairs), `author` (who wrote it) and `diagnosis` (that candidate's result:
    which check failed, which step's code raised, the traceback tail, the evidence); `dropped`
    says what of the previous answer was not used and why, and `may_change` names other steps
    whose parts the answer may carry (those the diagnosis names). `artifacts` names files the
    sandbox produced for earlier steps (e.g. the prepared data as Parquet). `dataflow` renders
    the pandas and scikit-learn operations the original executed.
    """

    step: str
    script_name: str
    original_source: str
    stage_code: str
    analysis_text: str
    expected: str
    parts: dict[str, str]
    previous: str | None = None
    diagnosis: str | None = None
    attempt: int = 1
    artifacts: dict[str, str] = field(default_factory=dict)
    author: str | None = None
    lifter_note: str | None = None
    hint: str | None = None
    definitions: str = ""
    values: str = ""
    copied: str = ""  # the original's other definitions the agent copies, by name
    contract: str = ""
    dropped: list[str] = field(default_factory=list)
    may_change: list[str] = field(default_factory=list)
    dataflow: str = ""  # the operations the original executed, from the reads to the fit

    @property
    def repair(self) -> bool:
        return self.previous is not None or self.diagnosis is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Proposal:
    """A proposer's answer: the step's parts, or an error saying why it has none."""

    proposer: str
    parts: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    prompt: str | None = None
    answer: str | None = None
    trail: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.parts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Proposer(Protocol):
    name: str

    def propose(self, request: StepRequest) -> Proposal: ...


def llm_for(model: str) -> Proposer | None:
    """The LLM proposer `--model` names, or None: `offline` never, `auto` only when one is configured.

    The LLM module (and langchain-openai behind it) is imported only when a model may be used."""
    if model == "offline":
        return None
    from .llm.proposer import LLMConfig, LLMProposer

    config = LLMConfig.from_env() if model == "auto" else LLMConfig.from_env(model=model)
    return LLMProposer(config) if config else None


def assemble(parts: dict[str, str], title: str) -> str:
    """One module from the parts, in stage order, under a docstring naming the original.

    A `derive` part (columns the encoders or the label need, added by a synthesizing proposer)
    becomes the pipeline's `@lt.prepare`, and the preparation it builds on becomes an `@lt.step`.
    """
    parts = dict(parts)
    if parts.get("derive", "").strip() and parts.get("prepare"):
        parts["prepare"] = parts["prepare"].replace("@lt.prepare", "@lt.step", 1)
    body = "\n\n\n".join(parts[p].strip() for p in PART_ORDER if parts.get(p, "").strip())
    return f'"""{title}"""\n\n{body}\n'
