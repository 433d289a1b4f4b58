"""Label synthesis: an expression over the prepared DataFrame `data` that gives the captured y.

Rules, simplest first: y is a column (optionally cast), a log of one, a `.map` of a category, a
threshold on a number, membership in categories, or the conjunction or disjunction of two such
conditions. Thresholds come from the hints first (the script's constants), then from the data: any
constant between the two classes separates them, and a round one reads like the original.
For two conditions only the tightest (for "and") or loosest (for "or") atom per column needs to be
tried, because a pair works with some atom of a column exactly when it works with that one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .types import Hints, LabelPlan

MAX_CATEGORIES = 50
OPS = (">", ">=", "<", "<=")
Atom = tuple[str, np.ndarray]  # condition source text, its truth on the rows


def synthesize_label(
    prepared: pd.DataFrame,
    y: np.ndarray,
    rows: np.ndarray | None = None,
    *,
    hints: Hints | None = None,
) -> LabelPlan:
    """Find an expression over `data` (= `prepared.iloc[rows]`) whose values equal `y`."""
    data = prepared.reset_index(drop=True)
    data = data if rows is None else data.iloc[np.asarray(rows)].reset_index(drop=True)
    y = np.asarray(y)
    hints = hints or Hints()
    trail: list[str] = []
    for rule, expression in _proposals(data, y, hints):
        if _reproduces(expression, data, y):
            trail.append(f"{rule}: {expression}")
            return LabelPlan(True, expression, [], trail)
        trail.append(f"rejected {rule}: {expression}")
    trail.append("no label rule reproduced y")
    return LabelPlan(False, None, [], trail)


def _reproduces(expression: str, data: pd.DataFrame, y: np.ndarray) -> bool:
    try:
        with np.errstate(all="ignore"):
            got = np.asarray(eval(expression, {"np": np, "pd": pd}, {"data": data}))
        return _equal(got, y)
    except Exception:
        return False


def _equal(got: np.ndarray, y: np.ndarray) -> bool:
    """Equal values of the same kind: the string '1' is not the label 1 (the verifier says so too)."""
    if got.shape != y.shape:
        return False
    numeric = got.dtype.kind in "biuf", y.dtype.kind in "biuf"
    if all(numeric):
        return bool(np.allclose(got.astype(float), y.astype(float), rtol=1e-7, atol=1e-9))
    if any(numeric):
        return False
    return bool((got.astype(str) == y.astype(str)).all())


def _proposals(data: pd.DataFrame, y: np.ndarray, hints: Hints) -> Iterator[tuple[str, str]]:
    yield from _columns(data, y)
    yield from _mappings(data, y, binary_only=True)
    classes = pd.unique(y)
    if len(classes) == 2:
        yield from _conditions(data, y, hints, classes)
    yield from _mappings(data, y, binary_only=False)


def _columns(data: pd.DataFrame, y: np.ndarray) -> Iterator[tuple[str, str]]:
    numeric_y = y.dtype.kind in "biuf"
    for col in data.columns:
        ref = f"data[{str(col)!r}]"
        yield "column", ref
        if numeric_y and y.dtype.kind in "iu":
            yield "column cast", f"{ref}.astype(int)"
        if numeric_y and pd.api.types.is_numeric_dtype(data[col]):
            yield "column log", f"np.log1p({ref})"
            yield "column log", f"np.log({ref})"


def _categorical(data: pd.DataFrame) -> Iterator[tuple[str, pd.Series]]:
    for col in data.columns:
        series = data[col]
        if pd.api.types.is_float_dtype(series) or series.isna().any():
            continue
        try:
            few = series.nunique() <= MAX_CATEGORIES
        except TypeError:  # unhashable cells (lists, dicts) are no categories
            continue
        if few:
            yield str(col), series


def _mappings(data: pd.DataFrame, y: np.ndarray, binary_only: bool) -> Iterator[tuple[str, str]]:
    """`data[c].map({...})` when y is a function of a category (two categories when binary_only)."""
    for col, series in _categorical(data):
        frame = pd.DataFrame({"c": series.to_numpy(), "y": y})
        per_category = frame.groupby("c", sort=True)["y"].agg(["nunique", "first"])
        if (per_category["nunique"] > 1).any() or (binary_only and len(per_category) != 2):
            continue
        mapping = {_python(k): _python(v) for k, v in per_category["first"].items()}
        yield "mapping", f"data[{col!r}].map({mapping!r})"


def _python(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _conditions(
    data: pd.DataFrame, y: np.ndarray, hints: Hints, classes: np.ndarray
) -> Iterator[tuple[str, str]]:
    for positive, negative in _class_orders(classes):
        mask = y == positive
        exact = list(_hint_atoms(data, hints)) + list(_exact_atoms(data, mask))
        for text, truth in exact:
            if (truth == mask).all():
                yield "condition", _wrap(text, positive, negative, y)
        for joiner, pool in (("&", _and_atoms(data, mask, hints)), ("|", _or_atoms(data, mask))):
            for (a, ta), (b, tb) in itertools.combinations(pool, 2):
                truth = (ta & tb) if joiner == "&" else (ta | tb)
                if (truth == mask).all():
                    yield "two conditions", _wrap(f"({a}) {joiner} ({b})", positive, negative, y)


def _class_orders(classes: np.ndarray) -> list[tuple[object, object]]:
    """(positive, negative): the larger class is positive for numbers; both ways for strings."""
    a, b = (_python(c) for c in classes)
    if isinstance(a, int | float | bool) and isinstance(b, int | float | bool):
        return [(max(a, b), min(a, b))]
    return [(a, b), (b, a)]


def _wrap(condition: str, positive: object, negative: object, y: np.ndarray) -> str:
    if y.dtype.kind == "b":
        return f"({condition})"
    if {positive, negative} == {1, 0} and positive == 1:
        return f"({condition}).astype(int)"
    return f"np.where({condition}, {positive!r}, {negative!r})"


def _numeric(data: pd.DataFrame) -> Iterator[tuple[str, np.ndarray]]:
    for col in data.columns:
        series = data[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype=np.float64, na_value=np.nan)
            if not np.isnan(values).any() and np.ptp(values) > 0:
                yield str(col), values


def _compare(col: str, op: str, c: float, values: np.ndarray) -> Atom:
    truth = {">": values > c, ">=": values >= c, "<": values < c, "<=": values <= c}[op]
    return f"data[{col!r}] {op} {_number(c)}", truth


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _hint_atoms(data: pd.DataFrame, hints: Hints) -> Iterator[Atom]:
    """Comparisons with the script's numbers (within a column's range) and its strings."""
    for col, values in _numeric(data):
        for c in hints.numbers():
            if values.min() <= c <= values.max():
                for op in OPS:
                    yield _compare(col, op, c, values)
    strings = set(hints.strings())
    for col, series in _categorical(data):
        for s in strings & set(series.astype(str)):
            yield f"data[{col!r}] == {s!r}", (series.astype(str) == s).to_numpy()


def _exact_atoms(data: pd.DataFrame, mask: np.ndarray) -> Iterator[Atom]:
    """A threshold or category set that separates the classes, from the data."""
    if mask.all() or not mask.any():
        return
    for col, values in _numeric(data):
        pos, neg = values[mask], values[~mask]
        if neg.max() < pos.min():
            yield _compare(col, ">", _round_between(neg.max(), pos.min()), values)
        elif pos.max() < neg.min():
            yield _compare(col, "<=", _round_between(pos.max(), neg.min()), values)
    for col, series in _categorical(data):
        yield _membership(col, series, set(series[mask]))


def _membership(col: str, series: pd.Series, categories: set) -> Atom:
    chosen = sorted((_python(c) for c in categories), key=str)
    if pd.api.types.is_bool_dtype(series) and len(chosen) == 1:
        text = f"data[{col!r}]" if chosen[0] else f"~data[{col!r}]"
    elif len(chosen) == 1:
        text = f"data[{col!r}] == {chosen[0]!r}"
    else:
        text = f"data[{col!r}].isin({chosen!r})"
    return text, series.isin(chosen).to_numpy()


def _round_between(low: float, high: float) -> float:
    """The roundest c with low <= c < high."""
    for digits in range(0, 10):
        c = math.ceil(low * 10**digits) / 10**digits
        if c < high:
            return c
    return low


def _and_atoms(data: pd.DataFrame, mask: np.ndarray, hints: Hints) -> list[Atom]:
    """Conditions true on every positive row: the script's first, then the tightest per column."""
    out = [a for a in _hint_atoms(data, hints) if a[1][mask].all() and not a[1].all()]
    for col, values in _numeric(data):
        low, high = values[mask].min(), values[mask].max()
        below, above = values[values < low], values[values > high]
        if len(below):
            out.append(_compare(col, ">", _round_between(below.max(), low), values))
        if len(above):
            out.append(_compare(col, "<=", _round_between(high, above.min()), values))
    for col, series in _categorical(data):
        categories = set(series[mask])
        if len(categories) < series.nunique():
            out.append(_membership(col, series, categories))
    return out


def _or_atoms(data: pd.DataFrame, mask: np.ndarray) -> list[Atom]:
    """Conditions true only on positive rows: the loosest per column."""
    out = []
    for col, values in _numeric(data):
        neg = values[~mask]
        if not len(neg):
            continue
        above = values[values > neg.max()]
        below = values[values < neg.min()]
        if len(above):
            out.append(_compare(col, ">", _round_between(neg.max(), above.min()), values))
        if len(below):
            out.append(_compare(col, "<=", _round_between(below.max(), neg.min()), values))
    for col, series in _categorical(data):
        negatives = set(series[~mask])
        only = set(series[mask]) - negatives
        if only:
            out.append(_membership(col, series, only))
    return out
