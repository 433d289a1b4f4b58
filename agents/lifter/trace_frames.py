"""The trace lifter's frames: each traced DataFrame operation as the Frame operation that does it.

Frames are lifted in the order the script made them (a node's inputs are earlier nodes), each
into a variable named after what the script assigned at that line. The rules, each the general
form of a pandas idiom:

- reads -> the source; a read of a file the script wrote earlier with `to_csv` -> that frame
  (idiom: intermediate file), when the columns and dtypes came back unchanged;
- `df[mask]`, `query`, `dropna` -> `filter`; `df[df.k.isin(other.k.unique())]` -> `semi_join`; `df[[cols]]`, `select_dtypes` -> `select`;
  `drop(columns=...)`, `pop` -> `drop`; `rename`, `add_suffix`, `df.columns = [...]` -> `rename`
  (the mapping read off the columns before and after);
- `df[c] = <expression>`, `assign(c=lambda d: ...)`, `df.loc[mask, c] = v` -> `project`, with a
  fill of a column by its own statistic as `fill_na`, a group-wise transform as
  `transform_groups`, and `df.apply(f, axis=1)` as `apply_rows`;
- `df.apply(make(df), axis=1)` rewriting whole rows, the function looking up other rows of its
  frame -> `apply_rows_by_group` with the key its lookups select by (`trace_lookup`);
- `fillna` of a frame -> `fill_na`; `get_dummies` -> `get_dummies`; `merge`/`join` -> `join`;
  `concat` -> `union` (rows) or `concat_columns` (columns); `drop_duplicates`, `sort_values`;
  `sample` and scikit-learn's `resample` -> `take_rows` (`trace_positions`);
- group-bys reduced and reset -> `aggregate` (`trace_groups`).

Anything else raises `Unsupported` naming the line and the operation, so the step falls to the
next proposer with the dataflow as context.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .syntax import Unsupported, identifier
from .trace_code import Functions, constant_code, statement_at
from .trace_columns import ColumnRules
from .trace_graph import Graph, Node, at, ref, series_column
from .trace_groups import GroupRules
from .trace_lookup import LookupRules
from .trace_positions import PositionRules
from .trace_series import Beside, Expr, SeriesCompiler, Target
from .trace_wide import KEYWORD_ONLY, WideRules


class FrameLifter(GroupRules, ColumnRules, LookupRules, WideRules, PositionRules):
    """Lifts frame nodes into lines `var = <Frame expression>`."""

    def __init__(
        self,
        graph: Graph,
        functions: Functions,
        sources: dict[int, str],
        names: Callable[[int | None], str],
        taken: set[str],
        skipped: frozenset[int] = frozenset(),
        shuffle_line: int | None = None,
    ) -> None:
        self.graph = graph
        self.functions = functions
        self.sources = sources  # read node -> source parameter
        self.names = names  # a line's assigned name
        self.taken = taken
        self.lines: list[str] = []
        self.trail: list[str] = []
        self.var: dict[int, str] = {}
        self.skipped = skipped  # assignments the encoder does instead
        self.frame_columns: dict[int, list[Any]] = {}  # where the Frame has the index as columns
        self.users: dict[int, set[int]] = {}  # frame -> the lifted operations applied to it
        self.holders = {name: node for node, name in sources.items()}  # variable -> its frame
        self.shuffle_line = shuffle_line  # where the shuffle the split replays is
        self._columns_made = 0

    # ---- driving ------------------------------------------------------------------------------

    def reserve(self, roots: list[int], kept: bool = False) -> None:
        """Record who uses each frame on the way to all of `roots` before any is lifted, so a
        variable is not given a new value that a root lifted later still needs; `kept`: the
        roots' own variables are used after every operation (put side by side at the end)."""
        for root in roots:
            if kept:
                self.users.setdefault(root, set()).add(len(self.graph.nodes))
            self._used_by(self._needed(root))

    def _used_by(self, needed: list[int]) -> None:
        for node_id in needed:
            for used in self.frame_inputs(self.graph[node_id]):
                self.users.setdefault(used, set()).add(node_id)

    def lift(self, root: int) -> str:
        """The variable holding `root`'s frame, emitting every frame it depends on first."""
        needed = self._needed(root)
        self._used_by(needed)
        for node_id in needed:
            if node_id not in self.var:
                self.var[node_id] = self._lift_one(self.graph[node_id])
                self._keep_keys(self.graph[node_id])
        return self.var[root]

    def _keep_keys(self, node: Node) -> None:
        """A keyed table's keys stay its columns through operations that keep its rows."""
        frame = self.graph.frame_input(node)
        if node.id in self.frame_columns or frame is None or frame.id not in self.frame_columns:
            return
        if node.kind == "frame" and self.graph.rows(node.id) == self.graph.rows(frame.id):
            self.frame_columns[node.id] = [*self.keys_of(frame), *node.columns]

    def _needed(self, root: int) -> list[int]:
        seen: set[int] = set()
        stack = [root]
        while stack:
            node_id = stack.pop()
            if node_id in seen or node_id in self.var:
                continue
            seen.add(node_id)
            stack.extend(self.frame_inputs(self.graph[node_id]))
        return sorted(seen)

    def frame_inputs(self, node: Node) -> list[int]:
        """The frames an operation's Frame form is applied to (not the series it reads)."""
        if node.op.startswith("pd.read_") or node.op == "opaque":
            return []
        if node.op in ("pd.concat", "pd.merge"):
            return [i for i in node.inputs if self.graph[i].kind == "frame"]
        if node.op == "pd.get_dummies":
            return [self._base_frame(node.inputs[0])] if node.inputs else []
        if node.op == "pd.crosstab":  # of two columns of one frame
            read = [series_column(self.graph, i) for i in node.inputs]
            return [read[0][0]] if read and None not in read else []
        if node.op == "Series.unstack":  # of a group-by: the wide table is made from its frame
            grouped = self.grouping_frame(self.graph[node.inputs[0]]) if node.inputs else None
            return [grouped] if grouped is not None else []
        if node.op == "pd.DataFrame":
            values = self.graph.values_frame(node)
            return [values.id] if values is not None else []
        group = self.grouping_frame(node)
        if group is not None:
            return [group]
        semi = self.semi_join_keys(node)
        if semi is not None:
            return [self.graph.frame_input(node).id, semi[0]]
        if node.method == "reset_index" and node.inputs:
            return [node.inputs[0]]
        if node.method in ("merge", "join"):
            reduced = [r for i in node.inputs if (r := self.reduced_series(i)) is not None]
            joined = [self._joined_frame(i) for i in node.inputs if self.graph[i].kind == "frame"]
            return joined + reduced
        first = self.graph.frame_input(node)
        return [first.id] if first is not None and first.kind == "frame" else []

    def _base_frame(self, node_id: int) -> int:
        node = self.graph[node_id]
        return node.inputs[0] if node.kind == "series" and node.inputs else node_id

    def _joined_frame(self, node_id: int) -> int:
        node = self.graph[node_id]
        return node.inputs[0] if node.method == "set_index" else node_id

    def emit(self, node: Node, expression: str, base: str | None = None) -> str:
        """`name = expression`, with the name the script assigned at that line; a variable is
        given a new value only when nothing later needs its old one."""
        name = identifier(self.names(node.line), set())
        holder = self.holders.get(name)
        free = holder is None and name not in self.taken
        held = [holder, *(n for n, v in self.var.items() if v == name)]  # a reset keeps the var
        done = holder is not None and all(max(self.users.get(h, {-1})) <= node.id for h in held)
        var = name if free or done else identifier(name, self.taken)
        self.taken.add(var)
        self.holders[var] = node.id
        self.lines.append(f"{var} = {expression}")
        return var

    def beside(
        self, base: str, other: str, why: str = "columns computed from the prepared rows"
    ) -> str:
        """`base` with the columns of `other` (the same rows) beside it."""
        var = identifier("prepared", self.taken)
        self.lines.append(f"{var} = {base}.concat_columns({other})")
        self.trail.append(f"{other}: {why}, put beside them")
        return var

    def note(self, node: Node, idiom: str) -> None:
        self.trail.append(f"line {node.line}: {idiom}")

    def fresh_column(self, hint: str) -> str:
        self._columns_made += 1
        return identifier(f"_{hint}", set()) + f"_{self._columns_made}"

    # ---- one node -----------------------------------------------------------------------------

    def _lift_one(self, node: Node) -> str:
        if node.op.startswith("pd.read_"):
            return self._read(node)
        if node.op == "opaque":
            raise Unsupported(at(node.line), f"{node.raw.get('what', 'an opaque value')}")
        grouped = self.lift_grouping(node)
        if grouped is not None:
            return grouped
        rule = self._rule(node)
        if rule is None:
            raise Unsupported(at(node.line), f"no rule for {node.op} in the dataflow")
        return rule(node)

    def _rule(self, node: Node) -> Callable[[Node], str] | None:
        if node.op == "pd.concat":
            return self._concat
        if node.op == "pd.merge":
            return self._merge
        if node.op == "pd.get_dummies":
            return self._dummies
        if node.owner in ("loc",) and node.method == "__setitem__":
            return self._masked
        if node.owner in ("loc", "iloc") and node.method == "__getitem__":
            return self._located
        if node.op == "pd.DataFrame":
            return self._from_values
        if node.op == "Series.reset_index":  # a group-by reduced to a Series, now a frame
            return self._reset_index
        if node.op in ("pd.pivot_table", "DataFrame.pivot_table"):
            return self._pivot
        if node.op == "pd.crosstab":
            return self._crosstab
        if node.op == "Series.unstack":
            return self._unstack
        if node.op == "sklearn.resample":
            return self._resample
        if node.owner != "DataFrame":
            return None
        return {
            "__getitem__": self._getitem,
            "__setitem__": self._setitem,
            "__setattr__": self._setattr,
            "drop": self._drop,
            "rename": self._renamed,
            "add_prefix": self._renamed,
            "add_suffix": self._renamed,
            "set_axis": self._renamed,
            "dropna": self._dropna,
            "drop_duplicates": self._drop_duplicates,
            "fillna": self._fillna,
            "select_dtypes": self._select_out,
            "sort_values": self._sort,
            "merge": self._merge,
            "join": self._join,
            "query": self._query,
            "assign": self._assign,
            "astype": self._columnwise,
            "replace": self._columnwise,
            "round": self._columnwise,
            "abs": self._columnwise,
            "clip": self._columnwise,
            "map": self._columnwise,
            "apply": self._rows_rewritten,
            "copy": self._identity,
            "reset_index": self._reset_index,
            "reindex": self._reindex,
            "div": self._shares,
            "truediv": self._shares,
            "infer_objects": self._identity,
            "sample": self._sample,
        }.get(node.method)

    def _rows_rewritten(self, node: Node) -> str:
        """`df.apply(f, axis=1)` giving a frame: `f` rewrites whole rows. A closure built from
        the same frame is `apply_rows_by_group` (`trace_lookup`); for any other function no rule
        says which columns it changes, nor, for a closure over another frame, which of its rows
        it reads: the reason names the idiom for the next proposer."""
        if node.constant(1, "axis", 0) not in (1, "columns") or node.kind != "frame":
            raise Unsupported(at(node.line), f"no rule for {node.op} in the dataflow")
        described = node.arg(0, "func")
        function = described.get("function") if isinstance(described, dict) else None
        name = str((function or {}).get("name", "?")).split(".")[-1]
        closed = list((function or {}).get("freevars") or [])
        statement = statement_at(self.functions.tree, node.line)
        grouped = self.rows_by_group(node, statement)
        if grouped is not None:
            return grouped
        factory = _factory_call(statement)
        if closed and factory is not None:
            raise Unsupported(
                at(node.line),
                f"a row-wise apply of {ast.unparse(factory)}, the function {name} closed over"
                f" the frame {ast.unparse(factory.args[0])} (idiom: row function looking up"
                " other rows of a frame; lifted when the factory is a script function given the frame"
                " applied to)",
            )
        if closed:
            raise Unsupported(at(node.line), f"a row-wise apply of {name}, closed over {closed}")
        raise Unsupported(
            at(node.line),
            f"a row-wise apply of {name} returning whole rows (idiom: rows rewritten by a"
            " function; no rule tells which columns it changes)",
        )

    def input_var(self, node: Node) -> str:
        first = self.graph.frame_input(node)
        if first is not None and first.id not in self.var and node.inputs:
            first = self.graph[node.inputs[0]]
        if first is None or first.id not in self.var:
            raise Unsupported(at(node.line), f"{node.op} of a frame that was not lifted")
        return self.var[first.id]

    def _read(self, node: Node) -> str:
        if node.id in self.sources:
            return self.sources[node.id]
        written = self._written_back(node)
        if written is not None:
            self.note(node, "reads back a file it wrote from a frame (intermediate file)")
            return written
        raise Unsupported(at(node.line), f"a read of {node.raw.get('path')} is no source")

    def _written_back(self, node: Node) -> str | None:
        """The frame a `to_csv` wrote to the file this read reads, if it comes back the same."""
        path = node.raw.get("path")
        for earlier in self.graph.nodes[: node.id]:
            if earlier.op != "DataFrame.to_csv" or not earlier.inputs:
                continue
            if constant_code(earlier.arg(0, "path_or_buf")) != repr(path):
                continue
            frame = self.graph[earlier.inputs[0]]
            same = frame.columns == node.columns and frame.out.get("dtypes") == node.out.get(
                "dtypes"
            )
            if same and earlier.constant(4, "index", True) is False:
                self.lift(frame.id)
                return self.var[frame.id]
        return None

    def _identity(self, node: Node) -> str:
        return self.input_var(node)

    def _reset_index(self, node: Node) -> str:
        """Frames have no index: a reset is nothing, or (after a group-by) renames its column."""
        before = self.graph[node.inputs[0]]
        columns = self.frame_columns.get(before.id, before.columns)
        base = self.var[before.id]
        if list(map(str, columns)) == list(map(str, node.columns)):
            self.frame_columns[node.id] = node.columns
            return base
        if len(columns) == len(node.columns) and before.id in self.frame_columns:
            mapping = {a: b for a, b in zip(columns, node.columns, strict=True) if a != b}
            return self.emit(node, f"{base}.rename({mapping!r})", base)
        raise Unsupported(at(node.line), "reset_index that adds index columns")

    def _from_values(self, node: Node) -> str:
        """`pd.DataFrame(frame)`, `pd.DataFrame(np.array(frame), columns=names)`: that frame's
        rows and values, its columns renamed by position (idiom: frame rebuilt from values)."""
        values = self.graph.values_frame(node)
        if values is None or values.id not in self.var:
            raise Unsupported(at(node.line), "a DataFrame built from values no traced frame holds")
        base = self.var[values.id]
        mapping = {
            label(a): label(b) for a, b in zip(values.columns, node.columns, strict=True) if a != b
        }
        self.note(node, "frame built from another frame's values (rename)")
        return self.emit(node, f"{base}.rename({mapping!r})", base) if mapping else base

    # ---- selections and filters ---------------------------------------------------------------

    def _located(self, node: Node) -> str:
        """`df.loc[1:, 1:]`, `df.iloc[:n, [0, 2]]`: rows by position (a filter; `loc` by label
        on a default index, its stop included) and columns (a select of those it gave)."""
        key = node.arg(0, "key")
        parts = key["tuple"] if isinstance(key, dict) and "tuple" in key else [key]
        frame = self.graph.frame_input(node)
        if node.owner == "loc" and ref(parts[0]) is not None and node.kind == "frame":
            return self._located_by_mask(node, ref(parts[0]), frame)
        if len(parts) > 2:
            raise Unsupported(at(node.line), f"{node.op} of a frame by {key!r:.60}")
        rows = _position_range(parts[0], node.owner == "loc")
        if rows is None:
            raise Unsupported(at(node.line), f"{node.op} of rows by {parts[0]!r:.60}")
        return self._by_position(node, rows, frame)

    def _by_position(self, node: Node, rows: tuple[int | None, int | None], frame: Node) -> str:
        """Rows `start..stop-1` by position, and the columns the selection gave: a filter on the
        row number, which only a default index makes the same as pandas' positions."""
        if node.kind != "frame" or frame.out.get("index") != "range":
            raise Unsupported(
                at(node.line), f"{node.op} of a frame by position, not on a range index"
            )
        base = self.input_var(node)
        code = base
        if rows != (None, None):
            start, stop = rows
            tests = [f"(np.arange(len(d)) >= {start})"] if start else []
            tests += [f"(np.arange(len(d)) < {stop})"] if stop is not None else []
            code = f"{code}.filter(lambda d: {' & '.join(tests)})"
        if node.columns != frame.columns:
            code = f"{code}.select({[label(c) for c in node.columns]!r})"
        self.note(node, f"{node.op} of rows by position and columns (filter, select)")
        return self.emit(node, code, base)

    def _located_by_mask(self, node: Node, mask: int, frame: Node) -> str:
        """`df.loc[mask]`, `df.loc[mask, columns]`: a boolean Series aligns with the frame's own
        index, whatever its labels (after a deduplication or a filter), so it is a filter."""
        kept = self._filtered(node, mask, self.input_var(node))
        if node.columns == frame.columns:
            return kept
        self.note(node, "columns of the masked rows (select)")
        return self.emit(node, f"{kept}.select({[label(c) for c in node.columns]!r})", kept)

    def _getitem(self, node: Node) -> str:
        key = node.arg(0, "key")
        base = self.input_var(node)
        if ref(key) is not None:
            return self._filtered(node, ref(key), base)
        rows = _position_range(key, inclusive=False)
        if rows is not None:  # `df[:n]`: pandas slices a frame's rows by position
            return self._by_position(node, rows, self.graph.frame_input(node))
        columns = node.constant(0, "key")
        if not isinstance(columns, list):
            raise Unsupported(at(node.line), f"a frame selection by {columns!r:.60}")
        keys = self.keys_of(self.graph.frame_input(node))
        if keys:
            self.frame_columns[node.id] = [*keys, *columns]
        self.note(node, "column selection (select)")
        return self.emit(node, f"{base}.select({[*keys, *columns]!r})", base)

    def semi_join_keys(self, node: Node) -> tuple[int, Any, Any] | None:
        """`df[df[k].isin(other[j].unique())]` with `other` a frame of other rows: (other, k, j).
        The kept keys are another frame's values, so the Frame form is a semi-join that
        `forget` maintains with both sides (idiom: rows kept by another frame's keys)."""
        key = node.arg(0, "key") if node.op == "DataFrame.__getitem__" else None
        mask = self.graph[ref(key)] if ref(key) is not None else None
        if mask is None or mask.op != "Series.isin" or len(mask.inputs) != 2:
            return None
        frame = self.graph.frame_input(node)
        left = series_column(self.graph, mask.inputs[0])
        values = self.graph[mask.inputs[1]]
        while values.op in KEY_VALUES and values.inputs:
            values = self.graph[values.inputs[0]]
        right = series_column(self.graph, values.id)
        if left is None or right is None or left[0] != frame.id:
            return None
        other = self.graph[right[0]]
        if other.kind != "frame" or self.graph.rows(other.id) == self.graph.rows(frame.id):
            return None
        return other.id, left[1], right[1]

    def _semi_join(self, node: Node, base: str) -> str:
        other, left, right = self.semi_join_keys(node)
        keys = f"on={left!r}" if left == right else f"left_on={left!r}, right_on={right!r}"
        self.note(node, "rows whose key is among another frame's keys (semi_join)")
        return self.emit(node, f"{base}.semi_join({self.var[other]}, {keys})", base)

    def _filtered(self, node: Node, mask: int, base: str) -> str:
        if self.semi_join_keys(node) is not None:
            return self._semi_join(node, base)
        frame = self.graph.frame_input(node)
        expr = self.compile(mask, frame.id, lambda c: f"d[{c!r}]")
        self.note(node, "boolean mask (filter)")
        if not expr.columnwise and not expr.groups:
            return self.emit(node, f"{base}.filter(lambda d: {expr.code})", base)
        params = self.compile(mask, frame.id, None)
        flag = self.fresh_column("keep")
        marked = self.with_groups(base, params)
        call = f"{marked}.project({flag!r}, {params.columns!r}, {self.function(params)}, rowwise=False)"
        return self.emit(node, f"{call}.filter({flag!r}).drop([{flag!r}])", base)

    def _query(self, node: Node) -> str:
        expression = node.constant(0, "expr")
        if not isinstance(expression, str) or "@" in expression:
            raise Unsupported(at(node.line), "a query with local variables")
        self.note(node, "query (filter)")
        base = self.input_var(node)
        return self.emit(node, f"{base}.filter({expression!r})", base)

    def _dropna(self, node: Node) -> str:
        """`dropna()`, `dropna(subset=..., how=...)`, `dropna(thresh=n)`: rows with enough
        values, a filter."""
        if node.constant(0, "axis", 0) not in (0, "index", "rows"):
            raise Unsupported(at(node.line), "dropna of columns")
        subset = node.constant(3, "subset")
        columns = [subset] if isinstance(subset, str) else subset
        thresh = node.constant(KEYWORD_ONLY, "thresh")
        test = "any" if node.constant(1, "how", "any") == "all" else "all"
        base = self.input_var(node)
        rows = "d" if columns is None else f"d[{list(columns)!r}]"
        kept = f"{test}(axis=1)" if thresh is None else f"sum(axis=1) >= {int(thresh)}"
        self.note(node, "dropna (missing-value filter)")
        return self.emit(node, f"{base}.filter(lambda d: {rows}.notna().{kept})", base)

    def _drop_duplicates(self, node: Node) -> str:
        subset = node.constant(0, "subset")
        keep = node.constant(1, "keep", "first")
        if keep not in ("first", "last"):
            raise Unsupported(at(node.line), f"drop_duplicates(keep={keep!r})")
        base = self.input_var(node)
        subset = [subset] if isinstance(subset, str) else subset
        args = f"{subset!r}, keep={keep!r}" if subset else f"keep={keep!r}"
        self.note(node, "drop_duplicates (deduplication)")
        return self.emit(node, f"{base}.drop_duplicates({args})", base)

    def _select_out(self, node: Node) -> str:
        base = self.input_var(node)
        self.note(node, f"{node.method} (select)")
        return self.emit(node, f"{base}.select({node.columns!r})", base)

    def _drop(self, node: Node) -> str:
        frame = self.graph.frame_input(node)
        dropped = [label(c) for c in frame.columns if c not in node.columns]
        if len(node.columns) + len(dropped) != len(frame.columns):
            raise Unsupported(at(node.line), "a drop that is not of columns")
        base = self.input_var(node)
        self.note(node, f"drop columns {dropped} (drop)")
        return self.emit(node, f"{base}.drop({dropped!r})", base)

    def _renamed(self, node: Node) -> str:
        frame = self.graph.frame_input(node)
        if len(frame.columns) != len(node.columns):
            raise Unsupported(at(node.line), f"{node.method} that changes the columns")
        mapping = {
            label(a): label(b) for a, b in zip(frame.columns, node.columns, strict=True) if a != b
        }
        if frame.id in self.frame_columns:  # the group keys stay as they are
            keys = self.frame_columns[frame.id][: -len(frame.columns) or None]
            self.frame_columns[node.id] = [*keys, *node.columns]
        base = self.input_var(node)
        if not mapping:
            return base
        self.note(node, f"{node.method} (rename)")
        return self.emit(node, f"{base}.rename({mapping!r})", base)

    def _setattr(self, node: Node) -> str:
        name = node.constant(0, "name")
        if name == "columns":
            return self._renamed(node)
        if name == "index":
            return self.input_var(node)  # frames keep rows by position, not by label
        raise Unsupported(at(node.line), f"setting attribute {name!r} of a frame")

    def _sort(self, node: Node) -> str:
        by = node.constant(0, "by")
        ascending = node.constant(2, "ascending", True)
        kind = node.constant(4, "kind", "quicksort")
        if not isinstance(ascending, bool) or node.constant(1, "axis", 0) not in (0, "index"):
            raise Unsupported(at(node.line), "sort_values with per-column directions")
        base = self.input_var(node)
        self.note(node, "sort_values (sort)")
        return self.emit(node, f"{base}.sort({by!r}, ascending={ascending!r}, kind={kind!r})", base)

    # ---- columns ------------------------------------------------------------------------------

    def compile(
        self,
        node_id: int,
        frame: int,
        leaf: Callable[[Any], str] | None,
        params: dict[Any, str] | None = None,
    ) -> Expr:
        """A series expression over `frame`, its columns as `leaf(column)` (parameters if None,
        named in `params`, which expressions of one function share)."""
        params = {} if params is None else params

        def parameter(column: Any) -> str:
            if column not in params:
                params[column] = identifier(str(column), set(params.values()) | {"np", "pd"})
            return params[column]

        target = Target(self.graph, frame, leaf or parameter)
        expr = SeriesCompiler(self.graph, self.functions, target, self.fresh_column).compile(
            node_id
        )
        expr.params = params  # type: ignore[attr-defined]
        return expr

    def function(self, expr: Expr) -> str:
        params = getattr(expr, "params", {})
        names = ", ".join(params[c] for c in expr.columns)
        return f"lambda {names}: {expr.code}".replace("lambda :", "lambda:")

    def with_groups(self, base: str, expr: Expr) -> str:
        """Add the group-wise columns an expression needs, one `transform_groups` each, and the
        columns of other reductions by the same keys beside it (`concat_columns`)."""
        for group in expr.groups:
            if isinstance(group, Beside):
                base_call = self._beside_call(base, group)
            else:
                base_call = group.call(base)
            base = identifier("with_groups", self.taken)
            self.lines.append(f"{base} = {base_call}")
        return base

    def _beside_call(self, base: str, group: Beside) -> str:
        """`base` with a column of another reduction of the same frame by the same keys: both
        have one row per group in the keys' order, so it stands beside (same provenance)."""
        if group.frame not in self.var:
            self.lift(group.frame)
        frame = self.graph[group.frame]
        column = group.column
        if column is None:
            column = self.frame_columns.get(frame.id, frame.columns or [frame.out.get("name")])[-1]
        self.trail.append(f"line {frame.line}: column {column} of the same groups (concat_columns)")
        other = f"{self.var[frame.id]}.select([{column!r}]).rename({{{column!r}: {group.name!r}}})"
        return f"{base}.concat_columns({other})"

    def project(self, node: Node, base: str, frame: int, column: Any, value: Any) -> str:
        """`base` with `column` set to an encoded value (an expression or a constant)."""
        target = ref(value)
        if target is None:
            if isinstance(value, list) or isinstance(value, dict) and "truncated" in value:
                raise Unsupported(
                    at(node.line),
                    f"column {column!r} assigned a list of values the script computed where the "
                    "trace does not follow (a loop over the rows): a constant would not be derived",
                )
            self.note(node, f"column {column} = {constant_code(value)[:40]} (constant column)")
            return f"{base}.project({column!r}, [], lambda: {constant_code(value)})"
        special = self.special_assignment(node, base, frame, column, target)
        if special is not None:
            return special
        expr = self.compile(target, frame, None)
        helper = self._helper_call(node, expr)
        if helper is not None and not expr.groups:
            name, columns = helper
            self.note(node, f"column {column} = {name}(...) of columns (derived column)")
            wide = ", rowwise=False" if expr.columnwise else ""
            return f"{base}.project({column!r}, {columns!r}, {name}, vectorized=True{wide})"
        base = self.with_groups(base, expr)
        self.note(node, f"column {column} (derived column)")
        call = f"{base}.project({column!r}, {expr.columns!r}, {self.function(expr)}{expr.options})"
        dropped = [g.name for g in expr.groups]
        return f"{call}.drop({dropped!r})" if dropped else call

    def _helper_call(self, node: Node, expr: Expr) -> tuple[str, list[Any]] | None:
        """`df["d"] = helper(df["a"], df["b"])` with a function the script defines: the column
        is that function of those columns, written so (its body is what the trace recorded)."""
        statement = statement_at(self.functions.tree, node.line)
        call = statement.value if isinstance(statement, ast.Assign) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)) or call.keywords:
            return None
        if call.func.id not in self.functions.top_level:
            return None
        columns = [_column_read(a) for a in call.args]
        if None in columns or {c for _, c in columns} != set(expr.columns):
            return None
        if len({frame for frame, _ in columns}) != 1:
            return None
        return call.func.id, [c for _, c in columns]

    def _setitem(self, node: Node) -> str:
        if node.id in self.skipped:
            return self.input_var(node)
        keyed = self.keyed_assignment(node)
        if keyed is not None:
            return keyed
        key, value = node.constant(0, "key"), node.arg(1, "value")
        frame = self.graph.frame_input(node)
        base = self.input_var(node)
        if isinstance(key, list):
            return self.emit(node, self.assign_columns(node, base, frame.id, key, value), base)
        return self.emit(node, self.project(node, base, frame.id, key, value), base)

    def _masked(self, node: Node) -> str:
        """`df.loc[mask, column] = value`: the column with `value` where the mask holds."""
        location = node.arg(0, "key")
        parts = location.get("tuple") if isinstance(location, dict) else None
        if not parts or len(parts) != 2 or ref(parts[0]) is None:
            raise Unsupported(at(node.line), "a .loc assignment not by a mask and column")
        column = _decoded(parts[1], node)
        frame = self.graph.frame_input(node)
        if column not in frame.columns:
            raise Unsupported(at(node.line), "a .loc assignment that adds a column")
        params: dict[Any, str] = {}
        exprs = [self.compile(ref(parts[0]), frame.id, None, params)]
        value = node.arg(1, "value")
        if ref(value) is None:
            value_code = constant_code(value)
        else:  # `df.loc[df.age.isna(), "age"] = df.age.mean()`: over the frame before
            exprs.append(self.compile(ref(value), frame.id, None, params))
            value_code = exprs[-1].code
        mask = exprs[0]
        if column not in params:
            params[column] = identifier(str(column), set(params.values()) | {"np", "pd"})
        columns = list(dict.fromkeys([column, *(c for e in exprs for c in e.columns)]))
        names = ", ".join(params[c] for c in columns)
        base = self.input_var(node)
        for expr in exprs:
            base = self.with_groups(base, expr)
        wide = ", rowwise=False" if any(e.columnwise for e in exprs) else ""
        function = f"lambda {names}: {params[column]}.mask({mask.code}, {value_code})"
        self.note(node, f"{column} = {value_code} where a mask holds (masked assignment)")
        code = f"{base}.project({column!r}, {columns!r}, {function}, vectorized=True{wide})"
        return self.emit(node, code, self.input_var(node))


# What a column's values pass through on their way into `isin` as a set of keys.
KEY_VALUES = frozenset(["Series.unique", "Series.drop_duplicates", "Series.to_numpy"])


def label(column: Any) -> Any:
    """A column's name in a Frame, which names the columns pandas numbers by their numbers."""
    return str(column) if isinstance(column, int) and not isinstance(column, bool) else column


def _position_range(encoded: Any, inclusive: bool) -> tuple[int | None, int | None] | None:
    """(start, stop) of a row slice with non-negative bounds and no step; None for other keys."""
    if not (isinstance(encoded, dict) and isinstance(encoded.get("slice"), list)):
        return None
    start, stop, step = (encoded["slice"] + [None, None, None])[:3]
    bounds = [b for b in (start, stop) if b is not None]
    if step not in (None, 1) or not all(isinstance(b, int) and b >= 0 for b in bounds):
        return None
    return (start or None, stop + 1 if inclusive and stop is not None else stop)


def _decoded(encoded: Any, node: Node) -> Any:
    from ..oracle.dataflow import Undecodable, decode

    try:
        return decode(encoded)
    except Undecodable as exc:
        raise Unsupported(at(node.line), f"{exc}") from exc


def assigned_name(tree: ast.Module, line: int | None) -> str:
    """The name a statement at `line` assigns (`df = ...`, `df["c"] = ...`, `df.drop(...)`)."""
    if line is None:
        return "frame"
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or not node.lineno <= line <= (node.end_lineno or 0):
            continue
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = _base_name(target)
            if name:
                return name
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = _base_name(node.value.func)
            if name:
                return name
    return "frame"


def _factory_call(statement: ast.stmt | None) -> ast.Call | None:
    """`make(frame)` in `... .apply(make(frame), axis=1)`: a function built from one frame."""
    for node in ast.walk(statement) if statement is not None else ():
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "apply" or not node.args:
            continue
        made = node.args[0]
        if isinstance(made, ast.Call) and len(made.args) == 1 and isinstance(made.func, ast.Name):
            return made
    return None


def _column_read(node: ast.AST) -> tuple[str, Any] | None:
    """(frame, column) for `frame["column"]` or `frame.column`."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if isinstance(node.slice, ast.Constant):
            return node.value.id, node.slice.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id, node.attr
    return None


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    if isinstance(node, ast.Tuple) and node.elts:
        return _base_name(node.elts[0])
    return node.id if isinstance(node, ast.Name) else None
