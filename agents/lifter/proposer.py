"""The offline, deterministic proposer: static idiom lifting plus synthesis against captured data.

Sources and data preparation come from lifting the script's row loops and pandas statements
(`lift_prepare`); feature encoders and the label are synthesized against the X and y the original
passed to `fit`, on the prepared data the candidate produced in the sandbox; the model is read from
the captured `fit`. Every rule it applied is reported in the proposal's trail.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from lester.abstraction.frame import is_prov_column

import lester as lt

from ..oracle import slicing, static
from ..oracle.analysis import Analysis
from ..oracle.methods import script_body
from ..oracle.notebook import line_label, span_label
from ..proposals import Proposal, StepRequest
from . import codegen
from .prepare import Lifter, PreparePlan, Unsupported, lift_prepare, source_specs
from .synthesis.context import TOLERANCE, Context, column_transformer, imported_classes
from .synthesis.features import synthesize_features
from .synthesis.label import synthesize_label
from .synthesis.recorded import recorded_encoders
from .synthesis.types import DerivedColumn, Hints
from .trace_blocks import Gap, encoder_body, unique_names
from .trace_code import Functions, imported_names, traced_model
from .trace_lift import TracePlan, trace_plan

log = logging.getLogger(__name__)

NAME = "lifter"
STALE_TRACE = (
    "trace lifter: the original's transformers do not give its X here (an array changed in "
    "place after the trace saw it); X synthesized instead"
)


class OfflineLifter:
    """One lifter per rewrite: it is configured with that script's analysis."""

    name = NAME

    def __init__(self, analysis: Analysis, source: str) -> None:
        self.analysis = analysis
        self.source = source
        self._plan: PreparePlan | None = None
        self._error: str | None = None
        self._trace: TracePlan | None = None
        self._trace_error: str | None = None
        self._from_trace = False

    def propose(self, request: StepRequest) -> Proposal:
        try:
            if request.step == "sources":
                return self._sources()
            if request.step == "prepare":
                return self._prepare()
            if request.step == "encode":
                return self._encode(request)
            if request.step == "label_model":
                return self._label_model(request)
        except Unsupported as exc:
            return Proposal(NAME, error=f"no lifting rule: {exc}")
        except Exception as exc:  # a lifter bug fails this step, not the whole run
            log.exception("the offline lifter failed on step %s", request.step)
            return Proposal(NAME, error=f"the lifter failed: {type(exc).__name__}: {exc}")
        return Proposal(NAME, error=f"unknown step {request.step!r}")

    # ---- sources and preparation --------------------------------------------------------------

    def plan(self) -> PreparePlan:
        if self._plan is None:
            fit_line = self.analysis.model.line or 0
            tree = script_body(static.parse(self.source))[0]
            holder = _function_around(tree, fit_line)
            if holder is not None:
                raise Unsupported(
                    None,
                    f"the final fit (line {fit_line}) runs inside {holder}, a function of the"
                    " script that is not inlined; the loop lifter reads the statements the"
                    " script runs at the top level",
                )
            stages = slicing.stage_lines(tree, fit_line, nested=False)
            later = stages.get("features", []) + stages.get("label", [])
            later += _with_features(tree, slicing.stage_lines(tree, fit_line))
            self._plan = lift_prepare(
                self.source, self.analysis.sources, stages.get("data_preparation", []), later
            )
        return self._plan

    def _sources(self) -> Proposal:
        """Every data file the script read, whether or not its preparation can be lifted."""
        lifter = Lifter(self.source, self.analysis.sources, set())
        preamble = codegen.preamble(lifter.imports(), lifter.constants, lifter.helpers())
        specs = source_specs(self.analysis.sources)
        functions = "\n\n\n".join(
            codegen.source_function(s.name, s.path, s.options, s.reader, s.explicit) for s in specs
        )
        trail = [
            f"source {s.name} from {r.path} ({r.idiom}, {line_label(self.analysis.cells, r.line)})"
            for s, r in zip(specs, self.analysis.sources, strict=True)
        ]
        return Proposal(NAME, parts={"preamble": preamble, "sources": functions}, trail=trail)

    def trace(self) -> TracePlan | None:
        """The plan the executed dataflow gives, or None (the reason kept in `_trace_error`)."""
        if self._trace is None and self._trace_error is None:
            specs = source_specs(self.analysis.sources)
            files = {s.path: s.name for s in specs}
            names = Lifter(self.source, self.analysis.sources, set()).globals
            try:
                self._trace = trace_plan(self.analysis, self.source, files, names)
            except Unsupported as exc:
                self._trace_error = str(exc)
        return self._trace

    def _prepare(self) -> Proposal:
        trace = self.trace()
        if trace is not None:
            self._from_trace = True
            trail = ["trace lifter", *trace.trail]
            return self._prepare_code(trace.body, trace.result, [], trail, trace.lines)
        try:
            plan = self.plan()
        except Unsupported as exc:
            raise Unsupported(None, f"{exc} (trace lifter: {self._trace_error})") from exc
        return self._prepare_code(plan.body, plan.result, plan.imports, plan.trail)

    def _prepare_code(
        self,
        body: list[str],
        result: str,
        imports: list[str],
        trail: list[str],
        lines: list[int] | None = None,
    ) -> Proposal:
        lines = lines or self.analysis.stages.get("data_preparation", [])
        origin = (
            f"Lifted from {Path(self.analysis.script).name}, {span_label(self.analysis.cells, lines)}."
            if lines
            else "Lifted."
        )
        code = codegen.prepare_function(
            [s.name for s in source_specs(self.analysis.sources)], body, result, [], origin, imports
        )
        return Proposal(
            NAME, parts={"prepare": code}, trail=[t for t in trail if "source" not in t]
        )

    # ---- features, label, model ----------------------------------------------------------------

    def _encode(self, request: StepRequest) -> Proposal:
        trace = self.trace() if self._from_trace else None
        traced = trace is not None and bool(trace.entries)
        stale = traced and self._trace_differs(request, trace)
        if traced and not stale:
            return self._trace_encode(request, trace)
        prepared = _prepared(request)
        rows, split_code = self._rows(prepared)
        X = self.analysis.X()
        plan = synthesize_features(prepared, X, rows, hints=self._hints())
        if stale:
            plan.trail.insert(0, STALE_TRACE)
        if not plan.matched:
            described = "; ".join(f"columns {a}-{b - 1}: {d}" for a, b, d in plan.unmatched)
            refused = f" (trace lifter: {self._trace_error})" if self._trace_error else ""
            error = f"no encoder reproduces X {described}{refused}"
            return Proposal(NAME, error=error, trail=plan.trail)
        derive = _derive_part(request, plan.derived)
        if isinstance(derive, Proposal):
            return derive
        parts = {
            "derive": derive,
            "split": split_code,
            "encode": codegen.encode_function(plan.imports, plan.transformer_code(), plan.fit_on),
        }
        return Proposal(NAME, parts=parts, trail=plan.trail, data={"fit_on": plan.fit_on})

    def _trace_differs(self, request: StepRequest, trace: TracePlan) -> bool:
        """Whether the trace's encoder, built and fitted here on the prepared data, gives numbers
        other than the original's X. NumPy does not report a change of an array in place
        (`X_train[:, 3:] = sc.fit_transform(X_train[:, 3:])`, the course templates' scaling),
        so the trace's X can be the array before it. An encoder with gaps, or whose text is not
        constructors of library classes alone (the script's own functions), is left to the
        verification in the sandbox."""
        if any(isinstance(e, Gap) for e in trace.entries):
            return False
        entries = [str(e) for e in trace.entries]
        try:
            prepared = _prepared(request)
            ctx = Context(prepared, self.analysis.X(), self._rows(prepared)[0], None, TOLERANCE)
            encoder = column_transformer(entries, imported_classes(trace.encoder_imports))
            out = ctx.fit_transform(encoder, ctx.prepared, frozenset({trace.fit_on or "all"}))
        except Exception:  # not buildable here, no rows to fit on, or fails on them: the
            return False  # sandbox's verification will tell
        numeric = out.dtype.kind in "fiub" and out.shape == ctx.X.shape
        return numeric and not ctx.close(out, ctx.X)

    def _trace_encode(self, request: StepRequest, trace: TracePlan) -> Proposal:
        """The original's own transformers and columns; parts of X the trace could not see
        into (NumPy on arrays) synthesized from the prepared data, in their place."""
        split = self.analysis.split or {}
        split_code = (
            codegen.split_function(split["function"], split["args"])
            if split.get("function")
            else ""
        )
        entries, imports, derived = [], list(trace.encoder_imports), []
        fit_on = trace.fit_on
        trail = ["trace lifter: the original's transformers and columns"]
        for entry in trace.entries:
            if not isinstance(entry, Gap):
                entries.append(entry)
                continue
            prepared = _prepared(request)
            rows, split_code = self._rows(prepared)
            X = self.analysis.X()[:, entry.start : entry.stop]
            plan = synthesize_features(prepared, X, rows, hints=self._hints())
            if not plan.matched:
                described = "; ".join(
                    f"columns {entry.start + a}-{entry.start + b - 1}: {d}"
                    for a, b, d in plan.unmatched
                )
                return Proposal(
                    NAME, error=f"no encoder reproduces X {described}", trail=plan.trail
                )
            entries += [t.entry_code() for t in plan.transformers]
            imports += plan.imports
            derived += plan.derived
            fit_on = fit_on or plan.fit_on
            trail += [f"X[{entry.start}:{entry.stop}] synthesized"] + plan.trail
        derive = _derive_part(request, derived)
        if isinstance(derive, Proposal):
            return derive
        body = encoder_body(unique_names(entries))
        imported = imported_names(static.parse(self.source))
        imports = [i for i in sorted(set(imports)) if i.rsplit(" ", 1)[-1] not in imported]
        code = codegen.encode_function(imports, body, fit_on or "train")
        parts = {"derive": derive, "split": split_code, "encode": code}
        return Proposal(NAME, parts=parts, trail=trail, data={"fit_on": fit_on or "train"})

    def _label_model(self, request: StepRequest) -> Proposal:
        model = self.analysis.model
        traced = traced_model(
            self.analysis.dataflow, model.estimator, Functions(self.source, set())
        )
        model_code = (
            codegen.model_code(*traced)
            if traced
            else codegen.model_function(model.estimator, model.non_default)
        )
        trace = self.trace() if self._from_trace else None
        if trace is not None and trace.label:
            parts = {"label": codegen.label_function(trace.label), "model": model_code}
            trail = [f"trace lifter: label {trace.label}", f"model: {model.estimator}"]
            return Proposal(NAME, parts=parts, trail=trail)
        prepared = _prepared(request)
        rows, _ = self._rows(prepared)
        label = synthesize_label(prepared, self.analysis.y(), rows, hints=self._hints())
        if not label.matched:
            return Proposal(
                NAME,
                parts={"model": model_code},
                error="no label rule reproduces y",
                trail=label.trail,
            )
        parts = {"label": codegen.label_function(label.expression), "model": model_code}
        if label.derived:
            derived = _derived_in(request.parts.get("derive", "")) + list(label.derived)
            derive = _derive_part(request, derived)
            if isinstance(derive, Proposal):
                return derive
            parts["derive"] = derive
        return Proposal(
            NAME,
            parts=parts,
            trail=[*label.trail, f"model: {model.estimator} with {model.non_default}"],
        )

    def _rows(self, prepared: pd.DataFrame) -> tuple[np.ndarray, str]:
        """Positions of the fitted rows among the prepared rows, and the split stage's code."""
        split = self.analysis.split or {}
        n_prepared, n_fit = len(prepared), self.analysis.model.X_shape[0]
        if split.get("function") and n_fit <= n_prepared:
            chosen = getattr(lt, split["function"])(**split["args"])
            if chosen.stratify:
                train = _stratified_rows(prepared, self.analysis.y(), chosen)
            else:
                train, _ = chosen.indices(prepared, np.zeros(n_prepared))
            return np.asarray(train), codegen.split_function(split["function"], split["args"])
        if n_fit < n_prepared:
            return np.arange(n_fit), codegen.split_function("head_split", {"n_train": n_fit})
        return np.arange(n_prepared), ""

    def _hints(self) -> Hints:
        tree = static.parse(self.source)
        names = {static.dotted(c.func).rsplit(".", 1)[-1] for c in static.calls(tree)}
        return Hints(
            constants=list(self.analysis.constants.values()),
            keywords=names,
            encoders=recorded_encoders(self.analysis.dataflow),
        )


def _stratified_rows(prepared: pd.DataFrame, y: np.ndarray, split: lt.Split) -> np.ndarray:
    """A split stratified by the label needs the label of every prepared row, before the label
    is synthesized: the prepared column whose stratified split gives back y on its training rows
    is that label (idiom: stratified split)."""
    for column in prepared.columns:
        labels = prepared[column].to_numpy()
        try:
            train, _ = split.indices(prepared, labels)
        except (ValueError, TypeError):  # not a usable class column (too few members, NaN)
            continue
        if len(train) == len(y) and _same_labels(labels[train], y):
            return train
    raise Unsupported(None, "no prepared column reproduces y under the stratified split")


def _same_labels(got: np.ndarray, y: np.ndarray) -> bool:
    try:
        return bool((got.astype(y.dtype) == y).all())
    except (ValueError, TypeError):
        return False


def _function_around(tree: ast.Module, line: int) -> str | None:
    """The top-level function whose body holds `line`, if any, and whose statements were not
    inlined where it was called (an inlined statement keeps its line, at the top level)."""
    outside = (s for s in tree.body if not isinstance(s, ast.FunctionDef | ast.ClassDef))
    if any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in outside):
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.lineno <= line <= (stmt.end_lineno or 0):
            return stmt.name
    return None


def _with_features(tree: ast.Module, stages: dict[str, list[int]]) -> list[int]:
    """Lines of statements inside a top-level `with` block that feed only X or only y
    (`features = [r[:-1] for r in rows]` while the file is still open): read as features and
    labels of the rows, like the same statements after the block."""
    inner = {s.lineno for w in tree.body if isinstance(w, ast.With) for s in w.body}
    return sorted(inner & set(stages.get("features", []) + stages.get("label", [])))


def _prepared(request: StepRequest) -> pd.DataFrame:
    path = request.artifacts.get("prepared")
    if not path:
        raise Unsupported(None, "the prepared data is not available (the preparation did not run)")
    df = pd.read_parquet(path)
    return df[[c for c in df.columns if not is_prov_column(c)]]


def _derive_part(request: StepRequest, derived: list[DerivedColumn]) -> str | Proposal:
    """The `derive` part for these columns, on top of whichever preparation the candidate has."""
    if not derived:
        return ""
    base = codegen.prepare_name(request.parts.get("prepare", ""))
    if base is None:
        return Proposal(
            NAME, error="the preparation part has no @lt.prepare function to derive columns from"
        )
    return codegen.derive_function(base, [d.project_code("data") for d in derived])


def _derived_in(code: str) -> list[DerivedColumn]:
    """Parse back the `data = data.project(name, column, lambda s: expr)` lines of a derive part."""
    import ast

    found = []
    for line in code.splitlines():
        text = line.strip()
        if not text.startswith("data = data.project("):
            continue
        call = ast.parse(text[len("data = ") :], mode="eval").body
        name, column = (ast.literal_eval(a) for a in call.args[:2])
        found.append(DerivedColumn(name, column, ast.unparse(call.args[2].body)))
    return found
