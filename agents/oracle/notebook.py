"""Jupyter notebooks as the script they run: the code cells in order, IPython syntax removed.

Messy ML code usually lives in notebooks, but the sandbox runs plain Python and the analysis reads
plain Python. A notebook is read with a bounded, validating reader (a size limit, the nbformat 4
structure checked, a clear error for anything else), and its code cells become one script:

- markdown and raw cells are skipped; each code cell starts with a `# %% cell N` line (N counts
  every cell of the notebook, as a person scrolling it does);
- IPython magics (`%matplotlib inline`, `%%time`, ...), shell escapes (`!pip install ...`) and help
  (`df?`) are dropped with a note, each replaced by a comment (or `pass` where a statement must
  stand) so that every line of a cell keeps its own line in the script; `%time stmt` keeps `stmt`,
  and a `%%time` cell keeps its body;
- the code is refused (`NotebookError`) where it needs IPython: a variable it uses is assigned from
  a shell command or a magic (`files = !ls`, `rows = %sql ...`, `%%capture out`), it runs or loads
  other code (`%run`, `%load`), changes directory (`%cd`), calls `get_ipython()`, or reads a file
  that a `%%writefile` cell wrote.

`cells` maps the script back: `[cell, first script line, line count]` per code cell, so that
reports name "cell 4, line 2" wherever they show a line of the original.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024  # outputs (plots) make notebooks large; the code is a small part
MAX_CELLS = 20_000
MAX_PENDING = 2_000  # lines of one unfinished statement tracked (a broken cell stops tracking)
SUFFIX = ".ipynb"

# Line magics whose argument is a Python statement that runs once: the statement is kept.
STATEMENT_MAGICS = {"time", "timeit", "prun"}
# Options of %timeit and %prun that take a separate value (`-n 10`).
VALUED_OPTIONS = {"-n", "-r", "-p", "-s", "-T", "-D", "-l"}
# Cell magics whose body is Python that runs once.
PYTHON_CELL_MAGICS = {"time", "timeit", "prun", "capture", "debug"}
# Magics whose effect the rest of the code relies on: refused.
NEEDED_MAGICS = {
    "run": "runs another script whose names the notebook may use",
    "load": "loads code into the cell",
    "loadpy": "loads code into the cell",
    "cd": "changes the working directory the rest of the code reads from (use --data-dir)",
    "recall": "re-runs earlier input",
    "rerun": "re-runs earlier input",
    "macro": "defines a macro of earlier input",
}
# Magics IPython runs without the `%` (automagic), recognized only where the line is not Python.
AUTOMAGIC = {"pip", "conda", "matplotlib", "load_ext", "reload_ext", "autoreload", "pwd", "ls"}
_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w.\[\]'\", ]*?)\s*=\s*([!%])(.*)$")
_IPYTHON_IMPORT = re.compile(r"^\s*from\s+IPython(\.[\w.]+)?\s+import\s+([\w\s,()]+?)\s*$")
_TRACEBACK_LINE = re.compile(r'File "[^"]*?([^"/\\]+)", line (\d+)')


class NotebookError(ValueError):
    """The notebook cannot be used: unreadable, not nbformat 4, or its code needs IPython."""


@dataclass(frozen=True)
class Converted:
    """The script a notebook runs, how its lines map back to cells, and what was dropped."""

    script: str
    cells: list[list[int]]
    notes: list[str] = field(default_factory=list)


def is_notebook(path: Path) -> bool:
    return path.suffix.lower() == SUFFIX


def load_notebook(path: Path) -> Converted:
    """Read and convert `path`; `NotebookError` says why it cannot be used."""
    return convert(read_cells(path), path.name)


def read_cells(path: Path) -> list[dict[str, Any]]:
    """The validated cells of an nbformat 4 notebook: `{"type", "source"}` each."""
    document = _read_json(path)
    if not isinstance(document, dict):
        raise NotebookError(f"{path.name} is not a notebook (its JSON is not an object)")
    if "worksheets" in document or document.get("nbformat") != 4:
        version = document.get("nbformat", "none")
        raise NotebookError(
            f"{path.name} is not an nbformat 4 notebook (nbformat {version}); "
            "save it again with a current Jupyter"
        )
    _check_language(document.get("metadata"), path.name)
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{path.name} is not a notebook: it has no list of cells")
    if len(cells) > MAX_CELLS:
        raise NotebookError(f"{path.name} has {len(cells)} cells, more than {MAX_CELLS}")
    return [_cell(cell, number, path.name) for number, cell in enumerate(cells, 1)]


def _read_json(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise NotebookError(f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{path.name} is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{path.name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise NotebookError(f"{path.name} is not a notebook: its JSON nests too deeply") from exc


def _check_language(metadata: Any, name: str) -> None:
    if not isinstance(metadata, dict):
        return
    kernel, info = metadata.get("kernelspec"), metadata.get("language_info")
    language = (kernel or {}).get("language") if isinstance(kernel, dict) else None
    language = language or ((info or {}).get("name") if isinstance(info, dict) else None)
    if isinstance(language, str) and language.lower() not in ("python", "python3", "ipython"):
        raise NotebookError(f"{name} is a {language} notebook, not a Python one")


def _cell(cell: Any, number: int, name: str) -> dict[str, Any]:
    if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
        raise NotebookError(f"{name}: cell {number} is not a code, markdown or raw cell")
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise NotebookError(f"{name}: cell {number} has no text source")
    return {"type": cell["cell_type"], "source": source, "number": number}


# ---- conversion ---------------------------------------------------------------------------------


@dataclass
class _Conversion:
    """What converting the cells found, gathered while each line is rewritten."""

    name: str
    notes: list[str] = field(default_factory=list)
    bound: dict[str, str] = field(default_factory=dict)  # name -> where and how it was bound
    written: dict[str, str] = field(default_factory=dict)  # %%writefile target -> where
    ipython_names: set[str] = field(default_factory=set)


def convert(cells: list[dict[str, Any]], name: str) -> Converted:
    """One script from the code cells, in order (see the module docstring)."""
    state = _Conversion(name)
    blocks = [
        (cell["number"], _convert_cell(cell["source"].splitlines(), cell["number"], state))
        for cell in cells
        if cell["type"] == "code" and cell["source"].strip()
    ]
    if not blocks:
        raise NotebookError(f"{name} has no code cells")
    lines = [f"# The code cells of {name}, converted by Lester: markdown and raw cells skipped."]
    lines += _shims(blocks, state)
    spans: list[list[int]] = []
    for number, body in blocks:
        lines.append(f"# %% cell {number}")
        spans.append([number, len(lines) + 1, len(body)])
        lines += body
    script = "\n".join(lines) + "\n"
    _refuse_needed(script, state)
    return Converted(script, spans, state.notes)


def _convert_cell(lines: list[str], number: int, state: _Conversion) -> list[str]:
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].lstrip().startswith("%%"):
        return _cell_magic(lines, first, number, state)
    return _convert_lines(lines, number, state)


def _cell_magic(lines: list[str], first: int, number: int, state: _Conversion) -> list[str]:
    words = lines[first].strip()[2:].split()
    magic = words[0] if words else ""
    where = f"cell {number}"
    if magic in PYTHON_CELL_MAGICS:
        if magic == "capture":
            for word in (w for w in words[1:] if not w.startswith("-")):
                state.bound.setdefault(word, f"{where} (%%capture {word})")
        state.notes.append(f"{where}: dropped the cell magic %%{magic}; its body runs once")
        head = [*lines[:first], _comment(lines[first], "cell magic")]
        return head + _convert_lines(lines[first + 1 :], number, state, first + 1)
    if magic == "writefile" and len(words) > 1:
        state.written[Path(words[-1]).name] = where
    state.notes.append(f"{where}: dropped a %%{magic or '?'} cell (not Python)")
    return [_comment(line, "not Python", block=False) if line.strip() else line for line in lines]


def _convert_lines(lines: list[str], number: int, state: _Conversion, start: int = 0) -> list[str]:
    out: list[str] = []
    pending: list[str] = []  # Python lines of a statement that is not complete yet
    dropping = False  # the previous line was dropped IPython syntax ending in a backslash
    for index, line in enumerate(lines, start + 1):
        if dropping:
            out.append(_comment(line, "continued", block=False))
            dropping = line.rstrip().endswith("\\")
            continue
        converted = None if pending else _ipython_line(line, f"cell {number}, line {index}", state)
        if converted is not None and converted.lstrip().startswith(("#", "pass  #")):
            out.append(converted)
            dropping = line.rstrip().endswith("\\")
            continue
        out.append(line if converted is None else converted)
        pending.append(out[-1])
        if len(pending) > MAX_PENDING or _complete(pending):
            pending = []
    return out


def _ipython_line(line: str, where: str, state: _Conversion) -> str | None:
    """The Python that replaces an IPython line, or None for a Python line."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    assigned = _ASSIGNED.match(line)
    if assigned and _not_python(stripped):
        kind = "a shell command" if assigned.group(2) == "!" else "a magic"
        for target in re.findall(r"[A-Za-z_]\w*", assigned.group(1)):
            state.bound.setdefault(target, f"{where} ({assigned.group(2)}{assigned.group(3)})")
        state.notes.append(f"{where}: dropped an assignment from {kind}: {stripped[:80]}")
        return _comment(line, "IPython")
    if stripped.startswith(("!", "%")):
        return _line_magic(line, stripped, where, state)
    if (stripped.endswith("?") or stripped.startswith("?")) and _not_python(stripped):
        state.notes.append(f"{where}: dropped a help request: {stripped[:80]}")
        return _comment(line, "IPython help")
    words = stripped.split()
    if words[0] in AUTOMAGIC and line == line.lstrip() and _not_python(stripped):
        return _line_magic(line, "%" + stripped, where, state)
    imported = _IPYTHON_IMPORT.match(line)
    if imported:
        names = [n.strip() for n in imported.group(2).strip("()").split(",") if n.strip()]
        state.ipython_names.update(names)
        state.notes.append(f"{where}: IPython's {', '.join(names)} shown as printed text")
        return _comment(line, "IPython import")
    return None


def _line_magic(line: str, stripped: str, where: str, state: _Conversion) -> str:
    if stripped.startswith("!"):
        state.notes.append(f"{where}: dropped a shell command: {stripped[:80]}")
        return _comment(line, "shell command")
    words = stripped.lstrip("%").split(maxsplit=1)
    magic = words[0] if words else ""
    argument = words[1] if len(words) > 1 else ""
    if magic in NEEDED_MAGICS:
        raise NotebookError(
            f"{state.name} needs IPython: {where} uses %{magic}, which {NEEDED_MAGICS[magic]}; "
            "write it as Python and try again"
        )
    if magic == "store" and "-r" in argument.split():
        for target in (w for w in argument.split() if not w.startswith("-")):
            state.bound.setdefault(target, f"{where} (%store -r)")
    statement = _statement(argument) if magic in STATEMENT_MAGICS else ""
    if statement:
        state.notes.append(f"{where}: dropped %{magic}; the statement runs once")
        return line[: len(line) - len(line.lstrip())] + statement
    state.notes.append(f"{where}: dropped the magic {stripped[:80]}")
    return _comment(line, "magic")


def _statement(argument: str) -> str:
    """The statement of `%timeit -n 10 -r 1 f(x)`: what follows the options."""
    words = argument.split(" ")
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in VALUED_OPTIONS and words:
            words.pop(0)
    return " ".join(words).strip()


def _comment(line: str, why: str, block: bool = True) -> str:
    """A dropped line as a comment; indented in a `block`, a `pass` keeps the block a block."""
    indent = line[: len(line) - len(line.lstrip())]
    text = f"# [{why}, dropped] {line.strip()}"
    return f"{indent}pass  {text}" if indent and block else text


def _not_python(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return True
    return False


def _complete(lines: list[str]) -> bool:
    """Whether the lines end a statement: no open bracket, string or backslash continuation."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            pass
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def _shims(blocks: list[tuple[int, list[str]]], state: _Conversion) -> list[str]:
    """`display` (a built-in of notebooks) and IPython's display helpers, where the code uses
    them: printed, which is what a script can show."""
    uses_display = any(re.search(r"\bdisplay\s*\(", line) for _, body in blocks for line in body)
    names = sorted(state.ipython_names | ({"display"} if uses_display else set()))
    if not names:
        return []
    return [f"{' = '.join(names)} = print  # IPython's display helpers, shown as printed text"]


def _refuse_needed(script: str, state: _Conversion) -> None:
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return  # the caller reports the syntax error with its cell
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    if "get_ipython" in used:
        raise NotebookError(f"{state.name} needs IPython: it calls get_ipython()")
    needed = sorted(name for name in state.bound if name in used)
    if needed:
        where = state.bound[needed[0]]
        raise NotebookError(
            f"{state.name} needs IPython: {needed[0]} is assigned at {where}, which only IPython "
            "runs, and the code uses it; write it as Python and try again"
        )
    for file, where in state.written.items():
        if _mentions(tree, file):
            raise NotebookError(
                f"{state.name} needs IPython: {where} writes {file} with %%writefile and the "
                "code uses it; write the file from Python and try again"
            )


def _mentions(tree: ast.AST, file: str) -> bool:
    """Whether the code names `file`: in a string, or as the module it imports."""
    module = file[:-3] if file.endswith(".py") else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and file in node.value:
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == module for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == module:
            return True
    return False


# ---- naming lines -------------------------------------------------------------------------------


def locate(cells: list[list[int]], line: int) -> tuple[int | None, int]:
    """(cell, line in the cell) for a line of a converted notebook; (None, line) outside cells."""
    for cell, first, count in cells:
        if first <= line < first + count:
            return cell, line - first + 1
    return None, line


def line_label(cells: list[list[int]], line: int | None) -> str:
    """`cell 4, line 2` for a line of a converted notebook, `line 17` for a script's."""
    if line is None:
        return "line ?"
    cell, number = locate(cells, line)
    return f"line {number}" if cell is None else f"cell {cell}, line {number}"


def lines_label(cells: list[list[int]], lines: list[int]) -> str:
    """Line numbers as ranges, per cell for a notebook: `cell 2, lines 1-3; cell 5, line 1`."""
    groups: dict[int | None, list[int]] = {}
    for line in sorted(set(lines)):
        cell, number = locate(cells, line)
        groups.setdefault(cell, []).append(number)
    return (
        "; ".join(
            ("" if cell is None else f"cell {cell}, ") + _ranges(numbers)
            for cell, numbers in groups.items()
        )
        or "none"
    )


def span_label(cells: list[list[int]], lines: list[int]) -> str:
    """From the first to the last line: `lines 4-9`, `cell 3, lines 1-4` or `cells 2-5`."""
    (first_cell, first), (last_cell, last) = locate(cells, min(lines)), locate(cells, max(lines))
    if first_cell == last_cell:
        return ("" if first_cell is None else f"cell {first_cell}, ") + f"lines {first}-{last}"
    return f"cells {first_cell or '?'}-{last_cell or '?'}"


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    word = "lines " if len(numbers) > 1 else "line "
    return word + ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def name_cells(text: str, cells: list[list[int]], script_name: str) -> str:
    """`File ".../x.ipynb.py", line 17` in a traceback or message as `cell 4, line 2`."""
    if not cells:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group(1) != script_name:
            return match.group(0)
        return line_label(cells, int(match.group(2)))

    return _TRACEBACK_LINE.sub(replace, text)
