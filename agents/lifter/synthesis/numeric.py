"""Numeric feature columns: passthrough, scalers, imputers, log transforms, bins, string measures.

Every numeric "base" (a numeric column, a numeric parse, length or word count or date part of a
string column, a log or a bin index of a number) is combined with every column-wise treatment
(passthrough, StandardScaler, MinMaxScaler, SimpleImputer before them) and fit mode once, as one
vector per option; matching a column of X is then a comparison against that bank, screened on a
sample of rows. Hand-written `(x - x.mean()) / x.std()` in NumPy is the population std, which is
StandardScaler's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .context import Context
from .types import BOTH_MODES, Candidate, Mode, TransformerSpec

DATE_PATTERN = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})")
DATE_PARTS = {
    "year": "dt.year",
    "month": "dt.month",
    "day": "dt.day",
    "weekday": "dt.weekday",
    "dayofyear": "dt.dayofyear",
}
VECTOR_SAMPLE = 50  # rows whose values must all be vectors of one length
SCALERS = {
    "passthrough": None,
    "standard": "StandardScaler()",
    "minmax": "MinMaxScaler()",
    "sample-standard": "SampleStandardScaler()",  # pandas' .std() (ddof=1)
}
IMPUTERS = {
    "mean": "SimpleImputer(strategy='mean')",
    "median": "SimpleImputer(strategy='median')",
    "zero": "SimpleImputer(strategy='constant', fill_value=0)",
}


@dataclass(frozen=True)
class Base:
    """A numeric column of the (possibly extended) prepared data; lower rank is simpler."""

    name: str
    rank: int


@dataclass(frozen=True)
class Option:
    base: Base
    imputer: str | None
    scaler: str
    modes: frozenset[Mode]

    @property
    def code(self) -> str:
        scaler = SCALERS[self.scaler]
        imputer = IMPUTERS[self.imputer] if self.imputer else None
        if imputer and scaler:
            return f"make_pipeline({imputer}, {scaler})"
        return imputer or scaler or "'passthrough'"

    @property
    def rule(self) -> str:
        parts = [f"impute-{self.imputer}"] if self.imputer else []
        return "+".join([*parts, self.scaler])


def numeric_values(series: pd.Series) -> np.ndarray | None:
    """The column as float64, or None when it is not numeric."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return None


def is_string_column(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series)


def bases(ctx: Context) -> list[Base]:
    """All numeric bases, simplest first; derived ones are added to the context."""
    return ctx.cached(("numeric bases",), lambda: _bases(ctx))


def _bases(ctx: Context) -> list[Base]:
    found: list[Base] = []
    for col in ctx.columns():
        series = ctx.prepared[col]
        if numeric_values(series) is not None:
            found.append(Base(col, 0))
        elif is_string_column(series):
            found.extend(_string_bases(ctx, col, series))
    found.extend(_log_bases(ctx, [b for b in found if b.rank <= 1]))
    found.extend(bin_bases(ctx, [b for b in found if b.rank == 0]))
    return found


def _string_bases(ctx: Context, col: str, series: pd.Series) -> list[Base]:
    """Numeric parse, date parts, character length and word count of a string column."""
    sample = series.dropna().astype(str).head(200)
    derived = []
    if len(sample) and pd.to_numeric(sample, errors="coerce").notna().mean() >= 0.9:
        derived.append((1, ctx.derive(col, "num", "pd.to_numeric(s, errors='coerce')")))
    if len(sample) and sample.str.match(DATE_PATTERN).mean() >= 0.9:
        for part, accessor in DATE_PARTS.items():
            derived.append((2, ctx.derive(col, part, f"pd.to_datetime(s).{accessor}")))
    derived.append((2, ctx.derive(col, "len", "s.str.len()")))
    if sample.str.contains(" ", regex=False).any():
        derived.append((2, ctx.derive(col, "words", "s.str.split().str.len()")))
    return [Base(d.name, rank) for rank, d in derived if d is not None]


def _log_bases(ctx: Context, parents: list[Base]) -> list[Base]:
    """log1p of non-negative and log of positive bases (the usual skew fixes)."""
    out = []
    for base in parents:
        values = numeric_values(ctx.series(base.name))
        finite = values[np.isfinite(values)] if values is not None else np.empty(0)
        if len(finite) == 0 or finite.min() == finite.max():
            continue
        if finite.min() >= 0:
            out.append(ctx.derive(base.name, "log1p", "np.log1p(s)"))
        if finite.min() > 0:
            out.append(ctx.derive(base.name, "log", "np.log(s)"))
    return [Base(d.name, 3) for d in out if d is not None]


def bin_bases(ctx: Context, parents: list[Base]) -> list[Base]:
    """np.digitize bin indices of numeric columns on edges from the hints (both interval sides).

    Their categories are known (0..len(edges)), so a one-hot of bins can name empty bins; they are
    kept in the context's cache under ("bin categories",).
    """
    known: dict[str, list[int]] = ctx.cached(("bin categories",), dict)
    for i, edges in enumerate(ctx.hints.edges()):
        literal = "[" + ", ".join(_number_text(e) for e in edges) + "]"
        for base in parents:
            for suffix, extra in ((f"bin{i}", ""), (f"bin{i}r", ", right=True")):
                derived = ctx.derive(base.name, suffix, f"np.digitize(s, {literal}{extra})")
                if derived is not None:
                    known[derived.name] = list(range(len(edges) + 1))
    return [Base(name, 4) for name in known]


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Bank:
    """One vector (over X's rows) per option, with a sample-row matrix for screening."""

    def __init__(self, ctx: Context) -> None:
        self.options: list[Option] = []
        vectors: list[np.ndarray] = []
        for base in bases(ctx):
            values = numeric_values(ctx.series(base.name))
            if values is None or np.isinf(values).any() or np.nanmin(values) == np.nanmax(values):
                continue
            for option, vector in _options(ctx, base, values):
                self.options.append(option)
                vectors.append(vector)
        order = sorted(range(len(self.options)), key=lambda i: self._priority(i))
        self.options = [self.options[i] for i in order]
        self.values = np.array([vectors[i] for i in order]).reshape(len(order), ctx.n)
        self.sample = self.values[:, ctx.sample]

    def _priority(self, i: int) -> tuple[int, int]:
        option = self.options[i]
        treatment = list(SCALERS).index(option.scaler) + (3 if option.imputer else 0)
        return (treatment, option.base.rank)

    def matches(self, ctx: Context, target: np.ndarray) -> Iterator[Option]:
        ts = target[ctx.sample]
        with np.errstate(invalid="ignore"):
            near = np.abs(self.sample - ts) <= ctx.atol + ctx.rtol * np.abs(ts)
        near |= np.isnan(self.sample) & np.isnan(ts)
        for i in np.flatnonzero(near.all(axis=1)):
            if ctx.close(self.values[i], target):
                yield self.options[i]


def _options(ctx: Context, base: Base, values: np.ndarray) -> Iterator[tuple[Option, np.ndarray]]:
    has_nan = bool(np.isnan(values).any())
    yield Option(base, None, "passthrough", BOTH_MODES), values[ctx.rows]
    for modes in ctx.mode_groups:
        fit = values[ctx.fit_rows(modes)]
        for imputer in [None, *(IMPUTERS if has_nan else ())]:
            filled = _impute(values, fit, imputer)
            fitted = _impute(fit, fit, imputer)
            for scaler in SCALERS:
                if imputer is None and scaler == "passthrough":
                    continue
                yield Option(base, imputer, scaler, modes), _scale(filled, fitted, scaler)[ctx.rows]


def _impute(values: np.ndarray, fit: np.ndarray, imputer: str | None) -> np.ndarray:
    if imputer is None or np.isnan(fit).all():
        return values
    fill = {"mean": np.nanmean, "median": np.nanmedian, "zero": lambda _: 0.0}[imputer](fit)
    return np.where(np.isnan(values), fill, values)


def _scale(values: np.ndarray, fit: np.ndarray, scaler: str) -> np.ndarray:
    if scaler == "passthrough" or np.isnan(fit).all():
        return values
    if scaler in ("standard", "sample-standard"):
        shift, scale = np.nanmean(fit), np.nanstd(fit, ddof=0 if scaler == "standard" else 1)
    else:
        shift, scale = np.nanmin(fit), np.nanmax(fit) - np.nanmin(fit)
    return (values - shift) / (scale if scale > 10 * np.finfo(float).eps else 1.0)


def numeric_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """Treatments of numeric columns and their numeric parses for X's column `pos`."""
    yield from _bank_candidates(ctx, pos, derived=False)
    yield from _constant_fill(ctx, pos, ctx.X[:, pos])


def derived_numeric_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """Treatments of lengths, word counts, date parts, logs and bins: tried after the encoders,
    because a length of short category strings can mimic an encoding by accident."""
    yield from _bank_candidates(ctx, pos, derived=True)


def _bank_candidates(ctx: Context, pos: int, derived: bool) -> Iterator[Candidate]:
    bank: Bank = ctx.cached(("numeric bank",), lambda: Bank(ctx))
    for option in bank.matches(ctx, ctx.X[:, pos]):
        if (option.base.rank >= 2) != derived:
            continue
        spec = TransformerSpec(option.base.name, option.code, [option.base.name], pos, pos + 1)
        yield Candidate(f"numeric:{option.rule}", spec, option.modes, ctx.chain(option.base.name))


def _constant_fill(ctx: Context, pos: int, target: np.ndarray) -> Iterator[Candidate]:
    """Missing values filled with one constant that the data itself shows (`fillna(c)`)."""
    for base in bases(ctx):
        values = numeric_values(ctx.series(base.name))
        if values is None:
            continue
        mine = values[ctx.rows]
        missing = np.isnan(mine)
        present = mine[~missing]
        if not missing.any() or len(present) == 0 or present.min() == present.max():
            continue
        if np.isnan(target).any():
            return
        fill = target[missing]
        if np.ptp(fill) == 0 and ctx.close(np.where(missing, fill[0], mine), target):
            code = f"SimpleImputer(strategy='constant', fill_value={_number_text(fill[0])})"
            spec = TransformerSpec(base.name, code, [base.name], pos, pos + 1)
            yield Candidate("numeric:impute-constant", spec, BOTH_MODES, ctx.chain(base.name))


def vector_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """A column holding one equal-length vector of floats per row (a helper function of the
    script that returns a row's feature vector, such as a hashed bag of words) stacked into
    X's block: `FunctionTransformer(np.vstack)` (idiom: per-row feature vector)."""
    for name in ctx.columns():
        width = _vector_width(ctx.series(name))
        if width and pos + width <= ctx.width:
            spec = TransformerSpec(name, "FunctionTransformer(np.vstack)", name, pos, pos + width)
            yield Candidate("vector:stacked", spec, BOTH_MODES)


def _vector_width(values: pd.Series) -> int:
    """The common length of the column's float vectors, or 0 when it holds anything else."""
    head = values.head(VECTOR_SAMPLE)
    if not len(head) or not all(isinstance(v, list | tuple | np.ndarray) for v in head):
        return 0
    widths = {len(v) for v in head}
    if len(widths) != 1 or not all(isinstance(x, float) for v in head for x in v):
        return 0
    return widths.pop()
