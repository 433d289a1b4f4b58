"""Categorical feature columns: one-hot blocks and ordinal (mapping to numbers) encodings.

The category order of a one-hot block is read off X itself: walking X's 0/1 columns from the
block's start, each column must be the exact indicator of one category (or all zero: a category
with no row here). That sequence is then explained by, in order: a category order from the hints
(an index dict or a list; the only way to name categories absent from the data), scikit-learn's
sorted order as fitted on the train or all rows (`get_dummies`, `sorted(set(...))`), optionally
with the first dropped, and finally the order X shows (order of first appearance, or any other
fixed order), written as explicit categories.

A one-hot block scaled afterwards (`get_dummies` and then a StandardScaler, or a hand z-score, over
the whole X) is no longer 0/1, but each of its columns still takes two values, the larger one on
the category's rows (a scaler divides by a positive spread). Its indicators are read back that
way, and the block is proposed as the one-hot encoder followed by that scaler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from .context import Context
from .numeric import bases, is_string_column
from .types import BOTH_MODES, Candidate, Mode, TransformerSpec

MAX_CATEGORIES = 1000
MAX_NUMERIC_CATEGORIES = 50
MAX_MAPPED_CATEGORIES = 50


@dataclass
class Source:
    """A categorical column: codes over all prepared rows (-1 for missing) and its categories."""

    name: str
    codes: np.ndarray
    categories: list[Any]
    known: list[Any] | None  # every category the column can take, when the derivation says so
    numeric: bool

    def present(self, ctx: Context) -> np.ndarray:
        """How many of X's rows have each category."""
        mine = self.codes[ctx.rows]
        return np.bincount(mine[mine >= 0], minlength=len(self.categories))


def sources(ctx: Context) -> list[Source]:
    return ctx.cached(("categorical sources",), lambda: _sources(ctx))


def _sources(ctx: Context) -> list[Source]:
    found = []
    limit = min(MAX_CATEGORIES, max(2, len(ctx.prepared) // 2))
    names = ctx.columns() + [b.name for b in bases(ctx) if b.rank == 4]
    known: dict[str, list[int]] = ctx.cached(("bin categories",), dict)
    for name in names:
        series = ctx.series(name)
        numeric = not (is_string_column(series) or isinstance(series.dtype, pd.CategoricalDtype))
        if numeric and pd.api.types.is_float_dtype(series) and name not in known:
            continue
        try:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
        except TypeError:  # unhashable cells (lists, dicts) are no categories
            continue
        if len(uniques) > (MAX_NUMERIC_CATEGORIES if numeric else limit):
            continue
        categories = [_python(v) for v in uniques]
        found.append(Source(name, codes.astype(np.int64), categories, known.get(name), numeric))
    return found


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _is_binary(column: np.ndarray) -> bool:
    return bool(((column == 0) | (column == 1)).all())


def walk(ctx: Context, source: Source, block: np.ndarray) -> list[int | None]:
    """The category code each column of `block` (X's columns from a block's start) indicates,
    from its first (None: an all-zero column)."""
    mine = source.codes[ctx.rows]
    present = source.present(ctx)
    longest = max([len(o) for o in ctx.hints.orders()] + [len(source.known or source.categories)])
    slots: list[int | None] = []
    used: set[int] = set()
    for j in range(min(block.shape[1], longest)):
        column = block[:, j]
        if not _is_binary(column):
            break
        ones = column == 1
        count = int(ones.sum())
        if count == 0:
            slots.append(None)
            continue
        hit = mine[ones]
        code = int(hit[0])
        if code < 0 or code in used or present[code] != count or (hit != code).any():
            break
        slots.append(code)
        used.add(code)
    return slots


def onehot_candidates(ctx: Context, pos: int, min_width: int = 2) -> Iterator[Candidate]:
    """One-hot blocks of at least `min_width` columns starting at `pos`."""
    if _is_binary(ctx.X[:, pos]):
        yield from _onehots(ctx, pos, min_width, ctx.X[:, pos:], "onehot", lambda code: code)


def scaled_onehot_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """One-hot blocks of two columns or more, standardized after encoding (see the module)."""
    if _is_binary(ctx.X[:, pos]):
        return
    indicators = []
    for j in range(pos, ctx.width):
        indicator = _indicator(ctx.X[:, j])
        if indicator is None:
            break
        indicators.append(indicator)
    if len(indicators) < 2:
        return
    block = np.column_stack(indicators)
    for rule, scaler in SCALERS.items():
        yield from _onehots(ctx, pos, 2, block, f"onehot-{rule}", partial(_scaled, scaler=scaler))


SCALERS = {"standard": "StandardScaler()", "sample-standard": "SampleStandardScaler()"}


def _indicator(column: np.ndarray) -> np.ndarray | None:
    """A scaled indicator read back as 0/1: two values, or all zeros (a category no row has)."""
    values = np.unique(column)
    if len(values) == 2 and np.isfinite(values).all():
        return (column == values[1]).astype(np.float64)
    if len(values) == 1 and values[0] == 0:
        return np.zeros_like(column)
    return None


def _onehots(
    ctx: Context, pos: int, min_width: int, block: np.ndarray, kind: str, wrap: Callable[[str], str]
) -> Iterator[Candidate]:
    """The one-hot encoders, `wrap`ped, whose indicators are `block`'s columns, X's from `pos`."""
    for source in sources(ctx):
        slots = walk(ctx, source, block)
        if len(slots) < min_width:
            continue
        for rule, categories, code, modes in _explanations(ctx, source, slots):
            width = len(categories) - (1 if "drop='first'" in code else 0)
            if width >= min_width:
                spec = TransformerSpec(source.name, wrap(code), [source.name], pos, pos + width)
                yield Candidate(f"{kind}:{rule}", spec, modes, ctx.chain(source.name))


def _scaled(code: str, scaler: str) -> str:
    """The OneHotEncoder, made dense so that the scaler after it may centre it, then the scaler."""
    dense = code[:-1] + ("" if code.endswith("()") else ", ") + "sparse_output=False)"
    return f"make_pipeline({dense}, {scaler})"


def _explanations(
    ctx: Context, source: Source, slots: list[int | None]
) -> Iterator[tuple[str, list[Any], str, frozenset[Mode]]]:
    """(rule, categories, constructor, modes) for each category order consistent with `slots`."""
    present = source.present(ctx)
    shown = [source.categories[c] if c is not None else None for c in slots]
    orders = ([source.known] if source.known else []) + ctx.hints.orders()
    for order in sorted(orders, key=len, reverse=True):
        if _fits(order, shown, source, present):
            yield "hint-order", order, _explicit(source, order), BOTH_MODES
    for modes in ctx.mode_groups:
        fitted = source.codes[ctx.fit_rows(modes)]
        if (fitted < 0).any():
            continue
        try:
            ordered = sorted(source.categories[c] for c in pd.unique(fitted))
        except TypeError:  # mixed types have no sorted order, as for scikit-learn
            break
        unknown = len(ordered) < len(source.categories)
        suffix = ", handle_unknown='ignore'" if unknown else ""
        if _fits(ordered, shown, source, present):
            yield "sorted", ordered, f"OneHotEncoder({suffix.lstrip(', ')})", modes
        if len(ordered) > 1 and _fits(ordered[1:], shown, source, present):
            yield "sorted-drop-first", ordered, f"OneHotEncoder(drop='first'{suffix})", modes
    prefix = shown[: shown.index(None) if None in shown else len(shown)]
    if prefix:
        yield "data-order", prefix, _explicit(source, prefix), BOTH_MODES


def _fits(order: list[Any], shown: list[Any], source: Source, present: np.ndarray) -> bool:
    """Whether the first len(order) columns are `order`'s indicators (absent ones all zero)."""
    if not order or len(order) > len(shown):
        return False
    index = {c: i for i, c in enumerate(source.categories)}
    for category, seen in zip(order, shown, strict=False):
        if seen is None:
            if category in index and present[index[category]] > 0:
                return False
        elif seen != category:
            return False
    return True


def _explicit(source: Source, order: list[Any]) -> str:
    """OneHotEncoder with fixed categories; unknown ones (in other rows) become all-zero rows."""
    covers = set(source.categories) <= set(order) and not (source.codes < 0).any()
    suffix = "" if covers else ", handle_unknown='ignore'"
    return f"OneHotEncoder(categories=[{order!r}]{suffix})"


def ordinal_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """A string category mapped to numbers: OrdinalEncoder for 0..k-1, else a `.map` dict."""
    target = ctx.X[:, pos]
    if np.isnan(target).any() or target.min() == target.max():
        return
    for source in sources(ctx):
        mine = source.codes[ctx.rows]
        present = source.present(ctx)
        if source.numeric or (mine < 0).any() or (present > 0).sum() > MAX_MAPPED_CATEGORIES:
            continue
        value = np.full(len(source.categories), np.nan)
        value[mine] = target
        if not ctx.close(value[mine], target):
            continue
        used = sorted(np.flatnonzero(present), key=lambda c: value[c])
        mapping = {source.categories[c]: _python(value[c]) for c in used}
        yield _ordinal(ctx, source, mapping, pos)


def _ordinal(ctx: Context, source: Source, mapping: dict[Any, float], pos: int) -> Candidate:
    by_value = sorted(mapping, key=lambda k: mapping[k])
    consecutive = [mapping[k] for k in by_value] == list(range(len(by_value)))
    complete = set(source.categories) == set(mapping)
    if consecutive and complete:
        code = (
            "OrdinalEncoder()"
            if by_value == sorted(by_value)
            else f"OrdinalEncoder(categories=[{by_value!r}])"
        )
        spec = TransformerSpec(source.name, code, [source.name], pos, pos + 1)
        return Candidate("ordinal:encoder", spec, BOTH_MODES, ctx.chain(source.name))
    literal = _hint_mapping(ctx, mapping) or {k: _int_if_whole(v) for k, v in mapping.items()}
    derived = ctx.derive(source.name, "code", f"s.map({literal!r})")
    assert derived is not None  # a dict map of a column cannot fail
    spec = TransformerSpec(derived.name, "'passthrough'", [derived.name], pos, pos + 1)
    return Candidate("ordinal:map", spec, BOTH_MODES, ctx.chain(derived.name))


def _hint_mapping(ctx: Context, mapping: dict[Any, float]) -> dict[Any, Any] | None:
    """A dict literal of the script that agrees with the mapping (it also covers unseen ones)."""
    for constant in ctx.hints.constants:
        if isinstance(constant, dict) and all(
            k in constant and constant[k] == v for k, v in mapping.items()
        ):
            return constant
    return None


def _int_if_whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def single_indicator_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """A lone indicator column of one category (the last resort for a 0/1 column)."""
    yield from onehot_candidates(ctx, pos, min_width=1)
