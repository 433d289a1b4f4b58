"""The data the encoder and label synthesis exchanges: hints in, plans out.

Plans carry code as source text (constructor calls, vectorized pandas expressions) because the
lifter writes them into a pipeline module; the synthesis evaluates exactly these texts when it
verifies a plan, so what is verified is what gets written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Mode = str  # a fit mode: "train" (encoders fitted on the training rows) or "all" (before the split)
BOTH_MODES: frozenset[Mode] = frozenset({"train", "all"})


@dataclass(frozen=True)
class RecordedEncoder:
    """A transformer the script fitted itself: its constructor (class and the parameters that
    differ from the defaults, constants only), the first values it was fitted on (`sample`:
    scalars when it was given one column of texts, rows otherwise; empty when not recorded) and
    the column names it was given (a frame's or a Series'), when it was given pandas data;
    `given` says what it was fitted on, for the reason shown when no column holds it."""

    code: str
    classes: dict[str, str]  # class name -> module, for the constructor's namespace and imports
    sample: tuple[Any, ...] = ()
    columns: tuple[str, ...] = ()
    one_column: bool = False
    line: int | None = None
    given: str = ""


@dataclass
class Hints:
    """Static facts from the original script; they order and seed the search, never gate it.

    `constants` are literals of the script after evaluation (numbers, strings, lists, dicts such as a
    category index `{'DE': 0, 'FR': 1}` or bin edges), `keywords` the idioms seen (e.g.
    "murmurhash3_32", "log1p", "split()"), `columns` the prepared columns the feature code touches,
    `encoders` the script's own fitted scikit-learn transformers as the tracer recorded them.
    """

    constants: list[Any] = field(default_factory=list)
    keywords: set[str] = field(default_factory=set)
    columns: list[str] = field(default_factory=list)
    encoders: list[RecordedEncoder] = field(default_factory=list)

    def classes(self) -> dict[str, str]:
        """Class name -> module of every class the recorded encoders' constructors name."""
        return {name: module for e in self.encoders for name, module in e.classes.items()}

    def numbers(self) -> list[float]:
        """Numeric scalars, in script order, without duplicates."""
        found = [c for c in self._flat_scalars() if _is_number(c)]
        return list(dict.fromkeys(float(c) for c in found))

    def ints(self) -> list[int]:
        """Positive integer scalars (bucket counts, vocabulary sizes)."""
        return [int(c) for c in self.numbers() if c.is_integer() and c > 0]

    def strings(self) -> list[str]:
        return list(dict.fromkeys(c for c in self._flat_scalars() if isinstance(c, str)))

    def orders(self) -> list[list[Any]]:
        """Category orders: string/number lists in order, and index dicts sorted by their index."""
        out: list[list[Any]] = []
        for c in self.constants:
            if isinstance(c, dict) and c and all(_is_number(v) for v in c.values()):
                out.append([k for k, _ in sorted(c.items(), key=lambda kv: kv[1])])
            elif isinstance(c, list | tuple) and c and all(_is_scalar(v) for v in c):
                out.append(list(c))
        return out

    def edges(self) -> list[list[float]]:
        """Ascending numeric lists: candidate bin edges."""
        return [
            [float(v) for v in c]
            for c in self.constants
            if isinstance(c, list | tuple)
            and c
            and all(_is_number(v) for v in c)
            and all(a < b for a, b in zip(c, c[1:], strict=False))
        ]

    def has(self, *keywords: str) -> bool:
        return any(k in self.keywords for k in keywords)

    def _flat_scalars(self) -> list[Any]:
        out: list[Any] = []
        for c in self.constants:
            if isinstance(c, dict):
                out.extend(v for pair in c.items() for v in pair if _is_scalar(v))
            elif isinstance(c, list | tuple | set):
                out.extend(v for v in c if _is_scalar(v))
            elif _is_scalar(c):
                out.append(c)
        return out


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str | int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class DerivedColumn:
    """A column added to the prepared data: `expression` over a Series `s` (the `column`)."""

    name: str
    column: str
    expression: str

    def project_code(self, frame: str = "data") -> str:
        """The `Frame.project` line that adds this column in a pipeline's preparation."""
        return f"{frame} = {frame}.project({self.name!r}, {self.column!r}, lambda s: {self.expression})"


@dataclass(frozen=True)
class TransformerSpec:
    """One ColumnTransformer entry and the columns `start..stop-1` of X it produces."""

    name: str
    code: str
    columns: list[str] | str
    start: int
    stop: int

    def entry_code(self) -> str:
        return f"({self.name!r}, {self.code}, {self.columns!r})"


@dataclass(frozen=True)
class Candidate:
    """A proposal for the block of X starting at a position, and the fit modes it matched under."""

    rule: str
    spec: TransformerSpec
    modes: frozenset[Mode]
    derived: tuple[DerivedColumn, ...] = ()


@dataclass
class FeaturePlan:
    """The synthesized feature encoding: derived columns plus a ColumnTransformer, verified."""

    matched: bool
    fit_on: Mode
    derived: list[DerivedColumn] = field(default_factory=list)
    transformers: list[TransformerSpec] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, int, str]] = field(default_factory=list)  # start, stop, description
    trail: list[str] = field(default_factory=list)

    def transformer_code(self) -> str:
        """The body of a function returning the (unfitted) ColumnTransformer."""
        entries = "".join(f"        {t.entry_code()},\n" for t in self.transformers)
        return f"return ColumnTransformer(\n    [\n{entries}    ]\n)"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["unmatched"] = [{"start": a, "stop": b, "description": s} for a, b, s in self.unmatched]
        d["transformer_code"] = self.transformer_code()
        return d


@dataclass
class LabelPlan:
    """The synthesized label: `expression` over a DataFrame `data`, verified against y."""

    matched: bool
    expression: str | None = None
    derived: list[DerivedColumn] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
