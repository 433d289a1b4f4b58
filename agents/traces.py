"""The trace store: one SQLite file holding LangGraph's checkpoints and a table of runs.

Checkpoints deserialize strictly (only JSON-like types), because the state holds nothing else and a
checkpoint file is not trusted to carry code. A run's sandbox outputs and candidate modules live in
`runs/<run id>/` beside the database. Each run records the process running it, so that a run whose
process was killed is marked `interrupted` the next time the store is opened, not left "running".
A file that is not a readable store raises `TraceStoreError` (the CLI's exit code 2).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from lester.sandbox.hostdirs import process_alive

DB_NAME = "lester.sqlite"
INTERRUPTED = "interrupted"
COLUMNS = (
    "run_id",
    "script",
    "data_dir",
    "model",
    "started",
    "finished",
    "outcome",
    "level",
    "attempts",
    "calls",
    "tokens",
    "parent",
    "output",
    "message",
)

SEARCHED = ("run_id", "script", "model", "outcome", "level", "message")
SORTABLE = {
    **{c: c for c in ("started", "script", "model", "outcome", "level")},
    **{c: c for c in ("attempts", "calls", "tokens")},
    "duration": "(COALESCE(finished, started) - started)",
}


@dataclass
class RunRow:
    run_id: str
    script: str
    data_dir: str
    model: str
    started: float
    finished: float | None
    outcome: str | None
    level: str | None
    attempts: int
    calls: int
    tokens: int
    parent: str | None
    output: str | None
    message: str | None


class TraceStoreError(ValueError):
    """The trace store is not SQLite, or is damaged."""


class TraceStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(root / DB_NAME, check_same_thread=False)
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, script TEXT, data_dir TEXT, model TEXT, "
                "started REAL, finished REAL, outcome TEXT, level TEXT, attempts INTEGER DEFAULT 0, calls INTEGER DEFAULT 0, "
                "tokens INTEGER DEFAULT 0, parent TEXT, output TEXT, message TEXT)"
            )
            known = {row[1] for row in self.conn.execute("PRAGMA table_info(runs)")}
            for column in ("owner_pid INTEGER", "owner_host TEXT"):
                if column.split()[0] not in known:
                    self.conn.execute(f"ALTER TABLE runs ADD COLUMN {column}")
            self._mark_interrupted()
            self.conn.commit()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise TraceStoreError(
                f"{root / DB_NAME} is not a readable trace store ({exc}): it is corrupt or not "
                "Lester's; move it away to start a new one"
            ) from exc

    def _mark_interrupted(self) -> None:
        """Runs still "running" whose process on this host is gone were killed: say so."""
        rows = self.conn.execute(
            "SELECT run_id, owner_pid FROM runs WHERE outcome IS NULL AND owner_host = ?",
            (socket.gethostname(),),
        ).fetchall()
        for run_id, pid in rows:
            if pid is not None and not process_alive(pid):
                self.conn.execute(
                    "UPDATE runs SET outcome = ?, message = COALESCE(message, ?) WHERE run_id = ?",
                    (INTERRUPTED, "the process running it ended before the run finished", run_id),
                )

    def checkpointer(self) -> SqliteSaver:
        return SqliteSaver(self.conn, serde=JsonPlusSerializer(allowed_msgpack_modules=None))

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / run_id

    def start(self, script: Path, data_dir: Path, model: str, parent: str | None = None) -> str:
        run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.conn.execute(
            "INSERT INTO runs (run_id, script, data_dir, model, started, parent, owner_pid, owner_host) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, str(script), str(data_dir), model, time.time(), parent, *self._owner()),
        )
        self.conn.commit()
        return run_id

    def claim(self, run_id: str) -> None:
        """This process continues `run_id` (a resume): it is running again, and ours."""
        self.conn.execute(
            "UPDATE runs SET outcome = NULL, finished = NULL, owner_pid = ?, owner_host = ? "
            "WHERE run_id = ?",
            (*self._owner(), run_id),
        )
        self.conn.commit()

    @staticmethod
    def _owner() -> tuple[int, str]:
        return os.getpid(), socket.gethostname()

    def finish(self, run_id: str, **fields: Any) -> None:
        fields["finished"] = time.time()
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", (*fields.values(), run_id))
        self.conn.commit()

    def runs(self, limit: int = 100, offset: int = 0) -> list[RunRow]:
        rows = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM runs ORDER BY started DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [RunRow(*row) for row in rows]

    def search(
        self,
        text: str = "",
        order: str = "started",
        descending: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[RunRow], int]:
        """One page of the runs whose id, script, model, verdict or message contain every word of
        `text`, and how many match; sorted and paged in SQL, so a large store stays cheap to list."""
        if order not in SORTABLE:
            raise ValueError(f"cannot sort runs by {order!r}")
        terms = text.split()
        where = " AND ".join(f"({' OR '.join(f'{c} LIKE ?' for c in SEARCHED)})" for _ in terms)
        params = [f"%{term}%" for term in terms for _ in SEARCHED]
        clause = f"WHERE {where}" if terms else ""
        total = self.conn.execute(f"SELECT COUNT(*) FROM runs {clause}", params).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM runs {clause} ORDER BY {SORTABLE[order]} "
            f"{'DESC' if descending else 'ASC'}, started DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [RunRow(*row) for row in rows], total

    def children(self, run_id: str) -> list[RunRow]:
        """The runs forked from `run_id`, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM runs WHERE parent = ? ORDER BY started", (run_id,)
        )
        return [RunRow(*row) for row in rows]

    def get(self, run_id: str) -> RunRow | None:
        row = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        return RunRow(*row) if row else None

    def close(self) -> None:
        self.conn.close()
