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

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Level = Literal["exact", "rows-permuted", "columns-permuted", "mismatch"]
Stage = Literal["data_preparation", "features", "label", "model"]

_CHUNK_VALUES = 1 << 19  # values per block in streaming loops: 4 MB temporaries stay in cache
_GREEDY_BUDGET = 50_000_000  # values compared in the final one-by-one matching, at most
_EXAMPLES = 5  # example rows or values shown per finding
_SHOWN_COLUMNS = 8  # values shown per example row
_DESCRIBED_BLOCKS = 6  # differing column blocks described in detail
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SPLITMIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_SPLITMIX_2 = np.uint64(0x94D049BB133111EB)


@dataclass
class Captured:
    """What one side trained on: the final ``fit``'s X and y, estimator class and parameters."""

    X: np.ndarray
    y: np.ndarray
    estimator: str
    params: dict[str, Any]
    predictions: np.ndarray | None = None


@dataclass(frozen=True)
class Tolerance:
    """Floats match when ``|yours - original| <= atol + rtol * |original|`` (NaN matches NaN)."""

    rtol: float = 1e-7
    atol: float = 1e-9


@dataclass(frozen=True)
class ColumnBlock:
    """Columns ``start..stop-1`` of the rewrite's X, produced by the ColumnTransformer transformer
    ``name`` from ``input_columns``; it lets the diagnosis name the transformer at fault."""

    name: str
    start: int
    stop: int
    input_columns: tuple[str, ...] = ()


@dataclass
class EquivalenceReport:
    """The verdict: a level, the stage at fault and evidence, and the orders found when permuted.

    ``row_order``/``column_order`` map the original onto yours: ``yours.X[row_order]`` and
    ``yours.X[:, column_order]`` equal the original's X (None means the identity).
    """

    level: Level
    stage: Stage | None
    summary: str
    evidence: list[str] = field(default_factory=list)
    row_order: np.ndarray | None = None
    column_order: np.ndarray | None = None
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def ok(self) -> bool:
        """True when the rewrite matches at an accepted level."""
        return self.level != "mismatch"

    def to_text(self, max_chars: int = 6000) -> str:
        """A bounded plain-text rendering, for a person and for the repair prompt alike."""
        verdict = f"MATCH ({self.level})" if self.ok else "MISMATCH"
        head = f"Equivalence: {verdict}"
        if self.stage:
            head += f"; stage most likely at fault: {self.stage}"
        lines = [head, self.summary]
        if self.evidence:
            lines.append("Evidence:")
            lines += [f"- {_clip(line, 600)}" for line in self.evidence]
        lines.append(f"Tolerance: rtol={self.tolerance.rtol:g}, atol={self.tolerance.atol:g}")
        text = "\n".join(lines)
        return text if len(text) <= max_chars else text[: max_chars - 20] + "\n... (truncated)"

    def to_dict(self, max_order: int = 10_000) -> dict[str, Any]:
        """JSON-safe fields; orders longer than ``max_order`` are left out (their length is kept)."""
        return {
            "level": self.level,
            "ok": self.ok,
            "stage": self.stage,
            "summary": self.summary,
            "evidence": list(self.evidence),
            "tolerance": {"rtol": self.tolerance.rtol, "atol": self.tolerance.atol},
            **_order_dict("row_order", self.row_order, max_order),
            **_order_dict("column_order", self.column_order, max_order),
        }


def _order_dict(name: str, order: np.ndarray | None, max_len: int) -> dict[str, Any]:
    if order is None:
        return {name: None}
    shown = [int(i) for i in order] if len(order) <= max_len else None
    return {name: shown, f"{name}_length": len(order)}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    case = _Case.build(original, rewritten, tol, column_blocks, row_ids)
    data = _compare_data(case)
    model = _model_findings(original, rewritten, tol)
    if not data.ok:
        data.evidence += [f"also (model): {line}" for line in model]
        return data
    if model:
        summary = "X and y match, but the estimator differs: " + "; ".join(model[:3])
        return _with_orders(_report("mismatch", "model", summary, model, tol), data)
    failure = _prediction_failure(original, rewritten, tol)
    return _with_orders(failure, data) if failure else data


def _with_orders(report: EquivalenceReport, data: EquivalenceReport) -> EquivalenceReport:
    report.row_order, report.column_order = data.row_order, data.column_order
    return report


def _report(level: Level, stage: Stage | None, summary: str, evidence: list[str], tol: Tolerance):
    return EquivalenceReport(level, stage, summary, evidence, tolerance=tol)


# ---------------------------------------------------------------------------------------------------
# Inputs


@dataclass
class _Case:
    """Both sides normalized (float64 matrices, 1-D labels) plus shared label sort keys."""

    A: np.ndarray
    B: np.ndarray
    ya: np.ndarray
    yb: np.ndarray
    tol: Tolerance
    blocks: list[ColumnBlock]
    row_ids: dict[str, np.ndarray]
    ka: np.ndarray = field(init=False)
    kb: np.ndarray = field(init=False)
    multiset: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.ka, self.kb = _label_codes(self.ya, self.yb, self.tol)

    @classmethod
    def build(cls, original, rewritten, tol, column_blocks, row_ids) -> _Case:
        A, B = _as_matrix(original.X), _as_matrix(rewritten.X)
        ya, yb = _as_labels(original.y), _as_labels(rewritten.y)
        if len(ya) != len(A):
            raise ValueError(f"original y has {len(ya)} values for {len(A)} rows of X")
        ids = {str(k): np.asarray(v) for k, v in (row_ids or {}).items()}
        return cls(A, B, ya, yb, tol, _as_blocks(column_blocks), ids)

    @functools.cached_property
    def sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Row sums of both sides: they order equal-fingerprint rows alike on the two sides (values
        rounded to one key can still be farther apart than the tolerance)."""
        return self.A.sum(axis=1), self.B.sum(axis=1)

    @property
    def n(self) -> int:
        return len(self.A)

    def block_name(self, col: int) -> str:
        """' (your transformer 'x' on a, b)' for a column of yours inside a known block, else ''."""
        for b in self.blocks:
            if b.start <= col < b.stop:
                inputs = f" on {', '.join(b.input_columns)}" if b.input_columns else ""
                return f" (your transformer '{b.name}'{inputs})"
        return ""


def _as_matrix(X: Any) -> np.ndarray:
    """A float64 2-D array; sparse matrices (anything with ``toarray``) are densified."""
    X = X.toarray() if hasattr(X, "toarray") else X
    a = np.asarray(X, dtype=np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 else np.ascontiguousarray(a)


def _as_labels(y: Any) -> np.ndarray:
    """1-D labels: float64 when numeric (bool and object arrays of numbers included), else strings."""
    a = np.asarray(y).ravel()
    if a.dtype.kind == "O" and not any(isinstance(v, str) for v in a):
        try:
            return a.astype(np.float64)
        except (TypeError, ValueError):
            pass
    return a.astype(np.float64) if a.dtype.kind in "biuf" else a.astype(str)


def _as_blocks(blocks: Iterable[ColumnBlock | Sequence[Any]] | None) -> list[ColumnBlock]:
    out = []
    for b in blocks or ():
        if not isinstance(b, ColumnBlock):
            name, start, stop, *rest = b
            inputs = rest[0] if rest else ()
            inputs = (inputs,) if isinstance(inputs, str) else tuple(str(c) for c in inputs)
            b = ColumnBlock(str(name), int(start), int(stop), inputs)
        out.append(b)
    return out


def _is_numeric(y: np.ndarray) -> bool:
    return y.dtype.kind == "f"


def _label_codes(ya: np.ndarray, yb: np.ndarray, tol: Tolerance) -> tuple[np.ndarray, np.ndarray]:
    """Integer sort keys for labels, comparable across the two sides."""
    if _is_numeric(ya) and _is_numeric(yb):
        return _quantized_bits(ya, tol, _grids(tol)[0]), _quantized_bits(yb, tol, _grids(tol)[0])
    both = np.concatenate([ya.astype(str), yb.astype(str)])
    codes = np.unique(both, return_inverse=True)[1].ravel()
    return codes[: len(ya)], codes[len(ya) :]


def _labels_close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> np.ndarray:
    if _is_numeric(a) and _is_numeric(b):
        return _close(a, b, tol)
    return a.astype(str) == b.astype(str)


# ---------------------------------------------------------------------------------------------------
# Tolerant elementwise comparison


def _close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> np.ndarray:
    """Elementwise match of ``b`` (yours) to ``a`` (original); NaN equals NaN, inf equals inf."""
    eq = a == b
    if eq.all():
        return eq
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.abs(b - a) <= tol.atol + tol.rtol * np.abs(a)
    return near | eq | (np.isnan(a) & np.isnan(b))


def _chunks(n_rows: int, width: int) -> Iterator[slice]:
    """Row slices of a streaming loop, sized so that each block's temporaries stay small."""
    step = max(64, _CHUNK_VALUES // max(width, 1))
    return (slice(s, s + step) for s in range(0, n_rows, step))


def _take(block: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    return block if cols is None else block[:, cols]


def _allclose(A: np.ndarray, B: np.ndarray, tol: Tolerance) -> bool:
    """Same-shape matrices match everywhere; stops at the first block that does not."""
    if A.shape != B.shape:
        return False
    return all(_close(A[c], B[c], tol).all() for c in _chunks(len(A), A.shape[1]))


def _rows_close(case: _Case, ia, ib, cols_a=None, cols_b=None) -> np.ndarray:
    """Per pair (ia[k], ib[k]): do the two rows match on the given columns?"""
    out = np.empty(len(ia), dtype=bool)
    for c in _chunks(len(ia), case.A.shape[1]):
        a = _take(case.A[ia[c]], cols_a)
        b = _take(case.B[ib[c]], cols_b)
        out[c] = _close(a, b, case.tol).all(axis=1)
    return out


def _columns_close(case: _Case, ja: np.ndarray, jb: np.ndarray) -> np.ndarray:
    """Per pair (ja[k], jb[k]): do the two columns match, rows in the same order?"""
    out = np.ones(len(ja), dtype=bool)
    for c in _chunks(case.n, len(ja)):
        out &= _close(case.A[c, ja], case.B[c, jb], case.tol).all(axis=0)
    return out


# ---------------------------------------------------------------------------------------------------
# Fingerprints


@dataclass(frozen=True)
class _Grid:
    """Rounding grid: drop the low ``drop`` mantissa bits, rounding (or truncating when shifted)."""

    drop: int
    shifted: bool = False


def _grids(tol: Tolerance) -> list[_Grid]:
    """The fine grid fitting rtol, then a coarser one and the same shifted by half a cell."""
    keep = 52 if tol.rtol <= 0 else max(0, min(52, math.floor(-math.log2(tol.rtol)) - 1))
    fine, coarse = 52 - keep, min(52, 52 - keep + 12)
    return [_Grid(fine), _Grid(coarse), _Grid(coarse, shifted=True)]


def _quantized_bits(x: np.ndarray, tol: Tolerance, grid: _Grid) -> np.ndarray:
    """The float bits of x rounded to the grid, so values within tolerance mostly share a key.

    Values within atol of zero become 0 (which also folds -0.0 into 0.0) and every NaN the same NaN.
    """
    q = np.where(np.abs(x) <= tol.atol, 0.0, x)
    q[np.isnan(q)] = np.nan
    bits = q.view(np.uint64)
    if grid.drop:
        if not grid.shifted:
            bits += np.uint64(1 << (grid.drop - 1))
        bits &= ~np.uint64((1 << grid.drop) - 1)
    return bits


def _keys(count: int, seed: int) -> np.ndarray:
    """Pseudo-random 64-bit keys, one per position, fixed by seed so fingerprints are reproducible."""
    return np.random.default_rng(seed).integers(0, 2**64, size=count, dtype=np.uint64)


def _mix(bits: np.ndarray, keys: np.ndarray | np.uint64) -> np.ndarray:
    """Scramble bits in place with position keys (SplitMix64's finalizer), so sums of them make good
    fingerprints. Keys are xored in before mixing: float bits carry little entropy in their low
    bits, and multiplying by a key would leave e.g. 1.0 in different columns with few distinct
    products."""
    bits ^= keys
    bits ^= bits >> np.uint64(30)
    bits *= _SPLITMIX_1
    bits ^= bits >> np.uint64(27)
    bits *= _SPLITMIX_2
    bits ^= bits >> np.uint64(31)
    return bits


def _row_hashes(X: np.ndarray, rows, cols, tol: Tolerance, grid: _Grid) -> np.ndarray:
    """A fingerprint of each selected row on the selected columns (None selects all)."""
    n = len(X) if rows is None else len(rows)
    keys = _keys(X.shape[1] if cols is None else len(cols), seed=1)
    out = np.empty(n, dtype=np.uint64)
    for c in _chunks(n, len(keys)):
        block = X[c] if rows is None else X[rows[c]]
        bits = _quantized_bits(_take(block, cols), tol, grid)
        out[c] = _mix(bits, keys).sum(axis=1, dtype=np.uint64)
    return out


def _column_hashes(X: np.ndarray, cols, tol: Tolerance, grid: _Grid, positional: bool):
    """A fingerprint of each selected column: of its values in row order, or of their multiset."""
    n = len(X)
    row_keys = _keys(n, seed=2)[:, None] if positional else np.uint64(_GOLDEN)
    out = np.zeros(X.shape[1] if cols is None else len(cols), dtype=np.uint64)
    for c in _chunks(n, len(out)):
        keys = row_keys[c] if positional else row_keys
        bits = _quantized_bits(_take(X[c], cols), tol, grid)
        out += _mix(bits, keys).sum(axis=0, dtype=np.uint64)
    return out


# ---------------------------------------------------------------------------------------------------
# Pairing by sorted fingerprints

_Hashes = Callable[[np.ndarray, np.ndarray, _Grid], tuple[np.ndarray, np.ndarray]]
_Verify = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _occurrence(sorted_keys: np.ndarray) -> np.ndarray:
    """For each position of a sorted array, how many equal keys come before it."""
    idx = np.arange(len(sorted_keys))
    starts = np.ones(len(sorted_keys), dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return idx - np.maximum.accumulate(np.where(starts, idx, 0))


def _sort(keys: np.ndarray, ties: Sequence[np.ndarray]) -> np.ndarray:
    """Order by keys, then by the tie keys; the tie keys only matter when keys repeat."""
    order = np.argsort(keys)
    if len(ties) and len(keys) > 1:
        ordered = keys[order]
        if (ordered[1:] == ordered[:-1]).any():
            order = np.lexsort((*reversed(ties), keys))
    return order


def _pair_sorted(ha, ties_a, hb, ties_b) -> tuple[np.ndarray, np.ndarray]:
    """Pair the k-th item of each fingerprint on one side with the k-th of the same on the other.

    Within equal fingerprints items are ordered by the tie keys (labels, say), so duplicate rows
    with different labels meet the partner with the same label.
    """
    oa, ob = _sort(ha, ties_a), _sort(hb, ties_b)
    ka, kb = ha[oa], hb[ob]
    cand = np.searchsorted(kb, ka, side="left") + _occurrence(ka)
    hit = cand < len(kb)
    hit[hit] = kb[cand[hit]] == ka[hit]
    return oa[hit], ob[cand[hit]]


def _pair(na, nb, hashes: _Hashes, verify: _Verify, grids, ties, cost: int, relaxed=None):
    """Pair items (rows or columns) of two sides whose fingerprints agree, verified, pass by pass.

    Each pass fingerprints only what is still unpaired, on the next grid; a coarse pass that pairs
    nothing ends the search (nothing is near). ``relaxed`` (rows: X without y) then gets one more
    pass, so that rows whose labels differ still pair after all rows with equal labels did.
    Leftovers are matched one by one when that costs at most ``_GREEDY_BUDGET`` value comparisons
    (``cost`` values per pair).
    """
    left = (np.arange(na), np.arange(nb))
    first = hashes(*left, grids[0])
    found = [(left[0][:0], left[1][:0])]
    rejected_any = False  # without rejected candidates, a relaxed pass could pair nothing new
    for i, grid in enumerate(grids):
        if not (len(left[0]) and len(left[1])):
            break
        fingerprints = (first[0][left[0]], first[1][left[1]]) if i == 0 else hashes(*left, grid)
        pairs, left, rejected = _one_pass(left, fingerprints, ties, verify)
        found.append(pairs)
        rejected_any = rejected_any or rejected
        if i and not len(pairs[0]):
            break
    if relaxed and rejected_any and len(left[0]) and len(left[1]):
        pairs, left, _ = _one_pass(left, (first[0][left[0]], first[1][left[1]]), ties, relaxed)
        found.append(pairs)
    ra, rb = left
    if len(ra) and len(rb) and len(ra) * len(rb) * cost <= _GREEDY_BUDGET:
        found.append(_greedy(ra, rb, verify, relaxed or verify))
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


def _one_pass(left, fingerprints, ties, check: _Verify):
    """Pair the still unpaired items by their fingerprints; return the pairs, the rest, and
    whether some candidate pairs failed the check."""
    (ra, rb), (ha, hb) = left, fingerprints
    ia, ib = _pair_sorted(ha, [t[ra] for t in ties[0]], hb, [t[rb] for t in ties[1]])
    by_a = np.argsort(ia, kind="stable")  # read the original sequentially while verifying
    ia, ib = ia[by_a], ib[by_a]
    good = check(ra[ia], rb[ib])
    rejected = not good.all()
    ia, ib = ia[good], ib[good]
    return (ra[ia], rb[ib]), (np.delete(ra, ia), np.delete(rb, ib)), rejected


def _greedy(ra, rb, strict: _Verify, relaxed: _Verify) -> tuple[np.ndarray, np.ndarray]:
    """Tolerant one-by-one matching of a few leftovers (rounding fell apart on the two sides),
    preferring a partner that passes the strict check."""
    free = np.ones(len(rb), dtype=bool)
    pa, pb = [], []
    for a in ra:
        cands = np.flatnonzero(free)
        hits = cands[relaxed(np.full(len(cands), a), rb[cands])]
        if len(hits):
            best = hits[strict(np.full(len(hits), a), rb[hits])]
            j = best[0] if len(best) else hits[0]
            free[j] = False
            pa.append(a)
            pb.append(rb[j])
    return np.asarray(pa, dtype=np.intp), np.asarray(pb, dtype=np.intp)


def _match_rows(
    case: _Case, cols_a=None, cols_b=None, ties=None, thorough: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (original row, your row) of equal rows on the given columns (None: all, with labels).

    With all columns, rows pair with a row of equal label first and only then with any equal row,
    so duplicate rows with different labels find the right partner; equal fingerprints are ordered
    by label, then by row sum. Without ``thorough`` only the
    fine grid is tried: enough to count and show the shared rows.
    """
    labels = ties is None
    ties = ties or ((case.ka, case.sums[0]), (case.kb, case.sums[1]))

    def hashes(ra, rb, grid):
        rows_a = None if len(ra) == case.n else ra
        rows_b = None if len(rb) == len(case.B) else rb
        return (
            _row_hashes(case.A, rows_a, cols_a, case.tol, grid),
            _row_hashes(case.B, rows_b, cols_b, case.tol, grid),
        )

    def x_equal(ia, ib):
        return _rows_close(case, ia, ib, cols_a, cols_b)

    def x_and_y_equal(ia, ib):
        return x_equal(ia, ib) & _labels_close(case.ya[ia], case.yb[ib], case.tol)

    width = case.A.shape[1] if cols_a is None else len(cols_a)
    grids = _grids(case.tol) if thorough else _grids(case.tol)[:1]
    if not labels:
        return _pair(case.n, len(case.B), hashes, x_equal, grids, ties, max(width, 1))
    return _pair(case.n, len(case.B), hashes, x_and_y_equal, grids, ties, max(width, 1), x_equal)


def _match_columns(case: _Case) -> np.ndarray | None:
    """Your column for each original column when rows are in the same order, or None."""
    m = case.A.shape[1]

    def hashes(ja, jb, grid):
        return (
            _column_hashes(case.A, ja, case.tol, grid, positional=True),
            _column_hashes(case.B, jb, case.tol, grid, positional=True),
        )

    verify = lambda ja, jb: _columns_close(case, ja, jb)  # noqa: E731
    ja, jb = _pair(m, m, hashes, verify, _grids(case.tol), ((), ()), max(case.n, 1))
    return _order_from_pairs(ja, jb, m)


def _is_identity(order: np.ndarray) -> bool:
    return bool((order == np.arange(len(order))).all())


def _order_from_pairs(ia: np.ndarray, ib: np.ndarray, n: int) -> np.ndarray | None:
    if len(ia) != n:
        return None
    order = np.empty(n, dtype=np.intp)
    order[ia] = ib
    return order


def _multiset_hashes(case: _Case) -> tuple[np.ndarray, np.ndarray]:
    """Row-order-free column fingerprints of both sides (fine grid), computed once per case."""
    if case.multiset is None:
        grid = _grids(case.tol)[0]
        case.multiset = (
            _column_hashes(case.A, None, case.tol, grid, positional=False),
            _column_hashes(case.B, None, case.tol, grid, positional=False),
        )
    return case.multiset


# ---------------------------------------------------------------------------------------------------
# X and y: levels


def _compare_data(case: _Case) -> EquivalenceReport:
    """Find the accepted level of X and y, or diagnose why there is none."""
    if len(case.yb) != len(case.B):
        return _labels_length_failure(case)
    if len(case.A) != len(case.B):
        return _diagnose_row_count(case)
    if case.A.shape[1] != case.B.shape[1]:
        return _diagnose_column_count(case)
    x_exact = _allclose(case.A, case.B, case.tol)
    if x_exact and _labels_close(case.ya, case.yb, case.tol).all():
        return _report("exact", None, "X and y match exactly.", [], case.tol)
    if not x_exact and _columns_may_match(case):
        column_order = _match_columns(case)
        if column_order is not None:
            return _columns_level(case, column_order)
    pairs = _match_rows(case, thorough=_sums_may_match(case))
    row_order = _order_from_pairs(*pairs, case.n)
    if row_order is not None:
        return _rows_level(case, row_order)
    return _both_permuted(case) or _diagnose_x(case, pairs)


def _sums_may_match(case: _Case) -> bool:
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
    for c in _chunks(len(X), X.shape[1]):
        total += X[c].sum(axis=0)
        magnitude += np.abs(X[c]).sum(axis=0)
    return total, magnitude


def _columns_may_match(case: _Case, budget: int = 2_000_000) -> bool:
    """Cheap screen on the first rows: could each column equal a column of yours, rows unmoved?

    It compares every pair of columns with the tolerance on a sample of rows, so it never misses a
    true column permutation; it only spares the full column search when rows were moved instead.
    """
    m = case.A.shape[1]
    k = min(case.n, 1024, budget // max(m * m, 1))
    if k < 16:
        return True
    a, b = case.A[:k, :, None], case.B[:k, None, :]
    near = _close(a, b, case.tol).all(axis=0)
    return bool(near.any(axis=1).all() and near.any(axis=0).all())


def _rows_level(case: _Case, row_order: np.ndarray) -> EquivalenceReport:
    """X rows match up to order: accept, unless y then differs."""
    moved = int((row_order != np.arange(case.n)).sum())
    level: Level = "rows-permuted" if moved else "exact"
    order = row_order if moved else None
    if not _labels_close(case.ya, case.yb[row_order], case.tol).all():
        return _diagnose_labels(case, order, level)
    if not moved:
        return _report("exact", None, "X and y match exactly.", [], case.tol)
    evidence = [f"{moved} of {case.n} rows are at another position; row_order maps them"]
    report = _report(
        level, None, "X and y match with your rows in another order.", evidence, case.tol
    )
    report.row_order = order
    return report


def _columns_level(case: _Case, column_order: np.ndarray) -> EquivalenceReport:
    """X columns match up to order: accept, unless a one-hot group's category order changed or y differs."""
    reordered = [g for g in _one_hot_groups(case.A, case.blocks) if _reorders(column_order, g)]
    if reordered:
        evidence = [_one_hot_order_line(case, g, column_order[g[0] : g[1]]) for g in reordered]
        evidence.append(f"all other columns match; full column_order: {_short_list(column_order)}")
        summary = "Columns match up to order, but one-hot columns are in another category order."
        report = _report("mismatch", "features", summary, evidence, case.tol)
    elif not _labels_close(case.ya, case.yb, case.tol).all():
        report = _diagnose_labels(case, None, "columns-permuted")
    else:
        moved = int((column_order != np.arange(len(column_order))).sum())
        evidence = [f"{moved} columns are at another position: {_short_list(column_order)}"]
        report = _report(
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


def _both_permuted(case: _Case) -> EquivalenceReport | None:
    """Rows and columns both in another order: match columns by value multisets, then rows."""
    ha, hb = _multiset_hashes(case)
    ja, jb = _pair_sorted(ha, [], hb, [])
    column_order = _order_from_pairs(ja, jb, case.A.shape[1])
    if column_order is None or _is_identity(column_order):
        return None
    row_order = _order_from_pairs(*_match_rows(case, cols_b=column_order), case.n)
    if row_order is None:
        return None
    evidence = [
        "rows alone in another order would be accepted, and columns alone too, but not both (DESIGN)",
        f"column_order (your column for each original column): {_short_list(column_order)}",
    ]
    groups = [g for g in _one_hot_groups(case.A, case.blocks) if _reorders(column_order, g)]
    evidence += [_one_hot_order_line(case, g, column_order[g[0] : g[1]]) for g in groups]
    if not _labels_close(case.ya, case.yb[row_order], case.tol).all():
        evidence.append("also (label): y differs even after aligning the rows")
    summary = "Your X has the original's rows and columns, but both in another order; keep the column order."
    report = _report("mismatch", "features", summary, evidence, case.tol)
    report.row_order, report.column_order = row_order, column_order
    return report


# ---------------------------------------------------------------------------------------------------
# One-hot groups


def _binary_columns(X: np.ndarray) -> np.ndarray:
    """Indices of columns holding only 0 and 1 (screened on a sample first, to stay cheap)."""
    cand = np.arange(X.shape[1])
    for rows in (slice(0, 2048), slice(None)):
        sub = X[rows][:, cand]
        cand = cand[((sub == 0) | (sub == 1)).all(axis=0)]
    return cand


def _one_hot_groups(X: np.ndarray, blocks: list[ColumnBlock]) -> list[tuple[int, int]]:
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


def _one_hot_order_line(case: _Case, group: tuple[int, int], targets: np.ndarray) -> str:
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


def _labels_length_failure(case: _Case) -> EquivalenceReport:
    summary = f"Your y has {len(case.yb)} values but your X has {len(case.B)} rows."
    evidence = [
        f"original: X {case.A.shape}, y {len(case.ya)}; yours: X {case.B.shape}, y {len(case.yb)}"
    ]
    return _report("mismatch", "label", summary, evidence, case.tol)


def _diagnose_row_count(case: _Case) -> EquivalenceReport:
    """Different row counts: data preparation (filters, joins), with rows present on one side only."""
    na, nb = len(case.A), len(case.B)
    more = nb > na
    summary = (
        f"Row counts differ: the original trains on {na} rows, yours on {nb} "
        f"({abs(nb - na)} {'more' if more else 'fewer'})."
    )
    evidence = [f"rows: original {na}, yours {nb}"]
    if case.A.shape[1] == case.B.shape[1]:
        evidence += _row_set_evidence(case, *_match_rows(case))
    else:
        evidence.append(
            f"column counts differ too: original {case.A.shape[1]}, yours {case.B.shape[1]}"
        )
    evidence.append(_MORE_ROWS_HINT if more else _FEWER_ROWS_HINT)
    return _report("mismatch", "data_preparation", summary, evidence, case.tol)


_MORE_ROWS_HINT = (
    "possible causes (yours keeps more): a filter of the original missing or looser in yours, a left or "
    "outer join where the original joins inner, a join key that is not unique (rows fan out), or a "
    "missing de-duplication"
)
_FEWER_ROWS_HINT = (
    "possible causes (yours keeps fewer): a stricter or extra filter, an inner join where the original "
    "keeps unmatched rows (left join), rows with missing values dropped, or a missing union"
)


def _row_set_evidence(case: _Case, ia: np.ndarray, ib: np.ndarray) -> list[str]:
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


def _copies(case: _Case, rows: np.ndarray) -> np.ndarray:
    """Which of these rows of yours also occur in the original (so they are surplus copies)."""
    grid = _grids(case.tol)[0]
    original = _row_hashes(case.A, None, None, case.tol, grid)
    return np.isin(_row_hashes(case.B, rows, None, case.tol, grid), original)


def _source_ids(case: _Case, row: int) -> str:
    if not case.row_ids:
        return ""
    parts = [f"{src} {_fmt_id(ids[row])}" for src, ids in case.row_ids.items() if row < len(ids)]
    return f"; source rows: {', '.join(parts)}" if parts else ""


def _fmt_id(value: Any) -> str:
    return str(np.asarray(value).tolist())


def _fan_out(case: _Case, extra: np.ndarray) -> list[str]:
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


def _diagnose_column_count(case: _Case) -> EquivalenceReport:
    """Same rows, other column count: feature encoding; name blocks and unmatched columns."""
    ma, mb = case.A.shape[1], case.B.shape[1]
    summary = f"Column counts differ: the original X has {ma} columns, yours {mb} (rows: {case.n} on both)."
    evidence = [f"columns: original {ma}, yours {mb}"]
    if case.blocks:
        evidence.append("your blocks: " + "; ".join(_fmt_block(b) for b in case.blocks))
    groups = _one_hot_groups(case.A, [])
    if groups:
        evidence.append(
            "original one-hot groups: "
            + ", ".join(f"{s}-{e - 1} ({e - s} columns)" for s, e in groups)
        )
    ha, hb = _multiset_hashes(case)
    only_a, only_b = (
        np.setdiff1d(np.arange(ma), np.flatnonzero(np.isin(ha, hb))),
        np.flatnonzero(~np.isin(hb, ha)),
    )
    evidence.append(
        f"original columns with no column of equal values in yours: {_short_list(only_a)}"
    )
    evidence.append(
        f"your columns with no column of equal values in the original: {_short_list(only_b)}"
    )
    evidence += [
        f"your column {j}{case.block_name(int(j))}: {_stats(case.B[:, j])}"
        for j in only_b[:_EXAMPLES]
    ]
    evidence += [f"original column {j}: {_stats(case.A[:, j])}" for j in only_a[:_EXAMPLES]]
    return _report("mismatch", "features", summary, evidence, case.tol)


def _fmt_block(b: ColumnBlock) -> str:
    inputs = f" on {', '.join(b.input_columns)}" if b.input_columns else ""
    return f"'{b.name}' columns {b.start}-{b.stop - 1} ({b.stop - b.start}){inputs}"


# ---------------------------------------------------------------------------------------------------
# Diagnosis: same shape, other content


def _diagnose_x(case: _Case, full: tuple[np.ndarray, np.ndarray]) -> EquivalenceReport:
    """Same shape, X differs: decide between other rows and other columns, and describe which."""
    ha, hb = _multiset_hashes(case)
    same = np.flatnonzero(ha == hb)
    if len(same) == case.A.shape[1]:
        summary = "Every column holds the original's values, but they combine into other rows."
        evidence = _row_set_evidence(case, *full)
        evidence.append(
            "possible causes: a join on another key, or a column computed out of row order"
        )
        return _report("mismatch", "data_preparation", summary, evidence, case.tol)
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


def _align_on(case: _Case, same: np.ndarray, differ: np.ndarray):
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
    order = _order_from_pairs(*_match_rows(case, cols_a=same, cols_b=same, ties=ties), case.n)
    return order, (_disagreement(case, order) if order is not None else found)


def _disagreement(case: _Case, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column, how many aligned rows differ; per row, whether any column differs."""
    counts = np.zeros(case.A.shape[1], dtype=np.int64)
    bad_rows = np.zeros(case.n, dtype=bool)
    identity = _is_identity(order)
    for c in _chunks(case.n, case.A.shape[1]):
        bad = ~_close(case.A[c], case.B[c] if identity else case.B[order[c]], case.tol)
        counts += bad.sum(axis=0)
        bad_rows[c] = bad.any(axis=1)
    return counts, bad_rows


def _rows_differ(case: _Case, full, why: str) -> EquivalenceReport:
    shared = len(full[0])
    summary = (
        f"Same row count ({case.n}), but {case.n - shared} original rows have no equal row in yours "
        "(a different set of rows)."
    )
    evidence = [why, *_row_set_evidence(case, *full), _SAME_COUNT_HINT]
    return _report("mismatch", "data_preparation", summary, evidence, case.tol)


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
    if not _is_identity(order):
        evidence.insert(
            0, "your rows are in another order; they were aligned on the columns that agree"
        )
    return _report("mismatch", "features", summary, evidence, case.tol)


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


def _describe_blocks(case: _Case, order: np.ndarray, counts: np.ndarray) -> tuple[list[str], bool]:
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


def _differing_blocks(case: _Case, counts: np.ndarray) -> list[tuple[int, int, bool]]:
    """Runs of differing columns; a run touching a one-hot group takes the whole group."""
    cols = set(np.flatnonzero(counts).tolist())
    groups = _one_hot_groups(case.A, case.blocks)
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


def _aligned(case: _Case, order: np.ndarray, s: int, e: int) -> tuple[np.ndarray, np.ndarray]:
    """Original columns s..e-1 and yours with rows aligned to the original."""
    b = case.B[:, s:e] if _is_identity(order) else case.B[order, s:e]
    return case.A[:, s:e], b


def _describe_one_hot(
    case: _Case, order: np.ndarray, s: int, e: int
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
            return [_one_hot_order_line(case, (s, e), targets)], True
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


def _describe_column(case: _Case, j: int, a: np.ndarray, b: np.ndarray) -> tuple[str, bool]:
    """How one aligned column differs: an affine map, or summaries, correlation and examples."""
    bad = ~_close(a, b, case.tol)
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


def _diagnose_labels(case: _Case, row_order: np.ndarray | None, level: Level) -> EquivalenceReport:
    """X matches at an accepted level but y differs: label extraction."""
    yb = case.yb if row_order is None else case.yb[row_order]
    bad = ~_labels_close(case.ya, yb, case.tol)
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
    report = _report("mismatch", "label", summary, evidence, case.tol)
    report.row_order = row_order
    return report


def _relabel_note(ya: np.ndarray, yb: np.ndarray) -> str:
    """Name a flipped binary label, swapped values, or a consistent renaming of the labels."""
    if _is_numeric(ya) and _is_numeric(yb) and np.isin(ya, (0, 1)).all() and (yb == 1 - ya).all():
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
    values, counts = np.unique(y.astype(str) if not _is_numeric(y) else y, return_counts=True)
    top = np.argsort(-counts, kind="stable")[:10]
    more = f", ... ({len(values) - 10} more values)" if len(values) > 10 else ""
    return "{" + ", ".join(f"{_label(values[i])}: {counts[i]}" for i in top) + more + "}"


def _label(v: Any) -> str:
    return _num(v) if isinstance(v, float | np.floating) else repr(str(v))


# ---------------------------------------------------------------------------------------------------
# Model and predictions


_ABSENT = object()


def _model_findings(original: Captured, rewritten: Captured, tol: Tolerance) -> list[str]:
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
    return "(absent)" if v is _ABSENT else _clip(repr(v), 120)


def _prediction_failure(
    original: Captured, rewritten: Captured, tol: Tolerance
) -> EquivalenceReport | None:
    """Predictions made by both sides that disagree: the model stage."""
    if original.predictions is None or rewritten.predictions is None:
        return None
    pa, pb = _as_labels(original.predictions), _as_labels(rewritten.predictions)
    if len(pa) != len(pb):
        summary = f"The original makes {len(pa)} predictions, yours {len(pb)}."
        return _report("mismatch", "model", summary, [summary], tol)
    agree = _labels_close(pa, pb, tol)
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
    return _report("mismatch", "model", summary, evidence, tol)


# ---------------------------------------------------------------------------------------------------
# Formatting


def _num(x: Any) -> str:
    return f"{float(x):.6g}"


def _fmt_row(x: np.ndarray, y: Any) -> str:
    shown = ", ".join(_num(v) for v in x[:_SHOWN_COLUMNS])
    more = f", ... (+{len(x) - _SHOWN_COLUMNS})" if len(x) > _SHOWN_COLUMNS else ""
    return f"[{shown}{more}] y={_label(y)}"


def _short_list(values: np.ndarray, limit: int = 30) -> str:
    items = [int(v) for v in values[:limit]]
    return str(items)[:-1] + (
        f", ... ({len(values) - limit} more)]" if len(values) > limit else "]"
    )
