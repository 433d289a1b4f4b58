"""The recorder describes X and y as the estimator received them, lists and column vectors too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = """
import numpy as np
from sklearn.naive_bayes import MultinomialNB
X = [["1", "0"], ["0", "1"], ["1", "1"]]
MultinomialNB().fit(np.asarray(X, dtype=float), {y})
"""


@pytest.mark.parametrize(
    ("y", "shape", "dtype"),
    [('["a", "b", "a"]', [3], "<U1"), ("np.array([[0], [1], [0]])", [3], "int64")],
)
def test_labels_are_described_as_the_estimator_sees_them(tmp_path: Path, y, shape, dtype):
    (tmp_path / "s.py").write_text(SCRIPT.format(y=y))
    command = [sys.executable, "-m", "lester.sandbox.harness", "script", "s.py", "--out", "out"]
    subprocess.run(command, cwd=tmp_path, check=True, timeout=120)
    fit = json.loads((tmp_path / "out" / "trace.json").read_text())["fits"][0]
    assert (fit["y_shape"], fit["y_dtype"]) == (shape, dtype)
    assert np.load(tmp_path / "out" / fit["y"]).shape == tuple(shape)
