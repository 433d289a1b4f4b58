"""Which statements of a script a name depends on, and so which lines feed each stage of the fit.

Every step's prompt shows "the original's lines of this step", and the lifter interprets the lines
of the preparation. Slicing by name alone gave a stage every statement that ever bound a name it
reads: a script that binds `n_lines` in one loop and again, from a file it wrote, in a later one had
the first loop under features, while the statements that wrote the file belonged to no stage. Here
a statement depends on the definitions that reach it (reaching definitions over the syntax tree):

- a rebinding that runs whenever the read runs (in the same block or one around it, so also a loop
  body that rebinds the name on every iteration before reading it) kills the definitions before
  it; one under an `if` without an `else`, in a loop that may not run, or a mutation adds to them;
- a loop is walked until its definitions settle, so what an iteration reads from the one before
  (running totals, a dict filled late in the body) is followed;
- a file the script writes and reads back is a name of its own, its path: reading it depends on
  the statements that wrote it (`open(path, "w")` and the writes through its handle, a csv writer
  on it, `to_csv(path)`, `np.save(path, ...)`);
- `a, b = e1, e2` gives `a` what `e1` reads and `b` what `e2` reads, so `X_tr, y_tr = X[:n], y[:n]`
  does not make every line of X also a line of y.

Read from the syntax tree only.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .static import calls, dotted, free_reads, keyword, literal, mutated, simple_statements

FILE = "<file>"  # the name of a file is its path after this, which no identifier can start with
HANDLE_WRITES = frozenset({"write", "writelines", "writerow", "writerows", "writeheader"})
PATH_WRITES = frozenset(
    {"to_csv", "to_parquet", "to_json", "to_pickle", "to_excel", "to_feather", "to_hdf", "save",
     "savez", "savez_compressed", "savetxt", "tofile"}
)  # fmt: skip
LOADS = frozenset({"open", "load", "loadtxt", "genfromtxt", "fromfile"})
WRITERS = frozenset({"csv.writer", "csv.DictWriter", "writer", "DictWriter"})
ADVANCES = frozenset({"readline", "readlines", "read", "seek"})  # move a file handle on
ELEMENT_ACCESS = frozenset({"get", "setdefault"})
TRANSFORMER_SUFFIXES = ("Encoder", "Scaler", "Imputer", "Vectorizer", "Transformer", "Discretizer")
TRANSFORMER_NAMES = frozenset(
    {"make_column_transformer", "PolynomialFeatures", "PCA", "TruncatedSVD", "SelectKBest",
     "Normalizer", "Binarizer", "make_union", "FeatureUnion"}
)  # fmt: skip

State = dict[str, frozenset["_Unit"]]


@dataclass(eq=False)
class _Unit:
    """A statement, or a block's header, as the slice keeps or leaves it: its lines, the headers of
    the blocks around it (kept with it), what it reads and binds, and the definitions that reach
    its reads."""

    lines: range
    headers: tuple[_Unit, ...]
    reads: set[str]
    strong: set[str]  # rebound whenever the statement runs: kills earlier definitions
    weak: set[str]  # mutated or bound only maybe: adds to them
    parts: dict[str, set[str]] = field(default_factory=dict)  # `a, b = e1, e2`: reads per name
    aliases: dict[str, str] = field(default_factory=dict)  # `q = d[k]`: mutating q mutates d
    opens: dict[str, str] = field(default_factory=dict)  # handle -> file it writes
    wrappers: dict[str, str] = field(default_factory=dict)  # `w = csv.writer(h)`: w -> h
    through: set[str] = field(default_factory=set)  # handles written through
    jumps: list[_Unit] = field(default_factory=list)  # a loop's `continue`s and `break`s
    deps: dict[str, set[_Unit]] = field(default_factory=dict)


class Slicer:
    """The definitions of a script's statements before line `before`, found once, sliced from as
    often as the stages need (X, y, the estimator)."""

    def __init__(self, tree: ast.Module, before: int, *, nested: bool = True) -> None:
        self.before, self.nested = before, nested
        self.helpers = _helper_reads(tree)
        self.units: dict[int, _Unit] = {}
        self.point: _Unit | None = None  # the first statement at or after `before`
        self.at_point: State = {}
        self.loops: list[tuple[_Unit, list[State], list[State]]] = []  # continue, break states
        end = self._block(tree.body, {}, ())
        if self.point is None:
            self.at_point = end

    def lines(self, names: Iterable[str]) -> set[int]:
        """The lines of the statements before `before` that the names, as read there, depend on.
        A statement kept keeps the headers of the blocks around it (the loop variable, the opened
        file) and the `continue`s and `break`s of the loops around it (`if bad: continue` decides
        which rows it sees)."""
        todo = [(unit, name) for name in names for unit in self.at_point.get(name, ())]
        seen: set[tuple[_Unit, str | None]] = set()
        lines: set[int] = set()
        while todo:
            unit, name = todo.pop()
            if (unit, name) in seen or unit.lines.start >= self.before:
                continue
            seen.add((unit, name))
            lines.update(unit.lines)
            reads = unit.parts.get(name, unit.reads) if name is not None else unit.reads
            todo += [(d, r) for r in reads for d in unit.deps.get(r, ())]
            todo += [(h, None) for h in unit.headers]
            todo += [(j, None) for h in unit.headers for j in h.jumps]
        return lines

    # ---- the walk ---------------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], state: State, headers: tuple[_Unit, ...]) -> State:
        for stmt in body:
            state = self._statement(stmt, state, headers)
        return state

    def _statement(self, stmt: ast.stmt, state: State, headers: tuple[_Unit, ...]) -> State:
        if not self.nested or not isinstance(
            stmt, ast.For | ast.While | ast.If | ast.With | ast.Try
        ):
            unit = self._unit(stmt, headers, _simple)
            if self.loops and isinstance(stmt, ast.Continue | ast.Break):
                loop, continues, breaks = self.loops[-1]
                (breaks if isinstance(stmt, ast.Break) else continues).append(state)
                if unit not in loop.jumps:
                    loop.jumps.append(unit)
            return self._apply(unit, state)
        header = self._unit(stmt, headers, _header)
        inner = (*headers, header)
        if isinstance(stmt, ast.For | ast.While):
            return self._loop(stmt, header, state, inner)
        if isinstance(stmt, ast.If):
            state = self._apply(header, state)
            return _merge(
                self._block(stmt.body, state, inner), self._block(stmt.orelse, state, inner)
            )
        if isinstance(stmt, ast.With):
            return self._block(stmt.body, self._apply(header, state), inner)
        state = self._apply(header, state)  # try: a handler may start anywhere in the body
        tried = self._block(stmt.body, state, inner)
        done = self._block(stmt.orelse, tried, inner)
        handled = [self._block(h.body, _merge(state, tried), inner) for h in stmt.handlers]
        return self._block(stmt.finalbody, _merge(done, *handled), inner)

    def _loop(
        self, stmt: ast.For | ast.While, header: _Unit, state: State, inner: tuple[_Unit, ...]
    ) -> State:
        """The loop's head is reached from before it, from the end of its body and from every
        `continue`; walked until that settles."""
        head: State = state
        while True:
            self.loops.append((header, [], []))
            end = self._block(stmt.body, self._apply(header, head), inner)
            _, continues, breaks = self.loops.pop()
            settled = _merge(state, end, *continues)
            if settled == head:
                break
            head = settled
        return _merge(self._block(stmt.orelse, head, inner), *breaks)

    def _unit(
        self, stmt: ast.stmt, headers: tuple[_Unit, ...], make: Callable[..., _Unit]
    ) -> _Unit:
        unit = self.units.get(id(stmt))
        if unit is None:
            unit = self.units[id(stmt)] = make(stmt, headers)
            if make is _simple and not isinstance(stmt, DEFINITIONS):
                unit.reads |= {
                    name
                    for call in calls(stmt)
                    if isinstance(call.func, ast.Name)
                    for name in self.helpers.get(call.func.id, ())
                }
        return unit

    def _apply(self, unit: _Unit, state: State) -> State:
        if self.point is None and unit.lines.start >= self.before:
            self.point = unit
        if unit is self.point:
            self.at_point = _merge(self.at_point, state)
        for name in unit.reads:
            unit.deps.setdefault(name, set()).update(state.get(name, ()))
        weak = set(unit.weak)
        for name in unit.weak:  # `q = d.setdefault(k, [])` then `q.append(v)` changes d
            weak |= {d.aliases[name] for d in state.get(name, ()) if name in d.aliases}
        for handle in unit.through:
            weak |= {f for d in state.get(handle, ()) for f in _files(d, handle)}
        out = dict(state)
        for name in weak - unit.strong:
            out[name] = out.get(name, frozenset()) | {unit}
        for name in unit.strong:
            out[name] = frozenset({unit})
        return out


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _helper_reads(tree: ast.Module) -> dict[str, set[str]]:
    """The module-level names each of the script's functions reads when called, through the
    helpers it calls too: a call `full = build_features(full)` depends on the `store` table the
    function's body merges in, as it stands at the call."""
    functions = {
        s.name: s for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    reads = {name: free_reads(f) - {name} for name, f in functions.items()}
    changed = True
    while changed:
        changed = False
        for name, names in reads.items():
            more = set().union(*(reads[h] for h in names & set(reads))) - names - {name}
            names |= more
            changed = changed or bool(more)
    return reads


def _merge(*states: State) -> State:
    out: dict[str, frozenset[_Unit]] = {}
    for state in states:
        for name, units in state.items():
            out[name] = out.get(name, frozenset()) | units
    return out


def _files(unit: _Unit, handle: str, seen: frozenset[int] = frozenset()) -> set[str]:
    """The files a handle bound by `unit` writes to (through a csv writer on a handle too)."""
    if handle in unit.opens:
        return {unit.opens[handle]}
    inner = unit.wrappers.get(handle)
    if inner is None or id(unit) in seen:  # `w = csv.writer(w)` in a loop goes nowhere
        return set()
    return {f for d in unit.deps.get(inner, ()) for f in _files(d, inner, seen | {id(unit)})}


# ---- what a statement reads and binds ---------------------------------------------------------


def _simple(stmt: ast.stmt, headers: tuple[_Unit, ...]) -> _Unit:
    """A statement taken whole: a simple one, or (not `nested`) a compound one, whose bindings
    inside may not run and so kill nothing. A function changes what its body mutates (the old
    slice's view, kept: its call is followed by attribution.py); a class binds its name."""
    lines = range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):  # runs when called
        return _Unit(lines, headers, free_reads(stmt), set(), mutated(stmt))
    if isinstance(stmt, ast.ClassDef):  # its methods' locals are theirs; a method call is inlined
        return _Unit(lines, headers, _read(stmt), {stmt.name}, set())
    strong = {n for t in _targets(stmt) for n in _names(t)}
    reads = _read(stmt) | _file_reads(stmt)
    if isinstance(stmt, ast.AugAssign):
        reads |= _names(stmt.target)
    weak = (_stored(stmt) - strong) | mutated(stmt) | _attribute_bases(stmt) | _advanced(stmt)
    weak |= _loop_collections(stmt) | _path_writes(stmt)
    unit = _Unit(lines, headers, reads, strong, weak, parts=_parts(stmt), aliases=_aliases(stmt))
    _handles(unit, [stmt])
    return unit


def _header(stmt: ast.stmt, headers: tuple[_Unit, ...]) -> _Unit:
    """A block's header: a loop's iterable and target, a test, the `with` items."""
    exprs = [getattr(stmt, "iter", None), getattr(stmt, "test", None)]
    exprs += [i.context_expr for i in getattr(stmt, "items", [])]
    exprs = [e for e in exprs if e is not None]
    targets = [getattr(stmt, "target", None)] + [
        i.optional_vars for i in getattr(stmt, "items", [])
    ]
    targets = [t for t in targets if t is not None]
    end = max([stmt.lineno] + [e.end_lineno or e.lineno for e in exprs + targets])
    reads = {n for e in exprs for n in _read(e) | _file_reads(e)}
    strong = {n for t in targets for n in _names(t)}
    weak = {n for e in exprs for n in _path_writes(e)}
    collection = _collection(stmt.iter) if isinstance(stmt, ast.For) else None
    aliases = dict.fromkeys(strong, collection) if collection else {}
    unit = _Unit(range(stmt.lineno, end + 1), headers, reads, strong, weak, aliases=aliases)
    _handles(unit, exprs)
    for item in getattr(stmt, "items", []):
        path = _written_path(item.context_expr)
        if path and isinstance(item.optional_vars, ast.Name):  # its writes are in the body
            unit.opens[item.optional_vars.id] = path
    return unit


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    """What a statement binds whenever it runs."""
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    if isinstance(stmt, ast.AugAssign) or isinstance(stmt, ast.AnnAssign) and stmt.value:
        return [stmt.target]
    return []


def _names(target: ast.expr) -> set[str]:
    """Names a target binds: `a`, `a, (b, *c)`; not `d[k]` or `o.x`, which change d and o."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return {n for e in target.elts for n in _names(e)}
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return set()


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _read(node: ast.AST) -> set[str]:
    """Names a statement or expression reads from before it, so not the targets it binds itself
    (loop and comprehension variables)."""
    bound = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.For | ast.comprehension):
            bound |= {n.id for n in ast.walk(inner.target) if isinstance(n, ast.Name)}
    return _loads(node) - bound


def _stored(stmt: ast.stmt) -> set[str]:
    """Names bound anywhere in a statement, but not in the scopes of its own: comprehension
    variables, the bodies of functions, classes and lambdas."""
    out: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if node is not stmt and isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            out.add(node.name)
            continue
        if isinstance(node, ast.Lambda | ast.comprehension):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _attribute_bases(stmt: ast.stmt) -> set[str]:
    """`o.x = v` changes o."""
    return {
        n.value.id
        for n in ast.walk(stmt)
        if isinstance(n, ast.Attribute)
        and isinstance(n.ctx, ast.Store)
        and isinstance(n.value, ast.Name)
    }


def _advanced(stmt: ast.stmt) -> set[str]:
    """`next(reader)`, `f.readline()`: the handle is moved on (a header line skipped), which the
    loop reading it after depends on."""
    out = set()
    for call in calls(stmt):
        if dotted(call.func) == "next" and call.args and isinstance(call.args[0], ast.Name):
            out.add(call.args[0].id)
        elif isinstance(call.func, ast.Attribute) and call.func.attr in ADVANCES:
            if isinstance(call.func.value, ast.Name):
                out.add(call.func.value.id)
    return out


def _collection(node: ast.expr) -> str | None:
    """The collection whose elements a loop binds (`rows`, `enumerate(rows)`, `d.values()`), so
    that changing the loop variable (`r[2] = ...`) changes the collection."""
    if isinstance(node, ast.Call) and dotted(node.func) == "enumerate" and node.args:
        return _collection(node.args[0])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _collection(node.func.value) if node.func.attr in ("items", "values") else None
    return node.id if isinstance(node, ast.Name) else None


def _loop_collections(stmt: ast.stmt) -> set[str]:
    """A loop taken whole that changes its loop variable changes the collection it iterates."""
    out = set()
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.For)
            and isinstance(node.iter, ast.Name)
            and isinstance(node.target, ast.Name)
        ):
            if node.target.id in {n for s in node.body for n in mutated(s)}:
                out.add(node.iter.id)
    return out


def _parts(stmt: ast.stmt) -> dict[str, set[str]]:
    """`a, b = e1, e2`: each name bound reads only its own element; `X_tr, X_te, y_tr, y_te =
    train_test_split(X, y, ...)`: each part reads its own array, so a side rebuilt after the split
    (`X_tr = enc.fit_transform(X_tr)`) still slices to its own array. The split's options
    (`stratify=y`) choose rows, which is the split's business: X's values do not read them."""
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return {}
    target, value = stmt.targets[0], stmt.value
    if _split_call(value) and isinstance(target, ast.Tuple | ast.List):
        return _split_parts(target, value)  # type: ignore[arg-type]
    if not (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value, ast.Tuple | ast.List)
        and len(target.elts) == len(value.elts)
        and all(isinstance(t, ast.Name) for t in target.elts)
        and not any(isinstance(v, ast.Starred) for v in value.elts)
    ):
        return {}
    return {t.id: _read(v) | _file_reads(v) for t, v in zip(target.elts, value.elts, strict=True)}


def _split_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and dotted(node.func).endswith("train_test_split")


def _split_parts(target: ast.Tuple | ast.List, call: ast.Call) -> dict[str, set[str]]:
    """The train and test parts of each array come in pairs, in the order of the arrays."""
    arrays = call.args
    if any(isinstance(a, ast.Starred) for a in arrays) or len(target.elts) != 2 * len(arrays):
        return {}
    return {
        t.id: _read(arrays[i // 2]) for i, t in enumerate(target.elts) if isinstance(t, ast.Name)
    }


def _aliases(stmt: ast.stmt) -> dict[str, str]:
    """`q = d[k]`, `q = d.get(k)`, `q = d.setdefault(k, [])`: q is an element of d."""
    if not isinstance(stmt, ast.Assign) or not isinstance(stmt.targets[0], ast.Name):
        return {}
    value = stmt.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr in ELEMENT_ACCESS:
            value = value.func.value
    elif isinstance(value, ast.Subscript) and not isinstance(value.slice, ast.Slice):
        value = value.value
    if value is stmt.value or not isinstance(value, ast.Name):
        return {}
    return {stmt.targets[0].id: value.id}


# ---- files ------------------------------------------------------------------------------------


def _path_name(node: ast.AST) -> str:
    """The name of the file a path expression names: a constant's normalized path, else the
    expression's text (`OUT`, `os.path.join(DIR, "f.csv")` written and read alike)."""
    value = literal(node)
    if isinstance(value, str):
        return FILE + os.path.normpath(value)
    return FILE + ast.unparse(node)


def _mode(call: ast.Call) -> str:
    value = literal(call.args[1] if len(call.args) > 1 else keyword(call, "mode"))
    return value if isinstance(value, str) else "r"


def _written_path(node: ast.AST) -> str | None:
    """The file `open(path, "w")` (or "a", "x") opens for writing."""
    if isinstance(node, ast.Call) and dotted(node.func) == "open" and node.args:
        if any(c in _mode(node) for c in "wax"):
            return _path_name(node.args[0])
    return None


def _file_reads(node: ast.AST) -> set[str]:
    """Files a statement opens for reading or loads (`open(p)`, `pd.read_csv(p)`, `np.load(p)`)."""
    out = set()
    for call in calls(node):
        name = dotted(call.func).rsplit(".", 1)[-1] or getattr(call.func, "attr", "")
        if not call.args or not (name in LOADS or name.startswith("read_")):
            continue
        if name != "open" or not any(c in _mode(call) for c in "wax"):
            out.add(_path_name(call.args[0]))
    return out


def _path_writes(node: ast.AST) -> set[str]:
    """Files written by path (`df.to_csv(p)`, `np.save(p, a)`, `joblib.dump(m, p)`) or opened
    for writing (`open(p, "w")`: a loop writing through the handle, taken whole, writes it)."""
    out = set()
    for call in calls(node):
        method, args = getattr(call.func, "attr", None), call.args
        if method in PATH_WRITES and args:
            out.add(_path_name(args[0]))
        elif method == "dump" and len(args) > 1:
            out.add(_path_name(args[1]))
        elif path := _written_path(call):
            out.add(path)
    return out


def _handles(unit: _Unit, nodes: list[ast.AST]) -> None:
    """The handles a statement opens for writing (`out = open(p, "w")`, `w = csv.writer(out)`)
    and those it writes through (`out.write(...)`, `w.writerow(...)`, `json.dump(obj, out)`)."""
    for node in (n for root in nodes for n in ast.walk(root)):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value, name = node.value, node.targets[0].id
            if path := _written_path(value):
                unit.opens[name] = path
            elif isinstance(value, ast.Call) and dotted(value.func) in WRITERS and value.args:
                if isinstance(value.args[0], ast.Name):
                    unit.wrappers[name] = value.args[0].id
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base, method = node.func.value, node.func.attr
            if method in HANDLE_WRITES and isinstance(base, ast.Name):
                unit.through.add(base.id)
            elif method in PATH_WRITES | {"dump"} and isinstance(base, ast.Name):
                unit.through |= {a.id for a in node.args[:2] if isinstance(a, ast.Name)}


# ---- stages -----------------------------------------------------------------------------------


def backward_slice(
    tree: ast.Module, names: set[str], before: int, *, nested: bool = True
) -> set[int]:
    """Lines of the statements (before `before`) that the given names, as read there, depend on.

    `nested` follows compound statements into their bodies, so that a loop or a `with` block
    holding several stages gives each statement to its own stage; a body statement that is kept
    keeps the headers of the blocks around it (the loop variable, the opened file). Without it a
    top-level statement is kept or left whole, which is what the lifter interprets."""
    return Slicer(tree, before, nested=nested).lines(names)


def fit_call(tree: ast.Module, line: int) -> ast.Call | None:
    """The `fit` call on `line`."""
    for call in calls(tree):
        if call.lineno == line and isinstance(call.func, ast.Attribute) and call.func.attr == "fit":
            return call
    return None


def fit_arguments(tree: ast.Module, line: int) -> tuple[str | None, str | None]:
    """The names passed as X and y to the `fit` call on `line`."""
    call = fit_call(tree, line)
    names = [_sliced_name(a) for a in call.args[:2]] if call else []
    return (names + [None, None])[0], (names + [None, None])[1]


# Conversions that keep a variable's rows and values: `fit(X, y.values)` fits y.
_SAME_VALUES_ATTRIBUTES = frozenset({"values"})
_SAME_VALUES_METHODS = frozenset({"to_numpy", "ravel", "flatten", "astype", "reshape", "tolist"})
_SAME_VALUES_FUNCTIONS = frozenset(
    {"np.array", "np.asarray", "numpy.array", "numpy.asarray", "list"}
)


def _sliced_name(node: ast.AST) -> str | None:
    """`X` for `X`, for a row slice of it (`X[:-1]`, `X[:n]`) and for a conversion that keeps
    its values (`y.values`, `np.asarray(y)`): the rows the fit takes are the split's business,
    the values come from X."""
    node = _converted(node)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        node = _converted(node.value)
    return node.id if isinstance(node, ast.Name) else None


def _converted(node: ast.AST) -> ast.AST:
    """The expression a chain of value-keeping conversions starts from."""
    while True:
        if isinstance(node, ast.Attribute) and node.attr in _SAME_VALUES_ATTRIBUTES:
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in _SAME_VALUES_METHODS)
        ):
            node = node.func.value
        elif (
            isinstance(node, ast.Call)
            and dotted(node.func) in _SAME_VALUES_FUNCTIONS
            and (len(node.args) == 1)
        ):
            node = node.args[0]
        else:
            return node


def stage_lines(tree: ast.Module, fit_line: int, *, nested: bool = True) -> dict[str, list[int]]:
    """Data preparation feeds both X and y; the rest of X's slice is features, of y's is the label
    (`nested`: statement by statement inside loops and blocks, see `backward_slice`)."""
    x_name, y_name = fit_arguments(tree, fit_line)
    sides = Slicer(tree, fit_line, nested=nested)
    x_lines = sides.lines({x_name} if x_name else set())
    y_lines = sides.lines({y_name} if y_name else set())
    estimator = _estimator_lines(tree, fit_line)
    encoders = {line for line in estimator if line in _transformer_lines(tree)}
    model_lines = {fit_line} | (estimator - encoders)
    shared = x_lines & y_lines
    return {
        "data_preparation": sorted(shared - encoders),
        "features": sorted((x_lines - shared) | encoders),
        "label": sorted(y_lines - shared),
        "model": sorted(model_lines),
    }


def _transformer_lines(tree: ast.Module) -> set[int]:
    """Lines of statements that build a scikit-learn transformer (a ColumnTransformer and its
    encoders, which a Pipeline may carry into the estimator's slice): feature encoding, not the
    model. A statement building a Pipeline that ends in the estimator stays with the model."""
    lines = set()
    for stmt, _ in simple_statements(tree.body, ()):
        value = getattr(stmt, "value", None)
        if isinstance(value, ast.Call) and _is_transformer(dotted(value.func)):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def _is_transformer(name: str) -> bool:
    short = name.rsplit(".", 1)[-1]
    return short.endswith(TRANSFORMER_SUFFIXES) or short in TRANSFORMER_NAMES


def _estimator_lines(tree: ast.Module, fit_line: int) -> set[int]:
    for call in calls(tree):
        if (
            call.lineno == fit_line
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
        ):
            return backward_slice(tree, {call.func.value.id}, fit_line)
    return set()
