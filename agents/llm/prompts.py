"""Rendering a step request into the messages sent to the model, from the templates in `templates/`.

The templates are text files (`string.Template`, `$name` placeholders) so that the wording can be
read and tuned without touching code; the code only decides what fills each placeholder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from string import Template

from ..oracle.equivalence import comparison_text
from ..proposals import FEATURES_LINE, KIND_PART, LABEL_LINE, PART_ORDER, STEP_PARTS, StepRequest
from .api_reference import api_reference

# What the step can rely on when no lines of the original are its own.
UNATTRIBUTED = {
    "sources": "the analysis' files and schemas below are what the sources must give.",
    "prepare": "the contract below says what the encoders and the label will read.",
    "encode": "the encoder reads the prepared columns the contract below lists (where the "
    "original builds X together with y, the contract shows those lines).",
    "label_model": "the label reads the prepared columns the contract below lists.",
}

# The preparation runs first and may already compute some of a later step's lines.
AFTER_PREPARATION = dict.fromkeys(
    ("encode", "label_model"),
    "\nA value these lines compute that the prepared frame below already holds (see its columns "
    "and the preparation's docstring) is read from it, not computed again.",
)


@dataclass(frozen=True)
class Prompt:
    """The two messages of one model call."""

    system: str
    user: str

    @property
    def text(self) -> str:
        """The full text sent, as kept in the trace."""
        return f"[system]\n{self.system}\n\n[user]\n{self.user}"


@functools.cache
def template(name: str) -> Template:
    """The template `templates/<name>.txt` of the installed package."""
    path = resources.files("lester.agents.llm") / "templates" / f"{name}.txt"
    return Template(path.read_text(encoding="utf-8"))


def render(request: StepRequest) -> Prompt:
    """The system prompt (rules and API reference) and the step's prompt, followed by what the
    model must know about the attempt: a first attempt after the lifter found no rule, or a
    repair of a candidate with that candidate's result."""
    if request.step not in STEP_PARTS:
        raise ValueError(f"unknown step {request.step!r}; steps: {', '.join(STEP_PARTS)}")
    system = template("system").substitute(api_reference=api_reference())
    user = template(request.step).substitute(
        script_name=request.script_name,
        also=_also(request),
        excerpt=_excerpt(request),
        analysis=request.analysis_text.strip() or "(none)",
        expected=request.expected.strip() or "(none)",
        contract=request.contract.strip() or "(nothing beyond the above)",
        context=_context(request),
        dataflow=request.dataflow.strip() or "(no dataflow was traced)",
        original_source=request.original_source.strip(),
        comparison=comparison_text(),
    )
    if request.repair:
        user = f"{user.rstrip()}\n\n{_repair(request)}"
    elif request.lifter_note:
        user = f"{user.rstrip()}\n\n{_first(request)}"
    return Prompt(system.strip(), user.strip())


COPIED = (
    "the agent copies into the module each of the original's definitions your code uses without "
    "defining it, listed here or not (its imports too), with what it uses in turn, so you need "
    "not write them; one your answer defines under the same name is "
    "used instead, never both, so name your functions apart from the ones your code reads (a "
    "function `features` would hide a list `features`)"
)


def _owed(request: StepRequest) -> str:
    """Where the lifter wrote the preparation, the encoder's lines may keep running values that
    the rules give to it (round 37's and round 41's fraud-velocity notes read the attribution as
    contradicting the rules)."""
    if request.step != "encode" or "prepare" not in request.may_change or request.repair:
        return ""
    return (
        "; those that keep a running value per key, a dict of each key's state updated as the "
        "loop goes, are the preparation's by the rules, so your answer carries the rewritten "
        "preparation for them"
    )


def _excerpt(request: StepRequest) -> str:
    """The step's own lines of the original, the definitions they use and the drawn values."""
    text = _carried(request)
    if request.stage_code.strip():
        text += (
            f"The original's lines of this step (as the analysis attributed them{_owed(request)}):\n"
            f"```python\n{request.stage_code.strip(chr(10))}\n```{AFTER_PREPARATION.get(request.step, '')}"
        )
    else:
        text += (
            "The analysis attributed no lines of the original to this step: neither the fit's "
            "X and y, traced back through the script's statements and the functions and methods "
            f"they call, nor anything else reached it. Take what the step does from the whole "
            f"script at the end; {UNATTRIBUTED[request.step]}"
        )
    if request.definitions.strip():
        text += (
            "\n\nDefinitions of the original that these lines use (helpers, classes, constants, "
            f"imports, seeds; {COPIED}):\n```python\n{request.definitions.strip()}\n```"
        )
    if request.copied:
        text += (
            "\n\nThe original's other definitions that its steps use, which the agent copies "
            f"the same way: {request.copied}."
        )
    if request.values.strip():
        text += (
            "\n\nValues the original drew from seeded generators, as they were when it finished "
            f"(use them as given rather than drawing again):\n{request.values.strip()}"
        )
    return text


def _first(request: StepRequest) -> str:
    if request.hint and request.hint.strip():
        hint = (
            "Its partial code for this step passes the static check but is not verified; use it "
            f"as a hint only:\n```python\n{request.hint.strip()}\n```"
        )
    else:
        hint = "It has no partial code for this step that passes the static check."
    return template("first").substitute(why=(request.lifter_note or "").strip(), hint=hint)


def _kinds(steps: list[str]) -> str:
    return ", ".join(f"the {step} step ({_decorators(step)})" for step in steps)


def _repair(request: StepRequest) -> str:
    notes = ""
    if request.dropped:
        dropped = "\n".join(f"- {note}" for note in request.dropped)
        notes += f"\n\nParts of the previous answer that were not used:\n{dropped}"
    if request.may_change:
        notes += (
            f"\n\nThe result puts the fault (also) in {_kinds(request.may_change)}: your answer may carry those "
            "functions too; they replace the current ones of the same name."
        )
    return template("repair").substitute(
        attempt=request.attempt,
        author=request.author or "an earlier attempt",
        previous=(request.previous or "").strip() or "# (no code)",
        diagnosis=(request.diagnosis or "").strip() or "(no diagnosis)",
        notes=notes,
    )


def _decorators(step: str) -> str:
    """`@lt.label, @lt.model`: the decorators of the functions a step writes."""
    return ", ".join(f"@lt.{k}" for k, part in KIND_PART.items() if part in STEP_PARTS[step])


def _context(request: StepRequest) -> str:
    """The current parts of the other steps: what the step's code will be assembled with."""
    own = STEP_PARTS[request.step]
    blocks = [
        f"# --- {part} ---\n{request.parts[part].strip()}"
        for part in PART_ORDER
        if part not in own and request.parts.get(part, "").strip()
    ]
    if not blocks:
        return ""
    code = "\n\n".join(blocks)
    rewritable = (
        f"; do not repeat them, but for those of {_kinds(request.may_change)} your answer "
        "rewrites, as said above, which replace them"
        if request.may_change
        else "; do not repeat them"
    )
    return (
        f"The other steps of the pipeline so far (already in the module{rewritable}):\n"
        f"```python\n{code}\n```\n"
    )


def _also(request: StepRequest) -> str:
    """The step line's mention of the lifted steps an answer may rewrite: round 57's fraud model
    rewrote the preparation as `_carried` asks, yet noted it as a workaround of a request that
    "asks only for the encoder and split"."""
    if not request.may_change or request.repair:
        return ""
    return f", and, where it needs a value they lack, {_kinds(request.may_change)} the lifter wrote"


def _carried(request: StepRequest) -> str:
    """What a first answer may carry of the steps the lifter wrote, ahead of the original's
    lines: round 29's fraud-velocity model read it last, at the prompt's end, and computed
    running values in the encoder; round 33's still found it late, after the module's code."""
    if not request.may_change or request.repair:
        return ""
    return (
        f"The lifter wrote {_kinds(request.may_change)}, shown below with the other steps. "
        "They compute only what their code shows (the prepared frame's columns, below): the "
        "rows passed the check against the fit's, but a value the lifter had no rule for, a "
        "loop's running value among them, is not there. Where this step needs a value "
        "that belongs there by the rules (a running value, a statistic over the rows "
        "before a join), your answer carries those functions too, rewritten, beside this step's "
        "own (the functions it is asked to write above), rather than "
        "computing the value in this step; they keep their names and replace the current ones. "
        "A rewritten preparation may add columns (a test-row marker, which the split then "
        "reads with `lt.column_split` in place of a written count), named after the "
        "original's variables or keys where it has them and as you choose where it has none "
        "(a value it computes inside a list, `[amount / avg]`), and the later steps' "
        f"prompts carry its docstring: state in it, in `{FEATURES_LINE}` and `{LABEL_LINE}` "
        "lines, the columns they read.\n\n"
    )
