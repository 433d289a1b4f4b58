"""Frame behaviour the model had to guess, observed on small frames run through the abstraction.

Each fact is computed here, not written down: the column labels of a header-less read, what a
`filter` mask must be, the layout of `aggregate`, how a query string resolves names, what the
row-wise probe of `project` does, the dtypes a left join leaves, how the encoder is fitted and
applied, what the absence of a split and a fractional cut select, and two idioms (repeating rows
by position, replaying a sequential seeded draw) run on a frame. A change in the abstraction
changes the text the model reads, and the tests hold every figure against a fresh run.
"""

from __future__ import annotations

import csv
import datetime
import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.features import dense, feature_names, fit_transform_all
from lester.sandbox.image import PYTHON
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, OneHotEncoder
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils import resample

import lester as lt

from ..oracle.analysis import JSON_AS_LOADED


def frame_facts() -> list[str]:
    """The observed facts, one entry each."""
    return [
        header_none(),
        filter_masks(),
        aggregate_layout(),
        query_names(),
        project_probe(),
        left_join_dtypes(),
        encoder_calls(),
        output_names(),
        column_shapes(),
        transformer_input(),
        split_rows(),
        float_sums(),
        text_conversion(),
        passthrough_text(),
        date_comparison(),
        group_rows_replaced(),
        REPEAT_ROWS + f" Observed: {repeat_rows()}.",
        SEQUENTIAL_DRAW + f" Observed: {sequential_draw()}.",
        RUNNING_VALUES + f" Observed: {running_values()}.",
    ]


def _frame(**columns: list[Any]) -> lt.Frame:
    return lt.from_pandas(pd.DataFrame(columns), "probe")


def _outcome_of(call: Any) -> str:
    """What a plain Python call does: the exception it raises, else its value."""
    try:
        return f"gives {call()!r}"
    except Exception as exc:
        return f"raises {type(exc).__name__}"


def _outcome(call: Any) -> str:
    try:
        call()
    except lt.LesterError as exc:
        return f"raises {type(exc).__name__}"
    return "works"


def header_none() -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text("a,1\nb,2\n")
        frame = lt.read_csv(str(path), header=None)
    labels = list(frame.columns)
    first = labels[0]
    return (
        f"`lt.read_csv(..., header=None)` labels the columns {labels!r} "
        f"({type(first).__name__}); `select`/`rename`/`project` take these labels: "
        f"`select([0])` {_outcome(lambda: frame.select([0]))}, `select([{first!r}])` "
        f"{_outcome(lambda: frame.select([first]))}. Pass `names=[...]` to name them."
    )


def filter_masks() -> str:
    frame = _frame(v=[1, 2, 3])
    cases = {
        "a NumPy bool array of the frame's length": np.array([True, False, True]),
        "a list of bools": [True, False, True],
        "a shorter bool array": np.array([True, False]),
        "an int 0/1 array": np.array([1, 0, 1]),
        "a function giving a bool Series (`lambda d: d['v'] > 1`)": lambda d: d["v"] > 1,
        "a function giving a NumPy bool array (`lambda d: np.arange(len(d)) >= 1`, "
        "`lambda d: d.index >= 1`)": lambda d: d.index >= 1,
    }
    told = "; ".join(f"{k} {_outcome(lambda m=m: frame.filter(m))}" for k, m in cases.items())
    return f"`filter` with a mask (one bool per row, in the frame's row order): {told}."


def group_rows_replaced() -> str:
    """What `apply_rows_by_group(target=None)` keeps of rows an original's helper changed and
    extended: the helpers of a per-row `apply(axis=1)` often add entries to the row."""
    frame = _frame(g=["a", "b", "a"], v=[3, 1, 2], w=["x", "yy", "z"])

    def make(group: pd.DataFrame) -> Any:
        def ranked(row: pd.Series) -> pd.Series:
            row["rank"] = int((group["v"] > row["v"]).sum()) + 1
            row["v"] = row["v"] / 2
            row["w"] = len(row["w"])
            return row

        return ranked

    out = frame.apply_rows_by_group(make, key="g").data
    return (
        "`apply_rows_by_group(make, key='g')` with `target=None` keeps every entry the returned "
        "rows hold, each row holding mixed types as `apply(axis=1)`'s rows do: on g=['a', 'b', "
        "'a'], v=[3, 1, 2], w=['x', 'yy', 'z'], a row function that halves `row['v']`, "
        "replaces the text `row['w']` by its length and adds `row['rank']` (a Python int, its "
        f"rank in its group) gives columns {list(out.columns)}, dtypes "
        f"{[str(d) for d in out.dtypes]}, rows {out.values.tolist()}."
    )


def aggregate_layout() -> str:
    frame = _frame(k=["b", "a", "b"], v=[1.0, 2.0, 3.0], w=[10, 20, 30])
    seen: list[Any] = []

    def first(values: pd.Series) -> Any:
        seen.append((type(values).__name__, values.tolist()))
        return values.iloc[0]

    out = frame.aggregate("k", total=("v", "sum"), head=("w", first)).data
    keys = {"k": ["a", None, "a", "b"], "j": [1, 1, 1, None], "v": [1.0, 2.0, 3.0, 4.0]}
    kept = _frame(**keys).aggregate(["k", "j"], n=("v", "count")).data
    pandas = pd.DataFrame(keys).groupby(["k", "j"]).agg(n=("v", "count")).reset_index()
    complete = _frame(**keys).filter(lambda d: d[["k", "j"]].notna().all(axis=1))
    matched = complete.aggregate(["k", "j"], n=("v", "count")).data.values.tolist()
    return (
        "`aggregate`: one row per group, groups sorted by key, the keys as the first columns, then "
        "the outputs in the order given; a Python function receives each group's values as a "
        "`Series` in the frame's row order. Observed: k=['b','a','b'], v=[1.,2.,3.], w=[10,20,30]"
        f" with `aggregate('k', total=('v', 'sum'), head=('w', first))` gives columns "
        f"{list(out.columns)}, rows {out.values.tolist()}, dtypes "
        f"{ {c: str(t) for c, t in out.dtypes.items()} }; `first` received {seen}. Missing keys, "
        f"observed on k={keys['k']}, j={keys['j']}, v={keys['v']}: `aggregate(['k', 'j'], "
        f"n=('v', 'count'))` gives {len(kept)} groups {kept.values.tolist()}, pandas' "
        f"`groupby(['k', 'j'])` (`dropna=True` by default) gives {len(pandas)} "
        f"{pandas.values.tolist()}: it drops every row with a missing value in any key. To match "
        "pandas' default, filter those rows out first: "
        f"`filter(lambda d: d[['k', 'j']].notna().all(axis=1))` then the same `aggregate` "
        f"gives {matched}. {_aggregate_dtypes()}"
    )


def _aggregate_dtypes() -> str:
    """Round 57's ecommerce model could not tell the dtype of a count or of a lambda's ints."""
    frame = _frame(k=["b", "a", "b"], v=[1.0, None, 3.0], w=[10, 20, 30])
    out = frame.aggregate(
        "k", n=("v", "count"), size=("w", "size"), big=("w", lambda s: int((s > 15).sum()))
    ).data
    dtypes = {c: str(t) for c, t in out.dtypes.items() if c != "k"}
    return (
        f"Output dtypes, observed on v=[1.0, None, 3.0], w=[10, 20, 30] with `n=('v', 'count'), "
        f"size=('w', 'size'), big=('w', lambda s: int((s > 15).sum()))`: {dtypes}, rows "
        f"{out.values.tolist()}."
    )


def query_names() -> str:
    frame = _frame(size=["S", "", "M"])
    kept = frame.filter("size != ''").data["size"].tolist()
    return (
        "In a query string a bare name is a column, even one named like a DataFrame attribute "
        f"(`filter(\"size != ''\")` on size=['S', '', 'M'] keeps {kept}); `@name` is a Python "
        "variable (below), never a column."
    )


def project_probe() -> str:
    frame = _frame(t=["a", "b"])
    calls: list[str] = []

    def upper(values: Any) -> Any:
        calls.append(type(values).__name__)
        return values.str.upper()

    def codes(values: Any) -> Any:
        calls.append(type(values).__name__)
        return pd.factorize(values)[0]

    probed = frame.project("u", "t", upper).data["u"].tolist()
    default_calls = list(calls)
    calls.clear()
    frame.project("u", "t", upper, vectorized=True)
    forced = list(calls)
    calls.clear()
    order = ["b", "a", "b", "c"]
    factorized = _frame(t=order).project("c", "t", codes, rowwise=False).data["c"].tolist()
    contains = frame.project("c", "t", lambda t: "a" in t).data["c"].tolist()
    wide = _frame(a=[1], b=[2], c=[3])
    replaced = list(wide.project("b", "b", lambda b: b * 10).data.columns)
    flag = frame.project("flag", [], lambda: 0).data["flag"]
    text = frame.project("day", [], lambda: "2024-03-01").data["day"]
    constant = f"{flag.tolist()}, dtype {flag.dtype} (a text constant gives dtype {text.dtype})"
    binned = _frame(w=[1.0, 9.0]).project(  # labels out of sorted order: the categories'
        "b", "w", lambda w: pd.cut(w, [0, 5, 10], labels=["lo", "hi"])
    )
    dummies = list(binned.get_dummies(["b"]).data.columns)
    three = pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "c": ["u", "v"]})
    several = list(lt.from_pandas(three, "probe").get_dummies(["c", "a"]).data.columns)
    pandas_several = list(pd.get_dummies(three, columns=["c", "a"]).columns)
    slots = frame
    for k, value in enumerate(["a", "b"]):
        slots = slots.project(f"t_{k}", "t", lambda t, value=value: int(t == value))
    bound = slots.data[["t_0", "t_1"]].values.tolist()
    return (
        "When the row-wise spot check of a whole-column `project` result raises (the function "
        f"only works on columns, e.g. uses `.str`), the whole-column result is kept: calls "
        f"{default_calls}, result {probed}; with `vectorized=True` there is no spot check "
        f"(calls {forced}) and a failing or wrong-length whole-column call raises. "
        "`rowwise=False` also calls the function once, on the whole column, and marks the "
        "column as a statistic of the frame's rows (`forget` recomputes it): `lambda v: "
        f"pd.factorize(v)[0]` on t={order} is called with {calls} and gives {factorized}, codes "
        "in first-appearance order over the rows the frame has at that step. A whole-column "
        "result that is not one value per row falls back to per-value calls: `lambda t: 'a' in "
        f"t` on t=['a', 'b'] gives {contains}. A `project` onto an existing column keeps its "
        f"place: columns a, b, c with b replaced are {replaced}. A constant column "
        f"(`df['flag'] = 0`) is `project('flag', [], lambda: 0)`: {constant}. A category the "
        "function returns keeps its categories' order, which `get_dummies` follows: "
        f"`pd.cut(w, [0, 5, 10], labels=['lo', 'hi'])` then `get_dummies(['b'])` gives {dummies}. "
        "Several columns' dummies: on columns a, b, c, `get_dummies(['c', 'a'])` gives "
        f"{several}, `pd.get_dummies(df, columns=['c', 'a'])` {pandas_several}. "
        "A parameter with a default is not given a column: a slot loop binds its value so, "
        "`for k, value in enumerate(['a', 'b']): frame = frame.project(f't_{k}', 't', lambda t, "
        f"value=value: int(t == value))` on t=['a', 'b'] gives t_0, t_1 rows {bound}."
    )


def left_join_dtypes() -> str:
    left = _frame(k=[1, 2], a=[10, 20])
    day = pd.Timestamp("2024-03-01")
    right = pd.DataFrame({"k": [1], "n": [5], "t": ["x"], "b": [True], "d": [day]})
    out = left.join(lt.from_pandas(right, "right"), on="k", how="left").data
    dtypes = {c: str(out[c].dtype) for c in ("n", "t", "b", "d")}
    missing = ", ".join(f"{c} {out[c].iloc[1]}" for c in ("n", "t", "b", "d"))
    full = _frame(k=[1, 2], a=[10, 20]).join(
        lt.from_pandas(pd.DataFrame({"k": [1, 2], "n": [5, 6]}), "r"), on="k", how="left"
    )
    kept = str(full.data["n"].dtype)
    keyed = _frame(order_id=[1, 2], a=[10, 20])
    other = lt.from_pandas(pd.DataFrame({"0": [1, 2], "n": [5, 6], "a": [7, 8]}), "r")
    named = list(keyed.join(other, left_on="order_id", right_on="0").data.columns)
    return (
        "A left join whose right side misses some keys gives those rows missing values: right "
        f"columns int, text, bool and datetime then have dtypes {dtypes} (the missing row: "
        f"{missing}); convert back explicitly where a later value depends on an int; where none does "
        f"(a count that goes into X as it is), the float column gives the same X, which is "
        f"compared as float64, and needs no conversion; when every key matches, an int column stays "
        f"{kept}. The joined columns are the left's, then the right's without the key: columns "
        f"{list(out.columns)}; with keys named apart, both keys stay and a shared name takes "
        f"the suffix: left order_id, a joined with `left_on='order_id', right_on='0'` to right "
        f"0, n, a gives {named}."
    )


def encoder_calls() -> str:
    seen: list[tuple[str, int, list[int]]] = []

    def record(frame: pd.DataFrame) -> np.ndarray:
        seen.append(("call", len(frame), frame["v"].tolist()))
        return frame[["v"]].to_numpy(dtype=float)

    encoder = ColumnTransformer([("v", FunctionTransformer(record), ["v"])])
    data = pd.DataFrame({"v": [3, 1, 2, 5]})
    fit_transform_all(encoder, data, np.array([0, 2]))
    fit, *applied = seen
    return (
        "The encoder is fitted once on the training rows, then transforms all prepared rows in "
        f"one call, in prepared order (4 prepared rows, training rows 0 and 2: the fit saw "
        f"{fit[2]}, the transform calls saw {[s[2] for s in applied]}). Running values per key "
        "are still the preparation's (see the rules), not a stateful transformer's. The "
        "comparison is with the original's X as scikit-learn hands it to the estimator (a dense "
        "float64 matrix, numeric text parsed), not with the object frame it may have built."
    )


class _Halved(BaseEstimator, TransformerMixin):
    """A custom transformer with no `get_feature_names_out`, as models write them."""

    def fit(self, X: Any, y: Any = None) -> _Halved:
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=float) / 2


def output_names() -> str:
    """What a custom transformer owes the matrix's column names (round 54 asked)."""
    encoder = ColumnTransformer(
        [("half", _Halved(), ["v"]), ("kind", OneHotEncoder(sparse_output=False), ["k"])]
    )
    data = pd.DataFrame({"v": [2.0, 4.0], "k": ["a", "b"]})
    fitted, X = fit_transform_all(encoder, data, np.arange(2))
    sklearn = _outcome_of(fitted.get_feature_names_out)
    return (
        "A custom transformer needs no `get_feature_names_out`: X is compared by its values, and "
        "the matrix columns are named by scikit-learn where every transformer names them, else "
        "by transformer and position. Observed: a custom transformer without it beside a "
        f"`OneHotEncoder` gives X {X.tolist()}; `get_feature_names_out()` of the "
        f"ColumnTransformer {sklearn}, and the columns are named {feature_names(fitted)}."
    )


def column_shapes() -> str:
    """What a ColumnTransformer hands a transformer for a column given as a string or a list."""
    shapes: list[int] = []

    def record(values: Any) -> np.ndarray:
        shapes.append(np.ndim(values))
        return np.zeros((len(values), 1))

    data = pd.DataFrame({"t": ["a b", "c"]})
    for spec in ("t", ["t"]):
        ColumnTransformer([("t", FunctionTransformer(record), spec)]).fit_transform(data)
    return (
        f"A `ColumnTransformer` column given as a string hands the transformer a {shapes[0]}-D "
        f"column, as a list a {shapes[-1]}-D frame: text vectorizers (`CountVectorizer`, "
        "`TfidfVectorizer`) need the string form."
    )


def transformer_input() -> str:
    """What a `FunctionTransformer` of a column list receives in a pipeline run, and what its
    values are when read one by one."""
    columns = {
        "card": [7, 8],
        "amount": [1.5, 0.0],
        "ts": pd.to_datetime(["2024-03-01 00:12", "2024-03-02 08:00"]),
        "channel": ["pos", "atm"],
    }
    seen: list[Any] = []

    def record(values: Any) -> np.ndarray:
        seen.append(values)
        return np.zeros((len(values), 1))

    encoder = ColumnTransformer([("f", FunctionTransformer(record), list(columns))])
    fit_transform_all(encoder, _frame(**columns).data, np.arange(2))
    fit, given = seen[0], seen[-1]
    dtypes = {c: str(given[c].dtype) for c in given.columns}
    cells = {c: type(given[c].iloc[0]).__name__ for c in given.columns}
    iterated = {c: type(next(iter(given[c]))).__name__ for c in ("card", "amount")}
    rows = sorted({type(v).__name__ for v in given.to_numpy()[0]})
    amount = given["amount"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = [float(amount.iloc[0] / amount.iloc[1]), float(amount.iloc[1] / amount.iloc[1])]
    python = _outcome_of(lambda: float(amount.iloc[0]) / float(amount.iloc[1]))
    kinds = sorted({type(fit).__name__, type(given).__name__})
    return (
        f"A `FunctionTransformer` given a list of columns receives, in fit and in transform, "
        f"a `{'` or `'.join(kinds)}` of those columns with the prepared dtypes (observed: {dtypes}); "
        f"a value read with `.iloc`/`.loc` is a NumPy scalar or pandas object ({cells}): "
        f"`1.5 / 0.0` and `0.0 / 0.0` on them give {ratios}, on Python floats the first "
        f"{python}; iterating a column "
        f"gives Python values ({iterated}); `.to_numpy()` of mixed columns is an object array "
        f"holding {rows}."
    )


def split_rows() -> str:
    data = pd.DataFrame({"v": range(10)})
    y = np.zeros(10)
    none = lt.no_split().indices(data, y)[0].tolist()
    frac = len(lt.head_split(0.75).indices(data, y)[0])
    return (
        "Without an `@lt.split` function every prepared row trains, in prepared order "
        f"(10 rows: {none}). A fractional `n_train` cuts `int(n_train * n)` rows (0.75 of 10: "
        f"{frac}); give an integer where the original's count rounds otherwise."
    )


def hand_parsed_text() -> str:
    """How `lt.read_csv`'s text of a file relates to the original's own `line.split(sep)`."""
    text = 'k\tv\n1\t"a b"\n2\tc \r\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.tsv"
        path.write_bytes(text.encode())
        read = lt.read_csv(str(path), sep="\t", dtype="str", keep_default_na=False)
        bare = lt.read_csv(
            str(path), sep="\t", dtype="str", keep_default_na=False, quoting=csv.QUOTE_NONE
        )
        with open(path) as handle:
            split = [line.split("\t") for line in handle][1:]
    return (
        f"The original parses its file by hand; the source reads it with `lt.read_csv(..., "
        f"dtype='str', keep_default_na=False)`. Observed on the lines {text.splitlines()[1:]!r}: "
        f"`line.split('\\t')` gives {split}, the source's rows are {read.data.values.tolist()} "
        "(no line ends, `\\r` dropped, a quoted field unquoted), with `quoting=csv.QUOTE_NONE` "
        f"{bare.data.values.tolist()}. Strip or keep line ends and quotes as the original's "
        "parsing does: putting back a line end the reader drops is part of reproducing the "
        "original's values, even where a later step (a token pattern, a strip) drops it again."
    )


def json_lines_text() -> str:
    """How `lt.read_json`'s values of a JSON-lines file relate to the original's `json.loads`."""
    line = '{"id": "007", "when": "2024-01-05", "big": 3.0078873113505354e+99}'
    options = ", ".join(f"{k}={v!r}" for k, v in JSON_AS_LOADED.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        path.write_text(line + "\n")
        default = lt.read_json(str(path)).data.iloc[0].tolist()
        loaded = lt.read_json(str(path), **JSON_AS_LOADED).data.iloc[0].tolist()
    same = loaded == list(json.loads(line).values())
    return (
        "The original parses its JSON lines by hand (`json.loads`). Observed on the line "
        f"{line}: `lt.read_json(path)` gives {_plain(default)}; `lt.read_json(path, {options})` "
        f"gives {_plain(loaded)}, {'the same as' if same else 'unlike'} `json.loads`. Read the "
        "source with these options."
    )


def _plain(values: list[Any]) -> list[Any]:
    return [v.item() if hasattr(v, "item") else v for v in values]


def float_sums() -> str:
    values = [1e16, 1.0, 1.0, -1e16]
    columns = {"k": [0] * len(values), "v": values}
    frame = pd.DataFrame(columns)
    loop = functools.reduce(lambda total, x: total + x, values, 0.0)
    running = np.cumsum(np.asarray(values, dtype=float))[-1]
    grouped = frame.groupby("k")["v"].cumsum().iloc[-1]
    summed = frame.groupby("k")["v"].sum().iloc[0]
    aggregated = _frame(**columns).aggregate("k", t=("v", "sum")).data["t"].iloc[0]
    return (
        "Floats must match to the last bit: a Python loop's `total += x` is sequential, as "
        "`np.cumsum` on a float64 array is, but pandas' grouped sums compensate. Observed on "
        f"{values}: the loop gives {loop}, `np.cumsum` {running}, `groupby(...).cumsum()` "
        f"{grouped}, `groupby(...).sum()` {summed}, `aggregate('k', t=('v', 'sum'))` "
        f"{aggregated}; replay a loop's sum or running sum per group with `np.cumsum` over each "
        f"group (a function `aggregate` calls with the group's values). {builtin_sum()}"
    )


def builtin_sum() -> str:
    """Python's `sum()` of floats, which compensates from Python 3.12 on: the sandbox's
    version decides, not the host's."""
    major, minor = (int(part) for part in PYTHON.split("."))
    how = "compensates" if (major, minor) >= (3, 12) else "adds in sequence, as the loop does"
    return f"In the sandbox's Python {PYTHON}, the built-in `sum()` of floats {how}."


def text_conversion() -> str:
    """What converting a column to text does with its missing values in this pandas version."""
    column = pd.Series(["b", None, "a"], dtype="str")
    numbers = pd.Series([1.5, np.nan])
    converted = column.astype(str).tolist()
    per_value = [str(v) for v in column]
    codes = LabelEncoder().fit_transform(column.astype(str)).tolist()
    return (
        f"`astype(str)` keeps a missing value missing: text {column.tolist()} gives {converted}, "
        f"numbers {numbers.tolist()} give {numbers.astype(str).tolist()}; Python's `str(v)` of "
        f"each value gives {per_value}. `LabelEncoder().fit_transform(col.astype(str))` on the "
        f"text gives {codes} (a missing value sorts after every text). Text of integers "
        f"converts with `astype('int64')` {_as_int_parses()}. "
        f"Text of decimals converts with `astype('float64')` {_as_float_parses()}."
    )


def _as_int_parses() -> str:
    """Round 56's fraud model parsed hours per value, unsure that `astype` reads "09" as 9."""
    digits = ["0", "09", "12", "-3", "007"]
    converted = pd.Series(digits, dtype="str").astype("int64").tolist()
    verdict = "to the same ints as" if converted == [int(v) for v in digits] else "unlike"
    return f"{verdict} Python's `int()` of each value, leading zeros and signs included: {digits} gives {converted}"


def _as_float_parses() -> str:
    decimals = ["0.1", "2.675", "93.997", "-34.3", "1e-7", "5225.8", "0.30000000000000004"]
    converted = pd.Series(decimals, dtype="str").astype("float64").tolist()
    same = converted == [float(v) for v in decimals]
    verdict = "to the same floats as" if same else "to other floats than"
    return f"{verdict} Python's `float()` of each value (observed on {decimals})"


def passthrough_text() -> str:
    """What the estimator receives from a passthrough of numeric text, and whether it fits."""
    data = pd.DataFrame({"a": pd.Series(["1.5", "2"], dtype="str"), "b": [1, 0]})
    X = ColumnTransformer([("p", "passthrough", ["a", "b"])]).fit_transform(data)
    converted = data.assign(a=data["a"].astype(float))
    C = ColumnTransformer([("p", "passthrough", ["a", "b"])]).fit_transform(converted)
    either = "the same X" if np.array_equal(dense(X), dense(C)) else "different X"
    fitted = _outcome_of(lambda: LinearRegression().fit(X, [0.0, 1.0]) and "a fitted model")
    mixed = pd.DataFrame({"f": [True, False, True], "n": [3, 1, 2], "x": [0.1, 2.675, 1e-7]})
    M = ColumnTransformer([("p", "passthrough", list(mixed.columns))]).fit_transform(mixed)
    y = [0.5, 1.5, 2.5]
    same = np.array_equal(
        DecisionTreeRegressor(random_state=0).fit(M, y).predict(M),
        DecisionTreeRegressor(random_state=0).fit(mixed, y).predict(mixed),
    )
    return (
        f"A `passthrough` of a text column of numbers makes an array of dtype {X.dtype} "
        f"({X.tolist()}); the run converts it before the model and its deletion state see it "
        f"(dtype {dense(X).dtype}: {dense(X).tolist()}), as scikit-learn's own conversion would: "
        f"`LinearRegression().fit` on the array {fitted}. So a text column of numbers may stay "
        f"text in the preparation or be converted there with `astype(float)`: both give {either} "
        f"({dense(C).tolist()} from the converted column). One of bool, int and float columns is an "
        f"array of dtype {M.dtype} too; a tree model (which fits on float32) fitted on it "
        f"predicts {'the same as' if same else 'otherwise than'} on the DataFrame of those "
        "columns."
    )


REPEAT_ROWS = (
    "Repeating or reordering rows by position (oversampling until the classes balance, a cyclic "
    "fill, a shuffle, a sample with replacement): `frame.take_rows(positions)`, the positions "
    "computed from the data with NumPy inside `positions`, where a `while` loop appended rows."
)
SEQUENTIAL_DRAW = (
    "Replaying a sequential seeded draw (a loop of `randint` + `np.delete`): no stage may loop, "
    "so fold the draws over the row positions with a local generator seeded as the original "
    "seeded its global one, `rng = np.random.RandomState(seed); kept = functools.reduce(lambda "
    "pos, _: np.delete(pos, rng.randint(len(pos))), range(k), np.arange(n))`, then "
    "`frame.filter(np.isin(np.arange(n), kept))`; it draws as `np.random.seed(seed)` then the "
    "loop does, provided nothing else draws in between."
)

RUNNING_VALUES = (
    "Running values per key (a loop that keeps a dict of each key's count, last value or "
    "total as it goes): one `project(target, [key, value], f, rowwise=False)` per value, whose "
    "`f` works on the whole columns in frame order, grouped by key: the count of the key's "
    "earlier rows `v.groupby(k).cumcount()`, its previous value `v.groupby(k).shift()`, and "
    "the sum of its earlier values in the loop's float order by `np.cumsum` inside each "
    "group, shifted so that a row's own value is left out, `v.groupby(k).transform(lambda g: "
    "np.concatenate([[0.0], np.cumsum(g.to_numpy())[:-1]]))` (subtracting the row's value "
    "after a cumsum changes the last bits); a window over the key's earlier timestamps with "
    "`np.searchsorted` inside each group. A module-level helper that loops over the distinct keys is fine too."
)


def running_values() -> str:
    keys, values = ["a", "b", "a", "a", "b"], [0.1, 5.0, 0.2, 0.3, 1.0]
    frame = _frame(k=keys, v=values)
    out = (
        frame.project("n", ["k", "v"], lambda k, v: v.groupby(k).cumcount(), rowwise=False)
        .project("prev", ["k", "v"], lambda k, v: v.groupby(k).shift(), rowwise=False)
        .project(
            "before",
            ["k", "v"],
            lambda k, v: v.groupby(k).transform(
                lambda g: np.concatenate([[0.0], np.cumsum(g.to_numpy())[:-1]])
            ),
            rowwise=False,
        )
        .data
    )
    seen: dict[str, list[float]] = {}
    loop = []
    for k, v in zip(keys, values, strict=True):
        earlier = seen.setdefault(k, [])
        total = 0.0
        for e in earlier:
            total += e
        loop.append([len(earlier), earlier[-1] if earlier else None, total])
        earlier.append(v)
    ours = [
        [int(n), None if pd.isna(p) else p, b]
        for n, p, b in zip(out["n"], out["prev"], out["before"], strict=True)
    ]
    same = "the same as" if ours == loop else "NOT the same as"
    return f"k={keys}, v={values} gives n, prev, before rows {ours}, {same} the loop's {loop}"


def repeat_rows() -> str:
    """`take_rows` beside the loops it stands for: a `while` that appends the next positive row
    until the classes balance, and pandas' seeded samples (round 48's iotdb note had only an
    idiom around the static check's refusal of `while`)."""
    labels = [1, 0, 0, 1, 0, 0, 0]
    rows = list(range(len(labels)))
    looped, count1, count0, i = list(rows), labels.count(1), labels.count(0), 0
    positives = [r for r in rows if labels[r] == 1]
    while count1 < count0:
        looped.append(positives[i % len(positives)])
        count1, i = count1 + 1, i + 1
    frame = _frame(r=rows, y=labels, x=[r + 0.5 for r in rows])
    taken = frame.take_rows(
        lambda d: np.concatenate(
            [
                np.arange(len(d)),
                np.resize(np.flatnonzero(d["y"] == 1), (d["y"] == 0).sum() - (d["y"] == 1).sum()),
            ]
        )
    )
    data, n, seeded = pd.DataFrame({"r": rows}), 4, lambda: np.random.RandomState(3)
    draws = [  # the positions' code and function, the original's calls it stands for
        (
            "permutation(len(d))",
            lambda d: seeded().permutation(len(d)),
            {"df.sample(frac=1, random_state=s)": data.sample(frac=1, random_state=3)},
        ),
        (
            "randint(0, len(d), n)",
            lambda d: seeded().randint(0, len(d), n),
            {
                "df.sample(n, replace=True, random_state=s)": data.sample(
                    n, replace=True, random_state=3
                )
            },
        ),
        (
            "choice(len(d), n, replace=False)",
            lambda d: seeded().choice(len(d), n, replace=False),
            {
                "df.sample(n, random_state=s)": data.sample(n, random_state=3),
                "resample(df, replace=False, n_samples=n, random_state=s)": resample(
                    data, replace=False, n_samples=n, random_state=3
                ),
            },
        ),
    ]
    compared = []
    for code, function, originals in draws:
        ours = frame.take_rows(function).data["r"].tolist()
        calls = " and ".join(
            f"{'' if ours == list(got['r']) else 'NOT '}`{call}`" for call, got in originals.items()
        )
        compared.append(f"`lambda d: np.random.RandomState(s).{code}` gives the rows of {calls}")
    dtypes = {c: str(taken.data[c].dtype) for c in taken.data.columns}
    return (
        f"y={labels}; the loop appending positives while count1 < count0 gives rows {looped}, "
        f"`take_rows(lambda d: np.concatenate([np.arange(len(d)), np.resize(np.flatnonzero("
        f"d['y'] == 1), (d['y'] == 0).sum() - (d['y'] == 1).sum())]))` gives "
        f"{taken.data['r'].tolist()} (dtypes kept: {dtypes}); " + "; ".join(compared)
    )


def sequential_draw() -> str:
    rng = np.random.RandomState(0)
    kept = functools.reduce(
        lambda pos, _: np.delete(pos, rng.randint(len(pos))), range(3), np.arange(6)
    )
    saved = np.random.get_state()
    np.random.seed(0)
    loop = list(range(6))
    for _ in range(3):
        loop = np.delete(loop, np.random.randint(len(loop))).tolist()
    np.random.set_state(saved)
    same = "the same as" if list(kept) == loop else "NOT the same as"
    return f"seed 0, 3 draws from 6 rows keeps {kept.tolist()}, {same} the loop's {loop}"


def date_comparison() -> str:
    """How a datetime64 column compares with a `datetime.date` constant: pandas raises where the
    original's loop compared `datetime.date` values, and a query converts."""
    day = datetime.date(2024, 2, 1)
    column = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01"]))
    frame = _frame(d=column.tolist())
    direct = _outcome_of(lambda: (column < day).tolist())
    timestamp = _outcome_of(lambda: (column < pd.Timestamp(day)).tolist())

    def kept(day: datetime.date = day) -> list[str]:  # `day` a local of the calling step
        return [str(d.date()) for d in frame.filter("d < @day").data["d"]]

    calls: list[str] = []

    def later(values: Any) -> Any:
        calls.append(type(values).__name__)
        return values + pd.Timedelta(days=1)

    shifted = _frame(d=pd.to_datetime([f"2024-01-0{i}" for i in range(1, 6)]).tolist())
    result = shifted.project("e", "d", later).data["e"]
    parsed_calls: list[str] = []

    def parsed(values: Any) -> Any:
        parsed_calls.append(type(values).__name__)
        return pd.to_datetime(values, utc=True)

    texts = _frame(t=[f"2015-06-1{i} 17:26:21 UTC" for i in range(5)])
    parsed_dtype = texts.project("d", "t", parsed).data["d"].dtype
    return (
        f"A datetime64 column compared with a `datetime.date` {day!r}: `column < date` {direct}; "
        f"`column < pd.Timestamp(date)` {timestamp}; the `filter` query `'d < @day'` with that "
        f"date {_outcome_of(kept)} (the rows kept). `column.dt.date` gives `datetime.date` "
        f"values, to compare as the original's loop does. A whole-column datetime result "
        f"{'passes' if calls.count('Timestamp') < len(shifted) else 'fails'} the row-wise spot "
        "check against the per-value `Timestamp`s: `lambda v: v + pd.Timedelta(days=1)` on "
        f"{len(shifted)} datetime64 rows is called with {calls} and gives dtype {result.dtype}; "
        "so does parsing text: `lambda t: pd.to_datetime(t, utc=True)` on 5 rows of "
        f"'2015-06-10 17:26:21 UTC' is called with {parsed_calls} and "
        f"{'keeps the whole-column result' if parsed_calls.count('str') < 5 else 'is called per row'}"
        f", dtype {parsed_dtype}, with no `vectorized=True`."
    )
