"""The trace lifter: the original's executed dataflow turned into a declarative pipeline.

From the final fit, the X and y the tracer recorded are followed back: through the final split's
training part, through `.values`/`to_numpy`/`np.array`, through column selections and
`np.hstack` pieces, through the scikit-learn transformers that made them, to one prepared frame
`B`: the latest frame, on the row-keeping chain behind X, that holds every column X and y are
computed from with the values they were computed from. Then:

- the preparation is `B` lifted operation by operation (`trace_frames`);
- the encoder is a ColumnTransformer of X's blocks in order: columns passed through as they are,
  and the original's own scikit-learn objects (class, parameters, the columns they received),
  fitted on all rows when the original fitted them before the split, on the training rows after;
  a scikit-learn `Pipeline` model gives its steps before the estimator;
- the label is y's expression over B's columns.

Whatever the dataflow does not show (an opaque value, an operation without a rule) raises
`Unsupported`, and the proposer tries its other rules (the loop lifter, the encoder and label
synthesis), then the next proposer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..oracle.dataflow import ancestors
from .syntax import Unsupported
from .trace_code import Functions, constant_code, estimator_code
from .trace_frames import FrameLifter, assigned_name
from .trace_graph import Graph, Node, at, ref, split_input
from .trace_series import SeriesCompiler, Target

EXITS = frozenset(
    {
        "DataFrame.values",
        "DataFrame.to_numpy",
        "Series.values",
        "Series.to_numpy",
        "np.array",
        "np.asarray",
    }
)
STACKS = frozenset({"np.hstack", "np.column_stack", "np.concatenate"})
SPLITS = frozenset({"sklearn.train_test_split"})
TRANSFORMS = frozenset({"sklearn.fit_transform", "sklearn.transform"})


@dataclass
class Block:
    """A run of X's columns: `columns` of B passed through, or `estimator` applied to them."""

    columns: list[Any]
    estimator: dict[str, Any] | None = None
    one_column: bool = False  # the estimator was given a Series (text vectorizers)
    fitted_on: str | None = None  # "all" or "train"


@dataclass
class TracePlan:
    body: list[str]
    result: str
    trail: list[str]
    encoder: str | None = None
    encoder_imports: list[str] = field(default_factory=list)
    fit_on: str = "train"
    label: str | None = None
    label_problem: str | None = None


class TraceLift:
    def __init__(
        self, dag: dict[str, Any], source: str, sources: dict[str, str], module_names: set[str]
    ) -> None:
        if not dag or dag.get("X") is None:
            raise Unsupported(
                None, "the final fit's X was not traced (it was built outside pandas)"
            )
        plain = Graph(dag)
        self.functions = Functions(source, module_names)
        self.tree = self.functions.tree
        self.x_root = self._peel(plain, dag["X"])[0]
        self.split = _final_split(plain, dag)
        parts = {n.id for n in plain.nodes if n.op == "part" and n.inputs == [self.split]}
        self.graph = Graph(dag, parts if self.split is not None else set())
        self.y_root = self._peel(plain, dag["y"])[0] if dag.get("y") is not None else None
        self.read_sources = self._sources(sources)

    def _sources(self, sources: dict[str, str]) -> dict[int, str]:
        """Read nodes whose file is a source of the pipeline, with the source's name."""
        found = {}
        for read in self.graph.reads:
            if read.get("node") is not None and read.get("file") in sources:
                found[read["node"]] = sources[read["file"]]
        return found

    @staticmethod
    def _peel(graph: Graph, node_id: int) -> tuple[int, int | None]:
        """Back from a fit input through the split's training part and array conversions."""
        split = None
        while True:
            node = graph[node_id]
            if node.op == "part" and graph[node.inputs[0]].op in SPLITS:
                split = node.inputs[0]
                node_id = split_input(graph[split], node.raw.get("index", 0))
            elif node.op in EXITS and node.inputs:
                node_id = node.inputs[0]
            else:
                return node_id, split

    # ---- X ------------------------------------------------------------------------------------

    def blocks(self) -> tuple[list[Block], list[int]]:
        """X's blocks in order, and the frames their columns are read from."""
        root = self.graph[self.x_root]
        pieces = self._pieces(root)
        blocks, frames = [], []
        for piece in pieces:
            block, frame = self._block(piece)
            blocks.append(block)
            frames.append(frame)
        return blocks, frames

    def _pieces(self, root: Node) -> list[Node]:
        if root.op not in STACKS:
            return [root]
        items = root.arg(0, "tup") if root.op != "np.concatenate" else root.arg(0, "arrays")
        if root.op == "np.concatenate" and root.constant(1, "axis", 0) != 1:
            raise Unsupported(at(root.line), "X stacked along rows")
        pieces = []
        for item in items if isinstance(items, list) else (items or {}).get("tuple", []):
            if ref(item) is None:
                raise Unsupported(at(root.line), "a piece of X that was not traced")
            pieces.append(self.graph[self._peel(self.graph, ref(item))[0]])
        return pieces

    def _block(self, piece: Node) -> tuple[Block, int]:
        if piece.op in TRANSFORMS:
            return self._recorded(piece)
        if piece.kind == "frame":
            return Block(list(piece.columns)), piece.id
        if piece.kind == "series" and piece.owner == "DataFrame" and piece.inputs:
            return Block([piece.constant(0, "key")]), piece.inputs[0]
        raise Unsupported(at(piece.line), f"X comes from {piece.op}, which is not a frame")

    def _recorded(self, node: Node) -> tuple[Block, int]:
        """The block a scikit-learn transformer made, with the rows it was fitted on."""
        data = self.graph[ref(node.raw.get("X"))] if ref(node.raw.get("X")) is not None else None
        if data is None:
            raise Unsupported(at(node.line), "a transformer of untraced data")
        data = self.graph[self._peel(self.graph, data.id)[0]]
        if data.kind == "series" and data.owner == "DataFrame":
            block = Block([data.constant(0, "key")], node.raw["estimator"], one_column=True)
            frame = data.inputs[0]
        elif data.kind == "frame":
            block, frame = Block(list(data.columns), node.raw["estimator"]), data.id
        else:
            raise Unsupported(at(node.line), f"a transformer of {data.op}")
        block.fitted_on = self._fitted_on(node)
        return block, frame

    def _fitted_on(self, node: Node) -> str:
        """`train` when the transformer was fitted on the training part, `all` before the split."""
        fit = node
        if node.op == "sklearn.transform":
            fits = [
                n
                for n in self.graph.nodes[: node.id]
                if n.op in ("sklearn.fit", "sklearn.fit_transform")
                and n.raw.get("estimator_id") == node.raw.get("estimator_id")
            ]
            if not fits:
                raise Unsupported(at(node.line), "a transform of a transformer never fitted")
            fit = fits[-1]
        data = ref(fit.raw.get("X"))
        if data is None:
            raise Unsupported(at(fit.line), "a transformer fitted on untraced data")
        trained = any(i in self.graph.split_parts for i in self._chain(data))
        return "train" if trained else "all"

    def _chain(self, node_id: int) -> list[int]:
        chain = []
        while True:
            chain.append(node_id)
            node = self.graph[node_id]
            if (
                node.op in EXITS
                and node.inputs
                or node.owner == "DataFrame"
                and node.method == "__getitem__"
                and node.inputs
            ):
                node_id = node.inputs[0]
            else:
                return chain

    # ---- the prepared frame -------------------------------------------------------------------

    def prepared(self, blocks: list[Block], frames: list[int]) -> tuple[int, list[int]]:
        """B: the latest frame behind X that holds every column X and y need, as they were;
        and the frames of new columns computed from B's rows (dummies of one of its columns),
        which the preparation puts beside B."""
        pairs = list(zip(blocks, frames, strict=True))
        for candidate in self._candidates(frames[0]):
            beside = [f for b, f in pairs if self._beside(candidate, b, f)]
            held = all(self._holds(candidate, b, f) or f in beside for b, f in pairs)
            if held and (self.y_root is None or self._label(candidate) is not None):
                return candidate, list(dict.fromkeys(beside))
        raise Unsupported(None, "no single frame holds every column X and y are computed from")

    def _beside(self, candidate: int, block: Block, frame: int) -> bool:
        """A frame of columns B does not have, with B's rows: it can stand beside B."""
        node = self.graph[frame]
        if block.estimator is not None or node.kind != "frame":
            return False
        new = not set(node.columns) & set(self.graph[candidate].columns)
        return new and self.graph.rows(frame) == self.graph.rows(candidate)

    def _candidates(self, start: int) -> list[int]:
        found, node = [], self.graph[start]
        while True:
            if node.kind == "frame" and node.id not in self.graph.split_parts:
                found.append(node.id)  # the prepared rows are the rows before the split
            previous = self.graph.row_source(node)
            if previous is None:
                return found
            node = previous

    def _holds(self, candidate: int, block: Block, frame: int) -> bool:
        target = Target(self.graph, candidate, str)
        return all(target.holds(self.graph[frame], c) for c in block.columns)

    def _label(self, frame: int) -> str | None:
        target = Target(self.graph, frame, lambda c: f"data[{c!r}]")
        try:
            expr = SeriesCompiler(self.graph, self.functions, target, _no_groups).compile(
                self.y_root
            )
        except Unsupported:
            return None
        return expr.code

    # ---- the plan -----------------------------------------------------------------------------

    def plan(self) -> TracePlan:
        blocks, frames = self.blocks()
        blocks = self._model_pipeline(blocks)
        prepared, beside = self.prepared(blocks, frames)
        names = lambda line: assigned_name(self.tree, line)  # noqa: E731
        taken = set(self.read_sources.values()) | {"data_dir"}
        lifter = FrameLifter(self.graph, self.functions, self.read_sources, names, taken)
        result = lifter.lift(prepared)
        for frame in beside:
            result = lifter.beside(result, lifter.lift(frame))
        plan = TracePlan(lifter.lines, result, lifter.trail)
        plan.encoder, plan.encoder_imports, plan.fit_on = encoder_code(blocks, self.functions)
        plan.label = self._label(prepared) if self.y_root is not None else None
        if plan.label is None:
            plan.label_problem = "y's computation is not a column expression of the prepared frame"
        return plan

    def _model_pipeline(self, blocks: list[Block]) -> list[Block]:
        """A scikit-learn Pipeline fitted as the model: its steps before the estimator encode."""
        fits = [n for n in self.graph.nodes if n.op == "sklearn.fit" and n.raw.get("model")]
        if not fits or len(blocks) != 1 or blocks[0].estimator is not None:
            return blocks
        estimator = fits[-1].raw.get("estimator") or {}
        if not str(estimator.get("class", "")).endswith(".Pipeline"):
            return blocks
        steps = (estimator.get("params") or {}).get("steps") or []
        transforms = [s["tuple"][1] for s in steps[:-1] if isinstance(s, dict) and "tuple" in s]
        if not transforms or not all(isinstance(t, dict) and "estimator" in t for t in transforms):
            raise Unsupported(None, "a Pipeline whose steps are not estimators")
        if len(transforms) == 1:
            chosen = transforms[0]["estimator"]
        else:
            kept = {"tuple": [s for s in steps[:-1]]}
            chosen = {"class": "sklearn.pipeline.Pipeline", "params": {"steps": kept["tuple"]}}
        fitted = "train" if self.graph.split_parts else "all"
        return [Block(blocks[0].columns, chosen, fitted_on=fitted)]


def _final_split(graph: Graph, dag: dict[str, Any]) -> int | None:
    """The latest `train_test_split` whose output the final fit's X was computed from."""
    behind = ancestors(dag, [dag.get("X")])
    splits = [
        graph[graph[i].inputs[0]].id
        for i in behind
        if graph[i].op == "part" and graph[graph[i].inputs[0]].op in SPLITS
    ]
    return max(splits) if splits else None


def _no_groups(_hint: str) -> str:
    raise Unsupported(None, "a group-wise transform in the label")


def encoder_code(blocks: list[Block], functions: Functions) -> tuple[str, list[str], str]:
    """The body of `features()`, its imports, and the rows its transformers are fitted on."""
    imports: dict[str, str] = {}
    entries: list[str] = []
    modes = {b.fitted_on for b in blocks if b.estimator is not None and b.fitted_on}
    if len(modes) > 1:
        raise Unsupported(None, "transformers fitted on the training rows and on all rows")
    for index, block in enumerate(blocks):
        if block.estimator is None:
            entries.append(f"({_name(block.columns, index)!r}, 'passthrough', {block.columns!r})")
            continue
        inner = _flattened(block, functions, imports)
        if inner is not None:
            entries.extend(inner)
            continue
        columns = block.columns[0] if block.one_column else block.columns
        code = estimator_code(block.estimator, functions, imports)
        entries.append(f"({_name(block.columns, index)!r}, {code}, {columns!r})")
    body = (
        "return ColumnTransformer(\n    [\n"
        + "".join(f"        {e},\n" for e in entries)
        + "    ]\n)"
    )
    return body, sorted(set(imports.values())), (modes.pop() if modes else "train")


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


def trace_plan(
    dag: dict[str, Any] | None, source: str, sources: dict[str, str], names: set[str]
) -> TracePlan:
    """The pipeline parts the dataflow gives; `sources` maps files to source names, `names` are
    the module-level names a generated function may use."""
    return TraceLift(dag or {}, source, sources, names).plan()
