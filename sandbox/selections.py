"""Row selections a script makes on its way to the fit: the calls that decide which rows train.

Scripts choose their training rows in many ways: `train_test_split`, a seeded permutation cut
(`X[np.random.permutation(n)[:cut]]`), scikit-learn's `shuffle` then a slice, `DataFrame.sample`
with the rest as test, or `random.shuffle` of a list before slicing it. Their arguments are often
computed while the script runs (a seed kept in a dataclass field, a cut from `len()`), which no
reading of the source recovers. So the calls are recorded here as they happen, with their resolved
arguments, the sizes of what they return, and for the shuffles a check, made here in the sandbox,
that a fresh generator seeded as the script seeded it yields the same order: only then can a
declarative split reproduce the selection.

The wrappers are installed once per process and record only while a `Recorder` is active; the
script's call always goes through unchanged.
"""

from __future__ import annotations

import functools
import numbers
import random
import sys
from collections.abc import Callable
from typing import Any

_MAX_RECORDS = 200


class Selections:
    """What one job's row-selection calls did, in call order (`records`)."""

    def __init__(self, script: str | None, line: Callable[[], int | None]) -> None:
        self.records: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.script = script
        self._line = line
        self._numpy_seed: int | None = None
        self._python_seed: int | None = None

    def add(self, call: str, n: int | None, outputs: list[int], **args: Any) -> None:
        if len(self.records) < _MAX_RECORDS:
            entry = {"call": call, "line": self._line(), "n": n, "outputs": outputs}
            self.records.append({**entry, "args": args})

    def numpy_seeded(self, seed: Any) -> None:
        self._numpy_seed = seed if isinstance(seed, numbers.Integral) else None

    def python_seeded(self, seed: Any) -> None:
        self._python_seed = seed if isinstance(seed, numbers.Integral) else None

    def take_numpy_seed(self) -> int | None:
        """The seed the global NumPy generator was last given, once: a second draw from it no
        longer starts from that seed."""
        seed, self._numpy_seed = self._numpy_seed, None
        return None if seed is None else int(seed)

    def take_python_seed(self) -> int | None:
        seed, self._python_seed = self._python_seed, None
        return None if seed is None else int(seed)


def _length(value: Any) -> int | None:
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(value)
    except TypeError:
        return None


def _seed(value: Any) -> int | None:
    return int(value) if isinstance(value, numbers.Integral) else None


def install(current: Callable[[], Selections | None]) -> None:
    """Wrap the selection functions of scikit-learn, NumPy, pandas and `random` in place."""
    _wrap_train_test_split(current)
    _wrap_sklearn_shuffle(current)
    _wrap_numpy(current)
    _wrap_pandas_sample(current)
    _wrap_random(current)


def _wrapper(function: Callable, after: Callable[..., None], current: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        selections = current()
        if selections is None or sys._getframe(1).f_code.co_filename != selections.script:
            return function(*args, **kwargs)  # only the script's own calls, not a library's
        before = _snapshot(function, args)
        result = function(*args, **kwargs)
        try:
            after(selections, args, kwargs, result, before)
        except Exception as exc:  # never let recording change what the script does
            selections.errors.append(f"{function.__name__}: {exc!r}")
        return result

    return wrapper


def _snapshot(function: Callable, args: tuple) -> Any:
    """What an in-place shuffle is about to reorder: a list's object identities, an array's copy."""
    if getattr(function, "__name__", "") != "shuffle" or not args:
        return None
    if isinstance(args[0], list):
        return [id(item) for item in args[0]]
    import numpy as np

    return np.array(args[0], copy=True) if hasattr(args[0], "shape") else None


def _wrap_train_test_split(current: Callable) -> None:
    from sklearn import model_selection
    from sklearn.model_selection import _split

    def after(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        sel.add(
            "train_test_split",
            _length(args[0]) if args else None,
            [_length(r) for r in result],
            test_size=kwargs.get("test_size"),
            train_size=kwargs.get("train_size"),
            random_state=_seed(kwargs.get("random_state")),
            seeded=kwargs.get("random_state") is None
            or _seed(kwargs.get("random_state")) is not None,
            shuffle=bool(kwargs.get("shuffle", True)),
            stratify=kwargs.get("stratify") is not None,
        )

    wrapped = _wrapper(_split.train_test_split, after, current)
    _split.train_test_split = wrapped
    model_selection.train_test_split = wrapped


def _wrap_sklearn_shuffle(current: Callable) -> None:
    import sklearn.utils

    def after(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        first = args[0] if args else None
        sel.add(
            "sklearn.utils.shuffle",
            _length(first),
            [_length(r) for r in result] if len(args) > 1 else [_length(result)],
            random_state=_seed(kwargs.get("random_state")),
            n_samples=kwargs.get("n_samples"),
        )

    sklearn.utils.shuffle = _wrapper(sklearn.utils.shuffle, after, current)


def _wrap_numpy(current: Callable) -> None:
    import numpy as np

    def seeded(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        sel.numpy_seeded(args[0] if args else kwargs.get("seed"))

    def permuted(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        seed, x = sel.take_numpy_seed(), args[0] if args else kwargs.get("x")
        n = _length(result)
        same = seed is not None and n is not None
        if same:
            order = np.random.RandomState(seed).permutation(n)
            same = bool(
                np.array_equal(
                    result, order if isinstance(x, numbers.Integral) else np.asarray(x)[order]
                )
            )
        sel.add("numpy.random.permutation", n, [n], random_state=seed, reproducible=same)

    def shuffled(sel: Selections, args: tuple, kwargs: dict, result: Any, before: Any) -> None:
        seed, x = sel.take_numpy_seed(), args[0] if args else None
        n = _length(x)
        same = seed is not None and before is not None and n is not None
        if same:
            same = bool(
                np.array_equal(np.asarray(x), before[np.random.RandomState(seed).permutation(n)])
            )
        sel.add("numpy.random.shuffle", n, [n], random_state=seed, reproducible=same)

    np.random.seed = _wrapper(np.random.seed, seeded, current)
    np.random.permutation = _wrapper(np.random.permutation, permuted, current)
    np.random.shuffle = _wrapper(np.random.shuffle, shuffled, current)


def _wrap_pandas_sample(current: Callable) -> None:
    import pandas as pd

    def after(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        frame = args[0]
        seed = _seed(kwargs.get("random_state"))
        sel.add(
            "DataFrame.sample",
            len(frame),
            [len(result)],
            size=kwargs.get("n", args[1] if len(args) > 1 else None),
            frac=kwargs.get("frac"),
            random_state=seed,
            replace=bool(kwargs.get("replace", False)),
            permutation=_is_permutation(frame, result, seed),
        )

    pd.DataFrame.sample = _wrapper(pd.DataFrame.sample, after, current)


def _is_permutation(frame: Any, result: Any, seed: int | None) -> bool:
    """Whether a sample of every row is, position by position, the order a fresh
    `RandomState(seed).permutation` gives (what replays `df.sample(frac=1)` then a cut)."""
    import numpy as np

    if seed is None or len(result) != len(frame) or not frame.index.is_unique:
        return False
    positions = frame.index.get_indexer(result.index)
    return bool((positions == np.random.RandomState(seed).permutation(len(frame))).all())


def _wrap_random(current: Callable) -> None:
    def seeded(sel: Selections, args: tuple, kwargs: dict, result: Any, _: Any) -> None:
        sel.python_seeded(args[0] if args else kwargs.get("a"))

    def shuffled(sel: Selections, args: tuple, kwargs: dict, result: Any, before: Any) -> None:
        seed = sel.take_python_seed()
        n = len(args[0]) if args and isinstance(args[0], list) else None
        same = seed is not None and before is not None and len(set(before)) == len(before)
        if same:
            position = {ident: i for i, ident in enumerate(before)}
            order = [position[id(item)] for item in args[0]]
            expected = list(range(n))
            random.Random(seed).shuffle(expected)
            same = order == expected
        sel.add("random.shuffle", n, [n], random_state=seed, reproducible=same)

    random.seed = _wrapper(random.seed, seeded, current)
    random.shuffle = _wrapper(random.shuffle, shuffled, current)
