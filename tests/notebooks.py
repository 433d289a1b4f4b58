"""Notebooks for tests, written as Jupyter saves them (nbformat 4, sources as lists of lines)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def notebook(cells: list[tuple[str, str]], language: str = "python") -> dict[str, Any]:
    """An nbformat 4 document of `(cell_type, source)` cells."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": language}},
        "cells": [_cell(kind, source) for kind, source in cells],
    }


def _cell(kind: str, source: str) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": kind,
        "metadata": {},
        "source": source.splitlines(keepends=True),
    }
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def write_notebook(path: Path, cells: list[tuple[str, str]], language: str = "python") -> Path:
    path.write_text(json.dumps(notebook(cells, language), indent=1))
    return path


# An analysis notebook with magics, shell escapes, markdown and raw cells and a cell that writes a
# file (into the working directory, which the sandbox lets a job write today), whose pipeline the
# offline lifter rewrites.
ANALYSIS_CELLS = [
    ("markdown", "# Customers\nWhich customers are adults?"),
    ("code", "%matplotlib inline\nimport pandas as pd\n!pip install -q scikit-learn"),
    ("code", "%%time\ndf = pd.read_csv('people.csv')\ndf.head()"),
    ("raw", "not code"),
    ("code", "df.describe?\ndisplay(df.head())"),
    ("code", "%%bash\nls -l"),
    ("code", "df = df[df['age'] >= 20]\ndf.to_csv('prepared.csv', index=False)"),
    (
        "code",
        "from sklearn.linear_model import LogisticRegression\n"
        "X = df[['age', 'income']].values\n"
        "y = (df['income'] > 5000).astype(int).values\n"
        "%time model = LogisticRegression().fit(X, y)",
    ),
]


def people_csv(path: Path, rows: int = 120) -> Path:
    """A small, seeded table of people for the analysis notebook."""
    lines = ["id,county,age,income"]
    lines += [
        f"{i},{'abc'[i % 3]},{18 + (i * 7) % 60},{1000 + (i * 7919) % 8000}" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path
