"""Eval reports as `lester eval` wrote them: a folder with `results.json`, and a trace store per
case (`<report>/<case trace>`), which is where each case's run is found."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = "results.json"


@dataclass(frozen=True)
class EvalReport:
    key: str
    folder: Path

    def load(self) -> dict[str, Any]:
        return json.loads((self.folder / RESULTS).read_text())

    def case_stores(self) -> list[Path]:
        """The trace store of each case that has one."""
        stores = []
        for case in self.load().get("cases", []):
            if case.get("trace"):
                store = (self.folder / case["trace"]).resolve()
                if self.folder.resolve() in store.parents:
                    stores.append(store)
        return stores


def find_reports(roots: list[Path]) -> list[EvalReport]:
    """Every report under `roots`: a root that is a report folder, or the report folders in it
    (as `eval-results/<timestamp>/`), newest first; keys are folder names, made unique."""
    folders: list[Path] = []
    for root in roots:
        if (root / RESULTS).is_file():
            folders.append(root)
        elif root.is_dir():
            found = [p.parent for p in root.glob(f"*/{RESULTS}")]
            folders += sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
    reports: list[EvalReport] = []
    keys: set[str] = set()
    for folder in folders:
        key = folder.resolve().name
        while key in keys:
            key += "_"
        keys.add(key)
        reports.append(EvalReport(key, folder.resolve()))
    return reports
