"""The layout of `lester.agents` stays what its `__init__.py` docstrings say: which part imports which."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

AGENTS = Path(__file__).resolve().parents[2] / "agents"

# For each part, the parts of lester.agents it may import besides itself.
ALLOWED = {
    "oracle": set(),
    "lifter": {"oracle", "proposals"},
    "llm": {"oracle", "proposals"},
}
MAX_LINES = 800


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join(("lester", "agents", *parts))


def _imported(path: Path, root: Path) -> set[str]:
    """Absolute names of every module imported anywhere in the file, lazy imports included."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def _part(module: str) -> str | None:
    """The part of lester.agents a module name belongs to (oracle, lifter, llm or a loop module)."""
    parts = module.split(".")
    if parts[:2] != ["lester", "agents"] or len(parts) < 3:
        return None
    return parts[2]


def violations(root: Path = AGENTS) -> list[str]:
    found = []
    for part, allowed in ALLOWED.items():
        for path in sorted((root / part).rglob("*.py")):
            for module in _imported(path, root):
                target = _part(module)
                if target is not None and target != part and target not in allowed:
                    found.append(f"{path.relative_to(root)} imports {module}")
    return sorted(set(found))


def test_parts_import_only_what_their_docstrings_allow():
    assert violations() == []


def test_the_check_catches_an_oracle_importing_the_lifter(tmp_path):
    bad = tmp_path / "oracle"
    bad.mkdir()
    (bad / "analysis.py").write_text("from ..lifter.prepare import Lifter\n")
    (tmp_path / "lifter").mkdir()
    (tmp_path / "lifter" / "proposer.py").write_text(
        "def f():\n    from lester.agents.llm.proposer import LLMProposer\n"
    )
    (tmp_path / "llm").mkdir()
    assert violations(tmp_path) == [
        "lifter/proposer.py imports lester.agents.llm.proposer",
        "lifter/proposer.py imports lester.agents.llm.proposer.LLMProposer",
        "oracle/analysis.py imports lester.agents.lifter.prepare",
        "oracle/analysis.py imports lester.agents.lifter.prepare.Lifter",
    ]


@pytest.mark.parametrize(
    "path", sorted(AGENTS.rglob("*.py")), ids=lambda p: str(p.relative_to(AGENTS))
)
def test_no_module_is_too_long_to_read_in_one_sitting(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES
