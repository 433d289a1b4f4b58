"""The lifter's rules for pandas statements: each DataFrame idiom mapped to its frame operation.

Column expressions stay pandas code: `df['a'] * 2` becomes a vectorized function of the column `a`,
so the generated step computes exactly what the original computed, on whole columns.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..oracle import static
from .syntax import Rel, Unsupported, identifier

if TYPE_CHECKING:
    from .prepare import Lifter


def _columns_of(node: ast.AST, frame: str) -> list[str]:
    """Columns an expression reads from `frame` as `frame['col']` or `frame.loc[mask, 'col']`."""
    cols = []
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Subscript)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == frame
        ):
            key = static.literal(sub.slice)
            if isinstance(key, str):
                cols.append(key)
            if _is_name_list(key):
                cols += key
        located = _loc_read(sub, frame)
        if located is not None:
            cols.append(located[1])
    return list(dict.fromkeys(cols))


def _is_name_list(key: object) -> bool:
    return isinstance(key, list) and bool(key) and all(isinstance(k, str) for k in key)


def _loc_read(node: ast.AST, frame: str) -> tuple[ast.AST, str] | None:
    """(mask, column) of `frame.loc[mask, 'column']`."""
    if not (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr in ("loc", "at")
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == frame
        and isinstance(node.slice, ast.Tuple)
        and len(node.slice.elts) == 2
    ):
        return None
    column = static.literal(node.slice.elts[1])
    return (node.slice.elts[0], column) if isinstance(column, str) else None


class _ColumnParams(ast.NodeTransformer):
    """`frame['c']` becomes the parameter of column c; `frame.loc[mask, 'c']` becomes `c[mask]`."""

    def __init__(self, frame: str, params: dict[str, str]) -> None:
        self.frame, self.params = frame, params

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:  # noqa: N802 (ast API)
        if isinstance(node.value, ast.Name) and node.value.id == self.frame:
            key = static.literal(node.slice)
            if isinstance(key, str) and key in self.params:
                return ast.copy_location(ast.Name(id=self.params[key], ctx=ast.Load()), node)
            if _is_name_list(key) and all(k in self.params for k in key):
                frame = "pd.concat([" + ", ".join(self.params[k] for k in key) + "], axis=1)"
                return ast.copy_location(ast.parse(frame, mode="eval").body, node)
        located = _loc_read(node, self.frame)
        if located is not None and located[1] in self.params:
            column = ast.Name(id=self.params[located[1]], ctx=ast.Load())
            mask = self.visit(located[0])
            return ast.copy_location(ast.Subscript(column, mask, ctx=ast.Load()), node)
        return self.generic_visit(node)


def _column_function(lifter: Lifter, node: ast.AST, frame: str) -> tuple[list[str], str]:

    node = lifter.inline_scalars(node, frame)
    unknown = sorted(_free_names(node) - lifter.globals - {frame})
    if unknown:
        # `df[c].map(counts)` with `counts = df[c].value_counts()`: a value the script computed
        # in a statement of its own, which no step defines
        raise Unsupported(node, f"a column expression that uses the script's values {unknown}")
    cols = _columns_of(node, frame)
    taken = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    params = {c: identifier(c, taken) for c in cols}
    body = _ColumnParams(frame, params).visit(ast.parse(ast.unparse(node), mode="eval").body)
    return cols, f"lambda {', '.join(params.values())}: {ast.unparse(body)}".replace(
        "lambda :", "lambda:"
    )


def _free_names(node: ast.AST) -> set[str]:
    """Names an expression reads that it does not bind itself (lambda and comprehension
    variables are its own)."""
    bound = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Lambda):
            bound |= {a.arg for a in sub.args.args}
        elif isinstance(sub, ast.comprehension):
            bound |= {n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name)}
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return read - bound


def lift_frame_expression(lifter: Lifter, value: ast.AST, stmt: ast.stmt) -> Rel | None:
    """A frame-valued expression (`df[mask]`, `df.merge(...)`, ...) or None when it is not one."""
    if isinstance(value, ast.Name):
        return lifter.env.get(value.id)
    if isinstance(value, ast.Call) and static.dotted(value.func) in DUMMIES:
        return _get_dummies(lifter, value, stmt)
    if isinstance(value, ast.Call) and static.dotted(value.func) in CONSTRUCTORS:
        return _from_rows(lifter, value, stmt)
    if (
        isinstance(value, ast.Subscript)
        and isinstance(value.value, ast.Name)
        and value.value.id in lifter.env
    ):
        rel = lifter.env[value.value.id]
        key = static.literal(value.slice)
        if isinstance(key, list):
            new = lifter.emit(f"{rel.var}.select({key!r})", value.value.id)
            lifter.note(stmt, "column selection (select)")
            return Rel(new, key)
        if isinstance(key, str):
            return None
        cols, fn = _column_function(lifter, value.slice, value.value.id)
        new = lifter.emit(f"{rel.var}.filter_by({cols!r}, {fn})", value.value.id)
        lifter.note(stmt, f"boolean mask {ast.unparse(value.slice)} (pandas filter)")
        return Rel(new, rel.columns)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return _method(lifter, value, stmt)
    if isinstance(value, ast.Call) and static.dotted(value.func) in ("pd.merge", "pandas.merge"):
        return _merge(lifter, value.args[0], value.args[1], value, stmt)
    if isinstance(value, ast.Call | ast.Subscript | ast.Attribute | ast.ListComp | ast.SetComp):
        return None  # len(df), df.loc[m, 'c'], df.shape, [v for v in df['c']]: not a frame
    raise Unsupported(stmt, f"no rule for {ast.unparse(value)[:80]}")


DUMMIES = ("pd.get_dummies", "pandas.get_dummies")
EXPORTS = frozenset({"to_numpy", "to_list", "tolist", "to_dict", "to_records", "itertuples"})
REDUCTIONS = frozenset(
    {"mean", "median", "std", "var", "sum", "min", "max", "count", "nunique", "quantile", "mode"}
)


def column_wide(function: str) -> bool:
    """A column function whose value for a row depends on other rows (a median, `unique()`, a
    comprehension over the column): deleting rows must recompute it (`rowwise=False`)."""
    for node in ast.walk(ast.parse(function, mode="eval")):
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {*REDUCTIONS, "unique", "value_counts", "rank", "cumsum"}
            and static.literal(static.keyword(node, "axis")) not in (1, "columns")
        ):
            return True
    return False


def is_column_scalar(node: ast.AST, frame: str) -> bool:
    """A value computed from whole columns of `frame` (`df.loc[df['a'] > 0, 'a'].median()`)
    that a column expression can recompute: every read of the frame names a column."""
    reduces = any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in REDUCTIONS
        or isinstance(n, ast.ListComp | ast.SetComp | ast.GeneratorExp)
        for n in ast.walk(node)
    )
    if not reduces or not _columns_of(node, frame):
        return False
    params = {c: c for c in _columns_of(node, frame)}
    rewritten = _ColumnParams(frame, params).visit(ast.parse(ast.unparse(node), mode="eval").body)
    return not any(isinstance(n, ast.Name) and n.id == frame for n in ast.walk(rewritten))


def _get_dummies(lifter: Lifter, call: ast.Call, stmt: ast.stmt) -> Rel | None:
    """`pd.get_dummies(df, columns=[...])` is feature encoding: the prepared frame keeps the raw
    columns and the encoder synthesis finds the one-hot block (idiom: get_dummies)."""
    base = lift_frame_expression(lifter, call.args[0], stmt) if call.args else None
    if base is not None:
        lifter.note(stmt, "get_dummies: raw columns kept for the encoder synthesis (one-hot)")
    return base


CONSTRUCTORS = ("pd.DataFrame", "pandas.DataFrame")


def _from_rows(lifter: Lifter, call: ast.Call, stmt: ast.stmt) -> Rel | None:
    """`pd.DataFrame(records)` of collected records is those rows as a frame; with
    `columns=[...]`, positional rows get those names (idiom: frame from collected rows)."""
    rows = lift_frame_expression(lifter, call.args[0], stmt) if call.args else None
    if rows is None:
        return None
    names = static.literal(static.keyword(call, "columns"))
    if isinstance(names, list) and len(names) == len(rows.columns) and not rows.records:
        mapping = {c: n for c, n in zip(rows.columns, names, strict=True) if c != n}
        new = lifter.emit(f"{rows.var}.rename({mapping!r})", "frame") if mapping else rows.var
        return Rel(new, names)
    return rows if rows.records else None


def _method(lifter: Lifter, call: ast.Call, stmt: ast.stmt) -> Rel | None:

    method = call.func.attr
    base = lift_frame_expression(lifter, call.func.value, stmt)
    if base is None:
        return None
    if method == "to_dict" and [static.literal(a) for a in call.args] == ["records"]:
        return Rel(base.var, list(base.columns), records=True)
    if method in REDUCTIONS or method in EXPORTS:
        return None
    if method in ("copy", "reset_index"):
        return base
    if method == "merge":
        return _merge(lifter, call.func.value, call.args[0], call, stmt)
    if method == "dropna":
        subset = static.literal(static.keyword(call, "subset")) or base.columns
        new = lifter.emit(
            f"{base.var}.filter(lambda d: d[{list(subset)!r}].notna().all(axis=1))", base.var
        )
        lifter.note(stmt, "dropna (missing-value filter)")
        return Rel(new, base.columns)
    if method == "drop_duplicates":
        subset = static.literal(static.keyword(call, "subset")) or static.literal(
            call.args[0] if call.args else None
        )
        keep = static.literal(static.keyword(call, "keep")) or "first"
        args = f"{list(subset)!r}, keep={keep!r}" if subset else f"keep={keep!r}"
        new = lifter.emit(f"{base.var}.drop_duplicates({args})", base.var)
        lifter.note(stmt, "drop_duplicates (deduplication)")
        return Rel(new, base.columns)
    if method == "drop":
        dropped = _dropped_columns(call)
        if not isinstance(dropped, list) or not set(dropped) <= set(base.columns):
            raise Unsupported(stmt, "DataFrame.drop without a literal list of known columns")
        new = lifter.emit(f"{base.var}.drop({dropped!r})", base.var)
        lifter.note(stmt, f"drop columns {dropped} (drop)")
        return Rel(new, [c for c in base.columns if c not in dropped])
    if method == "rename":
        mapping = static.literal(static.keyword(call, "columns"))
        if not isinstance(mapping, dict):
            raise Unsupported(stmt, "rename without a literal columns mapping")
        new = lifter.emit(f"{base.var}.rename({mapping!r})", base.var)
        return Rel(new, [mapping.get(c, c) for c in base.columns])
    if method == "sort_values":
        by = static.literal(static.keyword(call, "by")) or static.literal(
            call.args[0] if call.args else None
        )
        new = lifter.emit(f"{base.var}.sort({by!r})", base.var)
        return Rel(new, base.columns)
    raise Unsupported(stmt, f"no rule for DataFrame.{method}")


def _dropped_columns(call: ast.Call) -> object:
    """The columns a `drop` removes, as written: `columns=`, or labels with `axis=1`."""
    dropped = static.literal(static.keyword(call, "columns"))
    if dropped is None and static.literal(static.keyword(call, "axis")) in (1, "columns"):
        dropped = static.literal(static.keyword(call, "labels") or (call.args or [None])[0])
    return [dropped] if isinstance(dropped, str) else dropped


def _merge(lifter: Lifter, left: ast.AST, right: ast.AST, call: ast.Call, stmt: ast.stmt) -> Rel:

    lrel = lift_frame_expression(lifter, left, stmt)
    rrel = lift_frame_expression(lifter, right, stmt)
    if lrel is None or rrel is None:
        raise Unsupported(stmt, "a merge of something that is not a frame")
    how = static.literal(static.keyword(call, "how")) or "inner"
    keys = {k: static.literal(static.keyword(call, k)) for k in ("on", "left_on", "right_on")}
    args = ", ".join(f"{k}={v!r}" for k, v in keys.items() if v is not None)
    new = lifter.emit(
        f"{lrel.var}.join({rrel.var}, {args}, how={how!r}, suffixes=('_x', '_y'))", lrel.var
    )
    lifter.note(stmt, f"merge how={how} (join)")
    shared = set(lrel.columns) & set(rrel.columns) - (
        {keys["on"]} if isinstance(keys["on"], str) else set(keys["on"] or [])
    )
    columns = [c + "_x" if c in shared else c for c in lrel.columns]
    columns += [
        c + "_y" if c in shared else c for c in rrel.columns if c not in lrel.columns or c in shared
    ]
    return Rel(new, columns)


def lift_column_assignment(
    lifter: Lifter, rel: Rel, target: ast.Subscript, value: ast.AST, stmt: ast.stmt
) -> Rel:
    """`df['c'] = <expression over df's columns>` becomes a projection of `c`."""
    column = static.literal(target.slice)
    frame = target.value.id
    if not isinstance(column, str):
        raise Unsupported(stmt, "assigning to something other than one named column")
    row_apply = _row_apply(value, frame)
    if row_apply is not None:
        cols, fn = row_apply
        new = lifter.emit(f"{rel.var}.project({column!r}, {cols!r}, {fn}, vectorized=False)", frame)
    else:
        cols, fn = _column_function(lifter, value, frame)
        if not cols and static.literal(value) is None:
            raise Unsupported(stmt, f"{ast.unparse(value)[:60]} reads no column")
        wide = ", rowwise=False" if column_wide(fn) else ""
        new = lifter.emit(f"{rel.var}.project({column!r}, {cols!r}, {fn}{wide})", frame)
    idiom = "derived column" if cols else "constant column"
    lifter.note(stmt, f"column {column} = {ast.unparse(value)[:60]} ({idiom})")
    return Rel(new, rel.columns + ([column] if column not in rel.columns else []))


def lift_masked_assignment(
    lifter: Lifter, rel: Rel, target: ast.Subscript, value: ast.AST, stmt: ast.stmt
) -> Rel:
    """`df.loc[mask, 'c'] = v` replaces c by v where the mask holds: a projection of c with
    `Series.mask` (idiom: masked assignment)."""
    frame = target.value.value.id
    located = _loc_read(target, frame)
    if located is None or located[1] not in rel.columns:
        raise Unsupported(stmt, "a .loc assignment to something other than one existing column")
    mask, column = located
    text = f"{frame}[{column!r}].mask({ast.unparse(mask)}, {ast.unparse(value)})"
    replaced = ast.parse(text, mode="eval").body
    cols, fn = _column_function(lifter, replaced, frame)
    wide = ", rowwise=False" if column_wide(fn) else ""
    new = lifter.emit(
        f"{rel.var}.project({column!r}, {cols!r}, {fn}, vectorized=True{wide})", frame
    )
    lifter.note(
        stmt,
        f"{column} = {ast.unparse(value)[:40]} where {ast.unparse(mask)[:60]} (masked assignment)",
    )
    return Rel(new, rel.columns)


def _row_apply(value: ast.AST, frame: str) -> tuple[list[str], str] | None:
    """`df.apply(lambda r: f(r['a'], r['b']), axis=1)` as a row-wise function of a and b."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "apply"
    ):
        return None
    if not (isinstance(value.func.value, ast.Name) and value.func.value.id == frame):
        return None
    if static.literal(static.keyword(value, "axis")) not in (1, "columns") or not value.args:
        return None
    fn = value.args[0]
    if not isinstance(fn, ast.Lambda) or len(fn.args.args) != 1:
        return None
    row = fn.args.args[0].arg
    cols = _columns_of(fn.body, row)
    params = {c: c if c.isidentifier() else f"c{i}" for i, c in enumerate(cols)}
    body = _ColumnParams(row, params).visit(ast.parse(ast.unparse(fn.body), mode="eval").body)
    return cols, f"lambda {', '.join(params.values())}: {ast.unparse(body)}"
