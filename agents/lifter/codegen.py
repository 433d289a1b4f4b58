"""Rendering the parts of a declarative pipeline module as readable Python source."""

from __future__ import annotations

import ast
import importlib
import sys
from typing import Any

from ..oracle.api_use import query_names
from ..oracle.dataflow import value_code
from ..oracle.form import IMAGE_PACKAGES
from ..oracle.splits import replay_call

BASE_IMPORTS = ["import numpy as np", "import pandas as pd", "", "import lester as lt"]


def preamble(original_imports: list[str], constants: list[str], helpers: list[str]) -> str:
    """Imports the generated code may need, the original's constants and helper functions."""
    kept = [line for line in original_imports if _importable(line)]
    blocks = ["\n".join(dict.fromkeys(kept + BASE_IMPORTS))]
    if constants:
        blocks.append("\n".join(constants))
    blocks += helpers
    return "\n\n\n".join(blocks)


def _importable(line: str) -> bool:
    try:
        node = ast.parse(line).body[0]
    except SyntaxError:
        return False
    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
    top = (module or "").split(".")[0]
    return top in IMAGE_PACKAGES or top in sys.stdlib_module_names


def source_function(
    name: str, path: str, options: dict[str, Any], reader: str = "read_csv", explicit: bool = False
) -> str:
    """The `@lt.source` reading `path`; `explicit` options (the script's own) keep their Nones."""
    args = ", ".join(
        f"{k}={value_code(v)}"
        for k, v in options.items()
        if v is not None or k == "header" or explicit
    )
    return (
        f"@lt.source\ndef {name}(data_dir: str) -> lt.Frame:\n"
        f'    return lt.{reader}(f"{{data_dir}}/{path}"{", " if args else ""}{args})'
    )


def prepare_function(
    sources: list[str],
    body: list[str],
    result: str,
    derived: list[str],
    origin: str,
    imports: list[str] = (),
) -> str:
    params = ", ".join(f"{s}: lt.Frame" for s in sources)
    lines = [*body, *derived, f"return {result}"]
    inner = "\n".join(f"    {line}" for line in lines)
    head = "".join(f"{line}\n" for line in imports) + ("\n\n" if imports else "")
    return f'{head}@lt.prepare\ndef prepared({params}) -> lt.Frame:\n    """{origin}"""\n{inner}'


def prepare_name(prepare_code: str) -> str | None:
    """The name of the function a preparation part decorates with `@lt.prepare`."""
    try:
        tree = ast.parse(prepare_code)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            ast.unparse(d) == "lt.prepare" for d in node.decorator_list
        ):
            return node.name
    return None


def derive_function(base: str, lines: list[str]) -> str:
    """The final preparation: the prepared rows plus the derived columns the encoders need."""
    body = "\n".join(f"    {line}" for line in ["data = " + base, *lines, "return data"])
    return (
        f"@lt.prepare\ndef with_derived_columns({base}: lt.Frame) -> lt.Frame:\n"
        f'    """The prepared rows plus the columns the encoders and the label are computed from."""\n{body}'
    )


def split_function(function: str, args: dict[str, Any]) -> str:
    """The split stage: one `lt` split constructor with the arguments the analysis resolved."""
    call = replay_call(function, args)
    return f"@lt.split\ndef split() -> lt.Split:\n    return {call}"


def encode_function(imports: list[str], body: str, fit_on: str) -> str:
    deco = '@lt.encode(fit_on="all")' if fit_on == "all" else "@lt.encode"
    inner = "\n".join(f"    {line}" for line in body.splitlines())
    head = "\n".join(dict.fromkeys(["from sklearn.compose import ColumnTransformer", *imports]))
    return f"{head}\n\n\n{deco}\ndef features() -> ColumnTransformer:\n{inner}"


def label_function(expression: str) -> str:
    return f"@lt.label\ndef label(data: pd.DataFrame):\n    return {expression}"


def model_function(estimator: str, params: dict[str, Any]) -> str:
    module, _, name = estimator.rpartition(".")
    public = _public_module(module, name)
    args = ", ".join(f"{k}={_value_code(v)}" for k, v in params.items())
    return model_code([f"from {public} import {name}"], f"{name}({args})")


def model_code(imports: list[str], call: str) -> str:
    """The model stage: its imports and the constructor call it returns."""
    head = "\n".join(imports)
    return f"{head}\n\n\n@lt.model\ndef model():\n    return {call}"


def _public_module(module: str, name: str) -> str:
    """`sklearn.linear_model` for `sklearn.linear_model._logistic`: the shortest path exporting it."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        candidate = ".".join(parts[:i])
        if parts[i - 1].startswith("_"):
            break
        try:
            if hasattr(importlib.import_module(candidate), name) and candidate != parts[0]:
                return candidate
        except ImportError:
            break
    return module


def _value_code(value: Any) -> str:
    """Captured parameters are JSON-safe: other values arrive as their repr, which is code."""
    if isinstance(value, str):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return repr(value)
        if not isinstance(parsed, str):
            return value
    return repr(value)


def tidy(module: str) -> str:
    """Hoist imports to the top and drop imports and constants nothing uses.

    Proposers add what their part might need; the finished module keeps only what it does need,
    so that a reader sees the pipeline and not the original script's leftovers.
    """
    tree = ast.parse(module)
    nodes = tree.body[1:] if _has_docstring(tree) else tree.body
    kept = [n for n in nodes if not isinstance(n, ast.Import | ast.ImportFrom)]
    while True:  # a helper used only by an unused helper is unused too
        used = _used_names(kept)
        fewer = [n for n in kept if not _is_unused_constant(n, used)]
        if len(fewer) == len(kept):
            break
        kept = fewer
    imports: list[str] = []
    body: list[tuple[bool, str]] = []
    for node in nodes:
        text = ast.get_source_segment(module, node) or ""
        if isinstance(node, ast.Import | ast.ImportFrom):
            if _binds_used(node, used) and text not in imports:
                imports.append(text)
        elif not _is_unused_constant(node, used):
            body.append((isinstance(node, ast.Assign), _with_decorators(module, node, text)))
    doc = f'"""{ast.get_docstring(tree)}"""\n\n' if _has_docstring(tree) else ""
    plain = sorted(i for i in imports if i.startswith("import ") and "lester" not in i)
    froms = sorted(i for i in imports if i.startswith("from "))
    own = [i for i in imports if i.startswith("import ") and "lester" in i]
    head = "\n".join(plain + froms) + ("\n\n" + "\n".join(own) if own else "")
    return doc + head + "\n\n\n" + _join(body) + "\n"


def _used_names(nodes: list[ast.stmt]) -> set[str]:
    """Names read anywhere in these statements, except a function's references to itself; a
    query string's `@name` reads the module constant it names (`filter("k in @KEPT")`)."""
    used: set[str] = set()
    for node in nodes:
        own = {node.name} if isinstance(node, ast.FunctionDef) else set()
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in own:
                used.add(n.id)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str):
                used.update(query_names(n.value)[0])
    return used


def _join(items: list[tuple[bool, str]]) -> str:
    """Consecutive constants on consecutive lines; everything else two blank lines apart."""
    out = ""
    for i, (is_constant, text) in enumerate(items):
        if i:
            out += "\n" if is_constant and items[i - 1][0] else "\n\n\n"
        out += text
    return out


def _has_docstring(tree: ast.Module) -> bool:
    return ast.get_docstring(tree) is not None


def _binds_used(node: ast.Import | ast.ImportFrom, used: set[str]) -> bool:
    return any((a.asname or a.name).split(".")[0] in used for a in node.names)


def _is_unused_constant(node: ast.stmt, used: set[str]) -> bool:
    """A constant or helper function of the original that nothing in the module refers to."""
    if isinstance(node, ast.FunctionDef) and not node.decorator_list:
        return node.name not in used
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return False
    return node.targets[0].id not in used


def _with_decorators(module: str, node: ast.stmt, text: str) -> str:
    decorators = getattr(node, "decorator_list", [])
    return (
        "\n".join(f"@{ast.get_source_segment(module, d)}" for d in decorators)
        + ("\n" if decorators else "")
        + text
    )
