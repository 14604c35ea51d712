"""Who may attach and delete files, through the pages and the API, for every kind of actor.

The plan is a draft of Vallentuna (404 to those who may not see it); the experience is
published (so outsiders see it and are refused with 403). The database is checked afterwards,
so a route that forgot the service's permission check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.attachments.models import Attachment
from portal.extensions import db
from tests.attachments import files
from tests.attachments.conftest import bearer, multipart
from tests.content_fixtures import ACTORS, act_as

WRITERS = {"editor", "org_admin", "site_admin"}
OWNERS = ["plans", "experiences"]


@pytest.fixture
def owner(make_plan, make_experience):
    """The id of a draft plan or a published experience of Vallentuna, by kind."""

    def make(kind: str) -> int:
        return make_plan(status="draft") if kind == "plans" else make_experience()

    return make


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


def seed_attachment(app, kind: str, owner_id: int, site_admin_id: int) -> int:
    """Attach a PDF through the service, as a site admin; return its id."""
    from portal.accounts.models import User
    from portal.attachments import services

    with app.app_context():
        owners = services.OWNERS[kind]
        actor = db.session.get(User, site_admin_id)
        attachment = services.add_attachment(
            actor,
            owners,
            owners.load(actor, owner_id),
            services.Upload("beslut.pdf", files.pdf("Beslut")),
        )
        db.session.commit()
        return attachment.id


def expect_refusal_status(kind: str, actor: str, *, api: bool) -> int:
    if actor == "anonymous":
        return 401 if api else 302
    if actor == "other_org_member" and kind == "plans":
        return 404  # a draft: not even there for them
    return 403


# Each write, by channel: (request, status when allowed, files stored before and after it).
WRITES = {
    ("upload", "browser"): ("POST /{kind}/{id}/attachments", 302, 0, 1),
    ("upload", "api"): ("POST /api/v1/{kind}/{id}/attachments", 201, 0, 1),
    ("delete", "browser"): ("POST /{kind}/{id}/attachments/{file}/delete", 302, 1, 0),
    ("delete", "api"): ("DELETE /api/v1/{kind}/{id}/attachments/{file}", 204, 1, 0),
}


@pytest.mark.parametrize(("write", "channel"), list(WRITES), ids="-".join)
@pytest.mark.parametrize("kind", OWNERS)
@pytest.mark.parametrize("actor", ACTORS)
def test_attachment_write(
    app, client, login_as, make_token, vallentuna_people, owner, kind, actor, write, channel
):
    request, allowed_status, before, after = WRITES[(write, channel)]
    owner_id = owner(kind)
    file_id = 0
    if before:
        file_id = seed_attachment(app, kind, owner_id, vallentuna_people["site_admin"])
    api = channel == "api"
    headers = {}
    if api and actor != "anonymous":
        headers = bearer(make_token(vallentuna_people[actor], write=True))
    elif not api:
        act_as(login_as, vallentuna_people, actor)
    method, url = request.format(kind=kind, id=owner_id, file=file_id).split(" ")
    body = multipart("beslut.pdf", files.pdf("Beslut")) if write == "upload" else {}
    response = client.open(url, method=method, headers=headers, **body)
    if actor in WRITERS:
        assert response.status_code == allowed_status
        assert stored(app) == after
    else:
        assert response.status_code == expect_refusal_status(kind, actor, api=api)
        assert stored(app) == before


def test_the_author_of_an_experience_may_attach_to_it(
    app, client, make_user, make_experience, login_as
):
    author = make_user(member_of="vallentuna", role="member")
    experience_id = make_experience(author_id=author)
    login_as(author)
    response = client.post(
        f"/experiences/{experience_id}/attachments", **multipart("a.pdf", files.pdf())
    )
    assert response.status_code == 302
    assert stored(app) == 1


@pytest.mark.parametrize("actor", ["member", "editor"])
def test_the_upload_form_is_offered_only_to_editors(
    app, client, login_as, vallentuna_people, make_plan, actor
):
    plan_id = make_plan(status="draft")
    login_as(vallentuna_people[actor])
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert (f"/plans/{plan_id}/edit#attachments" in page) == (actor == "editor")
