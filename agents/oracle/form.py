"""Static checks of a candidate pipeline module, run before any sandbox execution.

These are the compiler feedback of the loop: syntax, undefined names, imports the sandbox image
lacks, names outside the abstraction's API, missing stages, loops over rows in the data
preparation, and the use of the Frame API (`api_use`: methods, argument kinds, columns of the
known schemas, lambdas). Their messages go back to the proposer like a failed verification does.
"""

from __future__ import annotations

import ast
import sys
from typing import Any

from lester.abstraction.stages import KINDS
from pyflakes import api as flakes
from pyflakes import checker as flakes_checker
from pyflakes import messages as flakes_messages
from pyflakes import reporter as flakes_reporter

import lester

from .api_use import SourceFile, check_api_use

IMAGE_PACKAGES = frozenset(
    {"numpy", "pandas", "sklearn", "scipy", "lester", "joblib", "pyarrow", "dateutil"}
)
REQUIRED = ("source", "prepare", "encode", "label", "model")
ROW_LOOPS = ("iterrows", "itertuples")
BENIGN_FLAKES = ("imported but unused", "redefinition of unused", "assigned to but never used")
DATA_STAGES = ("source", "step", "prepare")


def check_form(
    source: str,
    filename: str = "candidate.py",
    *,
    files: list[SourceFile] | None = None,
    known: dict[str, list[str]] | None = None,
) -> list[str]:
    """Problems found (empty when the module looks like a well-formed Lester pipeline).

    `files` (the original's data files and their fields) and `known` (columns of frames the
    sandbox produced, by stage function) let the API check test column names."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        return [f"syntax error at line {exc.lineno}: {exc.msg}"]
    except ValueError as exc:  # a NUL byte
        return [f"not Python source: {exc}"]
    problems = _flakes(source, filename)
    problems += _imports(tree)
    problems += _api_names(tree)
    stages = _stages(tree)
    missing = [k for k in REQUIRED if k not in stages.values()]
    if missing:
        problems.append(f"missing stage(s): {', '.join('@lt.' + k for k in missing)}")
    problems += _row_loops(tree, stages)
    problems += check_api_use(tree, files, known)
    return problems


def source_files(analysis: Any) -> list[SourceFile]:
    """The analysis' data files as the API check knows them."""
    return [SourceFile(s.path, list(s.names), bool(s.header)) for s in analysis.sources]


def undefined_names(source: str) -> set[str]:
    """Names the module reads but never binds (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = flakes_checker.Checker(tree).messages
    return {m.message_args[0] for m in found if isinstance(m, flakes_messages.UndefinedName)}


class _Collect(flakes_reporter.Reporter):
    def __init__(self) -> None:
        self.messages: list[str] = []

    def unexpectedError(self, filename: str, message: str) -> None:  # noqa: N802 (pyflakes API)
        self.messages.append(str(message))

    def syntaxError(self, filename, msg, lineno, offset, text) -> None:  # noqa: N802
        self.messages.append(f"syntax error at line {lineno}: {msg}")

    def flake(self, message) -> None:
        text = message.message % message.message_args
        if not any(benign in text for benign in BENIGN_FLAKES):
            self.messages.append(f"line {message.lineno}: {text}")


def _flakes(source: str, filename: str) -> list[str]:
    collect = _Collect()
    flakes.check(source, filename, collect)
    return collect.messages


def _imports(tree: ast.Module) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top not in IMAGE_PACKAGES and top not in sys.stdlib_module_names:
                problems.append(
                    f"line {node.lineno}: imports {name}, which the sandbox image does not have"
                )
    return problems


def _api_names(tree: ast.Module) -> list[str]:
    aliases = {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import)
        for a in n.names
        if a.name == "lester"
    }
    problems = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            if node.attr not in lester.__all__:
                problems.append(
                    f"line {node.lineno}: lester has no {node.attr!r} (available: {', '.join(lester.__all__)})"
                )
    return problems


def stage_kinds(source: str) -> dict[str, str]:
    """Function name -> stage kind of a module's stage functions (empty when it does not parse)."""
    try:
        return _stages(ast.parse(source))
    except SyntaxError:
        return {}


def _stages(tree: ast.Module) -> dict[str, str]:
    """Function name -> stage kind, from `@lt.<kind>` / `@lt.<kind>(...)` decorators."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(target, ast.Attribute) and target.attr in KINDS:
                found[node.name] = target.attr
    return found


def _row_loops(tree: ast.Module, stages: dict[str, str]) -> list[str]:
    """Loops a data stage may not have: a `while`, a `for` over anything but constants, and
    `iterrows`/`itertuples`. A `for` over constants (round 36's iotdb model folded 34 slots with
    `functools.reduce` only to get past a check that refused every `for`) is frame operations
    written out, one per constant, as readable as the original's own slot loop."""
    constants = _literal_names(tree)
    problems = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or stages.get(node.name) not in DATA_STAGES:
            continue
        known = constants | _loop_constants(node, constants)
        for inner in ast.walk(node):
            if isinstance(inner, ast.While) or (
                isinstance(inner, ast.For) and not _over_constants(inner.iter, known)
            ):
                problems.append(
                    f"line {inner.lineno}: a loop in data preparation stage {node.name!r} over rows "
                    f"or data; use frame operations (a `for` over constants passes: {CONSTANT_LOOPS})"
                )
            if isinstance(inner, ast.Attribute) and inner.attr in ROW_LOOPS:
                problems.append(
                    f"line {inner.lineno}: {inner.attr} in data preparation stage {node.name!r}; use frame operations"
                )
    return problems


def _loop_constants(function: ast.FunctionDef, constants: set[str]) -> set[str]:
    """The variables of a `for` over constants (`for col, width in SLOTS:`), constants for the
    loops inside it (`range(width)`), unless the function binds them some other way too."""
    # a comprehension's `for` binds its names as a loop does (`[f"{c}_code" for c, w in SLOTS]`)
    targets = [n for n in ast.walk(function) if isinstance(n, ast.For | ast.comprehension)]
    loop_bound = {id(n) for f in targets for n in ast.walk(f.target)}
    elsewhere = {
        n.id
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and id(n) not in loop_bound
    } | {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    found: set[str] = set()
    while True:
        new = {
            n.id
            for f in targets
            if _over_constants(f.iter, constants | found)
            for n in ast.walk(f.target)
            if isinstance(n, ast.Name) and n.id not in elsewhere
        } - found
        if not new:
            return found
        found |= new


CONSTANT_LOOPS = (
    "a literal list, `range(n)`, a module constant (the original's, which the agent copies "
    "into the module, and your answer's own top-level ones) bound to a literal or to an "
    "expression of "
    "constants (a comprehension over them, a `+` of lists, arithmetic: `SLOTS = [('job', 13 - "
    "1)]`) or a slice or item of one (`SLOTS[:3]`), a frame's `.columns`, the "
    '`.unique()` values of a column of any frame (`t.data["os"].unique()`, `t` a parameter, '
    "a source's or another step's frame, or one the function made), "
    "and `enumerate`, `zip`, `sorted`, "
    "`reversed`, `list` of those, nested as deep as need be (`range(n)` of a written `n` or of "
    "arithmetic on written numbers, `range(13 - 1)`, `len` of constants, a constant dict's "
    "`.items()`), and the variables of such a `for` in the loops inside it (`for col, width in "
    "SLOTS:` then `for i in range(width):`)"
)
_WRAPPERS = ("enumerate", "zip", "sorted", "reversed", "list", "tuple")


def _over_constants(node: ast.expr, constants: set[str]) -> bool:
    """Whether a loop's iterable is made of constants, never of a frame's rows."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_over_constants(e, constants) or _is_value(e, constants) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Attribute):
        return node.attr == "columns"
    if isinstance(node, ast.Subscript):  # `SLOTS[:3]`, `GROUPS[0]`
        return _over_constants(node.value, constants) and _constant_key(node.slice, constants)
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name) and func.id == "range":
        return all(_is_value(a, constants) for a in node.args)
    if isinstance(func, ast.Name) and func.id in _WRAPPERS:
        return bool(node.args) and all(_over_constants(a, constants) for a in node.args)
    if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values"):
        return _over_constants(func.value, constants)
    return isinstance(func, ast.Attribute) and func.attr == "unique"


def _constant_key(key: ast.expr, constants: set[str]) -> bool:
    """A subscript's index or slice written with values only."""
    if isinstance(key, ast.Slice):
        bounds = (key.lower, key.upper, key.step)
        return all(b is None or _is_value(b, constants) for b in bounds)
    return _is_value(key, constants)


def _is_value(node: ast.expr, constants: set[str]) -> bool:
    """A literal, a module constant, the length of constants, or arithmetic of them
    (`range(len(COLS) + 1)`)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return len(node.args) == 1 and _over_constants(node.args[0], constants)
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.BinOp):
        return _is_value(node.left, constants) and _is_value(node.right, constants)
    if isinstance(node, ast.UnaryOp):
        return _is_value(node.operand, constants)
    return isinstance(node, ast.List | ast.Tuple) and _over_constants(node, constants)


def _literal_names(tree: ast.Module) -> set[str]:
    """Module-level names bound to a literal (`COLS = ["a", "b"]`, `SLOTS = {"x": 0}`) or to an
    expression of earlier such names (`SLOTS = [f"s{i}" for i in range(34)]`, round 38's iotdb
    model wrote its 34 slot names out only because a comprehension was refused)."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and _of_constants(stmt.value, names):
                names.add(target.id)
    return names


_PURE_BUILTINS = frozenset(
    ("range", "len", "str", "int", "float", "bool", "min", "max", "sum", "abs", "round")
    + _WRAPPERS
    + ("dict", "set", "frozenset")
)


def _of_constants(node: ast.expr, constants: set[str]) -> bool:
    """Whether an expression reads only constants, its own comprehension variables and pure
    builtins: a value fixed before any source is read."""
    bound = {
        n.id
        for gen in ast.walk(node)
        if isinstance(gen, ast.comprehension)
        for n in ast.walk(gen.target)
        if isinstance(n, ast.Name)
    }
    known = constants | bound | _PURE_BUILTINS
    return not any(
        isinstance(n, ast.Lambda | ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom)
        or (isinstance(n, ast.Name) and n.id not in known)
        for n in ast.walk(node)
    )


def model_problem(model_code: str, captured: Any, preamble: str = "") -> str | None:
    """The model stage checked against the captured `fit` before anything runs: the same class and
    the same non-default parameters, read from the code's `return Estimator(...)`. A class
    imported under another name (`LogisticRegression as LR`, as the original may have) is the
    class it names."""
    call = _returned_call(model_code)
    if call is None:
        return "the @lt.model function must return a call such as LogisticRegression(C=0.5)"
    expected = captured.estimator.rsplit(".", 1)[-1]
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    name = _imported_as(f"{preamble}\n{model_code}").get(name, name)
    if name != expected:
        return f"the model is {name}, the original fits {expected} (model)"
    constants = _module_constants(f"{preamble}\n{model_code}")
    given = {k.arg: _literal(k.value, constants) for k in call.keywords if k.arg}
    wrong = [
        f"{key}: original {value!r}, yours {given.get(key, 'the default')!r}"
        for key, value in captured.non_default.items()
        if given.get(key) is not _UNKNOWN and not _same_param(given.get(key, _MISSING), value)
    ]
    return ("The model's parameters differ (model): " + "; ".join(wrong)) if wrong else None


_MISSING = object()
_UNKNOWN = object()  # a name no literal binds: the final verification compares the fitted model


def _module_constants(code: str) -> dict[str, Any]:
    """`{name: value}` of the names the code binds once, at the top, to a literal (`SEED = 4`)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    bound: dict[str, list[ast.AST]] = {}
    for node in tree.body:
        for target in node.targets if isinstance(node, ast.Assign) else []:
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(node.value)
    values = {}
    for name, found in bound.items():
        try:
            values[name] = ast.literal_eval(found[0]) if len(found) == 1 else _UNKNOWN
        except (ValueError, SyntaxError):
            values[name] = _UNKNOWN
    return values


def _imported_as(code: str) -> dict[str, str]:
    """`{alias: name}` of the `from m import name as alias` statements of the code."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    return {
        a.asname: a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.asname
    }


def _returned_call(code: str) -> ast.Call | None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            ast.unparse(d) == "lt.model" for d in node.decorator_list
        ):
            returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
            return returns[-1] if returns and isinstance(returns[-1], ast.Call) else None
    return None


def _literal(node: ast.AST, constants: dict[str, Any]) -> Any:
    """A parameter's value: a literal, a module constant's literal, `_UNKNOWN` for another name,
    else the expression's text."""
    if isinstance(node, ast.Name):
        return constants.get(node.id, _UNKNOWN)
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return ast.unparse(node)


def _same_param(given: Any, captured: Any) -> bool:
    """Captured parameters are JSON-safe: other values arrive as their repr."""
    if given is _MISSING:
        return False
    if given == captured:
        return True
    return isinstance(captured, str) and repr(given) == captured
