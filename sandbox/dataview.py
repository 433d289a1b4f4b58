"""What a job sees of its data directory, and the per-job working copy it may change at will.

The sandbox never exposes the data directory itself. It exposes a *view*: a copy of the entries a
script may legitimately read, and nothing else:

- no hidden entries at any depth (`.ssh/`, `.git/`, `.env`, `.lester/`: credentials and tool
  state live there);
- no folder holding Lester's own state (a trace store, a saved run), whatever its name;
- symbolic links only when they resolve inside the data directory (recreated as relative links
  within the copy); a link leading out of it, to `/etc/passwd` or a home folder, is dropped;
- regular files and folders only (no FIFOs, sockets or devices).

`copy_view` makes such a copy, either read-only (the staged view the Docker backend mounts, a
declarative pipeline's data) or writable (a script's working directory). A script's working
directory is always a fresh copy: it may create, overwrite and delete anything under it, data
subfolders included, and nothing reaches the user's files (hard links would: they share the
original's inode). A declarative pipeline only reads its sources, so its data stays read-only: a
candidate that deletes or rewrites data fails in the sandbox instead of verifying and then doing
it in the user's own Python. Standard library only: the fork server uses `copy_view` too.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataViewError

MAX_FILES = 50_000
MAX_BYTES = 8 * 1024**3
TRACE_STORE_MARK = "lester.sqlite"
SAVED_RUN_MARKS = ("meta.json", "model.joblib")


@dataclass
class ViewStats:
    """What a copy holds and what it left out (relative paths), so the caller can say so."""

    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)


def describe_skipped(stats: ViewStats) -> str | None:
    """One line naming what a copy left out, for the session's log (None when nothing was)."""
    if not stats.skipped:
        return None
    shown = ", ".join(stats.skipped[:8]) + (" ..." if len(stats.skipped) > 8 else "")
    return f"not shown to the sandbox (hidden, Lester state, links out): {shown}"


def _is_lester_state(directory: Path) -> bool:
    if (directory / TRACE_STORE_MARK).exists():
        return True
    return all((directory / mark).exists() for mark in SAVED_RUN_MARKS)


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in Path(relative).parts)


def _link_target(root: Path, link: Path, relative_dir: str) -> str | None:
    """The relative target to recreate for `link`, or None when it leads out of `root` (or into
    something the view leaves out)."""
    target = Path(os.path.realpath(link))
    try:
        inside = target.relative_to(root)
    except ValueError:
        return None
    if not target.exists() or _hidden(inside.as_posix()):
        return None
    return os.path.relpath(inside, relative_dir or ".")


def _modes(writable: bool, group: bool) -> tuple[int, int]:
    """(folder mode, file mode): owner-only, and readable by the group when it is the job's."""
    if writable:
        return 0o700, 0o600
    return (0o550, 0o440) if group else (0o500, 0o400)


class _Copier:
    def __init__(
        self, root: Path, writable: bool, uid: int | None, gid: int | None, limits: bool
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.dir_mode, self.file_mode = _modes(writable, gid is not None and gid != uid)
        self.uid = uid
        self.gid = gid if gid is not None else uid
        self.limits = limits
        self.stats = ViewStats()

    def _own(self, path: Path) -> None:
        if self.uid is not None:
            os.chown(path, self.uid, self.gid, follow_symlinks=False)

    def _count(self, size: int) -> None:
        self.stats.files += 1
        self.stats.bytes += size
        if self.limits and (self.stats.files > MAX_FILES or self.stats.bytes > MAX_BYTES):
            raise DataViewError(
                f"the data directory {self.root} holds more than {MAX_FILES} files or "
                f"{MAX_BYTES // 1024**3} GB; point --data-dir at the folder the script reads"
            )

    def copy_dir(self, source: Path, target: Path, relative: str) -> None:
        for entry in sorted(os.scandir(source), key=lambda e: e.name):
            rel = f"{relative}/{entry.name}" if relative else entry.name
            if entry.name.startswith("."):
                self.stats.skipped.append(rel)
                continue
            self.copy_entry(Path(entry.path), target / entry.name, rel, relative)

    def copy_entry(self, path: Path, target: Path, rel: str, parent_rel: str) -> None:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            link = _link_target(self.root, path, parent_rel)
            if link is None:
                self.stats.skipped.append(rel)
                return
            os.symlink(link, target)
            self._own(target)
        elif stat.S_ISDIR(mode):
            if _is_lester_state(path):
                self.stats.skipped.append(rel)
                return
            target.mkdir()
            self.copy_dir(path, target, rel)
            self._own(target)
            target.chmod(self.dir_mode)
        elif stat.S_ISREG(mode):
            self._count(path.stat().st_size)
            shutil.copyfile(path, target, follow_symlinks=False)
            self._own(target)
            target.chmod(self.file_mode)
        else:
            self.stats.skipped.append(rel)


def copy_view(
    source: Path,
    target: Path,
    *,
    writable: bool,
    uid: int | None = None,
    gid: int | None = None,
    limits: bool = True,
) -> ViewStats:
    """Copy what a job may see of `source` into `target` (created if missing, must be empty).

    `writable` gives the copy owner-only read-write modes (a working directory), else read-only
    ones; `uid` and `gid` chown every entry (the host runs as root and the job as another user:
    a read-only copy owned by root with the job's group can be read by the job and changed by
    nothing it runs). `limits` refuses data directories beyond `MAX_FILES`/`MAX_BYTES`.
    """
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise DataViewError(f"{target} is not empty")
    copier = _Copier(source, writable, uid, gid, limits)
    try:
        copier.copy_dir(copier.root, target, "")
    except PermissionError as exc:
        raise DataViewError(f"cannot read {exc.filename}: permission denied") from exc
    copier._own(target)
    target.chmod(copier.dir_mode)
    return copier.stats
