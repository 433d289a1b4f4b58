"""Sources read as the original read them: one test per pandas reading option.

Each script reads one file with an option; the tracer records the read, the analysis' source
report takes it, and the `@lt.source` options built from it must give the frame the original
got: the same columns, values and dtypes. The harness runs in this process here (the sandbox runs
the same code).
"""

from __future__ import annotations

import gzip
import json
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lester.agents.lifter.codegen import source_function
from lester.agents.lifter.reads import source_specs
from lester.agents.oracle.analysis import SourceReport, _with_reads
from lester.agents.oracle.dataflow import from_trace
from lester.sandbox import harness, trace_patches

import lester as lt

CSV = "id,city,score,when\n1,Berlin,3.5,2024-01-02\n2,N/A,,2024-02-03\n3,n.a.,7,2024-03-04\n"
HEADERLESS = "1;Berlin;3.5\n2;Paris;4.0\n3;Rome;-\n"
LATIN = "name,town\nJosé,Málaga\nZoë,Köln\n"


pytestmark = pytest.mark.usefixtures("restore_pandas")


def _write(folder: Path) -> None:
    (folder / "data.csv").write_text(CSV)
    (folder / "plain.txt").write_text(HEADERLESS)
    (folder / "latin.csv").write_bytes(LATIN.encode("latin-1"))
    with gzip.open(folder / "packed.csv.gz", "wt") as handle:
        handle.write(CSV)
    (folder / "tabbed.tsv").write_text(CSV.replace(",", "\t"))
    records = [{"id": 1, "tags": "a", "at": "2024-01-02"}, {"id": 2, "tags": None, "at": None}]
    (folder / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "rows.json").write_text(json.dumps(records))


CASES: dict[str, tuple[str, str]] = {
    "header row": ("read_csv", "'data.csv'"),
    "names without header (the first line is data)": (
        "read_csv",
        "'plain.txt', sep=';', names=['n', 'city', 'score']",
    ),
    "header=None": ("read_csv", "'plain.txt', sep=';', header=None"),
    "index_col": ("read_csv", "'data.csv', index_col=0"),
    "usecols": ("read_csv", "'data.csv', usecols=['city', 'score']"),
    "dtype": ("read_csv", "'data.csv', dtype={'id': str, 'score': 'float32'}"),
    "na_values and the default NA strings": ("read_csv", "'data.csv', na_values=['n.a.']"),
    "keep_default_na=False": ("read_csv", "'data.csv', keep_default_na=False"),
    "na_values without the defaults": (
        "read_csv",
        "'data.csv', na_values=['n.a.'], keep_default_na=False",
    ),
    "compression (inferred from the name)": ("read_csv", "'packed.csv.gz'"),
    "sep": ("read_csv", "'plain.txt', sep=';', header=None, na_values='-'"),
    "read_table's tab separator": ("read_table", "'tabbed.tsv'"),
    "parse_dates": ("read_csv", "'data.csv', parse_dates=['when']"),
    "encoding": ("read_csv", "'latin.csv', encoding='latin-1'"),
    "JSON lines": ("read_json", "'rows.jsonl', lines=True"),
    "JSON records": ("read_json", "'rows.json'"),
    "JSON lines without dtype inference": (
        "read_json",
        "'rows.jsonl', lines=True, dtype=False, convert_dates=False",
    ),
}


def _traced_read(folder: Path, reader: str, arguments: str, monkeypatch) -> dict[str, Any]:
    script = folder / "script.py"
    script.write_text(
        textwrap.dedent(f"""
        import pandas as pd
        frame = pd.{reader}({arguments})
        """)
    )
    monkeypatch.chdir(folder)
    trace = json.loads(json.dumps(harness.run_script(script, folder / "out", [])))
    assert trace["status"] == "ok", trace["error"]
    dag, problem = from_trace(trace)
    assert problem is None
    (read,) = dag["reads"]
    return read


def _report(read: dict[str, Any]) -> SourceReport:
    report = SourceReport(read["file"], "unknown", None, ",", True, [], 0, {}, [])
    _with_reads([report], [read])
    return report


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_source_reads_what_the_original_read(case, tmp_path, monkeypatch):
    _write(tmp_path)
    reader, arguments = CASES[case]
    read = _traced_read(tmp_path, reader, arguments, monkeypatch)
    trace_patches.uninstall()
    original = eval(f"pd.{reader}({arguments})").reset_index(drop=True)
    report = _report(read)
    assert report.reader == reader and report.rows == len(original)
    assert report.names == [str(c) for c in original.columns]
    (spec,) = source_specs([report])
    frame = getattr(lt, spec.reader)(tmp_path / spec.path, **spec.options)
    pd.testing.assert_frame_equal(frame.data, original.rename(columns=str))
    code = source_function(spec.name, spec.path, spec.options, spec.reader, spec.explicit)
    assert code.count("lt.read_") == 1 and "Unnamed" not in code


def test_resolved_options_are_reported_as_pandas_resolved_them(tmp_path, monkeypatch):
    _write(tmp_path)
    read = _traced_read(
        tmp_path, "read_csv", "'packed.csv.gz', names=['a', 'b', 'c', 'd']", monkeypatch
    )
    options = read["options"]
    assert options["header"] is None  # names without header: the first line is data
    assert options["compression"] == "gzip" and options["sep"] == ","
    assert "N/A" in options["default_na_values"] and options["keep_default_na"] is True
    assert read["rows"] == 4 and read["sample"][0] == ["id", "city", "score", "when"]
    assert read["path"] == "packed.csv.gz" and read["line"] == 3


def test_a_file_longer_than_its_sample_shows_its_last_row(tmp_path, monkeypatch):
    from lester.agents.oracle.analysis import Analysis

    rows = "".join(f"{i},c{i}\n" for i in range(8))
    (tmp_path / "logger.csv").write_text(f"id,name\n{rows}total,8\n")
    read = _traced_read(tmp_path, "read_csv", "'logger.csv'", monkeypatch)
    assert read["last"] == [["total", "8"]]
    report = _report(read)
    text = Analysis("s.py", "d", sources=[report]).to_text()
    assert "last row (as the reader gives them" in text and "['total', '8']" in text
    report.rows = len(report.sample)  # the sample shows every row: no last row beside it
    assert "last row" not in Analysis("s.py", "d", sources=[report]).to_text()
