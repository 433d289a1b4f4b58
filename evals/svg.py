"""Horizontal bar charts as inline SVG, so that `report.html` needs no plotting library and no
network: the page carries its plots as markup. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
ROW = 22
BAR = 15
TOP = 28
CHAR = 6.6  # average glyph width at 11 px, for sizing the label column
LABEL = 38  # longest label shown in full, in characters
BLUE = "#4c78a8"
GREEN = "#54a24b"
RED = "#e45756"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the chart prints it
    color: str = BLUE


def bar_chart(
    title: str, bars: Sequence[Bar], scale: float | None = None, empty: str = "nothing to show"
) -> str:
    """One bar per row, `scale` (default: the largest value) spanning the plot area; `empty` is
    what an empty chart says."""
    label_chars = min(LABEL, max((len(b.label) for b in bars), default=0))
    label_width = int(label_chars * CHAR) + 12
    plot = WIDTH - label_width - 70
    top = scale or max((b.value for b in bars), default=0.0) or 1.0
    height = TOP + ROW * max(len(bars), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f'<text x="0" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="{TOP + 14}" fill="#777">{escape(empty)}</text>')
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        length = max(0.0, min(bar.value / top, 1.0)) * plot
        parts += [
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>",
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">'
            f"{escape(_clip(bar.label, label_chars))}</text>",
            f'<rect x="{label_width}" y="{y}" width="{plot}" height="{BAR}" fill="#f1f1f1"/>',
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{BAR}" '
            f'fill="{escape(bar.color)}"/>',
            f'<text x="{label_width + plot + 6}" y="{y + 12}">{escape(bar.text)}</text></g>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _clip(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"
