"""Column facts of the tables a script read, counted in the sandbox, where its data is.

A rewrite must reproduce what the original's dict semantics, missing values and categories do to
the data (a key that repeats keeps its first position and its last values; an empty field is a
category or a missing value), and a prompt cannot carry whole files. So after the script ran, the
harness counts, per column of every file it read and did not write, the distinct values, the
empty fields, the fields pandas' default reader takes as missing and the commonest forms of the
text (digits as 9, letters as a: whether every date is `9999-99-99`, which samples cannot show),
and how many values a column shares with another file's key (whether a hand-coded join finds
every key). Only these counts leave the sandbox: the user's data is parsed nowhere else.
Bounded: the first `MAX_ROWS` rows of at most `MAX_FILES` files, `MAX_COLUMNS` columns each.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

# Files a script opens that are code, models or arrays, not tables.
NOT_TABLES = frozenset(
    {".py", ".pyc", ".ipynb", ".pkl", ".pickle", ".joblib", ".npy", ".npz", ".h5"}
)
MAX_FILES = 20
MAX_ROWS = 200_000
MAX_COLUMNS = 200
SNIFF_CHARS = 64 * 1024
MAX_FORMS = 3  # per column, the commonest
MAX_SHARED = 5  # per file, columns mostly of another file's key
FORM_CHARS = 32  # a form is cut there
FEW_VALUES = 8  # a column with at most these distinct values has them listed (categories)
VALUE_CHARS = 32  # ... when each is at most this long
FORMED_VALUES = 20_000  # the commonest distinct values of a column whose forms are counted
FORM_TABLE = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "9" * 10 + "a" * 52
)


def profile_files(
    read: list[dict[str, Any]], written: list[dict[str, Any]], reads: list[dict[str, Any]]
) -> dict[str, Any]:
    """The column facts of each file the script read, by the path the trace names it; a file
    it wrote (before or after reading it) is its own, and one that parses as no table is left
    out. A file pandas read with one header and separator (`reads`, the traced reads) is
    counted as that read took it; others as the sniffer guesses."""
    own = {w.get("path") for w in written}
    paths = [r["path"] for r in read if not r.get("own") and r.get("path") not in own]
    found, values = {}, {}
    for path in dict.fromkeys(paths):
        if len(found) >= MAX_FILES:
            break
        try:
            raw, missing = _table(Path(path), _layout(path, reads))
            found[path] = _counted(raw, missing)
        except Exception:  # not a table: nothing to count
            continue
        columns = found[path]["columns"].items()
        values[path] = {c: set(raw[c]) for c, counts in columns if _keyed(counts)}
    for path, shared in shared_keys(found, values).items():
        found[path]["shared"] = shared
    return found


def shared_keys(
    profiles: dict[str, dict[str, Any]], values: dict[str, dict[str, set[str]]]
) -> dict[str, list[dict[str, Any]]]:
    """Per file, its columns whose values are mostly another file's key (a column unique there,
    with the same commonest text form, neither with an empty field: `values` holds the distinct
    values of such columns): how many values the two share, of how many each has. A hand-coded
    join (`lookup.get(k, default)`) gives other rows when a key is missing, which distinct
    counts alone cannot show."""
    keys: dict[str, list[tuple[str, str]]] = {}  # by their commonest text form
    for path, p in profiles.items():
        for column, c in p["columns"].items():
            if c["distinct"] == p["rows"] > 1 and column in values[path]:
                keys.setdefault(c["forms"][0][0], []).append((path, column))
    found: dict[str, list[dict[str, Any]]] = {}
    for path, p in profiles.items():
        for column, mine in values[path].items():
            for other, key in keys.get(p["columns"][column]["forms"][0][0], []):
                if other == path:
                    continue
                common = len(mine & values[other][key])
                if 2 * common >= len(mine) and len(found.get(path, [])) < MAX_SHARED:
                    entry = {"column": column, "file": other, "key": key, "common": common}
                    found.setdefault(path, []).append(
                        {**entry, "distinct": len(mine), "keys": len(values[other][key])}
                    )
    return found


def _keyed(counts: dict[str, Any]) -> bool:
    return counts["empty"] == 0 and bool(counts["forms"])


def _layout(path: str, reads: list[dict[str, Any]]) -> tuple[str, int | None] | None:
    """The separator and header row every traced CSV read of `path` used, if they agree."""
    where = os.path.abspath(path)
    options = [
        r.get("options") or {}
        for r in reads
        if r.get("path") == where and r.get("reader") in ("read_csv", "read_table")
    ]
    taken = {(o.get("sep"), o.get("header")) for o in options}
    if len(taken) != 1:
        return None
    sep, header = taken.pop()
    known = isinstance(sep, str) and len(sep) == 1 and header in (None, 0)
    return (sep, header) if known else None


def profile(path: Path, layout: tuple[str, int | None] | None = None) -> dict[str, Any]:
    """`rows` counted (`complete` when that is the whole file) and per column `distinct`,
    `empty` (blank after stripping), `na` (what `pd.read_csv` takes as missing by default) and
    `forms` (`[form, rows]`, the commonest first) and `values` (`[value, rows]`, for a column of
    a few short values);
    a delimited file split by `layout` (separator, header row) where given, else sniffed."""
    return _counted(*_table(path, layout))


def _table(path: Path, layout: tuple[str, int | None] | None) -> tuple[Any, Any]:
    """The file's fields as text (bounded), and which of them the default reader takes as
    missing."""
    import pandas as pd
    from pandas.io.parsers.readers import STR_NA_VALUES

    if path.suffix.lower() in NOT_TABLES or not path.is_file():
        raise ValueError("not a table")
    if path.suffix.lower() in (".json", ".jsonl"):
        parsed = pd.read_json(path, lines=True, nrows=MAX_ROWS)
        parsed.columns = [str(c) for c in parsed.columns]
        return parsed.astype(str).where(parsed.notna(), ""), parsed.isna()
    sep, header = layout or _sniffed(path)
    options = {"sep": sep, "header": header, "dtype": str, "nrows": MAX_ROWS}
    raw = pd.read_csv(path, keep_default_na=False, **options)
    raw.columns = [str(c) for c in raw.columns]  # a header-less file's are numbers
    return raw, raw.isin(STR_NA_VALUES)  # what the default reader takes as missing, read once


def _counted(raw: Any, missing: Any) -> dict[str, Any]:
    columns = {}
    for c in list(raw.columns)[:MAX_COLUMNS]:
        counts = raw[c].value_counts(dropna=False)  # once, for the distinct values and the forms
        columns[str(c)] = {
            "distinct": int(counts.index.notna().sum()),
            "empty": int((raw[c].astype(str).str.strip() == "").sum()),
            "na": int(missing[c].sum()),
            "forms": forms(counts),
            "values": few_values(counts),
        }
    return {"rows": len(raw), "complete": len(raw) < MAX_ROWS, "columns": columns}


def few_values(counts: Any) -> list[list[Any]]:
    """A category-like column's distinct values with their rows, the commonest first (what a
    one-hot's columns are); none for a column of more or of longer values."""
    present = counts[counts.index.notna()]
    if len(present) > FEW_VALUES or any(len(str(v)) > VALUE_CHARS for v in present.index):
        return []
    return [[str(value), int(n)] for value, n in present.items()]


def forms(counts: Any) -> list[list[Any]]:
    """The commonest forms of a column's text, with the rows each covers, from its values'
    counts (`value_counts`); counted over its `FORMED_VALUES` commonest distinct values, so
    bounded on a column of ids."""
    counts = counts.head(FORMED_VALUES)
    shapes = [_form(str(value)) for value in counts.index]
    grouped = counts.groupby(shapes, sort=False).sum().sort_values(ascending=False, kind="stable")
    return [[str(form), int(n)] for form, n in grouped.head(MAX_FORMS).items()]


def _form(value: str) -> str:
    form = value.translate(FORM_TABLE)
    return form if len(form) <= FORM_CHARS else form[: FORM_CHARS - 1] + "…"


def _sniffed(path: Path) -> tuple[str, int | None]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        head = handle.read(SNIFF_CHARS)
    sniffer = csv.Sniffer()
    try:
        sep = sniffer.sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        header = 0 if sniffer.has_header(head) else None
    except csv.Error:
        header = None
    return sep, header
