"""The server-rendered charts: SVG with a title and a description, an accessible palette, and
numbers that match the data (the API's view of the same plans)."""

from __future__ import annotations

import re

from portal.core.charts import BACKGROUND, MIN_CONTRAST, PALETTE, contrast


def test_palette_contrasts_with_the_background_and_between_colours():
    data_colours = [PALETTE["dark"], PALETTE["mid"]]
    for colour in data_colours:
        assert contrast(colour, BACKGROUND) >= MIN_CONTRAST, colour
    assert contrast(*data_colours) >= MIN_CONTRAST
    with open("portal/static/css/charts.css", encoding="utf-8") as fh:
        css = fh.read()
    assert all(colour in css for colour in data_colours)  # the legend's swatches


def svg(html: str, cls: str) -> str:
    match = re.search(rf'<svg class="{cls}".*?</svg>', html, re.S)
    assert match, cls
    chart = match.group(0)
    title = re.search(r'aria-labelledby="([^ "]+) ([^"]+)"', chart)
    assert f'<title id="{title.group(1)}">' in chart and f'<desc id="{title.group(2)}">' in chart
    assert 'role="img"' in chart or 'role="group"' in chart  # a group where it holds links
    return chart


def test_charts_are_svg_with_text_alternatives_and_the_data(client, demo):
    ids = f"{demo['gotland']},{demo['exempelkommunen']}"
    api = client.get(f"/api/v1/plans/compare?ids={ids}").json

    # The plan's maturity chart: one bar per level, as long as the level says.
    exempel = client.get(f"/api/v1/plans/{demo['exempelkommunen']}").json
    chart = svg(
        client.get(f"/plans/{demo['exempelkommunen']}").get_data(as_text=True), "maturity-chart"
    )
    levels = [int(v) for v in re.findall(r'data-level="(\d)"', chart)]
    expected = [v for m in exempel["maturity"] for v in (m["current"], m["target"])]
    assert levels == expected

    # The comparison's timeline: one bar per step with its status and dates; no "■" left.
    html = client.get(f"/plans/compare?ids={ids}").get_data(as_text=True)
    chart = svg(html, "timeline-chart")
    bars = re.findall(r'data-status="(\w+)" data-start="([\d-]+)" data-end="([\d-]+)"', chart)
    steps = [
        (s["status"], s["start_date"], s["end_date"]) for p in api["plans"] for s in p["steps"]
    ]
    assert bars == steps and "■" not in html
    assert "<details" in html and steps[0][1][:4] in chart  # the table, and the years axis

    # The plans page's county map: 21 tiles, each linking to its county's plans.
    html = client.get("/plans").get_data(as_text=True)
    chart = svg(html, "county-map")
    tiles = re.findall(
        r'<a href="/plans\?county=(\d\d)&amp;kind=municipality"[^>]*data-with-plan="(\d+)" '
        r'data-municipalities="(\d+)"',
        chart,
    )
    assert len(tiles) == 21
    counts = {code: (int(n), int(m)) for code, n, m in tiles}
    assert counts["09"] == (1, 1)  # Gotland, the only municipality in its county
    assert counts["01"] == (1, 26)  # Vallentuna among Stockholms läns 26
    assert sum(m for _n, m in counts.values()) == 290
    assert client.get("/plans?county=09").get_data(as_text=True).count('class="county-map"') == 0
