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
    # The harness writes trace.json into $cwd/../out; a folder in its place, and it cannot report.
    os.mkdir(os.path.join(os.path.dirname(os.getcwd()), "out", "trace.json"))
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


TAKE_OVER_THE_SERVER = """
    import ctypes, json, os, time
    libc = ctypes.CDLL(None, use_errno=True)
    FORGED = b'{"exit_code":0,"trace":{"status":"ok","note":"FORGED-BY-JOB"},"payload":0}\\n'

    def attempt(call):
        result = call()
        return [result, ctypes.get_errno()] if result == -1 else "done"

    report = {"fds": [fd for fd in range(3, 256) if not attempt(lambda: libc.fcntl(fd, 1)) == [-1, 9]]}
    report["ptrace_server"] = attempt(lambda: libc.ptrace(16, 1, 0, 0))  # PTRACE_ATTACH
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    report["ptrace_own_child"] = attempt(lambda: libc.ptrace(16, child, 0, 0))
    os.kill(child, 9)
    os.waitpid(child, 0)
    buffer = ctypes.create_string_buffer(FORGED)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), len(FORGED))
    report["vm_write_server"] = attempt(lambda: libc.process_vm_writev(1, local, 1, local, 1, 0))
    for path, mode in [("/proc/1/mem", "r+b"), ("/proc/1/fd/1", "wb"), ("/proc/1/environ", "rb")]:
        try:
            with open(path, mode) as handle:
                handle.write(FORGED) if "w" in mode or "+" in mode else handle.read()
            report[path] = "done"
        except OSError as exc:
            report[path] = exc.errno
    try:
        report["/proc/1/fd"] = os.listdir("/proc/1/fd")
    except OSError as exc:
        report["/proc/1/fd"] = exc.errno
    print(json.dumps(report))
"""

ESCAPE_THE_LOCAL_SANDBOX = """
    import json, os, socket, subprocess, sys
    status = open("/proc/self/status").read()
    report = {"uid": os.getuid(), "caps": status.split("CapEff:")[1].split()[0]}
    report["pids_seen"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    report["secret_in_env"] = any("do-not-leak" in v for v in os.environ.values())
    for path in ["/etc/shadow", "/root/.ssh/id_rsa", "/proc/1/environ", sys.argv[1]]:
        try:
            report[path] = "read: " + open(path).read()[:40]
        except OSError as exc:
            report[path] = exc.errno
    for path in ["/etc/lester-evil", "/usr/lester-evil", "/proc/sys/kernel/hostname"]:
        try:
            with open(path, "w") as handle:
                handle.write("evil")
            report[path] = "written"
        except OSError as exc:
            report[path] = exc.errno
    for address in ["/var/run/docker.sock", "/run/docker.sock"]:
        try:
            socket.socket(socket.AF_UNIX).connect(address)
            report[address] = "connected"
        except OSError as exc:
            report[address] = exc.errno
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2)
        report["host_port"] = "connected"
    except OSError as exc:
        report["host_port"] = exc.errno
    daemon = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep(300)\\n"
    subprocess.run([sys.executable, "-c", daemon])
    print(json.dumps(report))
"""

FORK_300 = """
    import os, time
    children = []
    for _ in range(300):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children.append(pid)
    print("forked", len(children))
"""


def processes_of(uid: int) -> list[int]:
    """The PIDs of the host's processes running as `uid`."""
    import os

    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                found.append(int(entry))
        except FileNotFoundError:
            continue
    return found
