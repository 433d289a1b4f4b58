"""What the lifting rules share: the error, frames and row contexts, names, and AST patterns.

The patterns recognise how messy scripts spell things (a raw line, a blank-line check, a JSON
record, a one-hot flag loop, an if/elif ladder assigning one target, ...) and the small rewrites of
expressions the rules need (substituting names, folding `(a, b)[1]`). Nothing here emits code.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Any

from ..oracle import static
from ..oracle.static import identifier


class Unsupported(Exception):
    """A statement the lifter has no rule for."""

    def __init__(self, node: ast.AST, why: str) -> None:
        super().__init__(f"line {getattr(node, 'lineno', '?')}: {why}")
        self.line = getattr(node, "lineno", None)


@dataclass
class Rel:
    """A frame in the generated code: positional columns (lists of rows) or a keyed table (dicts)."""

    var: str
    columns: list[str]
    key: str | None = None
    value: list[str] | None = None
    scalar_value: bool = False
    aligned: tuple[str, str, str] | None = None
    records: bool = False


@dataclass
class Ctx:
    """A row context: the frame being iterated and the Python names bound to its columns."""

    rel: Rel
    row_var: str | None
    names: dict[str, str] = field(default_factory=dict)
    positional: list[str] | None = None
    pending: list[tuple[str, ast.AST, ast.AST]] = field(default_factory=list)
    locals: set[str] = field(default_factory=set)
    records: dict[str, dict[str, str]] = field(default_factory=dict)
    collected: dict[str, list[str]] = field(default_factory=dict)
    frame: str | None = None
    index_var: str | None = None
    same_rows: bool = True
    updated: set[str] = field(default_factory=set)
    raw: str | None = None
    whole_rows: set[str] = field(default_factory=set)
    vectors: dict[str, list[ast.AST]] = field(default_factory=dict)
    lookups: dict[str, str] = field(default_factory=dict)
    joins: dict[str, dict[str, str]] = field(default_factory=dict)
    matches: dict[str, tuple[str, str]] = field(default_factory=dict)
    own: tuple[str, str] | None = None
    previous: dict[str, tuple[str, ast.AST]] = field(default_factory=dict)
    records_built: dict[str, Any] = field(default_factory=dict)
    narrowed: int = 0  # steps so far that may have dropped rows (filters, inner joins, dedup)


STRIPS = ("strip", "rstrip", "lstrip")


def is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def lookup_defaults(default: ast.AST, n: int, node: ast.AST) -> list[ast.AST]:
    """Per looked-up column, its default: `d.get(k, (0, ''))` gives one per tuple element."""
    if n == 1:
        return [default]
    if isinstance(default, ast.Tuple | ast.List) and len(default.elts) == n:
        return list(default.elts)
    if static.literal(default) is None:
        return [default] * n  # None, or one value for every field
    raise Unsupported(node, f"a lookup default that does not give {n} fields")


CONSTRUCTORS = frozenset(
    {"date", "datetime", "timedelta", "datetime.date", "datetime.datetime", "datetime.timedelta"}
    | {"pd.Timestamp", "pd.Timedelta", "np.datetime64", "re.compile", "frozenset", "set", "tuple"}
)


ARRAY_BUILDERS = frozenset(
    {"np.array", "np.asarray", "numpy.array", "list", "np.vstack", "np.stack", "numpy.vstack"}
)


def constructed(value: ast.AST) -> bool:
    """A constant built by a known constructor from literals: `date(2024, 1, 1)`."""
    return (
        isinstance(value, ast.Call)
        and static.dotted(value.func) in CONSTRUCTORS
        and all(static.literal(a) is not None for a in value.args)
        and all(static.literal(k.value) is not None for k in value.keywords)
    )


def dict_of_empty_lists(value: ast.AST) -> bool:
    return (
        isinstance(value, ast.Dict)
        and bool(value.values)
        and all(isinstance(v, ast.List) and not v.elts for v in value.values)
    )


def literal_keys(value: ast.AST) -> bool:
    """A dict display whose keys are all string literals: `{"fare": f, "deck": d}`."""
    return (
        isinstance(value, ast.Dict)
        and bool(value.keys)
        and all(k is not None and isinstance(static.literal(k), str) for k in value.keys)
    )


def folded_text(node: ast.AST) -> str | None:
    """The string an f-string, a concatenation or a literal of constants gives, else None."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.FormattedValue) and node.format_spec is None and node.conversion == -1:
        return folded_text(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = [folded_text(v) for v in node.values]
        return None if None in parts else "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = folded_text(node.left), folded_text(node.right)
        return None if left is None or right is None else left + right
    return None


class _FoldSubscripts(ast.NodeTransformer):
    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:  # noqa: N802 (ast API)
        node = self.generic_visit(node)
        index = static.literal(node.slice)
        if isinstance(node.value, ast.Tuple) and isinstance(index, int):
            return node.value.elts[index]
        return node


def fold_subscripts(node: ast.AST) -> ast.AST:
    """`(a, b)[1]` is `b`: what a sort key reads of an item once its parts are named."""
    return _FoldSubscripts().visit(copy_node(node))


def dict_iterated(node: ast.AST) -> tuple[str | None, bool]:
    """(d, whether items) of `d`, `d.keys()` or `d.items()`."""
    if isinstance(node, ast.Name):
        return node.id, False
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("keys", "items")
        and isinstance(node.func.value, ast.Name)
        and not node.args
    ):
        return node.func.value.id, node.func.attr == "items"
    return None, False


def target_names(target: ast.AST, n: int) -> list[str] | None:
    elts = [target] if n == 1 else getattr(target, "elts", [])
    names = [e.id for e in elts if isinstance(e, ast.Name)]
    return names if len(names) == n == len(elts) else None


def read_lines(value: ast.AST) -> ast.Call | None:
    """The `open(...)` call of `open(path).read().splitlines()`, `.readlines()` or
    `.read().split("\\n")`, else None."""
    node = value
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if node.func.attr == "readlines" and not node.args:
        opened = node.func.value
    elif node.func.attr in ("splitlines", "split") and isinstance(node.func.value, ast.Call):
        if (
            node.func.attr == "split"
            and static.literal(node.args[0] if node.args else None) != "\n"
        ):
            return None
        read = node.func.value
        if not (isinstance(read.func, ast.Attribute) and read.func.attr == "read"):
            return None
        opened = read.func.value
    else:
        return None
    return opened if isinstance(opened, ast.Call) and static.dotted(opened.func) == "open" else None


def several_empty_dicts(target: ast.AST, value: ast.AST) -> bool:
    """`a, b = {}, {}`: several empty dicts, filled by a loop later."""
    return (
        isinstance(target, ast.Tuple)
        and isinstance(value, ast.Tuple)
        and len(target.elts) == len(value.elts)
        and all(isinstance(e, ast.Name) for e in target.elts)
        and all(isinstance(v, ast.Dict) and not v.keys for v in value.elts)
    )


def partition_body(body: list[ast.stmt]) -> tuple[list[ast.stmt], ast.For | None]:
    """The statements before the loop over one file's lines, and that loop (a `with open(...)`
    around it is the file being read)."""
    before: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.With) and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.For):
            return before, stmt.body[0]
        if isinstance(stmt, ast.For) and reads_a_file(stmt.iter):
            return before, stmt
        before.append(stmt)
    return before, None


def reads_a_file(node: ast.AST) -> bool:
    """`open(...)`, `csv.reader(open(...))` or a handle bound by a surrounding `with`."""
    return any(isinstance(n, ast.Call) and static.dotted(n.func) == "open" for n in ast.walk(node))


def filled_vectors(loop: ast.For, names: set[str]) -> set[str]:
    """The row-local vectors or scratch lists a loop only appends to or indexes into."""
    filled = set()
    for stmt in ast.walk(loop):
        if isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute):
            if stmt.func.attr in ("append", "extend") and isinstance(stmt.func.value, ast.Name):
                filled.add(stmt.func.value.id)
        if isinstance(stmt, ast.Subscript) and isinstance(stmt.ctx, ast.Store):
            filled.add(getattr(stmt.value, "id", ""))
    return filled if filled and filled <= names else set()


def is_columns_of(node: ast.AST, env: dict[str, Rel]) -> bool:
    """`df.columns` of a frame whose columns the lifter knows."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "columns"
        and isinstance(node.value, ast.Name)
        and node.value.id in env
    )


def call_of(function: str, argument: ast.AST) -> ast.Call:
    return ast.Call(func=ast.parse(function, mode="eval").body, args=[argument], keywords=[])


def is_empty_set(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and static.dotted(node.func) == "set" and not node.args


def whole_row(node: ast.AST) -> ast.AST | None:
    """`row` of `tuple(row)`: the row as one hashable value."""
    if isinstance(node, ast.Call) and static.dotted(node.func) == "tuple" and len(node.args) == 1:
        return node.args[0]
    return None


def is_seen_add(call: ast.Call, seen_sets: set[str]) -> bool:
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "add"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in seen_sets
    )


def is_name(node: ast.AST, name: str | None) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name


def splits_line(value: ast.AST, ctx: Ctx) -> bool:
    """`line.strip().split(',')`: the line itself split into fields (not a field split into words)."""
    return is_split(value, ctx) and (
        is_raw(value.func.value, ctx.raw) or is_raw(value.func.value, ctx.row_var)
    )


def is_raw(node: ast.AST, raw: str | None) -> bool:
    """The raw line, possibly stripped: `line`, `line.strip()`, `line.rstrip('\\n')`."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in STRIPS
    ):
        node = node.func.value
    return is_name(node, raw)


def is_json_record(node: ast.AST, raw: str | None) -> bool:
    return (
        isinstance(node, ast.Call)
        and static.dotted(node.func) in ("json.loads", "loads")
        and len(node.args) == 1
        and is_raw(node.args[0], raw)
    )


def is_blank_check(test: ast.AST, raw: str | None) -> bool:
    """`not line`, `not line.strip()`, `line == ''`: a test for a blank line."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return is_raw(test.operand, raw)
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and is_raw(test.left, raw)
        and static.literal(test.comparators[0]) == ""
    )


def free_names(node: ast.AST) -> set[str]:
    """Names an expression reads that it does not bind itself (lambda and comprehension variables)."""
    bound = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    bound |= {a.arg for n in ast.walk(node) if isinstance(n, ast.Lambda) for a in n.args.args}
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return read - bound


def param_name(node: ast.AST, col: str) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return identifier(col, set())


def copy_node(node: ast.AST) -> ast.AST:
    return ast.parse(ast.unparse(node), mode="eval").body


def column_hint(node: ast.AST, default: str) -> str:
    """A readable column name: the variable's or field's, a cast one's (`int(score)`,
    `float(r["fare"])`), or the function's."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(static.literal(node.slice), str):
        return static.literal(node.slice)
    if not isinstance(node, ast.Call):
        return default
    func = static.dotted(node.func)
    if node.args and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    if node.args and func in CASTS and column_hint(node.args[0], ""):
        return column_hint(node.args[0], "")
    return func.rsplit(".", 1)[-1] if func not in ("", *CASTS) else default


CASTS = ("int", "float", "str", "bool")


def literal_elements(node: ast.AST) -> Any:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return node.elts
    if isinstance(node, ast.Dict):
        return node.keys
    return None


def target_name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def ends_in_continue(body: list[ast.stmt]) -> bool:
    """`if cond: continue`, possibly after a print or a counter such as `skipped += 1`."""
    side_effects = ast.Continue | ast.Expr | ast.AugAssign | ast.Pass
    return (
        bool(body)
        and isinstance(body[-1], ast.Continue)
        and all(isinstance(s, side_effects) for s in body)
    )


def ladder_target(stmt: ast.If) -> ast.AST | None:
    """The one target every branch of an if/elif/else ladder assigns, or None."""
    branches = [stmt.body] + ([stmt.orelse] if stmt.orelse else [])
    targets = set()
    for branch in branches:
        if len(branch) != 1:
            return None
        inner = branch[0]
        if isinstance(inner, ast.If):
            found = ladder_target(inner)
        elif isinstance(inner, ast.Assign) and len(inner.targets) == 1:
            found = inner.targets[0]
        else:
            return None
        if found is None or isinstance(found, ast.Tuple):
            return None
        targets.add(ast.unparse(found))
    return found if len(targets) == 1 else None


def ladder_complete(stmt: ast.If) -> bool:
    """Every branch of the ladder assigns (it ends in an `else`)."""
    if not stmt.orelse:
        return False
    inner = stmt.orelse[0]
    return ladder_complete(inner) if isinstance(inner, ast.If) else True


def ladder_value(stmt: ast.If, target: ast.AST) -> ast.AST:
    def value(branch: list[ast.stmt]) -> ast.AST:
        if not branch:
            return ast.parse(ast.unparse(target), mode="eval").body
        inner = branch[0]
        return ladder_value(inner, target) if isinstance(inner, ast.If) else inner.value

    return ast.IfExp(test=stmt.test, body=value(stmt.body), orelse=value(stmt.orelse))


def flatten_concat(value: ast.AST) -> list[ast.AST]:
    """`[a, b] + extra` as its elements: a, b, extra."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return flatten_concat(value.left) + flatten_concat(value.right)
    if isinstance(value, ast.Tuple | ast.List):
        return list(value.elts)
    return [value]


def fold_flag_loops(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """`flag = False; for x in XS: if cond: flag = True` is `flag = any(cond for x in XS)` (idiom: flag loop)."""
    out: list[ast.stmt] = []
    for stmt in stmts:
        folded = flag_loop(out[-1], stmt) if out else None
        if folded is not None:
            out[-1] = folded
        else:
            out.append(stmt)
    return out


def flag_loop(first: ast.stmt, loop: ast.stmt) -> ast.stmt | None:
    if not (
        isinstance(first, ast.Assign)
        and isinstance(first.targets[0], ast.Name)
        and isinstance(loop, ast.For)
    ):
        return None
    start = static.literal(first.value)
    body = [s for s in loop.body if not isinstance(s, ast.Break)]
    if (
        start not in (True, False)
        or len(body) != 1
        or not isinstance(body[0], ast.If)
        or body[0].orelse
    ):
        return None
    inner = [s for s in body[0].body if not isinstance(s, ast.Break)]
    if (
        len(inner) != 1
        or not isinstance(inner[0], ast.Assign)
        or static.literal(inner[0].value) is not (not start)
    ):
        return None
    if ast.unparse(inner[0].targets[0]) != first.targets[0].id:
        return None
    gen = ast.GeneratorExp(
        elt=body[0].test,
        generators=[ast.comprehension(target=loop.target, iter=loop.iter, ifs=[], is_async=0)],
    )
    call = ast.Call(
        func=ast.Name(id="any" if start is False else "all", ctx=ast.Load()),
        args=[gen],
        keywords=[],
    )
    if start is True:
        call.args[0].elt = ast.UnaryOp(op=ast.Not(), operand=body[0].test)
    return ast.fix_missing_locations(
        ast.copy_location(ast.Assign(targets=first.targets, value=call), first)
    )


def is_split(value: ast.AST, ctx: Ctx) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "split"
    )


def is_range_loop(loop: ast.For) -> bool:
    return isinstance(loop.iter, ast.Call) and static.dotted(loop.iter.func) in (
        "range",
        "enumerate",
    )


def reads_any(node: ast.AST, env: dict[str, Rel]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in env for n in ast.walk(node))


def subscript_base(node: ast.Subscript) -> str | None:
    return node.value.id if isinstance(node.value, ast.Name) else None


def located_base(node: ast.Subscript) -> str | None:
    """`df` of `df.loc[mask, 'c']` / `df.at[i, 'c']`."""
    value = node.value
    if isinstance(value, ast.Attribute) and value.attr in ("loc", "at"):
        return value.value.id if isinstance(value.value, ast.Name) else None
    return None


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: dict[str, ast.AST]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast API)
        if isinstance(node.ctx, ast.Load) and node.id in self.values:
            return ast.copy_location(copy.deepcopy(self.values[node.id]), node)
        return node


def substitute(node: ast.AST, values: dict[str, ast.AST]) -> ast.AST:
    """A copy of `node` with the named values in place of those names."""
    return ast.fix_missing_locations(_Substitute(values).visit(copy.deepcopy(node)))
