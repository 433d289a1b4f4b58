"""Self-check of the messy-pipeline corpus.

Run with the project's venv python from anywhere::

    .venv/bin/python evals/corpus/check_corpus.py [--cases GLOB] [--jobs N] [--timeout S]

For every case folder (a folder holding ``messy.py``) it

1. regenerates the data with ``generate.py --out TMP`` (scale 1, seed 0) and compares it with the
   committed ``data/`` folder byte for byte (same file names, same bytes);
2. copies the case folder to a temporary directory and runs ``messy.py`` there in a subprocess
   (cwd = the copy, random PYTHONHASHSEED) under a small recorder that wraps scikit-learn's ``fit`` methods, and checks
   that it exits 0 within the time limit, that exactly one top-level model ``fit`` happens (fits made inside scikit-learn's model
   selection, cross-validation's clones, do not count, nor a hand fold loop's fits of the final
   estimator's class on fewer rows before it; a search's own fit does), that
   its ``X`` is 2-D, numeric and free of NaN, that ``y`` is 1-D and that a classification case
   sees at least two classes;
3. validates ``meta.json`` (required keys, task, split, model name, idiom tags from IDIOMS.md)
   and the script length (40-120 lines).

With ``--determinism`` every script runs twice and the SHA-256 of the fitted ``X`` and ``y`` must
agree. It prints one table row per case (wall time of the subprocess, CPU time of the script) and
exits non-zero when any case fails.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
TASKS = {"classification", "regression"}
SPLITS = {
    "none",
    "train_test_split-before-encoding",
    "train_test_split-after-encoding",
    "manual-slicing",
    "random-deletion-loop",
}
DIFFICULTIES = {"easy", "medium", "hard"}
IDIOM_GROUPS = ("reading", "preparation", "features", "labels", "model")

# Runs inside the subprocess: wrap every estimator's fit, record the outermost calls, run messy.py.
RECORDER = r'''
import hashlib, json, os, runpy, sys, importlib, time
import numpy as np
import sklearn.base as base

records = []
depth = [0]
patched = set()

def in_model_selection():
    # the clones cross_val_score or a KFold helper of scikit-learn fits are not the script's fits
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("sklearn.model_selection"):
            return True
        frame = frame.f_back
    return False

def wrap(owner):
    orig = owner.__dict__["fit"]
    def fit(self, X, y=None, *args, **kwargs):
        depth[0] += 1
        try:
            if (depth[0] == 1 and not in_model_selection()
                    and (base.is_classifier(self) or base.is_regressor(self))):
                rec = {"estimator": type(self).__name__,
                       "classifier": bool(base.is_classifier(self))}
                try:
                    Xa = np.asarray(X)
                    rec["X_shape"] = list(Xa.shape)
                    rec["X_numeric"] = bool(np.issubdtype(Xa.dtype, np.number) or Xa.dtype == bool)
                    rec["X_nan"] = bool(rec["X_numeric"] and np.isnan(Xa.astype(float)).any())
                    rec["X_sha"] = hashlib.sha256(np.ascontiguousarray(Xa, dtype=float).tobytes()).hexdigest()
                except Exception as exc:  # sparse or odd input
                    rec["X_error"] = repr(exc)
                if y is not None:
                    ya = np.asarray(y)
                    rec["y_shape"] = list(ya.shape)
                    rec["y_classes"] = int(len(np.unique(ya))) if ya.ndim == 1 else None
                    rec["y_sha"] = hashlib.sha256(np.ascontiguousarray(ya).tobytes()).hexdigest()
                records.append(rec)
            return orig(self, X, y, *args, **kwargs)
        finally:
            depth[0] -= 1
    owner.fit = fit

for modname in ("sklearn.linear_model", "sklearn.ensemble", "sklearn.svm", "sklearn.neural_network",
                "sklearn.tree", "sklearn.neighbors", "sklearn.naive_bayes", "sklearn.model_selection"):
    mod = importlib.import_module(modname)
    for name in getattr(mod, "__all__", []):
        try:
            cls = getattr(mod, name, None)
        except ImportError:  # experimental searches (HalvingGridSearchCV) need an opt-in import
            continue
        if not isinstance(cls, type) or not issubclass(cls, base.BaseEstimator):
            continue
        for owner in cls.__mro__:
            if "fit" in owner.__dict__:
                if owner not in patched:
                    patched.add(owner)
                    wrap(owner)
                break

cpu0 = time.process_time()
try:
    sys.argv = ["messy.py"]
    runpy.run_path("messy.py", run_name="__main__")
finally:
    with open(os.environ["CORPUS_FIT_RECORD"], "w") as fh:
        json.dump({"fits": records, "cpu": time.process_time() - cpu0}, fh)
'''


def _fold_fits(fits: list[dict]) -> list[dict]:
    """The fits before the final one that a hand cross-validation loop makes: the final fit's
    estimator class on fewer rows (a fold of its matrix); they are not the model."""
    if not fits:
        return []
    final = fits[-1]
    rows = (final.get("X_shape") or [0])[0]
    return [f for f in fits[:-1]
            if f["estimator"] == final["estimator"] and (f.get("X_shape") or [rows])[0] < rows]


def load_vocabulary(path: Path) -> dict[str, set[str]]:
    """Tags per group from IDIOMS.md: '## <group>' headings, then '- `tag`: ...' lines."""
    vocab: dict[str, set[str]] = {}
    group = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^##\s+(\w+)", line)
        if m:
            group = m.group(1).lower()
            vocab.setdefault(group, set())
            continue
        m = re.match(r"^- `([a-z0-9_.-]+)`", line)
        if m and group:
            vocab[group].add(m.group(1))
    return vocab


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def check_meta(case: Path, vocab: dict[str, set[str]]) -> list[str]:
    problems = []
    try:
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    except Exception as exc:
        return [f"meta.json unreadable: {exc}"]
    for key in ("name", "domain", "task", "description", "idioms", "model", "difficulty"):
        if key not in meta:
            problems.append(f"meta.json lacks {key}")
    if meta.get("name") != case.name:
        problems.append("meta name != folder name")
    if meta.get("task") not in TASKS:
        problems.append(f"bad task {meta.get('task')!r}")
    if meta.get("difficulty") not in DIFFICULTIES:
        problems.append(f"bad difficulty {meta.get('difficulty')!r}")
    idioms = meta.get("idioms", {})
    if idioms.get("split") not in SPLITS:
        problems.append(f"bad split {idioms.get('split')!r}")
    for group in IDIOM_GROUPS:
        tags = idioms.get(group)
        if not isinstance(tags, list) or not tags:
            problems.append(f"idioms.{group} empty")
            continue
        unknown = [t for t in tags if t not in vocab.get(group, set())]
        if unknown:
            problems.append(f"unknown {group} tags {unknown}")
    return problems


def _run_messy(case: Path, tmp: Path, python: str, timeout: float):
    """Run messy.py in a fresh copy of the case folder; return (status, fits, cpu, secs, problem)."""
    tmp.mkdir(parents=True)
    work = tmp / "case"
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("__pycache__"))
    record = tmp / "fits.json"
    env = dict(os.environ, CORPUS_FIT_RECORD=str(record), PYTHONHASHSEED="random")
    t0 = time.perf_counter()
    status, problem = "?", None
    try:
        proc = subprocess.run([python, "-c", RECORDER], cwd=work, capture_output=True,
                              text=True, timeout=timeout, env=env)
        if proc.returncode == 0:
            status = "ok"
        else:
            status = f"EXIT {proc.returncode}"
            problem = "messy.py failed: " + proc.stderr.strip()[-400:]
    except subprocess.TimeoutExpired:
        status, problem = "TIMEOUT", f"messy.py exceeded {timeout:.0f}s"
    secs = time.perf_counter() - t0
    data = json.loads(record.read_text()) if record.exists() else {}
    return status, data.get("fits", []), data.get("cpu"), secs, problem


def check_case(case: Path, vocab, timeout: float, python: str, determinism: bool = False) -> dict:
    res = {"case": case.name, "problems": [], "data": "?", "run": "?", "secs": None, "cpu": None,
           "repeat": "-", "fit": ""}
    meta = {}
    try:
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    except Exception:
        pass
    res["problems"] += check_meta(case, vocab)
    n_lines = len((case / "messy.py").read_text(encoding="utf-8").splitlines())
    if not 40 <= n_lines <= 120:
        res["problems"].append(f"messy.py has {n_lines} lines (want 40-120)")

    with tempfile.TemporaryDirectory(prefix=f"corpus-{case.name}-") as tmp:
        tmp = Path(tmp)
        # 1. regenerate and compare
        gen_out = tmp / "regen"
        proc = subprocess.run([python, str(case / "generate.py"), "--out", str(gen_out)],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            res["data"] = "GEN-FAIL"
            res["problems"].append("generate.py failed: " + proc.stderr.strip()[-300:])
        else:
            committed, fresh = files_of(case / "data"), files_of(gen_out)
            if committed == fresh:
                res["data"] = "equal"
            else:
                res["data"] = "DIFF"
                names = sorted(set(committed) ^ set(fresh)) or [
                    k for k in committed if committed[k] != fresh.get(k)]
                res["problems"].append(f"regenerated data differs: {names[:5]}")
        # 2. run messy.py in a copy of the folder
        run, fits, cpu, secs, problem = _run_messy(case, tmp / "run1", python, timeout)
        res.update(run=run, secs=secs, cpu=cpu)
        if problem:
            res["problems"].append(problem)
        if determinism and run == "ok":
            run2, fits2, _, _, problem2 = _run_messy(case, tmp / "run2", python, timeout)
            same = run2 == "ok" and [(f.get("X_sha"), f.get("y_sha")) for f in fits] == [
                (f.get("X_sha"), f.get("y_sha")) for f in fits2]
            res["repeat"] = "same" if same else "DIFFERS"
            if not same:
                res["problems"].append(problem2 or "a second run fitted a different X or y")
        # 3. what the final fit saw
        if res["run"] == "ok":
            if len(fits) - len(_fold_fits(fits)) != 1:
                res["problems"].append(f"{len(fits)} top-level model fits (want exactly 1)")
            if fits:
                f = fits[-1]
                shape = "x".join(str(v) for v in f.get("X_shape", []))
                res["fit"] = f"{f['estimator']} X={shape}"
                if f["estimator"] != meta.get("model"):
                    res["problems"].append(f"fitted {f['estimator']}, meta says {meta.get('model')}")
                if len(f.get("X_shape", [])) != 2 or not f.get("X_numeric"):
                    res["problems"].append("X is not a 2-D numeric matrix")
                if f.get("X_nan"):
                    res["problems"].append("X contains NaN")
                if len(f.get("y_shape", [])) != 1:
                    res["problems"].append("y is not 1-D")
                want_clf = meta.get("task") == "classification"
                if f["classifier"] != want_clf:
                    res["problems"].append("estimator type does not match meta task")
                if want_clf and (f.get("y_classes") or 0) < 2:
                    res["problems"].append("fewer than two classes in y")
    res["ok"] = not res["problems"]
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check every case of the messy-pipeline corpus.")
    parser.add_argument("--cases", default="*", help="glob over case names (default: all)")
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    parser.add_argument("--timeout", type=float, default=90.0,
                        help="seconds per generate.py / messy.py run (default: 90; the scripts "
                             "themselves need ~1-3 s plus interpreter and import time)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the subprocesses")
    parser.add_argument("--determinism", action="store_true",
                        help="run every script twice (random hash seeds) and compare the fitted X and y")
    args = parser.parse_args(argv)

    vocab = load_vocabulary(CORPUS / "IDIOMS.md")
    cases = sorted(p.parent for p in CORPUS.glob("*/messy.py")
                   if fnmatch.fnmatch(p.parent.name, args.cases))
    if not cases:
        print("no cases found")
        return 1
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: check_case(c, vocab, args.timeout, args.python, args.determinism), cases))

    width = max(len(r["case"]) for r in results)
    print(f"{'case':<{width}}  {'data':<8} {'run':<8} {'wall':>6} {'cpu':>6}  {'repeat':<7} "
          f"{'status':<6} final fit")
    for r in results:
        secs = f"{r['secs']:.1f}" if r["secs"] is not None else "-"
        cpu = f"{r['cpu']:.1f}" if r["cpu"] is not None else "-"
        status = "PASS" if r["ok"] else "FAIL"
        print(f"{r['case']:<{width}}  {r['data']:<8} {r['run']:<8} {secs:>6} {cpu:>6}  "
              f"{r['repeat']:<7} {status:<6} {r['fit']}")
        for p in r["problems"]:
            print(f"{'':<{width}}    - {p}")
    n_ok = sum(r["ok"] for r in results)
    print(f"\n{n_ok}/{len(results)} cases pass  (wall: seconds per messy.py subprocess incl. "
          "interpreter start; cpu: CPU seconds of the script body, scikit-learn already imported)")
    return 0 if n_ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
