"""Column counts of the sources (issue 14): made in the sandbox (`lester.sandbox.profiles`),
taken by the analysis only in the harness's shape, and shown bounded in the analysis text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lester.agents.oracle.analysis import SourceReport, _with_profiles, analyze
from lester.agents.oracle.report_text import _profile_lines
from lester.sandbox import open_sandbox
from lester.sandbox.profiles import profile, profile_files

ORDERS = "order_id,channel,note\n1,web,\n2,app,NA\n1,web,late\n3,,x\n"


def _report(names: list[str]) -> SourceReport:
    return SourceReport("orders.csv", "open", 3, ",", True, names, 4, {}, [])


def test_repeated_keys_empty_fields_and_categories_are_counted(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("orders.csv").write_text(ORDERS)
    Path("out.csv").write_text("a\n1\n")
    read = [{"path": "orders.csv", "own": False}, {"path": "out.csv", "own": False}]
    found = profile_files(read, [{"path": "out.csv"}], [])
    assert list(found) == ["orders.csv"]  # a file the script wrote is its own
    assert found["orders.csv"]["rows"] == 4 and found["orders.csv"]["complete"]
    assert found["orders.csv"]["columns"] == {
        "order_id": {"distinct": 3, "empty": 0, "na": 0},
        "channel": {"distinct": 3, "empty": 1, "na": 1},
        "note": {"distinct": 4, "empty": 1, "na": 2},
    }
    report = _report(["order_id", "channel", "note"])
    _with_profiles([report], found)
    assert _profile_lines(report.profile) == [
        "  distinct values (in the sandbox, over all 4 rows): order_id 3, channel 3, note unique",
        "  empty fields (other columns have none): channel 1, note 1; missing for "
        "pd.read_csv's defaults (empty or NA text): channel 1, note 2",
    ]


def test_a_file_pandas_read_is_counted_with_that_reads_header_and_separator(
    tmp_path: Path, monkeypatch
):
    """bank_lr reads a file whose first line names its columns with `header=None`: sniffed, the
    counts took a header and were dropped for a row count that differs (round 17)."""
    monkeypatch.chdir(tmp_path)
    Path("bank.csv").write_text("age;job\n37;tech\n41;\n")
    read = [{"path": "bank.csv", "own": False}]
    traced = [{"path": str(tmp_path / "bank.csv"), "reader": "read_csv",
               "options": {"sep": ";", "header": None}}]  # fmt: skip
    found = profile_files(read, [], traced)["bank.csv"]
    assert found["rows"] == 3 and found["columns"]["1"] == {"distinct": 3, "empty": 1, "na": 1}
    assert profile_files(read, [], [])["bank.csv"]["rows"] == 2  # sniffed: a header row
    again = [*traced, {**traced[0], "options": {"sep": ";", "header": 0}}]
    assert profile_files(read, [], again)["bank.csv"]["rows"] == 2  # reads disagree: sniffed


def test_empty_fields_are_listed_over_all_columns_and_a_cut_list_says_so():
    many = {f"c{i}": {"distinct": 2, "empty": int(i >= 45), "na": 0} for i in range(100)}
    lines = _profile_lines({"rows": 9, "complete": True, "columns": many})
    assert "(and 60 more columns)" in lines[0]  # 40 of 100 columns' distinct counts shown
    assert "c45 1" in lines[1] and "c84 1" in lines[1] and "c85 1" not in lines[1]
    assert "(and 15 more columns); missing for" in lines[1] and lines[1].endswith(": none")


def test_counts_in_another_shape_or_for_other_columns_are_dropped():
    counts = {"distinct": 1, "empty": 0, "na": 0}
    report = _report(["a", "b"])
    _with_profiles([report], {"orders.csv": {"rows": 4, "columns": {"a": counts}}})
    assert report.profile == {}
    forged = {"a": counts, "b": {"distinct": "many", "empty": 0, "na": 0}}
    _with_profiles([report], {"orders.csv": {"rows": 4, "columns": forged}})
    assert report.profile == {}
    both = {"a": counts, "b": counts}
    _with_profiles([report], {"orders.csv": {"rows": 5, "complete": True, "columns": both}})
    assert report.profile == {}  # the sandbox counted a header row the source reads otherwise
    _with_profiles([report], {"orders.csv": {"rows": 4, "complete": True, "columns": both}})
    assert report.profile["rows"] == 4


@pytest.mark.docker
def test_the_analysis_shows_the_counts_the_sandbox_made(tmp_path: Path):
    (tmp_path / "orders.csv").write_text(ORDERS)
    script = tmp_path / "messy.py"
    script.write_text(
        textwrap.dedent(
            """\
            from sklearn.linear_model import LogisticRegression
            rows = [line.rstrip("\\n").split(",") for line in open("orders.csv")][1:]
            LogisticRegression().fit([[float(r[0])] for r in rows], [i % 2 for i in range(4)])
            """
        )
    )
    with open_sandbox("docker", data_dir=tmp_path) as sandbox:
        report = analyze(script, tmp_path, sandbox)
    text = report.to_text()
    assert (
        "distinct values (in the sandbox, over all 4 rows): order_id 3, channel 3, note unique"
        in text
    )


def test_missing_fields_are_counted_as_pandas_default_reader_takes_them(tmp_path: Path):
    import pandas as pd

    values = ["NA", "n/a", "null", "", "None", "nan", "x", " NA", "NAN", "#N/A", "-"]
    path = tmp_path / "t.csv"
    path.write_text("k,v\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    found = profile(path)["columns"]["v"]
    assert found["na"] == int(pd.read_csv(path, dtype=str)["v"].isna().sum())
