"""Small charts drawn on the server as plain SVG: the same markup in the page and in the PDF (WeasyPrint draws inline
SVG), no script and nothing fetched. Every mark carries its words — a status is written in its cell, a bar its
figure — so that nothing is said by colour alone, and each chart has a title for screen readers.

The charts speak the language they are called in (a document's frame sets it: jcm.documents.frame.Frame.speak)."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.minutes.models import PROGRESS_STATUS_LABELS

SANS = "Liberation Sans, Arial, NanumGothic, Noto Sans CJK KR, sans-serif"
# A status's fill, light enough for its word to be read on it in black and white as in colour.
FILLS = {"completed": "#bfe0c6", "on_track": "#dcefdf", "at_risk": "#fbe3b5", "off_track": "#f3c4c4",
         "not_started": "#e6e6e6", None: "#ffffff"}
BARS = {"done": "#4d7f5a", "open": "#6b7f99", "overdue": "#a33a3a"}
PER_ROW = 8  # meetings in one row of a strip; more go on further rows


def _svg(width: int, height: int, title: str, description: str, body: Iterable[str], classes: str) -> Markup:
    """The chart, named by its title and described in words (what a screen reader says of an image), then drawn."""
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" role="img" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" font-family="{SANS}">'
                  f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{''.join(body)}</svg>")


def _text(x: float, y: float, words: str, size: float = 8, anchor: str = "start", weight: str = "normal",
          fill: str = "#111") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{escape(words)}</text>')


def status_strip(rows: Sequence[dict[str, Any]], meetings: Sequence[dict[str, Any]], title: str) -> Markup:
    """Each focus area's status (rows) at each meeting (columns, by reference): its word on its colour, marked * and
    outlined in dashes when it comes from minutes not yet adopted, "—" where a meeting recorded none."""
    label_width, cell_width, cell_height, head = 60, 84, 22, 16
    width = label_width + cell_width * min(max(len(meetings), 1), PER_ROW)
    blocks = [meetings[n:n + PER_ROW] for n in range(0, len(meetings), PER_ROW)] or [[]]
    body: list[str] = []
    said = []
    for row in rows:
        cells = []
        for meeting, cell in zip(meetings, row["statuses"]):
            words = str(PROGRESS_STATUS_LABELS[cell["status"]]) if cell["status"] else "—"
            cells.append(f"{meeting['ref']} {words}{' *' if cell['provisional'] else ''}")
        said.append(f"{row['code']}: {', '.join(cells)}")
    y = 0
    for block_number, block in enumerate(blocks):
        offset = block_number * PER_ROW
        for column, meeting in enumerate(block):
            x = label_width + column * cell_width + cell_width / 2
            body.append(_text(x, y + 11, meeting["ref"], 9, "middle", "bold", "#333"))
        y += head
        for row in rows:
            body.append(_text(0, y + 15, row["code"], 9.5, weight="bold"))
            for column in range(len(block)):
                cell = row["statuses"][offset + column]
                status = cell["status"]
                x = label_width + column * cell_width
                dashes = ' stroke-dasharray="3 2"' if cell["provisional"] else ""
                body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_width - 2}" height="{cell_height - 2}" '
                            f'fill="{FILLS.get(status, "#ffffff")}" stroke="#555" stroke-width="0.6"{dashes}/>')
                words = str(PROGRESS_STATUS_LABELS[status]) if status else "—"
                if cell["provisional"]:
                    words += " *"
                body.append(_text(x + cell_width / 2, y + 14.5, words, 8.5, "middle"))
            y += cell_height
        y += 6
    return _svg(width, y, title, "; ".join(said), body, "chart chart--strip")


def side_bars(counts: dict[str, dict[str, int]], sides: Sequence[str], side_names: dict[str, str],
              title: str) -> Markup:
    """For each side, three bars: its action items done in the period, open, and (of the open) overdue; each bar
    with its words and its figure."""
    kinds = (("done", _("Done in the period")), ("open", _("Open")), ("overdue", _("Overdue")))
    label_width, bar_space, bar_height = 130, 300, 12
    largest = max([counts[side][kind] for side in sides for kind, _words in kinds] + [1])
    body: list[str] = []
    said = [f"{side_names[side]}: " + ", ".join(f"{words} {counts[side][kind]}" for kind, words in kinds)
            for side in sides]
    y = 0
    for side in sides:
        body.append(_text(0, y + 10, side_names[side], 8.5, weight="bold"))
        y += 14
        for kind, words in kinds:
            value = counts[side][kind]
            length = round(bar_space * value / largest, 1)
            body.append(_text(8, y + 9.5, words, 8))
            if value:
                body.append(f'<rect x="{label_width}" y="{y + 1}" width="{length:g}" height="{bar_height - 2}" '
                            f'fill="{BARS[kind]}"/>')
            body.append(_text(label_width + length + 4, y + 9.5, str(value), 8, weight="bold"))
            y += bar_height + 2
        y += 6
    return _svg(label_width + bar_space + 30, y, title, "; ".join(said), body, "chart chart--bars")
