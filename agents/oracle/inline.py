"""Helper functions that read a file, inlined where they are called (idiom: reader function).

`rows = read_table("data/x.csv")`, with `def read_table(path): with open(path) as fh: ...; return
[...]`, is the function's body with `path` bound to the argument and the returned value assigned
to a fresh name, placed before the statement that called it. The lifter then sees the reading
loop itself. The inlined statements carry the calling line's number, so the trail and any error
point at the call. A function is inlined only when that is plain substitution: positional
parameters, one `return` at the end of its body (possibly inside a `with`), no nested functions,
no `global`, `yield` or early exits.
"""

from __future__ import annotations

import ast
import copy

from . import static
from .static import identifier


def inline_readers(tree: ast.Module) -> tuple[ast.Module, list[str]]:
    """The module with every call of a file-reading helper inlined, and a note per inlined call.

    The inlined functions leave the module: the generated pipeline must not read files besides
    its sources."""
    readers = {
        f.name: f for f in tree.body if isinstance(f, ast.FunctionDef) and _inlinable_reader(f)
    }
    if not readers:
        return tree, []
    body: list[ast.stmt] = []
    notes: list[str] = []
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name in readers:
            continue
        inliner = _Inliner(readers, taken, stmt)
        stmt = inliner.visit(stmt)
        body += inliner.before + [stmt]
        notes += inliner.notes
    module = ast.Module(body=body, type_ignores=[])
    return ast.fix_missing_locations(module), notes


class _Inliner(ast.NodeTransformer):
    """Replaces reader calls in one top-level statement by names bound by inlined bodies."""

    def __init__(self, readers: dict[str, ast.FunctionDef], taken: set[str], stmt: ast.stmt):
        self.readers, self.taken, self.stmt = readers, taken, stmt
        self.before: list[ast.stmt] = []
        self.notes: list[str] = []

    def visit_Call(self, call: ast.Call) -> ast.AST:  # noqa: N802 (ast API)
        call = self.generic_visit(call)
        name = call.func.id if isinstance(call.func, ast.Name) else None
        function = self.readers.get(name)
        if function is None or call.keywords or len(call.args) != len(function.args.args):
            return call
        result = identifier(f"{name}_rows", self.taken)
        self.before += _inlined(function, call.args, result, self.taken, self.stmt)
        self.notes.append(f"line {self.stmt.lineno}: {ast.unparse(call)} inlined (reader function)")
        return ast.copy_location(ast.Name(id=result, ctx=ast.Load()), call)


def _inlined(
    function: ast.FunctionDef, args: list[ast.expr], result: str, taken: set[str], at: ast.stmt
) -> list[ast.stmt]:
    """The function's body for these arguments, its return value assigned to `result`."""
    params = [a.arg for a in function.args.args]
    stored = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    renames: dict[str, ast.AST] = {
        local: ast.Name(id=identifier(local, taken), ctx=ast.Load())
        for local in stored - set(params)
    }
    binds: list[ast.stmt] = []
    for param, arg in zip(params, args, strict=True):
        if static.literal(arg) is not None or isinstance(arg, ast.Name):
            renames[param] = arg
        else:
            fresh = identifier(param, taken)
            renames[param] = ast.Name(id=fresh, ctx=ast.Load())
            binds.append(ast.Assign(targets=[ast.Name(id=fresh, ctx=ast.Store())], value=arg))
    body = [Rename(renames).visit(copy.deepcopy(s)) for s in function.body]
    body = assign_return(body, result)
    for stmt in binds + body:
        for node in ast.walk(stmt):
            ast.copy_location(node, at)
    return binds + body


class Rename(ast.NodeTransformer):
    """Names replaced by values; inside a nested function only the names it does not bind
    itself (its parameters and locals shadow the outer ones), its own name included."""

    def __init__(self, values: dict[str, ast.AST]) -> None:
        self.values = values

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:  # noqa: N802 (ast API)
        renamed = self.values.get(node.name)
        if isinstance(renamed, ast.Name):
            node.name = renamed.id
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        params = {a.arg for a in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs)}
        params |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
        stored = {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        inner = Rename({k: v for k, v in self.values.items() if k not in params | stored})
        node.body = [inner.visit(s) for s in node.body]
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast API)
        value = self.values.get(node.id)
        if value is None:
            return node
        if isinstance(node.ctx, ast.Store):
            return ast.copy_location(ast.Name(id=value.id, ctx=ast.Store()), node)
        return ast.copy_location(copy.deepcopy(value), node)


def assign_return(body: list[ast.stmt], result: str) -> list[ast.stmt]:
    last = body[-1]
    if isinstance(last, ast.With):
        last.body = assign_return(last.body, result)
        return body
    target = ast.Name(id=result, ctx=ast.Store())
    return [*body[:-1], ast.copy_location(ast.Assign(targets=[target], value=last.value), last)]


def _inlinable_reader(function: ast.FunctionDef) -> bool:
    args = function.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults:
        return False
    if function.decorator_list or not opens_files(function):
        return False
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    if len(returns) != 1 or returns[0].value is None or returns[0] is not _final(function.body):
        return False
    banned = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Global,
        ast.Nonlocal,
        ast.Yield,
        ast.Lambda,
    )
    nested = [n for n in ast.walk(function) if n is not function]
    return not any(isinstance(n, banned) for n in nested)


def _final(body: list[ast.stmt]) -> ast.stmt:
    last = body[-1]
    return _final(last.body) if isinstance(last, ast.With) else last


def opens_files(function: ast.FunctionDef) -> bool:
    """Whether the function opens or lists files (a reader, not a row-wise helper)."""
    return any(
        isinstance(n, ast.Call) and static.dotted(n.func) in ("open", "glob.glob", "glob")
        for n in ast.walk(function)
    )
