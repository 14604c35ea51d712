"""The colours every server-rendered chart uses, and the check that they are accessible.

Two colours and white: each has a contrast of at least 3:1 against the page's white background
and against the other (WCAG 2.1 1.4.11, non-text contrast), and no chart tells anything by
colour alone: bars carry their numbers as text, and statuses also differ by pattern and label.
The styles of the charts are in portal/static/css/charts.css.
"""

from __future__ import annotations

BACKGROUND = "#ffffff"
PALETTE = {
    "dark": "#0b2e59",  # current level; steps done; counties where every municipality has a plan
    "mid": "#d4700a",  # target level; steps ongoing; counties where some have a plan
    "ink": "#1b1b1b",  # text and outlines
}
MIN_CONTRAST = 3.0


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG 2.1)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, from 1 to 21."""
    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)
