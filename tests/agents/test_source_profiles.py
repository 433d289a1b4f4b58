"""Column counts of the sources (issue 14): made in the sandbox (`lester.sandbox.profiles`),
taken by the analysis only in the harness's shape, and shown bounded in the analysis text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from lester.agents.oracle.analysis import SourceReport, _with_profiles, analyze
from lester.agents.oracle.report_text import _forms_lines, _profile_lines
from lester.sandbox import open_sandbox
from lester.sandbox.profiles import forms, profile, profile_files

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
        "order_id": {
            "distinct": 3,
            "empty": 0,
            "na": 0,
            "forms": [["9", 4]],
            "values": [["1", 2], ["2", 1], ["3", 1]],
        },
        "channel": {
            "distinct": 3,
            "empty": 1,
            "na": 1,
            "forms": [["aaa", 3], ["", 1]],
            "values": [["web", 2], ["app", 1], ["", 1]],
        },
        "note": {
            "distinct": 4,
            "empty": 1,
            "na": 2,
            "forms": [["", 1], ["aa", 1], ["aaaa", 1]],
            "values": [["", 1], ["NA", 1], ["late", 1], ["x", 1]],
        },
    }
    report = _report(["order_id", "channel", "note"])
    _with_profiles([report], found)
    assert _profile_lines(report.profile) == [
        "  distinct values (in the sandbox, over all 4 rows): order_id 3, channel 3, note unique",
        "  empty fields (other columns have none): channel 1, note 1; missing for "
        "pd.read_csv's defaults (empty or NA text): channel 1, note 2",
        "  forms of the text (digits as 9, letters as a; … cuts a long one), in the columns where "
        "at most 3 cover every row: order_id '9' (every row); channel 'aaa' 3, '' 1; other "
        "columns have more forms",
        "  values (as text, with their rows, the commonest first) of the columns with at most 8 "
        "distinct short ones: order_id '1' 2, '2' 1, '3' 1; channel 'web' 2, 'app' 1, '' 1; note "
        "'' 1, 'NA' 1, 'late' 1, 'x' 1",
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
    assert found["rows"] == 3
    assert found["columns"]["1"] == {
        "distinct": 3,
        "empty": 1,
        "na": 1,
        "forms": [["aaa", 1], ["aaaa", 1], ["", 1]],
        "values": [["job", 1], ["tech", 1], ["", 1]],
    }
    assert profile_files(read, [], [])["bank.csv"]["rows"] == 2  # sniffed: a header row
    again = [*traced, {**traced[0], "options": {"sep": ";", "header": 0}}]
    assert profile_files(read, [], again)["bank.csv"]["rows"] == 2  # reads disagree: sniffed


def test_empty_fields_are_listed_over_all_columns_and_a_cut_list_says_so():
    many = {f"c{i}": {"distinct": 2, "empty": int(i >= 45), "na": 0} for i in range(100)}
    lines = _profile_lines({"rows": 9, "complete": True, "columns": many})
    assert "(and 60 more columns)" in lines[0]  # 40 of 100 columns' distinct counts shown
    assert "c45 1" in lines[1] and "c84 1" in lines[1] and "c85 1" not in lines[1]
    assert "(and 15 more columns); missing for" in lines[1] and lines[1].endswith(": none")


def test_forms_show_what_every_row_of_a_column_looks_like_and_are_bounded():
    """Round 26's churn notes: nothing showed that every date is `YYYY-MM-DD`, which
    `date.fromisoformat` against `pd.to_datetime(format=...)` depends on."""
    days = pd.Series(["2024-01-05", "2023-12-31", "", "2024-1-5"] + ["2024-02-01"] * 3)
    assert forms(days.value_counts()) == [["9999-99-99", 5], ["", 1], ["9999-9-9", 1]]
    assert forms(pd.Series(["x" * 40, "Ab 1,5"]).value_counts()) == [
        ["a" * 31 + "…", 1],
        ["aa 9,9", 1],
    ]
    ids = pd.Series([str(i) for i in range(30_000)])
    assert sum(n for _, n in forms(ids.value_counts())) < len(
        ids
    )  # only the commonest values are formed
    columns = {
        "day": {"forms": forms(days.value_counts())},
        "note": {"forms": [["a", 3], ["aa", 2], ["aaa", 1]]},  # 6 of 7 rows: more forms
    }
    (line,) = _forms_lines(columns, rows=7)
    assert "day '9999-99-99' 5, '' 1, '9999-9-9' 1; other columns" in line
    assert "note" not in line
    assert _forms_lines({"day": {"forms": [["9999-99-99", 7]]}}, rows=7)[0].endswith(
        "day '9999-99-99' (every row); other columns have more forms"
    )


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
    forged = [["9", 4], ["x" * 500, 1]], [["9", "4"]], [["9", 4, 1]], "9999", [["9", True]]
    for bad in forged:
        shaped = {"a": {**counts, "forms": bad}, "b": counts}
        _with_profiles([report], {"orders.csv": {"rows": 4, "complete": True, "columns": shaped}})
        assert report.profile["columns"]["a"]["forms"] == []  # the counts stay, the forms go


def test_a_column_mostly_of_another_files_key_is_counted_both_ways(tmp_path: Path, monkeypatch):
    """Round 43's ecommerce note: 700 distinct order ids in items and 700 orders did not say
    whether every item's order exists, which decides what `orders.get(k, default)` gives."""
    monkeypatch.chdir(tmp_path)
    Path("orders.csv").write_text("o1,web\no2,app\no3,web\no4,app\n")  # no header
    Path("items.csv").write_text("order_id,sku\no1,a\no1,b\no2,c\no9,d\n")
    read = [{"path": "orders.csv"}, {"path": "items.csv"}]
    found = profile_files(read, [], [])
    assert "shared" not in found["orders.csv"]  # its ids are no other file's key
    entry = {"column": "order_id", "file": "orders.csv", "key": "0", "common": 2}
    assert found["items.csv"]["shared"] == [{**entry, "distinct": 3, "keys": 4}]
    orders = SourceReport("orders.csv", "open", 0, ",", False, ["order_id", "channel"], 4, {}, [])
    items = SourceReport("items.csv", "open", 0, ",", True, ["order_id", "sku"], 4, {}, [])
    _with_profiles([orders, items], found)
    assert _profile_lines(items.profile)[-1] == (
        "  order_id and orders.csv's order_id (unique there) share 2 values: 1 of the 3 distinct"
        " values here are not among those there, and 2 of the 4 there do not occur here"
    )


def test_shared_counts_naming_no_profiled_source_or_not_adding_up_are_dropped():
    counts = {"distinct": 2, "empty": 0, "na": 0, "forms": [["a9", 2]]}
    found = {"a.csv": {"rows": 2, "complete": True, "columns": {"k": counts}}}
    found["b.csv"] = {"rows": 2, "complete": True, "columns": {"k": counts}}
    good = {"column": "k", "file": "a.csv", "key": "k", "common": 2, "distinct": 2, "keys": 2}
    forged = [
        {**good, "file": "/etc/passwd"},
        {**good, "file": "b.csv"},  # itself
        {**good, "key": "nope"},
        {**good, "common": 3},
        {**good, "keys": "2"},
        "k",
    ]
    for bad in forged:
        a, b = (SourceReport(p, "open", 0, ",", True, ["k"], 2, {}, []) for p in ("a.csv", "b.csv"))
        _with_profiles([a, b], {**found, "b.csv": {**found["b.csv"], "shared": [bad]}})
        assert "shared" not in b.profile and b.profile["rows"] == 2
    _with_profiles([a, b], {**found, "b.csv": {**found["b.csv"], "shared": [good]}})
    assert b.profile["shared"] == [good]


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


def test_the_values_of_a_category_column_are_listed_and_bounded():
    """Round 50's ferry note: the analysis counted 3 hull types, the samples showed 2, and the
    one-hot's third column had to be guessed."""
    from lester.agents.oracle.report_text import _values_lines
    from lester.sandbox.profiles import few_values

    hulls = pd.Series(["mono"] * 24 + ["catamaran"] * 12 + ["roro"] * 4 + [None])
    assert few_values(hulls.value_counts(dropna=False)) == [
        ["mono", 24],
        ["catamaran", 12],
        ["roro", 4],
    ]
    assert few_values(pd.Series([str(i) for i in range(9)]).value_counts()) == []
    assert few_values(pd.Series(["x" * 40, "y"]).value_counts()) == []
    (line,) = _values_lines({"hull": {"values": few_values(hulls.value_counts())}, "id": {}})
    assert line.endswith("hull 'mono' 24, 'catamaran' 12, 'roro' 4")
    counts = {"distinct": 1, "empty": 0, "na": 0}
    report = _report(["a", "b"])
    for bad in [["x" * 500, 1]], [[str(i), 1] for i in range(9)], [["a", 1], ["b", 1]]:
        shaped = {"a": {**counts, "values": bad}, "b": counts}
        _with_profiles([report], {"orders.csv": {"rows": 4, "complete": True, "columns": shaped}})
        assert report.profile["columns"]["a"]["values"] == []  # a forged listing is dropped
