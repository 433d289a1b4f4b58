"""Synthesis of the feature encoder and the label against captured data (the offline lifter's core).

The original script's final `fit(X, y)` was captured; a lifted data preparation gave `prepared`,
and `rows` locates X's rows in it. This module finds a scikit-learn ColumnTransformer over
`prepared`'s columns (plus derived columns, each a vectorized pandas expression) whose output equals
X, fitted on the training rows or on all rows, and a label expression that gives y.

The search is greedy from X's first column to its last: at each position the rules below propose
blocks starting there, simplest first, and the first one that the real scikit-learn transformer
reproduces is kept. Each rule lifts an idiom, never a particular data set:

- recorded (synthesis_recorded): the script's own fitted scikit-learn transformer, its class and
  parameters as the tracer recorded them, on the prepared column(s) that reproduce its input
  (first: the script named its encoder, which beats any guess);
- vector: a column holding a float vector per row (a helper's per-row feature vector), stacked
  (first: a whole vector matching is a strong sign, where a 0/1 entry alone could pass as numeric);

- numeric (synthesis_numeric): passthrough, StandardScaler, MinMaxScaler, SimpleImputer before
  them (mean, median, zero, or the one constant X shows), of numeric columns and numeric parses;
- one-hot (synthesis_categorical): blocks whose category order is read off X and explained by a
  hint order, scikit-learn's sorted order (optionally dropping the first), or X's own order;
- scaled one-hot: the same blocks standardized after encoding (a scaler over the whole X);
- ordinal: a category mapped to numbers (OrdinalEncoder, or a `.map` dict);
- derived numeric: the same treatments of character length, word count, date parts, log1p/log
  and np.digitize bins on edges from the hints (after the encoders: the length of short category
  strings can mimic an encoding by accident);
- text (synthesis_text): CountVectorizer, TfidfVectorizer and HashingVectorizer settings;
- a lone indicator of one category, last.

Columns nothing reproduces are reported with a description of what they look like, because that
description is what the repair step feeds back. A plan is `matched` only after the whole
ColumnTransformer, built from the plan's own code texts, reproduced all of X.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
import pandas as pd
from lester.abstraction.features import dense, is_stateless

from .categorical import (
    onehot_candidates,
    ordinal_candidates,
    scaled_onehot_candidates,
    single_indicator_candidates,
)
from .context import (
    NAMESPACE,
    TOLERANCE,
    Context,
    imports_for,
)
from .label import synthesize_label
from .numeric import (
    derived_numeric_candidates,
    numeric_candidates,
    numeric_values,
    vector_candidates,
)
from .recorded import describe_recorded, recorded_candidates
from .text import describe_text, text_candidates
from .types import (
    BOTH_MODES,
    Candidate,
    DerivedColumn,
    FeaturePlan,
    Hints,
    LabelPlan,
    Mode,
    TransformerSpec,
)

__all__ = [
    "DerivedColumn",
    "FeaturePlan",
    "Hints",
    "LabelPlan",
    "TransformerSpec",
    "synthesize_features",
    "synthesize_label",
]

Rule = Callable[[Context, int], Iterator[Candidate]]
RULES: list[tuple[str, Rule]] = [
    ("recorded", recorded_candidates),
    ("vector", vector_candidates),
    ("numeric", numeric_candidates),
    ("one-hot", onehot_candidates),
    ("scaled one-hot", scaled_onehot_candidates),
    ("ordinal", ordinal_candidates),
    ("derived numeric", derived_numeric_candidates),
    ("text", text_candidates),
    ("single indicator", single_indicator_candidates),
]
MAX_TRIED = 40  # candidates verified with scikit-learn per position, at most


def synthesize_features(
    prepared: pd.DataFrame,
    X: np.ndarray,
    rows: np.ndarray | None = None,
    *,
    hints: Hints | None = None,
    tol: tuple[float, float] = TOLERANCE,
) -> FeaturePlan:
    """Find derived columns and a ColumnTransformer over `prepared` whose output on
    `prepared.iloc[rows]` equals `X` (`tol` = (rtol, atol)), fitted on `rows` or on all rows."""
    ctx = Context(prepared, X, rows, hints, tol)
    feasible: frozenset[Mode] = BOTH_MODES
    accepted: list[Candidate] = []
    missed: list[int] = []
    trail: list[str] = []
    pos = 0
    while pos < ctx.width:
        found = _first_verified(ctx, pos, feasible, trail)
        if found is None:
            missed.append(pos)
            pos += 1
            continue
        feasible &= found.modes
        accepted.append(found)
        trail.append(f"X[{pos}:{found.spec.stop}] <- {found.rule}: {found.spec.entry_code()}")
        pos = found.spec.stop
    plan = _plan(ctx, accepted, feasible, missed, trail)
    _verify_plan(ctx, plan)
    return plan


def _first_verified(
    ctx: Context, pos: int, feasible: frozenset[Mode], trail: list[str]
) -> Candidate | None:
    """The first proposal for the block at `pos` that scikit-learn reproduces."""
    tried = 0
    for _, rule in RULES:
        for candidate in rule(ctx, pos):
            if tried >= MAX_TRIED:
                trail.append(f"X[{pos}] gave up after {MAX_TRIED} rejected candidates")
                return None
            modes = candidate.modes & feasible
            if not modes:
                continue
            tried += 1
            verified = _verify_block(ctx, candidate, feasible)
            if verified:
                return replace(candidate, modes=verified)
            trail.append(
                f"X[{pos}] rejected {candidate.rule} {candidate.spec.code}: not reproduced"
            )
    trail.append(f"X[{pos}] no rule matched (tried {', '.join(name for name, _ in RULES)})")
    return None


def _verify_block(ctx: Context, candidate: Candidate, modes: frozenset[Mode]) -> frozenset[Mode]:
    """The fit modes under which the real transformer reproduces the candidate's block.

    A stateless transformer is checked on the sample rows only (the whole plan is checked on all
    rows at the end); a fitted one is fitted on each mode's rows, whichever mode the proposal came
    from: a scaler whose statistics agree on the training and on all rows must not commit the
    plan to one of them before a later block tells which.
    """
    spec = candidate.spec
    single = len(ctx.mode_groups) == 1
    groups = [modes] if single else [frozenset({m}) for m in sorted(modes)]
    names = [spec.columns] if isinstance(spec.columns, str) else spec.columns
    data = ctx.frame(list(names))
    target = ctx.block(spec.start, spec.stop)
    ok: set[Mode] = set()
    for group in groups:
        try:
            encoder = _build(ctx, [spec])
            if is_stateless(encoder.transformers[0][1]):
                rows, expected = ctx.rows[ctx.sample], target[ctx.sample]
                out = dense(encoder.fit_transform(data.iloc[rows]))
            else:
                out, expected = ctx.fit_transform(encoder, data, group), target
        except Exception:
            continue
        if out.dtype.kind == "f" and ctx.close(out, expected):
            ok |= group
    return frozenset(ok)


def _build(ctx: Context, specs: list[TransformerSpec]):
    return ctx.build([s.entry_code() for s in specs])


def _plan(
    ctx: Context,
    accepted: list[Candidate],
    feasible: frozenset[Mode],
    missed: list[int],
    trail: list[str],
) -> FeaturePlan:
    derived = list(dict.fromkeys(d for c in accepted for d in c.derived))
    specs = _merged([c.spec for c in accepted], ctx)
    unmatched = [(a, b, _describe(ctx, a, b)) for a, b in _ranges(missed)]
    return FeaturePlan(
        matched=not unmatched and bool(specs),
        fit_on="train" if "train" in feasible else "all",
        derived=derived,
        transformers=specs,
        imports=imports_for(["ColumnTransformer(", *(s.code for s in specs)], ctx.classes),
        unmatched=unmatched,
        trail=trail,
    )


def _merged(specs: list[TransformerSpec], ctx: Context) -> list[TransformerSpec]:
    """Adjacent column-wise blocks with the same constructor become one entry (readability),
    unless that mixes true/false columns with numbers: such a frame's values are objects."""
    out: list[TransformerSpec] = []
    for spec in specs:
        last = out[-1] if out else None
        if (
            last is not None
            and last.code == spec.code
            and isinstance(last.columns, list)
            and isinstance(spec.columns, list)
            and last.stop - last.start == len(last.columns)
            and spec.stop - spec.start == len(spec.columns)
            and "categories=" not in spec.code
            and "OneHotEncoder" not in spec.code
            and _is_bool(ctx, last.columns[0]) == _is_bool(ctx, spec.columns[0])
        ):
            columns = last.columns + spec.columns
            out[-1] = TransformerSpec(
                _merged_name(columns), spec.code, columns, last.start, spec.stop
            )
        else:
            out.append(spec)
    return _unique_names(out)


def _is_bool(ctx: Context, column: str) -> bool:
    return ctx.series(column).dtype.kind in "bO" and ctx.series(column).map(type).eq(bool).all()


def _merged_name(columns: list[str]) -> str:
    return "_".join(columns) if len(columns) <= 3 else f"{columns[0]}_to_{columns[-1]}"


def _unique_names(specs: list[TransformerSpec]) -> list[TransformerSpec]:
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        seen[spec.name] = seen.get(spec.name, 0) + 1
        name = spec.name if seen[spec.name] == 1 else f"{spec.name}_{seen[spec.name]}"
        out.append(replace(spec, name=name))
    return out


def _ranges(positions: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in positions:
        if out and out[-1][1] == p:
            out[-1] = (out[-1][0], p + 1)
        else:
            out.append((p, p + 1))
    return out


def _verify_plan(ctx: Context, plan: FeaturePlan) -> None:
    """Rebuild X from the plan's code texts alone; a mismatch unsets `matched`."""
    if not plan.transformers:
        return
    data = ctx.prepared.copy()
    try:
        for d in plan.derived:
            data[d.name] = eval(d.expression, dict(NAMESPACE), {"s": data[d.column]})
        out = ctx.fit_transform(_build(ctx, plan.transformers), data, frozenset({plan.fit_on}))
    except Exception as exc:
        plan.matched = False
        plan.trail.append(f"whole plan failed to run: {type(exc).__name__}: {exc}")
        return
    covered = np.concatenate([np.arange(t.start, t.stop) for t in plan.transformers])
    if out.dtype.kind != "f":
        plan.matched = False
        plan.trail.append(f"whole plan gave a matrix of {out.dtype}, not numbers")
        return
    if not ctx.close(out, ctx.X[:, covered]):
        plan.matched = False
        plan.trail.append("whole plan ran but did not reproduce X")
        return
    plan.trail.append(f"whole plan verified on {ctx.n} rows, fit on {plan.fit_on}")


def _describe(ctx: Context, start: int, stop: int) -> str:
    """A one-line description of unmatched columns, precise enough to act on: what the columns
    are (a repair told "a category indicator" goes looking for a category that is not there)."""
    span = f"X[{start}:{stop}]"
    own = describe_recorded(ctx, start, stop)
    text = describe_text(ctx, start, stop) if stop - start > 1 else None
    if text or stop - start > 1:
        found = text or f"{span}: {_block_description(ctx.block(start, stop))}"
        return f"{found}; {own}" if own else found
    column = ctx.X[:, start]
    if not column.any():
        found = (
            f"{span}: all-zero column: a feature the script computes as 0 on every row, or the "
            "indicator of a category absent from these rows; only the script can tell which"
        )
    elif column.min() == column.max():
        found = (
            f"{span}: constant {column[0]:.4g} (an intercept column?); no prepared column gives it"
        )
    elif ((column == 0) | (column == 1)).all():
        found = (
            f"{span}: 0/1 column ({column.mean():.0%} ones) that is not the indicator of any "
            "category or 0/1 value of a prepared column"
        )
    else:
        found = f"{span}: {_numeric_description(ctx, column)}"
    return f"{found}; {own}" if own else found


def _block_description(block: np.ndarray) -> str:
    """Several columns at once: how many of each kind, and what their rows look like."""
    with np.errstate(invalid="ignore"):
        finite = np.where(np.isnan(block), 0.0, block)
        zero = ~finite.any(axis=0)
        constant = (finite == finite[0]).all(axis=0) & ~zero
        binary = ((finite == 0) | (finite == 1)).all(axis=0) & ~zero & ~constant
        whole = (finite == np.round(finite)).all(axis=0) & (finite >= 0).all(axis=0)
        counts = whole & ~zero & ~constant & ~binary
    kinds = [
        (int(binary.sum()), "0/1"),
        (int(counts.sum()), f"non-negative integer counts (up to {finite.max(initial=0):.4g})"),
        (int(zero.sum()), "all-zero"),
        (int(constant.sum()), "constant"),
    ]
    kinds.append((block.shape[1] - sum(n for n, _ in kinds), "other numbers"))
    parts = ", ".join(f"{n} {what}" for n, what in kinds if n)
    sums = finite.sum(axis=1)
    shape = f"{(finite != 0).mean():.0%} of cells nonzero, row sums {sums.min():.4g} to {sums.max():.4g}"
    if np.isnan(block).any():
        shape += f", {np.isnan(block).mean():.0%} missing"
    return f"{block.shape[1]} columns: {parts}; {shape}{_block_pattern(finite, sums, whole)}"


def _block_pattern(block: np.ndarray, sums: np.ndarray, whole: np.ndarray) -> str:
    if whole.all() and (sums == 1).all():
        return " (one 1 per row: a one-hot block whose categories no prepared column gives)"
    if whole.all():
        return " (counts per row: a bag of words, or counts of values, that no tried setting gives)"
    return ""


def _numeric_description(ctx: Context, column: np.ndarray) -> str:
    for name in ctx.columns() + list(ctx.derived):
        values = numeric_values(ctx.series(name))
        if values is None:
            continue
        mine = values[ctx.rows]
        if np.isnan(mine).any() or mine.std() == 0 or column.std() == 0:
            continue
        if abs(np.corrcoef(mine, column)[0, 1]) > 1 - 1e-9:
            return f"an affine map of {name!r} that no scaler setting reproduces"
    return (
        f"values in [{np.nanmin(column):.4g}, {np.nanmax(column):.4g}], mean "
        f"{np.nanmean(column):.4g}, std {np.nanstd(column):.4g}; no column, derivation or "
        "encoder reproduces it"
    )
