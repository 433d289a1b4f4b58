"""Hooks that watch an unmodified script: the files it opens, the models it fits, what it predicts.

The equivalence check compares a rewrite with what the original script actually did, so the
harness must observe the script without changing it:

- files: a `sys.addaudithook` hook on the "open" event sees every `open()`/`os.open()` (pandas and
  NumPy readers included) without patching any library, and on "os.rename" (`os.replace` too) the
  files a script moves into place. A read of a path the script had itself written or moved there
  before is marked `own`: the script works in a copy of its data and may write intermediates
  anywhere, and what it wrote must never be taken for one of its sources;
- models: `fit`, `predict` and `predict_proba` are wrapped on every scikit-learn estimator class,
  those already imported and (through `BaseEstimator.__init_subclass__`) those defined later, such as
  the script's own estimators or skorch's. Only classifiers and regressors are recorded, and only the
  outermost call: fitting a `Pipeline` records one fit, not its final step's fit as well. The final
  step's own input matrix is what a declarative rewrite produces as `X_train`, so it is kept under
  `final` inside the outer record.

Arrays are written as `.npy` (never pickled), DataFrames also as Parquet; the fitted model as joblib.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lester.abstraction.params import json_safe, qualname

from . import selections

_WRAPPED = "__lester_recorded__"
_METHODS = ("fit", "predict", "predict_proba")
_REPR_CHARS = 2000
_IGNORED_PREFIXES = ("/proc/", "/sys/", "/dev/")


def _argument(args: tuple, kwargs: dict, position: int, name: str) -> Any:
    if len(args) > position:
        return args[position]
    return kwargs.get(name)


def _writes(mode: str) -> bool:
    return any(c in mode for c in "wax+")


def _mode_from_flags(flags: int) -> str:
    if flags & os.O_RDWR:
        return "r+"
    if flags & os.O_WRONLY:
        return "a" if flags & os.O_APPEND else "w"
    return "r"


_active: Recorder | None = None
_installed = False


def install_hooks() -> None:
    """Add the audit hook and wrap every estimator class, once per process.

    The hooks do nothing until a `Recorder` is active, so a fork server installs them before it
    forks (sparing every job the cost) and its own work is never recorded.
    """
    global _installed
    if _installed:
        return
    _installed = True
    sys.addaudithook(_audit)
    try:
        from sklearn.base import BaseEstimator
    except ImportError:
        return
    selections.install(_selections)
    pending = [BaseEstimator]
    while pending:
        cls = pending.pop()
        _wrap_class(cls)
        pending.extend(cls.__subclasses__())
    _hook_new_subclasses(BaseEstimator)


def _audit(event: str, args: tuple) -> None:
    recorder = _active
    if recorder is None or not recorder.watching:
        return
    if event == "open":
        recorder.opened(*args)
    elif event == "os.rename":
        recorder.moved(args[1])


def _selections() -> selections.Selections | None:
    recorder = _active
    return recorder.selections if recorder is not None and recorder.watching else None


def _hook_new_subclasses(base: type) -> None:
    original = base.__dict__.get("__init_subclass__")

    def hook(cls: type, **kwargs: Any) -> None:
        if original is not None:
            original.__func__(cls, **kwargs)
        else:
            super(base, cls).__init_subclass__(**kwargs)
        _wrap_class(cls)

    base.__init_subclass__ = classmethod(hook)  # type: ignore[assignment]


def _wrap_class(cls: type) -> None:
    for name in _METHODS:
        attribute = cls.__dict__.get(name)
        # `available_if` descriptors (Pipeline.predict, ...) keep the function in `.fn`.
        descriptor = hasattr(attribute, "fn")
        function = attribute.fn if descriptor else attribute
        if not inspect.isfunction(function) or getattr(function, _WRAPPED, False):
            continue
        if descriptor:
            attribute.fn = _wrap(function, name)
        else:
            setattr(cls, name, _wrap(function, name))


def _wrap(function: Callable, name: str) -> Callable:
    @functools.wraps(function)
    def wrapper(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = _active
        if recorder is None or not recorder.models:
            return function(estimator, *args, **kwargs)
        handler = recorder.fit if name == "fit" else recorder.predict
        return handler(function, name, estimator, args, kwargs)

    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _dataflow_nodes(X: Any, y: Any) -> dict[str, int | None]:
    """The tracer's nodes for the fit's X and y (when a tracer runs): where the DAG ends."""
    from . import tracer

    active = tracer.active()
    if active is None:
        return {}
    return {"X_node": active.node_of(X), "y_node": active.node_of(y)}


class Recorder:
    """Collects file accesses (and with `models`, fits and predictions) while it is active."""

    def __init__(self, out: Path, script: Path | None, *, models: bool = True) -> None:
        self.out = out
        self.script = str(script.resolve()) if script is not None else None
        self.models = models
        self.watching = False
        self.fits: list[dict[str, Any]] = []
        self.predicts: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.selections = selections.Selections(self.script, self._line)
        self._files: dict[tuple[str, str], bool] = {}
        self._written: set[str] = set()
        self._active_fits: list[dict[str, Any]] = []
        self._predicting = False
        self._fit_index_of: dict[int, int] = {}
        self._fitted: list[Any] = []
        self._ignored_roots = tuple(
            os.path.join(p, "") for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}
        )

    @contextmanager
    def active(self) -> Iterator[None]:
        """Record while the job's own code runs (not the harness's)."""
        global _active
        install_hooks()
        _active, self.watching = self, True
        try:
            yield
        finally:
            _active, self.watching = None, False

    # files ---------------------------------------------------------------------------------

    def files(self, *, written: bool) -> list[dict[str, Any]]:
        """Distinct (path, mode) accesses that wrote (or only read) a file, in first-seen order.

        Reads carry `own`: whether the script had written that path before its first such read."""
        result: list[dict[str, Any]] = []
        for (path, mode), own in self._files.items():
            if written and _writes(mode):
                result.append({"path": path, "mode": mode})
            elif not written and ("r" in mode or "+" in mode):
                result.append({"path": path, "mode": mode, "own": own})
        return result

    def _shown(self, path: Any) -> str | None:
        """The path as the trace names it (relative to the working directory when inside it),
        or None for files that are not the job's (the interpreter's, /proc, the script)."""
        if isinstance(path, int):
            return None
        absolute = os.path.abspath(os.fsdecode(path))
        ignored = absolute.startswith(_IGNORED_PREFIXES + self._ignored_roots)
        if ignored or absolute == self.script or absolute.endswith(".pyc"):
            return None
        cwd = os.path.join(os.getcwd(), "")
        return os.path.relpath(absolute, cwd) if absolute.startswith(cwd) else absolute

    def opened(self, path: Any, mode: Any, flags: int) -> None:
        """The audit hook's "open" event."""
        shown = self._shown(path)
        if shown is None:
            return
        mode = mode if isinstance(mode, str) else _mode_from_flags(flags)
        self._files.setdefault((shown, mode), shown in self._written)
        if _writes(mode):
            self._written.add(shown)

    def moved(self, destination: Any) -> None:
        """The audit hook's "os.rename" event: the destination now holds what the script wrote."""
        shown = self._shown(destination)
        if shown is not None:
            self._written.add(shown)

    # estimators ----------------------------------------------------------------------------

    @staticmethod
    def _is_model(estimator: Any) -> bool:
        try:
            from sklearn.base import is_classifier, is_regressor

            return bool(is_classifier(estimator) or is_regressor(estimator))
        except Exception:
            return False

    @staticmethod
    def _is_composite(estimator: Any) -> bool:
        try:
            params = estimator.get_params(deep=False)
        except Exception:
            return False
        return "steps" in params or "estimator" in params or "estimators" in params

    def fit(self, function: Callable, _name: str, estimator: Any, args: tuple, kwargs: dict) -> Any:
        if not self._is_model(estimator):
            return function(estimator, *args, **kwargs)
        X, y = _argument(args, kwargs, 0, "X"), _argument(args, kwargs, 1, "y")
        if self._active_fits:
            outer = self._active_fits[-1]
            if (
                "steps" in outer.get("params", {})
                and "final" not in outer
                and not self._is_composite(estimator)
            ):
                # a Pipeline's last step (its first model fit): its X is the encoded matrix;
                # the fits inside that step (boosting's trees) come later and are not
                outer["final"] = self._describe(estimator, X, y, f"fit_{outer['index']}_final")
            return function(estimator, *args, **kwargs)
        index = len(self.fits)
        entry = {"index": index, "estimator": qualname(estimator), "line": self._line()}
        entry["selections_before"] = len(self.selections.records)
        entry.update(self._describe(estimator, X, y, f"fit_{index}"))
        entry.update(_dataflow_nodes(X, y))
        self._active_fits.append(entry)
        try:
            result = function(estimator, *args, **kwargs)
        finally:
            self._active_fits.pop()
        entry["model"] = self._save(f"fit_{index}_model.joblib", self._dump_model, estimator)
        self.fits.append(entry)
        self._fit_index_of[id(estimator)] = index
        self._fitted.append(estimator)  # keeps ids unique while the job runs
        return result

    def predict(
        self, function: Callable, name: str, estimator: Any, args: tuple, kwargs: dict
    ) -> Any:
        if self._active_fits or self._predicting or not self._is_model(estimator):
            return function(estimator, *args, **kwargs)
        self._predicting = True
        try:
            result = function(estimator, *args, **kwargs)
        finally:
            self._predicting = False
        index = len(self.predicts)
        stem = f"predict_{index}"
        entry = {
            "index": index,
            "fit_index": self._fit_index_of.get(id(estimator)),
            "method": name,
            "line": self._line(),
        }
        entry.update(self._matrix(_argument(args, kwargs, 0, "X"), stem))
        entry["out"] = self._save(f"{stem}_out.npy", self._save_labels, result)
        self.predicts.append(entry)
        return result

    def _line(self) -> int | None:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.script:
                return frame.f_lineno
            frame = frame.f_back
        return None

    # arrays --------------------------------------------------------------------------------

    def _describe(self, estimator: Any, X: Any, y: Any, stem: str) -> dict[str, Any]:
        try:
            params = {k: json_safe(v) for k, v in estimator.get_params(deep=False).items()}
        except Exception as exc:
            params = {}
            self.warnings.append(f"{stem}: get_params failed: {exc!r}")
        info: dict[str, Any] = {"estimator": qualname(estimator), "params": params}
        info.update(self._matrix(X, stem))
        info["y"] = None if y is None else self._save(f"{stem}_y.npy", self._save_labels, y)
        labels = None if y is None else self._as_labels(y)
        info["y_shape"] = None if labels is None else list(labels.shape)
        info["y_dtype"] = None if labels is None else str(labels.dtype)
        return info

    def _matrix(self, X: Any, stem: str) -> dict[str, Any]:
        fitted = self._as_fitted(X)
        info: dict[str, Any] = {
            "X": None,
            "X_shape": list(fitted.shape) if fitted is not None else [],
            "X_dtype": str(X.dtype) if hasattr(X, "dtype") else type(X).__name__,
        }
        if hasattr(X, "to_parquet"):
            info["X_frame"] = self._save(f"{stem}_X.parquet", self._save_frame, X)
        if fitted is None:
            info["X_repr"] = repr(X)[:_REPR_CHARS]
        elif hasattr(fitted, "tocsr"):
            info["X"] = self._save(f"{stem}_X.npz", self._save_sparse, fitted)
            info["X_sparse"] = True
        else:
            info["X"] = self._save(f"{stem}_X.npy", self._save_array, fitted)
        return info

    @staticmethod
    def _as_fitted(X: Any) -> Any:
        """X as scikit-learn's own input validation hands it to a numeric estimator: float64,
        numeric strings parsed, sparse matrices kept sparse; None when it is not numeric."""
        try:
            from sklearn.utils import check_array

            return check_array(
                X,
                accept_sparse=True,
                dtype="float64",
                ensure_all_finite=False,
                ensure_2d=False,
                allow_nd=True,
                ensure_min_samples=0,
                ensure_min_features=0,
            )
        except (TypeError, ValueError):
            return None

    def _save(self, name: str, writer: Callable[[Path, Any], None], value: Any) -> str | None:
        """Write one artifact; a failure is a warning in the trace, never an error in the job."""
        watching, self.watching = self.watching, False
        try:
            writer(self.out / name, value)
            return name
        except Exception as exc:
            self.warnings.append(f"{name}: {exc!r}")
            return None
        finally:
            self.watching = watching

    @staticmethod
    def _save_array(path: Path, array: Any) -> None:
        import numpy as np

        np.save(path, array, allow_pickle=False)

    @staticmethod
    def _as_labels(values: Any) -> Any:
        """Labels as the estimator sees them (a list too): a column vector (n, 1) is raveled, as
        scikit-learn's `column_or_1d` does."""
        import numpy as np

        if hasattr(values, "toarray"):
            values = values.toarray()
        array = np.asarray(values)
        return array.ravel() if array.ndim == 2 and array.shape[1] == 1 else array

    @classmethod
    def _save_labels(cls, path: Path, values: Any) -> None:
        array = cls._as_labels(values)
        cls._save_array(path, array if array.dtype.kind in "biuf" else array.astype(str))

    @staticmethod
    def _save_sparse(path: Path, matrix: Any) -> None:
        """A sparse matrix as its CSR arrays, loadable without pickle."""
        import numpy as np

        csr = matrix.tocsr()
        csr.sort_indices()
        with open(path, "wb") as out:
            np.savez(out, data=csr.data, indices=csr.indices, indptr=csr.indptr, shape=csr.shape)

    @staticmethod
    def _save_frame(path: Path, frame: Any) -> None:
        frame.rename(columns=str).to_parquet(path)

    @staticmethod
    def _dump_model(path: Path, estimator: Any) -> None:
        import joblib

        joblib.dump(estimator, path)
