"""`forget` against a full re-run, on the running example, side by side in one run (issue #16).

For 100,000 and 1,000,000 customers (10,000 and 100,000 with `--quick`), deleting 1 and 100
customers who reach the training data:

1. in memory: `Run.forget` with the influence update and with (warm-started) retraining, against
   `Pipeline.run` on the sources without those customers (interleaved medians). Every data
   artifact is compared with the re-run's (prepared data, provenance mapped back to the original
   ids, X and y: the largest difference, which must be 0); the influence model's distance to the
   re-run's model is printed beside its certified bound (its gradient-norm bound plus the re-run
   model's own, since lbfgs stops at its tolerance too);
2. from the command line: `lester forget RUN --model-update influence` on the saved run against
   `lester run` (in the sandbox; when its default limits cannot hold the run, the failure is
   printed) and against the same pipeline run and save in a plain process, wall time of each;
3. memory: the peak resident size of `lester forget` and of `Run.forget` in a process holding the
   loaded run, against the peak of a process that loads the run and holds every artifact.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.provenance import unique_ids
from lester.abstraction.unlearning import certificate_of, parameters

import lester as lt

from .common import interleaved_medians, interleaved_samples, print_table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "creditcard"
PIPELINE = EXAMPLE / "pipeline.py"
TARGETS = {"influence": 100.0, "retrain": 5.0, "cli": 10.0, "memory": 1.5}
BUDGET = 0.5  # seconds per task and round: a forget of milliseconds runs many times per round


def _generate(root: Path, customers: int) -> Path:
    code = f"from generate import generate; from pathlib import Path; generate(Path({str(root / 'data')!r}), {customers}, seed=0)"
    subprocess.run([sys.executable, "-c", code], cwd=EXAMPLE, check=True)
    return root


def _without(root: Path, out: Path, ids: np.ndarray) -> np.ndarray:
    """The example's data without the customers `ids` under `out`; returns the kept row ids
    (a re-run numbers the remaining customers 0..n-1, and provenance is mapped back with them)."""
    (out / "data").mkdir(parents=True)
    customers = pd.read_csv(root / "data/customers.csv", header=None)
    kept = ~customers.index.isin(ids)
    customers[kept].to_csv(out / "data/customers.csv", header=False, index=False)
    os.symlink(root / "data/mails.csv", out / "data/mails.csv")
    return np.flatnonzero(kept)


def _max_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _data_diff(updated: lt.Run, reference: lt.Run, kept_ids: np.ndarray) -> float:
    """The largest difference of any data artifact (inf when the prepared data or provenance differ)."""
    if not updated.prepared.equals(reference.prepared):
        return float("inf")
    prov = reference.train_provenance.copy()
    prov["customers"] = kept_ids[prov["customers"].to_numpy()]
    if not updated.train_provenance.equals(prov):
        return float("inf")
    names = ("X_train", "y_train", "X_test", "y_test")
    return max(_max_diff(getattr(updated, n), getattr(reference, n)) for n in names)


def _model_check(updated: lt.Run, reference: lt.Run) -> dict[str, float]:
    """The influence model's distance to the re-run's, and the bound it must stay within: both
    are within (gradient norm x scale) / mu of the exact optimum, lbfgs stopping at its own
    tolerance as the Newton step does."""
    certificate = updated.forget_report["artifacts"]["model"]["certificate"]
    matrix = reference.features.take(reference.train_index)
    rerun_norm = certificate_of(reference.model, matrix, reference.y_train)["gradient_norm"]
    scale, mu = certificate["objective_scale"], certificate["mu"]
    bound = (certificate["gradient_norm"] + rerun_norm) * scale / mu
    distance = float(np.linalg.norm(parameters(updated.model) - parameters(reference.model)))
    return {
        "gradient_norm": certificate["gradient_norm"],
        "rerun_gradient_norm": rerun_norm,
        "distance": distance,
        "bound": bound,
        "within": distance <= bound,
    }


def in_memory(
    customers: int, root: Path, deletions: list[int], repeats: int
) -> list[dict[str, Any]]:
    pipeline = lt.load_pipeline(PIPELINE)
    run = pipeline.run(data_dir=root)
    present = unique_ids(run.train_provenance["customers"].to_numpy())
    for how in ("influence", "retrain"):  # the modules forget imports on first use
        run.forget("customers", ids=present[-1:], model_update=how)
    results = []
    for k in deletions:
        ids = np.sort(np.random.default_rng(k).choice(present, size=k, replace=False))
        rerun_dir = root / f"rerun-{k}"
        kept_ids = _without(root, rerun_dir, ids)
        samples = interleaved_samples(
            {
                "rerun": lambda d=rerun_dir: pipeline.run(data_dir=d),
                "influence": lambda i=ids: run.forget("customers", ids=i, model_update="influence"),
                "retrain": lambda i=ids: run.forget("customers", ids=i, model_update="retrain"),
            },
            repeats,
            BUDGET,
        )
        medians = {name: statistics.median(values) for name, values in samples.items()}
        reference = pipeline.run(data_dir=rerun_dir)
        influence = run.forget("customers", ids=ids, model_update="influence")
        retrained = run.forget("customers", ids=ids, model_update="retrain")
        results.append(
            {
                "customers": customers,
                "deleted": k,
                "prepared_rows": len(run.prepared),
                **{f"{name}_s": seconds for name, seconds in medians.items()},
                "samples": {name: len(values) for name, values in samples.items()},
                "influence_speedup": medians["rerun"] / medians["influence"],
                "retrain_speedup": medians["rerun"] / medians["retrain"],
                "data_diff_influence": _data_diff(influence, reference, kept_ids),
                "data_diff_retrain": _data_diff(retrained, reference, kept_ids),
                "model_influence": influence.forget_report["artifacts"]["model"]["method"],
                "model_retrain": retrained.forget_report["artifacts"]["model"]["method"],
                "model_check": _model_check(influence, reference),
                "retrain_coef_diff": float(
                    np.max(np.abs(parameters(retrained.model) - parameters(reference.model)))
                ),
            }
        )
        shutil.rmtree(rerun_dir)
    return results


def _wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


HOST_RUN = "import sys, lester as lt; lt.load_pipeline(sys.argv[1]).run(data_dir=sys.argv[2]).save(sys.argv[3])"


LESTER = [sys.executable, "-m", "lester"]


def command_line(customers: int, root: Path, repeats: int) -> dict[str, Any]:
    """`lester forget` on a saved run against making the run, as a user times them: `lester run`
    (in the sandbox) and, because the sandbox's default limits may not hold a large run, the same
    pipeline run and save in a plain process (what `lester run` did before it was sandboxed)."""
    env = {**os.environ, "LESTER_CONFIG_DIR": str(root / "config")}
    run_dir = root / "cli-run"
    subprocess.run(
        [sys.executable, "-c", HOST_RUN, str(PIPELINE), str(root), str(run_dir)],
        check=True,
        env=env,
    )
    provenance = pd.read_parquet(run_dir / "provenance_train.parquet")
    ids = str(int(np.random.default_rng(7).choice(unique_ids(provenance["customers"].to_numpy()))))
    commands = {
        "run + save (plain process)": [sys.executable, "-c", HOST_RUN, str(PIPELINE), str(root)],
        "lester run (sandbox)": [*LESTER, "run", str(PIPELINE), "--data-dir", str(root), "--out"],
        "lester forget": [*LESTER, "forget", str(run_dir), "--source", "customers", "--ids", ids]
        + ["--model-update", "influence", "--out"],
    }
    sandbox_failure = _sandbox_failure(root, env)
    if sandbox_failure:
        del commands["lester run (sandbox)"]
    medians = interleaved_medians(_timed(commands, root, env), repeats)
    forget_s = medians["lester forget"]
    sandbox_s = medians.get("lester run (sandbox)")
    return {
        "customers": customers,
        **medians,
        "speedup_plain": medians["run + save (plain process)"] / forget_s,
        "speedup_sandbox": sandbox_s / forget_s if sandbox_s else None,
        "sandbox_failure": sandbox_failure,
        **_memory(run_dir, ids, env),
    }


def _timed(commands: dict[str, list[str]], root: Path, env: dict[str, str]) -> dict[str, Any]:
    """Per command, a task that runs it with a fresh output folder (its last argument) and
    removes that folder afterwards."""
    targets = (root / f"out-{i}" for i in range(1_000_000))

    def task(args: list[str]) -> Any:
        def run() -> None:
            target = next(targets)
            _wall([*args, str(target)], env)
            shutil.rmtree(target)

        return run

    return {name: task(args) for name, args in commands.items()}


def _sandbox_failure(root: Path, env: dict[str, str]) -> str | None:
    """Why `lester run` cannot make this run in the sandbox (None when it can)."""
    target = root / "sandbox-probe"
    done = subprocess.run(
        [*LESTER, "run", str(PIPELINE), "--data-dir", str(root), "--out", str(target)],
        env=env,
        capture_output=True,
        text=True,
    )
    shutil.rmtree(target, ignore_errors=True)
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or ["exit code " + str(done.returncode)])[-1]


PEAK = """
def peak_kb():  # VmHWM: the peak of this process's own memory (ru_maxrss inherits the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
"""

HOLD = (
    PEAK
    + """
import sys, lester as lt
run = lt.load_run(sys.argv[1])
held = [run.X_train, run.X_test, run.prepared, run.train_provenance]
held += [run.sources[name].df for name in run.sources]
if len(sys.argv) > 2:
    run.forget("customers", ids=[int(i) for i in sys.argv[2].split(",")], model_update="influence")
print(peak_kb())
"""
)

CLI = (
    PEAK
    + """
import sys
from lester.cli import app
sys.argv = ["lester", *sys.argv[1:]]
try:
    app()
except SystemExit as exit:
    assert not exit.code, exit.code
print(peak_kb())
"""
)


def _memory(run_dir: Path, ids: str, env: dict[str, str]) -> dict[str, Any]:
    """Peak resident sizes (kB): holding the loaded run with every artifact in memory,
    `Run.forget` in that process, and `lester forget`."""

    def peak(code: str, *args: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True
        ).stdout
        return int(out.strip().splitlines()[-1])

    hold = peak(HOLD, str(run_dir))
    held_forget = peak(HOLD, str(run_dir), ids)
    target = run_dir.with_name("cli-memory")
    cli = peak(
        CLI,
        "forget",
        str(run_dir),
        "--source",
        "customers",
        "--ids",
        ids,
        "--model-update",
        "influence",
        "--out",
        str(target),
    )
    shutil.rmtree(target)
    return {
        "peak_hold_kb": hold,
        "peak_forget_in_memory_kb": held_forget,
        "peak_cli_forget_kb": cli,
        "memory_ratio_in_memory": held_forget / hold,
        "memory_ratio_cli": cli / hold,
    }


def _print(
    memory_rows: list[dict[str, Any]], cli_rows: list[dict[str, Any]], repeats: dict[str, int]
) -> None:
    _print_in_memory(memory_rows, repeats["memory"])
    _print_command_line(cli_rows, repeats["cli"])
    _print_memory(cli_rows)


Columns = list[tuple[str, Any]]


def _table(title: str, rows: list[dict[str, Any]], columns: Columns) -> None:
    """A table of results: per column a label and a key, or a function of the result."""
    cells = [[get(r) if callable(get) else r[get] for _, get in columns] for r in rows]
    print_table(title, [label for label, _ in columns], cells)


def _print_in_memory(rows: list[dict[str, Any]], repeats: int) -> None:
    speed = [
        ("customers", "customers"),
        ("deleted", "deleted"),
        ("re-run s", "rerun_s"),
        ("influence s", "influence_s"),
        ("speedup", "influence_speedup"),
        ("retrain s", "retrain_s"),
        ("speedup", "retrain_speedup"),
        ("data diff (infl./retr.)", _data_diffs),
        ("samples (re-run/infl./retr.)", lambda r: "/".join(map(str, r["samples"].values()))),
    ]
    title = (
        f"forget in memory vs a full re-run (medians over {repeats} interleaved rounds, each "
        f"task repeated within a round until it took {BUDGET:g} s; targets: influence >= "
        f"{TARGETS['influence']:g}x, retrain >= {TARGETS['retrain']:g}x, data diff 0)"
    )
    _table(title, rows, speed)
    model = [
        ("customers", "customers"),
        ("deleted", "deleted"),
        *[(label, lambda r, k=key: r["model_check"][k]) for label, key in MODEL_COLUMNS.items()],
        ("retrain max coef diff", "retrain_coef_diff"),
    ]
    _table(
        "the influence model against the re-run's model (certified: distance <= bound)", rows, model
    )
    for r in rows:
        print(
            f"{r['customers']:,} customers, {r['deleted']} deleted: "
            f"model {r['model_influence']}; {r['model_retrain']}"
        )


def _data_diffs(r: dict[str, Any]) -> str:
    return f"{r['data_diff_influence']:g} / {r['data_diff_retrain']:g}"


MODEL_COLUMNS = {
    "gradient norm": "gradient_norm",
    "re-run's norm": "rerun_gradient_norm",
    "distance": "distance",
    "bound": "bound",
    "within": "within",
}


def _print_command_line(rows: list[dict[str, Any]], repeats: int) -> None:
    columns = [
        ("customers", "customers"),
        ("lester run (sandbox) s", lambda r: r.get("lester run (sandbox)", "failed")),
        ("speedup", lambda r: r["speedup_sandbox"] or "-"),
        ("run + save (plain) s", "run + save (plain process)"),
        ("speedup", "speedup_plain"),
        ("lester forget s", "lester forget"),
    ]
    title = (
        f"lester forget on the saved run vs making the run, wall time (medians of {repeats}; "
        f"target >= {TARGETS['cli']:g}x at 1,000,000)"
    )
    _table(title, rows, columns)
    for r in rows:
        if r["sandbox_failure"]:
            print(
                f"{r['customers']:,} customers: lester run failed in the sandbox: {r['sandbox_failure']}"
            )


def _print_memory(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("customers", "customers"),
        ("holding the run", "peak_hold_kb"),
        ("Run.forget", "peak_forget_in_memory_kb"),
        ("ratio", "memory_ratio_in_memory"),
        ("lester forget", "peak_cli_forget_kb"),
        ("ratio", "memory_ratio_cli"),
    ]
    title = f"peak memory, kB (target: forget <= {TARGETS['memory']:g}x holding the run)"
    _table(title, rows, columns)


def main(quick: bool = False) -> dict[str, Any]:
    sizes = [10_000, 100_000] if quick else [100_000, 1_000_000]
    repeats = {"memory": 3, "cli": 2 if quick else 3}
    memory_rows, cli_rows = [], []
    for customers in sizes:
        with tempfile.TemporaryDirectory(prefix="lester-forget-bench-") as tmp:
            root = _generate(Path(tmp), customers)
            memory_rows += in_memory(customers, root, [1, 100], repeats["memory"])
            cli_rows.append(command_line(customers, root, repeats["cli"]))
    _print(memory_rows, cli_rows, repeats)
    return {"in_memory": memory_rows, "command_line": cli_rows, "targets": TARGETS}
