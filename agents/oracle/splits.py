"""How the original chose its training rows, as an `lt` split a rewrite can state.

The sandbox records the script's own row-selection calls with their resolved arguments
(`sandbox/selections.py`). The last one before the final fit whose output has as many rows as the
fit's X is the split; it maps onto the `lt` split that replays the same generator. A shuffle whose
order a fresh generator does not reproduce (the seed was consumed by other draws first), and rows
removed by computed positions (`np.delete` in a loop), cannot be replayed: the analysis then says
that the preparation itself must select the training rows. Without any recorded selection, a slice
of the fitted matrix (`X[:800]`, `X[:-1]`) is a head split.

The result is a JSON dict: `idiom`, `line`, `function` (the `lt` constructor, or None when no split
can express it), `args` (its keyword arguments), `note` (what a rewrite must do) and, for a recorded
selection, `rows`: how many rows it selected from, which is how many the preparation must give.
"""

from __future__ import annotations

import ast
from typing import Any

from lester.abstraction.deletion_split import drawn_positions

from . import slicing, static
from .dataflow import ancestors

SEEDS = frozenset({"np.random.seed", "numpy.random.seed"})
_CUTS = {
    "numpy.random.permutation": ("permutation_split", "a seeded NumPy permutation cut"),
    "numpy.random.shuffle": ("permutation_split", "a seeded NumPy shuffle then a cut"),
    "sklearn.utils.shuffle": ("shuffle_split", "scikit-learn's shuffle then a cut"),
    "random.shuffle": ("python_shuffle_split", "random.shuffle of the rows then a cut"),
}


def row_selection(
    tree: ast.Module, fit: dict[str, Any], selections: list[Any], dag: dict[str, Any] | None = None
) -> dict | None:
    """The split of the final fit, from the recorded selections, the rows the dataflow shows
    deleted, or the fitted matrix's slice."""
    n_fit = (fit.get("X_shape") or [None])[0]
    before = selections[: fit.get("selections_before", len(selections))]
    for record in reversed([r for r in before if isinstance(r, dict)]):
        split = _from_record(record, n_fit)
        if split is not None:
            return {**split, "rows": record["n"]}
    deleted = _replayed_deletions(tree, dag, n_fit)
    return deleted or _slice_of_x(tree, fit.get("line") or 0, n_fit) or _deleted_rows(tree)


def _from_record(record: dict[str, Any], n_fit: int | None) -> dict[str, Any] | None:
    call, n, args = record.get("call"), record.get("n"), record.get("args") or {}
    outputs = [o for o in record.get("outputs") or [] if isinstance(o, int)]
    line = record.get("line") if isinstance(record.get("line"), int) else None
    if not isinstance(n, int) or not isinstance(n_fit, int) or n_fit > n:
        return None
    if call == "train_test_split" and outputs[:1] == [n_fit]:
        return _train_test_split(args, outputs, line)
    if call == "DataFrame.sample" and outputs[:1] == [n] and n_fit < n:
        return _shuffled_frame(args, line, n, n_fit)
    if call == "DataFrame.sample" and outputs and n_fit in (outputs[0], n - outputs[0]):
        holdout = outputs[0] != n_fit
        chosen = {"frac": args.get("frac"), "n": args.get("size"), "holdout": holdout}
        chosen = {k: v for k, v in chosen.items() if v not in (None, False)}
        idiom = "DataFrame.sample, the rest as " + ("training rows" if holdout else "test rows")
        return _split(
            idiom, line, "sample_split", {**chosen, "random_state": args.get("random_state")}
        )
    if call in _CUTS:
        function, idiom = _CUTS[call]
        seed = args.get("random_state")
        replayable = seed is not None and args.get("reproducible", True)
        if not replayable:
            return _preparation(
                idiom,
                line,
                "its order is not what a fresh generator seeded as the script seeded it gives",
            )
        split = _split(idiom, line, function, {"n_train": n_fit, "random_state": seed})
        split["note"] += _replayed_cut(call, seed, n, n_fit, function)
        return split
    return None


def _shuffled_frame(args: dict[str, Any], line: int | None, n: int, n_fit: int) -> dict:
    """`df = df.sample(frac=1, random_state=s)` then `df[:cut]`: a shuffle of every row, which a
    permutation cut replays when the sandbox saw the sample's order be a fresh
    `RandomState(s).permutation` (pandas draws it so)."""
    idiom = "DataFrame.sample of every row (a shuffle) then a cut"
    if not args.get("permutation"):
        why = "its order is not a fresh RandomState permutation (unseeded, or drawn otherwise)"
        return _preparation(idiom, line, why)
    seed = args.get("random_state")
    split = _split(idiom, line, "permutation_split", {"n_train": n_fit, "random_state": seed})
    split["note"] += (
        f": the original shuffles its {n} rows with sample(random_state={seed}), whose order "
        f"the sandbox checked is RandomState({seed}).permutation({n}); the final fit trains on "
        f"{n_fit} of them, and `lt.permutation_split` keeps the first {n_fit} of that order (the "
        "verification compares the rows it selects with the fit's)"
    )
    return split


def _replayed_cut(call: str, seed: int, n: int, n_fit: int, function: str) -> str:
    """Why the replay selects the fit's rows: the order is the generator's, and the cut is its
    first positions. A global generator's order was checked in the sandbox against a fresh one
    (`reproducible`), which is what rules out other draws between the seed and this one."""
    fresh = (
        f"its own generator from random_state={seed}"
        if call == "sklearn.utils.shuffle"
        else f"the global generator seeded with {seed}; in the sandbox a fresh generator seeded "
        f"with {seed} gave the same order, so nothing else drew from the global generator "
        "between the seed and this draw"
    )
    return (
        f": the original draws an order of its {n} rows from {fresh}. The final fit (the "
        "model's last fit; in a loop of fits, the last one's) trains on "
        f"{n_fit} of them; `lt.{function}` keeps the first {n_fit} of that order, as a cut "
        f"`[:{n_fit}]` or the last fold of an unshuffled KFold does (the trace does not show "
        "which drawn positions the fit took, so read the cut in the original's lines; the "
        "verification compares the rows the split selects with the fit's)"
    )


def _train_test_split(args: dict[str, Any], outputs: list[int], line: int | None) -> dict:
    test_size = args.get("test_size")
    if test_size is None and args.get("train_size") is not None:
        test_size = outputs[1] if len(outputs) > 1 else None
    chosen = {
        "test_size": 0.25 if test_size is None else test_size,
        "random_state": args.get("random_state"),
    }
    if not args.get("shuffle", True):
        chosen["shuffle"] = False
    if args.get("stratify"):
        chosen["stratify"] = True
    split = _split("train_test_split", line, "random_split", chosen)
    if chosen["random_state"] is None and args.get("shuffle", True):
        split["note"] += "; unseeded, so no rewrite can reproduce its rows"
    return split


def replay_call(function: str, args: dict[str, Any]) -> str:
    """The `lt` split call that replays the original's: `lt.random_split(test_size=0.3, ...)`."""
    return f"lt.{function}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


def _split(idiom: str, line: int | None, function: str, args: dict[str, Any]) -> dict[str, Any]:
    call = replay_call(function, args)
    return {
        "idiom": idiom,
        "line": line,
        "function": function,
        "args": args,
        "note": f"replayed by {call}",
    }


def _preparation(idiom: str, line: int | None, why: str) -> dict[str, Any]:
    note = f"no lt split replays it ({why}): the preparation must select the training rows"
    return {"idiom": idiom, "line": line, "function": None, "args": {}, "note": note}


def _slice_of_x(tree: ast.Module, fit_line: int, n_fit: int | None) -> dict[str, Any] | None:
    """`X_train = X[:800]`, `fit(X[:-1], ...)`: the training rows are the head of the matrix."""
    x_name, _ = slicing.fit_arguments(tree, fit_line)
    candidates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            candidates += [v for t, v in _pairs(node.targets[0], node.value) if t == x_name]
        elif isinstance(node, ast.Call) and node.lineno == fit_line and node.args:
            candidates.append(node.args[0])
    for value in candidates:
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            cut = value.slice
            upper = static.literal(cut.upper) if cut.upper is not None else None
            if cut.lower is not None or cut.step is not None:
                continue
            held_out = isinstance(upper, int) and upper < 0
            idiom = "the last rows held out" if held_out else "manual slicing"
            split = _split(
                idiom, value.lineno, "head_split", {"n_train": upper if held_out else n_fit}
            )
            held = {"rows": n_fit - upper} if held_out and isinstance(n_fit, int) else {}
            return {**split, "expression": ast.unparse(value), **held}
    return None


def _replayed_deletions(
    tree: ast.Module, dag: dict[str, Any] | None, n_fit: int | None
) -> dict[str, Any] | None:
    """Rows deleted one at a time behind the fit's X (the tracer's folded `np.delete` node) at
    the positions that NumPy's global generator, seeded as the script seeds it at the top,
    draws with `randint(len(rest))`: `lt.deletion_split` replays them."""
    if not dag or dag.get("X") is None:
        return None
    nodes = dag["nodes"]
    for node_id in ancestors(dag, [dag["X"]]):
        node = nodes[node_id]
        if node["op"] != "np.delete" or len(node.get("args") or []) != 2:
            continue
        source, positions = node["args"]
        shape = (nodes[source["ref"]].get("out") or {}).get("shape") or [None]
        n, k = shape[0], len(positions) if isinstance(positions, list) else 0
        if not isinstance(n, int) or not k or n - k != n_fit:
            continue
        for seed in _global_numpy_seeds(tree):
            if drawn_positions(n, k, seed) == positions:
                split = _split(
                    "rows deleted at random positions one at a time",
                    node.get("line"),
                    "deletion_split",
                    {"n_test": k, "random_state": seed},
                )
                return {**split, "rows": n}
    return None


def _global_numpy_seeds(tree: ast.Module) -> list[int]:
    """The integer seeds given to NumPy's global generator by top-level statements."""
    seeds = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and static.dotted(call.func) in SEEDS and call.args:
            seed = static.literal(call.args[0])
            if isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**32:
                seeds.append(seed)
    return seeds


def _deleted_rows(tree: ast.Module) -> dict[str, Any] | None:
    """Rows removed from the matrix by computed positions (`np.delete(X, i, 0)` in a loop)."""
    for call in static.calls(tree):
        if static.dotted(call.func) in ("np.delete", "numpy.delete") and len(call.args) >= 2:
            axis = static.keyword(call, "axis") or (call.args[2] if len(call.args) > 2 else None)
            if static.literal(axis) == 0:
                return _preparation(
                    "np.delete of computed rows",
                    call.lineno,
                    "the rows are removed by positions computed while the script runs",
                )
    return None


def _pairs(target: Any, value: Any) -> list[tuple[str, Any]]:
    """(name, value) for `a = v` and `a, b = v, w`."""
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if (
        isinstance(target, ast.Tuple)
        and isinstance(value, ast.Tuple)
        and len(target.elts) == len(value.elts)
    ):
        return [
            (t.id, v)
            for t, v in zip(target.elts, value.elts, strict=True)
            if isinstance(t, ast.Name)
        ]
    return []
