"""Line diffs of candidate code, as rows a template renders (the template escapes the text)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    """One row: `kind` is `same`, `add`, `del` or `gap` (skipped unchanged lines); line numbers
    are 1-based, None on the side a line is missing from."""

    kind: str
    old: int | None
    new: int | None
    text: str


@dataclass(frozen=True)
class Diff:
    lines: list[DiffLine]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def line_diff(old: str, new: str, context: int = 3) -> Diff:
    """A unified diff of `old` into `new` with `context` unchanged lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[DiffLine] = []
    added = removed = 0
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        first = group[0]
        if number or first[1] or first[3]:
            lines.append(DiffLine("gap", first[1] + 1, first[3] + 1, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("same", i + 1, j + 1, a[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            lines += [DiffLine("del", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [DiffLine("add", None, j + 1, b[j]) for j in range(j1, j2)]
            removed += i2 - i1
            added += j2 - j1
    return Diff(lines, added, removed)
