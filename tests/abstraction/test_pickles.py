"""The saved-run unpickler builds what fitted scikit-learn objects hold, and nothing that runs."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
from lester.abstraction import pickles
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier


@pytest.mark.parametrize(
    "model",
    [
        HistGradientBoostingClassifier(max_iter=3, random_state=0),  # keeps a PCG64
        RandomForestClassifier(3, random_state=np.random.RandomState(0)),  # keeps an MT19937
    ],
)
def test_models_holding_a_random_generator_load_and_predict_the_same(model):
    X = np.random.default_rng(0).random((60, 3))
    y = (X[:, 0] > 0.5).astype(int)
    model.fit(X, y)
    loaded = pickles.loads(pickles.dumps(model))
    assert (loaded.predict(X) == model.predict(X)).all()


class _Shell:
    def __reduce__(self):
        return (os.system, ("true",))


def test_a_pickle_naming_a_callable_outside_the_allowed_ones_is_refused():
    with pytest.raises(pickles.RefusedPickle, match="os.system|posix.system"):
        pickles.loads(pickle.dumps(_Shell()))
    with pytest.raises(pickles.RefusedPickle, match="numpy.load"):
        pickles.loads(pickle.dumps(np.load))
