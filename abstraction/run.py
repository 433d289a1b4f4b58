"""A run: every artifact a pipeline execution materializes, with row and column provenance."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.frame import Frame
from lester.abstraction.splits import Split
from sklearn.compose import ColumnTransformer


@dataclass(eq=False)
class Run:
    """The artifacts of one execution.

    `X_all` and `y_all` hold the encoded matrix and labels of every prepared row; the train and test
    artifacts are row selections of them (`train_index`, `test_index` are positions in `prepared`).
    """

    sources: dict[str, Frame]
    prepared_frame: Frame
    split: Split
    fit_on: str
    y_all: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray
    encoder: ColumnTransformer
    X_all: np.ndarray
    model: Any
    predictions: np.ndarray
    column_provenance: list[dict[str, Any]]
    pipeline_path: str | None = None
    data_dir: str | None = None
    forget_report: dict[str, Any] | None = None

    @cached_property
    def prepared(self) -> pd.DataFrame:
        return self.prepared_frame.data

    @cached_property
    def X_train(self) -> np.ndarray:
        return self.X_all[self.train_index]

    @cached_property
    def X_test(self) -> np.ndarray:
        return self.X_all[self.test_index]

    @cached_property
    def y_train(self) -> np.ndarray:
        return self.y_all[self.train_index]

    @cached_property
    def y_test(self) -> np.ndarray:
        return self.y_all[self.test_index]

    @cached_property
    def train_provenance(self) -> pd.DataFrame:
        """Per training row (row i of X_train), the id of its source row in each source."""
        return self.prepared_frame.provenance.iloc[self.train_index].reset_index(drop=True)

    @cached_property
    def test_provenance(self) -> pd.DataFrame:
        return self.prepared_frame.provenance.iloc[self.test_index].reset_index(drop=True)

    def rows_from(self, source: str, ids: Any) -> dict[str, np.ndarray]:
        """Which rows of X_train and X_test derive from the given source row ids."""
        from lester.abstraction.provenance import rows_derived_from

        prov = self.prepared_frame.provenance[source].to_numpy()
        derived = rows_derived_from(prov, np.asarray(ids))
        return {
            "train": np.flatnonzero(derived[self.train_index]),
            "test": np.flatnonzero(derived[self.test_index]),
        }

    def save(self, directory: str | Path, *, overwrite: bool = False) -> Path:
        """Write every artifact atomically to `directory` (refusing to replace one unless asked)."""
        from lester.abstraction.storage import save_run

        return save_run(self, Path(directory), overwrite=overwrite)

    def forget(
        self,
        source: str,
        ids: Any = None,
        *,
        where: str | None = None,
        model_update: str = "retrain",
    ) -> Run:
        """The run a full re-run would give without the source rows `ids` (or matching `where`).

        `model_update` is "retrain" (exact) or "influence" (one Newton step from the current model,
        for L2-regularized logistic and linear regression; approximate, see `lester.abstraction.unlearning`).
        """
        from lester.abstraction.forget import forget

        return forget(self, source, ids=ids, where=where, model_update=model_update)
