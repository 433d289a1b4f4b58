"""A fuzz set of broken scripts and data files, generated into folders in the corpus format.

Each case is a folder with `meta.json`, the original (`messy.py`, or `messy.ipynb` for notebooks)
and its data, so that one set drives `lester analyze`, `rewrite` and `verify` case by case and
`lester eval --corpus` over all of them. Inputs that cannot be committed as text (binary, not UTF-8,
megabyte lines) are made here. `analyze` is the exit code `lester analyze` must give (0 analysed,
1 the script cannot be analysed, 2 bad input) and `says` a phrase its message must contain.
`BROKEN_PIPELINES` are candidate modules for `lester verify` that are themselves broken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..notebooks import notebook

PEOPLE = "id,age,income,label\n" + "".join(
    f"{i},{20 + i % 50},{1000 + (i * 37) % 900},{i % 2}\n" for i in range(60)
)
FIT = (
    "import pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.preprocessing import label_binarize\n"
    "df = pd.read_csv('people.csv')\n"
    "X = df[['age', 'income']].values\n"
    "y = df['label'].values\n"
)
TRAIN = FIT + "LogisticRegression().fit(X, y)\n"
CSV_LOOP = (
    "import csv\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "rows = [r for r in csv.reader(open('{file}', encoding='{encoding}')) if len(r) == 3][1:]\n"
    "X = [[float(r[0]), float(r[1])] for r in rows]\n"
    "y = [int(r[2]) for r in rows]\n"
    "LogisticRegression().fit(X, y)\n"
)


@dataclass(frozen=True)
class FuzzCase:
    name: str
    script: bytes | str
    analyze: int
    says: str
    files: dict[str, bytes | str] = field(default_factory=dict)
    notebook: bool = False


def _csv_case(name: str, data: bytes | str, analyze: int, says: str, **options: str) -> FuzzCase:
    script = CSV_LOOP.format(file="data.csv", encoding=options.get("encoding", "utf-8"))
    return FuzzCase(name, script, analyze, says, {"data.csv": data})


CASES = [
    FuzzCase("not_python", "this is not ( python\n", 2, "is not valid Python"),
    FuzzCase("empty", "", 1, "never fits"),
    FuzzCase("binary", bytes(range(256)) * 4, 2, "is not"),
    FuzzCase("nul_byte", "x = 1\x00\n", 2, "cannot contain null bytes"),
    FuzzCase("not_utf8", b"name = '\xe9t\xe9'\n", 2, "is not UTF-8 text"),
    FuzzCase(
        "huge_line", "x = [" + "1, " * 40_000 + "1]\n" + TRAIN, 0, "model:", {"people.csv": PEOPLE}
    ),
    FuzzCase("raises_at_import", "import no_such_module_anywhere\n", 1, "ModuleNotFoundError"),
    FuzzCase("never_fits", FIT, 1, "never fits", {"people.csv": PEOPLE}),
    FuzzCase(
        "fits_twice",
        TRAIN + "LogisticRegression(C=0.5).fit(X, y)\n",
        0,
        "C=0.5 (default 1.0)",
        {"people.csv": PEOPLE},
    ),
    FuzzCase(
        "reads_nothing",
        "from sklearn.linear_model import LogisticRegression\n"
        "LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])\n",
        1,
        "reads no data files",
    ),
    FuzzCase("reads_missing", TRAIN.replace("people.csv", "missing.csv"), 1, "FileNotFoundError"),
    FuzzCase("loops_forever", "while True:\n    pass\n", 1, "did not finish within"),
    FuzzCase("prints_megabytes", "print('x' * 20_000_000)\n", 1, "output limit"),
    FuzzCase(
        "opens_json_config",
        "import json\nsettings = json.load(open('config.json'))\n"
        + TRAIN.replace("LogisticRegression()", "LogisticRegression(C=settings['C'])"),
        0,
        "source people.csv",
        {"people.csv": PEOPLE, "config.json": json.dumps({"C": 0.5, "tags": ["a"]}, indent=2)},
    ),
    FuzzCase(
        "opens_python_file",
        "code = open('helpers.py').read()\n" + TRAIN,
        0,
        "source people.csv",
        {"people.csv": PEOPLE, "helpers.py": "def helper(x):\n    return {'a': [x, 2]}\n"},
    ),
    _csv_case(
        "ragged_csv", "age,income,label\n20,1,0\n21,2,1,9,9\n22\n23,4,1\n", 1, "not a data source"
    ),
    _csv_case("empty_csv", "", 1, "raised"),
    _csv_case("header_only_csv", "age,income,label\n", 1, "raised"),
    _csv_case(
        "bom_csv",
        "\ufeffage,income,label\n" + "".join(f"{i},{i * 3},{i % 2}\n" for i in range(20)),
        0,
        "source data.csv",
    ),  # fmt: skip
    _csv_case(
        "mixed_encodings",
        b"age,income,label\n"
        + "".join(f"{i},{i},{i % 2}\n" for i in range(20)).encode()
        + "# caf\u00e9\n".encode("latin-1"),
        1,
        "not a data source",
        encoding="latin-1",
    ),  # fmt: skip
    FuzzCase(
        "label_2d",
        FIT.replace("y = df['label'].values", "y = label_binarize(df['label'], classes=[0, 1])")
        + "LogisticRegression().fit(X, y)\n",
        0,
        "model:",
        {"people.csv": PEOPLE},
    ),
    FuzzCase(
        "notebook_malformed", '{"nbformat": 4, "cells": [', 2, "is not valid JSON", notebook=True
    ),
    FuzzCase(
        "notebook_no_code",
        json.dumps(notebook([("markdown", "# Notes only"), ("raw", "nothing to run")])),
        2,
        "has no code cells",
        notebook=True,
    ),
]


def write_case(case: FuzzCase, root: Path) -> Path:
    """The case's folder under `root`; returns the original's path."""
    folder = root / case.name
    folder.mkdir(parents=True)
    script = folder / ("messy.ipynb" if case.notebook else "messy.py")
    _write(script, case.script)
    for name, content in case.files.items():
        _write(folder / name, content)
    (folder / "meta.json").write_text(json.dumps({"domain": "fuzz", "task": case.name}))
    return script


def write_corpus(root: Path) -> dict[str, Path]:
    """Every case under `root`, by name."""
    return {case.name: write_case(case, root) for case in CASES}


def _write(path: Path, content: bytes | str) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


# A well-formed pipeline for the cases that read people.csv (verify compares it with the original).
PIPELINE = """
import lester as lt
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression


@lt.source
def people(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{data_dir}/people.csv")


@lt.prepare
def prepared(people: lt.Frame) -> lt.Frame:
    return people


@lt.encode
def features() -> ColumnTransformer:
    return ColumnTransformer([("x", "passthrough", ["age", "income"])])


@lt.label
def label(data):
    return data["label"]


@lt.model
def model():
    return LogisticRegression()
"""

BROKEN_PIPELINES: dict[str, bytes | str] = {
    "binary.py": bytes(range(256)),
    "not_python.py": "def (:\n",
    "nul_byte.py": PIPELINE + "\x00\n",
    "empty.py": "",
    "raises_at_import.py": "import lester as lt\nraise RuntimeError('broken at import')\n"
    + PIPELINE,
    "loops_forever.py": PIPELINE.replace("return people\n", "while True:\n        pass\n"),
}
