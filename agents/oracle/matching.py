"""The matching half of the equivalence check: the captured sides, the tolerance, the report, and
the vectorized pairing of rows and columns by fingerprints (see `equivalence.py` for the method).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Level = Literal["exact", "rows-permuted", "columns-permuted", "mismatch"]
Stage = Literal["data_preparation", "features", "label", "model"]

_CHUNK_VALUES = 1 << 19  # values per block in streaming loops: 4 MB temporaries stay in cache
_GREEDY_BUDGET = 50_000_000  # values compared in the final one-by-one matching, at most
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
            lines += [f"- {clip(line, 600)}" for line in self.evidence]
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


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def make_report(
    level: Level, stage: Stage | None, summary: str, evidence: list[str], tol: Tolerance
):
    return EquivalenceReport(level, stage, summary, evidence, tolerance=tol)


# ---------------------------------------------------------------------------------------------------
# Inputs


@dataclass
class Case:
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
    def build(cls, original, rewritten, tol, column_blocks, row_ids) -> Case:
        A, B = _as_matrix(original.X), _as_matrix(rewritten.X)
        ya, yb = as_labels(original.y), as_labels(rewritten.y)
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


def as_labels(y: Any) -> np.ndarray:
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


def is_numeric(y: np.ndarray) -> bool:
    return y.dtype.kind == "f"


def _label_codes(ya: np.ndarray, yb: np.ndarray, tol: Tolerance) -> tuple[np.ndarray, np.ndarray]:
    """Integer sort keys for labels, comparable across the two sides."""
    if is_numeric(ya) and is_numeric(yb):
        return _quantized_bits(ya, tol, tolerance_grids(tol)[0]), _quantized_bits(
            yb, tol, tolerance_grids(tol)[0]
        )
    both = np.concatenate([ya.astype(str), yb.astype(str)])
    codes = np.unique(both, return_inverse=True)[1].ravel()
    return codes[: len(ya)], codes[len(ya) :]


def labels_close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> np.ndarray:
    if is_numeric(a) and is_numeric(b):
        return values_close(a, b, tol)
    return a.astype(str) == b.astype(str)


# ---------------------------------------------------------------------------------------------------
# Tolerant elementwise comparison


def values_close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> np.ndarray:
    """Elementwise match of ``b`` (yours) to ``a`` (original); NaN equals NaN, inf equals inf."""
    eq = a == b
    if eq.all():
        return eq
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.abs(b - a) <= tol.atol + tol.rtol * np.abs(a)
    return near | eq | (np.isnan(a) & np.isnan(b))


def row_chunks(n_rows: int, width: int) -> Iterator[slice]:
    """Row slices of a streaming loop, sized so that each block's temporaries stay small."""
    step = max(64, _CHUNK_VALUES // max(width, 1))
    return (slice(s, s + step) for s in range(0, n_rows, step))


def _take(block: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    return block if cols is None else block[:, cols]


def allclose(A: np.ndarray, B: np.ndarray, tol: Tolerance) -> bool:
    """Same-shape matrices match everywhere; stops at the first block that does not."""
    if A.shape != B.shape:
        return False
    return all(values_close(A[c], B[c], tol).all() for c in row_chunks(len(A), A.shape[1]))


def _rows_close(case: Case, ia, ib, cols_a=None, cols_b=None) -> np.ndarray:
    """Per pair (ia[k], ib[k]): do the two rows match on the given columns?"""
    out = np.empty(len(ia), dtype=bool)
    for c in row_chunks(len(ia), case.A.shape[1]):
        a = _take(case.A[ia[c]], cols_a)
        b = _take(case.B[ib[c]], cols_b)
        out[c] = values_close(a, b, case.tol).all(axis=1)
    return out


def _columns_close(case: Case, ja: np.ndarray, jb: np.ndarray) -> np.ndarray:
    """Per pair (ja[k], jb[k]): do the two columns match, rows in the same order?"""
    out = np.ones(len(ja), dtype=bool)
    for c in row_chunks(case.n, len(ja)):
        out &= values_close(case.A[c, ja], case.B[c, jb], case.tol).all(axis=0)
    return out


# ---------------------------------------------------------------------------------------------------
# Fingerprints


@dataclass(frozen=True)
class _Grid:
    """Rounding grid: drop the low ``drop`` mantissa bits, rounding (or truncating when shifted)."""

    drop: int
    shifted: bool = False


def tolerance_grids(tol: Tolerance) -> list[_Grid]:
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


def row_hashes(X: np.ndarray, rows, cols, tol: Tolerance, grid: _Grid) -> np.ndarray:
    """A fingerprint of each selected row on the selected columns (None selects all)."""
    n = len(X) if rows is None else len(rows)
    keys = _keys(X.shape[1] if cols is None else len(cols), seed=1)
    out = np.empty(n, dtype=np.uint64)
    for c in row_chunks(n, len(keys)):
        block = X[c] if rows is None else X[rows[c]]
        bits = _quantized_bits(_take(block, cols), tol, grid)
        out[c] = _mix(bits, keys).sum(axis=1, dtype=np.uint64)
    return out


def _column_hashes(X: np.ndarray, cols, tol: Tolerance, grid: _Grid, positional: bool):
    """A fingerprint of each selected column: of its values in row order, or of their multiset."""
    n = len(X)
    row_keys = _keys(n, seed=2)[:, None] if positional else np.uint64(_GOLDEN)
    out = np.zeros(X.shape[1] if cols is None else len(cols), dtype=np.uint64)
    for c in row_chunks(n, len(out)):
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


def pair_sorted(ha, ties_a, hb, ties_b) -> tuple[np.ndarray, np.ndarray]:
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
    ia, ib = pair_sorted(ha, [t[ra] for t in ties[0]], hb, [t[rb] for t in ties[1]])
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


def match_rows(
    case: Case, cols_a=None, cols_b=None, ties=None, thorough: bool = True
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
            row_hashes(case.A, rows_a, cols_a, case.tol, grid),
            row_hashes(case.B, rows_b, cols_b, case.tol, grid),
        )

    def x_equal(ia, ib):
        return _rows_close(case, ia, ib, cols_a, cols_b)

    def x_and_y_equal(ia, ib):
        return x_equal(ia, ib) & labels_close(case.ya[ia], case.yb[ib], case.tol)

    width = case.A.shape[1] if cols_a is None else len(cols_a)
    grids = tolerance_grids(case.tol) if thorough else tolerance_grids(case.tol)[:1]
    if not labels:
        return _pair(case.n, len(case.B), hashes, x_equal, grids, ties, max(width, 1))
    return _pair(case.n, len(case.B), hashes, x_and_y_equal, grids, ties, max(width, 1), x_equal)


def match_columns(case: Case) -> np.ndarray | None:
    """Your column for each original column when rows are in the same order, or None."""
    m = case.A.shape[1]

    def hashes(ja, jb, grid):
        return (
            _column_hashes(case.A, ja, case.tol, grid, positional=True),
            _column_hashes(case.B, jb, case.tol, grid, positional=True),
        )

    verify = lambda ja, jb: _columns_close(case, ja, jb)  # noqa: E731
    ja, jb = _pair(m, m, hashes, verify, tolerance_grids(case.tol), ((), ()), max(case.n, 1))
    return order_from_pairs(ja, jb, m)


def is_identity(order: np.ndarray) -> bool:
    return bool((order == np.arange(len(order))).all())


def order_from_pairs(ia: np.ndarray, ib: np.ndarray, n: int) -> np.ndarray | None:
    if len(ia) != n:
        return None
    order = np.empty(n, dtype=np.intp)
    order[ia] = ib
    return order


def multiset_hashes(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Row-order-free column fingerprints of both sides (fine grid), computed once per case."""
    if case.multiset is None:
        grid = tolerance_grids(case.tol)[0]
        case.multiset = (
            _column_hashes(case.A, None, case.tol, grid, positional=False),
            _column_hashes(case.B, None, case.tol, grid, positional=False),
        )
    return case.multiset
