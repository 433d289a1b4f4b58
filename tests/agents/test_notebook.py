"""Notebooks as scripts: the reader refuses what is not a notebook, the conversion keeps the code
cells in order, drops IPython syntax with a note, refuses code that needs it, and names cells."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from lester.agents.oracle.errors import AnalysisError
from lester.agents.oracle.notebook import (
    MAX_BYTES,
    NotebookError,
    convert,
    line_label,
    lines_label,
    load_notebook,
    name_cells,
    span_label,
)
from lester.agents.oracle.original import load_original

from ..notebooks import ANALYSIS_CELLS, notebook, write_notebook


def cells(*sources: str) -> list[dict]:
    return [{"type": "code", "source": s, "number": n} for n, s in enumerate(sources, 1)]


def test_code_cells_become_one_script_in_order_and_lines_map_back(tmp_path: Path):
    converted = load_notebook(write_notebook(tmp_path / "a.ipynb", ANALYSIS_CELLS))
    lines = converted.script.splitlines()
    ast.parse(converted.script)
    assert "Which customers" not in converted.script and "not code" not in converted.script
    order = [n for n, line in enumerate(lines) if line.startswith("# %% cell")]
    assert [lines[n] for n in order] == [f"# %% cell {c}" for c in (2, 3, 5, 6, 7, 8)]
    fit = next(n for n, line in enumerate(lines, 1) if "LogisticRegression().fit" in line)
    assert line_label(converted.cells, fit) == "cell 8, line 4"
    read = next(n for n, line in enumerate(lines, 1) if "read_csv" in line)
    assert line_label(converted.cells, read) == "cell 3, line 2"


def test_magics_and_shell_escapes_are_dropped_with_a_note(tmp_path: Path):
    converted = load_notebook(write_notebook(tmp_path / "a.ipynb", ANALYSIS_CELLS))
    notes = "\n".join(converted.notes)
    assert "cell 2, line 1: dropped the magic %matplotlib inline" in notes
    assert "cell 2, line 3: dropped a shell command: !pip install -q scikit-learn" in notes
    assert "cell 3: dropped the cell magic %%time" in notes
    assert "cell 6: dropped a %%bash cell" in notes
    assert "model = LogisticRegression().fit(X, y)" in converted.script  # %time keeps its statement
    assert "display = print" in converted.script  # notebooks have display() built in


def test_ipython_lines_inside_blocks_and_statements_continued_over_lines():
    source = "for i in range(2):\n    !echo hi\nx = (1\n     % 2)\ntext = '''\n%not a magic\n'''"
    converted = convert(cells(source), "n.ipynb")
    ast.parse(converted.script)
    assert "    pass  # [shell command, dropped] !echo hi" in converted.script
    assert "     % 2)" in converted.script and "%not a magic" in converted.script
    assert len(converted.notes) == 1


@pytest.mark.parametrize(
    ("source", "needs"),
    [
        ("files = !ls\nprint(files)", "files is assigned at cell 1, line 1"),
        ("rows = %sql SELECT 1\nprint(rows)", "rows is assigned at cell 1, line 1"),
        ("%run helpers.py", "%run"),
        ("%cd data", "%cd"),
        ("get_ipython().run_line_magic('ls', '')", "get_ipython()"),
    ],
)
def test_code_that_needs_ipython_is_refused(source: str, needs: str):
    with pytest.raises(NotebookError, match="needs IPython") as refused:
        convert(cells(source), "n.ipynb")
    assert needs in str(refused.value)


def test_a_value_from_the_shell_that_nothing_uses_is_only_dropped():
    converted = convert(cells("listing = !ls\nprint(1)"), "n.ipynb")
    assert "dropped an assignment from a shell command" in converted.notes[0]


def test_writefile_is_refused_only_when_the_code_reads_the_file():
    written = "%%writefile helper.py\nVALUE = 1"
    with pytest.raises(NotebookError, match="helper.py"):
        convert(cells(written, "import helper"), "n.ipynb")
    assert "not Python" in convert(cells(written, "print(2)"), "n.ipynb").notes[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8"),
        (b"[1, 2]", "is not an object"),
        (json.dumps({"nbformat": 3, "worksheets": []}).encode(), "not an nbformat 4"),
        (json.dumps({"nbformat": 4, "metadata": {}}).encode(), "no list of cells"),
        (json.dumps(notebook([("markdown", "# only text")])).encode(), "has no code cells"),
        (json.dumps(notebook([("code", "x <- 1")], "R")).encode(), "is a R notebook"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
    ],
)
def test_what_is_not_a_usable_notebook_gets_a_clear_error(
    tmp_path: Path, content: bytes, message: str
):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(AnalysisError, match=message):
        load_original(path)


def test_a_cell_of_an_unknown_kind_is_named(tmp_path: Path):
    document = notebook([("code", "x = 1")])
    document["cells"].append({"cell_type": "widget", "source": ""})
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps(document))
    with pytest.raises(NotebookError, match="cell 2 is not a code, markdown or raw cell"):
        load_notebook(path)


def test_the_reader_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_notebook(tmp_path / "big.ipynb", [("code", "x = 1\n" * 100)])
    monkeypatch.setattr("lester.agents.oracle.notebook.MAX_BYTES", 100)
    with pytest.raises(NotebookError, match="larger than"):
        load_notebook(path)
    assert MAX_BYTES >= 16 * 1024 * 1024  # real notebooks carry their plots


def test_a_syntax_error_names_its_cell(tmp_path: Path):
    path = write_notebook(tmp_path / "typo.ipynb", [("code", "x = 1"), ("code", "y = 2\nz = (")])
    with pytest.raises(AnalysisError, match=r"cell 2, line 2"):
        load_original(path)


def test_labels_name_cells_and_lines():
    spans = [[2, 4, 4], [5, 9, 3]]
    assert lines_label(spans, [4, 5, 6, 10]) == "cell 2, lines 1-3; cell 5, line 2"
    assert lines_label([], [3, 4, 9]) == "lines 3-4, 9"
    assert span_label(spans, [4, 6]) == "cell 2, lines 1-3"
    assert span_label(spans, [5, 11]) == "cells 2-5"
    traceback = 'File "/job/a.ipynb.py", line 10, in <module>; File "/x/other.py", line 10'
    assert name_cells(traceback, spans, "a.ipynb.py") == (
        'cell 5, line 2, in <module>; File "/x/other.py", line 10'
    )
