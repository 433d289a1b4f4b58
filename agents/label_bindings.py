"""The statements that make the fit's y, shown with the label step even where the analysis
gives them to the preparation (X is read from what they changed) or where they sit in a loader
that returns X and y together.

From the fit's y back through the statements binding it: a split's or shuffle's part to its own
array (`y_tr = ...split(X, y)`, `rows, labels = shuffle(rows, labels)`), a tuple's element to its
own expression, and a call of the script's own function or method into the element of its
`return` that the caller unpacks (`(x, y), test = loader.load_data()` reaches `labels =
np.array(frame["thrived"])` inside `load_data`). Read from the syntax tree only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .attribution import called_name, script_functions
from .oracle import slicing
from .oracle.static import dotted

MAX_CALL_DEPTH = 3


def y_bindings(tree: ast.Module, fit_line: int | None) -> set[int]:
    """The lines of the statements that bind the fit's y, followed as the module says."""
    _, y_name = slicing.fit_arguments(tree, fit_line) if fit_line else (None, None)
    return _walk(tree, tree, fit_line or 0, y_name, 0) if y_name else set()


def _walk(tree: ast.Module, scope: ast.Module, line: int, name: str, depth: int) -> set[int]:
    todo = [(unit, name) for unit in slicing.Slicer(scope, line).at_point.get(name, ())]
    lines: set[int] = set()
    while todo:
        unit, name = todo.pop()
        if unit.lines.start in lines:
            continue
        lines.update(unit.lines)
        stmt = _assignment(scope, unit.lines.start)
        reads = unit.parts.get(name) or _shuffled(stmt, name)
        todo += [(d, r) for r in reads for d in unit.deps.get(r, ())]
        if depth < MAX_CALL_DEPTH:
            for body, returned, element in _returned(tree, stmt, name):
                lines |= _walk(tree, body, returned, element, depth + 1)
    return lines


def _assignment(scope: ast.Module, line: int) -> ast.Assign | None:
    found = [n for n in ast.walk(scope) if isinstance(n, ast.Assign) and n.lineno == line]
    return found[0] if len(found) == 1 and len(found[0].targets) == 1 else None


def _shuffled(stmt: ast.Assign | None, name: str) -> set[str]:
    """`a, b = shuffle(x, y, ...)`: each part is its own array, reordered."""
    if stmt is None or not isinstance(stmt.value, ast.Call):
        return set()
    call, target = stmt.value, stmt.targets[0]
    if not dotted(call.func).endswith("shuffle") or not isinstance(target, ast.Tuple):
        return set()
    if len(target.elts) != len(call.args):
        return set()
    for bound, array in zip(target.elts, call.args, strict=True):
        if isinstance(bound, ast.Name) and bound.id == name:
            return {n.id for n in ast.walk(array) if isinstance(n, ast.Name)}
    return set()


def _returned(
    tree: ast.Module, stmt: ast.Assign | None, name: str
) -> Iterator[tuple[ast.Module, int, str]]:
    """For `name` bound from a call of the script's own function: each of its bodies, a
    `return` line and the name that `return` gives at `name`'s place in the target (the array
    a row cut of it is taken from)."""
    if stmt is None or not isinstance(stmt.value, ast.Call):
        return
    path = _path(stmt.targets[0], name)
    if path is None:
        return
    for function in script_functions(tree).get(called_name(stmt.value), []):
        body = ast.Module(body=function.body, type_ignores=[])
        for node in ast.walk(body):
            element = _at(node.value, path) if isinstance(node, ast.Return) else None
            if isinstance(element, ast.Subscript):  # `labels[:cut]`: the rows of `labels`
                element = element.value
            if isinstance(element, ast.Name):
                yield body, node.lineno, element.id


def _path(target: ast.AST, name: str) -> list[int] | None:
    """Where `name` sits in an unpacking target: `[0, 1]` in `(x, y), test`; `[]` for `y`."""
    if isinstance(target, ast.Name):
        return [] if target.id == name else None
    if isinstance(target, ast.Tuple | ast.List):
        for i, element in enumerate(target.elts):
            inner = _path(element, name)
            if inner is not None:
                return [i, *inner]
    return None


def _at(value: ast.AST | None, path: list[int]) -> ast.AST | None:
    for i in path:
        if not isinstance(value, ast.Tuple | ast.List) or i >= len(value.elts):
            return None
        value = value.elts[i]
    return value
