"""Functions of the script called as whole top-level statements, inlined (idiom: main function).

Tutorial and course code puts the pipeline in `def main()`, called under the main guard, and
splits it into functions called one after another: `rows = load_rows(path)`, `X, y =
build_features(rows, vocab)`. A reader of the top-level statements sees one call. A call that
is a whole statement, `main()` or `target = f(args)`, is replaced by the function's body, as
`methods` does for methods of script classes: parameters bound to the arguments (defaults where
none is given), locals renamed apart, a branch made constant by the substitution decided, and
the returned value assigned to the call's target. The body keeps its own lines, so the stages,
the trail and every error name the lines of the original. Calls inside expressions, loops and
comprehensions stay calls: a row helper (`to_float(v)`) runs once per row where it is called.
Functions that open files are left to `inline` (reader functions), which runs after this.
"""

from __future__ import annotations

import ast
import copy

from .inline import opens_files
from .methods import (
    MAX_DEPTH,
    bind,
    distributed,
    is_docstring,
    local_names,
    plain,
    returned,
    substituted,
)
from .static import fresh_name


def inline_procedures(tree: ast.Module) -> tuple[ast.Module, list[str]]:
    """The module with whole-statement calls of its plain functions inlined, level by level."""
    functions = {
        f.name: f
        for f in tree.body
        if isinstance(f, ast.FunctionDef) and plain(f) and not opens_files(f)
    }
    if not functions:
        return tree, []
    taken = _module_names(tree)
    notes: list[str] = []
    body = list(tree.body)
    for _ in range(MAX_DEPTH):
        body, inlined = _one_level(body, functions, taken)
        if not inlined:
            break
        notes += inlined
    if not notes:
        return tree, []
    return ast.fix_missing_locations(ast.Module(body=body, type_ignores=[])), notes


def _module_names(tree: ast.Module) -> set[str]:
    """Names an inlined body must not take: those of the top-level statements, the functions
    and classes, and the globals each function reads."""
    defs = [s for s in tree.body if isinstance(s, ast.FunctionDef | ast.ClassDef)]
    names = {s.name for s in defs}
    for stmt in tree.body:
        if stmt not in defs:
            names |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    for function in (s for s in defs if isinstance(s, ast.FunctionDef)):
        read = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        names |= read - local_names(function, first=0)
    return names


def _one_level(
    body: list[ast.stmt], functions: dict[str, ast.FunctionDef], taken: set[str]
) -> tuple[list[ast.stmt], list[str]]:
    out: list[ast.stmt] = []
    notes: list[str] = []
    for stmt in body:
        call = _whole_call(stmt)
        function = functions.get(call.func.id) if call is not None else None
        inlined = _inlined(function, call, stmt, taken) if function is not None else None
        if inlined is None:
            out.append(stmt)
            continue
        out += inlined
        notes.append(f"line {stmt.lineno}: {ast.unparse(call)} inlined (function of the script)")
    return out, notes


def _whole_call(stmt: ast.stmt) -> ast.Call | None:
    """The call a statement is made of: `f(...)` alone, or the value of `target = f(...)`."""
    whole = isinstance(stmt, ast.Expr) or isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
    value = stmt.value if whole else None
    return value if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None


def _inlined(
    function: ast.FunctionDef, call: ast.Call, stmt: ast.stmt, taken: set[str]
) -> list[ast.stmt] | None:
    """The function's statements for this call, its result assigned to the statement's target;
    None when that is not plain substitution."""
    bound = bind(function, call, first=0)
    if bound is None or _shadowed(function):
        return None
    body = [copy.deepcopy(s) for s in function.body if not is_docstring(s)]
    if not body:
        return None
    body = substituted(function, body, bound, taken, stmt, first=0, fresh=fresh_name)
    if isinstance(stmt, ast.Expr):  # a procedure: what it returns is not used
        return body[:-1] if isinstance(body[-1], ast.Return) else body
    result = fresh_name(f"{function.name}_result", taken)
    tail = ast.copy_location(
        ast.Assign(targets=stmt.targets, value=ast.Name(id=result, ctx=ast.Load())), stmt
    )
    return distributed(returned(body, result, function), tail)


def _shadowed(function: ast.FunctionDef) -> bool:
    """Whether a lambda in the function has a parameter named like one of its locals (the
    renaming apart would rename the parameter's uses but not the parameter)."""
    names = local_names(function, first=0)
    return any(
        a.arg in names for n in ast.walk(function) if isinstance(n, ast.Lambda) for a in n.args.args
    )
