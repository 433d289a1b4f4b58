"""The trace lifter's rules for group-bys, joins and concatenations (mixed into `FrameLifter`).

A group-by reduced (`.agg(name=(col, func))`, `.agg({col: func})`, `["col"].mean()`, `.size()`)
is `aggregate`, its group keys columns of the result as after `reset_index()`; pandas drops rows
whose key is missing and sorts the groups, so missing keys are filtered out first where the key
columns can hold them. `merge` and `join` (on another frame's index set from columns, or on a
reduction's group keys) are `join`; `concat` is `union` along rows and `concat_columns` along
columns.
"""

from __future__ import annotations

from typing import Any

from .syntax import Unsupported
from .trace_graph import Node, at, ref

EXACT = ("int", "uint", "bool")


class GroupRules:
    """Mixed into `FrameLifter`; uses its graph, functions, emit and note."""

    def reduction(self, node: Node) -> tuple[Node, Node, list[str]] | None:
        """(reduction, groupby, selected columns) when `node` reduces a group-by, else None."""
        found = self.graph.grouping(node)
        return None if found is None else (node, *found)

    def grouping_frame(self, node: Node) -> int | None:
        found = self.reduction(node)
        return found[1].inputs[0] if found is not None else None

    def lift_grouping(self, node: Node) -> str | None:
        found = self.reduction(node)
        if found is None:
            return None
        reduction, grouping, selected = found
        keys = self._keys(grouping)
        frame = self.graph[grouping.inputs[0]]
        aggregations = self._aggregations(reduction, keys, selected, frame)
        names = self._names(reduction, keys, len(aggregations))
        base = self.var[frame.id]
        if grouping.constant(3, "dropna", True) and self._nullable(frame, keys):
            base = self.emit(
                grouping, f"{base}.filter(lambda d: d[{keys!r}].notna().all(axis=1))", base
            )
        parts = ", ".join(
            f"{n!r}: ({c!r}, {f})" for n, (c, f) in zip(names, aggregations, strict=True)
        )
        self.frame_columns[node.id] = [*keys, *names]
        self.note(reduction, f"group-by {keys} {reduction.method} (aggregate)")
        return self.emit(reduction, f"{base}.aggregate({keys!r}, **{{{parts}}})", base)

    def _keys(self, grouping: Node) -> list[str]:
        by = grouping.constant(0, "by")
        keys = by if isinstance(by, list) else [by]
        if (
            not all(isinstance(k, str) for k in keys)
            or grouping.constant(5, "sort", True) is not True
        ):
            raise Unsupported(at(grouping.line), "a group-by not by sorted named columns")
        return keys

    def _nullable(self, frame: Node, keys: list[str]) -> bool:
        """Whether a key column can hold missing values (integers and booleans cannot)."""
        dtypes = dict(zip(frame.columns, frame.out.get("dtypes", []), strict=False))
        return any(not str(dtypes.get(k, "object")).startswith(EXACT) for k in keys)

    def _aggregations(
        self, reduction: Node, keys: list[str], selected: list[str], frame: Node
    ) -> list[tuple[str, str]]:
        """(column, function code) per output column, in pandas' order."""
        values = selected or [c for c in frame.columns if c not in keys]
        if reduction.method == "size":
            return [(keys[0], "'size'")]
        if reduction.method not in ("agg", "aggregate"):
            return [(c, repr(reduction.method)) for c in values]
        if reduction.kwargs and not reduction.args:
            return [self._named(reduction, v) for v in reduction.kwargs.values()]
        func = reduction.arg(0, "func")
        if isinstance(func, dict) and "dict" in func:
            return [(self._constant(reduction, k), self._function(v)) for k, v in func["dict"]]
        if isinstance(func, list) and len(values) == 1:  # `g["v"].agg(["min", "max"])`
            return [(values[0], self._function(f)) for f in func]
        return [(c, self._function(func)) for c in values]

    def _named(self, reduction: Node, value: Any) -> tuple[str, str]:
        pair = value.get("tuple") if isinstance(value, dict) else None
        if not pair or len(pair) != 2:
            raise Unsupported(at(reduction.line), "a named aggregation that is not a pair")
        return self._constant(reduction, pair[0]), self._function(pair[1])

    def _function(self, encoded: Any) -> str:
        if isinstance(encoded, str):
            return repr(encoded)
        return self.functions.code(encoded)

    def _constant(self, node: Node, encoded: Any) -> Any:
        from ..oracle.dataflow import Undecodable, decode

        try:
            return decode(encoded)
        except Undecodable as exc:
            raise Unsupported(at(node.line), f"{exc}") from exc

    def _names(self, reduction: Node, keys: list[str], count: int) -> list[str]:
        """The output column names pandas gave (a reduction to a Series is named later)."""
        columns = [str(c) for c in reduction.columns]
        if reduction.kind == "frame" and columns[: len(keys)] == keys:
            columns = columns[len(keys) :]  # as_index=False: the keys are columns already
        if reduction.kind == "frame" and len(columns) == count:
            return columns
        name = reduction.out.get("name")
        if reduction.kind == "series" and count == 1:
            return [str(name) if name is not None else "size"]
        raise Unsupported(at(reduction.line), "a group-by with several output levels")

    # ---- joins and concatenations -------------------------------------------------------------

    def reduced_series(self, node_id: int) -> int | None:
        """The group-by reduction a Series is, through renames (`g["v"].mean().rename("m")`)."""
        node = self.graph[node_id]
        while node.op == "Series.rename" and node.inputs:
            node = self.graph[node.inputs[0]]
        return node.id if node.kind == "series" and self.reduction(node) is not None else None

    def _merge(self, node: Node) -> str:
        frames = [i for i in node.inputs if self.graph[i].kind == "frame"]
        series = [i for i in node.inputs if self.graph[i].kind == "series"]
        if len(frames) == 1 and len(series) == 1 and node.op == "DataFrame.merge":
            return self._merge_reduced(node, frames[0], series[0])
        if len(frames) != 2:
            raise Unsupported(at(node.line), f"a merge of {len(frames)} frames")
        left, right = (self.var[f] for f in frames)
        shift = 1 if node.op == "pd.merge" else 0
        how = self._constant(node, node.arg(1 + shift, "how", "inner"))
        for flag in ("left_index", "right_index", "indicator"):
            if self._constant(node, node.kwargs.get(flag, False)):
                raise Unsupported(at(node.line), f"a merge with {flag}")
        if how not in ("inner", "left"):
            raise Unsupported(at(node.line), f"a {how} merge")
        keys = {
            k: self._constant(node, node.kwargs[k])
            for k in ("on", "left_on", "right_on")
            if k in node.kwargs
        }
        if not keys:
            shared = [
                c for c in self.graph[frames[0]].columns if c in self.graph[frames[1]].columns
            ]
            keys = {"on": shared}
        suffixes = tuple(self._constant(node, node.kwargs.get("suffixes", {"tuple": ["_x", "_y"]})))
        arguments = ", ".join(f"{k}={v!r}" for k, v in keys.items())
        self.note(node, f"merge how={how} (join)")
        code = f"{left}.join({right}, {arguments}, how={how!r}, suffixes={suffixes!r})"
        return self.emit(node, code, left)

    def _merge_reduced(self, node: Node, left: int, series: int) -> str:
        """`df.merge(df.groupby(k)["v"].mean().rename("m"), left_on=k, right_index=True)`: a
        group statistic joined back by its keys, the Series' index (the aggregate's key
        columns), under the Series' name."""
        reduced = self.reduced_series(series)
        how = self._constant(node, node.kwargs.get("how", "inner"))
        left_on = self._constant(node, node.kwargs.get("left_on"))
        left_on = [left_on] if isinstance(left_on, str) else left_on
        flags = {k: self._constant(node, v) for k, v in node.kwargs.items() if k.endswith("index")}
        if reduced is None or flags != {"right_index": True} or how not in ("inner", "left"):
            raise Unsupported(at(node.line), "a merge with a Series that is no group statistic")
        *keys, value = self.frame_columns[reduced]
        if not isinstance(left_on, list) or len(left_on) != len(keys):
            raise Unsupported(at(node.line), "a merge with a Series not on its group keys")
        renames = {
            value: self.graph[series].out.get("name"),
            **dict(zip(keys, left_on, strict=True)),
        }
        renames = {a: b for a, b in renames.items() if a != b}
        right = self.var[reduced] + (f".rename({renames!r})" if renames else "")
        self.note(node, f"merge how={how} with a group statistic by {keys} (join)")
        base = self.var[left]
        return self.emit(node, f"{base}.join({right}, on={left_on!r}, how={how!r})", base)

    def _join(self, node: Node) -> str:
        """`df.join(other.set_index(keys), on=keys)` or on a reduction's group keys."""
        on = self._constant(node, node.arg(1, "on"))
        how = self._constant(node, node.arg(2, "how", "left"))
        other = self.graph[ref(node.arg(0, "other"))]
        if on is None and how in ("inner", "left") and self._same_rows(node, other):
            # `df.join(pd.get_dummies(df[c]))`: the other frame has df's own rows, so joining
            # on the index puts each row's columns beside it
            base = self.input_var(node)
            self.note(node, "join of a frame with the same rows on the index (concat_columns)")
            return self.emit(node, f"{base}.concat_columns({self.var[other.id]})", base)
        keyed = self.keyed_join(node, other, how) if on is None else None
        if keyed is not None:
            return keyed
        if on is None or how not in ("inner", "left"):
            raise Unsupported(at(node.line), f"a join on the index or {how}")
        keys = on if isinstance(on, list) else [on]
        if other.method == "set_index":
            index = self._constant(other, other.arg(0, "keys"))
            if (index if isinstance(index, list) else [index]) != keys:
                raise Unsupported(at(node.line), "a join on differently named keys")
            right = self.var[other.inputs[0]]
        else:
            right = self.var[other.id]
        suffixes = (
            self._constant(node, node.arg(3, "lsuffix", "")),
            self._constant(node, node.arg(4, "rsuffix", "")),
        )
        base = self.input_var(node)
        self.note(node, f"join on {keys} (join)")
        return self.emit(
            node, f"{base}.join({right}, on={keys!r}, how={how!r}, suffixes={suffixes!r})", base
        )

    def _same_rows(self, node: Node, other: Node) -> bool:
        """Whether `other` is a frame of the joined frame's own rows (same row identity, no
        shared column) and the join adds no suffixes."""
        frame = self.graph.frame_input(node)
        suffixes = (node.constant(3, "lsuffix", ""), node.constant(4, "rsuffix", ""))
        return (
            other.kind == "frame"
            and suffixes == ("", "")
            and not set(other.columns) & set(frame.columns)
            and self.graph.rows(other.id) == self.graph.rows(frame.id)
        )

    def _concat(self, node: Node) -> str:
        objects = node.arg(0, "objs")
        items = objects if isinstance(objects, list) else (objects or {}).get("tuple", [])
        parts = [ref(i) for i in items]
        if not parts or any(p is None or self.graph[p].kind != "frame" for p in parts):
            raise Unsupported(at(node.line), "a concat of something other than frames")
        first, *rest = (self.var[p] for p in parts)
        if self._constant(node, node.arg(1, "axis", 0)) in (1, "columns"):
            self.note(node, "concat along columns (concat_columns)")
            code = first + "".join(f".concat_columns({r})" for r in rest)
            return self.emit(node, code, first)
        if node.constant(2, "join", "outer") != "outer":
            raise Unsupported(at(node.line), "a concat that keeps only the shared columns")
        aligned = [self._with_columns(self.var[p], self.graph[p], node.columns) for p in parts]
        self.note(node, "concat along rows (union)")
        return self.emit(node, f"{aligned[0]}.union({', '.join(aligned[1:])})", first)

    def _with_columns(self, var: str, part: Node, columns: list[Any]) -> str:
        """A part of a concat with every column of the result, missing ones empty, in order."""
        missing = [c for c in columns if c not in part.columns]
        if not missing and part.columns == columns:
            return var
        code = var + "".join(f".project({c!r}, [], lambda: np.nan)" for c in missing)
        return f"{code}.select({list(columns)!r})"
