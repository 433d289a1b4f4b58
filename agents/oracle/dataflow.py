"""The original's executed dataflow (the tracer's DAG), checked and made readable on the host.

The DAG comes from the sandbox, so it is untrusted data: `from_trace` keeps it only when every
node has the shape the tracer writes (an id equal to its position, a plain operation name, inputs
that are earlier nodes, a line, JSON values of bounded depth) and the whole is within size bounds;
otherwise the analysis goes on without it and says why. Values in it are decoded by `decode`
into plain Python values only (constants, containers, a fixed list of types): nothing in it is
imported, evaluated or unpickled. `dataflow_text` renders the operations behind the final fit for
people (`lester analyze`) and for the model's prompts.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import numpy as np

MAX_NODES = 20_000
MAX_READS = 200
MAX_DEPTH = 64
MAX_JSON = 20_000_000
OP = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,79}$")
DURATION = re.compile(r"^-?[0-9]+ days [0-9:.]+$")
NODE_KEYS = frozenset(
    [
        "id",
        "op",
        "line",
        "inputs",
        "args",
        "kwargs",
        "out",
        "mutates",
        "via",
        "what",
        "path",
        "read",
        "index",
        "estimator",
        "estimator_id",
        "model",
        "X",
        "y",
        "columns_in",
        "column_transformers",
        "attribute",
        "rows",
        "left_rows",
        "left_unmatched",
    ]
)
COUNTS = ("left_rows", "left_unmatched")
TYPES = {
    f"{module}.{name}": name
    for module, names in (
        ("builtins", ("str", "int", "float", "bool", "object")),
        ("numpy", ("float64", "float32", "int64", "int32", "int16", "int8", "uint8", "bool_")),
    )
    for name in names
}


class Undecodable(ValueError):
    """An encoded value that is not a plain constant (a function, an object, a reference)."""


def from_trace(trace: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The validated DAG of a script trace (nodes, the final fit's X and y nodes, the reads),
    or None and the reason it was not kept."""
    raw = trace.get("dataflow")
    if not isinstance(raw, dict):
        return None, "the trace has no dataflow"
    try:
        size = len(json.dumps(raw)) + len(json.dumps(trace.get("reads", [])))
    except (TypeError, ValueError):
        return None, "the dataflow is not JSON"
    if size > MAX_JSON:
        return None, f"the dataflow is too large ({size} bytes)"
    nodes = raw.get("nodes")
    if not isinstance(nodes, list) or len(nodes) > MAX_NODES:
        return None, "the dataflow has no list of nodes of a bounded size"
    for position, node in enumerate(nodes):
        problem = _node_problem(node, position)
        if problem:
            return None, f"dataflow node {position}: {problem}"
    fits = trace.get("fits") or []
    final = fits[-1] if fits and isinstance(fits[-1], dict) else {}
    dag = {
        "nodes": nodes,
        "X": _node_ref(final.get("X_node"), len(nodes)),
        "y": _node_ref(final.get("y_node"), len(nodes)),
        "truncated": _counts(raw.get("truncated")),
        "reads": _reads(trace.get("reads"), len(nodes)),
    }
    return dag, None


def _node_problem(node: Any, position: int) -> str | None:
    if not isinstance(node, dict) or node.get("id") != position:
        return "not a node in its place"
    if not set(node) <= NODE_KEYS:
        return f"unknown fields {sorted(set(node) - NODE_KEYS)[:5]}"
    if not isinstance(node.get("op"), str) or not OP.match(node["op"]):
        return "an operation that is not a plain name"
    line = node.get("line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 0):
        return "a line that is not a number"
    inputs = node.get("inputs")
    if not isinstance(inputs, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 <= i < position for i in inputs
    ):
        return "inputs that are not earlier nodes"
    if any(not _count(node[k]) for k in COUNTS if k in node):
        return "a row count that is not a number"
    if _depth(node) > MAX_DEPTH:
        return "values nested too deeply"
    if not all(0 <= r < position for r in _refs(node) if r is not None):
        return "references that are not earlier nodes"
    return None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _refs(value: Any) -> list[int | None]:
    """Every `{"ref": n}` inside a node's values (None for a reference that is no number)."""
    found: list[int | None] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if set(item) == {"ref"}:
                ref = item["ref"]
                found.append(ref if isinstance(ref, int) and not isinstance(ref, bool) else -1)
                continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def _node_ref(value: Any, n: int) -> int | None:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n else None
    )


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(k)[:200]: v for k, v in list(value.items())[:50] if isinstance(v, int)}


def _reads(value: Any, n: int) -> list[dict[str, Any]]:
    """The read records whose shape is right (others are left out, not trusted)."""
    reads = []
    for read in value if isinstance(value, list) else []:
        if not isinstance(read, dict) or len(reads) >= MAX_READS:
            continue
        if not isinstance(read.get("reader"), str) or not OP.match(read["reader"]):
            continue
        if not isinstance(read.get("file"), str) or not isinstance(read.get("call"), dict):
            continue
        if not isinstance(read.get("options"), dict) or _depth(read) > MAX_DEPTH:
            continue
        reads.append({**read, "node": _node_ref(read.get("node"), n)})
    return reads


# ---- values -----------------------------------------------------------------------------------


def decode(value: Any) -> Any:
    """An encoded constant as the Python value it was; `Undecodable` for anything else."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict) or len(value) > 2:
        raise Undecodable(f"not a constant: {str(value)[:80]}")
    return _decode_tagged(value)


def _decode_tagged(value: dict[str, Any]) -> Any:
    tags = [k for k in value if k != "value"] or ["value"]
    if len(tags) != 1:
        raise Undecodable(f"not a constant: {sorted(value)}")
    tag = tags[0]
    body = value[tag]
    if tag == "tuple":
        return tuple(decode(v) for v in body)
    if tag == "set":
        return {decode(v) for v in body}
    if tag == "dict":
        return {decode(k): decode(v) for k, v in body}
    if tag == "index":
        return [decode(v) for v in body]
    if tag == "slice":
        return slice(*(decode(v) for v in body))
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "np":
        return decode(value.get("value"))
    if tag == "dtype" and isinstance(body, str):
        return body
    if tag == "type" and body in TYPES:
        return TypeName(TYPES[body])
    if tag == "timestamp" and isinstance(body, str):
        return datetime.datetime.fromisoformat(body)
    if tag == "timedelta" and isinstance(body, str) and DURATION.match(body):
        return Duration(body)
    raise Undecodable(f"not a constant: {tag}")


class TypeName(str):
    """A type named in an argument (`dtype=str`, `astype(np.float32)`): rendered as code by name,
    and as a dtype string (which pandas accepts wherever it accepts the type) when used."""

    def code(self) -> str:
        return self if self in ("str", "int", "float", "bool", "object") else f"np.{self}"


class Duration(str):
    """A time span as pandas writes it (`1 days 00:00:00`), rendered as `pd.Timedelta(...)`."""


def value_code(value: Any) -> str:
    """Python source for a decoded constant."""
    if isinstance(value, TypeName):
        return value.code()
    if isinstance(value, Duration):
        return f"pd.Timedelta({str(value)!r})"
    if isinstance(value, float) and not math.isfinite(value):
        return "np.nan" if math.isnan(value) else ("np.inf" if value > 0 else "-np.inf")
    if isinstance(value, list):
        return "[" + ", ".join(value_code(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(value_code(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{value_code(k)}: {value_code(v)}" for k, v in value.items()) + "}"
    if isinstance(value, set):
        return (
            "{" + ", ".join(value_code(v) for v in sorted(value, key=repr)) + "}"
            if value
            else "set()"
        )
    if isinstance(value, datetime.datetime):
        return f"pd.Timestamp({value.isoformat()!r})"
    if isinstance(value, slice):
        return f"slice({value.start!r}, {value.stop!r}, {value.step!r})"
    return repr(value)


# ---- reading it -------------------------------------------------------------------------------


PARTS_PER_ARRAY = {"sklearn.train_test_split": 2, "sklearn.shuffle": 1}


def ancestors(dag: dict[str, Any], roots: list[int | None]) -> list[int]:
    """The nodes the given ones were computed from (themselves included), in order. A split's
    part comes from the split and from its own array only: X's training part is not computed
    from y, though `train_test_split(X, y)` takes both."""
    nodes = dag["nodes"]
    seen: set[int] = set()
    stack = [r for r in roots if r is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        array = _split_array(nodes, nodes[node])
        if array is None:
            stack.extend(nodes[node]["inputs"])
        else:
            seen.add(nodes[node]["inputs"][0])
            stack.append(array)
    return sorted(seen)


def _split_array(nodes: list[dict[str, Any]], node: dict[str, Any]) -> int | None:
    """The input a split's part was cut from, or None for any other node."""
    if node["op"] != "part" or not node["inputs"]:
        return None
    split = nodes[node["inputs"][0]]
    per = PARTS_PER_ARRAY.get(split["op"])
    index = node.get("index")
    if per is None or not isinstance(index, int):
        return None
    args = split.get("args") or []
    array = args[index // per] if index // per < len(args) else None
    ref = array.get("ref") if isinstance(array, dict) and set(array) == {"ref"} else None
    return ref if ref in split["inputs"] else None


def describe(node: dict[str, Any]) -> str:
    """One node as a call: `#7 line 12: DataFrame.__getitem__(#6, 'age') -> frame 900 x 5`."""
    given = [_short(a) for a in node.get("args", [])]
    receiver = [f"#{i}" for i in node["inputs"][:1]]
    function = node["op"][:1].islower()  # `pd.to_datetime(#26)`: its first input is an argument
    args = ([] if function and given[:1] == receiver else receiver) + given
    args += [f"{k}={_short(v)}" for k, v in (node.get("kwargs") or {}).items()]
    if node.get("estimator"):
        args.insert(0, str(node["estimator"].get("class", "?")).rsplit(".", 1)[-1])
    where = f"line {node['line']}" if node.get("line") is not None else "no line"
    text = f"#{node['id']} {where}: {node['op']}({', '.join(args)})"
    text = f"{text} -> {_out(node.get('out'))}" if node.get("out") else text
    if isinstance(node.get("left_unmatched"), int):
        text += f" ({node['left_unmatched']} of {node.get('left_rows')} left rows matched nothing)"
    return text


def origin(node: dict[str, Any]) -> str:
    """What a node made and where, in words (`array [10854, 34] float64 made at line 72
    outside pandas and scikit-learn`): for a reason that names a value by where it came from."""
    where = f" at line {node['line']}" if node.get("line") is not None else ""
    op = node.get("op")
    how = " outside pandas and scikit-learn" if op == "opaque" else f" by {op}"
    return f"{_out(node.get('out') or {})} made{where}{how}"


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict) and set(value) == {"ref"}:
        return f"#{value['ref']}"
    if isinstance(value, dict) and "function" in value:
        return str(value["function"].get("name", "function"))
    try:
        text = value_code(decode(value))
    except Undecodable:
        text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _out(out: dict[str, Any]) -> str:
    kind = out.get("kind")
    if kind == "frame":
        return f"frame {out.get('rows')} x {len(out.get('columns') or [])}"
    if kind == "series":
        return f"series {out.get('name')!r} {out.get('dtype')} ({out.get('rows')} rows)"
    if kind == "array":
        return f"array {out.get('shape')} {out.get('dtype')}"
    if kind == "scalar":
        return f"scalar {_short(out.get('value'))}"
    return str(kind)


FITS = ("sklearn.fit", "sklearn.fit_transform")  # the operations that fit an estimator


def transformer_fits(dag: dict[str, Any]) -> list[dict[str, Any]]:
    """The fits of the script's own transformers (not the model's), in the order they ran."""
    return [
        n
        for n in dag.get("nodes") or []
        if n.get("op") in FITS and n.get("estimator") and not n.get("model")
    ]


def estimators_behind_x(dag: dict[str, Any]) -> set[Any] | None:
    """The estimators whose output the final fit's X was computed from (None: X was not traced,
    or its history passes through a value made outside pandas and scikit-learn, which may hold
    any transformer's output: a hand loop copying a scaled array leaves no traced edge)."""
    if dag.get("X") is None:
        return None
    behind = ancestors(dag, [dag["X"]])
    if any(dag["nodes"][i]["op"] == "opaque" for i in behind):
        return None
    return {dag["nodes"][i].get("estimator_id") for i in behind}


MAX_LOOKUP_CELLS = 200_000_000  # cells compared to look a transformer's rows up in X
SAMPLED_ROWS = 5  # per output, as the sandbox samples them
MAX_LOOKED_UP = 20  # rows of one estimator's outputs


def output_in_x(dag: dict[str, Any], estimator_id: Any, X: np.ndarray) -> bool | None:
    """Whether the sampled rows of an estimator's output (`rows`, each checked to be a list of
    numbers) appear among the fit's X's rows, side by side in some of its columns; None where
    none was sampled or the lookup would cost more than `MAX_LOOKUP_CELLS` (the rows come from
    the sandbox: their count is bounded here, not trusted)."""
    sampled = [
        node["rows"][:SAMPLED_ROWS]
        for node in dag.get("nodes") or []
        if node.get("estimator_id") == estimator_id and isinstance(node.get("rows"), list)
    ]
    rows = [r for found in sampled for r in found if _numbers(r)][:MAX_LOOKED_UP]
    if not rows or X.ndim != 2:
        return None
    cost = sum(max(X.shape[1] - len(r) + 1, 0) * X.shape[0] * len(r) for r in rows)
    if cost > MAX_LOOKUP_CELLS:
        return None
    return any(len(r) <= X.shape[1] and _row_in(np.asarray(r, dtype=np.float64), X) for r in rows)


def _numbers(row: Any) -> bool:
    return isinstance(row, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in row
    )


def _row_in(row: np.ndarray, X: np.ndarray) -> bool:
    width = len(row)
    for start in range(X.shape[1] - width + 1):
        block = X[:, start : start + width]
        if np.isclose(block, row, rtol=1e-9, atol=1e-12).all(axis=1).any():
            return True
    return False


REPEATS = 3


def _folded(nodes: list[dict[str, Any]], shown: list[int]) -> list[str]:
    """One line per operation, except that an operation repeated on one script line (a loop)
    more than `REPEATS` times is one entry, its first, with the count and the span of ids: a
    per-row loop then takes a line instead of the whole listing."""
    runs: dict[tuple[Any, str], list[int]] = {}
    for i in shown:
        runs.setdefault((nodes[i].get("line"), nodes[i]["op"]), []).append(i)
    lines = []
    for i in shown:
        run = runs[(nodes[i].get("line"), nodes[i]["op"])]
        if len(run) <= REPEATS:
            lines.append(describe(nodes[i]) + _columns_named(nodes[i], nodes))
        elif i == run[0]:
            span = f"x{len(run)} at this line: #{run[0]}..#{run[-1]}{_outs_vary(nodes, run)}"
            lines.append(f"{describe(nodes[i])}  [{span}]")
    return lines


OUTS_SHOWN = 4


def _outs_vary(nodes: list[dict[str, Any]], run: list[int]) -> str:
    """The distinct outputs of a folded run, where they differ: the first one's shape is not
    the others' (the folds of a cross-validation loop, the last of which the final fit takes)."""
    outs = list(dict.fromkeys(_out(nodes[i]["out"]) for i in run if nodes[i].get("out")))
    if len(outs) < 2:
        return ""
    more = ", …" if len(outs) > OUTS_SHOWN else ""
    return f"; their outputs vary: {', '.join(outs[:OUTS_SHOWN])}{more}"


RENAMED_SHOWN = 100


def _columns_named(node: dict[str, Any], nodes: list[dict[str, Any]]) -> str:
    """The names of a frame's columns where the operation chose them and its arguments, cut
    short or naming dtypes, do not show them: renamed (`df.columns = df.iloc[0]`), made of an
    array, or picked out of its input's by something other than their names
    (`select_dtypes(include=['object'])`). Names are schema the rewrite writes out."""
    out = node.get("out") or {}
    names = out.get("columns") or []
    if out.get("kind") != "frame" or not node.get("inputs") or len(names) > RENAMED_SHOWN:
        return ""
    before = nodes[node["inputs"][0]].get("out") or {}
    old = before.get("columns") or []
    if before.get("kind") != "frame":
        return f", columns now {names}"
    if old == names:
        return ""
    if len(old) == len(names):
        pairs = ", ".join(f"{a!r} -> {b!r}" for a, b in zip(old, names, strict=True) if a != b)
        return f", columns renamed by position: {pairs}"
    return _picked(node, old, names)


def _picked(node: dict[str, Any], old: list[Any], names: list[Any]) -> str:
    """A frame whose columns are some of its input's, in their order, where the call's
    arguments name neither those kept nor those dropped."""
    kept = set(names)
    dropped = [c for c in old if c not in kept]
    if [c for c in old if c in kept] != names or not dropped:
        return ""
    written = _strings([node.get("args"), node.get("kwargs")])
    if kept <= written or set(dropped) <= written:
        return ""
    return f", columns kept: {names}" if len(names) <= len(dropped) else f", dropped: {dropped}"


def _strings(value: Any) -> set[str]:
    """Every string inside a recorded argument (lists, dicts, encoded values)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list | tuple):
        return {s for v in value for s in _strings(v)}
    return set()


def _fit_y(node_id: int | None) -> str:
    if node_id is None:
        return (
            "not traced (made outside pandas, NumPy and scikit-learn; the script's lines show how)"
        )
    return f"#{node_id}"


def dataflow_text(dag: dict[str, Any] | None, limit: int = 150) -> str:
    """The operations the final fit's X and y were computed from, one per line."""
    if not dag:
        return "(no dataflow was traced)"
    nodes = dag["nodes"]
    shown = ancestors(dag, [dag.get("X"), dag.get("y")])
    plain = all(nodes[i]["op"] == "opaque" for i in shown)
    if plain:  # X made outside pandas: show it all
        shown = list(range(len(nodes)))
    lines = _folded(nodes, shown)
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more operations"]
    if dag.get("X") is not None:
        lines.append(f"final fit: X = #{dag['X']}, y = {_fit_y(dag.get('y'))}")
    if plain:
        lines.append(
            "the trace saw no pandas or scikit-learn operation build X: the script made it in "
            "plain Python, so its lines are the reference and the analysis' rows of X the check"
        )
    opaque = [n for n in (nodes[i] for i in shown) if n["op"] == "opaque"]
    for node in opaque[:10]:
        lines.append(f"opaque at line {node.get('line')}: {node.get('what', '')}")
    for site, count in list(dag.get("truncated", {}).items())[:5]:
        lines.append(f"not recorded (repeated): {site} x{count}")
    return "\n".join(lines)
