"""Updating a fitted encoder and its matrix after rows leave the data, block by block.

What a re-run would learn from the remaining rows is worked out per transformer of the
`ColumnTransformer`, by the cheapest way that gives the re-run's values:

- **reused**: transformers that learn nothing from the data (hashing, functions, passthrough, a
  one-hot encoder with given categories) keep their block; old rows are a row selection of it,
  new rows (recomputed groups) are transformed.
- **one-hot, from category counts**: the number of fit rows per category is kept with the run.
  Rows that leave (or join) the fit rows update the counts from their own encoded rows; a
  category whose count reaches 0 disappears, which drops its column and nothing else. The
  values of every other column are unchanged, so the block stays a row selection.
- **vocabularies, from document frequencies**: likewise for `CountVectorizer` and
  `TfidfVectorizer` with vocabularies the documents decide (no `min_df`, `max_df` or
  `max_features` cut, which would make any term enter or leave). A term found in no remaining fit
  document disappears. For TF-IDF the idf follows from the frequencies as scikit-learn computes it,
  and the block is rescaled per column and renormalized per row: equal to a refit up to float
  rounding, without tokenizing any text again.
- **refitted**: every other stateful transformer (scalers, imputers, anything) is fitted again on
  its own input columns of the new fit rows and transforms those columns of every row, which is
  exactly what a re-run computes. A scaler's mean could be updated from counts, sums and sums of
  squares, but only up to rounding, and refitting one column costs less than the row mask; so
  data artifacts stay bit-for-bit equal to a re-run's. The per-column scalers of numeric columns
  are refitted on the float64 array scikit-learn's validation would make of their columns,
  without building a frame for them: for a deletion of a few rows, building and validating that
  frame cost more than all the rest of the encoder update.

When rows join the fit rows that the statistics cannot account for (a category or term the
fitted encoder does not know), the block is refitted. The report names the way each block took.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
    normalize,
)

from .encoders import PlainIdfTfidfVectorizer
from .features import dense, input_names, is_stateless
from .matrix import Block, Matrix

# Scalers whose fit and transform treat each column on its own, as float64 numbers.
NUMERIC_SCALERS = (StandardScaler, MinMaxScaler, MaxAbsScaler)
NUMERIC_INPUTS = (np.dtype(np.int64), np.dtype(np.float64))

# Rows joining the fit rows are checked for unknown terms one document at a time; beyond this
# share of the fit rows, refitting the vocabulary is cheaper.
MAX_JOINED_DOCUMENTS = 0.05


@dataclass(frozen=True)
class BlockStatistics:
    """What a block's transformer learned, as counts over the fit rows: per output column, the
    fit rows with that category (one-hot) or term (vocabularies), and the number of fit rows."""

    kind: str
    counts: np.ndarray
    n: int


@dataclass(frozen=True)
class RowChange:
    """How the rows an encoder sees changed.

    `origins` gives each new row's position among the old rows (-1 for a new row); `old_fit` and
    `new_fit` are the fit rows before and after. `frame(columns)` gives the new rows' values of
    those data columns, as the encoder would be handed them; `column(name)` one data column's
    values on the new rows, as an array (None: only `frame` is available).
    """

    origins: np.ndarray
    old_fit: np.ndarray
    new_fit: np.ndarray
    frame: Callable[[list[str] | None], pd.DataFrame]
    n_old: int
    column: Callable[[str], np.ndarray] | None = None
    selected: dict[int, Block] = field(default_factory=dict)
    labels: np.ndarray | None = None  # the new rows' labels, which a refit passes on as `y`

    def kept_rows(self, block: Block) -> Block:
        """The block's old rows in their new order (only when rows were only deleted); blocks
        that shared their rows keep sharing them, so one pass over their array serves all."""
        return self.selected.get(id(block)) or block.take(self.origins)

    @cached_property
    def only_deleted(self) -> bool:
        return bool((self.origins >= 0).all())

    @cached_property
    def new_rows(self) -> np.ndarray:
        return np.flatnonzero(self.origins < 0)

    @cached_property
    def delta(self) -> tuple[np.ndarray, np.ndarray]:
        """(old fit rows no longer fitted on, new fit rows not fitted on before)."""
        was_fit = np.zeros(self.n_old, dtype=bool)
        was_fit[self.old_fit] = True
        origin = self.origins[self.new_fit]
        joined = self.new_fit[(origin < 0) | ~was_fit[np.maximum(origin, 0)]]
        still = np.zeros(self.n_old, dtype=bool)
        still[origin[origin >= 0]] = True
        return self.old_fit[~still[self.old_fit]], joined


@dataclass(frozen=True)
class Outcome:
    """A block after the update; `old_columns` gives each of its columns' column in the old
    block (None when the columns mean something else now, as after some refits)."""

    transformer: Any
    block: Block
    how: str
    statistics: BlockStatistics | None
    old_columns: np.ndarray | None


def block_kind(transformer: Any) -> str:
    """reused, one-hot, vocabulary, tfidf or refitted (see the module docstring)."""
    if isinstance(transformer, OneHotEncoder):
        if isinstance(transformer.categories, str) and transformer.categories == "auto":
            plain = transformer.drop is None and transformer.min_frequency is None
            plain = plain and transformer.max_categories is None
            return (
                "one-hot"
                if plain and transformer.handle_unknown in ("ignore", "error")
                else "refitted"
            )
        return "reused"
    if isinstance(transformer, CountVectorizer) and _documents_decide_vocabulary(transformer):
        if isinstance(transformer, TfidfVectorizer):
            idf = getattr(transformer, "idf_", None) if transformer.use_idf else None
            return "tfidf" if idf is None or bool(np.all(idf > 0)) else "refitted"
        return "vocabulary"
    return "reused" if is_stateless(transformer) else "refitted"


def _documents_decide_vocabulary(vectorizer: CountVectorizer) -> bool:
    min_df, max_df = vectorizer.min_df, vectorizer.max_df
    return (
        vectorizer.vocabulary is None
        and vectorizer.max_features is None
        and isinstance(min_df, int)
        and not isinstance(min_df, bool)
        and min_df == 1
        and isinstance(max_df, float)
        and max_df == 1.0
    )


def fit_statistics(encoder: ColumnTransformer, matrix: Matrix, fit_rows: np.ndarray) -> dict:
    """The counts each one-hot or vocabulary block learned from `fit_rows`."""
    out = {}
    for (name, transformer, _), block in zip(_emitting(encoder), matrix.blocks, strict=True):
        kind = block_kind(transformer)
        if kind in ("one-hot", "vocabulary", "tfidf"):
            out[name] = BlockStatistics(kind, _present(block, fit_rows), len(fit_rows))
    return out


def _present(block: Block, positions: np.ndarray) -> np.ndarray:
    """Per column, how many of the rows have a non-zero value."""
    if not len(positions):
        return np.zeros(block.width, dtype=np.int64)
    return (block.dense(positions) != 0).sum(axis=0).astype(np.int64)


def _emitting(encoder: ColumnTransformer) -> list[tuple[str, Any, Any]]:
    return [
        (name, transformer, spec)
        for name, transformer, spec in encoder.transformers_
        if encoder.output_indices_[name].stop > encoder.output_indices_[name].start
    ]


@dataclass(frozen=True)
class EncoderUpdate:
    """The encoder (the same object when no transformer changed), the matrix and statistics a
    re-run would have, how each block was obtained, and which old column each column was."""

    encoder: ColumnTransformer
    matrix: Matrix
    statistics: dict[str, BlockStatistics]
    how: dict[str, str]
    column_map: np.ndarray | None


def update_encoder(
    encoder: ColumnTransformer,
    matrix: Matrix,
    statistics: dict[str, BlockStatistics],
    change: RowChange,
) -> EncoderUpdate:
    """The encoder update a re-run on the changed rows amounts to, block by block."""
    if change.only_deleted:
        taken = matrix.take(change.origins).blocks
        change = replace(
            change, selected={id(b): t for b, t in zip(matrix.blocks, taken, strict=True)}
        )
    outcomes = []
    for (name, transformer, spec), block in zip(_emitting(encoder), matrix.blocks, strict=True):
        outcomes.append(_update_block(name, transformer, spec, block, statistics.get(name), change))
    return _assemble(encoder, outcomes, len(change.origins))


def _update_block(
    name: str,
    transformer: Any,
    spec: Any,
    block: Block,
    stats: BlockStatistics | None,
    change: RowChange,
) -> Outcome:
    kind = block_kind(transformer)
    if kind == "reused":
        return _reuse(name, transformer, spec, block, change)
    if kind in ("one-hot", "vocabulary", "tfidf") and stats is not None and stats.kind == kind:
        updated = COUNTED[kind](name, transformer, spec, block, stats, change)
        if updated is not None:
            return updated
    return _refit(name, transformer, spec, block, change, kind)


def _reuse(name: str, transformer: Any, spec: Any, block: Block, change: RowChange) -> Outcome:
    """A transformer that learned nothing: old rows reused, new rows transformed."""
    if change.only_deleted:
        return Outcome(transformer, change.kept_rows(block), "reused", None, _all(block))
    fresh = transformer if isinstance(transformer, str) else clone(transformer)
    values = _transform_new(name, fresh, spec, change, fit=True)
    how = "reused, new rows transformed"
    return Outcome(transformer, _with_new_rows(block, change, values), how, None, _all(block))


def _all(block: Block) -> np.ndarray:
    return np.arange(block.width)


def _refit(
    name: str, transformer: Any, spec: Any, block: Block, change: RowChange, kind: str
) -> Outcome:
    """Fit on the block's own input columns of the new fit rows; transform every row. (As the
    ColumnTransformer does in a re-run: `fit_transform` on the selected columns of the fit rows,
    then `transform` of all rows, so the values are the same to the bit.)"""
    fitted = clone(transformer)
    values = _refit_numeric(transformer, fitted, spec, change)
    if values is None:
        frame = change.frame(_needed_columns(spec))
        y = None if change.labels is None else change.labels[change.new_fit]
        fitted.fit_transform(_select(frame.iloc[change.new_fit], spec), y)
        values = np.asfortranarray(dense(fitted.transform(_select(frame, spec))))
    why = "" if kind == "refitted" else f" ({kind} statistics could not account for the change)"
    same = _same_outputs(transformer, fitted, block.width, values.shape[1])
    return Outcome(fitted, Block(values), f"refitted{why}", None, _all(block) if same else None)


def _refit_numeric(
    transformer: Any, fitted: Any, spec: Any, change: RowChange
) -> np.ndarray | None:
    """A per-column scaler of int64 or float64 columns fitted (into `fitted`) on the array
    scikit-learn's validation makes of those columns (float64, as `np.asarray(frame, float64)`
    casts them), and every row transformed; None where that shortcut does not apply. The input
    names it would have learned from the frame are the old transformer's: the same columns."""
    names = _needed_columns(spec)
    known = getattr(transformer, "feature_names_in_", None)
    if not isinstance(transformer, NUMERIC_SCALERS) or not isinstance(spec, list | tuple):
        return None
    if change.column is None or known is None or list(known) != names:
        return None
    columns = [change.column(name) for name in names]
    if any(c.dtype not in NUMERIC_INPUTS for c in columns):
        return None
    X = np.empty((len(change.origins), len(columns)), order="F")
    for i, values in enumerate(columns):
        X[:, i] = values
    fitted.fit(X[change.new_fit])
    out = np.asfortranarray(fitted.transform(X))
    fitted.feature_names_in_ = known
    return out


def _same_outputs(before: Any, after: Any, width_before: int, width_after: int) -> bool:
    """Whether a refitted transformer's columns are the old ones (same names, same order)."""
    if width_before != width_after:
        return False
    try:
        return list(before.get_feature_names_out()) == list(after.get_feature_names_out())
    except (AttributeError, ValueError, TypeError):
        return not isinstance(before, OneHotEncoder | CountVectorizer)


def _one_hot(
    name: str,
    encoder: OneHotEncoder,
    spec: Any,
    block: Block,
    stats: BlockStatistics,
    change: RowChange,
) -> Outcome | None:
    sizes = [len(c) for c in encoder.categories_]
    joined_values = _joined_values(name, encoder, spec, block, change)
    if joined_values is None or not _all_known(joined_values, sizes):
        return None
    counts = _updated_counts(block, stats, change, joined_values)
    keep = counts > 0
    if any(not keep[s].any() for s in _feature_slices(sizes)):
        return None
    rows = _rows_for_new(name, encoder, spec, block, change)
    if rows is None:
        return None
    if keep.all():
        stats_after = BlockStatistics("one-hot", counts, len(change.new_fit))
        return Outcome(encoder, rows, "unchanged (category counts)", stats_after, _all(block))
    if encoder.handle_unknown == "error" and rows.dense()[:, ~keep].any():
        return None  # a row of a vanished category: the re-run's transform fails; let it
    updated = copy.copy(encoder)
    updated.categories_ = [
        c[keep[s]] for c, s in zip(encoder.categories_, _feature_slices(sizes), strict=True)
    ]
    updated._n_features_outs = [len(c) for c in updated.categories_]
    gone = int((~keep).sum())
    stats_after = BlockStatistics("one-hot", counts[keep], len(change.new_fit))
    how = f"{gone} categor{'y' if gone == 1 else 'ies'} gone (category counts)"
    return Outcome(updated, rows.keep_columns(keep), how, stats_after, np.flatnonzero(keep))


def _vocabulary(
    name: str,
    vectorizer: CountVectorizer,
    spec: Any,
    block: Block,
    stats: BlockStatistics,
    change: RowChange,
) -> Outcome | None:
    _, joined = change.delta
    if len(joined) > MAX_JOINED_DOCUMENTS * max(len(change.new_fit), 1):
        return None
    if len(joined) and _has_unknown_terms(
        vectorizer, change.frame(_needed_columns(spec)), spec, joined
    ):
        return None
    joined_values = _joined_values(name, vectorizer, spec, block, change)
    if joined_values is None:
        return None
    counts = _updated_counts(block, stats, change, joined_values)
    keep = counts > 0
    if not keep.any():
        return None
    rows = _rows_for_new(name, vectorizer, spec, block, change)
    if rows is None:
        return None
    updated, result = _pruned_vectorizer(vectorizer, keep), rows
    gone = int((~keep).sum())
    change_text = f"{gone} term{'' if gone == 1 else 's'} gone" if gone else ""
    if gone:
        result = rows.keep_columns(keep)
    if isinstance(vectorizer, TfidfVectorizer):
        result, updated = _reweighted(
            vectorizer, updated, result, counts[keep], keep, len(change.new_fit)
        )
        change_text = ", ".join(filter(None, [change_text, "reweighted"]))
    how = f"{change_text or 'unchanged'} (document frequencies)"
    stats_after = BlockStatistics(stats.kind, counts[keep], len(change.new_fit))
    return Outcome(updated, result, how, stats_after, np.flatnonzero(keep))


COUNTED = {"one-hot": _one_hot, "vocabulary": _vocabulary, "tfidf": _vocabulary}


def _updated_counts(
    block: Block, stats: BlockStatistics, change: RowChange, joined_values: np.ndarray
) -> np.ndarray:
    left, _ = change.delta
    left_counts = _present(block, left)
    joined_counts = (joined_values != 0).sum(axis=0).astype(np.int64)
    return stats.counts - left_counts + joined_counts


def _joined_values(
    name: str, transformer: Any, spec: Any, block: Block, change: RowChange
) -> np.ndarray | None:
    """The encoded values (by the fitted transformer) of the rows joining the fit rows."""
    _, joined = change.delta
    origin = change.origins[joined]
    out = np.empty((len(joined), block.width))
    old = origin >= 0
    out[old] = block.dense(origin[old]) if old.any() else out[old]
    if not old.all():
        try:
            out[~old] = _transform_new(name, transformer, spec, change, rows=joined[~old])
        except ValueError:
            return None
    return out


def _rows_for_new(
    name: str, transformer: Any, spec: Any, block: Block, change: RowChange
) -> Block | None:
    """The block on the new rows, old rows selected, new rows transformed by the fitted transformer."""
    if change.only_deleted:
        return change.kept_rows(block)
    try:
        values = _transform_new(name, transformer, spec, change)
    except ValueError:
        return None
    return _with_new_rows(block, change, values)


def _all_known(values: np.ndarray, sizes: list[int]) -> bool:
    """Every row has one category per feature (an unknown one encodes as all zeros)."""
    return all(bool(np.all(values[:, s].sum(axis=1) == 1)) for s in _feature_slices(sizes))


def _feature_slices(sizes: list[int]) -> list[slice]:
    edges = np.concatenate([[0], np.cumsum(sizes)])
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _has_unknown_terms(
    vectorizer: CountVectorizer, frame: pd.DataFrame, spec: Any, rows: np.ndarray
) -> bool:
    analyze = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    documents = frame[spec] if isinstance(spec, str) else frame.iloc[:, 0]
    return any(t not in vocabulary for doc in documents.iloc[rows] for t in analyze(doc))


def _pruned_vectorizer(vectorizer: CountVectorizer, keep: np.ndarray) -> CountVectorizer:
    if keep.all():
        return vectorizer
    terms = np.empty(len(vectorizer.vocabulary_), dtype=object)
    terms[list(vectorizer.vocabulary_.values())] = list(vectorizer.vocabulary_.keys())
    updated = copy.copy(vectorizer)
    updated.vocabulary_ = {t: i for i, t in enumerate(terms[keep])}
    return updated


def _reweighted(
    old: TfidfVectorizer,
    updated: TfidfVectorizer,
    block: Block,
    df: np.ndarray,
    keep: np.ndarray,
    n_docs: int,
) -> tuple[Block, TfidfVectorizer]:
    """TF-IDF values with the idf of the new document frequencies (computed as scikit-learn does)."""
    values = block.dense()
    if old.use_idf:
        smooth = int(old.smooth_idf)
        idf = np.full(len(df), n_docs + smooth, dtype=np.float64) / (df.astype(np.float64) + smooth)
        idf = np.log(idf) + 1.0
        if isinstance(old, PlainIdfTfidfVectorizer):
            idf -= 1.0
        values = values * (idf / old.idf_[keep])
        updated = copy.copy(updated)
        updated._tfidf = copy.copy(old._tfidf)
        updated._tfidf.idf_ = idf
        updated._tfidf.n_features_in_ = len(idf)
    if old.norm is not None:
        values = normalize(values, norm=old.norm)
    return Block(np.asfortranarray(values)), updated


def _needed_columns(spec: Any) -> list[str] | None:
    """The data columns a transformer's column spec reads (None: all of them)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list | tuple) and all(isinstance(c, str) for c in spec):
        return list(spec)
    return None


def _transform_new(
    name: str,
    transformer: Any,
    spec: Any,
    change: RowChange,
    *,
    fit: bool = False,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """The values of some new rows (`rows`, else all rows without an old position): by the
    fitted transformer, or by fitting `transformer` on them when it learns nothing anyway."""
    rows = change.new_rows if rows is None else rows
    frame = change.frame(_needed_columns(spec)).iloc[rows]
    if fit or isinstance(transformer, str):
        single = ColumnTransformer([(name, transformer, spec)], sparse_threshold=0.0)
        return dense(single.fit_transform(frame))
    return dense(transformer.transform(_select(frame, spec)))


def _select(frame: pd.DataFrame, spec: Any) -> Any:
    """What a ColumnTransformer hands its transformer: a column for a name, else a frame."""
    if isinstance(spec, str):
        return frame[spec]
    return frame[input_names(spec, frame)]


def _with_new_rows(block: Block, change: RowChange, values: np.ndarray) -> Block:
    out = np.empty((len(change.origins), block.width), order="F")
    old = change.origins >= 0
    out[old] = block.dense(change.origins[old])
    out[~old] = values
    return Block(out)


def _assemble(encoder: ColumnTransformer, outcomes: list[Outcome], n_rows: int) -> EncoderUpdate:
    updated = copy.copy(encoder)
    updated.transformers_ = list(encoder.transformers_)
    updated.output_indices_ = dict(encoder.output_indices_)
    position = {name: i for i, (name, _, _) in enumerate(encoder.transformers_)}
    names = [n for n, _, _ in _emitting(encoder)]
    by_name = dict(zip(names, outcomes, strict=True))
    start = 0
    for name, _, spec in encoder.transformers_:
        outcome = by_name.get(name)
        if outcome is not None:
            updated.transformers_[position[name]] = (name, outcome.transformer, spec)
        width = outcome.block.width if outcome is not None else 0
        updated.output_indices_[name] = slice(start, start + width)
        start += width
    unchanged = all(
        o.transformer is t for o, (_, t, _) in zip(outcomes, _emitting(encoder), strict=True)
    )
    return EncoderUpdate(
        encoder if unchanged else updated,
        Matrix(tuple(o.block for o in outcomes), n_rows),
        {n: o.statistics for n, o in by_name.items() if o.statistics},
        {n: o.how for n, o in by_name.items()},
        _column_map(encoder, outcomes),
    )


def _column_map(encoder: ColumnTransformer, outcomes: list[Outcome]) -> np.ndarray | None:
    """For each new matrix column, its column in the old matrix (None if some block's columns
    changed meaning)."""
    parts = []
    for (name, _, _), outcome in zip(_emitting(encoder), outcomes, strict=True):
        if outcome.old_columns is None:
            return None
        parts.append(encoder.output_indices_[name].start + outcome.old_columns)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
