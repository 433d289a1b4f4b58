"""X as the final fit received it, in blocks of columns: what the trace lifter's encoder is made of.

X is one frame's columns (`df[cols].values`), or pieces stacked side by side (`np.hstack`,
`np.column_stack`, frames put beside each other with `pd.concat(..., axis=1)`). Each piece is
one of:

- columns of a frame, passed through as they are;
- the output of one of the original's scikit-learn transformers (its class and parameters as
  recorded, the columns it was given, fitted on all rows when its fit came before the split and
  on the training rows when it came after), also when the script assigned that output back
  into the frame (`df[cols] = scaler.fit_transform(df[cols])`);
- a gap: NumPy the tracer cannot see into (`np.log1p(a.to_numpy())`), its width known, left for
  the encoder synthesis to reproduce from the prepared data.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..oracle.dataflow import FITS
from .syntax import Unsupported
from .trace_code import Functions, constant_code, estimator_code, is_label_encoder
from .trace_graph import EXITS, Graph, Node, at, ref

STACKS = frozenset({"np.hstack", "np.column_stack", "np.concatenate"})
TRANSFORMS = frozenset({"sklearn.fit_transform", "sklearn.transform"})


@dataclass
class Block:
    """A run of `width` columns of X."""

    columns: list[Any]
    width: int
    estimator: dict[str, Any] | None = None
    one_column: bool = False  # the estimator was given a Series (text vectorizers)
    fitted_on: str | None = None  # "all" or "train"
    frame: int | None = None  # the frame the columns are read from
    gap: bool = False  # not traced: for the synthesis
    assigned_by: int | None = None  # the `df[c] = t.fit_transform(df[c])` that put it in X


@dataclass(frozen=True)
class Gap:
    """X's columns `start..stop-1`, which the synthesis must reproduce."""

    start: int
    stop: int


class XBlocks:
    """Reads X's blocks off the graph; `peel` goes back through array conversions."""

    def __init__(self, graph: Graph, peel: Callable[[int], int]) -> None:
        self.graph = graph
        self.peel = peel

    def blocks(self, root: int) -> list[Block]:
        pieces = self._pieces(self.graph[root])
        blocks = [b for piece in pieces for b in self._piece_blocks(piece)]
        if all(b.gap for b in blocks):
            node = self.graph[root]
            raise Unsupported(at(node.line), f"X comes from {node.op}, which is not traced")
        return blocks

    def _pieces(self, root: Node) -> list[Node]:
        if _frames_side_by_side(root):  # `pd.concat([num, dummies], axis=1)`: a stack of frames
            items = root.arg(0, "objs")
        elif root.op not in STACKS:
            return [root]
        else:
            items = root.arg(0, "tup") if root.op != "np.concatenate" else root.arg(0, "arrays")
        if root.op == "np.concatenate" and root.constant(1, "axis", 0) != 1:
            raise Unsupported(at(root.line), "X stacked along rows")
        pieces = []
        for item in items if isinstance(items, list) else (items or {}).get("tuple", []):
            if ref(item) is None:
                raise Unsupported(at(root.line), "a piece of X that was not traced")
            pieces.append(self.graph[self.peel(ref(item))])
        return pieces

    def _piece_blocks(self, piece: Node) -> list[Block]:
        if piece.op in TRANSFORMS:
            return [self.recorded(piece)]
        if piece.kind == "frame":
            return self._frame_blocks(piece)
        if piece.kind == "series" and piece.owner == "DataFrame" and piece.inputs:
            return [Block([piece.constant(0, "key")], 1, frame=piece.inputs[0])]
        shape = piece.out.get("shape") or []
        if len(shape) in (1, 2):
            return [Block([], shape[1] if len(shape) == 2 else 1, gap=True)]
        raise Unsupported(at(piece.line), f"X comes from {piece.op}, of an unknown width")

    def _frame_blocks(self, frame: Node) -> list[Block]:
        """A frame's columns: passed through, except runs the script assigned from a
        transformer's output, which that transformer produces instead."""
        blocks: list[Block] = []
        last = None
        for column in frame.columns:
            origin, made = self._assigned_from(frame, column)
            if made is not None:
                if last != made.id:
                    blocks.append(self.recorded(made))
                    blocks[-1].width, blocks[-1].assigned_by, last = 0, origin, made.id
                blocks[-1].width += 1
                continue
            last = None
            if blocks and blocks[-1].estimator is None and blocks[-1].frame == frame.id:
                blocks[-1].columns.append(column)
                blocks[-1].width += 1
            else:
                blocks.append(Block([column], 1, frame=frame.id))
        return blocks

    def _assigned_from(self, frame: Node, column: Any) -> tuple[int, Node | None]:
        """The assignment that last set this column, and the transformer call whose output it
        assigned, if it was one."""
        origin = self.graph[self.graph.version(frame.id, column)[0]]
        if origin.op != "DataFrame.__setitem__":
            return origin.id, None
        value = ref(origin.arg(1, "value"))
        made = self.graph[value] if value is not None else None
        if made is None or made.op not in TRANSFORMS or not self._of_columns(made):
            return origin.id, None  # a transformer of an expression is the preparation's
        return origin.id, made

    def _of_columns(self, node: Node) -> bool:
        """Whether a transformer read a frame or one of its columns (what `recorded` takes)."""
        data_node = self._transformed(node)
        return data_node is not None and (data_node.kind == "frame" or _a_column(data_node))

    def _transformed(self, node: Node) -> Node | None:
        """What a transformer was given, through array conversions (None when untraced)."""
        data = ref(node.raw.get("X"))
        return self.graph[self.peel(data)] if data is not None else None

    def recorded(self, node: Node) -> Block:
        """The block a scikit-learn transformer made, with the rows it was fitted on."""
        data_node = self._transformed(node)
        if data_node is None:
            raise Unsupported(at(node.line), "a transformer of untraced data")
        width = (node.out.get("shape") or [0, 0])[-1] if node.kind == "array" else 0
        estimator = node.raw["estimator"]
        if _a_column(data_node):
            column = data_node.constant(0, "key")
            block = Block([column], width, estimator, one_column=True, frame=data_node.inputs[0])
        elif data_node.kind == "frame":
            block = Block(list(data_node.columns), width, estimator, frame=data_node.id)
        else:
            raise Unsupported(at(node.line), f"a transformer of {data_node.op}")
        block.fitted_on = self._fitted_on(node)
        return block

    def _fitted_on(self, node: Node) -> str:
        """`train` when the transformer was fitted on the training part, `all` before the split."""
        fit = node
        if node.op == "sklearn.transform":
            same = node.raw.get("estimator_id")
            fits = [
                n
                for n in self.graph.nodes[: node.id]
                if n.op in FITS and n.raw.get("estimator_id") == same
            ]
            if not fits:
                raise Unsupported(at(node.line), "a transform of a transformer never fitted")
            fit = fits[-1]
        data = ref(fit.raw.get("X"))
        if data is None:
            raise Unsupported(at(fit.line), "a transformer fitted on untraced data")
        trained = any(i in self.graph.split_parts for i in self.chain(data))
        return "train" if trained else "all"

    def chain(self, node_id: int) -> list[int]:
        """The node and what it was selected or converted from."""
        chain = []
        while True:
            chain.append(node_id)
            node = self.graph[node_id]
            selects = node.owner == "DataFrame" and node.method == "__getitem__"
            if (node.op in EXITS or selects) and node.inputs:
                node_id = node.inputs[0]
            else:
                return chain


def _frames_side_by_side(node: Node) -> bool:
    """`pd.concat(frames, axis=1)`: X's pieces are the frames, each read where it comes from
    (the prepared frame must hold them all with the same rows, or X is refused)."""
    return node.op == "pd.concat" and node.constant(1, "axis", 0) in (1, "columns")


def encoder_entries(
    blocks: list[Block], functions: Functions
) -> tuple[list[str | Gap], list[str], str | None]:
    """The ColumnTransformer's entries (gaps where the synthesis must fill in), their imports,
    and the rows the recorded transformers are fitted on (None when none is)."""
    imports: dict[str, str] = {}
    entries: list[str | Gap] = []
    modes = {b.fitted_on for b in blocks if b.estimator is not None and b.fitted_on}
    if len(modes) > 1:
        raise Unsupported(None, "transformers fitted on the training rows and on all rows")
    position = 0
    for index, block in enumerate(blocks):
        if block.gap:
            entries.append(Gap(position, position + block.width))
        elif block.estimator is None:
            entries.append(f"({_name(block.columns, index)!r}, 'passthrough', {block.columns!r})")
        else:
            entries.extend(
                _flattened(block, functions, imports) or [_entry(block, index, functions, imports)]
            )
        position += block.width
    return entries, sorted(set(imports.values())), (modes.pop() if modes else None)


def _entry(block: Block, index: int, functions: Functions, imports: dict[str, str]) -> str:
    if _label_encoded(block):
        imports["LabelCodes"] = "from lester.abstraction.encoders import LabelCodes"
        return f"({_name(block.columns, index)!r}, LabelCodes(), {block.columns!r})"
    columns = block.columns[0] if block.one_column else block.columns
    code = estimator_code(block.estimator, functions, imports)
    return f"({_name(block.columns, index)!r}, {code}, {columns!r})"


def _label_encoded(block: Block) -> bool:
    """A `LabelEncoder` of one frame column (`df[c] = LabelEncoder().fit_transform(df[c])`).

    It cannot sit in a ColumnTransformer, whose parts are fitted with `(X, y)` while it takes
    only `y`; `LabelCodes` gives its codes on that one column."""
    return block.one_column and is_label_encoder(block.estimator)


def _a_column(node: Node) -> bool:
    return node.kind == "series" and node.owner == "DataFrame"


def _flattened(block: Block, functions: Functions, imports: dict[str, str]) -> list[str] | None:
    """A recorded ColumnTransformer given the frame it selects from, as the encoder's own
    entries (when it drops the columns it does not name, as by default)."""
    described = block.estimator or {}
    if not str(described.get("class", "")).endswith(".ColumnTransformer"):
        return None
    params = described.get("params") or {}
    if params.get("remainder", "drop") != "drop":
        return None
    entries = []
    for item in params.get("transformers") or []:
        name, transformer, columns = (item.get("tuple") or [None, None, None])[:3]
        if isinstance(transformer, dict) and "estimator" in transformer:
            code = estimator_code(transformer["estimator"], functions, imports)
        elif transformer in ("passthrough", "drop"):
            code = repr(transformer)
        else:
            raise Unsupported(None, "a ColumnTransformer part that is not an estimator")
        entries.append(f"({name!r}, {code}, {constant_code(columns)})")
    return entries


def _name(columns: list[Any], index: int) -> str:
    names = [str(c) for c in columns]
    if len(names) <= 2:
        return "_".join(names) or f"block_{index}"
    return f"{names[0]}_to_{names[-1]}"


def encoder_body(entries: list[str]) -> str:
    """The body of `features()` for these entries."""
    rows = "".join(f"        {e},\n" for e in entries)
    return f"return ColumnTransformer(\n    [\n{rows}    ]\n)"


def unique_names(entries: list[str]) -> list[str]:
    """ColumnTransformer entries with distinct names (a synthesized block may reuse a name)."""
    seen: dict[str, int] = {}
    out = []
    for entry in entries:
        node = ast.parse(entry, mode="eval").body
        name = node.elts[0].value if isinstance(node, ast.Tuple) else None
        if not isinstance(name, str):
            out.append(entry)
            continue
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            node.elts[0] = ast.Constant(f"{name}_{seen[name]}")
            entry = ast.unparse(node)
        out.append(entry)
    return out
