"""Code for what the trace names: functions passed to `apply`/`map`, and scikit-learn estimators.

A function in the trace is a description (its module and name, or its place in the script), never
an object. It becomes code by name when it is a NumPy function, a builtin, a `str` method or a
function the script defines at the top or in a module-level block without reading what the block
binds (the pipeline module carries the script's helpers), or as the lambda's own text, taken from
the script itself at the recorded line, when the lambda uses nothing but its parameters and
module-level names. Estimators become constructor calls of their
recorded class with the parameters that differ from the class's defaults; only scikit-learn and
Lester classes are named, and their module is imported (a library module, not user code) just to
read those defaults; a scikit-learn function given as a parameter (`score_func=f_regression`) is
named and imported the same way.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
from typing import Any

from ..oracle import static
from ..oracle.dataflow import Undecodable, decode, value_code
from .syntax import Unsupported
from .trace_graph import at

BUILTIN_FUNCTIONS = frozenset(
    {"len", "str", "int", "float", "bool", "abs", "round", "max", "min", "sum", "sorted", "repr"}
)
STR_METHOD = re.compile(r"^str\.[a-z_]+$")
CLASS = re.compile(r"^(sklearn|lester)(\.[A-Za-z_][A-Za-z0-9_]*)+$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Functions:
    """Turns recorded functions into code, using the script's own text for lambdas."""

    def __init__(self, source: str, module_names: set[str]) -> None:
        self.tree = ast.parse(source)
        self.defs = {n.name: n for n in static.module_functions(self.tree)}
        self.top_level = set(self.defs)
        self.transformers = {c.name for c in static.transformer_classes(self.tree)}
        self.module_names = module_names | set(dir(builtins)) | {"np", "pd", "lt"}

    def code(self, encoded: Any) -> str:
        described = encoded.get("function") if isinstance(encoded, dict) else None
        if not isinstance(described, dict):
            raise Unsupported(None, f"a function argument that is not a function: {encoded!r:.80}")
        name = str(described.get("name", ""))
        module = described.get("module")
        if described.get("ufunc") or module == "numpy" and IDENTIFIER.match(name):
            return f"np.{described.get('ufunc') or name}"
        if module == "builtins" and name in BUILTIN_FUNCTIONS:
            return name
        if STR_METHOD.match(name):
            return name
        if described.get("script") and described.get("is_lambda"):
            return self._lambda(described)
        if described.get("script") and name in self.top_level and not described.get("freevars"):
            return name
        raise Unsupported(None, f"the function {name} (from {module}) has no code outside the run")

    def _lambda(self, described: dict[str, Any], over: frozenset[str] = frozenset()) -> str:
        """The lambda's text; it may use local names `over` only (those a factory binds)."""
        lam = self._lambda_tree(described)
        free = self._reads(lam) - over
        if free:
            raise Unsupported(
                at(described.get("line")), f"a lambda that uses local names {sorted(free)}"
            )
        return ast.unparse(lam)

    def _lambda_tree(self, described: dict[str, Any]) -> ast.Lambda:
        line, column = described.get("line"), described.get("column")
        found = [
            n
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Lambda) and n.lineno <= (line or 0) <= (n.end_lineno or 0)
        ]
        if column is not None and len(found) > 1:
            found = [n for n in found if _contains(n.body, line, column)] or found
        if len(found) != 1:
            raise Unsupported(at(line), "cannot tell which lambda was called")
        return found[0]

    def _reads(self, lam: ast.Lambda) -> set[str]:
        """The local names a lambda reads: neither its own nor the module's."""
        return _free_names(lam) - self.module_names

    def lambda_reading(self, encoded: Any) -> tuple[ast.Lambda, set[str]] | None:
        """The script's lambda and the local names it reads (`counts` in `lambda c: c if
        counts[c] >= 10 else "Other"`), or None for any other function."""
        described = encoded.get("function") if isinstance(encoded, dict) else None
        if not (
            isinstance(described, dict) and described.get("script") and described.get("is_lambda")
        ):
            return None
        lam = self._lambda_tree(described)
        return lam, self._reads(lam)

    def lambda_over(self, encoded: Any, name: str) -> ast.Lambda | None:
        """The script's lambda when it uses the local name `name` (`lambda row: f(row, df)`),
        else None."""
        described = encoded.get("function") if isinstance(encoded, dict) else None
        if not (isinstance(described, dict) and described.get("is_lambda")):
            return None
        lam = ast.parse(self._lambda(described, frozenset({name})), mode="eval").body
        names = {n.id for n in ast.walk(lam.body) if isinstance(n, ast.Name)}
        return lam if name in names - {a.arg for a in lam.args.args} else None

    def lambda_node(self, encoded: Any) -> ast.Lambda:
        """The lambda's syntax tree (to rewrite a frame function into a column function)."""
        described = encoded.get("function") if isinstance(encoded, dict) else None
        if not (isinstance(described, dict) and described.get("is_lambda")):
            raise Unsupported(None, "a function that is not a lambda of the script")
        return ast.parse(self._lambda(described), mode="eval").body


def statement_at(tree: ast.Module, line: int | None) -> ast.stmt | None:
    """The innermost statement that contains `line`."""
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= (line or -1) <= (node.end_lineno or 0):
            if found is None or node.lineno >= found.lineno:
                found = node
    return found


def _free_names(lam: ast.Lambda) -> set[str]:
    """The names a lambda reads from outside: not its parameters, nor the names its own
    comprehensions and nested lambdas bind (`sum(1 for w in x.split() if w.isupper())`)."""
    bound = {a.arg for n in ast.walk(lam) if isinstance(n, ast.Lambda) for a in n.args.args}
    bound |= {
        n.id for n in ast.walk(lam.body) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return {n.id for n in ast.walk(lam.body) if isinstance(n, ast.Name)} - bound


def _contains(node: ast.AST, line: int | None, column: int) -> bool:
    start = (node.lineno, node.col_offset)
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
    return start <= (line, column) <= end


def constant_code(encoded: Any) -> str:
    """Code for an encoded constant argument."""
    try:
        return value_code(decode(encoded))
    except Undecodable as exc:
        raise Unsupported(None, f"an argument that is not a constant ({exc})") from exc


# ---- estimators -------------------------------------------------------------------------------


def is_label_encoder(described: dict[str, Any] | None) -> bool:
    """Whether a recorded estimator is scikit-learn's `LabelEncoder` (which takes no X)."""
    cls = str((described or {}).get("class", ""))
    return cls.startswith("sklearn.") and cls.endswith(".LabelEncoder")


def estimator_code(described: dict[str, Any], functions: Functions, imports: dict[str, str]) -> str:
    """`StandardScaler()`, `OneHotEncoder(handle_unknown='ignore')`, nested ones included;
    `imports` collects `name -> import line`."""
    qualified = str(described.get("class", ""))
    module, _, name = qualified.rpartition(".")
    if module == "__main__" and name in functions.transformers:
        defaults: dict[str, str] = {}  # the script's class: its text is in the preamble
    elif CLASS.match(qualified):
        public = _public_module(module, name)
        imports[name] = f"from {public} import {name}"
        defaults = _defaults(public, name)
    else:
        raise Unsupported(None, f"an estimator of class {qualified!r:.80}")
    args = []
    for key, value in (described.get("params") or {}).items():
        if not IDENTIFIER.match(str(key)):
            raise Unsupported(None, f"an estimator parameter named {key!r:.40}")
        code = param_code(value, functions, imports)
        if key in defaults and defaults[key] == code:
            continue
        args.append(f"{key}={code}")
    return f"{name}({', '.join(args)})"


def traced_model(
    dataflow: dict[str, Any] | None, estimator: str, functions: Functions
) -> tuple[list[str], str] | None:
    """The final estimator as the dataflow describes it (imports, constructor call), when one
    of its parameters is an estimator (a search's or an ensemble's `estimator=`), which the fit
    record holds only as its repr: nested estimators and functions become code, as the
    encoder's do. None for any other model, or one the dataflow does not describe."""
    fits = [
        n
        for n in (dataflow or {}).get("nodes", [])
        if n.get("op") == "sklearn.fit" and n.get("model")
    ]
    described = fits[-1].get("estimator") if fits else None
    if not isinstance(described, dict) or described.get("class") != estimator:
        return None
    params = (described.get("params") or {}).values()
    if not any(isinstance(v, dict) and "estimator" in v for v in params):
        return None
    imports: dict[str, str] = {}
    try:
        call = estimator_code(described, functions, imports)
    except Unsupported:
        return None
    return sorted(set(imports.values())), call


def param_code(value: Any, functions: Functions, imports: dict[str, str]) -> str:
    """Code for one estimator parameter: constants, estimators, lists and tuples of them."""
    if isinstance(value, dict) and "estimator" in value:
        return estimator_code(value["estimator"], functions, imports)
    if isinstance(value, dict) and "function" in value:
        return _library_function(value["function"], imports) or functions.code(value)
    if isinstance(value, list):
        return "[" + ", ".join(param_code(v, functions, imports) for v in value) + "]"
    if isinstance(value, dict) and "tuple" in value:
        inner = [param_code(v, functions, imports) for v in value["tuple"]]
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    return constant_code(value)


def _library_function(described: Any, imports: dict[str, str]) -> str | None:
    """A scikit-learn function given to an estimator (`SelectKBest(score_func=f_regression)`,
    `chi2`): its name, imported from the public module that exports it; None for other ones."""
    if not isinstance(described, dict) or described.get("script"):
        return None
    module, name = str(described.get("module") or ""), str(described.get("name", ""))
    if not (IDENTIFIER.match(name) and CLASS.match(f"{module}.{name}")):
        return None
    public = _public_module(module, name)
    imports[name] = f"from {public} import {name}"
    return name


def _public_module(module: str, name: str) -> str:
    """`sklearn.preprocessing` for `sklearn.preprocessing._data`: the shortest module exporting it."""
    parts = module.split(".")
    for i in range(2, len(parts) + 1):
        candidate = ".".join(parts[:i])
        try:
            if hasattr(importlib.import_module(candidate), name):
                return candidate
        except ImportError:
            break
    return module


def _defaults(module: str, name: str) -> dict[str, str]:
    """The class's default parameters as code (to leave them out of the constructor call)."""
    try:
        cls = getattr(importlib.import_module(module), name)
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (ImportError, AttributeError, TypeError, ValueError):
        return {}
    out = {}
    for parameter in parameters:
        value = parameter.default
        scalars = isinstance(value, tuple) and all(isinstance(v, int | float) for v in value)
        if value is None or isinstance(value, bool | int | float | str) or scalars:
            out[parameter.name] = value_code(value)  # ngram_range=(1, 1) is a default too
        elif isinstance(value, type):  # dtype=np.float64
            module = "np." if value.__module__ == "numpy" else ""
            out[parameter.name] = f"{module}{value.__name__}"
    return out


def imported_names(tree: ast.Module) -> set[str]:
    """The names the script's top-level imports bind (the pipeline module keeps those imports)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names
