"""The Docker backend: hardened containers running the fork server, kept warm per session.

Design (the simplest that meets the latency target):

- Each container runs `lester.sandbox.server` as PID 1 with pandas and scikit-learn preloaded.
  The host talks to it over the container's attach stream (stdin for requests, stdout for answers,
  see `protocol`): no `docker exec` per job, so a warm job costs one round trip on a local socket
  plus a fork.
- Hardening is not optional: no network, read-only root file system, a size-capped tmpfs as the
  only writable area, memory = memory+swap limit, CPU and pids limits, all capabilities dropped,
  `no-new-privileges`, user nobody, no core dumps, and an environment built from scratch (nothing
  from the host). The data dir itself is never mounted: a staged view of it (see `dataview`: no
  hidden entries, no Lester state, no links leading out), private to the container's user, is
  bind-mounted read-only at `/data` (and at its own host path when that path cannot clash with
  the container's file system, for scripts with absolute paths). The fork server copies it into
  a fresh working directory for every job (the scratch tmpfs is sized for the data plus
  `scratch_mb`), so a script may change its data freely and nothing reaches the user's files.
- Limits: the server enforces the job's timeout and output cap by killing every process of the
  job, and reads the container cgroup's OOM-kill and pids counters to say which limit ended a
  job. The host keeps a backstop deadline and kills the whole container if the server does not
  answer in time. A container that hit any limit, or could not wipe its scratch, is replaced.
- Lifetime: containers carry labels (`lester.sandbox`, `lester.session`, `lester.owner_pid`,
  `lester.owner_host`); `stdin_once` closes the server's stdin when the host disconnects, so the
  server exits and `auto_remove` deletes the container even when the host process is killed, and
  every new backend first removes labelled containers whose owner process is gone.
- Pools are per sandbox (one rewrite session) and per data dir and limits, because the data mount
  and the cgroup limits are fixed when a container is created.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.types import LogConfig, Mount, Ulimit

from . import hostdirs, protocol
from .dataview import copy_view, describe_skipped
from .image import ensure_image
from .job import Job, SandboxResult
from .outcome import describe_exit
from .pool import WarmPool

log = logging.getLogger(__name__)

LABEL = "lester.sandbox"
DATA_MOUNT = "/data"
NOBODY = 65534
STARTUP_TIMEOUT = 120.0
ANSWER_GRACE = 30.0
_SHM_MB = 64
_STDERR_TAIL = 16 * 1024
# Host paths that would shadow or land inside the container's own file system.
_RESERVED = ("/bin", "/boot", "/dev", "/etc", "/lib", "/opt", "/proc", "/run", "/sbin", "/sys",
             "/tmp", "/usr", "/var", "/data")  # fmt: skip


def docker_client(timeout: float = 60.0) -> docker.DockerClient:
    return docker.from_env(timeout=int(timeout))


def docker_problem() -> str | None:
    """None when a Docker daemon answers a ping, else why not (where it looked, what failed)."""
    where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if docker_client(timeout=3).ping():
            return None
        return f"{where} did not answer the ping"
    except Exception as exc:
        return f"{where}: {type(exc).__name__}: {str(exc)[:200]}"


def docker_available() -> bool:
    """True when a Docker daemon answers a ping."""
    return docker_problem() is None


def sandbox_containers(client: docker.DockerClient) -> list[Any]:
    """Lester's containers; one removed while they are listed (a job that hit a limit, another
    session ending) is left out instead of failing the listing."""
    return client.containers.list(all=True, filters={"label": f"{LABEL}=1"}, ignore_removed=True)


def is_stale(container: Any) -> bool:
    """Made on this host by a process that no longer exists."""
    labels = container.labels
    if labels.get("lester.owner_host") != socket.gethostname():
        return False
    try:
        return not hostdirs.process_alive(int(labels.get("lester.owner_pid", "0")))
    except ValueError:
        return True


def remove_containers(containers: list[Any]) -> list[str]:
    """Force-remove containers; the names of those removed. One already gone, or being removed by
    another session sweeping the same stale containers (409), is fine."""
    removed = []
    for container in containers:
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as exc:
            if exc.status_code != 409:
                raise
            continue
        removed.append(container.name)
    return removed


@dataclass(frozen=True)
class PoolKey:
    """What is fixed when a container is created: its data mount and its cgroup limits."""

    data_dir: Path | None
    memory_mb: int
    cpus: float
    pids: int
    scratch_mb: int

    @classmethod
    def of(cls, job: Job, data_dir: Path | None) -> PoolKey:
        resolved = data_dir.resolve() if data_dir is not None else None
        return cls(resolved, job.memory_mb, job.cpus, job.pids, job.scratch_mb)


class _AttachStream:
    """Docker's multiplexed attach stream: stdout bytes for the protocol, stderr kept as a tail."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = time.monotonic() + STARTUP_TIMEOUT
        self.stderr = bytearray()
        self._left = 0

    def _recv(self, size: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the sandbox did not answer in time")
        self.sock.settimeout(remaining)
        try:
            return self.sock.recv(size)
        except TimeoutError as exc:
            raise TimeoutError("the sandbox did not answer in time") from exc

    def _exact(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self._recv(size - len(data))
            if not chunk:
                return b""
            data += chunk
        return bytes(data)

    def read(self, size: int) -> bytes:
        while self._left == 0:
            header = self._exact(8)
            if not header:
                return b""
            length = int.from_bytes(header[4:8], "big")
            if header[0] == 1:
                self._left = length
            else:
                self.stderr += self._exact(length)
                del self.stderr[:-_STDERR_TAIL]
        chunk = self._recv(min(size, self._left))
        self._left -= len(chunk)
        return chunk


class Container:
    """One sandbox container running the fork server; `run` sends a job and waits for the answer."""

    def __init__(
        self,
        client: docker.DockerClient,
        image: str,
        key: PoolKey,
        session: str,
        data: StagedData | None,
    ) -> None:
        self.client = client
        self.container = client.containers.create(**_config(image, key, session, data))
        self.id = self.container.id
        params = {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        # the attached object is kept: it owns the socket read and written below
        self._attached = client.api.attach_socket(self.id, params=params)
        self._sock: socket.socket = getattr(self._attached, "_sock", self._attached)
        self._stream = _AttachStream(self._sock)
        self._reader = protocol.Reader(self._stream.read)
        try:
            self.container.start()
            ready, _ = self._reader.message()
        except (EOFError, TimeoutError, docker.errors.APIError) as exc:
            error = self._death_note()
            self.discard()
            raise RuntimeError(f"sandbox container failed to start: {exc}; {error}") from exc
        if ready.get("event") != "ready":
            self.discard()
            raise RuntimeError(f"unexpected greeting from the sandbox server: {ready}")

    def run(
        self, request: dict[str, Any], code: bytes, deadline: float
    ) -> tuple[dict[str, Any], bytes]:
        """Send one job; the server's outcome and outputs tar. TimeoutError past `deadline`,
        EOFError when the container died."""
        self._stream.deadline = deadline
        self._sock.sendall(protocol.encode(request, code))
        return self._reader.message()

    def died(self) -> dict[str, Any]:
        """The outcome to report when the container itself went away during a job (`lost`:
        not for memory, and its server exited 0, as it does when its input closes, or the
        container was removed before its exit could be read)."""
        state = self._state()
        oom = bool(state.get("OOMKilled"))
        return {
            "exit_code": None,
            "killed_by": "memory" if oom else None,
            "harness_error": None if oom else f"the sandbox container died: {self._death_note()}",
            "lost": not oom and state.get("ExitCode") in (0, None),
        }

    def _state(self) -> dict[str, Any]:
        try:
            self.container.reload()
            return dict(self.container.attrs.get("State", {}))
        except docker.errors.APIError:
            return {}

    def _death_note(self) -> str:
        state = self._state()
        code = state.get("ExitCode")
        status = describe_exit(code) if isinstance(code, int) else "container already removed"
        stderr = bytes(self._stream.stderr).decode("utf-8", "replace")[-2000:]
        return f"{status}; end of server stderr:\n{stderr}"

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()
        with contextlib.suppress(docker.errors.APIError):
            self.container.remove(force=True)


def container_user() -> int:
    """The uid (and gid) jobs run as: nobody when the host can hand the staged view to nobody
    (it runs as root), else the host user itself, which is unprivileged and owns the view."""
    return NOBODY if os.geteuid() == 0 else os.geteuid()


@dataclass(frozen=True)
class StagedData:
    """The data a pool's containers mount: the staged view and its size in bytes."""

    path: Path
    size: int

    @classmethod
    def stage(cls, data_dir: Path) -> StagedData:
        """Copy the view of `data_dir` into a private host folder (0700, the copy owned by the
        container's user and read-only)."""
        folder = hostdirs.private_dir("view")
        try:
            uid = container_user()
            stats = copy_view(data_dir, folder / "data", writable=False, uid=uid)
        except BaseException:
            hostdirs.remove(folder)
            raise
        if note := describe_skipped(stats):
            log.info(note)
        return cls(folder / "data", stats.bytes)


def _config(image: str, key: PoolKey, session: str, data: StagedData | None) -> dict[str, Any]:
    """The container's settings: every hardening option applies to every container.

    `data` is the staged view mounted for `key.data_dir`.
    """
    threads = str(max(1, int(key.cpus)))
    mounts = []
    scratch_mb = key.scratch_mb
    if key.data_dir is not None and data is not None:
        host_path = str(key.data_dir)
        mounts.append(Mount(DATA_MOUNT, str(data.path), type="bind", read_only=True))
        clashes = any(host_path == p or host_path.startswith(p + "/") for p in _RESERVED)
        if host_path != "/" and not clashes:
            mounts.append(Mount(host_path, str(data.path), type="bind", read_only=True))
        scratch_mb += -(-data.size // (1024 * 1024))
    command = ["python", "-m", "lester.sandbox.server"]
    uid = container_user()
    return {
        "image": image,
        "command": command + (["--data", DATA_MOUNT] if key.data_dir is not None else []),
        "user": f"{uid}:{uid}",
        "hostname": "sandbox",
        "working_dir": "/tmp",
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,nosuid,nodev,noexec,size={scratch_mb}m,mode=1777"},
        "shm_size": f"{_SHM_MB}m",
        "mounts": mounts,
        "mem_limit": f"{key.memory_mb}m",
        "memswap_limit": f"{key.memory_mb}m",
        "nano_cpus": int(key.cpus * 1e9),
        "pids_limit": key.pids,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "ulimits": [Ulimit(name="core", soft=0, hard=0)],
        "environment": {"OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads},
        "labels": {
            LABEL: "1",
            "lester.session": session,
            "lester.owner_pid": str(os.getpid()),
            "lester.owner_host": socket.gethostname(),
        },
        "log_config": LogConfig(type=LogConfig.types.NONE),
        # Not detached + stdin open = StdinOnce: stdin closes when the host's attach goes away.
        "stdin_open": True,
        "detach": False,
        "auto_remove": True,
    }


class DockerBackend:
    """Runs jobs in warm pools of hardened containers owned by one session."""

    name = "docker"
    warning: str | None = None

    def __init__(
        self, session: str, *, pool_size: int = 1, image: str | None = None, client: Any = None
    ) -> None:
        self.session = session
        self.pool_size = pool_size
        self.client = client or docker_client()
        removed = remove_containers([c for c in sandbox_containers(self.client) if is_stale(c)])
        if removed:
            log.info("removed %d stale sandbox container(s): %s", len(removed), ", ".join(removed))
        hostdirs.sweep_stale()
        self.image = image or ensure_image(self.client, log=log.info)
        self._pools: dict[PoolKey, WarmPool[Container]] = {}
        self._staged: dict[Path, StagedData] = {}
        self._lock = threading.Lock()

    def _stage(self, data_dir: Path | None) -> StagedData | None:
        """The staged view of `data_dir`, made once per session (its data does not change while
        it runs) and shared by the pools of every limit."""
        if data_dir is None:
            return None
        if data_dir not in self._staged:
            self._staged[data_dir] = StagedData.stage(data_dir)
        return self._staged[data_dir]

    def warm(self, key: PoolKey) -> WarmPool[Container]:
        """The pool for `key`, created (and its containers started) on first use."""
        with self._lock:
            if key not in self._pools:
                data = self._stage(key.data_dir)
                factory = lambda: Container(self.client, self.image, key, self.session, data)  # noqa: E731
                self._pools[key] = WarmPool(factory, self.pool_size)
            return self._pools[key]

    def run(self, job: Job, data_dir: Path | None, outputs_dir: Path) -> SandboxResult:
        """The job's result. A container whose server left without answering, cleanly (it
        exits 0 only when its input closed) or before its exit could be read, lost the job
        through no doing of the job's: the job runs again, once, in another container."""
        pool = self.warm(PoolKey.of(job, data_dir))
        for attempt in range(2):
            outcome, tar, container = self._attempt(pool, job)
            if not outcome.pop("lost", False) or attempt:
                break
            log.warning("the sandbox container left without answering; running the job again")
        return SandboxResult.from_outcome(self.name, outcome, tar, outputs_dir, container.id)

    def _attempt(
        self, pool: WarmPool[Container], job: Job
    ) -> tuple[dict[str, Any], bytes, Container]:
        container = pool.acquire()
        request = {
            "kind": job.kind,
            "code_name": job.code.name,
            "args": list(job.args),
            "timeout": job.timeout,
            "output_cap": job.output_cap_bytes,
            "outputs_cap": job.outputs_cap_bytes,
        }
        started = time.monotonic()
        reusable = False
        tar = b""
        try:
            outcome, tar = container.run(
                request, job.code.read_bytes(), started + job.timeout + ANSWER_GRACE
            )
            reusable = bool(outcome.pop("reusable", False))
        except TimeoutError:
            outcome = {"exit_code": None, "killed_by": "timeout"}
        except (EOFError, OSError, ValueError):
            outcome = container.died()
        finally:
            pool.release(container, reusable=reusable)
        outcome.setdefault("wall_time", time.monotonic() - started)
        return outcome, tar, container

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        for staged in self._staged.values():
            hostdirs.remove(staged.path.parent)
        self._staged = {}
