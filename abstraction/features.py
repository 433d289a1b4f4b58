"""Feature encoding with a ColumnTransformer: fitting, matrix-column provenance, incremental refit.

The fitted encoder transforms all prepared rows once; train and test matrices are row selections of
that output. Because every transformer's `transform` is row-wise once fitted, that equals transforming
train and test separately, and it lets `forget` reuse the rows of blocks instead of recomputing them
(`encoder_update.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.frame import ColumnProvenance
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.utils import get_tags


def fit_transform_all(
    encoder: ColumnTransformer,
    data: pd.DataFrame,
    fit_rows: np.ndarray,
    labels: np.ndarray | None = None,
) -> tuple[ColumnTransformer, np.ndarray]:
    """Fit `encoder` on the `fit_rows` of `data`, with their labels as scikit-learn passes `y`
    to every transformer (a feature selector or a target encoder needs them; the others ignore
    them); return it and the dense matrix of all rows."""
    fitted = encoder.fit(data.iloc[fit_rows], None if labels is None else labels[fit_rows])
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
    names = feature_names(encoder)
    result: list[dict[str, Any]] = [{} for _ in range(len(names))]
    for name, transformer, spec in encoder.transformers_:
        block = encoder.output_indices_[name]
        width = block.stop - block.start
        if width == 0:
            continue
        inputs = input_names(spec, data)
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


def feature_names(encoder: ColumnTransformer) -> list[str]:
    """The matrix columns' names: scikit-learn's where every transformer gives them, else the
    transformer's name and the position in its block, so a custom transformer needs none."""
    try:
        return [str(n) for n in encoder.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        width = max((b.stop for _, _, b in blocks(encoder)), default=0)
        names = [f"x{j}" for j in range(width)]
        for name, _, block in blocks(encoder):
            for j in range(block.start, block.stop):
                names[j] = f"{name}__{j - block.start}"
        return names


def input_names(spec: Any, data: pd.DataFrame) -> list[str]:
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
