"""Rendering a step request into the messages sent to the model, from the templates in `templates/`.

The templates are text files (`string.Template`, `$name` placeholders) so that the wording can be
read and tuned without touching code; the code only decides what fills each placeholder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from string import Template

from ..proposals import PART_ORDER, STEP_PARTS, StepRequest
from .api_reference import api_reference


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
    """The system prompt (rules and API reference) and the step's prompt, with the repair part
    appended when the request carries a previous attempt or a diagnosis."""
    if request.step not in STEP_PARTS:
        raise ValueError(f"unknown step {request.step!r}; steps: {', '.join(STEP_PARTS)}")
    system = template("system").substitute(api_reference=api_reference())
    user = template(request.step).substitute(
        script_name=request.script_name,
        stage_code=request.stage_code.strip() or "# (no lines of the original were attributed)",
        analysis=request.analysis_text.strip() or "(none)",
        expected=request.expected.strip() or "(none)",
        context=_context(request),
        dataflow=request.dataflow.strip() or "(no dataflow was traced)",
        original_source=request.original_source.strip(),
    )
    if request.previous is not None or request.diagnosis is not None:
        repair = template("repair").substitute(
            attempt=request.attempt,
            previous=(request.previous or "").strip() or "# (no code)",
            diagnosis=(request.diagnosis or "").strip() or "(no diagnosis)",
        )
        user = f"{user.rstrip()}\n\n{repair}"
    return Prompt(system.strip(), user.strip())


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
    return (
        "The other steps of the pipeline so far (already in the module; do not repeat them):\n"
        f"```python\n{code}\n```\n"
    )
