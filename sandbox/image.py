"""Build the sandbox image, and reuse it while its inputs are unchanged.

Inputs: `image/Dockerfile`, the base image, the runtime wheels pinned to the versions installed on
the host (so the sandbox computes with the same pandas, NumPy and scikit-learn as the host), and
the runtime source (`lester`, `lester.abstraction`, `lester.sandbox`). Their hash names the image
(`lester-sandbox:<hash>`), so an unchanged image is found by its tag and never rebuilt, and a
changed input (an edit to the harness, say) produces a new tag instead of a silently stale image.

No step of the build needs an index or registry: wheels are downloaded on the host with pip and
installed with `--no-index`; where no registry answers, the base is a Debian rootfs made with
debootstrap and imported into Docker (`lester-base:bookworm`). Where one does, `python:3.11-slim`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

import docker
import docker.errors

REPOSITORY = "lester-sandbox"
LOCAL_BASE = "lester-base:bookworm"
PYTHON = "3.11"  # the python3 of either base: Debian bookworm's, and this registry image's
REGISTRY_BASE = f"python:{PYTHON}-slim"
INPUTS_LABEL = "lester.sandbox.inputs"
RUNTIME_PACKAGES = ("numpy", "pandas", "scikit-learn", "scipy", "pyarrow", "joblib")
DEBIAN_PACKAGES = "python3,python3-venv,python3-pip,ca-certificates"
DOCKERFILE = Path(__file__).parent / "image" / "Dockerfile"

Log = Callable[[str], None]


class ImageError(RuntimeError):
    """The sandbox image (or its base) could not be built."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImageError(f"cannot locate the source of {name}")
    return Path(next(iter(spec.submodule_search_locations)))


def _runtime(prefix: str, rel: Path) -> bool:
    """lester/ contributes its modules but not the CLI (the sandbox never runs it); its
    subpackages live in their own top-level folders."""
    if prefix != "lester":
        return True
    return len(rel.parts) == 1 and not rel.name.startswith(("cli", "__main__"))


def _sources() -> Iterator[tuple[str, Path]]:
    """(path inside the image's `lester` tree, host file) for every runtime source file."""
    roots = {
        "lester": _package_dir("lester"),
        "lester/abstraction": _package_dir("lester.abstraction"),
        "lester/sandbox": _package_dir("lester.sandbox"),
    }
    for prefix, root in roots.items():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and "__pycache__" not in rel.parts and _runtime(prefix, rel):
                yield f"{prefix}/{rel.as_posix()}", path


def runtime_requirements() -> list[str]:
    """`name==version` for the runtime packages and their dependencies, as installed on the host."""
    pins: dict[str, str] = {}
    pending = list(RUNTIME_PACKAGES)
    while pending:
        name = re.sub(r"[-_.]+", "-", pending.pop()).lower()
        if name in pins:
            continue
        try:
            pins[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        for requirement in metadata.requires(name) or []:
            if "extra ==" not in requirement:
                pending.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())  # type: ignore[union-attr]
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def inputs_hash(base_id: str) -> str:
    """Hash of everything that goes into the image."""
    digest = hashlib.sha256()
    for part in (
        DOCKERFILE.read_bytes(),
        base_id.encode(),
        "\n".join(runtime_requirements()).encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    for name, path in _sources():
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def image_tag(digest: str) -> str:
    return f"{REPOSITORY}:{digest[:16]}"


def _image_id(client: docker.DockerClient, name: str) -> str | None:
    try:
        return client.images.get(name).id
    except docker.errors.ImageNotFound:
        return None


def bootstrap_base(client: docker.DockerClient, log: Log) -> str:
    """Make `lester-base:bookworm` from a debootstrap rootfs (needs root and `debootstrap`)."""
    if shutil.which("debootstrap") is None:
        raise ImageError(
            "no base image and no debootstrap to make one (apt-get install debootstrap)"
        )
    with tempfile.TemporaryDirectory(prefix="lester-rootfs-") as tmp:
        rootfs, archive = Path(tmp, "rootfs"), Path(tmp, "rootfs.tar")
        log(f"debootstrap bookworm into {rootfs} (about a minute)")
        command = ["debootstrap", "--variant=minbase", f"--include={DEBIAN_PACKAGES}", "bookworm"]
        done = subprocess.run([*command, str(rootfs)], capture_output=True, text=True)
        if done.returncode != 0:
            raise ImageError(f"debootstrap failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
        log(f"importing the rootfs as {LOCAL_BASE}")
        repository, tag = LOCAL_BASE.split(":")
        client.api.import_image_from_file(str(archive), repository=repository, tag=tag)
    return LOCAL_BASE


def resolve_base(client: docker.DockerClient, base: str | None, log: Log) -> str:
    """The base to build on: the one asked for, else the local base, else the registry's, else
    a freshly bootstrapped local base."""
    candidates = [base] if base else [LOCAL_BASE, REGISTRY_BASE]
    for name in candidates:
        if _image_id(client, name):
            return name
    wanted = base or REGISTRY_BASE
    if wanted != LOCAL_BASE:
        try:
            log(f"pulling {wanted}")
            client.images.pull(wanted)
            return wanted
        except docker.errors.APIError as exc:
            if base:
                raise ImageError(f"cannot pull base image {base}: {exc}") from exc
            log(f"no registry answers ({exc.explanation or exc}); making a local Debian base")
    return bootstrap_base(client, log)


def _wheels(log: Log) -> Path:
    """Runtime wheels for the host's versions, downloaded once into the user cache."""
    requirements = runtime_requirements()
    key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "lester", "wheels", key)
    if (cache / ".complete").exists():
        return cache
    log(f"downloading {len(requirements)} runtime wheels into {cache}")
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:"]
    done = subprocess.run(
        [*command, "--dest", str(cache), *requirements], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise ImageError(f"pip download failed:\n{done.stderr[-3000:]}")
    (cache / ".complete").touch()
    return cache


def _context(directory: Path, wheels: Path) -> None:
    shutil.copy(DOCKERFILE, directory / "Dockerfile")
    shutil.copytree(wheels, directory / "wheels", ignore=shutil.ignore_patterns(".complete"))
    for name, path in _sources():
        target = directory / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def current_image(client: docker.DockerClient, base: str | None = None) -> str | None:
    """The tag of an image built from the current inputs, if one exists (never builds)."""
    for name in [base] if base else [LOCAL_BASE, REGISTRY_BASE]:
        base_id = _image_id(client, name)
        if base_id:
            tag = image_tag(inputs_hash(base_id))
            return tag if _image_id(client, tag) else None
    return None


def build_image(
    client: docker.DockerClient, base: str | None = None, *, force: bool = False, log: Log = print
) -> str:
    """Build the image unless one with the same inputs exists; returns its tag."""
    base = resolve_base(client, base, log)
    digest = inputs_hash(_image_id(client, base) or "")
    tag = image_tag(digest)
    if not force and _image_id(client, tag):
        log(f"{tag} is up to date (base {base})")
        return tag
    wheels = _wheels(log)
    with tempfile.TemporaryDirectory(prefix="lester-image-") as tmp:
        _context(Path(tmp), wheels)
        log(f"building {tag} on {base}")
        stream = client.api.build(
            path=tmp,
            tag=tag,
            buildargs={"BASE": base},
            labels={INPUTS_LABEL: digest, "lester.sandbox.base": base},
            network_mode="host",
            rm=True,
            forcerm=True,
            decode=True,
        )
        for chunk in stream:
            if "error" in chunk:
                raise ImageError(f"docker build failed: {chunk['error']}")
            text = chunk.get("stream", "").rstrip()
            if text:
                log(text)
    client.images.get(tag).tag(REPOSITORY, "latest")
    return tag


def ensure_image(client: docker.DockerClient, log: Log = print) -> str:
    """The current image, built first when the inputs changed since the last build."""
    current = current_image(client)
    if current:
        return current
    log("the sandbox image is missing or out of date: building it")
    return build_image(client, log=log)


def images(client: docker.DockerClient) -> list[str]:
    """Every tag of the sandbox repository."""
    return sorted(t for image in client.images.list(REPOSITORY) for t in image.tags)


def remove_outdated(client: docker.DockerClient) -> list[str]:
    """Remove sandbox images other than the current one; the tags removed."""
    current = current_image(client)
    keep = {current, f"{REPOSITORY}:latest"} if current else set()
    removed = []
    for tag in images(client):
        if tag not in keep:
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(tag)
                removed.append(tag)
    return removed
