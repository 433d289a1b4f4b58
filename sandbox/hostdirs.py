"""Private directories the sandbox keeps on the host, and their cleanup even after a crash.

Staged data views (Docker) and job scratch areas (local backend) hold copies of the user's data,
so they are created mode 0700 under the temporary directory with the owner's PID in their name
(`lester-sbx-<pid>-<kind>-<random>`). They are removed when their sandbox closes; when Lester was
killed before that, the next sandbox to open removes those whose owner process is gone (unmounting
a scratch tmpfs first), as it already does for containers.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "lester-sbx-"
_NAME = re.compile(rf"^{PREFIX}(\d+)-")
_MNT_DETACH = 2


def private_dir(kind: str) -> Path:
    """A fresh mode-0700 directory owned by this process's user, named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{kind}-"))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def unmount(path: Path) -> None:
    """Detach a mount at `path` if there is one (a scratch tmpfs); silent otherwise."""
    if os.path.ismount(path):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.umount2(os.fsencode(path), _MNT_DETACH)


def remove(path: Path) -> None:
    """Unmount and delete a private directory, whatever modes the job left inside it."""

    root = os.path.realpath(path)

    def force(function, name, _exc) -> None:  # noqa: ANN001 - shutil's onerror signature
        parent = os.path.realpath(os.path.dirname(name))
        if os.path.commonpath([root, parent]) != root:
            return  # `path` itself could not go: its parent (`/tmp`) is not ours to change
        with contextlib.suppress(OSError):
            os.chmod(parent, 0o700)
            function(name)

    unmount(path)
    shutil.rmtree(path, onerror=force)


def sweep_stale(root: Path | None = None) -> list[Path]:
    """Remove the private directories of sandbox owners that no longer run; the paths removed."""
    root = root or Path(tempfile.gettempdir())
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        found = _NAME.match(path.name)
        if not found or process_alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            if path.lstat().st_uid != os.geteuid() or path.is_symlink():
                continue
            remove(path)
            removed.append(path)
    if removed:
        log.info("removed %d sandbox folder(s) left by a crashed run", len(removed))
    return removed
