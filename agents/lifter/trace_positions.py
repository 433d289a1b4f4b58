"""Rows picked by position: `df.sample(...)` as `take_rows`, by the very draw pandas makes.

pandas draws a sample's positions with `np.random.RandomState(random_state).choice(len(df),
size, replace=replace)` (`pandas.core.sample`), `size` being `n`, or `round(frac * len(df))`,
or 1. The rule writes that draw inside `take_rows`, so the rows are the same by construction,
and `forget` draws again on the rows that remain, as a re-run of the script would. A sample's
size is taken only as the script writes it (a literal `n`, or `frac`): a size the script
computed from the data (`n=len(majority)`) would be frozen at the run's value. A shuffle whose
head is cut for training is a split's (`trace_graph.shuffled_frame`), not this rule's. Mixed
into `FrameLifter`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .syntax import Unsupported
from .trace_code import statement_at
from .trace_graph import Node, at

if TYPE_CHECKING:
    from .trace_frames import FrameLifter

SAMPLE_PARAMS = ("n", "frac", "replace", "weights", "random_state", "axis", "ignore_index")


class PositionRules:
    """The rule; `self` is a `FrameLifter`."""

    def _sample(self: FrameLifter, node: Node) -> str:
        seed = node.constant(4, "random_state")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise Unsupported(at(node.line), "a sample without an integer random_state")
        if node.arg(3, "weights") is not None:
            raise Unsupported(at(node.line), "a weighted sample")
        if node.constant(5, "axis") not in (None, 0, "index", "rows"):
            raise Unsupported(at(node.line), "a sample of columns")
        n, frac = node.constant(0, "n"), node.constant(1, "frac")
        if n is not None and not self._written_size(node):
            raise Unsupported(at(node.line), "a sample whose size the script computed")
        size = (
            str(int(n)) if n is not None else "1" if frac is None else f"round({frac!r} * len(d))"
        )
        replace = bool(node.constant(2, "replace", False))
        draw = f"np.random.RandomState({seed}).choice(len(d), {size}, replace={replace})"
        base = self.input_var(node)
        self.note(node, "sample (rows drawn by position: take_rows)")
        return self.emit(node, f"{base}.take_rows(lambda d: {draw})", base)

    def _written_size(self: FrameLifter, node: Node) -> bool:
        """Whether the `sample` call at the node's line writes its `n` as a number."""
        statement = statement_at(self.functions.tree, node.line)
        calls = [
            c
            for c in ([] if statement is None else ast.walk(statement))
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
            if c.func.attr == "sample"
        ]
        if len(calls) != 1:
            return False
        call = calls[0]
        given = dict(zip(SAMPLE_PARAMS, call.args, strict=False))
        given.update({k.arg: k.value for k in call.keywords if k.arg})
        return isinstance(given.get("n"), ast.Constant)
