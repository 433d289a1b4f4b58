"""Missing values a candidate's sources made out of text the original did not read as missing.

When the fit raises "Input X contains NaN", the NaN came from somewhere: the file itself (an
empty field the preparation must fill, as the original's does), or a source that read text as
missing where the original did not (pandas' default NA strings such as "NA" or "null" where the
original read the file with the csv module, or with `keep_default_na=False`). Only the second is
the sources step's fault. The candidate's sources come from the sandbox as Parquet; the file is
read on the host under the analysis' rules (a regular file inside the data directory), as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from lester.abstraction.frame import is_prov_column

from .analysis import SourceReport, _inside

EXAMPLES = 3


def misread_missing(
    data_dir: Path, sources: list[SourceReport], frames: dict[str, pd.DataFrame]
) -> list[str]:
    """One line per candidate source column with values missing where the file holds text the
    original read as a value; `frames` are the candidate's sources by name."""
    found = []
    for name, frame in frames.items():
        report = _report_for(name, frame, sources)
        if report is None or report.idiom.startswith("pandas-json") or report.idiom == "json-lines":
            continue
        text = _as_text(data_dir, report)
        if text is None or len(text) != len(frame):
            continue
        found += _column_lines(name, frame, text, _original_na(report))
    return found


def _report_for(name: str, frame: pd.DataFrame, sources: list[SourceReport]) -> SourceReport | None:
    """The original's read of the file a candidate source read: by name, else by row count."""
    by_stem = [s for s in sources if Path(s.path).stem == name]
    if by_stem:
        return by_stem[0]
    same_rows = [s for s in sources if s.rows == len(frame)]
    return same_rows[0] if len(same_rows) == 1 else None


def _as_text(data_dir: Path, report: SourceReport) -> pd.DataFrame | None:
    file = _inside(data_dir.resolve(), report.path)
    if file is None:
        return None
    try:
        text = pd.read_csv(
            file,
            sep=report.delimiter or ",",
            header=0 if report.header else None,
            dtype=str,
            keep_default_na=False,
        )
    except Exception:  # untrusted bytes: a file that does not parse gives no evidence
        return None
    if len(report.names) == text.shape[1]:
        text.columns = report.names
    return text


def _original_na(report: SourceReport) -> set[str]:
    """The texts the original's read turned into missing values."""
    if not report.idiom.startswith("pandas"):
        return {""}  # the csv module and split() keep fields as text; an empty one is ambiguous
    options: dict[str, Any] = report.options or {}
    defaults = set() if options.get("keep_default_na") is False else _pandas_na()
    extra = options.get("na_values") or []
    extra = [extra] if isinstance(extra, str) else list(extra) if isinstance(extra, list) else []
    return defaults | {str(v) for v in extra} | {""}


def _pandas_na() -> set[str]:
    from pandas._libs.parsers import STR_NA_VALUES

    return set(STR_NA_VALUES)


def _column_lines(
    name: str, frame: pd.DataFrame, text: pd.DataFrame, original_na: set[str]
) -> list[str]:
    data = [c for c in frame.columns if not is_prov_column(str(c))]
    lines = []
    for position, column in enumerate(data):
        if column in text.columns:
            raw = text[column]
        elif len(data) == text.shape[1]:
            raw = text.iloc[:, position]
        else:
            continue
        missing = frame[column].isna().to_numpy()
        raw_values = raw.astype(str).to_numpy()
        misread = missing & ~pd.Series(raw_values).str.strip().isin(original_na).to_numpy()
        if misread.any():
            examples = sorted(set(raw_values[misread].tolist()))[:EXAMPLES]
            lines.append(
                f"source {name!r} reads {int(misread.sum())} value(s) of column {column!r} as "
                f"missing where the file holds text the original read as a value (e.g. "
                f"{', '.join(repr(e) for e in examples)})"
            )
    return lines
