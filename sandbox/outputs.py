"""Move the harness's structured outputs out of the sandbox, capped in size.

The outputs travel as one uncompressed tar: the fork server sends it over its stream, the local
backend goes through the same two functions so both backends cap and filter identically. Only
regular files are packed (a job could plant a symlink to a file it must not hand out), `trace.json`
goes first so a cap never drops it in favour of bulk arrays, and extraction refuses anything that
would land outside the destination. Standard library only: this runs inside the container too.
"""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

TRACE = "trace.json"


def _files(directory: Path) -> list[tuple[str, int]]:
    found = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            path = Path(root, name)
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(directory).as_posix(), path.stat().st_size))
    found.sort(key=lambda item: (item[0] != TRACE, item[0]))
    return found


def pack(directory: Path, cap: int) -> tuple[bytes, list[str]]:
    """Tar the files under `directory` while their total size stays within `cap` bytes.

    Returns the tar and the relative paths left out because they did not fit.
    """
    buffer = io.BytesIO()
    omitted: list[str] = []
    used = 0
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for rel, size in _files(directory) if directory.is_dir() else []:
            if used + size > cap:
                omitted.append(rel)
                continue
            used += size
            tar.add(directory / rel, arcname=rel, recursive=False)
    return buffer.getvalue(), omitted


def unpack(data: bytes, destination: Path) -> None:
    """Extract a tar made by `pack`, accepting only plain files inside `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    if not data:  # the sandbox died before it could send anything
        return
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        tar.extractall(destination, filter="data")
