"""Every command over the fuzz set, through the real sandbox: no Python traceback in any output,
a clear message, and the documented exit code.

`lester analyze`: 0 analysed, 1 the script cannot be analysed (it raises, never fits, reads no
data, runs out of time or output), 2 bad input. `lester rewrite`: 0 verified, 1 not verified,
2 bad input (an original that cannot be analysed included). `lester verify`: 0 match, 1 mismatch
(a broken candidate included), 2 bad input (an original that cannot be analysed included).
`lester eval`: 0 when the evaluation completed, whatever verified.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .inputs import BROKEN_PIPELINES, CASES, PIPELINE, FuzzCase, write_corpus

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

TIMEOUT = "5"  # seconds per sandbox run: the endless loop ends quickly
SEEN: dict[str, dict[str, int]] = {}  # command -> case -> exit code, printed at the end


def lester(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lester", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    """The output, its whitespace normalized (the console wraps long messages).

    Lester's own tracebacks (an exception nothing caught) go to stderr; a verdict on stdout may
    quote the traceback of the sandboxed candidate as its evidence."""
    assert "Traceback (most recent call last)" not in result.stderr, result.stderr[-3000:]
    output = " ".join((result.stdout + result.stderr).split())
    assert output, "a command must say what happened"
    return output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("fuzz") / "corpus")


def each_case(run) -> dict[str, tuple[FuzzCase, subprocess.CompletedProcess[str]]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([c.name for c in CASES], pool.map(run, CASES), strict=True))


def record(command: str, results: dict[str, tuple[FuzzCase, subprocess.CompletedProcess]]):
    SEEN[command] = {name: result.returncode for name, (_, result) in results.items()}
    print(f"\n{command}: " + json.dumps(SEEN[command]))


def test_analyze(corpus: dict[str, Path]):
    def run(case: FuzzCase):
        return case, lester("analyze", str(corpus[case.name]), "--timeout", TIMEOUT)

    results = each_case(run)
    record("analyze", results)
    for name, (case, result) in results.items():
        output = no_traceback(result)
        assert result.returncode == case.analyze, f"{name}: {output[-2000:]}"
        assert case.says in output, f"{name}: {output[-2000:]}"


def test_rewrite(corpus: dict[str, Path]):
    before = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in corpus.items()}

    def run(case: FuzzCase):
        script = str(corpus[case.name])
        return case, lester("rewrite", script, "--model", "offline", "--timeout", TIMEOUT)

    results = each_case(run)
    record("rewrite", results)
    for name, (case, result) in results.items():
        output = no_traceback(result)
        if case.analyze:
            assert result.returncode == 2 and case.says in output, f"{name}: {output[-2000:]}"
        else:
            assert result.returncode in (0, 1), f"{name}: {output[-2000:]}"
        assert hashlib.sha256(corpus[name].read_bytes()).hexdigest() == before[name]


def test_verify(corpus: dict[str, Path], tmp_path: Path):
    pipeline = tmp_path / "pipeline.py"
    pipeline.write_text(PIPELINE)

    def run(case: FuzzCase):
        original = str(corpus[case.name])
        return case, lester("verify", original, str(pipeline), "--timeout", TIMEOUT)

    results = each_case(run)
    record("verify", results)
    for name, (case, result) in results.items():
        output = no_traceback(result)
        expected = (2,) if case.analyze else (0, 1)
        assert result.returncode in expected, f"{name}: {output[-2000:]}"


@pytest.mark.parametrize("candidate", sorted(BROKEN_PIPELINES))
def test_verify_a_broken_candidate(corpus: dict[str, Path], tmp_path: Path, candidate: str):
    path = tmp_path / candidate
    content = BROKEN_PIPELINES[candidate]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = lester("verify", str(corpus["fits_twice"]), str(path), "--timeout", TIMEOUT)
    output = no_traceback(result)
    assert result.returncode == 1, output[-2000:]
    SEEN.setdefault("verify (broken candidate)", {})[candidate] = result.returncode


def test_eval_over_the_fuzz_corpus(corpus: dict[str, Path], tmp_path: Path):
    root = next(iter(corpus.values())).parent.parent
    out = tmp_path / "results"
    result = lester(
        "eval", "--corpus", str(root), "--model", "offline", "--jobs", "2",
        "--timeout", TIMEOUT, "--out", str(out),
    )  # fmt: skip
    output = no_traceback(result)
    assert result.returncode == 0, output[-3000:]
    cases = json.loads((out / "results.json").read_text())["cases"]
    assert sorted(c["name"] for c in cases) == sorted(c.name for c in CASES)
    crashed = [c["name"] for c in cases if c.get("outcome") == "error"]
    assert not crashed, f"the agent crashed on {crashed}"
    SEEN["eval"] = {"exit": result.returncode}
