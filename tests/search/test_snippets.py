"""A snippet reads a long text only up to the end of its window, and marks what reading the
whole text would have marked."""

from __future__ import annotations

import random

from portal.search.analysis import WORD_RE
from portal.search.query import parse
from portal.search.services import SNIPPET_CHARS, Highlighter, Segment


def _whole_text_segments(highlighter: Highlighter, text: str, limit: int) -> list[Segment]:
    """The snippet as computed before windows were read alone: every word of the text."""
    spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text) if highlighter.matches(m.group())]
    start, end = 0, len(text)
    if len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, first - limit // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + limit)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    segments: list[Segment] = []
    if start > 0:
        segments.append(Segment("… ", False))
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            segments.append(Segment(text[pos:s], False))
        segments.append(Segment(text[s:e], True))
        pos = e
    if pos < end:
        segments.append(Segment(text[pos:end], False))
    if end < len(text):
        segments.append(Segment(" …", False))
    return segments


def test_snippet_windows_mark_the_same_words_as_reading_the_whole_text():
    rng = random.Random(19)
    vocabulary = [
        "kommunen",
        "arbetar",
        "med",
        "bygglov",
        "geodata",
        "detaljplanen",
        "geodataplattformen",
        "och",
        "översiktsplan",
        "digitala",
        "handläggare",
        "e-tjänsten",
        "grundkartan",
        "i",
        "samverkan,",
        "där",
        "bygglovshandläggning",
        "tar",
        "tid.",
        "Planprocessen",
    ]
    for query in ["bygglov", "geodata", "geo*", '"digital detaljplan"', "saknas helt", "plan"]:
        highlighter = Highlighter.for_query(parse(query))
        for _ in range(60):
            text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 400)))
            for limit in (SNIPPET_CHARS, 40, 10_000):
                assert highlighter.segments(text, limit) == _whole_text_segments(
                    highlighter, text, limit
                ), (query, text, limit)
