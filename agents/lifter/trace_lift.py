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
from .trace_blocks import EXITS, STACKS, Block, Gap, XBlocks, encoder_body, encoder_entries
from .trace_code import Functions
from .trace_frames import FrameLifter, assigned_name
from .trace_graph import Graph, Node, shuffled_frame, split_input
from .trace_series import SeriesCompiler, Target

SPLITS = frozenset({"sklearn.train_test_split"})


@dataclass
class TracePlan:
    """The parts the dataflow gives: the preparation, the encoder's entries (with gaps the
    synthesis fills), the rows its transformers are fitted on, the label expression."""

    body: list[str]
    result: str
    trail: list[str]
    lines: list[int] = field(default_factory=list)  # the script lines the preparation came from
    entries: list[str | Gap] = field(default_factory=list)
    encoder_imports: list[str] = field(default_factory=list)
    fit_on: str | None = None
    label: str | None = None

    @property
    def encoder(self) -> str | None:
        """The body of `features()`, when no part of X is left to the synthesis."""
        if not self.entries or any(isinstance(e, Gap) for e in self.entries):
            return None
        return encoder_body([str(e) for e in self.entries])


class TraceLift:
    def __init__(
        self,
        dag: dict[str, Any],
        source: str,
        sources: dict[str, str],
        module_names: set[str],
        x_shape: list[int] | None = None,
        rows: int | None = None,
        shuffle_line: int | None = None,
    ) -> None:
        if not dag or not dag.get("nodes"):
            raise Unsupported(None, "the script's dataflow was not traced")
        plain = Graph(dag)
        self.functions = Functions(source, module_names)
        self.tree = self.functions.tree
        self.x_root = self._peel(plain, _x_node(plain, dag, x_shape, rows))
        self.split = _final_split(plain, dag)
        parts = {n.id for n in plain.nodes if n.op == "part" and n.inputs == [self.split]}
        if self.split is not None and plain[self.split].op not in SPLITS:
            parts = {self.split}  # rows deleted by position, the head of a shuffle: a part
        self.graph = Graph(dag, parts if self.split is not None else set())
        self.y_root = self._peel(plain, dag["y"]) if dag.get("y") is not None else None
        self.read_sources = self._sources(sources)
        self.x = XBlocks(self.graph, lambda node: self._peel(self.graph, node))
        self.in_place: dict[int, list[Any]] = {}  # setter -> columns, for the encoder to do
        self.shuffle_line = shuffle_line  # a shuffle the analysis' permutation split replays

    def _sources(self, sources: dict[str, str]) -> dict[int, str]:
        """Read nodes whose file is a source of the pipeline, with the source's name."""
        found = {}
        for read in self.graph.reads:
            if read.get("node") is not None and read.get("file") in sources:
                found[read["node"]] = sources[read["file"]]
        return found

    @staticmethod
    def _peel(graph: Graph, node_id: int) -> int:
        """Back from a fit input through a split's training part and array conversions."""
        while True:
            node = graph[node_id]
            if node.op == "part" and graph[node.inputs[0]].op in SPLITS:
                node_id = split_input(graph[node.inputs[0]], node.raw.get("index", 0))
            elif (
                node.op in EXITS or _to_float(node) or _to_own_dtype(graph, node)
            ) and node.inputs:
                node_id = node.inputs[0]
            else:
                return node_id

    # ---- the prepared frame -------------------------------------------------------------------

    def prepared(self, blocks: list[Block]) -> tuple[int, list[int]]:
        """B: the latest frame behind X that holds every column X needs, as they were (and y's,
        when y is a column expression at all); and the frames of new columns computed from B's
        rows (dummies of one of its columns), which the preparation puts beside B."""
        known = [b for b in blocks if not b.gap]
        fits = []
        latest = max(b.frame for b in known)  # after the columns encoded in place
        for candidate in dict.fromkeys(self._candidates(known[0].frame) + self._candidates(latest)):
            beside = [b.frame for b in known if self._beside(candidate, b)]
            if all(self._holds(candidate, b) or b.frame in beside for b in known):
                fits.append((candidate, list(dict.fromkeys(beside))))
                if self.y_root is None or self._label(candidate) is not None:
                    return fits[-1]
        if fits:  # the label is left to the synthesis: keep the columns it may need
            chosen = 0
            while chosen + 1 < len(fits) and self._selects(fits[chosen][0]):
                chosen += 1
            return fits[chosen]
        raise Unsupported(None, "no single frame holds every column X is computed from")

    def _selects(self, node_id: int) -> bool:
        node = self.graph[node_id]
        key = node.arg(0, "key") if node.method == "__getitem__" else None
        choice = node.method in ("drop", "select_dtypes") or isinstance(key, list)
        return node.owner == "DataFrame" and choice

    def _beside(self, candidate: int, block: Block) -> bool:
        """A frame of columns B does not have, with B's rows: it can stand beside B."""
        node = self.graph[block.frame]
        if block.estimator is not None or node.kind != "frame":
            return False
        new = not set(node.columns) & set(self.graph[candidate].columns)
        return new and self.graph.rows(node.id) == self.graph.rows(candidate)

    def _candidates(self, start: int) -> list[int]:
        found, node = [], self.graph[start]
        while True:
            if node.kind == "frame" and node.id not in self.graph.split_parts:
                found.append(node.id)  # the prepared rows are the rows before the split
            previous = self.graph.row_source(node)
            if previous is None:
                return found
            node = previous

    def _holds(self, candidate: int, block: Block) -> bool:
        target = Target(self.graph, candidate, str)
        frame = self.graph[block.frame]
        return all(
            target.holds(frame, c) or self._holds_unencoded(candidate, frame, c)
            for c in block.columns
        )

    def _holds_unencoded(self, candidate: int, frame: Node, column: Any) -> bool:
        """Whether the candidate has the column as `frame` had it but for the encodings in
        place, which the preparation leaves to the encoder."""
        graph = self.graph
        if column not in graph[candidate].columns or graph.rows(candidate) != graph.rows(frame.id):
            return False
        version = graph.version(candidate, column)
        while version[0] in self.in_place:
            version = graph.version(graph[version[0]].inputs[0], version[1])
        return version == graph.version(frame.id, column)

    def _encoded_in_place(self, blocks: list[Block]) -> dict[int, list[Any]]:
        """`df[c] = LabelEncoder().fit_transform(df[c])`: a transformer's output assigned back
        over the very columns it read. The encoder fits and applies that transformer, so the
        preparation skips the assignment and keeps the columns as they were, unless the script
        reads the encoded column again before X (the preparation would read the raw one)."""
        found = {}
        for block in blocks:
            setter = self.graph[block.assigned_by] if block.assigned_by is not None else None
            if setter is None or block.frame is None or not setter.inputs:
                continue
            key = setter.constant(0, "key")
            columns = key if isinstance(key, list) else [key]
            versions = [self.graph.version(setter.inputs[0], c) for c in columns]
            if versions == [self.graph.version(block.frame, c) for c in block.columns]:
                found[setter.id] = columns
        return {s: columns for s, columns in found.items() if not self._read_again(s, columns)}

    def _read_again(self, setter: int, columns: list[Any]) -> bool:
        """Whether a later operation reads one of the columns as that assignment left it."""
        for node in self.graph.nodes[setter + 1 :]:
            if node.owner != "DataFrame" or node.method not in ("__getitem__", "__getattr__"):
                continue
            key = node.arg(0, "key")
            if node.kind == "series" and key in columns and node.inputs:
                if self.graph.version(node.inputs[0], key)[0] == setter:
                    return True
        return False

    def _label(self, frame: int) -> str | None:
        target = Target(self.graph, frame, lambda c: f"data[{c!r}]")
        compiler = SeriesCompiler(self.graph, self.functions, target, _no_groups)
        try:
            return compiler.compile(self.y_root).code
        except Unsupported:
            return None

    # ---- the plan -----------------------------------------------------------------------------

    def plan(self) -> TracePlan:
        blocks = self._model_pipeline(self.x.blocks(self.x_root))
        self.in_place = self._encoded_in_place(blocks)
        prepared, beside = self.prepared(blocks)
        names = lambda line: assigned_name(self.tree, line)  # noqa: E731
        taken = set(self.read_sources.values()) | {"data_dir"}
        skipped = frozenset(self.in_place)
        lifter = FrameLifter(
            self.graph, self.functions, self.read_sources, names, taken, skipped, self.shuffle_line
        )
        label = self._label(prepared) if self.y_root is not None else None
        carried = self._carried_label(prepared) if self.y_root is not None and not label else None
        lifter.reserve([prepared, *beside, *(carried[:1] if carried else [])], kept=True)
        result = lifter.lift(prepared)
        for frame in beside:
            result = lifter.beside(result, lifter.lift(frame))
        if carried:
            frame, columns, label = carried
            why = "the label's columns, from the frame whose rows the prepared rows are"
            result = lifter.beside(result, f"{lifter.lift(frame)}.select({columns!r})", why)
        lines = sorted({self.graph[i].line for i in lifter.var if self.graph[i].line})
        plan = TracePlan(lifter.lines, result, lifter.trail, lines)
        plan.entries, plan.encoder_imports, plan.fit_on = encoder_entries(blocks, self.functions)
        plan.label = label
        return plan

    def _carried_label(self, prepared: int) -> tuple[int, list[Any], str] | None:
        """`y = train[TARGET]` while X's rows are cut back out of `concat([train.drop(columns=
        TARGET), test])` (train and test prepared together): the label is an expression of an
        earlier frame's columns that the prepared frame no longer has, and that frame has as
        many rows. Its columns go beside the prepared rows, which `concat_columns` accepts
        only when they are that frame's rows in its order; the verification checks the rest.
        (frame, columns, label code), or None."""
        graph, rows = self.graph, self.graph[prepared].rows_count
        earlier, stack = set(), [prepared]
        while stack:
            for i in graph[stack.pop()].inputs:
                if i not in earlier and graph[i].kind == "frame":
                    earlier.add(i)
                    stack.append(i)
        for frame in sorted(earlier, reverse=True):
            if graph[frame].rows_count != rows or frame in graph.split_parts:
                continue
            target = Target(graph, frame, lambda c: f"data[{c!r}]")
            try:
                expr = SeriesCompiler(graph, self.functions, target, _no_groups).compile(
                    self.y_root
                )
            except Unsupported:
                continue
            if expr.groups or set(expr.columns) & set(graph[prepared].columns):
                return None
            return frame, expr.columns, expr.code
        return None

    def _model_pipeline(self, blocks: list[Block]) -> list[Block]:
        """A scikit-learn Pipeline fitted as the model: its steps before the estimator encode."""
        fits = [n for n in self.graph.nodes if n.op == "sklearn.fit" and n.raw.get("model")]
        if not fits or len(blocks) != 1 or blocks[0].estimator is not None or blocks[0].gap:
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
            chosen = {"class": "sklearn.pipeline.Pipeline", "params": {"steps": steps[:-1]}}
        fitted = "train" if self.graph.split_parts else "all"
        block = blocks[0]
        return [Block(block.columns, block.width, chosen, fitted_on=fitted, frame=block.frame)]


def _x_node(graph: Graph, dag: dict[str, Any], shape: list[int] | None, rows: int | None) -> int:
    """The final fit's X; when NumPy sliced it out of a traced matrix (`X[:cut]`, a permuted
    cut), that matrix: the last traced one with X's width and the row count the original's row
    selection started from."""
    node = dag.get("X")
    if node is not None and graph[node].op != "opaque":
        return node
    if not shape or len(shape) != 2:
        raise Unsupported(None, "the final fit's X was not traced (it was built outside pandas)")

    def sliced_from(node: Node) -> bool:
        found = node.out.get("shape") or []
        if node.op not in EXITS | STACKS or node.kind != "array" or len(found) != 2:
            return False
        enough = found[0] == rows if rows is not None else found[0] >= shape[0]
        return enough and found[1] == shape[1]

    matrices = [n.id for n in graph.nodes if sliced_from(n)]
    if not matrices:
        raise Unsupported(None, "the final fit's X was not traced (it was built outside pandas)")
    return matrices[-1]


def _to_float(node: Node) -> bool:
    """`df.astype(float)` of the matrix: the same values as the float matrix X is taken as."""
    if node.op != "DataFrame.astype" or node.kwargs.keys() - {"dtype"}:
        return False
    try:
        dtype = node.constant(0, "dtype")
    except Unsupported:
        return False
    return isinstance(dtype, str) and dtype in ("float", "float64")


def _to_own_dtype(graph: Graph, node: Node) -> bool:
    """`df[c].astype(str)` of a column already of strings: a conversion to the dtype the data
    has is the data itself (pandas keeps missing values missing in the `str` dtype)."""
    if node.op != "Series.astype" or node.kwargs.keys() - {"dtype"} or not node.inputs:
        return False
    dtype = node.out.get("dtype")
    return dtype is not None and dtype == graph[node.inputs[0]].out.get("dtype")


def _final_split(graph: Graph, dag: dict[str, Any]) -> int | None:
    """The latest `train_test_split` whose output the final fit's X was computed from, or the
    latest rows deleted by position or head of a shuffled frame (which the analysis' split
    replays)."""
    behind = ancestors(dag, [dag.get("X")])
    splits = [
        graph[graph[i].inputs[0]].id
        for i in behind
        if graph[i].op == "part" and graph[graph[i].inputs[0]].op in SPLITS
    ]
    splits += [i for i in behind if graph[i].op == "np.delete"]
    splits += [i for i in behind if shuffled_frame(graph, graph[i]) is not None]
    return max(splits) if splits else None


def _no_groups(_hint: str) -> str:
    raise Unsupported(None, "a group-wise transform in the label")


def trace_plan(analysis: Any, source: str, sources: dict[str, str], names: set[str]) -> TracePlan:
    """The pipeline parts the analysis' dataflow gives; `sources` maps files to source names,
    `names` are the module-level names a generated function may use."""
    split = analysis.split or {}
    shape = analysis.model.X_shape if analysis.model else None
    permuted = split.get("function") == "permutation_split"
    lift = TraceLift(
        analysis.dataflow or {},
        source,
        sources,
        names,
        shape,
        split.get("rows"),
        split.get("line") if permuted else None,
    )
    deleted = lift.split is not None and lift.graph[lift.split].op == "np.delete"
    if deleted and split.get("function") is None:
        raise Unsupported(None, "rows deleted by position that no lt split replays")
    cut = lift.split is not None and shuffled_frame(lift.graph, lift.graph[lift.split])
    if cut and split.get("function") != "permutation_split":
        raise Unsupported(None, "a shuffled frame cut by position that no lt split replays")
    return lift.plan()
