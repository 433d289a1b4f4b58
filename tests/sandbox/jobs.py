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
    assert {"path": "data/customers.csv", "mode": "r", "own": False} in trace["files_read"]
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


LIST_AND_PROBE = """
    import json, os
    seen = sorted(
        os.path.relpath(os.path.join(d, n), ".")
        for d, dirs, files in os.walk(".") for n in dirs + files
    )
    opened = {}
    for path in ["data/passwd", "data/key", "data/up", ".ssh/id_rsa", ".env", "/data/.env",
                 "data/.cache/token", ".lester/lester.sqlite", "traces/lester.sqlite",
                 "runs/r1/meta.json", "data/alias.csv"]:
        try:
            opened[path] = open(path).read()
        except OSError as exc:
            opened[path] = f"refused {exc.errno}"
    print(json.dumps({"seen": seen, "opened": opened}))
"""

COPY_ON_WRITE = """
    import json, os, shutil
    import pandas as pd
    first = pd.read_csv("data/customers.csv")
    os.makedirs("working", exist_ok=True)
    first.to_csv("working/submission.csv", index=False)
    os.makedirs("data/.scratchspace", exist_ok=True)
    first.head(1).to_csv("data/.scratchspace/intermediate.csv", index=False)
    with open("data/train.txt", "w") as handle:
        handle.write("1 30\\n")
    with open("data/my file.csv", "w") as handle:
        handle.write("a,b\\n1,2\\n")
    first.assign(age=first.age + 1).to_csv("data/customers.csv", index=False)  # in place
    os.remove("data/raw/mails.csv")
    shutil.rmtree("data/raw")
    os.chmod("data/alias.csv", 0o600)
    back = {
        "submission": len(pd.read_csv("working/submission.csv")),
        "scratch": len(pd.read_csv("data/.scratchspace/intermediate.csv")),
        "train": open("data/train.txt").read(),
        "space": open("data/my file.csv").read(),
        "overwritten_age": int(pd.read_csv("data/customers.csv").age.iloc[0]),
        "raw_gone": not os.path.exists("data/raw"),
    }
    print(json.dumps(back))
"""

FILL_SCRATCH = """
    chunk = b"x" * (1024 * 1024)
    with open("big.bin", "wb") as handle:
        for _ in range(4096):
            handle.write(chunk)
"""


def tree(root) -> dict[str, bytes]:  # noqa: ANN001 - test helper
    """Every file under `root` (links as their target text) with its bytes and mode."""
    import os
    from pathlib import Path

    found = {}
    for path in sorted(Path(root).rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes() + f" {path.stat().st_mode:o}".encode()
    return found
