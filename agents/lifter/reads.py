"""The offline lifter's rules for reading sources: a file opened, read with csv or pandas, or a set of
partition files, becomes an `lt` source read as the script read it.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
from dataclasses import dataclass
from typing import Any

from ..oracle import static
from ..oracle.analysis import CSV_DIALECT, JSON_AS_LOADED, JSON_IDIOMS
from ..oracle.dataflow import Undecodable, decode
from . import records
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    folded_text,
    free_names,
    identifier,
    partition_body,
    substitute,
    target_name,
)

PATH_JOINS = ("os.path.join", "path.join", "posixpath.join")


# The pandas readers a source can replay, and the `lt` reader that does.
REPLAYED = {"read_csv": "read_csv", "read_table": "read_csv", "read_json": "read_json"}


@dataclass
class SourceSpec:
    name: str
    path: str
    options: dict[str, Any]
    reader: str = "read_csv"
    explicit: bool = False  # options the script passed itself (None values included)


def _source_name(path: str) -> str:
    """The file's stem; a partition named by a date (`tx/2024-03-01.tsv`) gets its folder's name."""
    parts = path.rsplit(".", 1)[0].split("/")
    return f"{parts[-2]}_{parts[-1]}" if parts[-1][:1].isdigit() and len(parts) > 1 else parts[-1]


def source_specs(reports: list[Any]) -> list[SourceSpec]:
    """One source per data file the script read, named after the file. Files read by hand (split,
    csv) are read as strings, as the script saw them; files read with pandas keep its parsing.
    JSON lines are read with `lt.read_json`; parsed by hand (`json.loads`), values keep the types
    and the values JSON gave them (`JSON_AS_LOADED`)."""
    taken = {"data_dir"}
    specs = []
    for report in reports:
        name = identifier(_source_name(report.path), taken)
        replayed = _replayed(name, report)
        if replayed is not None:
            specs.append(replayed)
            continue
        if report.idiom in JSON_IDIOMS:
            options: dict[str, Any] = {"lines": True}
            if report.idiom != "pandas-json":
                options.update(JSON_AS_LOADED)
            specs.append(SourceSpec(name, report.path, options, reader="read_json"))
            continue
        options = {
            "header": 0 if report.header else None,
            "names": report.names,
            "sep": report.delimiter,
        }
        if report.idiom != "pandas":
            options.update(dtype="str", keep_default_na=False)
            options.update({k: v for k, v in report.options.items() if k in CSV_DIALECT})
        specs.append(SourceSpec(name, report.path, options))
    return specs


def _replayed(name: str, report: Any) -> SourceSpec | None:
    """A pandas read the tracer saw, replayed with the arguments the script gave it (so that
    pandas resolves them again as it did: the same header row, index column, missing-value
    strings, dtypes, separator, compression); None when an argument is not a plain constant
    (a converter function) or the reader has no `lt` counterpart."""
    reader = REPLAYED.get(getattr(report, "reader", None) or "")
    if reader is None:
        return None
    try:
        options = {str(k): decode(v) for k, v in report.call.items()}
    except Undecodable:
        return None
    resolved = report.options or {}
    if report.reader == "read_table" and "sep" not in options and "delimiter" not in options:
        options["sep"] = resolved.get("sep", "\t")
    if reader == "read_json":
        options.setdefault("lines", False)
    return SourceSpec(name, report.path, options, reader=reader, explicit=True)


class ReadRules:
    """Rules for the sources: files and pandas reads, partitions, header lines. Mixed into `Lifter`."""

    def catalog_path(self, path: str) -> str:
        return path if path in self.catalog else path.lstrip("./")

    def file_source(self, path: str, node: ast.AST) -> Rel:
        if path in self.files:
            self.note(
                node, f"reads back {path}, written earlier from the same rows (intermediate file)"
            )
            return self.files[path]
        spec = self.catalog.get(path) or self.catalog.get(path.lstrip("./"))
        if spec is None:
            raise Unsupported(node, f"{path} was not read when the script ran")
        if spec not in self.specs:
            self.specs.append(spec)
        self.vars.add(spec.name)
        self.note(node, f"source {spec.name} from {path} ({self.reports[spec.path].idiom})")
        return Rel(spec.name, list(self.reports[spec.path].names))

    def pandas_source(self, var: str, call: ast.Call) -> None:
        path = self.constant_text(call.args[0]) if call.args else None
        if path is None:
            raise Unsupported(call, "a read_csv whose path is not a string built from constants")
        rel = self.file_source(path, call)
        self.env[var] = rel

    def partition_files(self, loop: ast.For) -> list[tuple[str, str]]:
        """(value of the loop variable, source path) per file of a loop over partition files:
        `for path in sorted(glob.glob("data/p_*.csv"))` or `for name in sorted(os.listdir(DIR))`,
        the files being those the script read, in sorted order."""
        it = loop.iter
        if isinstance(it, ast.Call) and static.dotted(it.func) == "sorted" and it.args:
            it = it.args[0]
        if not (isinstance(it, ast.Call) and it.args and isinstance(loop.target, ast.Name)):
            return []
        pattern = self.constant_text(it.args[0])
        kind = static.dotted(it.func)
        if pattern is None or kind not in ("glob.glob", "glob", "os.listdir", "listdir"):
            return []
        if kind.endswith("listdir"):
            folder = pattern.rstrip("/") + "/"
            found = [(p[len(folder) :], p) for p in self.catalog if p.startswith(folder)]
            found = [(name, p) for name, p in found if "/" not in name]
        else:
            found = [(p, p) for p in self.catalog if fnmatch.fnmatch(p, pattern.lstrip("./"))]
        return sorted(found)

    def named_partitions(self, loop: ast.For, values: Any) -> list[tuple[Any, str]]:
        """(value, path) per file of `for port in ["C", "Q"]: open(f"data/p_{port}.jsonl")`: a
        loop over literal values naming the partition files the script read (idiom: partitions)."""
        if not (isinstance(values, list | tuple) and values and isinstance(loop.target, ast.Name)):
            return []
        opens = [
            n
            for n in ast.walk(loop)
            if isinstance(n, ast.Call) and static.dotted(n.func) == "open" and n.args
        ]
        if len(opens) != 1 or loop.target.id not in free_names(opens[0].args[0]):
            return []
        files = []
        for value in values:
            path = folded_text(substitute(opens[0].args[0], {loop.target.id: ast.Constant(value)}))
            if path is None or self.catalog_path(path) not in self.catalog:
                return []
            files.append((value, self.catalog_path(path)))
        return files

    def constant_text(self, node: ast.AST) -> str | None:
        """A string literal, a module constant naming one (`TX_DIR`), or a path joined from them
        with `os.path.join` or `+` (idiom: path built from constants)."""
        if isinstance(node, ast.Call) and static.dotted(node.func) in PATH_JOINS and node.args:
            parts = [self.constant_text(a) for a in node.args]
            if node.keywords or None in parts:
                return None
            return posixpath.normpath(posixpath.join(*parts))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.constant_text(node.left), self.constant_text(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Name):
            name = node.id
            for stmt in self.tree.body:
                if isinstance(stmt, ast.Assign) and ast.unparse(stmt.targets[0]) == name:
                    node = stmt.value
        text = static.literal(node)
        return text if isinstance(text, str) else None

    def partition_loop(self, loop: ast.For, files: list[tuple[str, str]]) -> None:
        """A loop over partition files reading each one's lines is one row loop over the union
        of the partitions, the loop variable a column holding each row's file (idiom: partitions)."""
        var = loop.target.id
        parts = []
        for value, path in files:
            rel = self.file_source(path, loop)
            named = f"{rel.var}.project({var!r}, [], lambda: {value!r})"
            parts.append(self.emit(named, f"{rel.var}_with_{var}"))
        union = self.emit(f"{parts[0]}.union({', '.join(parts[1:])})", "partitions")
        columns = [*self.reports[files[0][1]].names, var]
        ctx = Ctx(Rel(union, columns), None, names={var: var})
        body, inner = partition_body(loop.body)
        if inner is None:
            raise Unsupported(loop, "a loop over files that does not read each file's lines")
        self.block(body, ctx)
        ctx.row_var = ctx.raw = target_name(inner.target)
        ctx.positional = list(self.reports[files[0][1]].names)
        if isinstance(inner.target, ast.Tuple):
            ctx.names.update(self.unpack(inner.target, ctx.positional, inner))
        self.note(loop, f"{len(files)} partition files read as one union (partitions)")
        self.block(inner.body, ctx)
        records.finish(self, ctx, loop)
        self.flush(ctx)

    def header_skipped(self, node: ast.AST) -> ast.AST:
        """`lines[1:]` of a file's lines is the handle itself when the file has a header row,
        which its source drops (idiom: header skipped by slicing)."""
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.handles
            and isinstance(node.slice, ast.Slice)
            and static.literal(node.slice.lower) == 1
            and node.slice.upper is None
            and node.slice.step is None
        ):
            return node
        report = self.reports.get(self.catalog_path(self.handles[node.value.id].split(":", 1)[1]))
        return node.value if report is not None and report.header else node
