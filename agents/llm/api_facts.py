"""What correct code depends on beyond the signatures, for the API reference of the prompts.

Where a fact can be observed it is observed, not written down: the row order of a join and what a
`project` function receives are read off small frames run through the abstraction itself, the
library versions are the ones the sandbox image is built with (`lester.sandbox.image` pins the
host's installed versions), and version-dependent names come from the installed libraries'
signatures. A change to any of them changes the text the model reads. What cannot be observed
cheaply (the `@name` scope, pickling, where column statistics belong) is stated once here.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import io
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from lester.sandbox.image import PYTHON, runtime_requirements
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

import lester as lt

from ..oracle.matching import Tolerance
from .api_frames import frame_facts

VERSIONED = ("pandas", "numpy", "scikit-learn", "scipy")
PROBE_ROWS = 5

STATED = """\
- `@name` in a `filter` query string reaches the calling step's local variables and the pipeline
  module's globals (its constants), wherever the filter is called from.
- The run is saved with joblib (pickle): a fitted encoder must pickle. Define custom transformer
  classes at module level (not inside a function), keep no lambdas, generators or open files in
  their fitted state, and prefer `FunctionTransformer` with a module-level function. Only the
  encoder and the model are saved so: the functions Frame operations call (`project`,
  `apply_rows`, `filter_by`) are never pickled, and a lambda there is fine.
- Whole-column statistics (a mean, a standard deviation, a min/max, a vocabulary, a category list
  or order such as `pd.factorize` codes) are the encoder's when the original computes them over
  the rows the encoder is fitted on (a scikit-learn transformer in the ColumnTransformer, fitted
  on the training rows, or on all prepared rows with `@lt.encode(fit_on="all")`), and must be the
  preparation's when it computes them over rows the encoder never sees as such (the source rows
  before a filter, a join or oversampling changes them): there, in the step whose rows they are
  over, with `project(..., rowwise=False)` (accepted by the static check; see above) or an
  `aggregate` joined back. Never write a statistic of the data as a number. A statistic the
  original computes over all its rows before it splits them (`pd.get_dummies` of the whole
  frame, a scaler or `LabelEncoder` fitted before `train_test_split`) is exact in either place,
  and the analysis' stages decide: computed in lines it gives to data preparation, it stays in
  the preparation (`Frame.get_dummies`, `project(..., rowwise=False)`); in feature lines, it is
  the encoder's with `fit_on="all"`.
- A step may compute from its input frames' `.data` what a Frame operation then uses (the keys
  to keep, a split of the keys with `train_test_split`, a count): that is computed, not
  hard-coded. A figure copied from the analysis into the code is hard-coded, except the
  parameters of the split the analysis names, which the split function writes as named.
- Text the original writes and reads back (`f"{x:.4f}"`, `str(x)`) is reproduced by formatting
  with the same spec and parsing with `float()`, not by `np.round`: deliver such a column as the
  original's read-back gives it. A reader that parses (`pd.read_csv`) gives numbers; one that
  does not (`csv.reader`, `line.split(',')`) gives text, and the `float()` its later lines
  apply is a conversion of one row's values, the preparation's or the encoder's (see Rules).
- A prepared column may hold lists (tokens per row); the encoder's transformers receive them as
  they are, so a vectorizer over them takes a module-level callable `analyzer`.
- The model is fitted on the encoder's output as it comes: a `ColumnTransformer` gives a sparse
  matrix when its `sparse_threshold` (0.3) allows. Set `sparse_threshold=0` where the original
  fits a dense matrix, since some estimators fit sparse input differently."""


@functools.cache
def api_facts() -> str:
    """The section of the API reference on behaviour the signatures do not show."""
    facts = [
        join_order(),
        project_arguments(),
        *frame_facts(),
        versions(),
        text_dtype(),
        one_hot_options(),
        scalers_by_column(),
        time_differences(),
    ]
    return "\n".join(f"- {fact}" for fact in facts) + "\n" + STATED


def join_order() -> str:
    """The row order of an inner join, observed on a left frame whose keys repeat."""
    left = lt.from_pandas(pd.DataFrame({"k": [2, 1, 2, 3], "a": [0, 1, 2, 3]}), "left")
    right = lt.from_pandas(pd.DataFrame({"k": [1, 2, 2], "b": ["x", "y", "z"]}), "right")
    out = left.join(right, on="k").data
    rows = list(zip(out["a"].tolist(), out["b"].tolist(), strict=True))
    keeps_left = out["a"].is_monotonic_increasing
    order = (
        "in the left frame's order, a left row with several matches repeated once per match in "
        "the right frame's order (as a loop over the left rows with an inner loop over the right "
        "rows gives); left rows without a match are dropped (`how='left'` keeps them, with "
        "missing values)"
        if keeps_left
        else "not in the left frame's order: sort afterwards where the original keeps it"
    )
    return (
        f"Row order of `join`: rows come {order}. Observed: left a=[0, 1, 2, 3] with k=[2, 1, 2, 3] "
        f"joined on k with right k=[1, 2, 2], b=['x', 'y', 'z'] gives (a, b) = {rows}."
    )


def project_arguments() -> str:
    """What a `project` function receives, observed for one column and for a list of columns."""
    frame = lt.from_pandas(pd.DataFrame({"a": range(PROBE_ROWS), "b": range(PROBE_ROWS)}), "p")
    whole = _received(frame, "a", lambda a: a * 2)
    single = _received(frame, "a", lambda a: float(a))
    pair = _received(frame, ["a", "b"], lambda a, b: a + b)
    return (
        "What a `project` (and `filter_by`) function receives: with `columns` one string, first "
        f"{_calls(whole[:1])} (the whole column); "
        + _fallback(whole, single)
        + f" With `columns` a list, one argument per column in that order: {_calls(pair[:1])}, "
        f"else one value per column per row (`{pair[-1]}`). Write whole-column code (`a * 2`, `a.str.lower()`, "
        "`np.where(...)`) where the original's per-row code has a vectorized equivalent, and "
        "per-value code (`float(a)`, `a.split(',')`, a dict lookup) where it has none; "
        "`vectorized=True/False` forces one way."
    )


def _received(frame: Any, columns: str | list[str], func: Callable[..., Any]) -> list[str]:
    seen: list[str] = []

    def probe(*values: Any) -> Any:
        seen.append(", ".join(type(v).__name__ for v in values))
        return func(*values)

    frame.project("out", columns, probe)
    return seen


def _calls(kinds: list[str]) -> str:
    return " then ".join(f"`{k}`" for k in kinds) if kinds else "nothing"


def _fallback(whole: list[str], single: list[str]) -> str:
    """How the calls after the whole-column one are used, from how many there were."""
    checks, per_row = len(whole) - 1, len(single) - 1
    return (
        f"when that gives one value per row, it is also called on the first {checks} rows' single "
        f"values (`{whole[-1]}`) and the whole-column result is used if they agree; when the "
        f"whole-column call raises, gives something else or disagrees, the function is called "
        f"once per row ({per_row} calls for {PROBE_ROWS} rows) with the row's single value "
        f"(`{single[-1]}`)."
    )


def versions() -> str:
    pins = dict(r.split("==", 1) for r in runtime_requirements())
    shown = ", ".join(f"{name} {pins[name]}" for name in VERSIONED if name in pins)
    return f"The sandbox runs Python {PYTHON}, {shown} (the image is built with these versions)."


def text_dtype() -> str:
    """The dtype pandas gives text, which differs between pandas versions."""
    read = pd.read_csv(io.StringIO("n,f,b,t\n1,1.5,True,x\n"))
    dtype = str(read["t"].dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        included = list(read.select_dtypes(include=["object"]).columns)
        excluded = list(read.select_dtypes(exclude=["object"]).columns)
    both = list(read.select_dtypes(exclude=["object", "str"]).columns)
    frame = lt.from_pandas(pd.DataFrame({"t": ["x", None, "y"]}), "probe").fill_na("t", value="z")
    mapped = frame.project("t", "t", lambda t: t.map({"x": "a", "y": "b", "z": "c"}))
    steps = f"`{frame.data['t'].dtype}` after `fill_na`, `{mapped.data['t'].dtype}` after a "
    return (
        f"Text columns read from a file have dtype `{dtype}` (numbers are parsed: `n` is "
        f"`{read['n'].dtype}`); test for text with `pd.api.types.is_string_dtype`, not "
        "`dtype == object`, and a missing text value is NaN. On columns n, f (float), b (bool), t, "
        f"`select_dtypes(include=['object'])` gives {included} and `exclude=['object']` "
        f"{excluded} (pandas warns; `'str'` beside `'object'` says the same without warning: "
        f"`exclude=['object', 'str']` gives {both}). A text column stays text through the "
        f"steps: {steps}`project` mapping text to text."
    )


def one_hot_options() -> str:
    """The encoder's parameter names in this version, and the category order it gives with and
    without `categories=` (a one-hot the original builds by hand orders its columns as its own
    code does, often by first appearance)."""
    params = list(inspect.signature(OneHotEncoder).parameters)
    values = pd.DataFrame({"c": ["b", "a", "b", "c"]})
    found = OneHotEncoder().fit(values).categories_[0].tolist()
    given = OneHotEncoder(categories=[["b", "a", "c"]]).fit(values).categories_[0].tolist()
    dummies = [str(c).removeprefix("c_") for c in pd.get_dummies(values, columns=["c"]).columns]
    return (
        f"`OneHotEncoder` takes {', '.join(params)} (scikit-learn's names in this version). Its "
        f"columns follow its categories: found in the data they are sorted (c={values['c'].tolist()}"
        f" gives {found}, as `pd.get_dummies` orders its columns: {dummies}); "
        f"`categories=[['b', 'a', 'c']]` keeps the order given ({given}); it gives every "
        "column's list or none, so columns of which only some have fixed categories get a "
        "`OneHotEncoder` each, in the original's column order. A "
        "one-hot the original builds by hand has its columns in the order its own code makes "
        "them, often first appearance over the rows it sees; its categories are the values of "
        "the rows its code takes them from: where that is another table (the values of a "
        "devices table's column), build the slots from that table's column, which gives a "
        "column of zeros for a value no prepared row has, as the original does, where an "
        "encoder fitted on the prepared rows would leave it out. The encode function takes no data, "
        "so a data-dependent order is made where those rows are: first-appearance codes "
        "(`project(..., lambda v: pd.factorize(v)[0], rowwise=False)`, see `project` above), "
        "which `OneHotEncoder` then sorts into that order. Where a data preparation line "
        "transforms the hand-built columns afterwards (a scaler over the whole array), they "
        "are the preparation's: build them there, one column per slot, at the slots the "
        "original's code gives each value."
    )


def scalers_by_column() -> str:
    """Whether a scaler the original fits on a whole array may be one per column: round 44's
    iotdb note could not tell whether a column's own MinMaxScaler gives the array's bits."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(50, 9, 200), rng.integers(0, 2, 200), rng.gamma(2, 3, 200)])
    found = []
    for scaler in (MinMaxScaler, StandardScaler):
        whole = scaler().fit_transform(X)
        alone = np.column_stack([scaler().fit_transform(X[:, [i]]) for i in range(X.shape[1])])
        found.append(f"{scaler.__name__} {np.abs(whole - alone).max()}")
    frame = pd.DataFrame({"a": X[:, 0], "n": rng.integers(0, 90, 200), "g": X[:, 2]})
    statistics = []
    for name in ("mean", "std", "median"):
        together = getattr(frame, name)()
        alone = [getattr(frame[c], name)() for c in frame.columns]
        statistics.append(f"{name} {np.abs(together.to_numpy() - np.array(alone)).max()}")
    tol = Tolerance()
    return (
        "Floats of X and y match when |yours - original| <= "
        f"{tol.atol:g} + {tol.rtol:g} * |original|. scikit-learn's scalers fit each column on "
        "its own: one fitted on each column alone gives the values of one fit on the whole "
        f"array, well within that tolerance (largest difference over three columns: "
        f"{', '.join(found)}), so a scaler of the original's array may be a `project` per "
        "column, `rowwise=False`. So do pandas' statistics of several columns at once: on "
        "float and int columns, `df[cols].mean()` (`.std()`, `.median()`) differs from each "
        f"column's own `df[c].mean()` by at most: {', '.join(statistics)}."
    )


def time_differences() -> str:
    """Whether pandas' seconds of a time difference are Python's, bit for bit: round 48's
    fraud note could not tell, and computed them from microseconds instead."""
    micros = np.random.default_rng(0).integers(0, 10**12, 2000)
    pandas_seconds = pd.Series(pd.to_timedelta(micros, unit="us")).dt.total_seconds().to_numpy()
    python_seconds = [datetime.timedelta(microseconds=int(m)).total_seconds() for m in micros]
    differ = int((pandas_seconds != np.array(python_seconds)).sum())
    return (
        "A time difference's seconds are the same floats either way: `(b - a).dt.total_seconds()` "
        f"on a column and Python's `timedelta.total_seconds()` per value differ in {differ} of "
        f"{len(micros)} differences of up to 11 days at microsecond resolution (observed)."
    )
