"""Signing saved runs: an HMAC over every file, keyed by a secret only this user holds.

A saved run may come from anyone, and loading one unpickles its encoder and model, which runs
whatever code the pickles name. So a run carries a manifest, `SIGNATURE`, with one HMAC-SHA256 per
file (over its run-relative path and its bytes) and an HMAC over the whole list. Only runs whose
manifest and files check against the user's key are unpickled; anything else is "unsigned" and
needs the caller's explicit trust.

The key is 32 random bytes in `<config dir>/run-signing.key`, created on first use with mode 0600
in a 0700 directory. The config dir is `$LESTER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/lester`, else
`~/.config/lester`. A key file that others can read is refused: anyone who reads it can forge
signatures.

Two digests name a run in audit logs: `content`, over every file but the audit log itself (so
that a log line can name the run before and after the change it records), and `signature`, over
everything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import LesterError
from .runfiles import BadRunError, read_bytes

MANIFEST = "SIGNATURE"
AUDIT_LOG = "audit.jsonl"
KEY_FILE = "run-signing.key"
MANIFEST_FORMAT = 1


def config_dir() -> Path:
    """The user's Lester configuration directory (not created here)."""
    explicit = os.environ.get("LESTER_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "lester"


def signing_key() -> bytes:
    """The user's run-signing key, created (0600) on first use."""
    directory = config_dir()
    path = directory / KEY_FILE
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise LesterError(f"{path} is not a regular file; it should hold the run-signing key")
    if info.st_mode & 0o077:
        raise LesterError(
            f"{path} is readable by others (mode {stat.S_IMODE(info.st_mode):o}); anyone who can "
            f"read it can forge signed runs. Run `chmod 600 {path}`."
        )
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise LesterError(f"{path} does not hold a run-signing key (64 hex digits)")
    return key


def file_hasher(key: bytes, rel: str) -> Any:
    """An HMAC to feed a file's bytes into; its digest is the file's entry in the manifest."""
    return hmac.new(key, b"lester-run-file\0" + rel.encode() + b"\0", hashlib.sha256)


def mac_bytes(key: bytes, rel: str, data: bytes | memoryview, *more: memoryview) -> str:
    """The manifest entry of a file whose bytes are `data` followed by `more` (a file read
    straight into the memory that holds it, piece by piece)."""
    hasher = file_hasher(key, rel)
    for piece in (data, *more):
        hasher.update(piece)
    return hasher.hexdigest()


def _digest(key: bytes, label: str, files: dict[str, str]) -> str:
    text = json.dumps(sorted(files.items()), separators=(",", ":"))
    return hmac.new(key, f"lester-run-{label}\0{text}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """Per-file MACs and the digests over them."""

    files: dict[str, str]
    content: str
    signature: str

    @classmethod
    def of(cls, key: bytes, files: dict[str, str]) -> Manifest:
        content = {k: v for k, v in files.items() if k != AUDIT_LOG}
        return cls(dict(files), _digest(key, "content", content), _digest(key, "all", files))

    def valid(self, key: bytes) -> bool:
        """Whether this user's key made the manifest (the file MACs still need checking)."""
        expected = Manifest.of(key, self.files)
        return hmac.compare_digest(expected.signature, self.signature) and hmac.compare_digest(
            expected.content, self.content
        )

    def to_json(self) -> str:
        doc = {
            "format": MANIFEST_FORMAT,
            "files": self.files,
            "content": self.content,
            "signature": self.signature,
        }
        return json.dumps(doc, indent=1, sort_keys=True)


def sign_directory(root: Path) -> Path:
    """Write the manifest of every file under `root` with the user's key (atomically)."""
    from .runfiles import files_of

    key = signing_key()
    files = {
        rel: mac_bytes(key, rel, read_bytes(root, rel)) for rel in files_of(root) if rel != MANIFEST
    }
    tmp = root / f".{MANIFEST}.tmp"
    tmp.write_text(Manifest.of(key, files).to_json())
    os.replace(tmp, root / MANIFEST)
    return root


def read_manifest(root: Path) -> Manifest | None:
    """The run's manifest, or None for an unsigned run; a malformed one is bad input."""
    if not (root / MANIFEST).exists():
        return None
    try:
        doc = json.loads(read_bytes(root, MANIFEST))
        files = doc["files"]
        if doc["format"] != MANIFEST_FORMAT or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        ):
            raise ValueError("unexpected entries")
        return Manifest(dict(files), str(doc["content"]), str(doc["signature"]))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadRunError(f"{root}: {MANIFEST} is malformed ({exc})") from None


@dataclass
class Trust:
    """What is known about a loaded run's origin, file by file.

    `signed` when the manifest was made with this user's key. `check` verifies one file's bytes;
    a file that fails (or an unsigned run) is accepted only under `trust_unsigned`, and each such
    acceptance is remembered in `accepted` so that callers can warn about it.
    """

    root: Path
    key: bytes | None
    manifest: Manifest | None
    trust_unsigned: bool = False
    accepted: list[str] | None = None

    @property
    def signed(self) -> bool:
        return self.manifest is not None and self.key is not None and self.manifest.valid(self.key)

    def check(self, rel: str, data: bytes | memoryview) -> None:
        """Raise `UnsignedRunError` unless `data` is what the signed run holds at `rel`."""
        problem = self.problem(rel, data)
        if problem is None:
            return
        if not self.trust_unsigned:
            raise UnsignedRunError(f"{self.root}: {problem}")
        self.accepted = [*(self.accepted or []), f"{rel}: {problem}"]

    def problem(self, rel: str, data: bytes | memoryview, *more: memoryview) -> str | None:
        if self.manifest is None:
            return "the run is not signed (no SIGNATURE)"
        if not self.signed:
            return "the run's SIGNATURE was not made with your key (another user's run, or edited)"
        expected = self.manifest.files.get(rel)
        if expected is None:
            return f"{rel} is not in the run's SIGNATURE"
        if not hmac.compare_digest(expected, mac_bytes(self.key, rel, data, *more)):
            return f"{rel} does not match the run's SIGNATURE (changed after it was saved)"
        return None


class UnsignedRunError(BadRunError):
    """A run's file is not covered by a valid signature and the caller did not accept that."""


def trust_of(root: Path, trust_unsigned: bool = False) -> Trust:
    manifest = read_manifest(root)
    return Trust(root, signing_key(), manifest, trust_unsigned)
