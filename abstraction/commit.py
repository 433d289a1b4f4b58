"""Putting a written run in place: a new directory by one rename, an existing one by a journal.

A new run is written into a hidden directory beside its target and renamed into place, so a crash
leaves either nothing or a whole run at the target.

Replacing a run in place (`forget --in-place`) must also never leave a copy of the rows being
forgotten anywhere: no backup of the old run. So the new run is written into a hidden directory
first (it holds none of the forgotten rows), then a journal in the run lists the files to move in
and the files to delete, and each file is moved over its old version with `rename`, which drops
the old file in the same step. A crash before the journal is complete leaves the old run as it
was (and a hidden directory without the forgotten rows, removed by the next command); a crash
after it leaves a journal that the next command touching the run completes (`recover`). At no
point does a second copy of the old files exist.

`LESTER_CRASH_AT=<step>` kills the process at a named step (the tests kill at every step and
look for the forgotten rows in every file under the run's parent).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import uuid
from pathlib import Path

from .errors import LesterError
from .runfiles import BadRunError, files_of

JOURNAL = ".lester-commit.json"
STEPS = ("written", "journal", "moved-one", "moved-all", "deleted", "done")


def crash_point(step: str) -> None:
    """Die here, as `kill -9` would, when the environment asks for it (fault injection)."""
    if os.environ.get("LESTER_CRASH_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def scratch_dir(target: Path) -> Path:
    """A hidden directory beside `target` for writing its replacement."""
    return target.parent / f".{target.name}.lester-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def publish(tmp: Path, target: Path) -> None:
    """Rename a fully written run to a target that does not exist yet. (The files are not forced
    to disk: a crash of the process loses nothing, and the source run stays as it was.)"""
    crash_point("written")
    try:
        os.rename(tmp, target)
    except OSError as exc:
        raise LesterError(f"cannot put the run at {target}: {exc} (nothing was written)") from None
    _sync_dir(target.parent)


def replace(tmp: Path, target: Path, keep: set[str] | frozenset[str] = frozenset()) -> None:
    """Move the files of the run in `tmp` over those of the run at `target`, crash-safely. The
    new files are forced to disk first: once moved, the old run is gone."""
    _sync_tree(tmp)
    crash_point("written")
    new_files = set(files_of(tmp))
    old_files = set(files_of(target)) - {JOURNAL}
    journal = {
        "from": tmp.name,
        "move": sorted(new_files),
        "delete": sorted(old_files - new_files - set(keep)),
    }
    _write_journal(target, journal)
    crash_point("journal")
    _apply(target, journal)


def recover(target: Path) -> bool:
    """Complete an interrupted in-place replacement of `target` (True if there was one), and
    remove scratch directories of replacements that never reached their journal."""
    journal_path = target / JOURNAL
    completed = False
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text())
            _check_journal(target, journal)
        except (ValueError, KeyError, TypeError) as exc:
            raise BadRunError(f"{target}: {JOURNAL} is malformed ({exc})") from None
        _apply(target, journal)
        completed = True
    for stale in target.parent.glob(f".{target.name}.lester-*"):
        if stale.is_dir() and not _alive(stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    for legacy in target.parent.glob(f".{target.name}.old-*"):
        # Backups an older Lester left when killed mid-replacement: copies of a run whose rows
        # were being forgotten.
        if legacy.is_dir() and not legacy.is_symlink():
            shutil.rmtree(legacy, ignore_errors=True)
    return completed


def _apply(target: Path, journal: dict) -> None:
    tmp = target.parent / journal["from"]
    for i, rel in enumerate(journal["move"]):
        source = tmp / rel
        if source.exists():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target / rel)
        if i == 0:
            crash_point("moved-one")
    _sync_dir(target)
    crash_point("moved-all")
    for rel in journal["delete"]:
        with contextlib.suppress(FileNotFoundError):
            (target / rel).unlink()
    _remove_empty_dirs(target)
    crash_point("deleted")
    shutil.rmtree(tmp, ignore_errors=True)
    (target / JOURNAL).unlink()
    _sync_dir(target)
    crash_point("done")


def _write_journal(target: Path, journal: dict) -> None:
    tmp = target / f"{JOURNAL}.tmp"
    with open(tmp, "w") as handle:
        json.dump(journal, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target / JOURNAL)
    _sync_dir(target)


def _check_journal(target: Path, journal: dict) -> None:
    """The journal comes from the run directory: its names must stay inside the run."""
    name = journal["from"]
    if not (
        isinstance(name, str) and name.startswith(f".{target.name}.lester-") and "/" not in name
    ):
        raise ValueError(f"unexpected scratch directory {name!r}")
    for rel in [*journal["move"], *journal["delete"]]:
        parts = rel.split("/") if isinstance(rel, str) else [""]
        if any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"unexpected file {rel!r}")


def _alive(name: str) -> bool:
    try:
        pid = int(name.rsplit(".lester-", 1)[1].split("-")[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_empty_dirs(root: Path) -> None:
    for directory, _, _ in sorted(os.walk(root), key=lambda t: -len(t[0])):
        if Path(directory) != root and not os.listdir(directory):
            os.rmdir(directory)


def _sync_tree(root: Path) -> None:
    for directory, _, names in os.walk(root):
        for name in names:
            fd = os.open(Path(directory) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(directory))


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
