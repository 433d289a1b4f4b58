"""Row predicates read from untrusted text (`forget --where`, filters of saved lineage), never evaluated.

A predicate is parsed with `ast` into a small tree of column comparisons joined by boolean
operators, and only that tree is interpreted, vectorized over the columns. Accepted:

- comparisons of a column with a literal, either way round (`age >= 18`, `18 <= age`, chains
  such as `18 <= age < 65`), with `==`, `!=`, `<`, `<=`, `>`, `>=`;
- membership: `country in ['DE', 'FR']`, `country not in (...)`, `country.isin([...])`;
- `and`, `or`, `not` and their pandas spellings `&`, `|`, `~`; parentheses;
- literals: numbers (with a sign), strings, booleans, and lists or tuples of them;
- column names as identifiers, or in backticks for other names (`` `first name` == 'Ada' ``);
- `@name` for a value given by the caller (saved filters keep their variables as literals).

Everything else (calls, attributes other than `isin`, arithmetic, subscripts, a bare column) is
refused with a `PredicateError` naming what was found. Every accepted tree yields one boolean per
row, so a predicate can never select rows by some other truth value.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import LesterError

MAX_LENGTH = 10_000
MAX_NODES = 2_000
LITERAL_TYPES = (bool, int, float, str)
COMPARISONS: dict[type, str] = {
    ast.Eq: "eq",
    ast.NotEq: "ne",
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
}
MIRRORED = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}
BACKTICK = re.compile(r"`([^`]*)`")
LOCAL = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


class PredicateError(LesterError):
    """The text is not a predicate of the accepted form (bad input)."""


@dataclass(frozen=True)
class Comparison:
    column: str
    op: str  # eq ne lt le gt ge in notin
    value: Any


@dataclass(frozen=True)
class Logical:
    op: str  # and or not
    operands: tuple[Any, ...]


@dataclass(frozen=True)
class Predicate:
    """A parsed predicate: its text and the tree interpreted by `mask`."""

    text: str
    tree: Comparison | Logical
    values: Mapping[str, Any]

    def columns(self) -> set[str]:
        return _columns(self.tree)

    def mask(self, data: pd.DataFrame) -> np.ndarray:
        """One boolean per row of `data`; a missing value never matches a comparison."""
        missing = sorted(self.columns() - set(data.columns))
        if missing:
            raise PredicateError(
                f"{self.text!r}: unknown column(s) {missing}; available: {', '.join(data.columns)}"
            )
        return _evaluate(self.tree, data, self.text)

    def redacted(self, seal: Callable[[Any], str]) -> str:
        """The predicate with every literal replaced by `seal(literal)`: audit logs record which
        columns a deletion selected on, not the values that identify the data subject."""
        return _render(self.tree, seal)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "values": dict(self.values)}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Predicate:
        """A saved predicate is re-parsed from its text with its saved literals, never trusted as a
        tree: what a file says goes through the same whitelist as what a user types."""
        return parse(str(doc["text"]), doc.get("values") or {})


def parse(text: str, values: Mapping[str, Any] | None = None) -> Predicate:
    """Parse `text` into a predicate; `values` gives the literals `@name` refers to."""
    if not isinstance(text, str) or not text.strip():
        raise PredicateError("the predicate is empty")
    if len(text) > MAX_LENGTH:
        raise PredicateError(f"the predicate is longer than {MAX_LENGTH} characters")
    names: dict[str, str] = {}
    source = BACKTICK.sub(lambda m: _placeholder(names, m.group(1)), text)
    source = LOCAL.sub(lambda m: f"__local__{m.group(1)}", source)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise PredicateError(f"{text!r} is not a predicate: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise PredicateError(f"the predicate has more than {MAX_NODES} parts")
    literals = {k: _plain(v) for k, v in (values or {}).items()}
    reader = _Reader(text, names, literals)
    return Predicate(text, reader.condition(tree.body), literals)


def _placeholder(names: dict[str, str], column: str) -> str:
    key = f"__column__{len(names)}"
    names[key] = column
    return key


@dataclass
class _Reader:
    text: str
    names: dict[str, str]
    values: dict[str, Any]

    def refuse(self, node: ast.AST, what: str) -> PredicateError:
        snippet = ast.unparse(node).replace("__local__", "@")
        for key, column in self.names.items():
            snippet = snippet.replace(key, f"`{column}`")
        return PredicateError(
            f"{self.text!r}: {what} ({snippet!r}); a predicate compares columns with literals, "
            "joined by and/or/not (& | ~), with in/not in/isin for lists"
        )

    def condition(self, node: ast.AST) -> Comparison | Logical:
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return Logical(op, tuple(self.condition(v) for v in node.values))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd | ast.BitOr):
            op = "and" if isinstance(node.op, ast.BitAnd) else "or"
            return Logical(op, (self.condition(node.left), self.condition(node.right)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert):
            return Logical("not", (self.condition(node.operand),))
        if isinstance(node, ast.Compare):
            return self.comparison(node)
        if isinstance(node, ast.Call):
            return self.isin(node)
        raise self.refuse(node, "not a condition")

    def comparison(self, node: ast.Compare) -> Comparison | Logical:
        parts = [node.left, *node.comparators]
        links = []
        for left, op, right in zip(parts, node.ops, parts[1:], strict=False):
            links.append(self.link(left, op, right, node))
        return links[0] if len(links) == 1 else Logical("and", tuple(links))

    def link(self, left: ast.AST, op: ast.cmpop, right: ast.AST, node: ast.AST) -> Comparison:
        if isinstance(op, ast.In | ast.NotIn):
            column = self.column(left, node)
            return Comparison(
                column, "in" if isinstance(op, ast.In) else "notin", self.items(right)
            )
        if type(op) not in COMPARISONS:
            raise self.refuse(node, "an unsupported comparison")
        name = COMPARISONS[type(op)]
        if self.is_column(left):
            return Comparison(self.column(left, node), name, self.scalar(right))
        if self.is_column(right):
            return Comparison(self.column(right, node), MIRRORED[name], self.scalar(left))
        raise self.refuse(node, "a comparison without a column")

    def isin(self, node: ast.Call) -> Comparison:
        func = node.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "isin"
            and len(node.args) == 1
            and not node.keywords
        ):
            raise self.refuse(node, "a call other than column.isin([...])")
        return Comparison(self.column(func.value, node), "in", self.items(node.args[0]))

    def is_column(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and not node.id.startswith("__local__")

    def column(self, node: ast.AST, context: ast.AST) -> str:
        if not self.is_column(node):
            raise self.refuse(context, "expected a column name")
        return self.names.get(node.id, node.id)

    def scalar(self, node: ast.AST) -> Any:
        value = self.literal(node)
        if not isinstance(value, LITERAL_TYPES):
            raise self.refuse(node, "expected a number, string or boolean")
        return value

    def items(self, node: ast.AST) -> tuple[Any, ...]:
        value = self.literal(node)
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, LITERAL_TYPES) for v in value
        ):
            raise self.refuse(node, "expected a list of numbers, strings or booleans")
        return tuple(value)

    def literal(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Name) and node.id.startswith("__local__"):
            name = node.id.removeprefix("__local__")
            if name not in self.values:
                raise self.refuse(node, f"@{name} has no value")
            return self.values[name]
        if isinstance(node, ast.List | ast.Tuple):
            return [self.literal(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = self.literal(node.operand)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.refuse(node, "a sign before something that is no number")
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant) and isinstance(node.value, LITERAL_TYPES):
            return node.value
        raise self.refuse(node, "not a literal")


def _plain(value: Any) -> Any:
    """A caller's value as a literal: NumPy scalars unwrapped, sequences as lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Index | pd.Series):
        return [_plain(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value)]
    return value


def _columns(tree: Comparison | Logical) -> set[str]:
    if isinstance(tree, Comparison):
        return {tree.column}
    return set().union(*(_columns(t) for t in tree.operands))


def _evaluate(tree: Comparison | Logical, data: pd.DataFrame, text: str) -> np.ndarray:
    if isinstance(tree, Logical):
        parts = [_evaluate(t, data, text) for t in tree.operands]
        if tree.op == "not":
            return ~parts[0]
        return np.logical_and.reduce(parts) if tree.op == "and" else np.logical_or.reduce(parts)
    column = data[tree.column]
    present = column.notna().to_numpy()
    try:
        if tree.op in ("in", "notin"):
            hit = column.isin(list(tree.value)).to_numpy(dtype=bool)
            return (hit if tree.op == "in" else ~hit) & present
        result = getattr(column, tree.op)(tree.value)
    except TypeError as exc:
        raise PredicateError(
            f"{text!r}: cannot compare column {tree.column!r} ({column.dtype}) with "
            f"{tree.value!r}: {exc}"
        ) from None
    return result.fillna(False).to_numpy(dtype=bool) & present


SYMBOLS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "in": "in",
    "notin": "not in",
}


def _render(tree: Comparison | Logical, seal: Callable[[Any], str]) -> str:
    if isinstance(tree, Comparison):
        value = tree.value
        shown = (
            "[" + ", ".join(seal(v) for v in value) + "]"
            if isinstance(value, tuple)
            else seal(value)
        )
        return f"`{tree.column}` {SYMBOLS[tree.op]} {shown}"
    if tree.op == "not":
        return f"not ({_render(tree.operands[0], seal)})"
    return "(" + f" {tree.op} ".join(_render(t, seal) for t in tree.operands) + ")"
