"""Reading sources into provenance-tracked frames.

A source row's id is its position in the source (across partitions, in the order given), or the value
of a declared integer `key` column: both stay stable when other rows are deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from lester.abstraction.errors import SourceError
from lester.abstraction.frame import Frame, from_pandas

PathLike = str | Path


def read_csv(
    path: PathLike | Sequence[PathLike],
    *,
    header: int | None | str = "infer",
    names: Sequence[str] | None = None,
    sep: str = ",",
    dtype: Any = None,
    parse_dates: Sequence[str] | None = None,
    key: str | None = None,
    source: str | None = None,
    **options: Any,
) -> Frame:
    """Read one CSV file, or several partitions of one source, with row provenance.

    `header`, `names`, `sep`, `dtype` and `parse_dates` mean what they mean in `pandas.read_csv`
    (`header=0` with `names=[...]` replaces the file's header row; a UTF-8 byte-order mark is
    dropped, as pandas drops it). Other `options` go to
    `pandas.read_csv` as given (`nrows`, `na_values`, `usecols`, ...); as
    there, a compressed file (`.gz`, `.zip`) is read by its extension. A column made the index
    (`index_col=0`) is not among the Frame's columns: its rows are numbered by position, as
    their provenance ids are."""
    paths = _as_paths(path)
    name = source or paths[0].stem
    parts = [
        _read_one(
            p,
            name,
            header=header,
            names=names,
            sep=sep,
            dtype=dtype,
            parse_dates=parse_dates,
            **options,
        )
        for p in paths
    ]
    return _to_frame(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], name, key)


def read_json(
    path: PathLike | Sequence[PathLike],
    *,
    lines: bool = True,
    key: str | None = None,
    source: str | None = None,
    **options: Any,
) -> Frame:
    """Read JSON (by default JSON lines, one record a line) with row provenance.

    Other `options` go to `pandas.read_json` as given (`dtype`, `convert_dates`, ...)."""
    paths = _as_paths(path)
    name = source or paths[0].stem
    parts = [_guarded(name, p, lambda p=p: pd.read_json(p, lines=lines, **options)) for p in paths]
    return _to_frame(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], name, key)


def _as_paths(path: PathLike | Sequence[PathLike]) -> list[Path]:
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    if not paths:
        raise SourceError("a source needs at least one file")
    return paths


def _read_one(path: Path, name: str, **options: Any) -> pd.DataFrame:
    return _guarded(name, path, lambda: pd.read_csv(path, **options))


def _guarded(name: str, path: Path, read: Any) -> pd.DataFrame:
    """Turn the many ways a read fails into one error that names the source and the file."""
    if not path.is_file():
        raise SourceError(f"source {name!r}: file not found: {path}")
    try:
        return read()
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"source {name!r}: cannot parse {path}: {exc}") from exc


def _to_frame(df: pd.DataFrame, name: str, key: str | None) -> Frame:
    df = df.rename(columns=lambda c: str(c))
    if key is None:
        return from_pandas(df, name)
    if key not in df.columns:
        raise SourceError(f"source {name!r}: key column {key!r} not in {list(df.columns)}")
    return from_pandas(df, name, ids=df[key].to_numpy())
