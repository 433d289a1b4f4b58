"""Loading a declarative pipeline module and running it.

The runner resolves each stage's parameters by name (`data_dir`, sources, steps), checks what every
stage returns, and raises a `StageError` naming the stage at fault, so that an error points at one
function of the module.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.errors import LesterError, PipelineDefinitionError, StageError
from lester.abstraction.frame import Frame
from lester.abstraction.scope import running_stage
from lester.abstraction.splits import Split, no_split
from lester.abstraction.stages import stage_of
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer

SINGLE_STAGES = ("prepare", "split", "encode", "label", "model")
REQUIRED_STAGES = ("prepare", "encode", "label", "model")


@dataclass
class Pipeline:
    """The stages of one declarative pipeline module."""

    name: str
    path: Path | None
    sources: dict[str, Callable[..., Frame]]
    steps: dict[str, Callable[..., Frame]]
    stages: dict[str, Callable[..., Any]]
    encode_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_module(
        cls, module: ModuleType, path: Path | None = None, *, partial: bool = False
    ) -> Pipeline:
        """Collect the stages; `partial` accepts a module with sources and preparation only."""
        found: dict[str, dict[str, Callable[..., Any]]] = {}
        encode_options: dict[str, Any] = {}
        for attr, obj in vars(module).items():
            info = stage_of(obj)
            if info is None or not callable(obj):
                continue
            found.setdefault(info.kind, {})[attr] = obj
            if info.kind == "encode":
                encode_options = info.options
        for kind in SINGLE_STAGES:
            if len(found.get(kind, {})) > 1:
                raise PipelineDefinitionError(
                    f"{module.__name__}: more than one @{kind} stage: {sorted(found[kind])}"
                )
        missing = [k for k in (("prepare",) if partial else REQUIRED_STAGES) if k not in found]
        if "source" not in found:
            missing.insert(0, "source")
        if missing:
            raise PipelineDefinitionError(
                f"{module.__name__}: no {', '.join('@lester.' + m for m in missing)} stage "
                "(a pipeline needs sources, a prepare step, an encoder, a label and a model)"
            )
        steps = {**found.get("step", {}), **found["prepare"]}
        stages = {kind: next(iter(found[kind].values())) for kind in SINGLE_STAGES if kind in found}
        return cls(module.__name__, path, found["source"], steps, stages, encode_options)

    @property
    def complete(self) -> bool:
        return all(kind in self.stages for kind in REQUIRED_STAGES)

    @property
    def prepare_name(self) -> str:
        return self.stages["prepare"].__name__

    def run(self, data_dir: str | Path | None = None) -> Any:
        """Execute every stage and materialize the artifacts as a `Run`."""
        from lester.abstraction.runner import execute

        return execute(self, self._data_dir(data_dir))

    def read_sources(self, data_dir: str | Path | None = None) -> dict[str, Frame]:
        base = self._data_dir(data_dir)
        return {name: self._source(name, base) for name in self.sources}

    def prepare(self, sources: dict[str, Frame], data_dir: str | Path | None = None) -> Frame:
        """Run the data preparation on already-read sources (used by `forget` to recompute)."""
        values: dict[str, Any] = {"data_dir": str(self._data_dir(data_dir)), **sources}
        return self._step(self.prepare_name, values, ())

    def _data_dir(self, data_dir: str | Path | None) -> Path:
        if data_dir is not None:
            return Path(data_dir)
        return self.path.parent if self.path is not None else Path.cwd()

    def _source(self, name: str, data_dir: Path) -> Frame:
        frame = call_stage(name, self.sources[name], {"data_dir": str(data_dir)})
        if not isinstance(frame, Frame):
            raise StageError(
                name,
                f"a source must return a lester Frame (e.g. lt.read_csv), got {type(frame).__name__}",
            )
        if frame.sources != [name]:
            frame = frame.rename_source(name)
        return frame

    def _step(self, name: str, values: dict[str, Any], chain: tuple[str, ...]) -> Frame:
        if name in values:
            return values[name]
        if name in chain:
            raise PipelineDefinitionError(f"steps form a cycle: {' -> '.join(chain + (name,))}")
        func = self.steps[name]
        for param in inspect.signature(func).parameters:
            if param in self.steps and param not in values:
                values[param] = self._step(param, values, chain + (name,))
        frame = call_stage(name, func, values)
        if not isinstance(frame, Frame):
            raise StageError(
                name,
                f"a data preparation step must return a lester Frame, got {type(frame).__name__}",
            )
        values[name] = frame
        return frame

    def make_split(self) -> Split:
        if "split" not in self.stages:
            return no_split()
        split = call_stage("split", self.stages["split"], {})
        if not isinstance(split, Split):
            raise StageError(
                "split",
                f"must return lt.no_split(), lt.random_split(...) etc., got {type(split).__name__}",
            )
        return split

    def make_encoder(self) -> ColumnTransformer:
        encoder = call_stage("encode", self.stages["encode"], {})
        if not isinstance(encoder, ColumnTransformer):
            raise StageError(
                "encode",
                f"must return a scikit-learn ColumnTransformer, got {type(encoder).__name__}",
            )
        if hasattr(encoder, "transformers_"):
            raise StageError("encode", "must return an unfitted ColumnTransformer")
        return encoder

    def make_model(self) -> BaseEstimator:
        model = call_stage("model", self.stages["model"], {})
        if not hasattr(model, "fit") or not hasattr(model, "get_params"):
            raise StageError(
                "model",
                f"must return an unfitted scikit-learn estimator, got {type(model).__name__}",
            )
        return model

    def labels(self, data: pd.DataFrame) -> np.ndarray:
        func = self.stages["label"]
        y = np.asarray(_call_guarded("label", func, data))
        if y.ndim != 1 or len(y) != len(data):
            raise StageError(
                "label",
                f"must return one label per prepared row ({len(data)}), got shape {y.shape}",
            )
        return y.astype(str) if y.dtype == object else y


def call_stage(name: str, func: Callable[..., Any], values: dict[str, Any]) -> Any:
    """Call a stage with the values its parameters name."""
    params = inspect.signature(func).parameters
    unknown = [
        p
        for p, spec in params.items()
        if p not in values and spec.default is inspect.Parameter.empty
    ]
    if unknown:
        raise PipelineDefinitionError(
            f"stage '{name}': parameter(s) {unknown} name no source or step (known: {sorted(values)})"
        )
    return _call_guarded(name, func, **{p: values[p] for p in params if p in values})


def _call_guarded(name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        with running_stage(func):
            return func(*args, **kwargs)
    except LesterError as exc:
        if isinstance(exc, StageError):
            raise
        raise StageError(name, str(exc)) from exc
    except Exception as exc:
        raise StageError(name, f"{type(exc).__name__}: {exc}") from exc


def load_pipeline(path: str | Path, *, partial: bool = False) -> Pipeline:
    """Import a pipeline module from a file and collect its stages."""
    path = Path(path)
    if not path.is_file():
        raise PipelineDefinitionError(f"no such pipeline file: {path}")
    module_name = f"lester_pipeline_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PipelineDefinitionError(f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise PipelineDefinitionError(
            f"{path}: importing the module failed: {type(exc).__name__}: {exc}"
        ) from exc
    return Pipeline.from_module(module, path.resolve(), partial=partial)
