"""How a candidate uses the Frame API, checked on its syntax tree before anything runs.

Undefined names are the compiler's business (`form`); this is the type checker's: a Frame method
that does not exist, arguments that do not bind to its signature or are of the wrong kind (a
lambda where column names go, a list where a function goes), columns that are not in the frame's
known schema, lambdas whose parameters do not match the columns they receive or that read a frame
instead of their values, and `@name`s in query strings that name nothing. The signatures come
from `lester.Frame` itself; the schemas from what the original's files hold (the analysis'
sources) and, where the sandbox ran the preparation, from the frame it gave. A schema that cannot
be followed (an operation this module does not model) turns the column checks off for that frame,
never into a false alarm.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import keyword
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lester

COLUMN_PARAMS = frozenset({"columns", "by", "subset", "column", "on", "left_on"})
STAGE_KINDS = ("source", "step", "prepare")
QUERY_NAMES = frozenset({"index", "True", "False", "None"})
Schema = list[str] | None


@dataclass(frozen=True)
class SourceFile:
    """What the original's file holds: its path relative to the data directory and its fields."""

    path: str
    names: list[str]
    header: bool


def frame_members() -> dict[str, Any]:
    """Frame's public methods and properties, its own first and then those of the classes it is
    made of (the column operations' mixin), each in the order its class defines them."""
    members: dict[str, Any] = {}
    for cls in lester.Frame.__mro__[:-1]:
        for name, member in vars(cls).items():
            if not name.startswith("_") and name not in members:
                members[name] = member
    return members


def frame_methods() -> dict[str, inspect.Signature]:
    """The public Frame operations and their signatures (self dropped)."""
    out = {}
    for name, member in frame_members().items():
        if inspect.isfunction(member):
            sig = inspect.signature(member)
            out[name] = sig.replace(parameters=list(sig.parameters.values())[1:])
    return out


def check_api_use(
    tree: ast.Module,
    files: list[SourceFile] | None = None,
    known: dict[str, list[str]] | None = None,
) -> list[str]:
    """Problems in the module's use of the Frame API; `known` gives the columns of frames the
    sandbox produced (by stage function name), which win over what the files say."""
    stages = _stage_functions(tree)
    module_names = _module_names(tree)
    schemas: dict[str, Schema] = {}
    for name, (kind, node) in stages.items():
        if kind == "source":
            schemas[name] = _source_schema(node, files or [], _constants(tree.body))
    schemas.update(known or {})
    problems: list[str] = []
    for _ in range(2):  # a step may read a step defined after it: a second pass sees its schema
        problems = []
        for name, (kind, node) in stages.items():
            if kind in ("step", "prepare"):
                checker = _Checker(schemas, module_names | _local_names(node))
                result = checker.function(node)
                problems += checker.problems
                if name not in (known or {}):
                    schemas[name] = result
    prepared = next((schemas.get(n) for n, (k, _) in stages.items() if k == "prepare"), None)
    problems += _encoder_columns(stages, prepared) + _label_columns(stages, prepared)
    return problems


# ---- schemas of sources ---------------------------------------------------------------------

SCHEMA_KEEPING = frozenset(
    {"sep", "delimiter", "header", "names", "dtype", "parse_dates", "na_values", "key", "source"}
    | {"keep_default_na", "encoding", "skipinitialspace", "quotechar", "lines", "thousands"}
    | {"decimal", "true_values", "false_values", "comment", "escapechar", "low_memory"}
)


def _source_schema(
    node: ast.FunctionDef, files: list[SourceFile], constants: dict[str, Any]
) -> Schema:
    """The columns a source reads, when its read is one the file's fields determine."""
    call = next(
        (
            c
            for c in ast.walk(node)
            if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Attribute)
            and c.func.attr in ("read_csv", "read_json")
        ),
        None,
    )
    if call is None or any(k.arg not in SCHEMA_KEEPING for k in call.keywords):
        return None
    if _keyword(call, "names") is not None:
        names = _resolved(_keyword(call, "names"), node, constants)
        ok = isinstance(names, list | tuple) and all(isinstance(n, str) for n in names)
        return list(names) if ok else None
    file = _file_of(call, files)
    if file is None:
        return None
    header = _literal(_keyword(call, "header")) if _keyword(call, "header") else "infer"
    if header is None:  # numbered columns (a header row, if any, becomes data)
        return [str(i) for i in range(len(file.names))]
    return list(file.names) if file.header else None


def _resolved(value: ast.AST, function: ast.FunctionDef, constants: dict[str, Any]) -> Any:
    """A literal argument, or the literal a name was assigned in the function or the module."""
    if isinstance(value, ast.Name):
        return {**constants, **_constants(function.body)}.get(value.id)
    return _literal(value)


def _constants(body: list[ast.stmt]) -> dict[str, Any]:
    """Names assigned a literal by the statements of a body."""
    found = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            value = _literal(stmt.value)
            if isinstance(target, ast.Name) and value is not None:
                found[target.id] = value
    return found


def _file_of(call: ast.Call, files: list[SourceFile]) -> SourceFile | None:
    if not call.args:
        return None
    fragments = [
        c.value
        for c in ast.walk(call.args[0])
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    ]
    tail = fragments[-1].lstrip("/") if fragments else ""
    return next((f for f in files if tail and f.path.endswith(tail)), None)


# ---- following frames through a step ----------------------------------------------------------


class _Checker:
    """Walks one data stage: frames by variable, each with its columns when they are known."""

    def __init__(self, schemas: dict[str, Schema], names: set[str]) -> None:
        self.schemas = schemas
        self.names = names
        self.frames: dict[str, Schema] = {}
        self.problems: list[str] = []
        self.methods = frame_methods()

    def function(self, node: ast.FunctionDef) -> Schema:
        for arg in node.args.args:
            if arg.arg in self.schemas:
                self.frames[arg.arg] = self.schemas[arg.arg]
        result: Schema = None
        for stmt in _statements(node.body):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                value = self.expression(stmt.value)
                if isinstance(stmt.targets[0], ast.Name) and value is not _NOT_A_FRAME:
                    self.frames[stmt.targets[0].id] = value
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                value = self.expression(stmt.value)
                result = None if value is _NOT_A_FRAME else value
        return result

    def expression(self, node: ast.AST) -> Any:
        """The schema of a frame expression, or `_NOT_A_FRAME`; method calls are checked."""
        if isinstance(node, ast.Name):
            return self.frames.get(node.id, _NOT_A_FRAME)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return _NOT_A_FRAME
        base = self.expression(node.func.value)
        if base is _NOT_A_FRAME:
            return _NOT_A_FRAME
        method = node.func.attr
        if method not in self.methods:
            available = ", ".join(sorted(self.methods))
            self.problems.append(
                f"line {node.lineno}: lt.Frame has no method {method!r} (it has: {available})"
            )
            return None
        bound = self._bind(node, method)
        if bound is None:
            return None
        return self._apply(node, method, base, bound)

    def _bind(self, node: ast.Call, method: str) -> dict[str, ast.AST] | None:
        sig = self.methods[method]
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            return None
        try:
            bound = sig.bind(*node.args, **{k.arg: k.value for k in node.keywords})
        except TypeError as exc:
            self.problems.append(f"line {node.lineno}: Frame.{method}{_short(sig)}: {exc}")
            return None
        for param, value in bound.arguments.items():
            self._kind(node, method, sig.parameters[param], value)
        return dict(bound.arguments)

    def _kind(self, node: ast.Call, method: str, param: inspect.Parameter, value: Any) -> None:
        values = value if isinstance(value, tuple) else [value]
        if isinstance(value, dict):
            values = list(value.values())
        accepted = _accepted(param.annotation)
        for item in values:
            kind = _literal_kind(item)
            if kind is None or accepted is None or kind in accepted:
                continue
            self.problems.append(
                f"line {node.lineno}: Frame.{method}'s {param.name!r} takes "
                f"{param.annotation}, got {_describe(kind)} ({ast.unparse(item)[:60]})"
            )

    def _apply(self, node: ast.Call, method: str, base: Schema, args: dict[str, Any]) -> Schema:
        columns = _names(args.get("columns"))
        self._lambdas(node, method, args, columns)
        self._require(node, method, base, args)
        if method in (
            "filter",
            "filter_by",
            "explode",
            "sort",
            "drop_duplicates",
            "union",
            "take_rows",
        ):
            if method == "filter":
                self._query(node, base, args.get("predicate"))
            return base
        if base is None:
            return None
        if method == "project":  # a computed target (`f"job_{k}"` in a slot loop) is unknown
            target = _literal(args.get("target"))
            if not isinstance(target, str):
                return None
            return base if target in base else base + [target]
        if method == "select":
            return columns
        if method == "drop":
            return None if columns is None else [c for c in base if c not in columns]
        if method == "rename":
            mapping = _literal(args.get("mapping"))
            return [mapping.get(c, c) for c in base] if isinstance(mapping, dict) else None
        if method == "join":
            return self._joined(base, args)
        if method == "aggregate":
            by = _names(args.get("by"))
            outs = list((args.get("aggregations") or {}).keys())
            return None if by is None else by + outs
        return None

    def _joined(self, base: list[str], args: dict[str, Any]) -> Schema:
        other = self.expression(args["other"]) if "other" in args else None
        if other is _NOT_A_FRAME or other is None:
            return None
        on = _names(args.get("on")) or []
        suffixes = _literal(args.get("suffixes")) or ("", "_right")
        right = [c for c in other if c not in on]
        overlap = set(base) & set(right)
        left = [c + suffixes[0] if c in overlap else c for c in base]
        return left + [c + suffixes[1] if c in overlap else c for c in right]

    def _require(self, node: ast.Call, method: str, base: Schema, args: dict[str, Any]) -> None:
        checks = [(p, base) for p in COLUMN_PARAMS if p in args]
        if method == "join":
            other = self.expression(args["other"]) if "other" in args else None
            other = None if other is _NOT_A_FRAME else other
            checks = [("left_on", base), ("right_on", other)]
            checks += [("on", base), ("on", other)] if "on" in args else []
        if method == "rename":
            checks.append(("mapping", base))
        if method == "aggregate":
            checks += [("aggregations", base)]
        for param, schema in checks:
            wanted = _names(args.get(param)) if param != "aggregations" else _agg_inputs(args)
            if param == "mapping":
                mapping = _literal(args.get("mapping"))
                wanted = list(mapping) if isinstance(mapping, dict) else None
            missing = [c for c in wanted or [] if schema is not None and c not in schema]
            if missing:
                self.problems.append(
                    f"line {node.lineno}: Frame.{method} reads column(s) {missing}, which the "
                    f"frame does not have (its columns: {schema})"
                )

    def _lambdas(self, node: ast.Call, method: str, args: dict[str, Any], columns: Any) -> None:
        func = args.get("func") if method == "project" else args.get("predicate")
        if method not in ("project", "filter_by") or not isinstance(func, ast.Lambda):
            return
        params = [a.arg for a in func.args.args]
        required = len(params) - len(func.args.defaults)
        fits = required <= len(columns or []) <= len(params) or func.args.vararg
        if columns is not None and not fits:
            self.problems.append(
                f"line {node.lineno}: Frame.{method} passes {len(columns)} column(s) {columns} "
                f"to a lambda of {len(params)} parameter(s) {params}: one parameter per column"
            )
        if method == "filter_by" and columns == []:
            self.problems.append(
                f"line {node.lineno}: Frame.filter_by with no columns: its predicate receives no "
                "values; name the columns it reads"
            )
        frames = sorted(
            {n.id for n in ast.walk(func.body) if isinstance(n, ast.Name) and n.id in self.frames}
            - set(params)
        )
        if frames:
            self.problems.append(
                f"line {node.lineno}: the lambda of Frame.{method} reads the frame(s) {frames}; "
                "it receives the values of its columns, one parameter per column"
            )

    def _query(self, node: ast.Call, base: Schema, predicate: Any) -> None:
        text = _literal(predicate)
        if not isinstance(text, str):
            return
        at_names, expression = query_names(text)
        undefined = sorted(n for n in at_names if n not in self.names)
        if undefined:
            self.problems.append(
                f"line {node.lineno}: the query {text!r} refers to @{undefined[0]}, which is "
                "neither a variable of the step nor a module constant"
            )
        if base is None or expression is None:
            return
        unknown = sorted(n for n in expression if n not in base and n not in QUERY_NAMES)
        if unknown:
            self.problems.append(
                f"line {node.lineno}: the query {text!r} refers to {unknown}, not columns of the "
                f"frame (its columns: {base}); Python variables need @"
            )


_NOT_A_FRAME = object()


# ---- encoders and labels against the prepared frame --------------------------------------------


def _encoder_columns(stages: dict[str, tuple[str, ast.FunctionDef]], prepared: Schema) -> list[str]:
    """Columns a ColumnTransformer's blocks name (string lists) that the prepared frame lacks."""
    if prepared is None:
        return []
    problems = []
    for kind, node in stages.values():
        if kind != "encode":
            continue
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and _callee(call) == "ColumnTransformer" and call.args:
                for block in getattr(call.args[0], "elts", []):
                    problems += _block_columns(block, prepared)
    return problems


def _block_columns(block: ast.AST, prepared: list[str]) -> list[str]:
    if not isinstance(block, ast.Tuple) or len(block.elts) < 3:
        return []
    names = _names(block.elts[2])
    missing = [c for c in names or [] if c not in prepared]
    if not missing:
        return []
    return [
        f"line {block.lineno}: the encoder reads column(s) {missing}, which the prepared frame "
        f"does not have (its columns: {prepared})"
    ]


def _label_columns(stages: dict[str, tuple[str, ast.FunctionDef]], prepared: Schema) -> list[str]:
    """`data["x"]` in the label function for an `x` the prepared frame lacks."""
    if prepared is None:
        return []
    problems = []
    for kind, node in stages.values():
        if kind != "label" or not node.args.args:
            continue
        data = node.args.args[0].arg
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Subscript)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == data
            ):
                missing = [c for c in _names(sub.slice) or [] if c not in prepared]
                if missing:
                    problems.append(
                        f"line {sub.lineno}: the label reads column(s) {missing}, which the "
                        f"prepared frame does not have (its columns: {prepared})"
                    )
    return problems


# ---- small helpers -----------------------------------------------------------------------------


def _stage_functions(tree: ast.Module) -> dict[str, tuple[str, ast.FunctionDef]]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    found[node.name] = (target.attr, node)
    return found


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body in source order, those inside blocks included."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, field, None) or [])
        for handler in getattr(stmt, "handlers", None) or []:
            yield from _statements(handler.body)


def defined_names(tree: ast.Module) -> set[str]:
    """Modules, functions, classes and builtins a module defines: names that are not data."""
    names = set(dir(builtins))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _module_names(tree: ast.Module) -> set[str]:
    """Every name a module binds at its top level, data included."""
    stored = {
        n.id
        for node in tree.body
        if not isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return defined_names(tree) | stored


def _local_names(node: ast.FunctionDef) -> set[str]:
    params = {a.arg for a in node.args.args + node.args.kwonlyargs}
    stored = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return params | stored


def query_names(text: str) -> tuple[set[str], set[str] | None]:
    """The `@name`s of a pandas query, and the other names it reads (None when it does not parse
    as a Python expression, e.g. backquoted column names)."""
    at_names = {_identifier_prefix(token) for token in text.split("@")[1:]} - {""}
    plain = text
    for name in sorted(at_names, key=len, reverse=True):
        plain = plain.replace(f"@{name}", "0")
    if "`" in plain:
        return at_names, None
    try:
        tree = ast.parse(plain, mode="eval")
    except SyntaxError:
        return at_names, None
    called = {id(c.func) for c in ast.walk(tree) if isinstance(c, ast.Call)}
    names = {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and id(n) not in called and not keyword.iskeyword(n.id)
    }
    return at_names, names


def _identifier_prefix(token: str) -> str:
    end = 0
    while end < len(token) and (token[end].isalnum() or token[end] == "_"):
        end += 1
    return token[:end]


def _accepted(annotation: Any) -> set[str] | None:
    """The literal kinds an annotation string accepts, or None for 'anything'."""
    if not isinstance(annotation, str):
        return None
    kinds = set()
    for part in annotation.replace(" ", "").split("|"):
        if part == "str":
            kinds.add("str")
        elif part.startswith(("Sequence[", "list[", "Iterable[")):
            kinds |= {"list", "str-list"}
        elif part.startswith(("Callable", "pd.Series", "np.ndarray")):
            kinds |= {"callable", "other"}
        elif part.startswith(("dict", "Mapping")):
            kinds.add("dict")
        elif part.startswith("tuple"):
            kinds |= {"tuple", "str-list"}
        elif part in ("bool", "int", "float"):
            kinds |= {"number"}
        elif part == "None":
            kinds.add("none")
        else:
            return None
    return kinds


def _literal_kind(node: Any) -> str | None:
    """The kind of a literal argument, None for an expression whose kind is not visible."""
    if isinstance(node, ast.Lambda):
        return "callable"
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return "none"
        if isinstance(value, str):
            return "str"
        if isinstance(value, bool | int | float):
            return "number"
        return None
    if isinstance(node, ast.List | ast.Tuple):
        literal = _literal(node)
        if not isinstance(literal, list | tuple):
            return None
        return "str-list" if all(isinstance(v, str) for v in literal) else "list"
    if isinstance(node, ast.Dict):
        return "dict"
    return None


def _describe(kind: str) -> str:
    return {
        "callable": "a lambda",
        "str-list": "a list of strings",
        "list": "a list",
        "dict": "a dict",
        "number": "a number",
        "str": "a string",
        "none": "None",
    }[kind]


def _names(node: Any) -> list[str] | None:
    value = _literal(node)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _agg_inputs(args: dict[str, Any]) -> list[str]:
    out = []
    for spec in (args.get("aggregations") or {}).values():
        value = _literal(spec.elts[0]) if isinstance(spec, ast.Tuple) and spec.elts else None
        if isinstance(value, str):
            out.append(value)
    return out


def _literal(node: Any) -> Any:
    if not isinstance(node, ast.AST):
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _short(sig: inspect.Signature) -> str:
    return "(" + ", ".join(p.name for p in sig.parameters.values()) + ")"
