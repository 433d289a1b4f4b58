"""Reading sources into provenance-tracked frames.

A source row's id is its position in the source (across partitions, in the order given), or the value
of a declared integer `key` column: both stay stable when other rows are deleted.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Sequence
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
    file_column: str | None = None,
    **options: Any,
) -> Frame:
    """Read one CSV file, or several partitions of one source, with row provenance.

    Partitions are a list of paths, or a path with `*`, `?` or `[...]` in it: a pattern, whose
    files are listed when the source runs, in the sorted order of their paths (the order of
    `sorted(glob.glob(pattern))`, and of `sorted(os.listdir(folder))` for the files of one
    folder), so a file added later is read too. `file_column` names a column added last that
    holds each row's file name, without its folder (`2024-03-01.tsv` for `data/tx/2024-03-01.tsv`),
    for a step that takes a value from it.

    `header`, `names`, `sep`, `dtype` and `parse_dates` mean what they mean in `pandas.read_csv`
    (`header=0` with `names=[...]` replaces the file's header row; a UTF-8 byte-order mark is
    dropped, as pandas drops it). Other `options` go to
    `pandas.read_csv` as given (`nrows`, `na_values`, `usecols`, ...); as
    there, a compressed file (`.gz`, `.zip`) is read by its extension. A column made the index
    (`index_col=0`) is not among the Frame's columns: its rows are numbered by position, as
    their provenance ids are."""
    read_options = dict(header=header, names=names, sep=sep, dtype=dtype, parse_dates=parse_dates)
    return _read(
        path, source, key, file_column, lambda p: pd.read_csv(p, **read_options, **options)
    )


def read_json(
    path: PathLike | Sequence[PathLike],
    *,
    lines: bool = True,
    key: str | None = None,
    source: str | None = None,
    file_column: str | None = None,
    **options: Any,
) -> Frame:
    """Read JSON (by default JSON lines, one record a line) with row provenance.

    Partitions and `file_column` are as in `read_csv`. Other `options` go to `pandas.read_json`
    as given (`dtype`, `convert_dates`, ...)."""
    return _read(path, source, key, file_column, lambda p: pd.read_json(p, lines=lines, **options))


def _read(
    path: PathLike | Sequence[PathLike],
    source: str | None,
    key: str | None,
    file_column: str | None,
    read: Callable[[Path], pd.DataFrame],
) -> Frame:
    paths = _as_paths(path, source)
    name = source or paths[0].stem
    parts = []
    for p in paths:
        part = _guarded(name, p, lambda p=p: read(p))
        if file_column is not None:
            part[file_column] = p.name
        parts.append(part)
    return _to_frame(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], name, key)


def _as_paths(path: PathLike | Sequence[PathLike], source: str | None) -> list[Path]:
    """The files of a source: a pattern lists its files, sorted, when the source runs."""
    given = [path] if isinstance(path, str | Path) else list(path)
    paths = []
    for one in given:
        if not glob.has_magic(str(one)):
            paths.append(Path(one))
            continue
        matched = sorted(glob.glob(str(one)))
        if not matched:
            raise SourceError(f"source {source or Path(one).stem!r}: no file matches {str(one)!r}")
        paths.extend(Path(m) for m in matched)
    if not paths:
        raise SourceError("a source needs at least one file")
    return paths


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
