"""Numbers, amounts and dates on the comparison, peers and plan pages, in Swedish and English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from portal.compare.views import size_class_label
from portal.core.formats import format_day, format_number, format_sek

NBSP = "\u00a0"


def nb(text: str) -> str:
    """`text` with each "~" a non-breaking space, as the pages write amounts and dates."""
    return text.replace("~", NBSP)


@pytest.mark.parametrize(
    ("locale", "sek", "per_head", "median", "day", "size"),
    [
        ("sv", "26~000~000~kr", "426,4~kr", "2,5", "12~mars~2024", "25~000–49~999 invånare"),
        ("en", "SEK~26,000,000", "SEK~426.4", "2.5", "Mar~12,~2024", "25,000–49,999 inhabitants"),
    ],
)
def test_formats_follow_the_language(app, locale, sek, per_head, median, day, size):
    with app.test_request_context(), force_locale(locale):
        assert size_class_label("25k-50k") == nb(size)
        assert format_sek(26_000_000) == nb(sek)
        assert format_sek(426.43, 1) == nb(per_head)
        assert format_number(2.5, 1) == median
        assert format_number(4, 1) == median.replace("2", "4").replace("5", "0")
        assert format_day(date(2024, 3, 12)) == nb(day)
        assert format_day("2024-03-12") == nb(day)
        assert format_sek(None) == format_number(None) == "–"


# What each page must show in each language; and what it must not (the other style).
PAGES = {
    "sv": {
        "compare": ["26~000~000~kr", "426,4~kr", "60~971"],
        "peers": ["1,0 → 2,0"],
        "plan": ["5~350~000~kr", "12~mars~2024", "1~apr.~2024 – 31~dec.~2025"],
    },
    "en": {
        "compare": ["SEK~26,000,000", "SEK~426.4", "60,971"],
        "peers": ["1.0 → 2.0"],
        "plan": ["SEK~5,350,000", "Mar~12,~2024", "Apr~1,~2024 – Dec~31,~2025"],
    },
}
WRONG = {"sv": r"\d\.\d|\d kr|\d{4}-\d\d-\d\d<", "en": r"\d,\d →|\d kr|\d{4}-\d\d-\d\d<"}


def test_comparison_peers_and_plan_pages_write_numbers_in_the_language(client, demo):
    urls = {
        "compare": f"/plans/compare?ids={demo['gotland']},{demo['exempelkommunen']}",
        "peers": f"/plans/compare/peers?id={demo['exempelkommunen']}",
        "plan": f"/plans/{demo['exempelkommunen']}",
    }
    for lang, page, url in [(lang, page, url) for lang in PAGES for page, url in urls.items()]:
        client.set_cookie("lang", lang)
        html = client.get(url).get_data(as_text=True)
        main = html[html.index("<main") : html.index("</main>")]
        for expected in PAGES[lang][page]:
            assert nb(expected) in main, (page, expected)
        # No amount breaks from "kr", no decimal point in Swedish, no ISO dates in text.
        text = re.sub(r"<[^>]+>", "<", main)
        assert not re.search(WRONG[lang], text), (page, re.search(WRONG[lang], text))
