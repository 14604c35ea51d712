"""User Markdown never yields script, event handlers or script/data URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from portal.core.markdown import render_markdown
from tests.security_payloads import XSS_PAYLOADS

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "meta",
                  "form", "img", "video", "audio", "body", "input", "details", "marquee"}  # fmt: skip


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def unsafe_url(value: str | None) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside the scheme.
    scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
    return scheme.startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("wrap", ["{}", "Text före {} och efter.", "- {}", "> {}", "**{}**"])
def test_markdown_output_is_inert(payload, wrap):
    html = str(render_markdown(wrap.format(payload)))
    assert "<script" not in html.lower()
    parser = Collect()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in DANGEROUS_TAGS, (payload, html)
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (payload, html)
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                assert not unsafe_url(value), (payload, html)


def test_template_syntax_is_left_as_text():
    assert "{{7*7}}" in str(render_markdown("{{7*7}}"))
    assert "49" not in str(render_markdown("{{7*7}}"))


def test_safe_links_still_work():
    html = str(render_markdown("[Lantmäteriet](https://www.lantmateriet.se/)"))
    assert 'href="https://www.lantmateriet.se/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
