"""`@name` in a filter resolves the calling step's variables, then the pipeline module's globals:
on the host (`lt.load_pipeline(...).run()`) and in the real sandbox (the harness's pipeline mode)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from lester.sandbox import Job, open_sandbox

import lester as lt

PIPELINE = """
import lester as lt
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from {helpers} import keep_counties

COUNTIES = ["a", "b"]
MIN_AGE = 20


def _adults(frame):
    return frame.filter("age >= @MIN_AGE")


@lt.source
def people(data_dir):
    return lt.read_csv(f"{{data_dir}}/people.csv")


@lt.step
def local_counties(people):
    counties = ["a", "b", "c"]
    return people.filter("county in @counties")


@lt.prepare
def kept(local_counties):
    adults = [_adults(f) for f in [local_counties]][0]
    return keep_counties(adults.filter("county in @COUNTIES"))


@lt.encode
def features():
    return ColumnTransformer([("age", StandardScaler(), ["age"])])


@lt.label
def label(data):
    return (data["age"] > 40).astype(int)


@lt.model
def model():
    return LogisticRegression()
"""

# A helper in another module filters by a constant that only the pipeline module defines.
HELPERS = "def keep_counties(frame):\n    return frame.filter(\"county != 'c' and county in @COUNTIES\")\n"


def write_case(folder: Path, inline_helper: bool) -> Path:
    rows = ["id,county,age"] + [f"{i},{'abcd'[i % 4]},{15 + i % 50}" for i in range(80)]
    (folder / "people.csv").write_text("\n".join(rows) + "\n")
    helpers = "scope_helpers"
    source = PIPELINE.format(helpers=helpers)
    if inline_helper:  # the sandbox runs one module: the helper sits in it, below the import
        source = source.replace(f"from {helpers} import keep_counties\n", "") + HELPERS
    else:
        (folder / f"{helpers}.py").write_text(HELPERS)
    path = folder / "pipeline.py"
    path.write_text(textwrap.dedent(source))
    return path


# Counties a and b, aged 20 and over.
EXPECTED = sum(1 for i in range(80) if i % 4 < 2 and 15 + i % 50 >= 20)


def test_module_constants_resolve_on_the_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    run = lt.load_pipeline(write_case(tmp_path, inline_helper=False)).run()
    assert set(run.prepared["county"]) == {"a", "b"}
    assert (run.prepared["age"] >= 20).all() and len(run.prepared) == EXPECTED
    forgotten = run.forget("people", ids=[8])  # the filters are re-applied on forget
    assert len(forgotten.prepared) == EXPECTED - 1


def test_an_undefined_name_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    path = write_case(tmp_path, inline_helper=False)
    path.write_text(path.read_text().replace("@COUNTIES", "@REGIONS"))
    with pytest.raises(lt.LesterError, match="@REGIONS, which is neither a variable of the step"):
        lt.load_pipeline(path).run()


@pytest.mark.docker
def test_module_constants_resolve_in_the_sandbox(docker_daemon: None, tmp_path: Path):
    path = write_case(tmp_path, inline_helper=True)
    with open_sandbox("docker", session="pytest-query-scope", data_dir=tmp_path) as box:
        result = box.run(Job("pipeline", path, data_dir=tmp_path, timeout=120))
        assert result.ok, (result.trace or {}).get("error") or result.harness_error
        prepared = pd.read_parquet(result.outputs_dir / "run" / "prepared")
    assert len(prepared) == EXPECTED and set(prepared["county"]) == {"a", "b"}
