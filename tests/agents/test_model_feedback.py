"""Issue 14, defects 1, 2 and 6 on the model path: every repair carries the result of the candidate
it repairs and goes to the step at fault; first attempts say why the lifter could not; nothing of
an answer is dropped without saying so, and an answer may carry the parts of a step its result
names. The real ChatOpenAI client against the scripted endpoint, every candidate in the real
sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from lester.agents.blame import VERIFY_HEADER

from tests.agents.model_path import flat, records, rewrite_with, user_text
from tests.clinic_case import PREPARE_OK, make_case
from tests.model_cases import (
    CLINIC_LABEL,
    CLINIC_SOURCES,
    HELPERS_ENCODE,
    HELPERS_LABEL,
    LABEL,
    fenced,
    make,
    unfenced,
)

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

AS_FLOAT = """
    class AsFloat(BaseEstimator, TransformerMixin):
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return X.astype(float)
"""
ENCODE_LOCAL_CLASS = fenced(
    f"""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.compose import ColumnTransformer


    @lt.encode
    def features() -> ColumnTransformer:
    {AS_FLOAT.replace(chr(10), chr(10) + "    ")}
        return ColumnTransformer([("num", AsFloat(), ["minutes", "age"])])
    """
)
ENCODE_MODULE_CLASS = fenced(
    f"""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.compose import ColumnTransformer

    {AS_FLOAT}

    @lt.encode
    def features() -> ColumnTransformer:
        return ColumnTransformer([("num", AsFloat(), ["minutes", "age"])])
    """
)


def test_an_encoder_that_cannot_be_pickled_is_repaired_at_the_encode_step_with_its_result(
    tmp_path: Path, llm_server
):
    script = make_case(tmp_path)
    llm_server.script(
        [CLINIC_SOURCES, PREPARE_OK, ENCODE_LOCAL_CLASS, CLINIC_LABEL, ENCODE_MODULE_CLASS]
    )
    result, state = rewrite_with(script, llm_server, no_lifter=True)

    assert result.outcome == "verified", result.message
    assert [r["step"] for r in records(state, "diagnose")] == ["encode"]
    repair = flat(user_text(llm_server, 4))
    assert "Repair (attempt 2)" in repair and "written by the model (llm:scripted)" in repair
    assert VERIFY_HEADER in repair and "could not be pickled when the run was saved" in repair
    assert "class AsFloat" in repair  # the candidate it repairs
    assert "offline lifter" not in repair  # not the first attempt's message again
    assert len(llm_server.requests) == 5  # sources, prepare and label were not asked again


LEVELS_SOURCE = """
    import lester as lt


    @lt.source
    def people(data_dir: str) -> lt.Frame:
        return lt.read_csv(f"{data_dir}/data/people.csv"OPTIONS)
"""
LEVELS_ANSWERS = [
    fenced(LEVELS_SOURCE.replace("OPTIONS", "")),
    fenced(
        """
        @lt.prepare
        def prepared(people: lt.Frame) -> lt.Frame:
            return people.project("level_code", "level", lambda s: s.map(LEVELS))
        """
    ),
    fenced(
        """
        from sklearn.compose import ColumnTransformer


        @lt.encode
        def features() -> ColumnTransformer:
            return ColumnTransformer([("num", "passthrough", ["level_code", "age"])])
        """
    ),
    fenced(LABEL.replace("CONDITION", 'data["age"] > 40')),
    fenced(LEVELS_SOURCE.replace("OPTIONS", ", keep_default_na=False")),
]


def test_nan_at_the_fit_that_a_source_caused_goes_to_the_sources_step(tmp_path: Path, llm_server):
    script = make(tmp_path, "levels")
    llm_server.script(LEVELS_ANSWERS)
    result, state = rewrite_with(script, llm_server, no_lifter=True)

    assert result.outcome == "verified", result.message
    assert [r["step"] for r in records(state, "diagnose")] == ["sources"]
    repair = flat(user_text(llm_server, 4))
    assert "Input X contains NaN" in repair
    assert "source 'people' reads" in repair and "column 'level' as missing" in repair
    assert "'NA'" in repair and "the sources step reads them: the fault is there" in repair
    # the constant the preparation used was the original's, copied into the preamble
    prepare = records(state, "prepare")[0]
    assert any("constant LEVELS" in note for note in prepare["notes"])
    # after the sources' repair the model's other steps were checked again, not written again
    assert len(llm_server.requests) == 5
    kept = [
        r for r in state["history"] if r.get("proposal", {}).get("proposer", "").startswith("kept")
    ]
    assert {r["node"] for r in kept} == {"prepare", "encode", "label_model"}
    assert all(r["problem"] is None for r in kept)


def test_a_first_attempt_says_why_the_lifter_could_not_and_is_no_repair(tmp_path: Path, llm_server):
    script = make_case(tmp_path)  # a while loop over the rows: the lifter has no rule
    llm_server.script([PREPARE_OK])
    result, _ = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    first = flat(user_text(llm_server, 0))
    assert "the offline lifter, which writes the steps it has a rule for, could not" in first
    assert (
        "already hold what it lacked): no lifting rule" in first
        and "no rule for a top-level while" in first
    )
    assert "It has no partial code for this step that passes the static check." in first
    assert "Repair" not in first and "(no code)" not in first


def test_a_lifter_candidate_that_is_not_code_is_not_shown_as_a_hint(tmp_path: Path, llm_server):
    script = make(tmp_path, "sales")
    prepare = fenced(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            return sales.filter("units > 0")
        """
    )
    llm_server.script([prepare])
    result, state = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    first = flat(user_text(llm_server, 0))
    assert "already hold what it lacked): its candidate is not code" in first
    assert "Frame.filter_by with no columns" in first
    assert "filter_by([]" not in first  # the broken code is not offered
    assert records(state, "prepare")[0]["proposal"]["trail"][0].startswith("lifter: its candidate")


def test_a_partial_lifter_candidate_that_passes_the_static_check_is_a_hint(
    tmp_path: Path, llm_server
):
    script = make(tmp_path, "helpers")  # the encoder and the label are beyond the lifter's rules
    llm_server.script([HELPERS_ENCODE, HELPERS_LABEL])
    result, state = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    label_prompt = flat(user_text(llm_server, 1))
    assert "already hold what it lacked): no label rule reproduces y" in label_prompt
    assert "passes the static check but is not verified" in label_prompt
    assert "return LogisticRegression()" in label_prompt  # the lifter's model, as a hint
    # the lifter wrote the earlier steps: a first answer may carry them (round 19's fraud
    # velocity notes computed running values in the encoder, the lifted preparation lacking them)
    encode_prompt = flat(user_text(llm_server, 0))
    assert "The lifter wrote the sources step (@lt.source), the prepare step" in encode_prompt
    assert (
        "your answer carries those functions too, rewritten, beside this step's own"
        in encode_prompt
    )
    assert "A rewritten preparation may add columns" in encode_prompt
    # round 25: the lifted docstring states no columns, so the rewrite must (fraud velocity)
    assert "state in it, in `features:` and `label:` lines, the columns they read" in encode_prompt
    assert "the encode step" not in encode_prompt.split("The lifter wrote")[1].split(".")[0]


def test_dropped_parts_are_named_and_kept_helpers_survive_a_repair(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    first = fenced(
        """
        KEY = "pid"


        @lt.label
        def late(prepared: lt.Frame):
            return prepared.data["minutes"] > 30


        @lt.prepare
        def prepared(people: lt.Frame, visits: lt.Frame) -> lt.Frame:
            joined = visits.join(people, on=KEY, how="left")
            return joined.select(["minutes", "age", "kind"])
        """
    )
    second = PREPARE_OK.replace('on="pid"', "on=KEY")  # KEY from the first answer
    llm_server.script([first, second])
    result, state = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    attempts = records(state, "prepare")
    assert any("dropped @lt.label function 'late'" in n for n in attempts[0]["notes"])
    repair = flat(user_text(llm_server, 1))
    assert "Parts of the previous answer that were not used:" in repair
    assert "dropped @lt.label function 'late': the label_model step owns it" in repair
    assert attempts[1]["problem"] is None
    assert "def late(" not in state["module"] and 'KEY = "pid"' in state["module"]


def test_an_answer_may_carry_the_parts_of_a_step_its_result_names(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    encode = """
        from sklearn.compose import ColumnTransformer


        @lt.encode
        def features() -> ColumnTransformer:
            return ColumnTransformer([("num", "passthrough", ["visit_minutes", "age"])])
    """
    renamed = unfenced(PREPARE_OK).replace(
        'select(["minutes", "age", "kind"])',
        'rename({"minutes": "visit_minutes"}).select(["visit_minutes", "age", "kind"])',
    )
    llm_server.script(
        [
            CLINIC_SOURCES,
            PREPARE_OK,
            fenced(encode),
            fenced(renamed + "\n\n" + unfenced(fenced(encode))),
            CLINIC_LABEL,
        ]
    )
    result, state = rewrite_with(script, llm_server, no_lifter=True)

    assert result.outcome == "verified", result.message
    repair = flat(user_text(llm_server, 3))
    assert "which the prepared frame does not have" in repair
    assert "your answer may carry those functions too" in repair
    assert "the prepare step (@lt.step, @lt.prepare)" in repair
    carrying = records(state, "encode")[1]
    assert carrying["sandbox"]["exit_code"] == 0  # the carried preparation ran in its check
    assert state["authors"]["prepare"] == "llm:scripted"
    assert "visit_minutes" in state["parts"]["prepare"]
