"""Feature encoding with a ColumnTransformer: fitting, matrix-column provenance, incremental refit.

The fitted encoder transforms all prepared rows once; train and test matrices are row selections of
that output. Because every transformer's `transform` is row-wise once fitted, that equals transforming
train and test separately, and it lets `forget` reuse the rows of stateless blocks instead of
recomputing them.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.frame import ColumnProvenance
from scipy import sparse
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.utils import get_tags


def fit_transform_all(
    encoder: ColumnTransformer, data: pd.DataFrame, fit_rows: np.ndarray
) -> tuple[ColumnTransformer, np.ndarray]:
    """Fit `encoder` on the `fit_rows` of `data`; return it and the dense matrix of all rows."""
    fitted = encoder.fit(data.iloc[fit_rows])
    return fitted, dense(fitted.transform(data))


def dense(matrix: Any) -> np.ndarray:
    """The encoder's output as a dense array; numbers as float64, as scikit-learn's input
    validation gives them to the model (a passthrough of bool and float columns is objects)."""
    out = matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)
    if out.dtype == object:
        try:
            return out.astype(np.float64)
        except (TypeError, ValueError):
            return out
    return out.astype(np.float64) if out.dtype != np.float64 and out.dtype.kind in "biuf" else out


def is_stateless(transformer: Any) -> bool:
    """A transformer whose output for a row depends on that row only (nothing learned in `fit`)."""
    if isinstance(transformer, str):
        return transformer in ("passthrough", "drop")
    if isinstance(transformer, SkPipeline):
        return all(is_stateless(step) for _, step in transformer.steps)
    return not get_tags(transformer).requires_fit


def blocks(encoder: ColumnTransformer) -> list[tuple[str, Any, slice]]:
    """(name, fitted transformer, output column slice) for each transformer that emits columns."""
    out = []
    for name, transformer, _ in encoder.transformers_:
        block = encoder.output_indices_[name]
        if block.stop > block.start:
            out.append((name, transformer, block))
    return out


def column_provenance(
    encoder: ColumnTransformer, data: pd.DataFrame, colprov: ColumnProvenance
) -> list[dict[str, Any]]:
    """For every matrix column: its name, transformer, input columns and source columns."""
    names = _feature_names(encoder)
    result: list[dict[str, Any]] = [{} for _ in range(len(names))]
    for name, transformer, spec in encoder.transformers_:
        block = encoder.output_indices_[name]
        width = block.stop - block.start
        if width == 0:
            continue
        inputs = _input_names(spec, data)
        for offset, used in enumerate(_inputs_per_output(transformer, inputs, width)):
            j = block.start + offset
            sources = sorted({pair for col in used for pair in colprov.get(col, ())})
            result[j] = {
                "index": j,
                "name": names[j],
                "transformer": name,
                "inputs": used,
                "sources": [list(pair) for pair in sources],
            }
    return result


def refit(
    encoder: ColumnTransformer,
    old_matrix: np.ndarray,
    origins: np.ndarray,
    new_data: pd.DataFrame,
    fit_rows: np.ndarray,
) -> tuple[ColumnTransformer, np.ndarray, dict[str, str]]:
    """The encoder and matrix a full re-run on `new_data` would give, reusing stateless blocks.

    `origins` gives, for each new prepared row, its position among the old prepared rows (-1 for a
    row that is new, such as a recomputed group). Stateful transformers are refitted on `fit_rows`
    of the new data; stateless blocks are row selections of the old matrix, with only the new rows
    transformed. Returns how each block was obtained.
    """
    new_encoder = copy.deepcopy(encoder)
    parts: list[np.ndarray] = []
    how: dict[str, str] = {}
    for i, (name, transformer, spec) in enumerate(encoder.transformers_):
        block = encoder.output_indices_[name]
        if block.stop == block.start:
            continue
        if is_stateless(transformer):
            parts.append(
                _reused_rows(old_matrix[:, block], origins, (name, transformer, spec), new_data)
            )
            how[name] = "reused" if (origins >= 0).all() else "reused, new rows transformed"
            continue
        single = ColumnTransformer([(name, clone(transformer), spec)], sparse_threshold=0.0)
        single.fit(new_data.iloc[fit_rows])
        parts.append(dense(single.transform(new_data)))
        new_encoder.transformers_[i] = (name, single.transformers_[0][1], spec)
        how[name] = "refitted"
    _update_output_indices(new_encoder, [p.shape[1] for p in parts])
    matrix = np.hstack(parts) if parts else np.empty((len(new_data), 0))
    return new_encoder, matrix, how


def _reused_rows(
    old_block: np.ndarray, origins: np.ndarray, entry: tuple[str, Any, Any], new_data: pd.DataFrame
) -> np.ndarray:
    """A stateless block's rows: copied for old rows, transformed for new ones (fitting a stateless
    transformer learns nothing, so fitting it on the new rows is the same as any other fit)."""
    reused = origins >= 0
    out = np.empty((len(origins), old_block.shape[1]), dtype=old_block.dtype)
    out[reused] = old_block[origins[reused]]
    if not reused.all():
        name, transformer, spec = entry
        fresh = transformer if isinstance(transformer, str) else clone(transformer)
        single = ColumnTransformer([(name, fresh, spec)], sparse_threshold=0.0)
        out[~reused] = dense(single.fit_transform(new_data.iloc[np.flatnonzero(~reused)]))
    return out


def _update_output_indices(encoder: ColumnTransformer, widths: list[int]) -> None:
    """A refitted one-hot block can lose categories; later blocks then start earlier."""
    start, emitting = 0, iter(widths)
    for name, _, _ in encoder.transformers_:
        old = encoder.output_indices_[name]
        width = next(emitting) if old.stop > old.start else 0
        encoder.output_indices_[name] = slice(start, start + width)
        start += width


def _feature_names(encoder: ColumnTransformer) -> list[str]:
    try:
        return [str(n) for n in encoder.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        width = max((b.stop for _, _, b in blocks(encoder)), default=0)
        names = [f"x{j}" for j in range(width)]
        for name, _, block in blocks(encoder):
            for j in range(block.start, block.stop):
                names[j] = f"{name}__{j - block.start}"
        return names


def _input_names(spec: Any, data: pd.DataFrame) -> list[str]:
    columns = list(data.columns)
    if callable(spec):
        spec = spec(data)
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, slice):
        return (
            [str(c) for c in data.loc[:, spec].columns]
            if isinstance(spec.start, str)
            else columns[spec]
        )
    items = list(spec)
    if items and isinstance(items[0], bool | np.bool_):
        return [c for c, keep in zip(columns, items, strict=True) if keep]
    return [columns[int(i)] if isinstance(i, int | np.integer) else str(i) for i in items]


def _inputs_per_output(transformer: Any, inputs: Sequence[str], width: int) -> list[list[str]]:
    """Which input columns each output column of a transformer derives from.

    One output per input (scalers, imputers) maps one to one; a one-hot encoder maps each input to
    its categories; anything else (vectorizers, hashing, mixing functions) derives from all inputs.
    """
    if len(inputs) == width:
        return [[c] for c in inputs]
    sizes = _one_hot_sizes(transformer)
    if sizes is not None and len(sizes) == len(inputs) and sum(sizes) == width:
        return [[c] for c, size in zip(inputs, sizes, strict=True) for _ in range(size)]
    return [list(inputs) for _ in range(width)]


def _one_hot_sizes(transformer: Any) -> list[int] | None:
    last = transformer.steps[-1][1] if isinstance(transformer, SkPipeline) else transformer
    categories = getattr(last, "categories_", None)
    if categories is None:
        return None
    drops = getattr(last, "drop_idx_", None)
    return [
        len(c) - (0 if drops is None or drops[i] is None else 1) for i, c in enumerate(categories)
    ]
