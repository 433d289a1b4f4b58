"""Text feature blocks: HashingVectorizer, CountVectorizer and TfidfVectorizer settings (and the
textbook idf without scikit-learn's + 1, lester's PlainIdfTfidfVectorizer).

A text column is tokenized once per tokenizer setting (lowercase, token pattern) into a sparse
document-term count matrix over all prepared rows; every vectorizer setting is then a cheap sparse
product or reweighting of it, tried on a sample of rows before all rows. Block widths come from
the vocabulary (count, TF-IDF) or, for hashing, from row invariants (the row sums equal the token
counts, or the row norms are 1) and the bucket counts in the hints. Hand-written
`abs(murmurhash3_32(w, positive=False)) % n` bags of words are HashingVectorizer(alternate_sign=
False, norm=None).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from .context import Context
from .numeric import is_string_column
from .types import BOTH_MODES, Candidate, Mode, TransformerSpec

DEFAULT_PATTERN = r"(?u)\b\w\w+\b"
WORD_PATTERN = r"(?u)\b\w+\b"
PATTERNS = (DEFAULT_PATTERN, WORD_PATTERN, r"\S+")
NORMS = ("l2", None, "l1")


@dataclass
class Tokens:
    """The counts of each token (vocabulary in first-seen order) in each prepared row."""

    column: str
    lowercase: bool
    pattern: str
    counts: sparse.csr_matrix
    vocab: np.ndarray

    def options(self) -> str:
        parts = [] if self.lowercase else ["lowercase=False"]
        if self.pattern != DEFAULT_PATTERN:
            parts.append(f'token_pattern=r"{self.pattern}"')
        return ", ".join(parts)


def text_columns(ctx: Context) -> list[str]:
    """String columns without missing values whose values are mostly several words."""
    return ctx.cached(
        ("text columns",),
        lambda: [
            col
            for col in ctx.columns()
            if is_string_column(ctx.prepared[col])
            and not ctx.prepared[col].isna().any()
            and ctx.prepared[col].head(200).astype(str).str.split().str.len().mean() >= 1.5
        ],
    )


def tokens(ctx: Context, column: str, lowercase: bool, pattern: str) -> Tokens:
    """Tokens of a column, derived from one tokenization per column and pattern family.

    The default pattern's tokens are the `\\w+` tokens of two or more characters, and lowercasing
    before or after tokenizing a word pattern gives the same tokens, so only `\\w+` and `\\S+` are
    ever run over the texts; the other settings merge or drop vocabulary columns.
    """
    return ctx.cached(
        ("tokens", column, lowercase, pattern), lambda: _derive(ctx, column, lowercase, pattern)
    )


def _derive(ctx: Context, column: str, lowercase: bool, pattern: str) -> Tokens:
    if pattern == DEFAULT_PATTERN:
        base = tokens(ctx, column, lowercase, WORD_PATTERN)
        keep = np.flatnonzero(np.fromiter((len(t) >= 2 for t in base.vocab), bool, len(base.vocab)))
        return Tokens(column, lowercase, pattern, base.counts[:, keep], base.vocab[keep])
    if lowercase:
        base = tokens(ctx, column, False, pattern)
        lower, vocab = pd.factorize(pd.Series(base.vocab, dtype=object).str.lower())
        merge = sparse.csr_matrix(
            (np.ones(len(lower)), (np.arange(len(lower)), lower)), shape=(len(lower), len(vocab))
        )
        return Tokens(column, True, pattern, sparse.csr_matrix(base.counts @ merge), vocab)
    return _tokenize(ctx, column, pattern)


def _tokenize(ctx: Context, column: str, pattern: str) -> Tokens:
    """Count matrix of the case-preserved tokens, each distinct text tokenized once."""
    codes, texts = pd.factorize(ctx.prepared[column].astype(str))
    found = pd.Series(texts, dtype=object).str.findall(pattern).explode().dropna()
    token_codes, vocab = pd.factorize(found)
    doc_index = found.index.to_numpy()
    unique_counts = sparse.csr_matrix(
        (np.ones(len(found)), (doc_index, token_codes)), shape=(len(texts), len(vocab))
    )
    return Tokens(column, False, pattern, unique_counts[codes], np.asarray(vocab, dtype=object))


def all_tokens(ctx: Context) -> Iterator[Tokens]:
    for column in text_columns(ctx):
        for pattern in PATTERNS:
            for lowercase in (True, False):
                yield tokens(ctx, column, lowercase, pattern)


def text_candidates(ctx: Context, pos: int) -> Iterator[Candidate]:
    """Vectorizer blocks starting at `pos`; hashing first when the script hashes."""
    first = ctx.X[:, pos]
    if np.isnan(first).any():
        return
    families = [_count, _tfidf, _hashing]
    if ctx.hints.has("murmurhash3_32", "HashingVectorizer", "hash"):
        families = [_hashing, _count, _tfidf]
    for family in families:
        for tok in all_tokens(ctx):
            yield from family(ctx, pos, tok)


def _check(ctx: Context, pos: int, matrix_of: object, width: int) -> bool:
    """Whether the block `pos..pos+width` equals the matrix, sample rows first."""
    if width == 0 or pos + width > ctx.width:
        return False
    rows = ctx.rows[ctx.sample]
    if not ctx.close(_dense(matrix_of(rows)), ctx.X[ctx.sample, pos : pos + width]):
        return False
    return ctx.close(_dense(matrix_of(ctx.rows)), ctx.block(pos, pos + width))


def _dense(matrix: sparse.spmatrix) -> np.ndarray:
    return np.asarray(matrix.toarray(), dtype=np.float64)


def _candidate(
    pos: int, width: int, rule: str, code: str, tok: Tokens, modes: frozenset[Mode]
) -> Candidate:
    spec = TransformerSpec(tok.column, code, tok.column, pos, pos + width)
    return Candidate(f"text:{rule}", spec, modes)


def _vocabulary(ctx: Context, tok: Tokens, modes: frozenset[Mode]) -> np.ndarray:
    """Token indices of the vocabulary fitted on the mode's rows, in sorted order."""

    def compute() -> np.ndarray:
        seen = np.flatnonzero(np.asarray(tok.counts[ctx.fit_rows(modes)].sum(axis=0)).ravel())
        return seen[np.argsort(tok.vocab[seen].astype(str), kind="stable")]

    return ctx.cached(("vocabulary", _key(tok), modes), compute)


def _key(tok: Tokens) -> tuple[str, bool, str]:
    return (tok.column, tok.lowercase, tok.pattern)


def _sample_counts(ctx: Context, tok: Tokens) -> sparse.csr_matrix:
    return ctx.cached(("sample", _key(tok)), lambda: tok.counts[ctx.rows[ctx.sample]])


def _vocabulary_blocks(
    ctx: Context, pos: int, tok: Tokens
) -> Iterator[tuple[frozenset[Mode], np.ndarray]]:
    """(modes, vocabulary) whose sorted bag of words is nonzero where the block is (on the sample).

    Counts and every TF-IDF weighting are positive exactly where a token occurs, so this one
    check prunes all their settings at once.
    """
    for modes in ctx.mode_groups:
        columns = _vocabulary(ctx, tok, modes)
        width = len(columns)
        if width == 0 or pos + width > ctx.width:
            continue
        support = ctx.cached(
            ("support", _key(tok), modes), lambda c=columns: _sample_counts(ctx, tok)[:, c] > 0
        )
        if (support.toarray() == (ctx.X[ctx.sample, pos : pos + width] != 0)).all():
            yield modes, columns


def _count(ctx: Context, pos: int, tok: Tokens) -> Iterator[Candidate]:
    for modes, columns in _vocabulary_blocks(ctx, pos, tok):
        for binary in (False, True):

            def matrix(rows: np.ndarray, columns: np.ndarray = columns, binary: bool = binary):
                m = tok.counts[rows][:, columns]
                return (m > 0).astype(np.float64) if binary else m

            if _check(ctx, pos, matrix, len(columns)):
                args = ", ".join(filter(None, [tok.options(), "binary=True" if binary else ""]))
                code = f"CountVectorizer({args})"
                yield _candidate(pos, len(columns), "count", code, tok, modes)


def _tfidf(ctx: Context, pos: int, tok: Tokens) -> Iterator[Candidate]:
    for modes, columns in _vocabulary_blocks(ctx, pos, tok):
        fit = tok.counts[ctx.fit_rows(modes)][:, columns]
        df = np.asarray((fit > 0).sum(axis=0)).ravel().astype(np.float64)
        n = fit.shape[0]
        idfs = {  # (use_idf, smooth_idf, scikit-learn's + 1) -> idf
            (True, True, True): np.log((1 + n) / (1 + df)) + 1,
            (True, False, True): np.log(n / df) + 1,
            (False, True, True): None,
            (True, False, False): np.log(n / df),
            (True, True, False): np.log((1 + n) / (1 + df)),
        }
        for (use_idf, smooth, plus_one), idf in idfs.items():
            for sublinear, norm in itertools.product((False, True), NORMS):

                def matrix(rows: np.ndarray, columns=columns, idf=idf, sub=sublinear, norm=norm):
                    m = tok.counts[rows][:, columns].astype(np.float64)
                    if sub:
                        m.data = 1 + np.log(m.data)
                    if idf is not None:
                        m = m @ sparse.diags(idf)
                    return normalize(m, norm=norm) if norm else m

                if _check(ctx, pos, matrix, len(columns)):
                    code = _tfidf_code(tok, norm, use_idf, smooth, sublinear, plus_one)
                    yield _candidate(pos, len(columns), "tfidf", code, tok, modes)


def _tfidf_code(
    tok: Tokens, norm: str | None, use_idf: bool, smooth: bool, sublinear: bool, plus_one: bool
) -> str:
    """The vectorizer's constructor: PlainIdfTfidfVectorizer for the textbook idf (no + 1)."""
    parts = [tok.options()]
    parts.append("" if norm == "l2" else f"norm={norm!r}")
    parts.append("" if use_idf else "use_idf=False")
    parts.append("" if smooth or not use_idf else "smooth_idf=False")
    parts.append("sublinear_tf=True" if sublinear else "")
    name = "TfidfVectorizer" if plus_one else "PlainIdfTfidfVectorizer"
    return f"{name}({', '.join(filter(None, parts))})"


def _hashing(ctx: Context, pos: int, tok: Tokens) -> Iterator[Candidate]:
    hashes = _hashes(ctx, tok)
    sample = _sample_counts(ctx, tok)
    counts = np.asarray(sample.sum(axis=1)).ravel()
    signed = np.asarray(sample @ np.where(hashes >= 0, 1.0, -1.0)).ravel()
    nonempty = (counts > 0).astype(np.float64)
    first = ctx.X[ctx.sample, pos]
    indicator = bool(np.isin(first, (0.0, 1.0)).all())
    signed_indicator = bool(np.isin(first, (-1.0, 0.0, 1.0)).all())
    settings = [
        (False, None, False, _widths(ctx, pos, counts, "sum")),
        (True, None, False, _widths(ctx, pos, signed, "sum")),
        (False, None, True, _guessed_widths(ctx, pos) if indicator else []),
        (True, None, True, _guessed_widths(ctx, pos) if signed_indicator else []),
    ]
    for norm, statistic in (("l2", "squares"), ("l1", "absolute")):
        widths = _widths(ctx, pos, nonempty, statistic)
        settings += [
            (alt, norm, binary, widths) for alt in (True, False) for binary in (False, True)
        ]
    for alternate, norm, binary, widths in settings:
        for width in widths:

            def matrix(rows: np.ndarray, w=width, alt=alternate, norm=norm, binary=binary):
                return _hashed(tok.counts[rows], hashes, w, alt, norm, binary)

            if _check(ctx, pos, matrix, width):
                code = _hashing_code(tok, width, alternate, norm, binary)
                yield _candidate(pos, width, "hashing", code, tok, BOTH_MODES)


def _hashes(ctx: Context, tok: Tokens) -> np.ndarray:
    return ctx.cached(
        ("hashes", _key(tok)),
        lambda: np.array([murmurhash3_32(str(t), positive=False) for t in tok.vocab], np.int64),
    )


def _hashed(
    counts: sparse.csr_matrix,
    hashes: np.ndarray,
    width: int,
    alternate: bool,
    norm: str | None,
    binary: bool,
) -> sparse.csr_matrix:
    signs = np.where(hashes >= 0, 1.0, -1.0) if alternate else np.ones(len(hashes))
    buckets = np.abs(hashes) % width
    projection = sparse.csr_matrix(
        (signs, (np.arange(len(hashes)), buckets)), shape=(len(hashes), width)
    )
    m = sparse.csr_matrix(counts @ projection)
    if binary:
        m.data = np.ones_like(m.data)
    return normalize(m, norm=norm) if norm else m


ROW_STATISTICS = {"sum": lambda v: v, "squares": np.square, "absolute": np.abs}


def _widths(ctx: Context, pos: int, expected: np.ndarray, statistic: str) -> list[int]:
    """Block widths at which a running row statistic of X (on the sample) equals `expected`."""

    def running() -> np.ndarray:
        return np.cumsum(ROW_STATISTICS[statistic](ctx.X[ctx.sample, pos:]), axis=1)

    values = ctx.cached(("running", statistic, pos), running)
    ok = np.isclose(values, expected[:, None], rtol=1e-6, atol=1e-6).all(axis=0)
    return [int(w) for w in np.flatnonzero(ok) + 1]


def _guessed_widths(ctx: Context, pos: int) -> list[int]:
    """Bucket counts from the hints, then powers of two, that fit in the rest of X."""
    rest = ctx.width - pos
    powers = [2**k for k in range(1, 21)]
    return [w for w in dict.fromkeys(ctx.hints.ints() + powers[::-1]) if 1 < w <= rest]


def _hashing_code(tok: Tokens, width: int, alternate: bool, norm: str | None, binary: bool) -> str:
    parts = [f"n_features={width}"]
    parts.append("" if alternate else "alternate_sign=False")
    parts.append("" if norm == "l2" else f"norm={norm!r}")
    parts.append(tok.options())
    parts.append("binary=True" if binary else "")
    return f"HashingVectorizer({', '.join(filter(None, parts))})"


def describe_text(ctx: Context, start: int, stop: int) -> str | None:
    """What an unmatched block looks like in terms of a text column, if it looks like one."""
    block = ctx.block(start, stop)
    for tok in all_tokens(ctx):
        mine = tok.counts[ctx.rows]
        how = f"{tok.column!r} ({tok.options() or 'default tokens'})"
        if ctx.close(block.sum(axis=1), np.asarray(mine.sum(axis=1)).ravel()):
            return (
                f"non-negative counts whose row sums equal the token counts of {how}: a bag of "
                "words or hashing whose bucket or vocabulary order no scikit-learn vectorizer "
                "reproduces (another hash, e.g. zlib.crc32, or an unsorted vocabulary)"
            )
        columns = _vocabulary(ctx, tok, frozenset({"train"}))
        if len(columns) == stop - start and ((block != 0) == _dense(mine[:, columns] > 0)).all():
            return (
                f"nonzero exactly where the sorted bag of words of {how} is, but the values match "
                "no CountVectorizer/TfidfVectorizer setting (a hand-written TF-IDF variant?)"
            )
    return None
