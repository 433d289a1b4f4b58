"""Job scripts shared by the Docker and local test suites (run only inside a sandbox), and checks."""

TRAIN = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    frame = pd.read_csv("data/customers.csv")
    X = frame[["age", "income"]]
    y = frame["label"]
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(C=0.5, max_iter=200))])
    model.fit(X, y)
    predictions = model.predict(X)
    frame.assign(predicted=predictions).to_csv("intermediate.csv", index=False)
    print("trained", len(frame))
"""

INFINITE_LOOP = """
    while True:
        pass
"""

MEMORY_HOG = """
    chunks = []
    while True:
        chunks.append(b"x" * (32 * 1024 * 1024))
"""

PRINT_1GB = """
    import sys
    line = "y" * (1024 * 1024 - 1) + "\\n"
    for _ in range(1024):
        sys.stdout.write(line)
"""

WHERE_AM_I = """
    import os
    print(os.getcwd())
    print(sorted(os.listdir(".")))
    with open("intermediate.csv", "w") as handle:
        handle.write("scratch")
    with open("data/customers.csv", "a") as handle:
        handle.write("tampered\\n")
"""

SEGFAULT = """
    import ctypes
    ctypes.string_at(0)
"""

BREAK_THE_HARNESS = """
    import os
    import shutil
    # The harness writes trace.json into $cwd/../out; without it, it cannot report.
    shutil.rmtree(os.path.join(os.path.dirname(os.getcwd()), "out"))
"""


def line_of(source: str, needle: str) -> int:
    """1-based line number of the first line containing `needle` in the dedented script."""
    import textwrap

    lines = textwrap.dedent(source).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def check_training_trace(result, data_dir) -> None:  # noqa: ANN001 - test helper
    """The TRAIN job's trace: the file read, one fit of the right shape and params, the predict."""
    import numpy as np
    import pandas as pd

    assert result.ok, (result.harness_error, result.stderr_tail, result.trace)
    trace = result.trace
    assert {"path": "data/customers.csv", "mode": "r"} in trace["files_read"]
    assert {"path": "intermediate.csv", "mode": "w"} in trace["files_written"]
    assert len(trace["fits"]) == 1
    fit = trace["fits"][0]
    assert fit["estimator"] == "sklearn.pipeline.Pipeline"
    assert fit["line"] == line_of(TRAIN, "model.fit(")
    assert fit["X_shape"] == [120, 2] and fit["y_shape"] == [120]
    final = fit["final"]
    assert final["estimator"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert final["params"]["C"] == 0.5 and final["params"]["max_iter"] == 200
    frame = pd.read_csv(data_dir / "data" / "customers.csv")
    X = np.load(result.outputs_dir / fit["X"])
    assert X.dtype == np.float64
    np.testing.assert_array_equal(X, frame[["age", "income"]].to_numpy(dtype=float))
    np.testing.assert_array_equal(np.load(result.outputs_dir / fit["y"]), frame["label"])
    scaled = np.load(result.outputs_dir / final["X"])
    assert scaled.shape == (120, 2) and abs(scaled.mean()) < 1e-9
    assert (result.outputs_dir / fit["model"]).is_file()
    assert len(trace["predicts"]) == 1
    predict = trace["predicts"][0]
    assert predict["fit_index"] == 0 and predict["method"] == "predict"
    assert predict["line"] == line_of(TRAIN, "model.predict(")
    assert np.load(result.outputs_dir / predict["out"]).shape == (120,)
    assert "trained 120" in result.stdout_tail
