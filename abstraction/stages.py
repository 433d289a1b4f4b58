"""Stage markers for declarative pipeline modules, in the style of functions-as-dataflow.

A pipeline module declares each stage as a plain function and marks it with a decorator. A function's
parameters name what it consumes: `data_dir` (given by the runner), a source, or another step. The
marker only annotates the function; it registers nothing globally, so importing a module twice or
defining two pipelines side by side cannot interfere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

STAGE_ATTR = "__lester_stage__"
KINDS = ("source", "step", "prepare", "split", "encode", "label", "model")


@dataclass(frozen=True)
class StageInfo:
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


def _marker(kind: str, **defaults: Any) -> Callable[..., Any]:
    def mark(func: F | None = None, **options: Any) -> Any:
        unknown = set(options) - set(defaults)
        if unknown:
            raise TypeError(f"@lester.{kind} got unknown options {sorted(unknown)}")

        def apply(f: F) -> F:
            setattr(f, STAGE_ATTR, StageInfo(kind, {**defaults, **options}))
            return f

        return apply(func) if func is not None else apply

    mark.__name__ = kind
    mark.__doc__ = f"Mark a function as the pipeline's `{kind}` stage."
    return mark


source = _marker("source")
source.__doc__ = "Mark a function returning a `Frame` read from data (e.g. `lt.read_csv`); its name is the source's."
step = _marker("step")
step.__doc__ = (
    "Mark an intermediate data-preparation step; other steps consume it by parameter name."
)
prepare = _marker("prepare")
prepare.__doc__ = (
    "Mark the step whose Frame is the prepared data that features and labels are computed from."
)
split = _marker("split")
split.__doc__ = "Mark a function returning a split (`lt.no_split()`, `lt.random_split(...)`, ...)."
encode = _marker("encode", fit_on="train")
encode.__doc__ = (
    "Mark a function returning an unfitted scikit-learn ColumnTransformer. "
    "`@lt.encode(fit_on='all')` fits it on all prepared rows before the split, as some originals do."
)
label = _marker("label")
label.__doc__ = "Mark a function from the prepared DataFrame to one label per row (vectorized)."
model = _marker("model")
model.__doc__ = "Mark a function returning the unfitted estimator."


def stage_of(obj: Any) -> StageInfo | None:
    info = getattr(obj, STAGE_ATTR, None)
    return info if isinstance(info, StageInfo) else None
