"""Where the UI reads runs from: the main trace store, and the stores of eval reports' cases.

Reading never executes anything: the runs table for lists, a run's last checkpoint for its
state. A finished run's state is cached (keyed by its finish time, which a resume changes), so
opening one attempt after another does not deserialize the checkpoint again each time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lester.agents.trace_view import load_state
from lester.agents.traces import DB_NAME, SORTABLE, RunRow, TraceStore
from lester.ui.evals import EvalReport, find_reports

PAGE_SIZE = 50
CACHED_STATES = 16


@dataclass(frozen=True)
class RunsQuery:
    text: str = ""
    sort: str = "started"
    descending: bool = True
    page: int = 1

    def normalized(self) -> RunsQuery:
        sort = self.sort if self.sort in SORTABLE else "started"
        return RunsQuery(self.text.strip()[:200], sort, self.descending, max(1, self.page))


@dataclass(frozen=True)
class RunsPage:
    rows: list[RunRow]
    total: int
    query: RunsQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


class Catalog:
    def __init__(self, traces: Path, eval_roots: list[Path]) -> None:
        self.traces = traces.resolve()
        self.eval_roots = [root.resolve() for root in eval_roots]
        self._located: dict[str, Path] = {}
        self._states: OrderedDict[tuple[Path, str, float], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @contextmanager
    def open(self, root: Path) -> Iterator[TraceStore]:
        """A connection per use: requests are served from several threads."""
        store = TraceStore(root)
        try:
            yield store
        finally:
            store.close()

    def runs(self, query: RunsQuery) -> RunsPage:
        query = query.normalized()
        with self.open(self.traces) as store:
            rows, total = store.search(
                query.text, query.sort, query.descending, PAGE_SIZE, (query.page - 1) * PAGE_SIZE
            )
        return RunsPage(rows, total, query)

    def reports(self) -> list[EvalReport]:
        return find_reports(self.eval_roots)

    def report(self, key: str) -> EvalReport:
        for report in self.reports():
            if report.key == key:
                return report
        raise LookupError(f"no eval report {key}")

    def row(self, run_id: str) -> tuple[Path, RunRow]:
        """The store holding `run_id` and its row (LookupError when no store has it)."""
        for root in self._candidates(run_id):
            with self.open(root) as store:
                row = store.get(run_id)
            if row is not None:
                self._located[run_id] = root
                return root, row
        raise LookupError(f"no run {run_id}")

    def _candidates(self, run_id: str) -> Iterator[Path]:
        if run_id in self._located:
            yield self._located[run_id]
        yield self.traces
        for report in self.reports():
            for root in report.case_stores():
                if (root / DB_NAME).is_file():
                    yield root

    def state(self, run_id: str) -> dict[str, Any]:
        root, row = self.row(run_id)
        if row.finished is None:
            return load_state(root, run_id)
        key = (root, run_id, row.finished)
        with self._lock:
            if key in self._states:
                self._states.move_to_end(key)
                return self._states[key]
        state = load_state(root, run_id)
        with self._lock:
            self._states[key] = state
            while len(self._states) > CACHED_STATES:
                self._states.popitem(last=False)
        return state

    def children(self, run_id: str) -> list[RunRow]:
        root, _ = self.row(run_id)
        with self.open(root) as store:
            return store.children(run_id)
