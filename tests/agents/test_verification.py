"""The oracle end to end: the hand-written pipeline verifies; deliberately broken rewrites are
caught at the right stage with the right evidence. Real Docker sandbox."""

from __future__ import annotations

import pytest
from lester.agents.oracle.analysis import Analysis, analyze
from lester.agents.oracle.verification import verify_candidate
from lester.sandbox import open_sandbox

from ..conftest import EXAMPLE

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

PIPELINE = (EXAMPLE / "pipeline.py").read_text()


@pytest.fixture(scope="module")
def oracle(docker_daemon, tmp_path_factory):
    with open_sandbox("docker", session="pytest-verify", data_dir=EXAMPLE) as sandbox:
        analysis = analyze(EXAMPLE / "messy.py", EXAMPLE, sandbox)
        assert analysis.ok, analysis.problem
        folder = tmp_path_factory.mktemp("variants")

        def check(source: str, name: str):
            path = folder / f"{name}.py"
            path.write_text(source)
            return verify_candidate(analysis, path, sandbox)

        yield analysis, check


def variant(old: str, new: str) -> str:
    assert old in PIPELINE, old
    return PIPELINE.replace(old, new)


def test_analysis_reports_sources_model_and_stages(oracle):
    analysis, _ = oracle
    assert [s.path for s in analysis.sources] == ["data/customers.csv", "data/mails.csv"]
    assert analysis.sources[0].names == ["id", "email", "bank", "country", "level"]
    assert analysis.sources[0].header is False and analysis.sources[0].rows == 1000
    assert analysis.model.estimator.endswith("LogisticRegression")
    assert analysis.model.non_default == {"max_iter": 1000}
    assert analysis.model.X_shape == [786, 69]
    assert analysis.writes == ["joined.csv"]
    assert analysis.split is None
    assert analysis.stages["label"] and analysis.stages["features"]
    assert Analysis.from_dict(analysis.to_dict()).model == analysis.model


def test_hand_written_pipeline_verifies_exactly(oracle):
    _, check = oracle
    verdict = check(PIPELINE, "same")
    assert verdict.ok and verdict.level == "exact", verdict.text


def test_dropped_filter_is_data_preparation(oracle):
    _, check = oracle
    verdict = check(variant('recent = dated.filter("year >= 2022")', "recent = dated"), "no_filter")
    assert not verdict.ok and verdict.stage == "data_preparation"
    assert "786" in verdict.text


def test_left_join_instead_of_inner_is_data_preparation(oracle):
    _, check = oracle
    verdict = check(variant('on="email")', 'on="email", how="left")'), "left_join")
    assert not verdict.ok
    assert verdict.stage in ("data_preparation", "features")


def test_one_hot_in_another_order_is_features(oracle):
    _, check = oracle
    verdict = check(
        variant("OneHotEncoder(categories=[TARGET_COUNTRIES])", "OneHotEncoder()"), "onehot_order"
    )
    assert not verdict.ok and verdict.stage == "features"
    assert "one-hot" in verdict.text.lower()


def test_word_counts_instead_of_character_counts_is_features(oracle):
    _, check = oracle
    verdict = check(
        variant("lambda s: s.str.len()", "lambda s: s.str.split().str.len()"), "word_counts"
    )
    assert not verdict.ok and verdict.stage == "features"
    assert "column 0" in verdict.text or "columns 0" in verdict.text


def test_flipped_label_is_label(oracle):
    _, check = oracle
    verdict = check(
        variant('(data["sentiment"] > 0).astype(int)', '(data["sentiment"] <= 0).astype(int)'),
        "flipped",
    )
    assert not verdict.ok and verdict.stage == "label"
    assert "flip" in verdict.text.lower()


def test_other_regularization_is_model(oracle):
    _, check = oracle
    verdict = check(variant("C=1.0", "C=0.1"), "other_c")
    assert not verdict.ok and verdict.stage == "model"
    assert "C" in verdict.text and "0.1" in verdict.text


def test_shuffled_rows_are_accepted_as_permuted(oracle):
    _, check = oracle
    shuffled = variant("lambda s: s.str.len())", 'lambda s: s.str.len()).sort("subject")')
    verdict = check(shuffled, "shuffled")
    assert verdict.ok and verdict.level == "rows-permuted", verdict.text


def test_module_without_pipeline_fails_the_form_check(oracle):
    _, check = oracle
    verdict = check("x = 1\n", "empty")
    assert not verdict.ok and "missing stage" in verdict.text


def test_pipeline_that_raises_names_the_stage(oracle):
    _, check = oracle
    verdict = check(
        variant(
            "def sentiment(text: str) -> int:\n",
            "def sentiment(text: str) -> int:\n    raise RuntimeError('boom')\n",
        ),
        "raises",
    )
    assert not verdict.ok and verdict.stage == "data_preparation"
    assert "boom" in verdict.text
