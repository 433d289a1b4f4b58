"""Whether a rewrite trains on what its original trained on, at which level, and if not, why not.

DESIGN.md ("Equivalence") defines the match: the rewrite's ``X_train``/``y_train`` equal the original's
``X``/``y`` (floats within a stated tolerance), the estimator class and parameters are the same, and
predictions agree where both predict. A match has a level: ``exact``, ``rows-permuted`` (same rows,
another order) or ``columns-permuted`` (same columns, another order); anything looser fails. A failure
names the stage most likely at fault with concrete evidence, because the repair step feeds exactly that
text back to the proposer.

How: everything is vectorized NumPy and linear or n log n in the matrix size. Rows are paired by a
64-bit fingerprint of each row, computed after rounding every value to the tolerance, and by sorting
those fingerprints (never by quadratic matching); columns likewise by column fingerprints. Two values
within tolerance can still round apart; what is left unpaired gets further passes on a shifted and a
coarser grid, then a bounded one-by-one tolerant matching. Every pair is verified with the tolerance.

Choices made here (documented because callers and prompts depend on them):

- Rows *and* columns permuted together fail: DESIGN accepts one or the other. They are blamed on
  ``features``, since a row order alone would have passed and the column order is what the feature
  encoding (transformer order, category order) decides.
- A column permutation that reorders columns *inside* a one-hot group (the category order) is not
  accepted as ``columns-permuted``: it changes which matrix column means which category, which column
  provenance and the model's coefficients depend on, and the issue lists it as a broken rewrite.
  Moving whole groups or single columns is accepted.
- Same shape but other content: the columns whose values agree as multisets are used to align the rows;
  structural patterns found under that alignment (a one-hot block in another order, an affine map of a
  column) mean the same rows encoded differently, so ``features``. Otherwise the smaller explanation
  wins: the share of rows with no equal row on the other side (``data_preparation``) against the share
  of columns that differ (``features``). See ``_rows_at_fault``.
- Estimator classes are the same when their top-level package and class name agree, since scikit-learn
  classes are reachable under public and private module paths. Parameters compare with the tolerance,
  and ``1`` equals ``1.0``.
- Predictions are compared position by position; they are predictions on the original's own test rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .diagnosis import (
    diagnose_column_count,
    diagnose_labels,
    diagnose_row_count,
    diagnose_x,
    labels_length_failure,
    model_findings,
    one_hot_groups,
    one_hot_order_line,
    prediction_failure,
    short_list,
)
from .matching import (
    Captured,
    Case,
    ColumnBlock,
    EquivalenceReport,
    Level,
    Tolerance,
    allclose,
    is_identity,
    labels_close,
    make_report,
    match_columns,
    match_rows,
    multiset_hashes,
    order_from_pairs,
    pair_sorted,
    row_chunks,
    values_close,
)

# ---------------------------------------------------------------------------------------------------
# Public entry point


def compare(
    original: Captured,
    rewritten: Captured,
    *,
    tol: Tolerance | None = None,
    column_blocks: Iterable[ColumnBlock | Sequence[Any]] | None = None,
    row_ids: Mapping[str, Any] | None = None,
) -> EquivalenceReport:
    """Compare the rewrite's training data, estimator and predictions with the original's.

    ``column_blocks`` (transformer name, start, stop, input columns) and ``row_ids`` (source name to
    the source row id of each of your X rows) are optional context that sharpen the diagnosis.
    """
    tol = tol or Tolerance()
    case = Case.build(original, rewritten, tol, column_blocks, row_ids)
    data = _compare_data(case)
    model = model_findings(original, rewritten, tol)
    if not data.ok:
        data.evidence += [f"also (model): {line}" for line in model]
        return data
    if model:
        summary = "X and y match, but the estimator differs: " + "; ".join(model[:3])
        return _with_orders(make_report("mismatch", "model", summary, model, tol), data)
    failure = prediction_failure(original, rewritten, tol)
    return _with_orders(failure, data) if failure else data


def _with_orders(report: EquivalenceReport, data: EquivalenceReport) -> EquivalenceReport:
    report.row_order, report.column_order = data.row_order, data.column_order
    return report


def comparison_text(tol: Tolerance | None = None) -> str:
    """How X is compared, in the words of the prompts where the column layout is decided: built
    from this module's choices (levels, tolerance), so that the prompt cannot drift from them."""
    tol = tol or Tolerance()
    return (
        "How X is compared: your X_train and the original's fitted X are made dense float64 "
        "matrices (numeric text parsed as NumPy's float64 conversion parses it) and compared "
        "column by column by position; column names play no part. Values "
        f"match when |yours - original| <= {tol.atol:g} + {tol.rtol:g} * |original| (NaN matches "
        "NaN). A match is also accepted with the rows in another order, or with whole columns or "
        "one-hot groups at other positions, but not both at once, and never with the categories "
        "of a one-hot group in another order. The model fitted on your X is then held to the "
        "original's predictions, position by position: one that draws columns by position (a "
        "forest, boosting with `max_features`) fits otherwise on permuted columns, so keep the "
        "original's column order."
    )


# ---------------------------------------------------------------------------------------------------
# X and y: levels


def _compare_data(case: Case) -> EquivalenceReport:
    """Find the accepted level of X and y, or diagnose why there is none."""
    if len(case.yb) != len(case.B):
        return labels_length_failure(case)
    if len(case.A) != len(case.B):
        return diagnose_row_count(case)
    if case.A.shape[1] != case.B.shape[1]:
        return diagnose_column_count(case)
    x_exact = allclose(case.A, case.B, case.tol)
    if x_exact and labels_close(case.ya, case.yb, case.tol).all():
        return make_report("exact", None, "X and y match exactly.", [], case.tol)
    by_columns = None
    if not x_exact and _columns_may_match(case):
        column_order = match_columns(case)
        if column_order is not None:
            by_columns = _columns_level(case, column_order)
            if by_columns.level != "mismatch":
                return by_columns
    # a row swap can look like a column swap ([[nan, 0], [0, nan]]): y decides which it was
    pairs = match_rows(case, thorough=_sums_may_match(case))
    row_order = order_from_pairs(*pairs, case.n)
    if row_order is not None:
        by_rows = _rows_level(case, row_order)
        if by_rows.level != "mismatch" or by_columns is None:
            return by_rows
    return by_columns or _both_permuted(case) or diagnose_x(case, pairs)


def _sums_may_match(case: Case) -> bool:
    """Necessary condition for a row permutation: every column sums alike, within the tolerance.

    One cheap pass; when it fails, the full search for a row permutation (several passes) is
    skipped and only the rows shared by both sides are counted.
    """
    sa, abs_a = _column_sums(case.A)
    sb, _ = _column_sums(case.B)
    slack = case.n * case.tol.atol + (case.tol.rtol + 1e-10) * abs_a
    with np.errstate(invalid="ignore"):
        far = np.abs(sa - sb) > slack
    return not far.any()


def _column_sums(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total, magnitude = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for c in row_chunks(len(X), X.shape[1]):
        total += X[c].sum(axis=0)
        magnitude += np.abs(X[c]).sum(axis=0)
    return total, magnitude


def _columns_may_match(case: Case, budget: int = 2_000_000) -> bool:
    """Cheap screen on the first rows: could each column equal a column of yours, rows unmoved?

    It compares every pair of columns with the tolerance on a sample of rows, so it never misses a
    true column permutation; it only spares the full column search when rows were moved instead.
    """
    m = case.A.shape[1]
    k = min(case.n, 1024, budget // max(m * m, 1))
    if k < 16:
        return True
    a, b = case.A[:k, :, None], case.B[:k, None, :]
    near = values_close(a, b, case.tol).all(axis=0)
    return bool(near.any(axis=1).all() and near.any(axis=0).all())


def _rows_level(case: Case, row_order: np.ndarray) -> EquivalenceReport:
    """X rows match up to order: accept, unless y then differs."""
    moved = int((row_order != np.arange(case.n)).sum())
    level: Level = "rows-permuted" if moved else "exact"
    order = row_order if moved else None
    if not labels_close(case.ya, case.yb[row_order], case.tol).all():
        return diagnose_labels(case, order, level)
    if not moved:
        return make_report("exact", None, "X and y match exactly.", [], case.tol)
    evidence = [f"{moved} of {case.n} rows are at another position; row_order maps them"]
    report = make_report(
        level, None, "X and y match with your rows in another order.", evidence, case.tol
    )
    report.row_order = order
    return report


def _columns_level(case: Case, column_order: np.ndarray) -> EquivalenceReport:
    """X columns match up to order: accept, unless a one-hot group's category order changed or y differs."""
    reordered = [g for g in one_hot_groups(case.A, case.blocks) if _reorders(column_order, g)]
    if reordered:
        evidence = [one_hot_order_line(case, g, column_order[g[0] : g[1]]) for g in reordered]
        evidence.append(f"all other columns match; full column_order: {short_list(column_order)}")
        summary = "Columns match up to order, but one-hot columns are in another category order."
        report = make_report("mismatch", "features", summary, evidence, case.tol)
    elif not labels_close(case.ya, case.yb, case.tol).all():
        report = diagnose_labels(case, None, "columns-permuted")
    else:
        moved = int((column_order != np.arange(len(column_order))).sum())
        evidence = [f"{moved} columns are at another position: {short_list(column_order)}"]
        report = make_report(
            "columns-permuted",
            None,
            "X and y match with your columns in another order.",
            evidence,
            case.tol,
        )
    report.column_order = column_order
    return report


def _reorders(column_order: np.ndarray, group: tuple[int, int]) -> bool:
    """Whether the permutation changes the relative order of the columns of a one-hot group."""
    targets = column_order[group[0] : group[1]]
    return bool((np.diff(targets) < 0).any())


def _both_permuted(case: Case) -> EquivalenceReport | None:
    """Rows and columns both in another order: match columns by value multisets, then rows."""
    ha, hb = multiset_hashes(case)
    ja, jb = pair_sorted(ha, [], hb, [])
    column_order = order_from_pairs(ja, jb, case.A.shape[1])
    if column_order is None or is_identity(column_order):
        return None
    row_order = order_from_pairs(*match_rows(case, cols_b=column_order), case.n)
    if row_order is None:
        return None
    evidence = [
        "rows alone in another order would be accepted, and columns alone too, but not both (DESIGN)",
        f"column_order (your column for each original column): {short_list(column_order)}",
    ]
    groups = [g for g in one_hot_groups(case.A, case.blocks) if _reorders(column_order, g)]
    evidence += [one_hot_order_line(case, g, column_order[g[0] : g[1]]) for g in groups]
    if not labels_close(case.ya, case.yb[row_order], case.tol).all():
        evidence.append("also (label): y differs even after aligning the rows")
    summary = "Your X has the original's rows and columns, but both in another order; keep the column order."
    report = make_report("mismatch", "features", summary, evidence, case.tol)
    report.row_order, report.column_order = row_order, column_order
    return report
