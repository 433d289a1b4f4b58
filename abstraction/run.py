"""A run: every artifact a pipeline execution materializes, with row and column provenance."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .frame import Frame
from .matrix import Matrix
from .rows import FrameRows
from .splits import Split


class SourceFrames(Mapping):
    """The run's sources by name, each built from its row selection when first looked up."""

    def __init__(self, rows: Mapping[str, FrameRows]) -> None:
        self._rows = rows

    def __getitem__(self, name: str) -> Frame:
        return self._rows[name].frame

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(eq=False)
class Run:
    """The artifacts of one execution.

    The sources and the prepared data are row selections of frames (`FrameRows`) and the encoded
    matrix of every prepared row is a `Matrix` of blocks: a deletion updates them by row
    positions without copying them, and they are materialized on first use. The train and test
    artifacts are row selections (`train_index`, `test_index` are positions in `prepared`).
    `statistics` and `curvature` are what keeps later deletions cheap (encoder counts, the model's
    Hessian); `pipeline` is the pipeline's code when the run was made in this process (a loaded
    run has none, and never imports any). `audit` holds the deletions so far (`audit.py`);
    `content` is the content digest of the saved run this one was loaded as, if any.
    """

    source_rows: dict[str, FrameRows]
    prepared_rows: FrameRows
    split: Split
    fit_on: str
    y_all: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray
    encoder: Any
    features: Matrix
    model: Any
    predictions: np.ndarray
    column_provenance: list[dict[str, Any]]
    statistics: dict[str, Any] = field(default_factory=dict)
    curvature: Any = None
    pipeline: Any = None
    pipeline_path: str | None = None
    data_dir: str | None = None
    forget_report: dict[str, Any] | None = None
    audit: list[dict[str, Any]] = field(default_factory=list)
    origin: Any = None
    notes: list[str] = field(default_factory=list)
    content: str | None = None

    @property
    def sources(self) -> Mapping[str, Frame]:
        return SourceFrames(self.source_rows)

    @property
    def prepared_frame(self) -> Frame:
        return self.prepared_rows.frame

    @cached_property
    def prepared(self) -> pd.DataFrame:
        return self.prepared_rows.data()

    @cached_property
    def X_all(self) -> np.ndarray:
        return self.features.dense()

    @cached_property
    def X_train(self) -> np.ndarray:
        return self.features.take(self.train_index).dense()

    @cached_property
    def X_test(self) -> np.ndarray:
        return self.features.take(self.test_index).dense()

    @cached_property
    def y_train(self) -> np.ndarray:
        return self.y_all[self.train_index]

    @cached_property
    def y_test(self) -> np.ndarray:
        return self.y_all[self.test_index]

    @cached_property
    def train_provenance(self) -> pd.DataFrame:
        """Per training row (row i of X_train), the id of its source row in each source."""
        return self._provenance(self.train_index)

    @cached_property
    def test_provenance(self) -> pd.DataFrame:
        return self._provenance(self.test_index)

    def _provenance(self, positions: np.ndarray) -> pd.DataFrame:
        columns = {
            s: self.prepared_rows.provenance(s)[positions] for s in self.prepared_rows.sources
        }
        return pd.DataFrame(columns, index=pd.RangeIndex(len(positions)))

    def rows_from(self, source: str, ids: Any) -> dict[str, np.ndarray]:
        """Which rows of X_train and X_test derive from the given source row ids."""
        derived = self.prepared_rows.index(source).mask(np.asarray(ids, dtype=np.int64))
        return {
            "train": np.flatnonzero(derived[self.train_index]),
            "test": np.flatnonzero(derived[self.test_index]),
        }

    def save(self, directory: str | Path, *, overwrite: bool = False) -> Path:
        """Write every artifact atomically to `directory`, signed with the user's key
        (refusing to replace an existing directory unless asked)."""
        from .storage import save_run

        return save_run(self, Path(directory), overwrite=overwrite)

    def forget(
        self,
        source: str,
        ids: Any = None,
        *,
        where: str | None = None,
        model_update: str = "retrain",
        tolerance: float | None = None,
    ) -> Run:
        """The run a full re-run would give without the source rows `ids` (or matching `where`).

        `where` is a predicate over the source's columns (comparisons with literals, and/or/not,
        `in`, `isin`; see `lester.abstraction.predicate`), never evaluated as code.
        `model_update` is "retrain" (exact; warm-started where the estimator allows) or
        "influence" (a certified Newton step for linear models, retrained when its gradient norm
        exceeds `tolerance`; see `lester.abstraction.unlearning`).
        """
        from .forget import forget

        return forget(
            self, source, ids=ids, where=where, model_update=model_update, tolerance=tolerance
        )
