"""A run's audit log: one JSON line per deletion, carried from run to run and only ever appended.

A line records when, from which source, what was asked (the predicate, or the ids hashed with the
user's key: a log naming the data subject would itself hold their data), how many rows each
artifact lost, how the model was updated (with its certificate), and the run's content digest
before and after (see `signing.Manifest`), so that a chain of runs can be checked link by link.
The log is covered by the run's signature like every other file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from .predicate import parse
from .runfiles import BadRunError


def entry(report: dict[str, Any], content_before: str | None) -> dict[str, Any]:
    """The log line of one deletion (its ids still in clear; `sealed` hashes them)."""
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": report["source"],
        "predicate": report["predicate"],
        "ids": list(report["ids"]),
        "n_ids": report["n_ids"],
        "n_not_found": report["n_not_found"],
        "rows_removed": {
            name: artifact["rows_removed"]
            for name, artifact in report["artifacts"].items()
            if "rows_removed" in artifact
        },
        "model": report["artifacts"]["model"]["method"],
        "certificate": report["artifacts"]["model"].get("certificate", {}),
        "content_before": content_before,
        "content_after": None,
    }


def hashed_ids(key: bytes, source: str, ids: list[int]) -> list[str]:
    return [
        hmac.new(key, f"lester-id\0{source}\0{i}".encode(), hashlib.sha256).hexdigest()[:24]
        for i in ids
    ]


def sealed_predicate(key: bytes, source: str, text: str | None) -> str | None:
    """A predicate with its literals hashed (`name == 'Ada'` names the person it deletes)."""
    if text is None:
        return None

    def seal(value: Any) -> str:
        digest = hmac.new(key, f"lester-value\0{source}\0{value!r}".encode(), hashlib.sha256)
        return "#" + digest.hexdigest()[:16]

    return parse(text).redacted(seal)


def sealed(entries: list[dict[str, Any]], key: bytes, content_after: str) -> list[dict[str, Any]]:
    """The lines as saved: clear ids and literals replaced by hashes, the new content digest
    filled in."""
    out = []
    for line in entries:
        line = dict(line)
        if "ids" in line:
            line["ids_hashed"] = hashed_ids(key, line["source"], line.pop("ids"))
            line["predicate"] = sealed_predicate(key, line["source"], line["predicate"])
        if line.get("content_after") is None:
            line["content_after"] = content_after
        out.append(line)
    return out


def sealed_report(report: dict[str, Any] | None, key: bytes) -> dict[str, Any] | None:
    """A forget report as stored in the run's metadata: ids hashed like the log's."""
    if report is None or "ids" not in report:
        return report
    out = dict(report)
    out["ids_hashed"] = hashed_ids(key, report["source"], out.pop("ids"))
    out["predicate"] = sealed_predicate(key, report["source"], report["predicate"])
    out["ids_not_found_hashed"] = hashed_ids(key, report["source"], out.pop("ids_not_found", []))
    return out


def encode(entries: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode()


def decode(root: Path, data: bytes) -> list[dict[str, Any]]:
    try:
        entries = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRunError(f"{root}: the audit log is malformed ({exc})") from None
    if not all(isinstance(e, dict) for e in entries):
        raise BadRunError(f"{root}: the audit log is malformed (a line is no object)")
    return entries
