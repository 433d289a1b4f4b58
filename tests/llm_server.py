"""A scripted, local OpenAI-compatible chat completions server for tests of the LLM path.

No model endpoint is reachable from the test machines, and fake chat models would skip the real
client's HTTP, retry and timeout behaviour. This server answers `POST /v1/chat/completions` (and
`/chat/completions`) from a script: each request consumes the next entry, which is an answer
(`Answer`, or a plain string), an HTTP error (`Fail`) or a slow answer (`Stall`). It records every
request, serves loopback only, and stops (waking any stalled handler) when the `with` block ends.

    with LLMServer() as server:
        server.script([Fail(429), "```python\\nx = 1\\n```"])
        ... ChatOpenAI(base_url=server.base_url, ...) ...
        server.requests[0].body["messages"]
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATHS = ("/v1/chat/completions", "/chat/completions")
MAX_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A 200 with `text` as the assistant's message and the given usage counts."""

    text: str
    prompt_tokens: int = 100
    completion_tokens: int = 20
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Fail:
    """An HTTP error with `Retry-After: 0` and `retry-after-ms: 1` by default.

    The OpenAI client honours `retry-after-ms` before its own exponential backoff (0.5 s, 1 s, ...),
    so retried failures keep the tests fast; None leaves a header out.
    """

    status: int
    message: str = "scripted failure"
    retry_after: str | None = "0"
    retry_after_ms: str | None = "1"


@dataclass(frozen=True)
class Stall:
    """Wait `seconds` before answering `then` (to trip the client's timeout)."""

    seconds: float
    then: Answer | None = None


Entry = Answer | Fail | Stall | str


@dataclass(frozen=True)
class Recorded:
    """One request as received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def text(self) -> str:
        """All message contents joined: what a test searches for prompt content."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


@dataclass
class _State:
    entries: list[Answer | Fail | Stall] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    ids: itertools.count = field(default_factory=itertools.count)


class LLMServer:
    """The server; `base_url` ends in `/v1`, as `ChatOpenAI(base_url=...)` expects."""

    def __init__(self) -> None:
        self._state = _State()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self._state))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def requests(self) -> list[Recorded]:
        with self._state.lock:
            return list(self._state.requests)

    def script(self, entries: list[Entry]) -> None:
        """Queue responses, served in order; an exhausted script answers 500 "script exhausted"."""
        with self._state.lock:
            self._state.entries += [Answer(e) if isinstance(e, str) else e for e in entries]

    def start(self) -> LLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LLMServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            if self.client_address[0] != "127.0.0.1":
                return self._send(403, {"error": {"message": "loopback only"}})
            if self.path.split("?")[0] not in PATHS:
                return self._send(404, {"error": {"message": f"no route {self.path}"}})
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._send(413, {"error": {"message": "request too large"}})
            body = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.requests.append(Recorded(self.path, dict(self.headers), body))
                entry = state.entries.pop(0) if state.entries else Fail(500, "script exhausted")
                number = next(state.ids)
            if isinstance(entry, Stall):
                if state.stopping.wait(entry.seconds):
                    return None
                entry = entry.then or Answer("")
            if isinstance(entry, Fail):
                headers = {
                    name: value
                    for name, value in (
                        ("Retry-After", entry.retry_after),
                        ("retry-after-ms", entry.retry_after_ms),
                    )
                    if value is not None
                }
                error = {"message": entry.message, "type": "scripted", "code": entry.status}
                return self._send(entry.status, {"error": error}, headers)
            return self._send(200, _completion(entry, body.get("model", "scripted"), number))

        def _send(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): nothing to tell it

        def log_message(self, *_: Any) -> None:
            """Quiet: pytest shows the requests through `server.requests` when a test fails."""

    return Handler


def _completion(answer: Answer, model: str, number: int) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-scripted-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text},
                "finish_reason": answer.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        },
    }
