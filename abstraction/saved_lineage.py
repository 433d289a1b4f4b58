"""A preparation's lineage in open formats, so that a saved run is maintained, not recomputed.

`maintain` (incremental.py) needs every frame of the lineage and, for each operation, the
arguments that re-apply it. Frames are saved as Parquet under `maintenance/lineage/`, the graph
as JSON: per operation its method, inputs, arguments and the kept-row mask of filters and
deduplications. Arguments that are data (column names, join keys, named aggregations, sort
orders) are saved as they are; a filter's query is saved when it parses as a predicate
(`predicate.py`), with its `@` variables as literals. Functions of the pipeline (projections,
custom aggregations, filter callables) are not saved: a run carries no code. They come back as
`MissingCode`, so a deletion that only removes rows still maintains the run, and one that would
have to re-apply such a function stops and says which.

Reading back is as wary as everything else in a saved run: methods and aggregation names come
from short whitelists, names are plain file names, and a malformed graph is bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .frame import Frame, Lineage, MissingCode, Query, is_prov_column
from .predicate import Predicate, PredicateError, parse
from .run import Run
from .runfiles import BadRunError, relative

DIR = relative("maintenance", "lineage")
METHODS = {
    "filter", "filter_by", "join", "project", "select", "rename", "explode", "sort",
    "aggregate", "drop_duplicates", "union", "semi_join", "apply_rows_by_group", "take_rows",
}  # fmt: skip
AGGREGATIONS = {
    "sum", "mean", "count", "size", "min", "max", "median", "std", "var", "first", "last",
    "nunique", "prod", "any", "all",
}  # fmt: skip
LOCAL = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


class SavedPredicate:
    """A filter predicate that needs no code: a parsed comparison, as filters replay them."""

    def __init__(self, predicate: Predicate) -> None:
        self.predicate = predicate

    def __call__(self, data: Any) -> np.ndarray:
        return self.predicate.mask(data)


# ---- writing ----------------------------------------------------------------------------------


def write_lineage(run: Run, writer: Any) -> dict[str, Any] | None:
    """Save the prepared frame's lineage; None when it keeps none (deletion-safe pipelines)."""
    if run.prepared_rows.lineage is None:
        return None
    root = run.prepared_rows.base
    sources = {id(rows.frame): name for name, rows in run.source_rows.items()}
    nodes, numbers = [], {}
    for frame in _graph(root):
        number = len(nodes)
        numbers[id(frame)] = number
        nodes.append(_node(frame, number, frame is root, sources, numbers, writer))
    return {"nodes": nodes, "root": numbers[id(root)]}


def _graph(root: Frame) -> list[Frame]:
    """The lineage's frames, inputs before the frames made from them."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            if node.lineage is not None:
                stack.extend((f, False) for f in reversed(node.lineage.inputs))
    return order


def _node(
    frame: Frame, number: int, is_root: bool, sources: dict, numbers: dict, writer: Any
) -> dict:
    if frame.lineage is None and id(frame) in sources:
        return {"source": sources[id(frame)]}
    rel = "prepared.parquet" if is_root else relative(DIR, f"frame-{number}.parquet")
    if not is_root:
        writer.table(rel, writer.frame_table(frame))
    doc: dict[str, Any] = {
        "frame": rel,
        "n_rows": len(frame),
        "layout": list(frame.df.columns),
        "colprov": {c: sorted(list(p) for p in pairs) for c, pairs in frame.colprov.items()},
        "ops": sorted(frame.ops),
    }
    lineage = frame.lineage
    if lineage is not None:
        doc["operation"] = {
            "method": lineage.method,
            "kind": lineage.kind,
            "inputs": [numbers[id(f)] for f in lineage.inputs],
            "args": [_encode(a) for a in lineage.args],
            "kwargs": {k: _encode(v) for k, v in lineage.kwargs.items()},
            "kept": None,
        }
        if lineage.kept is not None:
            kept = relative(DIR, f"kept-{number}.npy")
            writer.array(kept, np.asarray(lineage.kept, dtype=bool))
            doc["operation"]["kept"] = kept
    return doc


def _encode(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    if isinstance(value, SavedPredicate):
        return {"predicate": value.predicate.to_json()}
    if isinstance(value, Query):
        return _encode_query(value)
    if isinstance(value, MissingCode):
        return {"code": value.description}
    name = getattr(value, "__qualname__", None) or type(value).__name__
    return {"code": f"the pipeline's function `{name}`"}


def _encode_query(query: Query) -> dict[str, Any]:
    values = {}
    for name in set(LOCAL.findall(query.expr)):
        scope = query.local_dict if name in query.local_dict else query.global_dict
        values[name] = scope.get(name)
    try:
        predicate = parse(query.expr, values)
    except PredicateError:
        return {"code": f"the query {query.expr!r}"}
    return {"predicate": predicate.to_json()}


# ---- reading ----------------------------------------------------------------------------------


FrameReader = Callable[[str, dict, frozenset, list, int], Frame]
ArrayReader = Callable[[str], np.ndarray]


def read_lineage(
    doc: Any, sources: dict[str, Frame], frame: FrameReader, array: ArrayReader, where: str
) -> Frame:
    """The prepared frame with its lineage, from `doc` (meta.json's maintenance entry)."""
    try:
        built: list[Frame] = []
        for node in doc["nodes"]:
            built.append(_read_node(node, built, sources, frame, array, where))
        return built[int(doc["root"])]
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        raise BadRunError(
            f"{where}: the saved lineage is malformed ({type(exc).__name__}: {exc})"
        ) from None


def _read_node(
    node: dict,
    built: list[Frame],
    sources: dict,
    frame: FrameReader,
    array: ArrayReader,
    where: str,
) -> Frame:
    if "source" in node:
        return sources[node["source"]]
    colprov = {str(c): frozenset(tuple(p) for p in pairs) for c, pairs in node["colprov"].items()}
    ops = frozenset(str(o) for o in node["ops"])
    layout = [str(c) for c in node["layout"]]
    loaded = frame(node["frame"], colprov, ops, layout, int(node["n_rows"]))
    operation = node.get("operation")
    if operation is None:
        return loaded
    method = operation["method"]
    if method not in METHODS:
        raise BadRunError(f"{where}: the saved lineage names an unknown operation {method!r}")
    inputs = tuple(built[int(i)] for i in operation["inputs"] if 0 <= int(i) < len(built))
    if len(inputs) != len(operation["inputs"]) or not inputs:
        raise BadRunError(f"{where}: the saved lineage's inputs are out of order")
    kept = None if operation["kept"] is None else array(operation["kept"]).astype(bool)
    args = tuple(_decode(a) for a in operation["args"])
    kwargs = {str(k): _decode(v) for k, v in operation["kwargs"].items()}
    if method == "aggregate":
        kwargs = {k: _aggregation(v) for k, v in kwargs.items()}
    lineage = Lineage(method, str(operation["kind"]), inputs, args, kwargs, kept)
    if not all(is_prov_column(c) or c in colprov for c in loaded.df.columns):
        raise BadRunError(f"{where}: a saved lineage frame does not match its column provenance")
    return Frame(loaded.df, loaded.colprov, loaded.ops, lineage)


def _aggregation(value: Any) -> Any:
    column, func = value
    if isinstance(func, str) and func not in AGGREGATIONS:
        func = MissingCode(f"the aggregation {func!r}")
    return (column, func)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "dict" in value:
        return {str(k): _decode(v) for k, v in value["dict"].items()}
    if "predicate" in value:
        try:
            return SavedPredicate(Predicate.from_json(value["predicate"]))
        except PredicateError:
            return MissingCode("a filter whose saved predicate does not parse")
    if "code" in value:
        return MissingCode(str(value["code"]))
    raise ValueError(f"unknown argument {value!r}")
