"""The wire format between the host and a container's fork server: a JSON line, then raw bytes.

Each message is one line of JSON (its `payload` field gives the byte length of what follows) and
then exactly that many bytes: the job's code going in, the tar of its outputs coming back. It is
trivial to frame over a pipe or Docker's attach stream, and binary payloads need no encoding.
Standard library only: the server inside the container uses it too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_MAX_HEADER = 64 * 1024 * 1024


def encode(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One message: the header as a JSON line (with the payload's length), then the payload."""
    line = json.dumps({**header, "payload": len(payload)}, separators=(",", ":"))
    return line.encode() + b"\n" + payload


class Reader:
    """Reads messages from `read(n)`, a function returning up to n bytes (b"" at end of stream)."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buffer = bytearray()

    def _fill(self) -> None:
        chunk = self._read(1 << 16)
        if not chunk:
            raise EOFError("stream closed")
        self._buffer += chunk

    def message(self) -> tuple[dict[str, Any], bytes]:
        """The next (header, payload); EOFError when the stream ends."""
        while (end := self._buffer.find(b"\n")) < 0:
            if len(self._buffer) > _MAX_HEADER:
                raise ValueError("protocol header too long")
            self._fill()
        header = json.loads(self._buffer[:end])
        del self._buffer[: end + 1]
        size = int(header.pop("payload", 0))
        while len(self._buffer) < size:
            self._fill()
        payload = bytes(self._buffer[:size])
        del self._buffer[:size]
        return header, payload
