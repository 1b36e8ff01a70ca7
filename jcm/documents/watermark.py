"""The mark across every page of a draft ("DRAFT", "초안"): the word drawn as outlines, not set as text.

A reader sees it on every page, but it is not part of the document's text: it is not copied with a selection,
read out, searched or extracted from the PDF, where it would otherwise interleave with the words of every page.
The outlines come from the bold sans-serif face the stylesheet names (Liberation Sans, then a Hangul face),
found through fontconfig as the PDF renderer finds it, and are made once per word.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from functools import lru_cache

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from markupsafe import Markup, escape

logger = logging.getLogger(__name__)

# The stylesheet's sans-serif stack, bold: the first face that has every letter of the word draws it.
FAMILIES = ("Liberation Sans", "Arial", "NanumGothic", "Noto Sans CJK KR", "DejaVu Sans")
COLOUR = "#8a1c1c"
OPACITY = "0.09"
TRACKING = 0.08  # em between letters, as the stamp's letter-spacing


def _font_files(word: str) -> Iterator[tuple[str, int]]:
    """Candidate font files (path, index in a collection) for the word, best first."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return
    charset = " ".join(f"{ord(ch):x}" for ch in sorted(set(word)) if not ch.isspace())
    seen = set()
    for pattern in [f"{family}:bold" for family in FAMILIES] + [f":bold:charset={charset}", f":charset={charset}"]:
        try:
            result = subprocess.run([fc_match, "--format=%{file}\n%{index}", pattern], capture_output=True,
                                    text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return
        path, _sep, index = result.stdout.partition("\n")
        if path and (path, index) not in seen:
            seen.add((path, index))
            yield path, int(index or 0)


def _outline(word: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """The word's outline as SVG path data (font units, y downwards) and its bounds, or None without a face."""
    for path, index in _font_files(word):
        try:
            outline = _word_outline(word, TTFont(path, fontNumber=index, lazy=True))
        except Exception:  # an unreadable file: try the next face
            logger.warning("Could not read the font %s for the watermark.", path, exc_info=True)
            continue
        if outline is not None:
            return outline
    return None


def _word_outline(word: str, font: TTFont) -> tuple[str, tuple[int, int, int, int]] | None:
    with font:
        cmap = font.getBestCmap() or {}
        if not all(ord(ch) in cmap for ch in word if not ch.isspace()):
            return None
        glyphs = font.getGlyphSet()
        tracking = TRACKING * font["head"].unitsPerEm
        pen = SVGPathPen(glyphs, ntos=lambda value: str(round(value)))
        bounds = BoundsPen(glyphs)
        x = 0.0
        for ch in word:
            glyph = glyphs[cmap.get(ord(ch), ".notdef")]
            if not ch.isspace():
                placed = (1, 0, 0, -1, x, 0)  # fonts draw y upwards, SVG downwards
                glyph.draw(TransformPen(pen, placed))
                glyph.draw(TransformPen(bounds, placed))
            x += glyph.width + tracking
    if bounds.bounds is None:
        return None
    x_min, y_min, x_max, y_max = (round(value) for value in bounds.bounds)
    return pen.getCommands(), (x_min, y_min, x_max, y_max)


@lru_cache(maxsize=16)
def watermark_svg(word: str) -> Markup:
    """An inline SVG of the word in outlines; the stylesheet sizes and turns it (.watermark)."""
    outline = _outline(word)
    if outline is None:
        # No face to draw it with (fontconfig missing): a plain stamp frame still marks the page as a draft.
        logger.warning("No font to draw the %r watermark with; printing a plain frame.", word)
        return Markup('<svg class="watermark__word" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" '
                      'focusable="false" aria-hidden="true"><rect x="4" y="4" width="292" height="92" fill="none" '
                      f'stroke="{COLOUR}" stroke-opacity="{OPACITY}" stroke-width="8"/></svg>')
    data, (x_min, y_min, x_max, y_max) = outline
    margin = round((y_max - y_min) * 0.05)
    view_box = f"{x_min - margin} {y_min - margin} {x_max - x_min + 2 * margin} {y_max - y_min + 2 * margin}"
    return Markup('<svg class="watermark__word" xmlns="http://www.w3.org/2000/svg" viewBox="{}" focusable="false" '
                  'aria-hidden="true"><path fill="{}" fill-opacity="{}" d="{}"/></svg>').format(
        view_box, COLOUR, OPACITY, escape(data))
