"""What the graph's nodes use but the checkpointed state cannot hold: the sandbox, the proposers,
the run's folder and the progress display. Rebuilt on resume from the state itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lester.sandbox import Sandbox

from .lifter.proposer import OfflineLifter
from .oracle.analysis import Analysis
from .oracle.original import load_original
from .proposals import Proposer
from .state import Budgets, RewriteState


def _quiet(message: str) -> None:
    """Progress goes nowhere unless the caller shows it."""


@dataclass
class Runtime:
    sandbox: Sandbox
    run_dir: Path
    llm: Proposer | None = None
    budgets: Budgets = field(default_factory=Budgets)
    progress: Callable[[str], None] = _quiet
    job_timeout: float = 120.0
    _lifter: OfflineLifter | None = None

    def lifter(self, state: RewriteState) -> OfflineLifter:
        if self._lifter is None:
            analysis = Analysis.from_dict(state["analysis"])
            self._lifter = OfflineLifter(analysis, load_original(Path(state["script"])).source)
        return self._lifter

    def candidate_path(self, name: str) -> Path:
        folder = self.run_dir / "candidates"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name
