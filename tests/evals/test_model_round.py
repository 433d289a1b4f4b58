"""The round harness reads the answerer's notes and the evals' records back as #14 judges them."""

import json

import pytest
from lester.evals.model_round import main, note_counts, notes, split_runs, table

NOTES = """## req-001
- no gaps

## req-002
- [judgement] named the slots after their values
- [missing] the sources' date format

## req-003
- [Workaround] wrote the helper again
- [judgement] kept the reader's labels

## req-004
something without a tag
"""


def test_runs_are_split_on_the_separator():
    assert split_runs(["--no-lifter", ";;", "--cases", "a,b", ";;"]) == [
        ["--no-lifter"],
        ["--cases", "a,b"],
    ]


def test_a_note_is_clean_only_without_a_gap(tmp_path):
    (tmp_path / "notes.md").write_text(NOTES)
    found = notes(tmp_path)
    assert found["req-001"] == ["no-gaps"]
    assert found["req-003"] == ["workaround", "judgement"]
    assert found["req-004"] == ["untagged"]
    counts = note_counts(found)
    assert counts["requests"] == 4
    assert counts["clean"] == 1
    assert (counts["missing"], counts["workaround"], counts["judgement"]) == (1, 1, 2)


def _case(name, calls):
    usage = {
        "sources": {"calls": 0, "tokens": 0},
        "prepare": {"calls": calls, "tokens": 10 * calls},
    }
    return {
        "name": name,
        "verified": calls < 3,
        "outcome": "verified" if calls < 3 else "failed",
        "calls": calls,
        "tokens": 10 * calls,
        "usage": usage,
    }


def test_the_table_lists_model_cases_with_calls_per_step(tmp_path):
    queue = tmp_path / "a1"
    (queue / "out-1").mkdir(parents=True)
    cases = [_case("offline_only", 0), _case("one", 1), _case("three", 3)]
    (queue / "out-1" / "results.json").write_text(json.dumps({"cases": cases}))
    (queue / "notes.md").write_text(NOTES)
    text = table(tmp_path)
    assert "offline_only" not in text
    assert "| one | a1 | verified | 1 | 10 | prepare 1 |" in text
    assert "| three | a1 | failed | 3 | 30 | prepare 3 |" in text
    assert "median 2 max 3" in text
    assert "clean 1" in text


def test_a_run_without_its_endpoint_script_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "run",
                str(tmp_path / "q"),
                "--port",
                "1",
                "--endpoint",
                str(tmp_path / "no.py"),
                "--",
                "--cases",
                "a",
            ]
        )
    assert stop.value.code == 2
    assert "--endpoint" in capsys.readouterr().err
    assert not (tmp_path / "q").exists()
