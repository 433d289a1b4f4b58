"""The tracer: the pandas and scikit-learn dataflow an unmodified script executes, as a DAG.

Beside the recorder (which captures files, fits and predictions), the tracer records every pandas,
NumPy-on-pandas and scikit-learn operation the script's own code calls, with its resolved
arguments, as a node of a DAG: which objects flowed in (references to earlier nodes), what came
out (columns, dtypes, rows), and the script line. The patches that make this possible are all in
`trace_patches` (one place, as mlinspect patches its backends); this module keeps the registry.

Rules that keep it cheap and faithful:

- only calls made by the user's code are recorded (the caller's file is the script, or a file in
  its folder outside the interpreter's packages), so pandas' and scikit-learn's internal calls
  never appear, and the recorder's own work neither;
- an operation is recorded when one of its inputs is traced (or it is a source: a read, a
  constructor); an untraced pandas or NumPy input becomes a named `opaque` node at the line that
  used it, so the DAG fails soft instead of breaking;
- objects are tracked by identity with weak references (NumPy and pandas scalars by a bounded
  number of strong ones), and in-place operations give the object a new node;
- at most `MAX_PER_SITE` nodes per (line, operation) and `MAX_NODES` in all: a row loop calling
  pandas per row is summarized in `truncated`, not recorded a million times.
"""

from __future__ import annotations

import os
import sys
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import trace_values as values

MAX_NODES = 20_000
MAX_PER_SITE = 200
MAX_SCALARS = 5_000
MAX_DIGESTS = 256

_active: Tracer | None = None
_OWN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")
_SET_OUTPUT = os.path.join("sklearn", "utils", "_set_output.py")

# Containers the tracer follows; Index objects (column labels) are described by value instead.
_FOLLOWED = frozenset({"DataFrame", "Series", "ndarray", "Categorical"})


def active() -> Tracer | None:
    return _active


class Tracer:
    """Nodes, the objects they made, and the reads; active while the script runs."""

    def __init__(self, script: Path) -> None:
        self.script = str(script.resolve())
        self.folder = os.path.join(os.path.dirname(self.script), "")
        self.nodes: list[dict[str, Any]] = []
        self.reads: list[dict[str, Any]] = []
        self.truncated: Counter[str] = Counter()
        self._sites: Counter[tuple[int, str]] = Counter()
        self._ids: dict[int, int] = {}
        self._weak: dict[int, Any] = {}
        self._scalars: OrderedDict[int, tuple[Any, int]] = OrderedDict()
        self._estimators: dict[int, tuple[Any, int]] = {}
        self._arrays: OrderedDict[bytes, int] = OrderedDict()  # values digest -> latest node
        self._user: dict[str, bool] = {}
        self._ignored = values.ignored_roots()
        self.last_reader: Any = None

    @contextmanager
    def activated(self) -> Iterator[None]:
        global _active
        from .trace_patches import install, install_models

        install()
        install_models()
        _active = self
        try:
            yield
        finally:
            _active = None

    # ---- whose call is it ---------------------------------------------------------------------

    def is_user(self, filename: str) -> bool:
        """Whether code in `filename` is the user's: the script or a file beside it."""
        known = self._user.get(filename)
        if known is None:
            known = filename == self.script or (
                filename.startswith(self.folder) and not filename.startswith(self._ignored)
            )
            self._user[filename] = known
        return known

    def user_line(self, frame: Any) -> int | None:
        """The line of `frame` if it runs the user's code, else None (a library's own call).
        The harness's own wrappers (the recorder's, the row selections', which call on what
        they wrap) are looked through; its other code is a library's."""
        while frame is not None and _forwards(frame.f_code):
            frame = frame.f_back
        if frame is None:
            return None
        return frame.f_lineno if self.is_user(frame.f_code.co_filename) else None

    def has_room(self, line: int, op: str) -> bool:
        """Whether another node may be recorded at this site (bounded per site and in all)."""
        site = (line, op)
        self._sites[site] += 1
        if self._sites[site] > MAX_PER_SITE or len(self.nodes) >= MAX_NODES:
            self.truncated[f"line {line}: {op}"] += 1
            return False
        return True

    # ---- objects and nodes --------------------------------------------------------------------

    def node_of(self, obj: Any) -> int | None:
        """The node that made `obj`, or None when the tracer has not seen it."""
        if obj is None:
            return None
        key = id(obj)
        found = self._ids.get(key)
        if found is not None:
            return found
        scalar = self._scalars.get(key)
        return scalar[1] if scalar is not None and scalar[0] is obj else None

    def traced(self, obj: Any) -> bool:
        return self.node_of(obj) is not None

    def refer(self, line: int) -> Callable[[Any], int | None]:
        """The `refer` function for encoding arguments at `line`: traced objects by their node,
        untraced frames, series and arrays as a new opaque node."""

        def refer(obj: Any) -> int | None:
            node = self.node_of(obj)
            if node is None and type(obj).__name__ in _FOLLOWED:
                node = self._untraced(obj, line)
                self.bind(obj, node)
            return node

        return refer

    def _untraced(self, obj: Any, line: int) -> int:
        """A node for an object no traced operation made: the traced array whose values it
        holds (`df[cols].values.astype(float)`, a NumPy cast or copy), else opaque."""
        same = self._arrays.get(values.values_key(obj) or b"")
        if same is not None:
            what = {"what": "an array holding a traced array's values (its dtype in `out`)"}
            return self.add("ndarray.same_values", line, [same], what, obj)
        what = {"what": f"a {type(obj).__name__} no traced operation made"}
        return self.add("opaque", line, [], what, obj)

    def add(
        self,
        op: str,
        line: int | None,
        inputs: list[int],
        args: dict[str, Any],
        out: Any = None,
    ) -> int:
        """Append a node; `out` is the produced object (described, not kept)."""
        node_id = len(self.nodes)
        node: dict[str, Any] = {"id": node_id, "op": op, "line": line, "inputs": inputs}
        node.update(args)
        if out is not None:
            node["out"] = values.describe_output(out)
            self._remember(out, node_id)
        self.nodes.append(node)
        return node_id

    def _remember(self, out: Any, node_id: int) -> None:
        """Keep the digest of an array an operation made, for `_untraced` (bounded)."""
        key = values.values_key(out)
        if key is None:
            return
        self._arrays[key] = node_id
        self._arrays.move_to_end(key)
        while len(self._arrays) > MAX_DIGESTS:
            self._arrays.popitem(last=False)

    def bind(self, obj: Any, node: int) -> None:
        """Remember that `obj` (now) comes from `node`."""
        if obj is None or isinstance(obj, bool | str | int) and not _tracked_scalar(obj):
            return
        key = id(obj)
        try:
            ref = weakref.ref(obj, lambda _r, key=key: self._forget(key))
        except TypeError:
            if _tracked_scalar(obj):
                self._keep_scalar(obj, node)
            return
        self._weak[key] = ref
        self._ids[key] = node

    def unbind(self, obj: Any) -> None:
        """Stop following `obj` (its node now describes another object)."""
        self._forget(id(obj))

    def _forget(self, key: int) -> None:
        self._ids.pop(key, None)
        self._weak.pop(key, None)

    def _keep_scalar(self, obj: Any, node: int) -> None:
        self._scalars[id(obj)] = (obj, node)
        while len(self._scalars) > MAX_SCALARS:
            self._scalars.popitem(last=False)

    def estimator_id(self, estimator: Any) -> int:
        """A small number naming one estimator object for the whole run (fit then transform)."""
        known = self._estimators.get(id(estimator))
        if known is None or known[0] is not estimator:
            known = (estimator, len(self._estimators))
            self._estimators[id(estimator)] = known
        return known[1]

    def inputs_of(self, encoded: Any) -> list[int]:
        """Node ids referenced anywhere in an encoded argument, in order, once each."""
        found: list[int] = []

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                if set(value) == {"ref"}:
                    found.append(value["ref"])
                    return
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(encoded)
        return list(dict.fromkeys(found))

    # ---- the record ---------------------------------------------------------------------------

    def dataflow(self) -> dict[str, Any]:
        """The DAG as it goes into the trace."""
        fits = [n["id"] for n in self.nodes if n["op"] == "sklearn.fit" and n.get("model")]
        return {
            "nodes": self.nodes,
            "fits": fits,
            "truncated": dict(self.truncated.most_common(50)),
        }


def _forwards(code: Any) -> bool:
    """Wrappers that only call on what they wrap: the harness's own, and scikit-learn's output
    wrapper around `transform` (set on classes defined after the tracer's patches)."""
    if code.co_name == "wrapper":
        return code.co_filename.startswith(_OWN)
    return code.co_name == "wrapped" and code.co_filename.endswith(_SET_OUTPUT)


def _tracked_scalar(obj: Any) -> bool:
    """Scalars safe to follow by identity: NumPy scalars, floats, longer strings and big ints
    (Python caches small ints and one-character strings, which would link unrelated values)."""
    if isinstance(obj, bool):
        return False
    if isinstance(obj, int):
        return not -5 <= obj <= 256
    if isinstance(obj, str):
        return len(obj) > 1
    if isinstance(obj, float):
        return True
    return (type(obj).__module__ or "").startswith("numpy") and getattr(obj, "ndim", 1) == 0


def caller_frame(depth: int = 2) -> Any:
    """The frame that called the patched function (`depth` up from here), looking through the
    harness's own forwarding wrappers."""
    frame = sys._getframe(depth)
    while frame.f_back is not None and _forwards(frame.f_code):
        frame = frame.f_back
    return frame
