"""What every synthesis rule shares: the captured data, fit modes, derived columns and comparisons.

Derived columns are computed by evaluating their expression text, so a derivation that verifies here
is exactly the one written into the pipeline. Comparisons use the tolerance the equivalence check
uses, and screen on a fixed sample of rows first because most candidates fail on the first rows.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.features import dense

from .types import BOTH_MODES, DerivedColumn, Hints, Mode

SAMPLE_ROWS = 256
TOLERANCE = (1e-7, 1e-9)  # (rtol, atol) of the equivalence check
NAMESPACE: dict[str, Any] = {"np": np, "pd": pd}
SKLEARN_MODULES = {
    "ColumnTransformer": "sklearn.compose",
    "StandardScaler": "sklearn.preprocessing",
    "MinMaxScaler": "sklearn.preprocessing",
    "OneHotEncoder": "sklearn.preprocessing",
    "OrdinalEncoder": "sklearn.preprocessing",
    "SimpleImputer": "sklearn.impute",
    "FunctionTransformer": "sklearn.preprocessing",
    "make_pipeline": "sklearn.pipeline",
    "HashingVectorizer": "sklearn.feature_extraction.text",
    "CountVectorizer": "sklearn.feature_extraction.text",
    "TfidfVectorizer": "sklearn.feature_extraction.text",
    "PlainIdfTfidfVectorizer": "lester.abstraction.encoders",  # scikit-learn's, textbook idf
    "SampleStandardScaler": "lester.abstraction.encoders",  # scikit-learn's, ddof=1
}


LIBRARIES = ("sklearn.", "lester.")  # the only modules a constructor's classes come from


def sklearn_namespace(extra: dict[str, str] | None = None) -> dict[str, Any]:
    """The names constructor texts may use: the scikit-learn classes above, those of the script's
    recorded encoders (`extra`, library modules only) and NumPy."""
    import importlib

    known = _classes(extra)
    classes = {
        name: getattr(importlib.import_module(module), name) for name, module in known.items()
    }
    return {**classes, "np": np}


def imported_classes(lines: list[str]) -> dict[str, str]:
    """Class name -> module of `from M import A, B` lines (the inverse of `imports_for`)."""
    found = {}
    for line in lines:
        match = re.fullmatch(r"from ([\w.]+) import ([\w, ]+)", line.strip())
        if match:
            found.update({name.strip(): match[1] for name in match[2].split(",")})
    return found


def imports_for(codes: list[str], extra: dict[str, str] | None = None) -> list[str]:
    """The import lines the constructor texts `codes` need, grouped by module."""
    known = _classes(extra)
    used = {name for name in known if any(re.search(rf"\b{name}\(", c) for c in codes)}
    modules = sorted({known[name] for name in used})
    return [
        f"from {m} import {', '.join(sorted(n for n in used if known[n] == m))}" for m in modules
    ]


def _classes(extra: dict[str, str] | None) -> dict[str, str]:
    chosen = {n: m for n, m in (extra or {}).items() if m.startswith(LIBRARIES)}
    return {**chosen, **SKLEARN_MODULES}


class Context:
    """The prepared data, the captured matrix, the rows of X in `prepared`, hints and caches."""

    def __init__(
        self,
        prepared: pd.DataFrame,
        X: np.ndarray,
        rows: np.ndarray | None,
        hints: Hints | None,
        tol: tuple[float, float],
    ) -> None:
        self.prepared = prepared.reset_index(drop=True)
        self.X = np.asarray(X, dtype=np.float64)
        if self.X.ndim == 1:
            self.X = self.X.reshape(-1, 1)
        n_all = len(self.prepared)
        self.rows = np.arange(n_all) if rows is None else np.asarray(rows, dtype=np.int64)
        if len(self.rows) != len(self.X):
            raise ValueError(f"X has {len(self.X)} rows but `rows` selects {len(self.rows)}")
        self.hints = hints or Hints()
        self.classes = self.hints.classes()
        self.rtol, self.atol = tol
        identity = len(self.rows) == n_all and bool((self.rows == np.arange(n_all)).all())
        self.mode_groups: list[frozenset[Mode]] = (
            [BOTH_MODES] if identity else [frozenset({"train"}), frozenset({"all"})]
        )
        rng = np.random.default_rng(0)
        n = len(self.rows)
        self.sample = np.sort(rng.choice(n, size=min(n, SAMPLE_ROWS), replace=False))
        self.derived: dict[str, tuple[DerivedColumn, pd.Series]] = {}
        self.cache: dict[Any, Any] = {}

    @property
    def n(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return self.X.shape[1]

    def fit_rows(self, modes: frozenset[Mode]) -> np.ndarray:
        """The rows an encoder is fitted on under `modes` (the training rows unless only "all")."""
        return self.rows if "train" in modes else np.arange(len(self.prepared))

    def columns(self) -> list[str]:
        """Prepared columns, those the feature code touches first."""
        names = [str(c) for c in self.prepared.columns]
        touched = [c for c in self.hints.columns if c in names]
        return touched + [c for c in names if c not in touched]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()` once per key: tokenizations, vocabularies, banks are reused across positions."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def series(self, name: str) -> pd.Series:
        """A prepared or derived column over all prepared rows."""
        if name in self.derived:
            return self.derived[name][1]
        return self.prepared[name]

    def derive(self, column: str, suffix: str, expression: str) -> DerivedColumn | None:
        """Add the column `expression` of `column` (None when it fails or gives no value per row)."""
        name = f"{column}_{suffix}"
        if name in self.derived:
            return self.derived[name][0]
        if name in self.prepared.columns:
            return None
        try:
            with np.errstate(all="ignore"):
                values = eval(expression, dict(NAMESPACE), {"s": self.series(column)})
            values = pd.Series(values, index=self.prepared.index)
        except Exception:
            return None
        derived = DerivedColumn(name, column, expression)
        self.derived[name] = (derived, values)
        return derived

    def chain(self, name: str) -> tuple[DerivedColumn, ...]:
        """The derived columns `name` needs, inputs first (empty for a prepared column)."""
        if name not in self.derived:
            return ()
        derived = self.derived[name][0]
        return (*self.chain(derived.column), derived)

    def frame(self, names: list[str]) -> pd.DataFrame:
        return pd.DataFrame({n: self.series(n) for n in names})

    def close(self, values: np.ndarray, target: np.ndarray) -> bool:
        """Equal within the tolerance, NaN matching NaN; `target` is the original's."""
        if values.shape != target.shape:
            return False
        if values.dtype.kind not in "fiub":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError):
                return False  # a block of objects (lists, strings): not numbers
        with np.errstate(invalid="ignore"):
            ok = np.abs(values - target) <= self.atol + self.rtol * np.abs(target)
        return bool((ok | (np.isnan(values) & np.isnan(target))).all())

    def block(self, start: int, stop: int) -> np.ndarray:
        return self.X[:, start:stop]

    def build(self, entries: list[str]) -> Any:
        """The ColumnTransformer of these entry texts, built from the texts themselves."""
        return column_transformer(entries, self.classes)

    def fit_transform(self, encoder: Any, data: pd.DataFrame, modes: frozenset[Mode]) -> np.ndarray:
        """X's rows of the encoder's output when fitted under `modes`, in one pass over the data."""
        fit_rows = self.fit_rows(modes)
        out = dense(encoder.fit_transform(data.iloc[fit_rows]))
        return out if fit_rows is self.rows else out[self.rows]


_CONSTRUCTOR_NODES = (
    ast.Expression, ast.Call, ast.keyword, ast.Name, ast.Load, ast.Constant, ast.Tuple,
    ast.List, ast.Dict, ast.UnaryOp, ast.USub, ast.UAdd, ast.Attribute,
)  # fmt: skip


def column_transformer(entries: list[str], classes: dict[str, str] | None = None) -> Any:
    """The ColumnTransformer of these entry texts, built by `build_constructors`."""
    return build_constructors(f"ColumnTransformer([{', '.join(entries)}])", classes)


def build_constructors(code: str, classes: dict[str, str] | None = None) -> Any:
    """Evaluate a constructor text of the namespace's classes: calls, constants and `np.`
    attributes only, with no builtins. Texts carry values the sandbox recorded (an estimator's
    class and parameters), so nothing else of them may run here: a lambda, a name outside the
    namespace or an attribute other than NumPy's raises ValueError before anything is built."""
    namespace = sklearn_namespace(classes)
    for node in ast.walk(ast.parse(code, mode="eval")):
        if not isinstance(node, _CONSTRUCTOR_NODES):
            raise ValueError(f"not a constructor text: {type(node).__name__} in {code:.80}")
        if isinstance(node, ast.Name) and node.id not in namespace:
            raise ValueError(f"not a constructor text: {node.id!r} in {code:.80}")
        if isinstance(node, ast.Attribute) and (
            not isinstance(node.value, ast.Name) or node.value.id != "np" or node.attr[:1] == "_"
        ):
            raise ValueError(f"not a constructor text: .{node.attr} in {code:.80}")
    return eval(code, {"__builtins__": {}, **namespace})
