"""What a file the original parses by hand holds as text, for the steps that must parse it as the
original does: the line ends, marks and field counts a reader smooths over (`text_layout` counts
them in the analysis), and how the source's reader and the original's `split` differ on them."""

from __future__ import annotations

from typing import Any

from .llm.api_frames import hand_parsed_text, json_lines_text
from .oracle.analysis import JSON_IDIOMS, LAYOUT_BYTES, Analysis


def hand_parsed(analysis: Analysis) -> str:
    """How the sources' text relates to the original's own parsing, when it parses by hand, and
    what each hand-parsed file holds that the reader smooths over."""
    by_hand = [s for s in analysis.sources if s.reader is None]
    json_lines = [s for s in by_hand if s.idiom in JSON_IDIOMS]
    delimited = [s for s in by_hand if s not in json_lines]
    facts = [json_lines_text()] if json_lines else []
    if delimited:
        files = [f"- {s.path}: {layout_text(s.layout)}" for s in delimited if s.layout]
        facts += [hand_parsed_text(), *(["The files as text:", *files] if files else [])]
    return "\n".join(facts)


def layout_text(layout: dict[str, Any]) -> str:
    ends = "CRLF" if layout["lines"] and layout["crlf_lines"] == layout["lines"] else "LF"
    if 0 < layout["crlf_lines"] < layout["lines"]:
        ends = f"mixed ({layout['crlf_lines']} of {layout['lines']} lines end in CRLF)"
    scope = "" if layout["whole_file"] else f" (in its first {LAYOUT_BYTES // 2**20} MB)"
    last = ""
    if layout["whole_file"] and "last_line_ended" in layout:  # older analyses lack it
        last = (
            f"the last line {'ending with one' if layout['last_line_ended'] else 'without one'}, "
        )
    return (
        f"{layout['lines']} lines{scope}, line ends {ends}, {last}"
        f"{'a' if layout['bom'] else 'no'} UTF-8 byte-order mark, {layout['blank_lines']} blank "
        f"lines, {layout['other_field_counts']} lines whose count of separators differs from the "
        f"first line's {layout['fields']} fields{_every_line(layout)}"
        + "".join(f", {layout[key]} {what}" for key, what in LAYOUT_COUNTS if key in layout)
    )


def _every_line(layout: dict[str, Any]) -> str:
    """A hand parser's guard on the field count has nothing to drop when every line has the
    first line's count, and the source, which pads or refuses such lines, has none to offer."""
    if layout["other_field_counts"] or not layout["whole_file"]:
        return ""
    guard = f"len(fields) == {layout['fields']}"
    return f" (so a test such as `{guard}` keeps every line but the blank ones)"


LAYOUT_COUNTS = (  # (older analyses lack them)
    ("quote_lines", "lines holding a double quote"),
    ("padded_lines", "lines with a field that starts or ends with white space"),
)
