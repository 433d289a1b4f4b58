"""Reads as the script made them: each pandas reader call with its options as pandas resolved them.

A rewrite must read its sources exactly as the original did, so for every `pd.read_*` call the
tracer keeps (in `Tracer.reads`, and as the DAG's source node):

- `path` as the script named it and `file`, the path relative to the working directory (as the
  recorder lists files read);
- `call`: the arguments the script passed, by name (what replays the read exactly);
- `options`: what pandas made of them. For CSV, from the `TextFileReader` the read built: the
  header row (`infer` resolved), names, index column, columns used, dtypes, the missing-value
  strings (the script's and pandas' defaults, `keep_default_na`), the separator, compression
  (inferred from the name), date columns, encoding, rows skipped and read, the engine. For the
  other readers, the signature's defaults filled in, compression resolved the same way.
- the frame it produced: columns, dtypes, rows and a sample of the first rows as text.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

from . import trace_values as values
from . import tracer as tracing

CSV_READERS = ("read_csv", "read_table", "read_fwf")
OTHER_READERS = ("read_json", "read_parquet", "read_excel", "read_feather", "read_orc")
PATH_PARAMETERS = ("filepath_or_buffer", "path_or_buf", "path", "io")
CSV_OPTIONS = [
    "header",
    "names",
    "index_col",
    "usecols",
    "dtype",
    "keep_default_na",
    "na_filter",
    "parse_dates",
    "skiprows",
    "skipfooter",
    "quotechar",
    "quoting",
    "decimal",
    "thousands",
    "comment",
    "true_values",
    "false_values",
    "skipinitialspace",
    "skip_blank_lines",
    "date_format",
    "dayfirst",
    "lineterminator",
    "escapechar",
    "doublequote",
    "low_memory",
]


def install_readers(patch: Callable, function_wrapper: Callable) -> None:
    """Wrap every pandas reader, and note each `TextFileReader` pandas builds for a CSV read."""
    import pandas as pd
    from pandas.io.parsers import readers

    for name in (*CSV_READERS, *OTHER_READERS):
        if hasattr(pd, name):
            patch(pd, name, _reader(getattr(pd, name), name))
    patch(readers.TextFileReader, "__init__", _noting_reader(readers.TextFileReader.__init__))


def _noting_reader(init: Callable) -> Callable:
    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        tracer = tracing.active()
        if tracer is not None:
            tracer.last_reader = self

    return wrapper


def _reader(function: Callable, name: str) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tracer = tracing.active()
        line = tracer.user_line(sys._getframe(1)) if tracer is not None else None
        if line is None:
            return function(*args, **kwargs)
        tracer.last_reader = None
        result = function(*args, **kwargs)
        try:
            record_read(tracer, name, function, args, kwargs, result, line)
        finally:
            tracer.last_reader = None
        return result

    return wrapper


def record_read(
    tracer: tracing.Tracer,
    reader: str,
    function: Callable,
    args: tuple,
    kwargs: dict,
    result: Any,
    line: int,
) -> None:
    """The read's node and its record in `tracer.reads`."""
    call = values.resolve_args(function, args, kwargs)
    target = next((call.pop(p) for p in PATH_PARAMETERS if p in call), None)
    path = os.fspath(target) if isinstance(target, str | os.PathLike) else None
    refer = tracer.refer(line)
    encoded = {k: values.encode(v, refer, tracer.script) for k, v in call.items()}
    fields = {"args": [], "kwargs": encoded, "path": path, "read": len(tracer.reads)}
    node = tracer.add(f"pd.{reader}", line, [], fields, result)
    if type(result).__name__ != "DataFrame":
        return  # chunks, an iterator, a dict of sheets: the node only
    tracer.bind(result, node)
    options = _csv_options(tracer.last_reader, path) if reader in CSV_READERS else None
    if options is None:
        options = _signature_options(function, args, kwargs, path)
    out = values.describe_output(result)
    tracer.reads.append(
        {
            "path": path,
            "file": _shown(path),
            "reader": reader,
            "line": line,
            "options": {k: values.encode(v, refer) for k, v in options.items()},
            "call": encoded,
            "columns": out["columns"],
            "dtypes": out["dtypes"],
            "rows": out["rows"],
            "index": out["index"],
            "sample": values.sample(result),
            "last": values.sample(result.tail(1)) if hasattr(result, "tail") else [],
            "node": node,
        }
    )


def _shown(path: str | None) -> str | None:
    """The path relative to the working directory when it lies under it (as the recorder shows)."""
    if path is None:
        return None
    absolute = os.path.abspath(path)
    cwd = os.path.join(os.getcwd(), "")
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd) else absolute


def _csv_options(reader: Any, path: str | None) -> dict[str, Any] | None:
    """The options of the `TextFileReader` pandas built for the read, as it cleaned them."""
    if reader is None:
        return None
    from pandas._libs.parsers import STR_NA_VALUES

    options = reader.options
    resolved = {k: options.get(k) for k in CSV_OPTIONS if k in options}
    given = reader.orig_options.get("na_values")
    defaults = options.get("keep_default_na", True) and options.get("na_filter", True)
    resolved.update(
        sep=options.get("delimiter") or getattr(reader._engine, "delimiter", None),
        na_values=_listed(given),
        default_na_values=sorted(STR_NA_VALUES) if defaults else [],
        encoding=options.get("encoding") or "utf-8",
        compression=_compression(path, options.get("compression")),
        nrows=reader.nrows,
        engine=reader.engine,
    )
    if options.get("delim_whitespace"):
        resolved["sep"] = r"\s+"
    return resolved


def _listed(value: Any) -> Any:
    if value is None or isinstance(value, str | dict):
        return value
    try:
        return sorted(value, key=repr)
    except TypeError:
        return value


def _compression(path: str | None, compression: Any) -> Any:
    from pandas.io.common import infer_compression

    if path is None or not isinstance(compression, str | type(None)):
        return compression
    try:
        return infer_compression(path, compression)
    except ValueError:
        return compression


def _signature_options(
    function: Callable, args: tuple, kwargs: dict, path: str | None
) -> dict[str, Any]:
    """Every parameter of a reader with the value the call gave it or its default."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return dict(kwargs)
    bound.apply_defaults()
    options = {
        k: v for k, v in bound.arguments.items() if k not in PATH_PARAMETERS and k != "kwargs"
    }
    if "compression" in options:
        options["compression"] = _compression(path, options["compression"])
    return {k: v for k, v in options.items() if type(v).__name__ != "_NoDefault"}
