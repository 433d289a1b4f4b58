"""Rows picked by position: `df.sample(...)` and scikit-learn's `resample(df, ...)` as
`take_rows`, by the very draw they make.

pandas draws a sample's positions with `np.random.RandomState(random_state).choice(len(df),
size, replace=replace)` (`pandas.core.sample`), `size` being `n`, or `round(frac * len(df))`,
or 1. The rule writes that draw inside `take_rows`, so the rows are the same by construction,
and `forget` draws again on the rows that remain, as a re-run of the script would. A sample's
size is taken as the script writes it: `frac`, or an `n` of numbers and lengths of frames
(`n=len(majority)`, `3 * len(clicks)`), those frames passed to `take_rows` in `using` so that a
deletion from them changes the size as it would in a re-run; a size computed elsewhere would
be frozen at the run's value, and is refused. A shuffle that the
analysis' permutation split replays (its head cut for training, by the frame or by X) is the
split's, and leaves the rows in their order here. Mixed
into `FrameLifter`.
"""

from __future__ import annotations

import ast
import copy
import itertools
import operator
from typing import TYPE_CHECKING

from .syntax import Unsupported
from .trace_code import statement_at
from .trace_graph import Node, at
from .trace_wide import KEYWORD_ONLY

if TYPE_CHECKING:
    from .trace_frames import FrameLifter

SAMPLE_PARAMS = ("n", "frac", "replace", "weights", "random_state", "axis", "ignore_index")
SIZE_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
SIZE_OPERATORS[ast.FloorDiv] = operator.floordiv
SIZE_FUNCTIONS = {"min": min, "max": max, "int": int}


class PositionRules:
    """The rules; `self` is a `FrameLifter`."""

    def _sample(self: FrameLifter, node: Node) -> str:
        whole = node.constant(1, "frac") == 1 and not node.constant(2, "replace", False)
        if whole and node.line is not None and node.line == self.shuffle_line:
            self.note(node, "sample of every row: the shuffle the split replays")
            return self.input_var(node)
        if node.arg(3, "weights") is not None:
            raise Unsupported(at(node.line), "a weighted sample")
        if node.constant(5, "axis") not in (None, 0, "index", "rows"):
            raise Unsupported(at(node.line), "a sample of columns")
        frac, drawn = node.constant(1, "frac"), node.constant(0, "n")
        size, used = ("1", []) if frac is None else (f"round({frac!r} * len(d))", [])
        if drawn is not None:
            size, used = self._size(node, drawn, "sample", "n")
        replace = bool(node.constant(2, "replace", False))
        return self._drawn(node, node.constant(4, "random_state"), size, used, replace)

    def _resample(self: FrameLifter, node: Node) -> str:
        """`sklearn.utils.resample(frame, replace=..., n_samples=..., random_state=s)` draws as
        a sample does (`choice(n, size, replace=True)`, or the first `size` of a shuffled
        `arange`, which is `choice(n, size, replace=False)`)."""
        if len(node.args) != 1 or node.arg(KEYWORD_ONLY, "stratify") is not None:
            raise Unsupported(at(node.line), "a resample of several arrays or stratified")
        if node.arg(KEYWORD_ONLY, "sample_weight") is not None:
            raise Unsupported(at(node.line), "a weighted resample")
        size, used = "len(d)", []
        drawn = node.constant(KEYWORD_ONLY, "n_samples")
        if drawn is not None:
            size, used = self._size(node, drawn, "resample", "n_samples")
        replace = bool(node.constant(KEYWORD_ONLY, "replace", True))
        return self._drawn(node, node.constant(KEYWORD_ONLY, "random_state"), size, used, replace)

    def _drawn(
        self: FrameLifter, node: Node, seed: object, size: str, used: list[str], replace: bool
    ) -> str:
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise Unsupported(at(node.line), f"a {node.method} without an integer random_state")
        draw = f"np.random.RandomState({seed}).choice(len(d), {size}, replace={replace})"
        base = self.input_var(node)
        params = ", ".join(["d", *(f"_n{i}" for i in range(len(used)))])
        using = f", using=[{', '.join(used)}]" if used else ""
        self.note(node, f"{node.method} (rows drawn by position: take_rows)")
        return self.emit(node, f"{base}.take_rows(lambda {params}: {draw}{using})", base)

    def _size(
        self: FrameLifter, node: Node, drawn: object, function: str, keyword: str
    ) -> tuple[str, list[str]]:
        """The size as the script writes it, each `len(frame)` in it read off that frame's
        variable (passed in `using`, so that `forget` draws again with its new size)."""
        statement = statement_at(self.functions.tree, node.line)
        written = _written_size(statement, function, keyword)
        if written is None:
            raise Unsupported(at(node.line), f"a {function} whose size the script computed")
        written = copy.deepcopy(written)  # the script's tree is shared
        lengths = [c for c in ast.walk(written) if _is_len(c)]
        frames = self._sized_frames(node, written, lengths, drawn)
        for i, call in enumerate(lengths):
            call.args[0] = ast.Name(f"_n{i}")
        used = []
        for frame in frames:
            self.users.setdefault(frame, set()).add(node.id)
            used.append(self.lift(frame))
        return ast.unparse(written), used

    def _sized_frames(
        self: FrameLifter, node: Node, written: ast.expr, lengths: list[ast.Call], drawn: object
    ) -> tuple[int, ...]:
        """The frames the lengths read: among the frames made where the script last bound
        each name (a line may bind several, `yes, no = a, b`), the one choice whose row counts
        give the size the run drew."""
        options = [self._bound_frames(call.args[0].id, node) for call in lengths]
        fits = [
            chosen
            for chosen in itertools.product(*options)
            if _evaluated(written, [self.graph[f].rows_count for f in chosen]) == drawn
        ]
        if len(fits) != 1:
            raise Unsupported(at(node.line), f"a {node.method} whose size reads frames not traced")
        return fits[0]

    def _bound_frames(self: FrameLifter, name: str, node: Node) -> list[int]:
        """The frames the line that last bound `name` before the node's line made last (not
        those it made on the way to another, `df.dropna().reset_index()`)."""
        lines = [
            n.lineno
            for n in ast.walk(self.functions.tree)
            if isinstance(n, ast.Assign) and n.lineno < (node.line or 0)
            if any(name in _bound_names(t) for t in n.targets)
        ]
        made = [
            other
            for other in self.graph.nodes[: node.id]
            if lines and other.kind == "frame" and other.line == max(lines)
        ]
        return [m.id for m in made if not any(m.id in later.inputs for later in made)]


def _bound_names(target: ast.expr) -> set[str]:
    return {t.id for t in ast.walk(target) if isinstance(t, ast.Name)}


def _evaluated(expr: ast.expr, counts: list[int | None]) -> int | None:
    """The size with its lengths, in order, replaced by these row counts (None where one is
    unknown); the expression is one `_of_numbers_and_lengths` accepted, read, never run."""
    lengths = iter(counts)

    def value(e: ast.expr) -> int | None:
        if isinstance(e, ast.Constant):
            return e.value
        if _is_len(e):
            return next(lengths)
        if isinstance(e, ast.BinOp):
            left, right = value(e.left), value(e.right)
            if left is None or right is None or isinstance(e.op, ast.FloorDiv) and right == 0:
                return None
            return SIZE_OPERATORS[type(e.op)](left, right)
        args = [value(a) for a in e.args]
        return None if None in args else SIZE_FUNCTIONS[e.func.id](*args)

    return value(expr)


def _written_size(statement: ast.stmt | None, function: str, keyword: str) -> ast.expr | None:
    """The size argument of the statement's one call of `function` (`df.sample`, `resample`),
    when it is written of numbers and `len` of names only (`3 * len(clicks)`); else None."""
    calls = [
        c
        for c in ([] if statement is None else ast.walk(statement))
        if isinstance(c, ast.Call) and _called(c) == function
    ]
    if len(calls) != 1:
        return None
    given = dict(zip(SAMPLE_PARAMS, calls[0].args, strict=False)) if function == "sample" else {}
    given.update({k.arg: k.value for k in calls[0].keywords if k.arg})
    size = given.get(keyword)
    return size if size is not None and _of_numbers_and_lengths(size) else None


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def _of_numbers_and_lengths(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int) and not isinstance(expr.value, bool)
    if _is_len(expr):
        return True
    if isinstance(expr, ast.BinOp) and type(expr.op) in SIZE_OPERATORS:
        return _of_numbers_and_lengths(expr.left) and _of_numbers_and_lengths(expr.right)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not expr.keywords:
        return expr.func.id in ("min", "max", "int") and all(
            _of_numbers_and_lengths(a) for a in expr.args
        )
    return False


def _is_len(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "len"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.Name)
    )
