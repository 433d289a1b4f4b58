"""The files of a saved run: names checked before use, contents read once, never through a link.

Every name a run's metadata supplies (a source name, a lineage frame) becomes a path only through
`plain_name`, and every file is opened through `read_bytes`, which refuses symbolic links and
anything that is not a regular file inside the run. A saved run is handed over by someone else
as often as not: its metadata must not make Lester read or write outside it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import LesterError

NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
CHUNK = 1 << 22


class BadRunError(LesterError):
    """A saved run is malformed or tampered with (bad input)."""


def plain_name(name: object, what: str) -> str:
    """`name` when it is a plain file name (letters, digits, `_`, `.`, `-`; no path, no `..`)."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or ".." in name:
        raise BadRunError(
            f"the run's metadata names a {what} {name!r}, which is no plain file name"
        )
    return name


def relative(*parts: str) -> str:
    """A run-relative path from plain names (the form manifests and metadata use)."""
    return "/".join(parts)


def regular_file(root: Path, rel: str) -> Path:
    """The path of `rel` inside `root`, refusing links, missing files and non-regular files."""
    path = root
    for part in rel.split("/"):
        path = path / plain_name(part, "file")
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            raise BadRunError(f"{root}: {rel} is missing") from None
        if stat.S_ISLNK(mode):
            raise BadRunError(f"{root}: {rel} is a symbolic link; a saved run holds no links")
    if not stat.S_ISREG(mode):
        raise BadRunError(f"{root}: {rel} is not a regular file")
    return path


def read_bytes(root: Path, rel: str) -> bytes:
    """The whole content of a run file (opened without following a link swapped in meanwhile)."""
    path = regular_file(root, rel)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def files_of(root: Path) -> list[str]:
    """Every regular file under `root`, as run-relative paths (links and other kinds are refused)."""
    found = []
    for directory, subdirs, names in os.walk(root):
        base = Path(directory)
        for name in subdirs + names:
            mode = os.lstat(base / name).st_mode
            if stat.S_ISLNK(mode):
                raise BadRunError(f"{base / name} is a symbolic link; a saved run holds no links")
        found.extend(str((base / n).relative_to(root)).replace(os.sep, "/") for n in names)
    return sorted(found)
