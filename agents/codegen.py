"""Rendering the parts of a declarative pipeline module as readable Python source."""

from __future__ import annotations

import ast
import importlib
import sys
from typing import Any

from lester.agents.form import IMAGE_PACKAGES

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


def source_function(name: str, path: str, options: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in options.items() if v is not None or k == "header")
    return (
        f"@lt.source\ndef {name}(data_dir: str) -> lt.Frame:\n"
        f'    return lt.read_csv(f"{{data_dir}}/{path}", {args})'
    )


def prepare_function(
    sources: list[str], body: list[str], result: str, derived: list[str], origin: str
) -> str:
    params = ", ".join(f"{s}: lt.Frame" for s in sources)
    lines = [*body, *derived, f"return {result}"]
    inner = "\n".join(f"    {line}" for line in lines)
    return f'@lt.prepare\ndef prepared({params}) -> lt.Frame:\n    """{origin}"""\n{inner}'


def split_function(split: dict[str, Any] | None, n_train: int | None = None) -> str:
    if split and split.get("kind") == "train_test_split":
        args = [
            f"test_size={split['test_size']!r}"
            if split.get("test_size") is not None
            else "test_size=0.25"
        ]
        args.append(f"random_state={split.get('random_state')!r}")
        if not split.get("shuffle", True):
            args.append("shuffle=False")
        if split.get("stratify"):
            args.append("stratify=True")
        call = f"lt.random_split({', '.join(args)})"
    elif n_train is not None:
        call = f"lt.head_split({n_train})"
    else:
        return ""
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
    return f"from {public} import {name}\n\n\n@lt.model\ndef model():\n    return {name}({args})"


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
