"""A corpus case whose original is a notebook is found and copied like a script's."""

from __future__ import annotations

import json
from pathlib import Path

from lester.evals.cases import copy_case, discover

from ..notebooks import write_notebook


def test_a_notebook_case_is_discovered_and_copied(tmp_path: Path):
    corpus = tmp_path / "corpus"
    for name, original in (("a_script", "messy.py"), ("b_notebook", "messy.ipynb")):
        folder = corpus / name
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps({"domain": "test"}))
        if original.endswith(".py"):
            (folder / original).write_text("print(1)\n")
        else:
            write_notebook(folder / original, [("code", "print(1)")])
    (corpus / "c_neither").mkdir()
    (corpus / "c_neither" / "meta.json").write_text("{}")
    cases = discover(corpus)
    assert [(c.name, c.script) for c in cases] == [
        ("a_script", "messy.py"),
        ("b_notebook", "messy.ipynb"),
    ]
    copied = copy_case(cases[1], tmp_path / "copy")
    assert copied == tmp_path / "copy" / "messy.ipynb" and copied.is_file()
