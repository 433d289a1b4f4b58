"""Pickles of encoders and models, read by an unpickler that names what it may build.

Even a run whose signature checks is unpickled with a second line of defence: the unpickler only
resolves scikit-learn and Lester classes, NumPy arrays, dtypes, scalars, ufuncs and random bit
generators, and a few containers. A pickle that names anything else (`os.system`, `builtins.eval`, `numpy.load`, a
function of the pipeline module) fails with the name it asked for, and nothing of it runs.

Runs are written with the standard `pickle` protocol 5, which `joblib.load` reads too.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

PROTOCOL = 5
CLASS_MODULES = ("sklearn.", "lester.abstraction.encoders", "scipy.sparse")
NAMES = {
    ("builtins", "slice"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "bytearray"),
    ("builtins", "complex"),
    ("builtins", "range"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"),
    ("_codecs", "encode"),
    ("re", "_compile"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy._core._multiarray_umath", "_reconstruct"),
    ("numpy.random._pickle", "__randomstate_ctor"),
    ("numpy.random._pickle", "__bit_generator_ctor"),
    ("numpy.random._pickle", "__generator_ctor"),
    ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
}


# NumPy values a model holds; the bit generators are the state of a fitted `random_state`
# (HistGradientBoosting keeps a PCG64 and its SeedSequence, a forest given a RandomState an
# MT19937): plain numbers.
ARRAYS = (np.generic, np.ndarray, np.dtype, np.random.BitGenerator, np.random.SeedSequence)


class RefusedPickle(pickle.UnpicklingError):
    """A pickle asked for something outside the allowed classes."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in NAMES:
            return super().find_class(module, name)
        if module.startswith(CLASS_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        elif module == "numpy" or module.startswith("numpy."):
            found = super().find_class(module, name)
            if isinstance(found, np.ufunc) or (
                isinstance(found, type) and issubclass(found, ARRAYS)
            ):
                return found
        raise RefusedPickle(f"it names {module}.{name}, which a saved run's pickle may not use")


def dumps(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=PROTOCOL)


def loads(data: bytes) -> Any:
    """Unpickle `data` allowing only the classes above (`RefusedPickle` otherwise)."""
    return _Unpickler(io.BytesIO(data)).load()
