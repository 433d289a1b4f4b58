"""What an original script does: one sandboxed execution under the harness, plus static analysis.

The report names the data the script reads (format, delimiter, header, the names the code gives the
fields, dtypes, row counts, samples), the final model `fit` (shapes, estimator, parameters), how it
splits, which lines belong to which stage, what it writes and what makes it non-deterministic. A
script that fails, never fits or reads nothing gets a report saying so (`problem`), never a traceback
of Lester's own.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.sandbox import Job, Sandbox, SandboxResult
from lester.sandbox.profiles import (
    FEW_VALUES,
    FORM_CHARS,
    MAX_COLUMNS,
    MAX_FORMS,
    MAX_SHARED,
    NOT_TABLES,
    VALUE_CHARS,
)
from scipy import sparse

from . import dataflow, slicing, static
from .errors import AnalysisError as AnalysisError  # re-exported: callers catch it from here
from .methods import script_body
from .notebook import name_cells
from .original import load_original, parse_original
from .splits import row_selection

SAMPLE_ROWS = 3
MAX_CONSTANT_SHOWN = 20  # X columns named as holding one value
MAX_ROW_COLUMNS_SHOWN = 40  # of X's first rows
MAX_STEPS_TEXT = 800  # characters of a fitted Pipeline's steps shown
FUNCTION_REPR = re.compile(r"<function ([\w.]+) at 0x[0-9a-f]+>")
CSV_DIALECT = ("quotechar", "escapechar", "doublequote", "skipinitialspace", "quoting")
# `json.loads`' values: no dtype inference ("007" stays text), no date parsing, and floats
# correctly rounded (pandas' default float parser misrounds some large exponents).
JSON_AS_LOADED = {"dtype": False, "convert_dates": False, "precise_float": True}
JSON_IDIOMS = ("json-lines", "pandas-json")  # how a JSON source was read: by hand, by pandas
SNIFF_BYTES = 64 * 1024
LAYOUT_BYTES = 8 * 1024 * 1024
DENSE_LIMIT = 200_000_000  # cells of a sparse fitted X densified for the comparison (1.6 GB)


@dataclass
class SourceReport:
    path: str
    idiom: str
    line: int | None
    delimiter: str
    header: bool
    names: list[str]
    rows: int
    dtypes: dict[str, str]
    sample: list[list[Any]]
    options: dict[str, Any] = field(default_factory=dict)
    reader: str | None = None  # the pandas reader the tracer saw (`options` are then as resolved)
    call: dict[str, Any] = field(default_factory=dict)  # its arguments as the script passed them
    layout: dict[str, Any] = field(default_factory=dict)  # the file's text, as hand parsing sees it
    profile: dict[str, Any] = field(default_factory=dict)  # column counts made in the sandbox
    # the file's own header when the original unpacks its fields under other names (`names`)
    header_names: list[str] = field(default_factory=list)
    # the file's last row, shown where the sample does not reach it (a footer, a totals line)
    last: list[list[Any]] = field(default_factory=list)


@dataclass
class ModelReport:
    estimator: str
    params: dict[str, Any]
    non_default: dict[str, Any]
    line: int | None
    X_shape: list[int]
    y_shape: list[int]
    X_dtype: str
    y_dtype: str
    constant_columns: list[list[Any]] = field(default_factory=list)  # [[index, value], ...] of X
    defaults: dict[str, Any] = field(default_factory=dict)  # the class's, of the non-default ones
    pipeline: str = ""  # a fitted Pipeline's steps as the trace wrote them (the model is its last)
    first_rows: list[list[Any]] = field(default_factory=list)  # X's, in its first columns


@dataclass
class Analysis:
    script: str
    data_dir: str
    problem: str | None = None
    sources: list[SourceReport] = field(default_factory=list)
    model: ModelReport | None = None
    split: dict[str, Any] | None = None
    stages: dict[str, list[int]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    nondeterminism: list[str] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    predictions: list[dict[str, Any]] = field(default_factory=list)
    fit_choice: str | None = None
    outputs_dir: str | None = None
    X_file: str | None = None
    y_file: str | None = None
    stdout_tail: str = ""
    wall_time: float = 0.0
    backend: str = ""
    cells: list[list[int]] = field(default_factory=list)  # a notebook's line map (notebook.py)
    notes: list[str] = field(default_factory=list)  # what converting a notebook dropped
    dataflow: dict[str, Any] | None = None  # the executed DAG (`dataflow.from_trace`)
    dataflow_note: str | None = None  # why there is none

    @property
    def ok(self) -> bool:
        return self.problem is None

    def X(self) -> np.ndarray:
        """The fitted X; a sparse one (saved as its CSR arrays) densified up to `DENSE_LIMIT`."""
        path = Path(self.outputs_dir) / self.X_file
        if path.suffix != ".npz":
            return np.load(path, allow_pickle=False)
        with np.load(path, allow_pickle=False) as parts:
            rows, cols = (int(n) for n in parts["shape"])
            if rows * cols > DENSE_LIMIT:
                raise AnalysisError(
                    f"the fitted X is sparse with {rows} x {cols} cells, more than {DENSE_LIMIT:,} to compare densely"
                )
            csr = sparse.csr_matrix(
                (parts["data"], parts["indices"], parts["indptr"]), shape=(rows, cols)
            )
        return csr.toarray()

    def y(self) -> np.ndarray:
        return np.load(Path(self.outputs_dir) / self.y_file, allow_pickle=False)

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        d = dict(d)
        d["sources"] = [SourceReport(**s) for s in d.get("sources", [])]
        d["model"] = ModelReport(**d["model"]) if d.get("model") else None
        return cls(**d)

    def to_text(self, dataflow: bool = True) -> str:
        """The report as a person (or a prompt) reads it; prompts carry the dataflow apart."""
        from .report_text import analysis_text

        return analysis_text(self, dataflow)


def analyze(script: Path, data_dir: Path, sandbox: Sandbox, timeout: float = 120.0) -> Analysis:
    original = load_original(script)
    tree = parse_original(original)
    with original.runnable() as code:
        result = sandbox.run(Job("script", code, data_dir=data_dir, timeout=timeout))
    report = Analysis(
        script=str(script),
        data_dir=str(data_dir),
        stdout_tail=result.stdout_tail[-2000:],
        wall_time=result.wall_time,
        backend=result.backend,
        nondeterminism=static.nondeterminism(tree),
        constants=_jsonable_constants(static.constants(tree)),
        outputs_dir=str(result.outputs_dir),
        cells=original.cells,
        notes=original.notes,
    )
    report.problem = _execution_problem(result, timeout)
    if report.problem:
        report.problem = name_cells(report.problem, original.cells, original.run_name)
        return report
    trace = result.trace
    report.dataflow, report.dataflow_note = dataflow.from_trace(trace)
    report.writes = sorted({w["path"] for w in trace.get("files_written", [])})
    skipped: list[str] = []
    tree = script_body(tree)[0]  # what runs: the main guard's body, methods and readers inlined
    report.sources = _sources(tree, trace, data_dir, script, skipped)
    report.notes += skipped
    _with_reads(report.sources, (report.dataflow or {}).get("reads", []))
    _with_profiles(report.sources, trace.get("profiles"))
    if not trace.get("fits"):
        report.problem = "the script never fits a model (no scikit-learn fit call was recorded)"
        return report
    if not report.sources:
        why = f" ({'; '.join(skipped)})" if skipped else ""
        report.problem = f"the script reads no data files from its data directory{why}"
        return report
    fit = _final_fit(trace["fits"][-1])
    report.fit_choice = _fit_choice(trace["fits"])
    report.model = _model(fit)
    report.model.pipeline = _pipeline_steps(trace["fits"][-1])
    report.X_file, report.y_file = fit.get("X"), fit.get("y")
    if report.X_file is None:
        report.problem = (
            f"the final fit's X is not a numeric matrix ({fit.get('X_repr', 'unknown')})"
        )
        return report
    matrix = _fitted_matrix(report)
    if matrix is not None:
        report.model.constant_columns = _constant_columns(matrix)
        report.model.first_rows = _first_rows(matrix)
    report.split = row_selection(tree, fit, trace.get("selections") or [], report.dataflow)
    report.nondeterminism += _unseeded_estimator(report.model)
    report.stages = slicing.stage_lines(tree, fit.get("line") or 0)
    report.predictions = trace.get("predicts", [])
    return report


def _fitted_matrix(report: Analysis) -> np.ndarray | None:
    """The fit's X as floats, a matrix of at least one row; None where it cannot be read."""
    try:
        matrix = np.asarray(report.X(), dtype=float)
    except (AnalysisError, OSError, ValueError, TypeError):
        return None
    return matrix if matrix.ndim == 2 and len(matrix) else None


def _constant_columns(matrix: np.ndarray) -> list[list[Any]]:
    """X's columns that hold one value in every fitted row: a feature the original computes
    but that carries nothing, often a bug of the original's that the rewrite must keep."""
    first = matrix[0]
    same = ((matrix == first) | (np.isnan(matrix) & np.isnan(first))).all(axis=0)
    if same.all():
        return []
    return [[int(i), float(first[i])] for i in np.flatnonzero(same)[:MAX_CONSTANT_SHOWN]]


def _first_rows(matrix: np.ndarray) -> list[list[float | None]]:
    """X's first fitted rows, in its first columns: where the trace cannot show how X was
    built (a hand loop), the values a rewrite's X must start with."""
    head = matrix[:SAMPLE_ROWS, :MAX_ROW_COLUMNS_SHOWN]
    return [[float(v) if np.isfinite(v) else None for v in row] for row in head]


def _unseeded_estimator(model: ModelReport) -> list[str]:
    """A randomized estimator without a seed fits a different model on every run."""
    if "random_state" in model.params and model.params["random_state"] is None:
        randomized = ("Forest", "Boosting", "MLP", "SGD", "Tree", "Bagging", "SVC", "SVR")
        if any(word in model.estimator for word in randomized):
            return [
                f"line {model.line}: {model.estimator.rsplit('.', 1)[-1]} has random_state=None"
            ]
    return []


def _fit_choice(fits: list[dict[str, Any]]) -> str | None:
    """Which of several model fits is the final one, and why (None for a single fit)."""
    if len(fits) < 2:
        return None
    listed = ", ".join(
        f"{str(f.get('estimator', '?')).rsplit('.', 1)[-1]} at line {f.get('line')}" for f in fits
    )
    return (
        f"the script fits {len(fits)} models ({listed}); the last, at line "
        f"{fits[-1].get('line')}, is taken as the final model: it is the fit the script ends "
        "with, the model it leaves trained"
    )


def _final_fit(fit: dict[str, Any]) -> dict[str, Any]:
    """For a scikit-learn Pipeline, the final estimator's fit (the recorder keeps one only for
    Pipelines): its X is the encoded matrix, which a rewrite's ColumnTransformer must reproduce."""
    final = fit.get("final")
    return {**fit, **final, "line": fit.get("line")} if final and final.get("X") else fit


def _pipeline_steps(fit: dict[str, Any]) -> str:
    """A fitted Pipeline's steps, as text the trace recorded (bounded): the steps before the
    last are what the encoder must reproduce, and the dataflow does not show their fits."""
    steps = (fit.get("params") or {}).get("steps") if fit.get("final") else None
    if not isinstance(steps, str):
        return ""
    steps = FUNCTION_REPR.sub(r"\1", steps)  # `score_func=<function f_regression at 0x7f..>`
    return steps if len(steps) <= MAX_STEPS_TEXT else steps[: MAX_STEPS_TEXT - 3] + "..."


def _execution_problem(result: SandboxResult, timeout: float) -> str | None:
    if result.killed_by == "timeout":
        return f"the script did not finish within {timeout:g} s"
    if result.killed_by:
        return f"the script was stopped by the sandbox's {result.killed_by} limit"
    if result.harness_error:
        return f"the sandbox could not run the script: {result.harness_error}"
    error = (result.trace or {}).get("error")
    if error:
        where = _last_script_line(error.get("traceback", ""))
        return f"the script raised {error.get('type')}: {error.get('message')}{where}"
    return None


def _last_script_line(traceback: str) -> str:
    lines = [ln.strip() for ln in traceback.splitlines() if ln.strip().startswith("File ")]
    return f" ({lines[-1]})" if lines else ""


def _sources(
    tree: Any,
    trace: dict[str, Any],
    data_dir: Path,
    script: Path,
    notes: list[str],
) -> list[SourceReport]:
    """The data files the script read; `notes` says why any other file it opened is not one.

    Paths come from the sandbox, so they are untrusted: only a regular file inside the data
    directory, reached without leaving it through `..` or a symlink, is ever opened on the host,
    and a file that is code or does not parse as a table is "not a data source", never an error."""
    seen, reports = set(), []
    root, own = data_dir.resolve(), script.resolve()
    for entry in trace.get("files_read") or []:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or path in seen or entry.get("own") is True:
            continue  # a file the script wrote before reading it is its own intermediate
        seen.add(path)
        file = _inside(root, path)
        if file is None or file == own:
            continue
        if file.suffix.lower() in NOT_TABLES:
            notes.append(
                f"{path} is {file.suffix} code or binary data, not a table: not taken as a source"
            )
            continue
        try:
            reports.append(_source(tree, path, file))
        except Exception as exc:  # untrusted bytes: any parser failure means "not a table"
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            notes.append(
                f"{path} was read, but it is not a data source: no table parses from it ({reason})"
            )
    return reports


def _inside(root: Path, path: str) -> Path | None:
    """`root/path` when it is a regular file inside `root` once every symlink is resolved."""
    if "\0" in path or Path(path).is_absolute():
        return None
    try:
        file = (root / path).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not file.is_relative_to(root) or not file.is_file():
        return None
    return file


def _with_reads(reports: list[SourceReport], reads: list[dict[str, Any]]) -> None:
    """Sources read with pandas take the reader, the call and the options as pandas resolved
    them from the tracer (the sandbox saw the read; the host only guessed)."""
    by_file: dict[str, dict[str, Any]] = {}
    for read in reads:  # a file read twice (a peek with nrows, then in full): the fuller read
        known = by_file.get(read["file"])
        if known is None or (read.get("rows") or 0) >= (known.get("rows") or 0):
            by_file[read["file"]] = read
    for report in reports:
        read = by_file.get(report.path)
        if read is None:
            continue
        report.reader, report.call, report.options = read["reader"], read["call"], read["options"]
        report.line = report.line or read.get("line")
        report.names = [str(c) for c in read.get("columns") or report.names]
        report.dtypes = dict(zip(report.names, read.get("dtypes") or [], strict=False))
        report.rows = read.get("rows", report.rows)
        report.sample = read.get("sample") or report.sample
        report.last = read.get("last") or report.last
        report.header = read["options"].get("header") is not None
        report.delimiter = read["options"].get("sep") or report.delimiter
        if report.idiom not in ("pandas", "pandas-json"):
            report.idiom = "pandas-json" if read["reader"] == "read_json" else "pandas"


def _with_profiles(reports: list[SourceReport], profiles: Any) -> None:
    """Each source's column counts as the sandbox made them (`lester.sandbox.profiles`), taken
    only in the shape the harness writes (the trace is untrusted) and only when the sandbox saw
    as many columns as the source has, matched to its names by position."""
    if not isinstance(profiles, dict):
        return
    for report in reports:
        found = profiles.get(report.path)
        columns = found.get("columns") if isinstance(found, dict) else None
        if not isinstance(columns, dict) or len(columns) != len(report.names):
            continue
        counts = [_counts(c) for c in list(columns.values())[:MAX_COLUMNS]]
        rows = found.get("rows")
        if None in counts or not isinstance(rows, int):
            continue
        if found.get("complete") is True and rows != report.rows:
            continue  # the sandbox took a header row otherwise than the source does
        report.profile = {
            "rows": rows,
            "complete": found.get("complete") is True,
            "columns": dict(zip(report.names, counts, strict=False)),
        }
    _with_shared([r for r in reports if r.profile], profiles)


def _with_shared(reports: list[SourceReport], profiles: dict[str, Any]) -> None:
    """The columns the sandbox found to hold mostly another source's key, named as the sources
    name them (the sandbox's names matched by position); an entry that names no profiled
    source or column, or whose counts do not add up, is dropped."""
    by_path = {r.path: r for r in reports}
    for report in reports:
        shared = profiles[report.path].get("shared")
        entries = shared[:MAX_SHARED] if isinstance(shared, list) else []
        kept = [e for e in (_shared(entry, report, profiles, by_path) for entry in entries) if e]
        if kept:
            report.profile["shared"] = kept


def _shared(
    entry: Any, report: SourceReport, profiles: dict[str, Any], by_path: dict[str, SourceReport]
) -> dict[str, Any] | None:
    if not isinstance(entry, dict) or entry.get("file") not in by_path.keys() - {report.path}:
        return None
    other = by_path[entry["file"]]
    column = _named(entry.get("column"), profiles[report.path], report)
    key = _named(entry.get("key"), profiles[other.path], other)
    counts = {k: entry.get(k) for k in ("common", "distinct", "keys")}
    if column is None or key is None or not all(type(n) is int for n in counts.values()):
        return None
    if not 0 <= counts["common"] <= min(counts["distinct"], counts["keys"]):
        return None
    return {"column": column, "file": other.path, "key": key, **counts}


def _named(column: Any, found: dict[str, Any], report: SourceReport) -> str | None:
    """A column of the sandbox's profile as the source names it (by position)."""
    names = list(found["columns"])
    return report.names[names.index(column)] if column in names else None


def _counts(value: Any) -> dict[str, Any] | None:
    keys = ("distinct", "empty", "na")
    if not isinstance(value, dict) or not all(isinstance(value.get(k), int) for k in keys):
        return None
    counted = {k: int(value[k]) for k in keys}
    forms = _pairs(value.get("forms"), MAX_FORMS, FORM_CHARS)
    values = _pairs(value.get("values"), FEW_VALUES, VALUE_CHARS)
    listed = values if len(values) == counted["distinct"] else []  # all of them, or none
    return {**counted, "forms": forms, "values": listed}


def _pairs(value: Any, most: int, chars: int) -> list[list[Any]]:
    """A column's forms or few values in the harness's shape, `[text, rows]` pairs bounded as it
    writes them; else none."""
    if not isinstance(value, list) or len(value) > most:
        return []
    if not all(_pair(pair, chars) for pair in value):
        return []
    return [list(pair) for pair in value]


def _pair(pair: Any, chars: int) -> bool:
    """`[text, rows]`: a text no longer than the harness cuts or keeps it, and a count."""
    return (
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and len(pair[0]) <= chars
        and type(pair[1]) is int
    )


def _source(tree: Any, path: str, file: Path) -> SourceReport:
    sites = static.read_sites(tree, path)
    site = sites[0] if sites else static.ReadSite(path, 0, "unknown")
    with open(file, "rb") as handle:
        start = handle.read(LAYOUT_BYTES)  # one bounded read for sniffing and the text layout
    head = start[:SNIFF_BYTES].decode("utf-8", errors="replace")
    if site.idiom in ("json-lines", "pandas-json") or file.suffix in (".jsonl", ".json"):
        frame = pd.read_json(file, lines=True)
        return _report(site, path, frame, "", True, list(frame.columns))
    delimiter = site.delimiter or _sniff_delimiter(head)
    header = site.header if site.header is not None else _sniff_header(head)
    frame = pd.read_csv(
        file,
        sep=delimiter,
        header=0 if header else None,
        dtype=str,
        keep_default_na=False,
        **{k: v for k, v in site.options.items() if k in CSV_DIALECT},
    )
    names = (
        site.names
        if site.names and len(site.names) == frame.shape[1]
        else [str(c) for c in frame.columns]
    )
    header_row = [str(c) for c in frame.columns]
    frame.columns = names  # the types are the fields', under the names the original gives them
    report = _report(site, path, frame, delimiter, header, names)
    report.header_names = header_row if header and header_row != list(names) else []
    report.layout = text_layout(start, delimiter)
    return report


def text_layout(data: bytes, delimiter: str) -> dict[str, Any]:
    """What a hand parser (`line.split(sep)`, `rstrip("\\n")`) meets in the file and the source's
    reader smooths over: line ends, a byte-order mark, blank lines, lines with other field counts
    than the first, whether the last line ends with a line end, which a hand parser's last
    field then keeps, the lines holding a double quote, which a reader unquotes and `split`
    keeps, and those with a field padded with white space (in `data`, the file's first
    `LAYOUT_BYTES`)."""
    lines = data.split(b"\n")
    ended = data.endswith(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    sep = delimiter.encode() or b","
    counts = [line.rstrip(b"\r").count(sep) + 1 for line in lines if line.strip()]
    return {
        "crlf_lines": sum(line.endswith(b"\r") for line in lines),
        "lines": len(lines),
        "bom": data.startswith(b"\xef\xbb\xbf"),
        "blank_lines": sum(not line.strip() for line in lines),
        "other_field_counts": sum(c != counts[0] for c in counts) if counts else 0,
        "fields": counts[0] if counts else 0,
        "whole_file": len(data) < LAYOUT_BYTES,
        "last_line_ended": ended,
        "quote_lines": sum(b'"' in line for line in lines),
        "padded_lines": sum(_padded(line.rstrip(b"\r"), sep) for line in lines),
    }


def _padded(line: bytes, sep: bytes) -> bool:
    """A field of the line starts or ends with white space, which `line.strip()` (first and
    last field) or `field.strip()` removes and a reader keeps."""
    return any(field != field.strip() for field in line.split(sep))


def _report(
    site: static.ReadSite,
    path: str,
    frame: pd.DataFrame,
    delimiter: str,
    header: bool,
    names: list[str],
) -> SourceReport:
    inferred = (
        pd.read_csv(io.StringIO(frame.head(1000).to_csv(index=False))) if len(frame) else frame
    )
    return SourceReport(
        path=path,
        idiom=site.idiom,
        line=site.line or None,
        delimiter=delimiter,
        header=header,
        names=[str(n) for n in names],
        rows=len(frame),
        dtypes={str(c): str(t) for c, t in inferred.dtypes.items()},
        sample=frame.head(SAMPLE_ROWS).astype(str).values.tolist(),
        last=frame.tail(1).astype(str).values.tolist(),
        options=site.options,
    )


def _sniff_delimiter(head: str) -> str:
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _sniff_header(head: str) -> bool:
    try:
        return csv.Sniffer().has_header(head)
    except csv.Error:
        return False


def _model(fit: dict[str, Any]) -> ModelReport:
    """The final fit as the report shows it: each parameter that differs from the class's
    default beside that default (`penalty='l2'` is not the default where it became
    `'deprecated'`)."""
    params = fit.get("params", {})
    defaults = _class_defaults(fit["estimator"])
    changed = _changed(params, defaults)
    return ModelReport(
        estimator=fit["estimator"],
        params=params,
        non_default=changed,
        defaults={k: defaults[k] for k in changed if k in (defaults or {})},
        line=fit.get("line"),
        X_shape=list(fit.get("X_shape", [])),
        y_shape=list(fit.get("y_shape", [])),
        X_dtype=fit.get("X_dtype", ""),
        y_dtype=fit.get("y_dtype", ""),
    )


def _non_default(qualified: str, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters that differ from the class's defaults (only scikit-learn classes are imported)."""
    return _changed(params, _class_defaults(qualified))


def _changed(params: dict[str, Any], defaults: dict[str, Any] | None) -> dict[str, Any]:
    if defaults is None:
        return dict(params)
    return {k: v for k, v in params.items() if k not in defaults or defaults[k] != v}


def _class_defaults(qualified: str) -> dict[str, Any] | None:
    """A scikit-learn class's default parameters; None for any other class (not imported)."""
    from lester.abstraction.params import estimator_params

    module, _, name = qualified.rpartition(".")
    if not module.startswith("sklearn."):
        return None
    try:
        cls = getattr(importlib.import_module(module), name)
    except Exception:
        return None
    try:
        return estimator_params(cls())
    except Exception:  # a meta-estimator (GridSearchCV) needs its estimator: the signature's
        return _signature_defaults(cls)


def _signature_defaults(cls: type) -> dict[str, Any]:
    """The constructor's defaults as captured parameters are (JSON-safe), for a class that
    cannot be built without arguments; required parameters have none."""
    from lester.abstraction.params import json_safe

    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        p.name: json_safe(p.default) for p in parameters if p.default is not inspect.Parameter.empty
    }


def _jsonable_constants(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        try:
            json.dumps(value)
        except TypeError:
            continue
        out[name] = value
    return out
