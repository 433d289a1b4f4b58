"""Which rows of a frame a row function built from that frame reads: the key of
`df.apply(make(df), axis=1)` (idiom: row function looking up other rows of a frame).

`make(frame)` returns a row function closed over `frame`; the function (or the script's helpers
it passes the frame and the row to) looks up the rows sharing the row's key,
`frame[(frame.game == row.game) & (frame.player != row.player)]`. When every read of the frame
is such a selection and all of them require the same key columns to equal the row's, the rows
read all share the row's key: `Frame.apply_rows_by_group(make, key)` gives the same rows and
records that each row derives from its key group only. Any other read of the frame (a column
statistic, a selection by another column, the frame handed to code not followed) leaves the key
unknown, and the group is the whole frame: still the same values, at the provenance cost that
every row derives from every row.

The row's key value must be the row's own: the functions must not write a key column of the
row, and a name holding the row may be rebound only to a followed helper's result that returns
the row it was given.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

Functions = dict[str, ast.FunctionDef]


class _Unknown(Exception):
    """A read of the frame that is not a selection of the rows of one key."""


@dataclass
class _Scope:
    """A function of the lookup, with the names that hold the frame and the row in it."""

    node: ast.FunctionDef | ast.Lambda
    frames: frozenset[str]
    rows: frozenset[str]


@dataclass
class _Reads:
    functions: Functions
    keys: list[set[str]] = field(default_factory=list)
    written: set[str] = field(default_factory=set)
    seen: set[tuple[str, frozenset[str], frozenset[str]]] = field(default_factory=set)


def lookup_key(factory: ast.FunctionDef, functions: Functions) -> list[str] | None:
    """The key columns every read of the factory's frame selects by (`frame.k == row.k`), or
    None when a read is of another kind or no key is common to all reads."""
    params = [a.arg for a in factory.args.args]
    inner = _returned_function(factory)
    if len(params) != 1 or inner is None or not inner.args.args:
        return None
    outside = [n for n in _own_nodes(factory) if not _within(n, inner)]
    if any(isinstance(n, ast.Name) and n.id == params[0] for n in outside):
        return None  # the factory itself reads the frame (a statistic over all rows)
    reads = _Reads(functions)
    try:
        _visit(_Scope(inner, frozenset(params), frozenset({inner.args.args[0].arg})), reads)
    except _Unknown:
        return None
    common = set.intersection(*reads.keys) - reads.written if reads.keys else set()
    return sorted(common) or None


def _returned_function(factory: ast.FunctionDef) -> ast.FunctionDef | ast.Lambda | None:
    nested = {s.name: s for s in factory.body if isinstance(s, ast.FunctionDef)}
    returns = [s for s in factory.body if isinstance(s, ast.Return)]
    if len(returns) != 1 or returns[0].value is None:
        return None
    value = returns[0].value
    if isinstance(value, ast.Lambda):
        return value
    return nested.get(value.id) if isinstance(value, ast.Name) else None


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(node) if n is not node]


def _within(node: ast.AST, outer: ast.AST) -> bool:
    return any(n is node for n in ast.walk(outer))


def _visit(scope: _Scope, reads: _Reads) -> None:
    consumed: set[int] = set()
    for node in ast.walk(scope.node):
        if isinstance(node, ast.Call):
            _follow(node, scope, reads, consumed)
        selected = _selection(node, scope)
        if selected is not None:
            reads.keys.append(selected[0])
            consumed |= {id(n) for n in selected[1]}
        _writes(node, scope, reads)
    for node in ast.walk(scope.node):
        if isinstance(node, ast.Name) and node.id in scope.frames and id(node) not in consumed:
            raise _Unknown(node.id)


def _follow(call: ast.Call, scope: _Scope, reads: _Reads, consumed: set[int]) -> None:
    """A helper of the script given the frame or the row: its parameters take their roles."""
    helper = reads.functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
    if helper is None or call.keywords:
        return
    params = [a.arg for a in helper.args.args]
    frames, rows = set(), set()
    for param, arg in zip(params, call.args, strict=False):
        if isinstance(arg, ast.Name) and arg.id in scope.frames:
            frames.add(param)
            consumed.add(id(arg))
        elif isinstance(arg, ast.Name) and arg.id in scope.rows:
            rows.add(param)
    if not frames and not rows:
        return
    key = (helper.name, frozenset(frames), frozenset(rows))
    if key not in reads.seen:
        reads.seen.add(key)
        _visit(_Scope(helper, key[1], key[2]), reads)


def _selection(node: ast.AST, scope: _Scope) -> tuple[set[str], list[ast.Name]] | None:
    """`frame[mask]`, `frame.loc[mask]`, `frame.loc[mask, cols]`: the key columns the mask
    requires to equal the row's, and the frame names it consumes."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.ctx, ast.Load):
        return None
    base, mask = node.value, node.slice
    if isinstance(base, ast.Attribute) and base.attr == "loc":
        base = base.value
        mask = mask.elts[0] if isinstance(mask, ast.Tuple) and mask.elts else mask
    if not (isinstance(base, ast.Name) and base.id in scope.frames):
        return None
    if _column(node, scope.frames) is not None:
        return None  # `frame["c"]`: a whole column, not a selection
    keys, names = set(), [base]
    for term in _conjuncts(mask):
        found = _comparison(term, scope)
        if found is None:
            raise _Unknown("a mask that is not a conjunction of comparisons")
        key, frame_name = found
        names += [frame_name] if frame_name is not None else []
        keys |= {key} if key is not None else set()
    return keys, names


def _conjuncts(mask: ast.AST) -> list[ast.AST]:
    if isinstance(mask, ast.BinOp) and isinstance(mask.op, ast.BitAnd):
        return _conjuncts(mask.left) + _conjuncts(mask.right)
    return [mask]


def _comparison(term: ast.AST, scope: _Scope) -> tuple[str | None, ast.Name | None] | None:
    """(key, frame name) for `frame.c <op> x`; the key when it is `frame.k == row.k`."""
    if not (isinstance(term, ast.Compare) and len(term.ops) == 1):
        return None
    left, right = term.left, term.comparators[0]
    if _column(right, scope.frames) is not None:
        left, right = right, left
    column = _column(left, scope.frames)
    if column is None or _mentions(right, scope.frames):
        return None if column is not None or _mentions(term, scope.frames) else (None, None)
    same = isinstance(term.ops[0], ast.Eq) and _column(right, scope.rows, row=True) == column
    return (column if same else None), _frame_name(left)


def _column(node: ast.AST, names: frozenset[str], row: bool = False) -> str | None:
    """`c` for `name.c` or `name["c"]` with `name` one of `names`; of a row also `name.loc["c"]`
    (of a frame that is a row by its label)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id in names and node.attr not in ("loc", "at") else None
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)):
        return None
    base = node.value
    if row and isinstance(base, ast.Attribute) and base.attr in ("loc", "at"):
        base = base.value
    if isinstance(base, ast.Name) and base.id in names and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _frame_name(node: ast.AST) -> ast.Name:
    return next(n for n in ast.walk(node) if isinstance(n, ast.Name))


def _mentions(node: ast.AST, names: frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _writes(node: ast.AST, scope: _Scope, reads: _Reads) -> None:
    """Columns written into the row (they may not serve as the key), and rebindings of the
    row's name, allowed to a followed helper's result that returns its row."""
    if not isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        column = _column(target, scope.rows, row=True)
        if column is not None:
            reads.written.add(column)
        elif isinstance(target, ast.Name) and target.id in scope.rows:
            if not _returns_row(node.value, scope, reads):
                raise _Unknown(f"the row's name {target.id} rebound")
        elif _mentions(target, scope.rows):
            raise _Unknown("a write into the row that is not one column")


def _returns_row(value: ast.AST | None, scope: _Scope, reads: _Reads) -> bool:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):  # `row.copy()`
        return value.func.attr == "copy" and _is_name(value.func.value, scope.rows)
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return False
    helper = reads.functions.get(value.func.id)
    if helper is None:
        return False
    params = [a.arg for a in helper.args.args]
    given = [p for p, a in zip(params, value.args, strict=False) if _is_name(a, scope.rows)]
    returns = [n for n in ast.walk(helper) if isinstance(n, ast.Return)]
    return bool(returns) and all(_is_name(r.value, frozenset(given)) for r in returns)


def _is_name(node: ast.AST | None, names: frozenset[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


# ---- the rule ---------------------------------------------------------------------------------


class LookupRules:
    """Mixed into `FrameLifter`; uses its graph, functions, emit, note and input_var."""

    def rows_by_group(self, node: Any, statement: ast.stmt | None) -> str | None:
        """`apply_rows_by_group` for `df.apply(make(df), axis=1)` or
        `df.apply(lambda row: f(row, df), axis=1)` rewriting whole rows, else None."""
        call = _apply_call(statement)
        if call is None or not isinstance(call.func.value, ast.Name):
            return None
        frame, made = call.func.value.id, call.args[0]
        factory, code = self._factory(node, frame, made)
        if factory is None:
            return None
        key = lookup_key(factory, self.functions.defs)
        columns = self.graph.frame_input(node).columns
        key = key if key is not None and all(k in columns for k in key) else None
        base = self.input_var(node)
        over = f"the rows sharing its {', '.join(key)}" if key else "the whole frame"
        self.note(node, f"rows rewritten by a row function reading {over} (apply_rows_by_group)")
        return self.emit(node, f"{base}.apply_rows_by_group({code}, key={key!r})", base)

    def _factory(self, node: Any, frame: str, made: ast.expr) -> tuple[ast.FunctionDef | None, str]:
        """The factory of the row function, as syntax to analyse and as code to emit."""
        described = node.arg(0, "func")
        function = described.get("function") if isinstance(described, dict) else None
        if not isinstance(function, dict):
            return None, ""
        if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) and not made.keywords:
            name = made.func.id
            same = len(made.args) == 1 and _is_name(made.args[0], frozenset({frame}))
            closure = str(function.get("name", "")).split(".")[0] == name
            if same and closure and name in self.functions.defs:
                return self.functions.defs[name], name
            return None, ""
        lam = self.functions.lambda_over(described, frame) if isinstance(made, ast.Lambda) else None
        if lam is None:
            return None, ""
        factory = ast.FunctionDef(
            name="_rows", args=_params(frame), body=[ast.Return(lam)], decorator_list=[]
        )
        return factory, f"lambda {frame}: {ast.unparse(lam)}"


def _apply_call(statement: ast.stmt | None) -> ast.Call | None:
    """The `frame.apply(f, axis=1)` call of the statement (the only one)."""
    nodes = ast.walk(statement) if statement is not None else ()
    calls = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    calls = [c for c in calls if c.func.attr == "apply" and c.args]
    return calls[0] if len(calls) == 1 else None


def _params(name: str) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[], args=[ast.arg(name)], kwonlyargs=[], kw_defaults=[], defaults=[]
    )
