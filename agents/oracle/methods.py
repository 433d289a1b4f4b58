"""What a script runs, as straight-line top-level statements the slicer and the lifter can read.

Two idioms hide a script's data flow from a reader of its top-level statements:

- the main guard: `if __name__ == "__main__": ...` is the code that runs when the script runs, so
  its body is taken as the script's body (idiom: main guard);
- a loader class: `loader = Loader(args)` then `data = loader.load()`, where `load` reads and
  prepares the data in methods of a class the script defines (idiom: method of a script class).
  The call is replaced by the method's body, as `inline` does for reader functions: parameters
  bound to the arguments (defaults where none is given), `self.name` to what the instance holds
  (a dataclass field's default or constructor argument, an `__init__` assignment of a parameter
  or a literal, a class attribute), `self.other(...)` inlined in turn, locals renamed apart, a
  branch on a test that the substitution made constant (`if limit is not None` with the default
  None) decided, and the returned value assigned to the call's target. Functions nested in the
  method stay functions, defined where the method ran, with the method's renamed locals.

The statements keep the lines they have in the method, so the stages, the trail and every error
name the lines of the original. A method is inlined only where that is plain substitution:
`self` only read as `self.attribute` or called as `self.method(...)`, one `return` at the end,
no `global`, `yield` or `super()`, and the instance used for nothing but such calls.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from .inline import Rename, assign_return, inline_readers
from .static import dotted, field_default, identifier

MAX_DEPTH = 4  # methods calling methods: deeper chains are left as calls


def script_body(tree: ast.Module) -> tuple[ast.Module, list[str]]:
    """The module as it runs: main guard opened, script-class methods and reader functions
    inlined at their calls, with a note per rewrite."""
    from .procedures import inline_procedures

    tree, notes = unwrap_main_guard(tree)
    tree, called = inline_procedures(tree)
    tree, inlined = inline_methods(tree)
    tree, read = inline_readers(tree)
    return tree, notes + called + inlined + read


def unwrap_main_guard(tree: ast.Module) -> tuple[ast.Module, list[str]]:
    """`if __name__ == "__main__": body` is `body` (its `else` never runs in a script)."""
    body, notes = [], []
    for stmt in tree.body:
        if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
            body += stmt.body
            notes.append(f"line {stmt.lineno}: the main guard's body is the script (main guard)")
        else:
            body.append(stmt)
    if not notes:
        return tree, []
    return ast.Module(body=body, type_ignores=tree.type_ignores), notes


def _is_main_guard(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    values = [s.value for s in sides if isinstance(s, ast.Constant)]
    return isinstance(test.ops[0], ast.Eq) and names == ["__name__"] and values == ["__main__"]


@dataclass
class _Instance:
    cls: ast.ClassDef
    attributes: dict[str, ast.expr] = field(default_factory=dict)


def inline_methods(tree: ast.Module) -> tuple[ast.Module, list[str]]:
    """Calls of methods of script classes on instances made at the top level, inlined."""
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    if not classes:
        return tree, []
    outside = [s for s in tree.body if not isinstance(s, ast.ClassDef)]
    taken = {n.id for s in outside for n in ast.walk(s) if isinstance(n, ast.Name)}
    taken |= {s.name for s in tree.body if isinstance(s, ast.FunctionDef | ast.ClassDef)}
    body: list[ast.stmt] = []
    notes: list[str] = []
    instances: dict[str, _Instance] = {}
    for statement in tree.body:
        for stmt in _temporaries_named(statement, classes, taken):
            if _instance(stmt, classes, tree) is not None:
                binds, stmt = _arguments_bound(stmt, taken)
                instances[stmt.targets[0].id] = _instance(stmt, classes, tree)
                body += [*binds, stmt]
                continue
            inliner = _MethodInliner(classes, instances, taken, stmt)
            stmt = inliner.visit(stmt)
            body += distributed(inliner.before, stmt)
            notes += inliner.notes
    if not notes:
        return tree, []
    return ast.fix_missing_locations(ast.Module(body=body, type_ignores=[])), notes


def distributed(before: list[ast.stmt], stmt: ast.stmt) -> list[ast.stmt]:
    """`r = (a, (b, c))` then `x, (y, z) = r` as `x = a`, `y = b`, `z = c` (a method returning a
    tuple that its call unpacks), so that each name keeps its own data flow."""
    last = before[-1] if before else None
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.value, ast.Name)
        and isinstance(last, ast.Assign)
        and isinstance(last.targets[0], ast.Name)
        and last.targets[0].id == stmt.value.id
    ):
        return [*before, stmt]
    pairs = _pairs(stmt.targets[0], last.value)
    targets = {n.id for n in ast.walk(stmt.targets[0]) if isinstance(n, ast.Name)}
    read = {n.id for n in ast.walk(last.value) if isinstance(n, ast.Name)}
    if pairs is None or targets & read:  # `a, b = (b, a)` is a swap, not two assignments
        return [*before, stmt]
    assigns = [
        ast.copy_location(ast.Assign(targets=[target], value=value), stmt)
        for target, value in pairs
    ]
    return [*before[:-1], *assigns]


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    if isinstance(target, ast.Name):
        return [(target, value)]
    if not (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value, ast.Tuple | ast.List)
        and len(target.elts) == len(value.elts)
        and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
    ):
        return None
    out = []
    for t, v in zip(target.elts, value.elts, strict=True):
        inner = _pairs(t, v)
        if inner is None:
            return None
        out += inner
    return out


def _instance(
    stmt: ast.stmt, classes: dict[str, ast.ClassDef], tree: ast.Module
) -> _Instance | None:
    """`loader = Loader(a, b=1)` for a class whose attributes are all known from the call, when
    the instance is used for method calls only."""
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id in classes
    ):
        return None
    name, cls = stmt.targets[0].id, classes[stmt.value.func.id]
    attributes = _attributes(cls, stmt.value, classes)
    if attributes is None or not _only_method_calls(tree, name, stmt):
        return None
    held = {k: v for k, v in attributes.items() if v is not None and trivial(v)}
    return _Instance(cls, held)


def _temporaries_named(
    stmt: ast.stmt, classes: dict[str, ast.ClassDef], taken: set[str]
) -> list[ast.stmt]:
    """`X, y = Loader(a).load()` as `loader = Loader(a)` then `X, y = loader.load()`: an
    instance made only to call a method on, named so that it is an instance like the others.
    The statement comes last; without such calls it is alone."""
    call = stmt.value if isinstance(stmt, ast.Assign | ast.Expr) else None
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Call)
        and isinstance(call.func.value.func, ast.Name)
        and call.func.value.func.id in classes
    ):
        return [stmt]  # only the call the statement is made of: nothing evaluated earlier
    stmt = copy.deepcopy(stmt)  # the caller's tree stays as it was
    method = stmt.value.func
    name = identifier(method.value.func.id, taken)
    made = ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=method.value)
    method.value = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), method.value)
    return [ast.fix_missing_locations(ast.copy_location(made, stmt)), stmt]


def _arguments_bound(stmt: ast.Assign, taken: set[str]) -> tuple[list[ast.stmt], ast.Assign]:
    """`obj = C(f(x))` as `c_arg = f(x); obj = C(c_arg)`: each argument evaluated once, where the
    instance is made, and read by name wherever a method reads the attribute it sets."""
    stmt = copy.deepcopy(stmt)
    call, binds = stmt.value, []
    values = [*call.args, *(k.value for k in call.keywords)]
    fresh_names = {}
    for value in values:
        if not trivial(value):
            name = identifier(f"{call.func.id}_arg", taken)
            bind = ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value)
            binds.append(ast.copy_location(bind, stmt))
            fresh_names[id(value)] = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), value)
    call.args = [fresh_names.get(id(a), a) for a in call.args]
    for keyword in call.keywords:
        keyword.value = fresh_names.get(id(keyword.value), keyword.value)
    return binds, stmt


def _only_method_calls(tree: ast.Module, name: str, made: ast.stmt) -> bool:
    """Every other use of `name` is `name.method(...)`, and it is bound only once."""
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if isinstance(node.ctx, ast.Store):
            target = made.targets[0]
            if (node.lineno, node.col_offset) != (target.lineno, target.col_offset):
                return False
            continue
        parent = parents.get(id(node))
        call = parents.get(id(parent))
        if not (isinstance(parent, ast.Attribute) and isinstance(call, ast.Call)):
            return False
        if call.func is not parent:
            return False
    return True


def _lineage(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """The class and the script classes it derives from, nearest first (single inheritance
    chains; a base the script does not define adds nothing)."""
    chain, seen = [cls], {cls.name}
    while True:
        bases = [b.id for b in chain[-1].bases if isinstance(b, ast.Name) and b.id in classes]
        if not bases or bases[0] in seen:
            return chain
        seen.add(bases[0])
        chain.append(classes[bases[0]])


def _attributes(
    cls: ast.ClassDef, call: ast.Call, classes: dict[str, ast.ClassDef]
) -> dict[str, ast.expr] | None:
    """What `self.name` holds right after `cls(...)`, or None when the call cannot be read so."""
    lineage = _lineage(cls, classes)
    values: dict[str, ast.expr] = {}
    for klass in reversed(lineage):  # a subclass overrides its bases
        for stmt in klass.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if isinstance(target, ast.Name):
                values[target.id] = field_default(value)
    init = _method(lineage, "__init__")
    if any(_is_dataclass(k) for k in lineage) and init is None:
        return _dataclass_attributes(lineage, call, values)
    if init is None:
        return values if not call.args and not call.keywords else None
    bound = bind(init, call)
    if bound is None:
        return None
    for stmt in init.body:
        if is_docstring(stmt):
            continue
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and _self_attribute(stmt.targets[0], init)
        ):
            return None
        values[stmt.targets[0].attr] = Rename(bound).visit(copy.deepcopy(stmt.value))
    return values


def _dataclass_attributes(
    lineage: list[ast.ClassDef], call: ast.Call, values: dict[str, ast.expr]
) -> dict[str, ast.expr] | None:
    """A dataclass's generated `__init__`: its init fields in order, bases' fields first."""
    fields = []
    for klass in reversed(lineage):
        for stmt in klass.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if "ClassVar" in ast.unparse(stmt.annotation) or not _init_field(stmt.value):
                    continue
                fields = [f for f in fields if f != stmt.target.id] + [stmt.target.id]
    if len(call.args) > len(fields) or any(k.arg not in fields for k in call.keywords):
        return None
    given = dict(zip(fields, call.args, strict=False))
    given |= {k.arg: k.value for k in call.keywords}
    out = {**values, **given}
    return out if all(out.get(f) is not None for f in fields) else None


def _init_field(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Call) and dotted(value.func) in ("field", "dataclasses.field"):
        init = next((k.value for k in value.keywords if k.arg == "init"), None)
        return not (isinstance(init, ast.Constant) and init.value is False)
    return True


def _is_dataclass(cls: ast.ClassDef) -> bool:
    names = [dotted(d.func if isinstance(d, ast.Call) else d) for d in cls.decorator_list]
    return any(n in ("dataclass", "dataclasses.dataclass") for n in names)


def _method(lineage: list[ast.ClassDef], name: str) -> ast.FunctionDef | None:
    for klass in lineage:
        for stmt in klass.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
                return stmt
    return None


def is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _self_attribute(node: ast.AST, method: ast.FunctionDef) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == method.args.args[0].arg
    )


def bind(method: ast.FunctionDef, call: ast.Call, first: int = 1) -> dict[str, ast.expr] | None:
    """Parameter (after `self`, or from the first for a function: `first=0`) to argument:
    positional, then keywords, then defaults."""
    args = method.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or len(args.args) < first:
        return None
    params = [a.arg for a in args.args[first:]]
    if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    bound = dict(zip(params, call.args, strict=False))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in bound:
            return None
        bound[keyword.arg] = keyword.value
    defaults = dict(zip(params[len(params) - len(args.defaults) :], args.defaults, strict=True))
    for param in params:
        if param not in bound:
            if param not in defaults:
                return None
            bound[param] = defaults[param]
    return bound


def trivial(node: ast.expr) -> bool:
    """A value that reads the same wherever it is substituted: a name, a constant or a tuple of
    them (not a list or dict display: each copy would be a new object, mutated apart)."""
    if isinstance(node, ast.Tuple):
        return all(trivial(e) for e in node.elts)
    return isinstance(node, ast.Name | ast.Constant)


class _MethodInliner(ast.NodeTransformer):
    """Replaces calls of script-class methods in one statement by the methods' bodies, placed
    in `before`."""

    def __init__(
        self,
        classes: dict[str, ast.ClassDef],
        instances: dict[str, _Instance],
        taken: set[str],
        stmt: ast.stmt,
        depth: int = 0,
    ) -> None:
        self.classes, self.instances, self.taken = classes, instances, taken
        self.stmt, self.depth = stmt, depth
        self.before: list[ast.stmt] = []
        self.notes: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:  # noqa: N802 (ast API)
        return node  # a call inside a function runs when the function does, not here

    def visit_Call(self, call: ast.Call) -> ast.AST:  # noqa: N802 (ast API)
        call = self.generic_visit(call)
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return call
        instance = self.instances.get(func.value.id)
        if instance is None or self.depth >= MAX_DEPTH:
            return call
        method = _method(_lineage(instance.cls, self.classes), func.attr)
        body = None if method is None else self.inlined(instance, func.value.id, method, call)
        if body is None:
            return call
        result = identifier(f"{func.attr}_result", self.taken)
        self.before += returned(body, result, method)
        self.notes.append(
            f"line {self.stmt.lineno}: {ast.unparse(call)} inlined (method of a script class)"
        )
        return ast.copy_location(ast.Name(id=result, ctx=ast.Load()), call)

    def inlined(
        self, instance: _Instance, owner: str, method: ast.FunctionDef, call: ast.Call
    ) -> list[ast.stmt] | None:
        """The method's statements for this call, or None when it is not plain substitution."""
        bound = bind(method, call)
        if bound is None or not plain(method):
            return None
        selfed = _Self(method.args.args[0].arg, owner, instance.attributes)
        body = [selfed.visit(copy.deepcopy(s)) for s in method.body if not is_docstring(s)]
        if not selfed.ok or not body:
            return None
        body = substituted(method, body, bound, self.taken, self.stmt)
        out: list[ast.stmt] = []
        for stmt in body:
            inner = _MethodInliner(self.classes, self.instances, self.taken, stmt, self.depth + 1)
            stmt = inner.visit(stmt)
            out += inner.before + [stmt]
            self.notes += inner.notes
        return out


class _Self(ast.NodeTransformer):
    """`self.attr` as the value the instance holds; `self.method(...)` as a call on the instance
    (inlined in turn); `ok` turns False on any other use of `self`."""

    def __init__(self, name: str, owner: str, attributes: dict[str, ast.expr]) -> None:
        self.name, self.owner, self.attributes = name, owner, attributes
        self.ok = True

    def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802 (ast API)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == self.name
            and func.attr not in self.attributes
        ):
            func.value = ast.copy_location(ast.Name(id=self.owner, ctx=ast.Load()), func.value)
            node.args = [self.visit(a) for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            return node
        return self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:  # noqa: N802 (ast API)
        if isinstance(node.value, ast.Name) and node.value.id == self.name:
            value = self.attributes.get(node.attr)
            if value is None or not isinstance(node.ctx, ast.Load):
                self.ok = False
                return node
            return ast.copy_location(copy.deepcopy(value), node)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast API)
        if node.id == self.name:
            self.ok = False
        return node


def substituted(
    function: ast.FunctionDef,
    body: list[ast.stmt],
    bound: dict[str, ast.expr],
    taken: set[str],
    at: ast.stmt,
    first: int = 1,
    fresh: Callable[[str, set[str]], str] = identifier,
) -> list[ast.stmt]:
    """`body` (a copy of the function's statements) for one call: its locals renamed apart
    from `taken` by `fresh`, each parameter replaced by its argument where that is a plain
    value the body does not rebind, else by a fresh name assigned the argument first (at the
    calling statement `at`), and branches the substitution made constant decided."""
    renames: dict[str, ast.AST] = {
        local: ast.Name(id=fresh(local, taken), ctx=ast.Load())
        for local in local_names(function, first) - set(bound)
    }
    rebound = {
        n.id
        for n in own_nodes(function)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    binds: list[ast.stmt] = []
    for param, arg in bound.items():
        if trivial(arg) and param not in rebound:  # rebinding it must not rebind the caller's
            renames[param] = arg
            continue
        name = fresh(param, taken)
        renames[param] = ast.Name(id=name, ctx=ast.Load())
        assign = ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=arg)
        binds.append(ast.copy_location(assign, at))
    return binds + fold_branches([Rename(renames).visit(s) for s in body])


def plain(method: ast.FunctionDef) -> bool:
    """No global state, generators, `super()` or early exits: the body runs top to bottom."""
    banned = (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom, ast.AsyncFunctionDef)
    own = list(own_nodes(method))
    if any(isinstance(n, banned) for n in own) or method.decorator_list:
        return False
    if any(isinstance(n, ast.Call) and dotted(n.func) == "super" for n in own):
        return False
    returns = [n for n in own if isinstance(n, ast.Return)]
    return not returns or (len(returns) == 1 and returns[0] is method.body[-1])


def own_nodes(function: ast.FunctionDef):
    """The nodes of a function's body outside the functions, lambdas and classes nested in it."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(node))


def local_names(method: ast.FunctionDef, first: int = 1) -> set[str]:
    """Names the method (a function: `first=0`) binds in its own scope, functions it defines
    included."""
    out = {a.arg for a in method.args.args[first:]}
    for node in own_nodes(method):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.add(node.name)
    return out


def returned(body: list[ast.stmt], result: str, method: ast.FunctionDef) -> list[ast.stmt]:
    """The body with its final `return v` as `result = v` (`result = None` without one)."""
    if body and isinstance(body[-1], ast.Return) and body[-1].value is not None:
        return assign_return(body, result)
    assign = ast.Assign(targets=[ast.Name(id=result, ctx=ast.Store())], value=ast.Constant(None))
    tail = body[:-1] if body and isinstance(body[-1], ast.Return) else body
    return [*tail, ast.copy_location(assign, method.body[-1])]


def fold_branches(body: list[ast.stmt]) -> list[ast.stmt]:
    """`if <constant test>:` replaced by the branch that runs (a default argument substituted
    into a test makes it constant)."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            decided = _constant_test(stmt.test)
            if decided is not None:
                out += fold_branches(stmt.body if decided else stmt.orelse)
                continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, name, fold_branches(block) or [ast.Pass()])
        out.append(stmt)
    return out


def _constant_test(test: ast.expr) -> bool | None:
    """The truth of `None is None`, `3 == 3`, `not None`; None when it depends on anything."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _constant_test(test.operand)
        return None if inner is None else not inner
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, right = test.left, test.comparators[0]
    if not (isinstance(left, ast.Constant) and isinstance(right, ast.Constant)):
        return None
    compare = {
        ast.Is: lambda a, b: a is b,
        ast.IsNot: lambda a, b: a is not b,
        ast.Eq: lambda a, b: a == b,
        ast.NotEq: lambda a, b: a != b,
    }.get(type(test.ops[0]))
    return None if compare is None else bool(compare(left.value, right.value))
