"""A warm pool: workers started ahead of time, reused while healthy, replaced when not.

Generic over the worker (a container, in practice), so the policy reads on its own: `size` workers
are started in the background when the pool opens; `acquire` hands out a ready one (or starts one
when all are busy); `release` puts a healthy worker back and discards one that hit a limit, starting
its replacement in the background so the next job does not pay the cold start. With `size=0`
every job gets a fresh worker that is discarded afterwards (the "fresh container" mode).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, Protocol, TypeVar


class Worker(Protocol):
    def discard(self) -> None:
        """Stop and remove the worker; must not raise."""


W = TypeVar("W", bound=Worker)


class WarmPool(Generic[W]):
    """Workers made by `factory`; at most `size` are kept warm."""

    def __init__(self, factory: Callable[[], W], size: int) -> None:
        self._factory = factory
        self._size = size
        self._executor = ThreadPoolExecutor(
            max_workers=max(size, 1), thread_name_prefix="lester-pool"
        )
        self._idle: list[Future[W]] = [self._executor.submit(factory) for _ in range(size)]
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self) -> W:
        """A ready worker: a warm one if any, else one started now (waits for it)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            pending = self._idle.pop(0) if self._idle else None
        return pending.result() if pending is not None else self._factory()

    def release(self, worker: W, *, reusable: bool) -> None:
        """Return a worker after a job; one that is not reusable is replaced, not reused."""
        with self._lock:
            keep = not self._closed and len(self._idle) < self._size
            if keep and reusable:
                done: Future[W] = Future()
                done.set_result(worker)
                self._idle.append(done)
                return
            if keep:
                self._idle.append(self._executor.submit(self._factory))
        worker.discard()

    def close(self) -> None:
        """Discard every worker, including those still starting."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for pending in idle:
            pending.cancel()
        self._executor.shutdown(wait=True)
        for pending in idle:
            if not pending.cancelled() and pending.exception() is None:
                pending.result().discard()
