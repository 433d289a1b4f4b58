"""The diagnosis half of the equivalence check: when X or y do not match, which stage is most likely
at fault and the concrete evidence (row counts, example rows, differing column blocks) the repair
step feeds back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .matching import (
    Captured,
    Case,
    ColumnBlock,
    EquivalenceReport,
    Level,
    Tolerance,
    as_labels,
    clip,
    is_identity,
    is_numeric,
    labels_close,
    make_report,
    match_rows,
    multiset_hashes,
    order_from_pairs,
    row_chunks,
    row_hashes,
    tolerance_grids,
    values_close,
)

_EXAMPLES = 5  # example rows or values shown per finding
_SHOWN_COLUMNS = 8  # values shown per example row
_DESCRIBED_BLOCKS = 6  # differing column blocks described in detail


# ---------------------------------------------------------------------------------------------------
# One-hot groups


def _binary_columns(X: np.ndarray) -> np.ndarray:
    """Indices of columns holding only 0 and 1 (screened on a sample first, to stay cheap)."""
    cand = np.arange(X.shape[1])
    for rows in (slice(0, 2048), slice(None)):
        sub = X[rows][:, cand]
        cand = cand[((sub == 0) | (sub == 1)).all(axis=0)]
    return cand


def one_hot_groups(X: np.ndarray, blocks: list[ColumnBlock]) -> list[tuple[int, int]]:
    """Runs ``(start, stop)`` of at least two adjacent 0/1 columns with at most one 1 per row.

    Runs are grown left to right and do not cross the rewrite's transformer block boundaries.
    """
    binary = set(_binary_columns(X).tolist())
    cuts = {b.start for b in blocks} | {b.stop for b in blocks}
    groups, j = [], 0
    while j < X.shape[1]:
        stop = _grow_one_hot(X, j, binary, cuts) if j in binary else j + 1
        if stop - j >= 2:
            groups.append((j, stop))
        j = stop
    return groups


def _grow_one_hot(X: np.ndarray, start: int, binary: set[int], cuts: set[int]) -> int:
    """End of the one-hot run beginning at a binary column ``start``."""
    total, stop = X[:, start].copy(), start + 1
    while stop < X.shape[1] and stop in binary and stop not in cuts:
        total += X[:, stop]
        if (total > 1).any():
            break
        stop += 1
    return stop


def one_hot_order_line(case: Case, group: tuple[int, int], targets: np.ndarray) -> str:
    """The category-order finding for one group, given your column of each original column."""
    s, e = group
    local = np.argsort(np.argsort(targets))
    return (
        f"columns {s}-{e - 1}{case.block_name(int(targets.min()))} are one-hot in both, but in another "
        f"column order: original order corresponds to yours as {local.tolist()} (original column "
        f"{s}+i is your column {int(targets.min())}+order[i]); the categories are ordered differently"
    )


# ---------------------------------------------------------------------------------------------------
# Diagnosis: shapes


def labels_length_failure(case: Case) -> EquivalenceReport:
    summary = f"Your y has {len(case.yb)} values but your X has {len(case.B)} rows."
    evidence = [
        f"original: X {case.A.shape}, y {len(case.ya)}; yours: X {case.B.shape}, y {len(case.yb)}"
    ]
    return make_report("mismatch", "label", summary, evidence, case.tol)


def diagnose_row_count(case: Case) -> EquivalenceReport:
    """Different row counts: data preparation (filters, joins), with rows present on one side only."""
    na, nb = len(case.A), len(case.B)
    more = nb > na
    summary = (
        f"Row counts differ: the original trains on {na} rows, yours on {nb} "
        f"({abs(nb - na)} {'more' if more else 'fewer'})."
    )
    evidence = [f"rows: original {na}, yours {nb}"]
    if case.A.shape[1] == case.B.shape[1]:
        evidence += _row_set_evidence(case, *match_rows(case))
    else:
        evidence.append(
            f"column counts differ too: original {case.A.shape[1]}, yours {case.B.shape[1]}"
        )
    evidence.append(_MORE_ROWS_HINT if more else _FEWER_ROWS_HINT)
    return make_report("mismatch", "data_preparation", summary, evidence, case.tol)


_MORE_ROWS_HINT = (
    "possible causes (yours keeps more): a filter of the original missing or looser in yours, a left or "
    "outer join where the original joins inner, a join key that is not unique (rows fan out), or a "
    "missing de-duplication"
)
_FEWER_ROWS_HINT = (
    "possible causes (yours keeps fewer): a stricter or extra filter, an inner join where the original "
    "keeps unmatched rows (left join), rows with missing values dropped, or a missing union"
)


def _row_set_evidence(case: Case, ia: np.ndarray, ib: np.ndarray) -> list[str]:
    """Counts of shared and one-sided rows, examples of each, and source row ids where known."""
    only_a = np.setdiff1d(np.arange(len(case.A)), ia)
    only_b = np.setdiff1d(np.arange(len(case.B)), ib)
    lines = [
        f"{len(ia)} rows are in both; {len(only_a)} original rows have no partner in yours; "
        f"{len(only_b)} of your rows have no partner in the original (not in it, or more copies "
        "than it has)"
    ]
    if not len(only_a) and len(only_b):
        lines.append("every original row is in yours: yours is a superset")
    if not len(only_b) and len(only_a):
        lines.append("every row of yours is in the original: yours is a subset")
    if not len(ia):
        lines.append(
            "no row is in both: the feature encoding may differ as well; fix the rows first"
        )
    lines += [
        f"original row {i} (missing in yours): {_fmt_row(case.A[i], case.ya[i])}"
        for i in only_a[:_EXAMPLES]
    ]
    shown = only_b[:_EXAMPLES]
    copies = _copies(case, shown) if len(ia) else np.zeros(len(shown), dtype=bool)
    lines += [
        f"your row {j} ({'a further copy of an original row' if copy else 'not in the original'}): "
        f"{_fmt_row(case.B[j], case.yb[j])}{_source_ids(case, j)}"
        for j, copy in zip(shown, copies, strict=True)
    ]
    lines += _fan_out(case, only_b)
    return lines


def _copies(case: Case, rows: np.ndarray) -> np.ndarray:
    """Which of these rows of yours also occur in the original (so they are surplus copies)."""
    grid = tolerance_grids(case.tol)[0]
    original = row_hashes(case.A, None, None, case.tol, grid)
    return np.isin(row_hashes(case.B, rows, None, case.tol, grid), original)


def _source_ids(case: Case, row: int) -> str:
    if not case.row_ids:
        return ""
    parts = [f"{src} {_fmt_id(ids[row])}" for src, ids in case.row_ids.items() if row < len(ids)]
    return f"; source rows: {', '.join(parts)}" if parts else ""


def _fmt_id(value: Any) -> str:
    return str(np.asarray(value).tolist())


def _fan_out(case: Case, extra: np.ndarray) -> list[str]:
    """Source rows used by several of your extra rows: a join key that is not unique."""
    lines = []
    for src, ids in case.row_ids.items():
        if ids.ndim != 1 or len(ids) != len(case.B) or not len(extra):
            continue
        values, counts = np.unique(ids, return_counts=True)
        repeated = np.intersect1d(values[counts > 1], ids[extra])
        if len(repeated):
            shown = ", ".join(str(v) for v in repeated[:_EXAMPLES].tolist())
            lines.append(
                f"source '{src}' rows used by more than one of your rows (fan-out): {shown}"
            )
    return lines


def diagnose_column_count(case: Case) -> EquivalenceReport:
    """Same rows, other column count: feature encoding; name blocks and unmatched columns."""
    ma, mb = case.A.shape[1], case.B.shape[1]
    summary = f"Column counts differ: the original X has {ma} columns, yours {mb} (rows: {case.n} on both)."
    evidence = [f"columns: original {ma}, yours {mb}"]
    if case.blocks:
        evidence.append("your blocks: " + "; ".join(_fmt_block(b) for b in case.blocks))
    groups = one_hot_groups(case.A, [])
    if groups:
        evidence.append(
            "original one-hot groups: "
            + ", ".join(f"{s}-{e - 1} ({e - s} columns)" for s, e in groups)
        )
    ha, hb = multiset_hashes(case)
    only_a, only_b = (
        np.setdiff1d(np.arange(ma), np.flatnonzero(np.isin(ha, hb))),
        np.flatnonzero(~np.isin(hb, ha)),
    )
    evidence.append(
        f"original columns with no column of equal values in yours: {short_list(only_a)}"
    )
    evidence.append(
        f"your columns with no column of equal values in the original: {short_list(only_b)}"
    )
    evidence += [
        f"your column {j}{case.block_name(int(j))}: {_stats(case.B[:, j])}"
        for j in only_b[:_EXAMPLES]
    ]
    evidence += [f"original column {j}: {_stats(case.A[:, j])}" for j in only_a[:_EXAMPLES]]
    return make_report("mismatch", "features", summary, evidence, case.tol)


def _fmt_block(b: ColumnBlock) -> str:
    inputs = f" on {', '.join(b.input_columns)}" if b.input_columns else ""
    return f"'{b.name}' columns {b.start}-{b.stop - 1} ({b.stop - b.start}){inputs}"


# ---------------------------------------------------------------------------------------------------
# Diagnosis: same shape, other content


def diagnose_x(case: Case, full: tuple[np.ndarray, np.ndarray]) -> EquivalenceReport:
    """Same shape, X differs: decide between other rows and other columns, and describe which."""
    ha, hb = multiset_hashes(case)
    same = np.flatnonzero(ha == hb)
    if len(same) == case.A.shape[1]:
        summary = "Every column holds the original's values, but they combine into other rows."
        evidence = _row_set_evidence(case, *full)
        evidence.append(
            "possible causes: a join on another key, or a column computed out of row order"
        )
        return make_report("mismatch", "data_preparation", summary, evidence, case.tol)
    differ = np.flatnonzero(ha != hb)
    order, (counts, bad_rows) = _align_on(case, same, differ)
    if order is None:
        why = "the columns whose values agree (as multisets) do not pair the rows either"
        return _rows_differ(case, full, why)
    lines, recognized = _describe_blocks(case, order, counts)
    m = case.A.shape[1]
    if _rows_at_fault(case.n, len(full[0]), len(differ), m, recognized):
        why = f"{len(differ)} of {m} columns hold other values (as multisets) than the original's"
        return _rows_differ(case, full, why)
    return _features_differ(case, order, counts, bad_rows, lines)


def _rows_at_fault(n: int, shared_rows: int, bad_cols: int, m: int, recognized: bool) -> bool:
    """Whether other rows (data preparation) explain a same-shape mismatch better than other columns.

    Structural patterns (a one-hot block in another order, an affine map of a column) only appear
    when the same rows are encoded differently: features. Otherwise the smaller explanation wins: the
    share of rows with no equal row on the other side against the share of columns that differ. A
    filter of equal size leaves most rows shared and changes most columns' values; an encoding bug
    leaves few rows whole and changes few columns.
    """
    if recognized or not n:
        return False
    return (n - shared_rows) / n < bad_cols / max(m, 1)


def _align_on(case: Case, same: np.ndarray, differ: np.ndarray):
    """Your row for each original row, pairing rows on the columns whose values agree (or None),
    with the per-column and per-row disagreement under that pairing.

    The identity is tried first (rows are usually in the same order). Otherwise rows are sorted on
    those columns with ties broken by the first differing column, which keeps a monotone re-encoding
    of it (rescaled, counted otherwise) aligned. With no agreeing column the identity is assumed.
    """
    identity = np.arange(case.n)
    found = _disagreement(case, identity)
    if not len(same) or not found[0][same].any():
        return identity, found
    ties = ((case.A[:, differ[0]], case.ka), (case.B[:, differ[0]], case.kb))
    order = order_from_pairs(*match_rows(case, cols_a=same, cols_b=same, ties=ties), case.n)
    return order, (_disagreement(case, order) if order is not None else found)


def _disagreement(case: Case, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column, how many aligned rows differ; per row, whether any column differs."""
    counts = np.zeros(case.A.shape[1], dtype=np.int64)
    bad_rows = np.zeros(case.n, dtype=bool)
    identity = is_identity(order)
    for c in row_chunks(case.n, case.A.shape[1]):
        bad = ~values_close(case.A[c], case.B[c] if identity else case.B[order[c]], case.tol)
        counts += bad.sum(axis=0)
        bad_rows[c] = bad.any(axis=1)
    return counts, bad_rows


def _rows_differ(case: Case, full, why: str) -> EquivalenceReport:
    shared = len(full[0])
    summary = (
        f"Same row count ({case.n}), but {case.n - shared} original rows have no equal row in yours "
        "(a different set of rows)."
    )
    evidence = [why, *_row_set_evidence(case, *full), _SAME_COUNT_HINT]
    return make_report("mismatch", "data_preparation", summary, evidence, case.tol)


_SAME_COUNT_HINT = (
    "possible causes: a filter with another condition that happens to keep as many rows, a join on "
    "another key, or values computed from other source columns"
)


def _features_differ(case, order, counts, bad_rows, lines) -> EquivalenceReport:
    cols = np.flatnonzero(counts)
    summary = (
        f"Same rows, but {len(cols)} of {case.A.shape[1]} columns differ "
        f"({int(bad_rows.sum())} of {case.n} rows affected): columns {_ranges(cols)}."
    )
    evidence = list(lines)
    if not is_identity(order):
        evidence.insert(
            0, "your rows are in another order; they were aligned on the columns that agree"
        )
    return make_report("mismatch", "features", summary, evidence, case.tol)


def _ranges(cols: np.ndarray) -> str:
    runs = _runs(cols)
    text = ", ".join(f"{s}" if e - s == 1 else f"{s}-{e - 1}" for s, e in runs[:12])
    return text + (f", ... ({len(runs) - 12} more)" if len(runs) > 12 else "")


def _runs(cols: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive integers grouped into half-open ``(start, stop)`` runs."""
    runs: list[tuple[int, int]] = []
    for c in sorted(int(c) for c in cols):
        if runs and runs[-1][1] == c:
            runs[-1] = (runs[-1][0], c + 1)
        else:
            runs.append((c, c + 1))
    return runs


# ---------------------------------------------------------------------------------------------------
# Diagnosis: what differing column blocks look like


def _describe_blocks(case: Case, order: np.ndarray, counts: np.ndarray) -> tuple[list[str], bool]:
    """One finding per differing block (widened to one-hot groups, cut at transformer bounds).

    Returns the lines and whether a structural pattern (one-hot order, affine map) was found.
    """
    blocks = _differing_blocks(case, counts)
    lines: list[str] = []
    recognized = False
    for s, e, one_hot in blocks[:_DESCRIBED_BLOCKS]:
        found = _describe_one_hot(case, order, s, e) if one_hot else None
        if found is None:
            found = _describe_columns(case, order, s, e, counts)
        lines += found[0]
        recognized |= found[1]
    if len(blocks) > _DESCRIBED_BLOCKS:
        lines.append(f"... and {len(blocks) - _DESCRIBED_BLOCKS} more differing blocks")
    return lines, recognized


def _differing_blocks(case: Case, counts: np.ndarray) -> list[tuple[int, int, bool]]:
    """Runs of differing columns; a run touching a one-hot group takes the whole group."""
    cols = set(np.flatnonzero(counts).tolist())
    groups = one_hot_groups(case.A, case.blocks)
    one_hot = []
    for s, e in groups:
        if cols & set(range(s, e)):
            one_hot.append((s, e, True))
            cols -= set(range(s, e))
    cuts = sorted({b.start for b in case.blocks} | {b.stop for b in case.blocks})
    plain = [(s, e, False) for run in _runs(cols) for s, e in _cut(run, cuts)]
    return sorted(one_hot + plain)


def _cut(run: tuple[int, int], cuts: list[int]) -> list[tuple[int, int]]:
    bounds = [run[0], *(c for c in cuts if run[0] < c < run[1]), run[1]]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _aligned(case: Case, order: np.ndarray, s: int, e: int) -> tuple[np.ndarray, np.ndarray]:
    """Original columns s..e-1 and yours with rows aligned to the original."""
    b = case.B[:, s:e] if is_identity(order) else case.B[order, s:e]
    return case.A[:, s:e], b


def _describe_one_hot(
    case: Case, order: np.ndarray, s: int, e: int
) -> tuple[list[str], bool] | None:
    """A one-hot group of the original: same categories in another order, or other categories."""
    a, b = _aligned(case, order, s, e)
    if not (((b == 0) | (b == 1)).all() and (b.sum(axis=1) <= 1).all()):
        return None
    code_a = np.where(a.any(axis=1), a.argmax(axis=1), -1)
    code_b = np.where(b.any(axis=1), b.argmax(axis=1), -1)
    mapping = _bijection(code_a, code_b)
    if mapping is not None and mapping.get(-1, -1) == -1:
        targets = np.array([mapping.get(i, i) for i in range(e - s)]) + s
        if len(set(targets.tolist())) == e - s:
            return [one_hot_order_line(case, (s, e), targets)], True
    moved = int((code_a != code_b).sum())
    line = (
        f"columns {s}-{e - 1}{case.block_name(s)} are one-hot in both, but {moved} of {case.n} rows "
        f"set another column: ones per column original {a.sum(axis=0).astype(int).tolist()[:20]}, "
        f"yours {b.sum(axis=0).astype(int).tolist()[:20]} (other categories or another input column)"
    )
    return [line], False


def _bijection(a: np.ndarray, b: np.ndarray) -> dict[Any, Any] | None:
    """The one-to-one map value-in-a -> value-in-b holding on every row, if there is one."""
    pairs = np.unique(np.stack([a, b]).T, axis=0) if len(a) else np.empty((0, 2))
    if len(np.unique(pairs[:, 0])) != len(pairs) or len(np.unique(pairs[:, 1])) != len(pairs):
        return None
    return {p[0].item(): p[1].item() for p in pairs}


def _describe_columns(case, order, s, e, counts) -> tuple[list[str], bool]:
    """Per-column findings for a plain block (the first three differing columns in detail)."""
    cols = [j for j in range(s, e) if counts[j]]
    lines, recognized = [], False
    for j in cols[:3]:
        a, b = _aligned(case, order, j, j + 1)
        line, affine = _describe_column(case, j, a[:, 0], b[:, 0])
        lines.append(line)
        recognized |= affine
    if len(cols) > 3:
        lines.append(f"columns {_ranges(np.array(cols[3:]))}{case.block_name(s)} differ as well")
    return lines, recognized


def _describe_column(case: Case, j: int, a: np.ndarray, b: np.ndarray) -> tuple[str, bool]:
    """How one aligned column differs: an affine map, or summaries, correlation and examples."""
    bad = ~values_close(a, b, case.tol)
    head = f"column {j}{case.block_name(j)}: {int(bad.sum())} of {len(a)} rows differ"
    fit = _affine(a, b)
    if fit is not None:
        return f"{head}; {_affine_text(a, b, *fit)}", True
    parts = [head, f"original {_stats(a)}", f"yours {_stats(b)}"]
    parts += [
        p
        for p in (_shape_note("original", a), _shape_note("yours", b), _correlation_note(a, b))
        if p
    ]
    rows = np.flatnonzero(bad)[:_EXAMPLES]
    parts.append(
        "rows (original -> yours): " + ", ".join(f"{i}: {_num(a[i])} -> {_num(b[i])}" for i in rows)
    )
    return "; ".join(parts), False


def _affine(a: np.ndarray, b: np.ndarray) -> tuple[float, float] | None:
    """(scale, offset) with ``b == scale * a + offset`` on every finite row, if such a map exists."""
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 2 or not (np.isnan(a) == np.isnan(b)).all():
        return None
    a, b = a[ok], b[ok]
    da = a - a.mean()
    var = float(da @ da)
    if var == 0:
        return None
    scale = float(da @ (b - b.mean())) / var
    offset = float(b.mean() - scale * a.mean())
    resid = np.abs(scale * a + offset - b).max()
    return (scale, offset) if resid <= 1e-6 * max(float(np.abs(b).max()), 1e-12) else None


def _affine_text(a: np.ndarray, b: np.ndarray, scale: float, offset: float) -> str:
    if abs(scale - 1) < 1e-6 and abs(offset) < 1e-6 * max(float(np.nanmax(np.abs(a))), 1.0):
        return (
            "the values differ only slightly, beyond the tolerance (float precision or rounding?)"
        )
    text = f"yours = {_num(scale)} * original + {_num(offset)} (an affine map: other scaling or centering)"
    sa, sb = _standardized(a), _standardized(b)
    if sa != sb:
        who, other = ("the original", "yours") if sa else ("yours", "the original")
        text += f"; {who} is standardized (mean 0, std 1), {other} is not"
    return f"{text}; original mean {_num(np.nanmean(a))}, std {_num(np.nanstd(a))}; yours mean {_num(np.nanmean(b))}, std {_num(np.nanstd(b))}"


def _standardized(x: np.ndarray) -> bool:
    """Mean 0 and (population) std 1, as StandardScaler leaves a column."""
    x = x[np.isfinite(x)]
    return bool(len(x) > 1 and abs(x.mean()) < 1e-6 and abs(x.std() - 1) < 1e-3)


def _shape_note(who: str, x: np.ndarray) -> str:
    """A remark on what the values look like: whole numbers, or standardized whole numbers."""
    values = np.unique(x[np.isfinite(x)])
    if len(values) < 3:
        return ""
    if np.allclose(values, np.round(values)):
        return f"{who} values are whole numbers ({len(values)} distinct)"
    steps = np.diff(values)
    ratio = steps / steps.min()
    if _standardized(x) and np.allclose(ratio, np.round(ratio), atol=1e-6):
        return f"{who} looks like standardized whole numbers (e.g. counts; {len(values)} distinct)"
    return ""


def _correlation_note(a: np.ndarray, b: np.ndarray) -> str:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or a[ok].std() == 0 or b[ok].std() == 0:
        return ""
    r = float(np.corrcoef(a[ok], b[ok])[0, 1])
    text = f"correlation {r:.3f}"
    if r > 0.5:
        text += " (related but not an affine map: computed from a similar but different quantity?)"
    return text


def _stats(x: np.ndarray) -> str:
    finite = x[np.isfinite(x)]
    nan = int(np.isnan(x).sum())
    if not len(finite):
        return f"no finite values ({nan} NaN)"
    text = (
        f"min {_num(finite.min())}, max {_num(finite.max())}, mean {_num(finite.mean())}, "
        f"std {_num(finite.std())}"
    )
    return text + (f", {nan} NaN" if nan else "")


# ---------------------------------------------------------------------------------------------------
# Diagnosis: labels


def diagnose_labels(case: Case, row_order: np.ndarray | None, level: Level) -> EquivalenceReport:
    """X matches at an accepted level but y differs: label extraction."""
    yb = case.yb if row_order is None else case.yb[row_order]
    bad = ~labels_close(case.ya, yb, case.tol)
    summary = f"X matches ({level}), but y differs in {int(bad.sum())} of {case.n} rows."
    evidence = [f"label counts: original {_counts(case.ya)}; yours {_counts(yb)}"]
    note = _relabel_note(case.ya, yb)
    evidence += [note] if note else []
    rows = np.flatnonzero(bad)[:_EXAMPLES]
    evidence.append(
        "rows (original y -> yours): "
        + ", ".join(f"{i}: {_label(case.ya[i])} -> {_label(yb[i])}" for i in rows)
    )
    evidence.append(
        "possible causes: the label comes from another column, threshold, mapping or condition"
    )
    report = make_report("mismatch", "label", summary, evidence, case.tol)
    report.row_order = row_order
    return report


def _relabel_note(ya: np.ndarray, yb: np.ndarray) -> str:
    """Name a flipped binary label, swapped values, or a consistent renaming of the labels."""
    if is_numeric(ya) and is_numeric(yb) and np.isin(ya, (0, 1)).all() and (yb == 1 - ya).all():
        return "the label is flipped: yours = 1 - original on every row (the positive class is inverted)"
    codes_a = np.unique(ya.astype(str), return_inverse=True)
    codes_b = np.unique(yb.astype(str), return_inverse=True)
    mapping = _bijection(codes_a[1].ravel(), codes_b[1].ravel())
    if mapping is None:
        return ""
    pairs = {str(codes_a[0][k]): str(codes_b[0][v]) for k, v in mapping.items()}
    if set(pairs) == set(pairs.values()) and len(pairs) == 2:
        p, q = sorted(pairs)
        return f"the label is flipped: the two values are swapped ({p} <-> {q}) on every row"
    shown = ", ".join(f"{k} -> {v}" for k, v in list(pairs.items())[:10])
    return f"yours uses other label values, consistently: {shown}"


def _counts(y: np.ndarray) -> str:
    values, counts = np.unique(y.astype(str) if not is_numeric(y) else y, return_counts=True)
    top = np.argsort(-counts, kind="stable")[:10]
    more = f", ... ({len(values) - 10} more values)" if len(values) > 10 else ""
    return "{" + ", ".join(f"{_label(values[i])}: {counts[i]}" for i in top) + more + "}"


def _label(v: Any) -> str:
    return _num(v) if isinstance(v, float | np.floating) else repr(str(v))


# ---------------------------------------------------------------------------------------------------
# Model and predictions


_ABSENT = object()


def model_findings(original: Captured, rewritten: Captured, tol: Tolerance) -> list[str]:
    """Differences in estimator class and parameters, one line each."""
    lines = []
    if not _same_class(original.estimator, rewritten.estimator):
        lines.append(f"estimator class: original {original.estimator}, yours {rewritten.estimator}")
    keys = sorted(set(original.params) | set(rewritten.params))
    for key in keys:
        a, b = original.params.get(key, _ABSENT), rewritten.params.get(key, _ABSENT)
        if not _same_value(a, b, tol):
            lines.append(f"parameter {key}: original {_param(a)}, yours {_param(b)}")
    return lines


def _same_class(a: str, b: str) -> bool:
    """Same top-level package and class name (public and private module paths name one class)."""
    return a.split(".")[0] == b.split(".")[0] and a.rsplit(".", 1)[-1] == b.rsplit(".", 1)[-1]


def _same_value(a: Any, b: Any, tol: Tolerance) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        return both_nan or math.isclose(a, b, rel_tol=tol.rtol, abs_tol=tol.atol)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same_value(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k], tol) for k in a)
    return a == b


def _param(v: Any) -> str:
    return "(absent)" if v is _ABSENT else clip(repr(v), 120)


def prediction_failure(
    original: Captured, rewritten: Captured, tol: Tolerance
) -> EquivalenceReport | None:
    """Predictions made by both sides that disagree: the model stage."""
    if original.predictions is None or rewritten.predictions is None:
        return None
    pa, pb = as_labels(original.predictions), as_labels(rewritten.predictions)
    if len(pa) != len(pb):
        summary = f"The original makes {len(pa)} predictions, yours {len(pb)}."
        return make_report("mismatch", "model", summary, [summary], tol)
    agree = labels_close(pa, pb, tol)
    if agree.all():
        return None
    summary = (
        f"Data and estimator match, but predictions agree on {agree.mean():.1%} of {len(pa)} rows."
    )
    rows = np.flatnonzero(~agree)[:_EXAMPLES]
    evidence = [
        "predictions (original -> yours): "
        + ", ".join(f"{i}: {_label(pa[i])} -> {_label(pb[i])}" for i in rows)
    ]
    if (np.sort(pa) == np.sort(pb)).all():
        evidence.append(
            "the same predictions in another order: are the test rows in another order?"
        )
    evidence.append(
        "possible causes: unseeded randomness (random_state), or a different training row order"
    )
    return make_report("mismatch", "model", summary, evidence, tol)


# ---------------------------------------------------------------------------------------------------
# Formatting


def _num(x: Any) -> str:
    return f"{float(x):.6g}"


def _fmt_row(x: np.ndarray, y: Any) -> str:
    shown = ", ".join(_num(v) for v in x[:_SHOWN_COLUMNS])
    more = f", ... (+{len(x) - _SHOWN_COLUMNS})" if len(x) > _SHOWN_COLUMNS else ""
    return f"[{shown}{more}] y={_label(y)}"


def short_list(values: np.ndarray, limit: int = 30) -> str:
    items = [int(v) for v in values[:limit]]
    return str(items)[:-1] + (
        f", ... ({len(values) - limit} more)]" if len(values) > limit else "]"
    )
