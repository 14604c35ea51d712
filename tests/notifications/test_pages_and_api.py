"""The notification list, the badge, the start page and the API: read and unread, marking,
pagination, the API's contract and bounded queries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.experiences import services as experiences
from portal.experiences.models import Experience
from portal.extensions import db
from portal.notifications.models import Notification
from tests.api.conftest import bearer


def comment_many(app, experience_id: int, authors: list[int]) -> None:
    """Comments by different people on one experience: one notification each for its author."""
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        for author in authors:
            experiences.add_comment(db.session.get(User, author), experience, "Bra text!")
        db.session.commit()


@pytest.fixture
def author_with_notifications(app, make_user, make_experience):
    """An author and a published experience of theirs with `n` comments by others."""

    def make(n: int) -> tuple[int, int]:
        author = make_user(member_of="vallentuna", role="member")
        experience_id = make_experience("vallentuna", author_id=author, title="Min lärdom")
        comment_many(app, experience_id, [make_user() for _ in range(n)])
        return author, experience_id

    return make


def unread_in_db(app, user_id: int) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                select(Notification).where(
                    Notification.user_id == user_id, Notification.read_at.is_(None)
                )
            ).all()
        )


def test_badge_list_open_and_mark_read(app, client, login_as, author_with_notifications):
    author, experience_id = author_with_notifications(3)
    login_as(author)
    page = client.get("/").get_data(as_text=True)
    assert (
        "(3 olästa aviseringar)" in page
        and '<span class="count-badge" aria-hidden="true">3<' in page
    )
    listing = client.get("/me/notifications").get_data(as_text=True)
    assert listing.count(">Ny kommentar på din erfarenhet ”Min lärdom”<") == 3
    assert listing.count(">Oläst</span>") == 3
    first = int(re.search(r"/me/notifications/(\d+)/open", listing).group(1))
    opened = client.post(f"/me/notifications/{first}/open")
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/experiences/{experience_id}"
    assert unread_in_db(app, author) == 2
    second = int(re.findall(r"/me/notifications/(\d+)/read", listing)[1])
    client.post(f"/me/notifications/{second}/read")
    assert unread_in_db(app, author) == 1
    assert "(1 oläst avisering)" in client.get("/me/notifications?unread=1").get_data(as_text=True)
    client.post("/me/notifications/read")
    assert unread_in_db(app, author) == 0
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "count-badge" not in page and ">Oläst</span>" not in page


def test_others_cannot_open_or_mark_my_notifications(
    app, client, login_as, make_user, author_with_notifications
):
    author, _experience = author_with_notifications(1)
    with app.app_context():
        mine = db.session.scalar(select(Notification.id))
    login_as(make_user())
    assert client.post(f"/me/notifications/{mine}/open").status_code == 404
    client.post(f"/me/notifications/{mine}/read")
    client.post("/me/notifications/read")
    assert unread_in_db(app, author) == 1


@pytest.mark.parametrize("url", ["/me/notifications", "/me/follows", "/start"])
def test_personal_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_login_lands_on_the_start_page_unless_next_is_given(app, client, make_user):
    from tests.conftest import PASSWORD

    make_user("start@example.com")
    data = {"email": "start@example.com", "password": PASSWORD}
    assert client.post("/auth/login", data=data).headers["Location"] == "/start"
    client.post("/auth/logout")
    assert client.post("/auth/login?next=/needs", data=data).headers["Location"] == "/needs"


def test_list_is_paginated(app, client, login_as, author_with_notifications):
    author, _experience = author_with_notifications(23)
    login_as(author)
    first = client.get("/me/notifications").get_data(as_text=True)
    assert first.count('class="notification unread"') == 20 and "Sida 1 av 2" in first
    second = client.get("/me/notifications?page=2").get_data(as_text=True)
    assert second.count('class="notification unread"') == 3


def test_a_hidden_subject_hides_its_notifications_everywhere(
    app, client, login_as, make_token, author_with_notifications
):
    author, experience_id = author_with_notifications(2)
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        experiences.unpublish_experience(db.session.get(User, author), experience)
        db.session.commit()
    login_as(author)
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "Min lärdom" not in page and "count-badge" not in page
    assert (
        "Min lärdom"
        not in client.get("/start")
        .get_data(as_text=True)
        .split("unread-heading")[1]
        .split("</section>")[0]
    )
    api = client.get("/api/v1/me/notifications", headers=bearer(make_token(author)))
    assert api.json["total"] == 0


# --- API ---------------------------------------------------------------------------------------


def test_api_notifications_contract(app, client, make_token, author_with_notifications):
    author, experience_id = author_with_notifications(3)
    headers = bearer(make_token(author, write=True))
    listing = client.get("/api/v1/me/notifications?per_page=2", headers=headers)
    assert listing.status_code == 200
    assert listing.json["total"] == 3 and listing.json["per_page"] == 2
    assert 'rel="next"' in listing.headers["Link"]
    item = listing.json["items"][0]
    assert set(item) == {"id", "kind", "title", "url", "read", "created_at"}
    assert item["kind"] == "experience_commented" and item["read"] is False
    assert item["url"] == f"/experiences/{experience_id}"
    english = client.get(
        "/api/v1/me/notifications", headers={**headers, "Accept-Language": "en"}
    ).json["items"][0]["title"]
    assert english == "New comment on your experience “Min lärdom”"
    marked = client.post(
        "/api/v1/me/notifications/read", json={"ids": [item["id"]]}, headers=headers
    )
    assert marked.status_code == 200 and marked.json == {"marked": 1}
    unread = client.get("/api/v1/me/notifications?unread=true", headers=headers).json
    assert unread["total"] == 2
    assert client.post("/api/v1/me/notifications/read", json={}, headers=headers).json == {
        "marked": 2
    }
    assert client.get("/api/v1/me/notifications?unread=true", headers=headers).json["total"] == 0


def test_api_notifications_need_a_user_and_touch_only_ones_own(
    app, client, make_user, make_token, author_with_notifications
):
    author, _experience = author_with_notifications(1)
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.post("/api/v1/me/notifications/read", json={}).status_code == 401
    with app.app_context():
        mine = db.session.scalar(select(Notification.id))
    other = bearer(make_token(make_user(), write=True))
    assert client.get("/api/v1/me/notifications", headers=other).json["total"] == 0
    marked = client.post("/api/v1/me/notifications/read", json={"ids": [mine]}, headers=other)
    assert marked.json == {"marked": 0}
    assert unread_in_db(app, author) == 1
    read_only = bearer(make_token(author))
    assert (
        client.post("/api/v1/me/notifications/read", json={}, headers=read_only).status_code == 403
    )


def test_patch_me_takes_email_notifications_without_a_name(client, make_user, make_token):
    headers = bearer(make_token(make_user(name="Anna"), write=True))
    assert client.get("/api/v1/me", headers=headers).json["email_notifications"] == "daily"
    changed = client.patch("/api/v1/me", json={"email_notifications": "weekly"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json["email_notifications"] == "weekly" and changed.json["name"] == "Anna"
    assert (
        client.patch(
            "/api/v1/me", json={"email_notifications": "hourly"}, headers=headers
        ).status_code
        == 422
    )
    renamed = client.patch("/api/v1/me", json={"name": "Anna B"}, headers=headers)
    assert renamed.json["name"] == "Anna B" and renamed.json["email_notifications"] == "weekly"


def test_profile_page_chooses_email_notifications(app, client, login_as, make_user):
    user_id = make_user(name="Anna")
    login_as(user_id)
    page = client.get("/account").get_data(as_text=True)
    assert "Skicka mina aviseringar med e-post" in page
    response = client.post("/account", data={"name": "Anna", "email_notifications": "never"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).email_notifications == "never"
    refused = client.post("/account", data={"name": "Anna", "email_notifications": "hourly"})
    assert refused.status_code == 422


# --- the start page ----------------------------------------------------------------------------


def test_start_page_shows_drafts_needs_answers_unread_and_follows(
    app, client, login_as, make_user, make_plan, make_need, make_supplier, make_experience
):
    from portal.follows import services as follows
    from portal.needs import services as needs
    from portal.needs.models import AdaptationNeed, SupportStatus
    from tests.content_fixtures import org, user

    editor = make_user(member_of="vallentuna", role="editor")
    make_plan("vallentuna", status="draft", title="Vårt utkast")
    make_plan("gotland", status="draft", title="Gotlands utkast")
    need_id = make_need("vallentuna", title="Vårt behov")
    supplier = make_supplier("Svar AB")
    with app.app_context():
        needs.answer_need(
            user(make_user(member_of=supplier)),
            db.session.get(AdaptationNeed, need_id),
            org(supplier),
            product="Karta Pro",
            support_status=SupportStatus.SUPPORTED,
        )
        follows.follow(user(editor), "organization", "gotland")
        db.session.commit()
    make_plan("gotland", title="Gotlands nya plan")
    make_experience("gotland", publish=False, title="Gotlands hemliga lärdom")
    login_as(editor)
    page = client.get("/start").get_data(as_text=True)
    assert "Vårt utkast" in page and "Gotlands utkast" not in page
    assert "Vårt behov" in page and "Svar från Svar AB: Karta Pro" in page
    assert "Svar AB svarade på behovet ”Vårt behov”" in page  # unread notification
    assert "Gotlands nya plan" in page  # new in what I follow
    assert "Gotlands hemliga lärdom" not in page


def populate_notifications(app, user_id: int, n: int, make_user, make_experience) -> None:
    """n notifications of each kind of subject for the user: comments, needs, plans."""
    from portal.follows import services as follows
    from portal.needs import services as needs
    from tests.content_fixtures import org, user

    experience_id = make_experience("vallentuna", author_id=user_id, title=f"Lärdom {n}")
    comment_many(app, experience_id, [make_user() for _ in range(n)])
    poster = make_user(member_of="gotland", role="editor")
    with app.app_context():
        follows.follow(user(user_id), "organization", "gotland")
        follows.follow(user(user_id), "standard", "citygml")
        from portal.standards.models import Standard

        citygml = db.session.scalar(select(Standard.id).where(Standard.slug == "citygml"))
        for i in range(n):
            needs.post_need(
                user(poster), org("gotland"), title=f"Behov {n}-{i}", description="x",
                standard_id=citygml,
            )  # fmt: skip
        db.session.commit()


def test_notification_list_and_start_page_issue_a_bounded_number_of_queries(
    app, client, login_as, make_user, make_experience, make_plan, count_queries
):
    viewer = make_user(member_of="vallentuna", role="editor")
    login_as(viewer)
    counts = []
    for n in (2, 8):
        populate_notifications(app, viewer, n, make_user, make_experience)
        for _ in range(n):
            make_plan("gotland", title=f"Plan {n}")
            make_plan("vallentuna", status="draft", title=f"Utkast {n}")
        found = []
        for url in ("/me/notifications", "/start", "/api/v1/me/notifications", "/me/follows"):
            with count_queries() as log:
                assert client.get(url).status_code == 200
            found.append(log.count)
        counts.append(found)
    # The same for little and much, but for the subjects' loads: one query per kind of subject
    # among the notifications shown (plans, needs, experiences, ...), whatever their number.
    assert all(large <= small for small, large in zip(*counts, strict=True)), counts
    assert max(counts[1]) <= 20, counts
