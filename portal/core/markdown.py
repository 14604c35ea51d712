"""Render user Markdown in one place: markdown-it-py with raw HTML off, then nh3."""

from __future__ import annotations

import re
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> Markup:
    """Turn user Markdown into safe HTML."""
    if not text:
        return Markup("")
    html = _md.render(text)
    # Headings are shifted down so that user text never competes with the page's own h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


_BLOCK_END = re.compile(r"</(p|li|h[2-6]|tr|blockquote|pre)>|<br\s*/?>|<hr\s*/?>")
_SPACES = re.compile(r"[ \t]+")


def markdown_text(text: str | None) -> str:
    """User Markdown as the plain text a reader sees (no `**`, `-` or `#`): rendered as
    above, then stripped of its tags; one line per block, for search snippets."""
    if not text:
        return ""
    html = _BLOCK_END.sub(lambda m: m.group(0) + "\n", _md.render(text))
    plain = unescape(nh3.clean(html, tags=set()))
    lines = (_SPACES.sub(" ", line).strip() for line in plain.splitlines())
    return "\n".join(line for line in lines if line)
