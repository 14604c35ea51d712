"""Every write on needs and supplier answers, tried by every kind of actor through the HTTP pages.

Actors are relative to the organisation whose right is at stake: a member, an editor and an
admin of it, an admin of another organisation, a site admin and an anonymous visitor. The
resulting state is checked in the database, so a view whose service forgot a permission
check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    SupplierAnswer,
    SupplierAnswerVersion,
)
from tests.content_fixtures import ACTORS, act_as, assert_refused, org, user

EDITORS = {"editor", "org_admin", "site_admin"}
MEMBERS = {"member", "editor", "org_admin", "site_admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_post_need(app, client, login_as, people, actor):
    users = people("vallentuna")
    act_as(login_as, users, actor)
    with app.app_context():
        vallentuna_id = org("vallentuna").id
    response = client.post(
        "/needs/new",
        data={
            "organisation_id": vallentuna_id,
            "title": "Bestämmelsekoder i planverktyget",
            "description": "Behövs för BFS 2020:5.",
            "product_area": "detailed_plan",
            "desired_by": "2027-06-30",
        },
    )
    with app.app_context():
        need = db.session.scalar(select(AdaptationNeed))
        if actor in EDITORS:
            assert response.status_code == 302
            assert need.organisation.slug == "vallentuna" and need.status == NeedStatus.OPEN
        else:
            assert_refused(response, actor)
            assert need is None


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_need(app, client, login_as, people, make_need, actor):
    users = people("vallentuna")
    need_id = make_need("vallentuna")
    act_as(login_as, users, actor)
    response = client.post(
        f"/needs/{need_id}/edit",
        data={"title": "Ändrad", "description": "Ändrad text", "product_area": "gis"},
    )
    with app.app_context():
        title = db.session.get(AdaptationNeed, need_id).title
    if actor in EDITORS:
        assert response.status_code == 302 and title == "Ändrad"
    else:
        assert_refused(response, actor)
        assert title == "Export av detaljplaner"


@pytest.mark.parametrize("status", ["resolved", "closed"])
@pytest.mark.parametrize("actor", ACTORS)
def test_resolve_or_close_need(app, client, login_as, people, make_need, actor, status):
    users = people("vallentuna")
    need_id = make_need("vallentuna")
    act_as(login_as, users, actor)
    response = client.post(f"/needs/{need_id}/status", data={"status": status})
    with app.app_context():
        current = db.session.get(AdaptationNeed, need_id).status
    if actor in EDITORS:
        assert current == NeedStatus(status)
    else:
        assert_refused(response, actor)
        assert current == NeedStatus.OPEN


@pytest.mark.parametrize("actor", ACTORS)
def test_back_need(app, client, login_as, people, make_need, actor):
    """Vallentuna's people try to back Sollentuna's need on Vallentuna's behalf."""
    users = people("vallentuna")
    need_id = make_need("sollentuna")
    act_as(login_as, users, actor)
    with app.app_context():
        vallentuna_id = org("vallentuna").id
    response = client.post(f"/needs/{need_id}/backings", data={"organisation_id": vallentuna_id})
    with app.app_context():
        backers = list(db.session.scalars(select(NeedBacking.organisation_id)))
    if actor in EDITORS:
        assert response.status_code == 302 and backers == [vallentuna_id]
    else:
        assert_refused(response, actor)
        assert backers == []


@pytest.mark.parametrize("actor", ACTORS)
def test_unback_need(app, client, login_as, people, make_need, make_user, actor):
    users = people("vallentuna")
    need_id = make_need("sollentuna")
    backer = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        from portal.needs import services as need_services

        vallentuna_id = org("vallentuna").id
        need_services.back_need(
            user(backer), db.session.get(AdaptationNeed, need_id), org("vallentuna")
        )
        db.session.commit()
    act_as(login_as, users, actor)
    response = client.post(f"/needs/{need_id}/backings/{vallentuna_id}/remove")
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(NeedBacking))
    if actor in EDITORS:
        assert count == 0
    else:
        assert_refused(response, actor)
        assert count == 1


# --- supplier answers ------------------------------------------------------------------------


def _answer_data(supplier_id: int, **extra) -> dict:
    return {
        "organisation_id": supplier_id,
        "product": "Matris Plan",
        "support_status": "planned",
        "available_from": "2027-03-01",
        "body": "Kommer i version 5.",
        **extra,
    }


@pytest.mark.parametrize("actor", ACTORS)
def test_answer_need(app, client, login_as, people, make_need, make_supplier, actor):
    slug = make_supplier()
    users = people(slug)
    need_id = make_need("vallentuna")
    act_as(login_as, users, actor)
    with app.app_context():
        supplier_id = org(slug).id
    response = client.post(f"/needs/{need_id}/answers", data=_answer_data(supplier_id))
    with app.app_context():
        answers = list(db.session.scalars(select(SupplierAnswer)))
        status = db.session.get(AdaptationNeed, need_id).status
    if actor in MEMBERS:
        assert response.status_code == 302
        assert [a.organisation_id for a in answers] == [supplier_id]
        assert status == NeedStatus.ANSWERED
    else:
        assert_refused(response, actor)
        assert answers == [] and status == NeedStatus.OPEN


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_answer_keeps_history(
    app, client, login_as, people, make_need, make_supplier, make_answer, actor
):
    slug = make_supplier()
    users = people(slug)
    need_id = make_need("vallentuna")
    answer_id = make_answer(need_id, slug)
    act_as(login_as, users, actor)
    response = client.post(
        f"/needs/{need_id}/answers/{answer_id}/edit",
        data={
            "product": "Matris Plan",
            "support_status": "planned",
            "available_from": "2027-03-01",
        },
    )
    with app.app_context():
        answer = db.session.get(SupplierAnswer, answer_id)
        versions = list(db.session.scalars(select(SupplierAnswerVersion)))
        if actor in MEMBERS:
            assert response.status_code == 302
            assert answer.support_status.value == "planned"
            assert [(v.number, v.support_status.value, v.body) for v in versions] == [
                (1, "under_consideration", "Vi utreder.")
            ]
        else:
            assert_refused(response, actor)
            assert answer.support_status.value == "under_consideration" and versions == []
    if actor in MEMBERS:
        html = client.get(f"/needs/{need_id}").get_data(as_text=True)
        assert "Vi utreder." in html  # the earlier version is shown


@pytest.mark.parametrize("actor", ACTORS)
def test_accept_answer(app, client, login_as, people, make_need, make_supplier, make_answer, actor):
    users = people("vallentuna")
    need_id = make_need("vallentuna")
    answer_id = make_answer(need_id, make_supplier())
    act_as(login_as, users, actor)
    response = client.post(f"/needs/{need_id}/answers/{answer_id}/accept", data={"accepted": "1"})
    with app.app_context():
        accepted = db.session.get(SupplierAnswer, answer_id).accepted
    if actor in EDITORS:
        assert accepted
    else:
        assert_refused(response, actor)
        assert not accepted
