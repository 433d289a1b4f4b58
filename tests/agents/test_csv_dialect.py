"""Files read by hand come back as the script saw them: the csv module's dialect arguments, and
quotes that `str.split` keeps, are replayed by the generated source."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lester.agents.lifter.reads import source_specs
from lester.agents.oracle import static
from lester.agents.oracle.analysis import Analysis, _source

import lester as lt

CSV_READER = "import csv\nwith open('d.csv') as f:\n    r = csv.reader(f{args})\n    next(r)\n    rows = [row for row in r]\n"
SPLIT = "with open('d.csv') as f:\n    next(f)\n    rows = [line.rstrip('\\n').split(',') for line in f]\n"


def _as_the_source_reads(tmp_path: Path, script: str) -> list[list[str]]:
    report = _source(static.parse(script), "d.csv", tmp_path / "d.csv")
    spec = source_specs([report])[0]
    frame = lt.read_csv(tmp_path / spec.path, **spec.options).df
    return frame[[c for c in frame.columns if not c.startswith("__prov__")]].values.tolist()


@pytest.mark.parametrize(
    ("args", "data", "kwargs"),
    [
        (', quotechar="\'"', "a,b\n'x,y',1\n'p',2\n", {"quotechar": "'"}),
        (", quoting=csv.QUOTE_NONE", 'a,b\n"x",1\n"p",2\n', {"quoting": csv.QUOTE_NONE}),
        (", skipinitialspace=True", "a,b\nx, 1\np,  2\n", {"skipinitialspace": True}),
        (
            ", delimiter=';', escapechar='\\\\'",
            "a;b\nx\\;y;1\np;2\n",
            {"delimiter": ";", "escapechar": "\\"},
        ),
    ],
)
def test_a_csv_reader_dialect_is_replayed(tmp_path, args, data, kwargs):
    (tmp_path / "d.csv").write_text(data)
    with open(tmp_path / "d.csv", newline="") as f:
        seen = list(csv.reader(f, **kwargs))[1:]
    assert _as_the_source_reads(tmp_path, CSV_READER.format(args=args)) == seen


def test_quotes_that_split_keeps_stay_in_the_values(tmp_path):
    (tmp_path / "d.csv").write_text('a,b\n"x",1\n"p q",2\n')
    with open(tmp_path / "d.csv") as f:
        next(f)
        seen = [line.rstrip("\n").split(",") for line in f]
    assert _as_the_source_reads(tmp_path, SPLIT) == seen == [['"x"', "1"], ['"p q"', "2"]]


def test_fields_unpacked_under_other_names_than_the_header_say_both(tmp_path):
    (tmp_path / "d.csv").write_text("id,os\n1,ios\n2,web\n")
    script = (
        "with open('d.csv') as f:\n    next(f)\n    for line in f:\n"
        "        dev, os_name = line.rstrip('\\n').split(',')\n"
    )
    report = _source(static.parse(script), "d.csv", tmp_path / "d.csv")
    assert report.names == ["dev", "os_name"] and report.header_names == ["id", "os"]
    text = Analysis("s.py", ".", sources=[report]).to_text(dataflow=False)
    assert "the file's header row names them id, os" in text
    assert "as the source's columns must be: `header=0` with `names=[...]`" in text  # round 26
    assert "dev (int64), os_name (str)" in text  # typed under the unpacked names, not '?'
    same = "with open('d.csv') as f:\n    next(f)\n    for line in f:\n        id, os = line.split(',')\n"
    assert _source(static.parse(same), "d.csv", tmp_path / "d.csv").header_names == []
