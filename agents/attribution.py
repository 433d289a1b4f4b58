"""Which lines of the original each step's prompt shows: the analysis' stage lines, followed into
the functions and methods the script calls.

The analysis slices backward from the final fit through the script's top-level statements, which
is what the lifter interprets. Scripts that do their work in functions (`main()` under
`if __name__ == "__main__":`), class methods or nested helpers then get their whole `def` as one
statement, or nothing, and the model was sent to the whole script. Here the slice runs in the
scope that holds the fit (the function's body, after the module-level statements before it), and
every line that calls a function or method of the script gives that function's body to the same
stage, transitively: a helper called only from feature lines is feature encoding, one called from
both feature and label lines is data preparation. Read from the syntax tree, then corrected
by the executed dataflow where it saw the lines (`with_trace`): the trace follows what the syntax
cannot, a frame kept in an attribute or a tuple a method returns.
"""

from __future__ import annotations

import ast

from .oracle import dataflow, slicing, static
from .oracle import definitions as defs

SHARED = "data_preparation"
SIDES = ("features", "label")


def attributed(tree: ast.Module, fit_line: int | None, stages: dict[str, list[int]]) -> dict:
    """The stages' lines with the fit's scope sliced and the called functions' bodies added; the
    analysis' `stages` when the fit is at the top level and nothing it reaches calls a helper."""
    if not fit_line:
        return stages
    scope = _scope(tree, fit_line)
    if scope is not None:
        stages = _with_callers(tree, scope, fit_line, slicing.stage_lines(scope, fit_line))
    functions = script_functions(tree)
    reached = {
        stage: _reach(tree, set(lines) - _whole_classes(tree, lines), functions)
        for stage, lines in stages.items()
    }
    built = _estimator_attribute(tree, fit_line)
    features, label = (reached.get(s, set()) for s in SIDES)
    both = features & label
    out = {stage: sorted(lines - both - built) for stage, lines in reached.items()}
    out[SHARED] = sorted((reached.get(SHARED, set()) | both) - built)
    out["model"] = sorted(reached.get("model", set()) | built)
    return out


def with_trace(stages: dict[str, list[int]], dag: dict | None, fit_line: int | None) -> dict:
    """The stages with the executed dataflow's lines: a line whose operations the fit's X and y
    were both computed from is preparation, one behind only X features, one behind only y the
    label. The slice cannot follow a frame kept in an attribute (`self.df`) or a tuple a method
    returns; the trace follows both. Where one side's history passes through a value made
    outside pandas (a hand loop), a line behind only the other side may still feed it: such a
    line keeps the slice's stage, or is preparation where the slice had none."""
    if not dag or dag.get("X") is None or dag.get("y") is None:
        return stages
    nodes = dag["nodes"]
    behind = {
        side: dataflow.ancestors(dag, [dag[key]]) for side, key in zip(SIDES, "Xy", strict=True)
    }
    complete = {s: all(nodes[i]["op"] != "opaque" for i in ids) for s, ids in behind.items()}
    lines = {s: {nodes[i].get("line") for i in ids} - {None, fit_line} for s, ids in behind.items()}
    both = lines["features"] & lines["label"]
    out = {stage: set(found) for stage, found in stages.items()}
    placed = set().union(*out.values())
    for side, other in (("features", "label"), ("label", "features")):
        sure = complete[other]
        for line in lines[side] - both:
            if sure or line not in placed:
                _move(out, line, side if sure else SHARED)
    for line in both:
        _move(out, line, SHARED)
    return {stage: sorted(found) for stage, found in out.items()}


def _move(stages: dict[str, set[int]], line: int, stage: str) -> None:
    for found in stages.values():
        found.discard(line)
    stages.setdefault(stage, set()).add(line)


def _with_callers(
    tree: ast.Module, scope: ast.Module, fit_line: int, stages: dict[str, list[int]]
) -> dict[str, list[int]]:
    """A fit inside a function whose X and y come in as parameters (`def cross_validate(x, y,
    model)`): the callers' lines that compute those arguments, split as the fit's are (lines
    feeding both sides are preparation); the lines building an estimator passed in are the
    model's."""
    function = _holders(tree.body, fit_line)[-1]
    method = _is_method(tree, function)
    params = [a.arg for a in function.args.args][1 if method else 0 :]  # `self` is the receiver
    call = slicing.fit_call(tree, fit_line)
    arguments = [_names(a) for a in call.args[:2]] if call else []
    sides = {}
    for side, names in zip(SIDES, arguments, strict=False):  # each side's own argument
        lines = slicing.backward_slice(scope, names, fit_line)
        sides[side] = (defs.names_read(tree, lines) | names) & set(params)
    receiver = call.func.value if call and isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name) and receiver.id in params:  # the estimator comes in too
        sides["model"] = {receiver.id}
    found: dict[str, set[int]] = {"features": set(), "label": set(), "model": set()}
    for call in static.calls(tree):
        if called_name(call) != (method, function.name):
            continue
        caller = _scope(tree, call.lineno) or tree
        bound = dict(zip(params, call.args, strict=False))
        bound.update({k.arg: k.value for k in call.keywords if k.arg})
        for side, out in found.items():
            names = {n for p in sides.get(side, ()) if p in bound for n in _names(bound[p])}
            out |= slicing.backward_slice(caller, names, call.lineno) if names else set()
    x_lines, y_lines = found["features"], found["label"]
    both = x_lines & y_lines
    out = {k: set(v) for k, v in stages.items()}
    out[SHARED] = out.get(SHARED, set()) | both
    out["features"] = out.get("features", set()) | (x_lines - both)
    out["label"] = out.get("label", set()) | (y_lines - both)
    out["model"] = out.get("model", set()) | (found["model"] - x_lines - y_lines)
    return {k: sorted(v) for k, v in out.items()}


def _is_method(tree: ast.Module, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(c, ast.ClassDef) and any(s is function for s in c.body) for c in ast.walk(tree)
    )


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _scope(tree: ast.Module, fit_line: int) -> ast.Module | None:
    """The statements a slice from a fit inside a function must see: the module-level statements
    before the outermost function holding the fit (not other definitions), then the innermost
    function's body. None for a fit at the top level."""
    chain = _holders(tree.body, fit_line)
    if not chain:
        return None
    outer = chain[0]
    before = [
        s for s in tree.body if s.lineno < outer.lineno and not isinstance(s, _DEFS + (ast.Import,))
    ]
    return ast.Module(body=[*before, *chain[-1].body], type_ignores=[])


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _holders(body: list[ast.stmt], line: int) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions (methods included) whose bodies hold `line`, outermost first."""
    for stmt in body:
        if not stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            return [stmt, *_holders(stmt.body, line)]
        if isinstance(stmt, ast.ClassDef):
            return _holders(stmt.body, line)
        return _holders([s for block in static.blocks(stmt) for s in block], line)
    return []


def script_functions(tree: ast.Module) -> dict[tuple[bool, str], list]:
    """Every function of the script under the call that reaches it: `(False, name)` for a
    function or nested helper (`name(...)`) and for a class (`Name(...)` runs its `__init__`),
    `(True, name)` for a method (`obj.name(...)`)."""
    found: dict[tuple[bool, str], list] = {}
    methods = {id(s) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for s in c.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _stub(node):
            found.setdefault((id(node) in methods, node.name), []).append(node)
        elif isinstance(node, ast.ClassDef):
            inits = [s for s in node.body if getattr(s, "name", None) == "__init__"]
            found.setdefault((False, node.name), []).extend(inits)
    return found


def _whole_classes(tree: ast.Module, lines: list[int]) -> set[int]:
    """The lines of the classes a stage holds whole. The slice keeps a class whole where its
    name is read (`VisitorForecaster(path)`); the stage gets the bodies of the methods its lines
    call instead."""
    return {
        n
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef) and c.lineno in lines
        for n in range(c.lineno, (c.end_lineno or c.lineno) + 1)
    }


def _estimator_attribute(tree: ast.Module, fit_line: int) -> set[int]:
    """The statements of the fit's class that set the attribute it fits (`self.model.fit(X,
    y)`): the model is built in `__init__` (`self.model = GradientBoostingRegressor(...)`)."""
    call = slicing.fit_call(tree, fit_line)
    receiver = (
        static.dotted(call.func.value) if call and isinstance(call.func, ast.Attribute) else ""
    )
    owners = [
        c
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef) and c.lineno <= fit_line <= (c.end_lineno or c.lineno)
    ]
    if "." not in receiver or not owners:
        return set()
    return {
        n
        for stmt in ast.walk(owners[-1])
        if isinstance(stmt, ast.Assign) and receiver in map(static.dotted, stmt.targets)
        for n in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
    }


def _stub(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An abstract method's body (`pass`, `...`, a docstring, `raise NotImplementedError`): a
    call by its name runs a subclass's method, not this one."""
    body = [
        s
        for s in function.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if not body:
        return True
    if len(body) > 1:
        return False
    only = body[0]
    if isinstance(only, ast.Raise):
        raised = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return isinstance(only, ast.Pass)


def _reach(tree: ast.Module, lines: set[int], functions: dict[tuple[bool, str], list]) -> set[int]:
    """The lines and the bodies of the script's functions they call, transitively."""
    out, seen = set(lines), set()
    todo = [c for c in static.calls(tree) if c.lineno in lines]
    while todo:
        call = todo.pop()
        for function in functions.get(called_name(call), []):
            if id(function) in seen:
                continue
            seen.add(id(function))
            body = range(function.body[0].lineno, (function.end_lineno or function.lineno) + 1)
            out.update([function.lineno, *body])
            todo += [c for s in function.body for c in static.calls(s)]
    return out


def called_name(call: ast.Call) -> tuple[bool, str] | None:
    if isinstance(call.func, ast.Name):
        return False, call.func.id
    if isinstance(call.func, ast.Attribute):
        return True, call.func.attr
    return None
