"""The corpus as a list of cases, and the scratch copies the agent runs on.

A case is a folder with `meta.json` and the original: `messy.py`, or a notebook `messy.ipynb`. The agent writes beside the script it rewrites
(its pipeline, its trace store) and some originals write scratch files into their folder, so an
evaluation only ever runs on copies: the corpus stays exactly as committed.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"  # the corpus shipped with Lester
SCRIPTS = ("messy.py", "messy.ipynb")  # the original, a script or a notebook
META = "meta.json"
# What a previous rewrite may have left in a case folder; never part of a case.
LEFTOVERS = (".lester", "*_lester.py", "*_lester.unverified.py", "__pycache__")


class EvalInputError(Exception):
    """The corpus or the case selection is unusable (the CLI exits with code 2)."""


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    meta: dict[str, Any]

    @property
    def script(self) -> str:
        """The original's file name in the case folder."""
        return next(name for name in SCRIPTS if (self.folder / name).is_file())

    @property
    def domain(self) -> str:
        return str(self.meta.get("domain", ""))

    @property
    def task(self) -> str:
        return str(self.meta.get("task", ""))

    @property
    def idioms(self) -> dict[str, Any]:
        return dict(self.meta.get("idioms") or {})


def discover(corpus: Path, patterns: str | None = None) -> list[Case]:
    """The corpus's cases whose names match one of the comma-separated shell patterns, by name."""
    if not corpus.is_dir():
        raise EvalInputError(f"corpus not found: {corpus}")
    cases = [
        _load(folder)
        for folder in sorted(corpus.iterdir())
        if any((folder / name).is_file() for name in SCRIPTS) and (folder / META).is_file()
    ]
    if not cases:
        raise EvalInputError(
            f"no cases in {corpus} (a case is a folder with {META} and {' or '.join(SCRIPTS)})"
        )
    if patterns:
        wanted = [p.strip() for p in patterns.split(",") if p.strip()]
        unmatched = [p for p in wanted if not any(fnmatch.fnmatchcase(c.name, p) for c in cases)]
        if unmatched:  # a mistyped name among several would otherwise be skipped unseen
            raise EvalInputError(f"no case in {corpus} matches {', '.join(map(repr, unmatched))}")
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.name, p) for p in wanted)]
    return cases


def _load(folder: Path) -> Case:
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError) as exc:
        raise EvalInputError(f"unreadable {folder / META}: {exc}") from exc
    if not isinstance(meta, dict):
        raise EvalInputError(f"{folder / META} is not a JSON object")
    return Case(folder.name, folder, meta)


def copy_case(case: Case, target: Path) -> Path:
    """Copy the case into `target` (which must not exist yet); returns the copied script."""
    shutil.copytree(case.folder, target, ignore=shutil.ignore_patterns(*LEFTOVERS))
    return target / case.script
