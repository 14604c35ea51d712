"""The Atom feeds (/feeds/*.atom), read as a feed reader would: parsed with feedparser, every
entry checked for an id, a date, an author and an absolute link, and nothing in them that an
anonymous visitor may not see (drafts, unpublished experiences, working copies)."""

from __future__ import annotations

import re

import feedparser
import pytest
from sqlalchemy import select

from portal.experiences import services as experience_services
from portal.extensions import db
from portal.feeds.services import LIMIT
from portal.needs.models import AdaptationNeed
from tests.content_fixtures import user

SITE, NEEDS = "/feeds/all.atom", "/feeds/needs.atom"
ORG, STANDARD = "/feeds/organizations/{}.atom", "/feeds/standards/{}.atom"
PUBLIC_TITLES = ["Offentlig plan", "Delad lärdom", "Behov av export", "Svar om export"]
HIDDEN_TITLES = ["Hemligt utkast", "Opublicerad lärdom", "Tillbakadragen lärdom"]


def read(client, url: str, **headers) -> feedparser.FeedParserDict:
    """Fetch a feed that must answer 200 as Atom and parse cleanly."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


def assert_valid(parsed: feedparser.FeedParserDict) -> None:
    """What Atom requires and the portal promises: ids, dates, authors, absolute links."""
    feed = parsed.feed
    assert feed.id.startswith("http://localhost/feeds/")
    assert feed.title and feed.updated_parsed
    assert {link.rel for link in feed.links} == {"alternate", "self"}
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids))
    for entry in parsed.entries:
        assert entry.id.startswith("http://localhost/")
        assert entry.title and entry.updated_parsed and entry.published_parsed
        assert entry.author_detail.name
        assert entry.author_detail.href.startswith("http://localhost/organizations/")
        assert entry.link.startswith("http://localhost/") and entry.link == entry.id
        assert entry.tags[0].term in {"plan", "experience", "need", "answer"}


@pytest.fixture
def world(
    app, make_plan, make_experience, make_need, make_supplier, make_answer, make_user
) -> dict:
    """Public and hidden content of Vallentuna about CityGML, and a supplier's answer."""
    make_plan("vallentuna", title="Offentlig plan", standards=["citygml"])
    make_plan("vallentuna", status="draft", title="Hemligt utkast", standards=["citygml"])
    make_experience("vallentuna", title="Delad lärdom", standards=["citygml"])
    make_experience("vallentuna", title="Opublicerad lärdom", publish=False, standards=["citygml"])
    withdrawn = make_experience("vallentuna", title="Tillbakadragen lärdom", standards=["citygml"])
    need_id = make_need("vallentuna", standard="citygml", title="Behov av export")
    supplier = make_supplier("Matris AB")
    answer = make_answer(need_id, supplier, product="Svar om export", body="Vi *planerar* det.")
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        experience_services.unpublish_experience(
            user(editor), db.session.get(experience_services.Experience, withdrawn)
        )
        db.session.commit()
    return {"need": need_id, "answer": answer, "supplier": supplier}


def feed_urls(world: dict) -> list[str]:
    return [
        SITE,
        NEEDS,
        ORG.format("vallentuna"),
        ORG.format("0115"),
        ORG.format(world["supplier"]),
        STANDARD.format("citygml"),
    ]


def test_every_feed_is_valid_atom_with_only_public_content(client, world):
    for url in feed_urls(world):
        response = client.get(url)
        parsed = read(client, url)
        assert_valid(parsed)
        text = response.get_data(as_text=True)
        for hidden in HIDDEN_TITLES:
            assert hidden not in text, (url, hidden)


def test_site_feed_carries_each_kind_of_public_content(client, world):
    parsed = read(client, SITE)
    titles = " | ".join(entry.title for entry in parsed.entries)
    for title in ["Offentlig plan", "Delad lärdom", "Behov av export"]:
        assert title in titles
    answer = next(e for e in parsed.entries if e.tags[0].term == "answer")
    assert answer.link == f"http://localhost/needs/{world['need']}#answer-{world['answer']}"
    assert answer.author_detail.name == "Matris AB"
    assert "Svar om export" in answer.summary and "*" not in answer.summary
    # The newest change comes first, and the feed's date is that of its newest entry.
    updated = [entry.updated_parsed for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert parsed.feed.updated_parsed == updated[0]


def test_needs_feed_has_needs_and_answers_only(client, world):
    kinds = {entry.tags[0].term for entry in read(client, NEEDS).entries}
    assert kinds == {"need", "answer"}


def test_organisation_feed_has_only_what_it_published(client, world, make_plan):
    make_plan("gotland", title="Gotlands plan")
    vallentuna = read(client, ORG.format("vallentuna"))
    assert {e.author_detail.name for e in vallentuna.entries} == {"Vallentuna"}
    assert vallentuna.feed.author_detail.name == "Vallentuna"
    assert vallentuna.feed.link == "http://localhost/organizations/vallentuna"
    assert not any("Gotlands plan" in e.title for e in vallentuna.entries)
    supplier = read(client, ORG.format(world["supplier"]))
    assert [e.tags[0].term for e in supplier.entries] == ["answer"]


def test_standard_feed_has_only_what_is_about_it(client, world, make_plan, make_need):
    make_plan("gotland", title="Plan utan standard")
    make_need("gotland", title="Behov utan standard")
    parsed = read(client, STANDARD.format("citygml"))
    titles = " | ".join(entry.title for entry in parsed.entries)
    for title in PUBLIC_TITLES[:3]:
        assert title in titles
    assert "utan standard" not in titles
    assert {e.tags[0].term for e in parsed.entries} == {"plan", "experience", "need", "answer"}


def test_a_plan_taken_back_to_draft_leaves_the_feeds(app, client, make_plan, make_user):
    from portal.plans import services as plan_services
    from portal.plans.models import Plan

    plan_id = make_plan("vallentuna", title="Plan som dras tillbaka")
    assert "Plan som dras tillbaka" in client.get(SITE).get_data(as_text=True)
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        plan_services.reopen_plan(user(editor), db.session.get(Plan, plan_id))
        db.session.commit()
        still_public = db.session.get(Plan, plan_id).status.value != "draft"
    if not still_public:  # a working copy beside the published plan keeps it public instead
        assert "Plan som dras tillbaka" not in client.get(SITE).get_data(as_text=True)


def test_feeds_speak_the_readers_language(client, world):
    swedish = read(client, SITE)
    english = read(client, SITE, **{"Accept-Language": "en"})
    assert swedish.feed.language == "sv" and english.feed.language == "en"
    assert any(e.title.startswith("Handlingsplan: ") for e in swedish.entries)
    assert any(e.title.startswith("Action plan: ") for e in english.entries)
    assert english.feed.title == "News from the portal"


def test_an_empty_feed_is_still_valid(client):
    parsed = read(client, ORG.format("gotland"))
    assert_valid(parsed)
    assert parsed.entries == []


def test_unknown_organisation_or_standard_is_404(client):
    assert client.get(ORG.format("ingen-sadan")).status_code == 404
    assert client.get(STANDARD.format("ingen-sadan")).status_code == 404


def test_feeds_answer_304_when_nothing_changed(client, world, make_need):
    first = client.get(SITE)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(SITE, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    since = client.get(SITE, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    make_need("vallentuna", title="Ett nytt behov")
    changed = client.get(SITE, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_pages_announce_and_link_their_feeds(client, world):
    pages = {
        "/": SITE,
        "/organizations/vallentuna": ORG.format("vallentuna"),
        "/standards/citygml": STANDARD.format("citygml"),
        "/needs": NEEDS,
    }
    for page, feed in pages.items():
        html = client.get(page).get_data(as_text=True)
        announced = re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">',
            html,
        )
        assert feed in announced and SITE in announced, (page, announced)
        assert f'class="feed-link" href="{feed}"' in html, (page, feed)


def test_a_feed_is_bounded_in_entries_and_queries(app, client, count_queries, make_user):
    from tests.content_fixtures import populate

    viewer = make_user(member_of="vallentuna", role="admin")

    def queries(url: str) -> int:
        with count_queries() as log:
            read(client, url)
        return log.count

    populate(app, 2, viewer)
    small = {url: queries(url) for url in (SITE, NEEDS, STANDARD.format("citygml"))}
    populate(app, 9, viewer)
    for url, count in small.items():
        assert queries(url) == count <= 10, url
    with app.app_context():
        many = db.session.scalar(select(db.func.count(AdaptationNeed.id)))
    assert many > 10
    assert len(read(client, SITE).entries) <= LIMIT


def test_feed_links_follow_the_proxy_host(client, world):
    parsed = read(client, SITE, Host="portal.example.se")
    assert parsed.feed.id == "http://portal.example.se/feeds/all.atom"
    assert all(e.id.startswith("http://portal.example.se/") for e in parsed.entries)
