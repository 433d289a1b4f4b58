"""Blocks made by the script's own scikit-learn transformers (idiom: the script fits its encoder).

A script that fits a `CountVectorizer(token_pattern=...)`, a `OneHotEncoder`, a scaler, a
`Pipeline` or a `ColumnTransformer` itself has said which encoder it wants; re-synthesizing that
block from X guesses what the script states, and fails on any parameter the search does not try.
The tracer records each such transformer's class and parameters and what it was given (a list of
texts or rows from a loop, a frame, a Series), whether or not the rest of the dataflow could be
lifted. This rule puts that transformer, as recorded, on the prepared column(s) that reproduce its
input: the columns named by the frame or Series it received, else those whose values agree with
the first values it was fitted on (texts compared without surrounding whitespace, which a line
read keeps and a table read drops), else, for a transformer of one column of texts whose input
no column holds (texts the script changed first), every text column. The real transformer decides, fitted on the training or on all rows, like every other
candidate; only constant parameters are taken (a function parameter would be the script's code,
which never runs on the host).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ...oracle.dataflow import (
    Undecodable,
    decode,
    estimators_behind_x,
    origin,
    transformer_fits,
)
from ..syntax import Unsupported
from ..trace_code import estimator_code
from .context import Context
from .numeric import is_string_column
from .types import Candidate, Mode, RecordedEncoder, TransformerSpec

TEXT_MODULE = "sklearn.feature_extraction.text"
MAX_ENCODERS = 12
SAMPLE = 200  # recorded input values compared with a column


def recorded_encoders(dag: dict[str, Any] | None) -> list[RecordedEncoder]:
    """The transformers the script fitted (not the model), those behind the final fit's X first."""
    if not dag or not dag.get("nodes"):
        return []
    nodes = dag["nodes"]
    behind = estimators_behind_x(dag) or set()
    fits = transformer_fits(dag)
    fits.sort(key=lambda n: n.get("estimator_id") not in behind)  # stable: script order kept
    found: dict[tuple[Any, ...], RecordedEncoder] = {}
    for node in fits:
        encoder = _encoder(node, nodes)
        if encoder is not None:
            found.setdefault((encoder.code, encoder.columns, repr(encoder.sample[:5])), encoder)
    return list(found.values())[:MAX_ENCODERS]


class _ConstantsOnly:
    """Stands in for the script's functions: a parameter that is one gives no encoder here, nor
    does a class of the script (its code is not run on the host)."""

    transformers: frozenset[str] = frozenset()

    def code(self, encoded: Any) -> str:
        raise Unsupported(None, "a transformer with a function parameter")


def _encoder(node: dict[str, Any], nodes: list[dict[str, Any]]) -> RecordedEncoder | None:
    imports: dict[str, str] = {}
    if not _host_safe({"estimator": node["estimator"]}):
        return None
    try:
        code = estimator_code(node["estimator"], _ConstantsOnly(), imports)  # type: ignore[arg-type]
    except Unsupported:
        return None
    classes = {name: line.split()[1] for name, line in imports.items()}
    if not all(_is_estimator_class(module, name) for name, module in classes.items()):
        return None
    text = str(node["estimator"].get("class", "")).startswith(TEXT_MODULE)
    given = node.get("X")
    line = node.get("line")
    if isinstance(given, dict) and isinstance(given.get("ref"), int) and given["ref"] < len(nodes):
        made = origin(nodes[given["ref"]])
        out = nodes[given["ref"]].get("out") or {}
        if out.get("kind") == "series" and out.get("name") is not None:
            return RecordedEncoder(code, classes, (), (str(out["name"]),), True, line, made)
        columns = tuple(str(c) for c in out.get("columns") or [])
        return RecordedEncoder(code, classes, (), columns, text, line, made)
    sample = _sample(given)
    one_column = bool(sample) and all(isinstance(v, str) for v in sample)
    rows = bool(sample) and all(isinstance(v, list | tuple) for v in sample)
    if not (one_column or rows or text):
        return None
    made = f"a list the script built (its first {len(sample)} items recorded)"
    return RecordedEncoder(code, classes, tuple(sample), (), one_column or text, line, made)


def _host_safe(described: Any) -> bool:
    """Whether the recorded estimator, nested ones included, may be fitted on the host: the trace
    is untrusted, and two parameters reach outside the data (a Pipeline's `memory` caches and
    reloads pickles in a folder; a vectorizer's `input` opens the files its texts name)."""
    if isinstance(described, list):
        return all(_host_safe(v) for v in described)
    if not isinstance(described, dict):
        return True
    if "estimator" in described:
        described = described["estimator"]
        params = described.get("params") if isinstance(described, dict) else None
        if not isinstance(params, dict):
            return False
        if params.get("memory") is not None or params.get("input", "content") != "content":
            return False
        return _host_safe(list(params.values()))
    return all(_host_safe(v) for v in described.values())


def _is_estimator_class(module: str, name: str) -> bool:
    """Only scikit-learn estimators (and Lester's) are built, never another library callable
    that the recorded class name might point at."""
    import importlib

    from sklearn.base import BaseEstimator

    if not module.startswith(("sklearn.", "lester.")):
        return False
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return False
    return isinstance(found, type) and issubclass(found, BaseEstimator)


def _sample(given: Any) -> list[Any]:
    """The first recorded input values (a list or tuple of texts or rows), decoded."""
    items = given.get("tuple") if isinstance(given, dict) else given
    if not isinstance(items, list):
        return []
    out = []
    for item in items[:SAMPLE]:
        try:
            out.append(decode(item))
        except Undecodable:
            return out
    return out


def recorded_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """Each recorded transformer, on each column choice, whose output is X's block at `pos`."""
    for index, encoder in enumerate(ctx.hints.encoders):
        for columns in _choices(ctx, index, encoder):
            modes: set[Mode] = set()
            width = 0
            for group in ctx.mode_groups:
                out = _output(ctx, index, columns, group)
                if out is None or pos + out.shape[1] > ctx.width or out.shape[1] == 0:
                    continue
                block = ctx.X[:, pos : pos + out.shape[1]]
                sample = ctx.sample
                if ctx.close(out[sample], block[sample]) and ctx.close(out, block):
                    modes |= group
                    width = out.shape[1]
            if modes:
                name = columns if isinstance(columns, str) else _name(columns)
                spec = TransformerSpec(name, encoder.code, columns, pos, pos + width)
                rule = f"recorded {encoder.code.split('(', 1)[0]} (line {encoder.line})"
                yield Candidate(rule, spec, frozenset(modes))


def _name(columns: list[str]) -> str:
    return "_".join(columns) if len(columns) <= 3 else f"{columns[0]}_to_{columns[-1]}"


def _output(
    ctx: Context, index: int, columns: str | list[str], modes: frozenset[Mode]
) -> np.ndarray | None:
    """X's rows of the recorded transformer's output on `columns` (None where it fails)."""

    def compute() -> np.ndarray | None:
        code = ctx.hints.encoders[index].code
        names = [columns] if isinstance(columns, str) else columns
        try:
            encoder = ctx.build([TransformerSpec("recorded", code, columns, 0, 0).entry_code()])
            out = ctx.fit_transform(encoder, ctx.frame(names), modes)
        except Exception:  # the transformer refuses these columns: not its input
            return None
        return out if out.dtype.kind == "f" else None

    key = ("recorded output", index, str(columns), modes)
    return ctx.cached(key, compute)


def _choices(ctx: Context, index: int, encoder: RecordedEncoder) -> list[str | list[str]]:
    return ctx.cached(("recorded columns", index), lambda: _columns_for(ctx, encoder))


def _columns_for(ctx: Context, encoder: RecordedEncoder) -> list[str | list[str]]:
    """Where the transformer's input is among the prepared columns, most likely first."""
    names = ctx.columns()
    if encoder.columns:
        if not set(encoder.columns) <= set(names):
            return []
        return [encoder.columns[0]] if encoder.one_column else [list(encoder.columns)]
    if encoder.one_column:
        texts = [c for c in names if is_string_column(ctx.prepared[c])]
        agreeing = [
            c for c in texts if 2 * _agreement(ctx, encoder.sample, c) > len(encoder.sample)
        ]
        return sorted(agreeing, key=lambda c: -_agreement(ctx, encoder.sample, c)) or texts
    width = len(encoder.sample[0]) if encoder.sample else 0
    if width == 0 or any(len(row) != width for row in encoder.sample):
        return []
    found = [_column_of(ctx, [row[j] for row in encoder.sample]) for j in range(width)]
    chosen = [c for c in found if c is not None]
    return [chosen] if len(chosen) == width else []


def _column_of(ctx: Context, values: list[Any]) -> str | None:
    """The prepared column holding more than half of a recorded input column's values."""
    best = max(ctx.columns(), key=lambda c: _agreement(ctx, values, c))
    return best if 2 * _agreement(ctx, values, best) > len(values) else None


def _agreement(ctx: Context, values: tuple[Any, ...] | list[Any], column: str) -> int:
    """How many of the recorded values the column holds at the rows of a fit, in order."""
    if not values:
        return 0
    series = ctx.prepared[column]
    best = 0
    for group in ctx.mode_groups:
        rows = ctx.fit_rows(group)[: len(values)]
        held = series.iloc[rows].tolist()
        best = max(best, sum(_same(a, b) for a, b in zip(values, held, strict=False)))
    return best


def _same(recorded: Any, held: Any) -> bool:
    if isinstance(recorded, str) and isinstance(held, str):
        return recorded.strip() == held.strip()
    if isinstance(recorded, int | float) and isinstance(held, int | float | np.number):
        return bool(np.isclose(float(recorded), float(held), equal_nan=True))
    return type(recorded) is type(held) and recorded == held


def describe_recorded(ctx: Context, start: int, stop: int) -> str | None:
    """What the script's own transformers give where X's columns were not reproduced: the
    width they give on their likeliest input, or that no prepared column holds that input."""
    notes = []
    for index, encoder in enumerate(ctx.hints.encoders):
        own = f"the script's own {encoder.code} (line {encoder.line})"
        choices = _choices(ctx, index, encoder)
        if not choices:
            notes.append(f"{own} was fitted on {_unheld(ctx, encoder)}, if its output reaches X")
            continue
        for columns in choices:
            outputs = [_output(ctx, index, columns, group) for group in ctx.mode_groups]
            widths = sorted({out.shape[1] for out in outputs if out is not None})
            if widths and (stop - start in widths or columns is choices[0]):
                shown = "/".join(map(str, widths))
                notes.append(f"{own} on {columns!r} gives {shown} columns, not these values")
    return "; ".join(notes[:3]) or None


def _unheld(ctx: Context, encoder: RecordedEncoder) -> str:
    """What the transformer was fitted on and what was compared with the current prepared frame
    when none of its columns was found there."""
    names = ctx.columns()
    shown = ", ".join(names[:8]) + (f", ... ({len(names)} in all)" if len(names) > 8 else "")
    frame = f"the current prepared frame's columns ({shown})"
    given = encoder.given or "values the trace did not record"
    if encoder.columns:
        missing = [c for c in encoder.columns if c not in names]
        return f"{given} with columns {list(encoder.columns)}; {frame} lack {missing}"
    if encoder.one_column:
        return f"texts ({given}); {frame} hold no text column"
    if not encoder.sample:
        return (
            f"{given}, whose column names and values the trace does not hold: its input was "
            f"not compared with {frame}, and no column was chosen for it"
        )
    width = len(encoder.sample[0])
    if width == 0 or any(len(row) != width for row in encoder.sample):
        return f"{given}, rows of unequal length: no column was chosen for it"
    j = next(j for j in range(width) if _column_of(ctx, [r[j] for r in encoder.sample]) is None)
    return (
        f"{given}; none of {frame} equals its column {j} value by value on the first "
        f"{len(encoder.sample)} rows it was fitted on"
    )
