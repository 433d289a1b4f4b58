"""Issue 14, defects 3, 4 and 5 on the model path: the API reference carries what correct code
depends on (and it holds in the sandbox), the steps' prompts carry their contract with each other,
and each step sees its own lines with the definitions and drawn values they need. The real
ChatOpenAI client against the scripted endpoint, every candidate in the real sandbox."""

from __future__ import annotations

import ast
import random
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from lester.sandbox import Job, open_sandbox
from lester.sandbox.image import runtime_requirements

from tests.agents.model_path import flat, rewrite_with, section, user_text
from tests.clinic_case import PREPARE_OK, make_case
from tests.model_cases import (
    CLINIC_LABEL,
    CLINIC_SOURCES,
    HELPERS_ENCODE,
    HELPERS_LABEL,
    fenced,
    make,
)

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

CLINIC_ENCODE = fenced(
    """
    from sklearn.compose import ColumnTransformer


    @lt.encode
    def features() -> ColumnTransformer:
        return ColumnTransformer([("num", "passthrough", ["minutes", "age"])])
    """
)
VERSIONS = "import sys, numpy, pandas, scipy, sklearn\nprint('%d.%d' % sys.version_info[:2], pandas.__version__, numpy.__version__, sklearn.__version__, scipy.__version__)\n"


@pytest.fixture
def clinic_run(tmp_path: Path, llm_server):
    """The clinic case rewritten by the model alone, and what the model was sent."""
    script = make_case(tmp_path)
    llm_server.script([CLINIC_SOURCES, PREPARE_OK, CLINIC_ENCODE, CLINIC_LABEL])
    result, state = rewrite_with(script, llm_server, no_lifter=True)
    assert result.outcome == "verified", result.message
    return tmp_path, state, llm_server


def test_the_reference_states_what_correct_code_depends_on_and_it_holds_in_the_sandbox(clinic_run):
    root, _, server = clinic_run
    system = flat(server.requests[0].body["messages"][0]["content"])
    for fact in (
        "Row order of `join`: rows come in the left frame's order",
        "with `columns` one string, first `Series` (the whole column)",
        "called once per row",
        "reaches the calling step's local variables and the pipeline module's globals",
        "a fitted encoder must pickle",
        "`rowwise=False`",
        '`@lt.encode(fit_on="all")`',
        "`OneHotEncoder` takes categories, drop, sparse_output",
    ):
        assert fact in system, fact
    observed = re.search(r"gives \(a, b\) = (\[.*?\])\.", system).group(1)
    versions = re.search(r"The sandbox runs (.*?) \(the image", system).group(1)
    with open_sandbox("docker", data_dir=root) as sandbox:
        assert _sandbox_join(sandbox, root) == ast.literal_eval(observed)
        assert _sandbox_versions(sandbox, root) == versions
    pins = dict(r.split("==") for r in runtime_requirements())
    assert (
        f"pandas {pins['pandas']}" in versions
        and f"scikit-learn {pins['scikit-learn']}" in versions
    )


def _sandbox_join(sandbox, root: Path) -> list[tuple[int, str]]:
    """The reference's join example as a pipeline run in the sandbox: its prepared rows."""
    pd.DataFrame({"k": [2, 1, 2, 3], "a": [0, 1, 2, 3]}).to_csv(root / "data/left.csv", index=False)
    pd.DataFrame({"k": [1, 2, 2], "b": ["x", "y", "z"]}).to_csv(
        root / "data/right.csv", index=False
    )
    module = root / "join_order.py"
    module.write_text(
        textwrap.dedent(
            """
            import lester as lt


            @lt.source
            def left(data_dir: str) -> lt.Frame:
                return lt.read_csv(f"{data_dir}/data/left.csv")


            @lt.source
            def right(data_dir: str) -> lt.Frame:
                return lt.read_csv(f"{data_dir}/data/right.csv")


            @lt.prepare
            def joined(left: lt.Frame, right: lt.Frame) -> lt.Frame:
                return left.join(right, on="k")
            """
        )
    )
    result = sandbox.run(Job("pipeline", module, data_dir=root, timeout=60))
    assert result.ok, result.harness_error
    rows = pd.read_parquet(result.outputs_dir / "run" / "prepared.parquet")
    return list(zip(rows["a"].tolist(), rows["b"].tolist(), strict=True))


def _sandbox_versions(sandbox, root: Path) -> str:
    script = root / "versions.py"
    script.write_text(VERSIONS)
    result = sandbox.run(Job("script", script, data_dir=root, timeout=60))
    python, pandas_v, numpy_v, sklearn_v, scipy_v = result.stdout_tail.split()[-5:]
    return (
        f"Python {python}, pandas {pandas_v}, numpy {numpy_v}, scikit-learn {sklearn_v}, "
        f"scipy {scipy_v}"
    )


def test_the_steps_prompts_carry_their_contract(clinic_run):
    _, _, server = clinic_run
    sources, prepare, encode, label = (flat(user_text(server, i)) for i in range(4))
    assert "one column per field, named as the original names the fields" in sources
    contract = section(prepare, "What this step must agree on", "The other steps")
    assert "X = [[float(m), float(a)] for m, a, k in rows]" in contract  # what the encoders read
    assert 'y = [1 if k == "long" else 0 for m, a, k in rows]' in contract  # what the label reads
    assert (
        "There is no split: the prepared rows are the rows the model is fitted on, exactly 67 of them, in the order the original passes them to `fit`"
        in contract
    )
    # the sources as the sources step's code read them in the sandbox, and what parsing is left
    assert "people: pid (int64), age (int64)" in contract
    assert "visits: pid (int64), minutes (int64), kind (str)" in contract
    assert "must be redone in the step" in contract
    for later in (encode, label):
        shown = section(later, "What this step must agree on", "The other steps")
        assert "The prepared frame, as the preparation gave it in the sandbox: 67 rows" in shown
        assert "columns minutes (int64), age (int64), kind (str)" in shown
        assert re.search(r"\{'minutes': \d+, 'age': \d+, 'kind': '(long|short)'\}", shown)


def test_a_step_sees_its_own_lines_the_definitions_they_use_and_the_drawn_values(
    tmp_path: Path, llm_server
):
    script = make(tmp_path, "helpers")
    llm_server.script([HELPERS_ENCODE, HELPERS_LABEL])
    result, state = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    encode, label = user_text(llm_server, 0), user_text(llm_server, 1)
    own = section(encode, "The original's lines of this step", "Definitions of the original")
    assert 'X = Capped().fit_transform(np.column_stack([df["age"], df["minutes"]]))' in own
    assert 'df["age"] > 25' not in own and "NOISE" not in own  # no lines of other stages
    definitions = section(encode, "Definitions of the original", "What the analysis")
    assert "class Capped(BaseEstimator, TransformerMixin):" in definitions
    assert "CAP = 90" in definitions and "from sklearn.base import" in definitions
    # the class the model's encoder uses is in the preamble, copied once from the original
    # (the lifter's sources carry the script's transformer classes)
    assert state["module"].count("class Capped(BaseEstimator, TransformerMixin):") == 1
    random.seed(7)
    drawn = [random.random() for _ in range(40)]
    values = section(label, "Values the original drew from seeded generators", "What the analysis")
    assert f"NOISE = [{drawn[0]!r}, {drawn[1]!r}" in values
    assert "random.seed(7)" in section(label, "Definitions of the original", "Values the original")


IN_FUNCTIONS = textwrap.dedent(
    """
    import csv
    from sklearn.linear_model import LogisticRegression


    def load():
        people = {r["pid"]: r for r in csv.DictReader(open("data/people.csv"))}
        visits = list(csv.DictReader(open("data/visits.csv")))
        rows = []
        i = 0
        while i < len(visits):
            v = visits[i]
            if v["pid"] in people:
                rows.append((v["minutes"], people[v["pid"]]["age"], v["kind"]))
            i += 1
        return rows


    def features(rows):
        return [[float(m), float(a)] for m, a, k in rows]


    def labels(rows):
        return [1 if k == "long" else 0 for m, a, k in rows]


    def main():
        rows = load()
        X = features(rows)
        y = labels(rows)
        LogisticRegression().fit(X, y)


    if __name__ == "__main__":
        main()
    """
)


def test_a_script_working_in_functions_gives_each_step_its_own_lines(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    script.write_text(IN_FUNCTIONS)
    llm_server.script([CLINIC_SOURCES, PREPARE_OK, CLINIC_ENCODE, CLINIC_LABEL])
    result, _ = rewrite_with(script, llm_server, no_lifter=True)
    assert result.outcome == "verified", result.message
    prepare, encode, label = (flat(user_text(llm_server, i)) for i in (1, 2, 3))
    assert "rows.append((v[" in prepare and "The encoders reproduce these lines" in prepare
    assert "return [[float(m), float(a)] for m, a, k in rows]" in encode
    assert "attributed no lines" not in encode
    assert 'return [1 if k == "long" else 0 for m, a, k in rows]' in label
    assert "The prepared frame, as the preparation gave it in the sandbox" in encode
