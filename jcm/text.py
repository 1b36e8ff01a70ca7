"""Markdown for descriptions and summaries, rendered and then sanitised, so no markup can run."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5", "h6",
                "table", "thead", "tbody", "tr", "th", "td", "a", "hr"}


def render_markdown(text: str | None) -> Markup:
    """Markdown → HTML, with only harmless tags and http(s)/mailto links kept."""
    if not text:
        return Markup("")
    return _rendered(text)


@lru_cache(maxsize=2048)
def _rendered(text: str) -> Markup:
    """Each text is rendered once: the same minutes record is printed again and again (HTML, PDF, each language)."""
    html = _markdown.render(text)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)
