"""The abstraction's API reference as plain text, generated from `lester.__all__` for the prompts.

Generated rather than written by hand so that the model sees exactly the names, signatures and
docstrings the sandbox will import: a prompt that drifts from the API invites calls that do not
exist, which the form checks would then reject one attempt later.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from lester.abstraction.stages import KINDS

import lester

from ..oracle.api_use import frame_members
from .api_facts import api_facts


class _Annotation:
    """An annotation string shown without quotes (`from __future__ import annotations` keeps
    annotations as strings, and `inspect` would print them quoted)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def signature(func: Callable[..., Any], *, drop_self: bool = False) -> str:
    """`(a: int, *, b: str = 'x') -> Frame`: the call signature with unquoted annotations."""
    sig = inspect.signature(func)
    params = [
        p.replace(annotation=_unquote(p.annotation))
        for i, p in enumerate(sig.parameters.values())
        if not (drop_self and i == 0)
    ]
    return str(sig.replace(parameters=params, return_annotation=_unquote(sig.return_annotation)))


def _unquote(annotation: Any) -> Any:
    return _Annotation(annotation) if isinstance(annotation, str) else annotation


def _doc(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    name = getattr(obj, "__name__", "")
    # Dataclasses without a docstring get their constructor signature as __doc__: not a doc.
    return "" if name and doc.startswith(f"{name}(") else doc


def _entry(header: str, doc: str, indent: str = "") -> str:
    body = "".join(f"\n{indent}    {line}".rstrip() for line in doc.splitlines())
    return f"{indent}{header}{body}"


def _is_marker(obj: Any) -> bool:
    return (
        inspect.isfunction(obj)
        and obj.__name__ in KINDS
        and obj.__module__ == "lester.abstraction.stages"
    )


def _frame_members() -> list[str]:
    """Frame's public methods and properties, the column operations' included, in the order the
    classes define them."""
    entries = []
    for name, member in frame_members().items():
        if isinstance(member, property):
            entries.append(_entry(f"Frame.{name}  (property)", _doc(member), "  "))
        elif inspect.isfunction(member):
            header = f"Frame.{name}{signature(member, drop_self=True)}"
            entries.append(_entry(header, _doc(member), "  "))
    return entries


@functools.cache
def api_reference() -> str:
    """The reference text: stage markers, functions, the Frame and its methods, other classes, and
    the behaviour correct code depends on (`api_facts`)."""
    items = {name: getattr(lester, name) for name in lester.__all__}
    markers = [_entry(f"@lt.{n}", _doc(o)) for n, o in items.items() if _is_marker(o)]
    functions = [
        _entry(f"lt.{n}{signature(o)}", _doc(o))
        for n, o in items.items()
        if inspect.isfunction(o) and not _is_marker(o)
    ]
    frame = [_entry("class lt.Frame", _doc(lester.Frame)), *_frame_members()]
    classes = [
        _entry(f"class lt.{n}", _doc(o))
        for n, o in items.items()
        if inspect.isclass(o) and o is not lester.Frame
    ]
    sections = [
        ("Stage markers (decorators)", markers),
        ("Functions", functions),
        ("Frames (every operation returns a new Frame)", frame),
        ("Other classes and errors", classes),
        ("What correct code depends on", [api_facts()]),
    ]
    return "\n\n".join(
        f"## {title}\n\n" + "\n\n".join(entries) for title, entries in sections if entries
    )
