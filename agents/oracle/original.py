"""The original the user gave, as the Python it runs: a script as it is, a notebook converted.

Everything that reads the original's code (the analysis, the steps' prompts, the lifter, the UI)
reads it through `load_original`, so that a notebook is converted in one place and line numbers
mean the same everywhere; `where` names a line as the user sees it ("cell 4, line 2" in a
notebook). The sandbox runs the converted script, never the notebook.
"""

from __future__ import annotations

import ast
import io
import re
import tempfile
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import static
from .errors import AnalysisError
from .notebook import NotebookError, is_notebook, line_label, lines_label, load_notebook

SUFFIXES = (".py", ".ipynb")
MAX_SCRIPT_BYTES = 8 * 1024 * 1024
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)  # PEP 263


@dataclass(frozen=True)
class Original:
    """`source` is the Python that runs; `cells` maps its lines to notebook cells (empty for a
    script); `notes` says what a conversion dropped."""

    path: Path
    source: str
    cells: list[list[int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def notebook(self) -> bool:
        return is_notebook(self.path)

    @property
    def run_name(self) -> str:
        """The file name the sandbox runs: `analysis.ipynb.py` for a notebook (it cannot collide
        with a data file, nor with a script of the same stem beside it)."""
        return f"{self.path.name}.py" if self.notebook else self.path.name

    def where(self, line: int | None) -> str:
        return line_label(self.cells, line)

    def where_lines(self, lines: list[int]) -> str:
        return lines_label(self.cells, lines)

    @contextmanager
    def runnable(self) -> Iterator[Path]:
        """A Python file to give the sandbox: the script itself, or the converted notebook in a
        temporary folder (never beside the user's files)."""
        if not self.notebook:
            yield self.path
            return
        with tempfile.TemporaryDirectory(prefix="lester-notebook-") as folder:
            code = Path(folder) / self.run_name
            code.write_text(self.source)
            yield code


def load_original(path: Path) -> Original:
    """Read (and for a notebook, convert) the original; `AnalysisError` says why it cannot be."""
    if path.suffix.lower() not in SUFFIXES:
        raise AnalysisError(f"{path} is not a Python script (.py) or a Jupyter notebook (.ipynb)")
    if not path.is_file():
        raise AnalysisError(f"no such file: {path}")
    if is_notebook(path):
        try:
            converted = load_notebook(path)
        except NotebookError as exc:
            raise AnalysisError(str(exc)) from exc
        original = Original(path, converted.script, converted.cells, converted.notes)
    else:
        original = Original(path, _read_text(path))
    parse_original(original)
    return original


def parse_original(original: Original) -> ast.Module:
    """The syntax tree; a syntax error names the line (or the cell and line) at fault."""
    try:
        return static.parse(original.source, original.run_name)
    except SyntaxError as exc:
        where = f" ({original.where(exc.lineno)})" if exc.lineno else ""
        raise AnalysisError(f"{original.path} is not valid Python: {exc.msg}{where}") from exc
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, nesting, size
        raise AnalysisError(f"{original.path} cannot be parsed as Python: {exc}") from exc


def _read_text(path: Path) -> str:
    """The script's text as Python decodes it (a byte-order mark or `# coding:` line honoured)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SCRIPT_BYTES + 1)
    except OSError as exc:
        raise AnalysisError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_SCRIPT_BYTES:
        raise AnalysisError(f"{path} is larger than {MAX_SCRIPT_BYTES // (1024 * 1024)} MiB")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise AnalysisError(
            f"{path} is not {exc.encoding.upper()} text (byte {exc.start}); Python reads "
            "scripts as UTF-8 unless a coding line says otherwise"
        ) from exc
    except SyntaxError as exc:  # bytes that are not UTF-8 in the first lines, or a bad coding line
        if _CODING.search(b"\n".join(data.splitlines()[:2])):
            raise AnalysisError(
                f"{path} declares an encoding Python cannot use: {exc.msg}"
            ) from exc
        raise AnalysisError(f"{path} is not UTF-8 text (and has no coding line)") from exc
