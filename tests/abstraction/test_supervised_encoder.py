"""Transformers fitted with the labels (a feature selector, a target encoder) in the encoder:
the run fits them as scikit-learn fits the same ColumnTransformer with `y`, and forget gives a
re-run's matrix."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

import lester as lt

from .conftest import PIPELINES
from .test_forget import assert_same_artifacts, rerun_without

PIPELINE = PIPELINES / "shop_selected.py"


def test_the_encoder_is_fitted_with_the_training_labels(shop_dir):
    pipeline = lt.load_pipeline(PIPELINE)
    run = pipeline.run(data_dir=shop_dir)
    prepared = run.prepared
    y = (prepared["amount"] > 250).astype(int).to_numpy()
    train = run.train_index
    reference = clone(run.encoder).fit(prepared.iloc[train], y[train])
    np.testing.assert_array_equal(run.X_train, reference.transform(prepared.iloc[train]))
    assert run.X_train.shape[1] == 3  # two selected columns and the encoded country


def test_forget_refits_them_with_the_remaining_labels(shop_dir, tmp_path):
    run = lt.load_pipeline(PIPELINE).run(data_dir=shop_dir)
    updated = run.forget("orders", ids=[0, 5, 9])
    assert_same_artifacts(
        updated, rerun_without(PIPELINE, shop_dir, tmp_path / "re", [0, 5, 9], "orders")
    )
