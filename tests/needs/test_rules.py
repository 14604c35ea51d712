"""The rules of needs and supplier answers: kinds of organisations, uniqueness, history and lists."""

from __future__ import annotations

import re

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
from tests.content_fixtures import org, user


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_supplier_cannot_post_a_need_on_behalf_of_a_municipality(
    app, client, login_as, make_user, make_supplier
):
    slug = make_supplier()
    supplier_admin = make_user(member_of=slug, role="admin")
    login_as(supplier_admin)
    with app.app_context():
        vallentuna_id, supplier_id = org("vallentuna").id, org(slug).id
    data = {"title": "Behov", "description": "Text", "product_area": "gis"}
    response = client.post("/needs/new", data={**data, "organisation_id": vallentuna_id})
    assert response.status_code == 403
    # ... nor on its own behalf: needs come from municipalities and authorities.
    response = client.post("/needs/new", data={**data, "organisation_id": supplier_id})
    assert response.status_code == 422
    assert "kommuner och myndigheter" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AdaptationNeed)) == 0


def test_authority_editor_can_post_a_need(app, client, login_as, make_user):
    login_as(make_user(member_of="lantmateriet", role="editor"))
    with app.app_context():
        authority_id = org("lantmateriet").id
    response = client.post(
        "/needs/new",
        data={
            "organisation_id": authority_id,
            "title": "Stöd för NGP-leverans",
            "description": "Text",
            "product_area": "gis",
        },
    )
    assert response.status_code == 302


def test_municipality_cannot_answer_as_a_supplier(app, client, login_as, make_user, make_need):
    need_id = make_need("vallentuna")
    login_as(make_user(member_of="gotland", role="admin"))
    with app.app_context():
        gotland_id = org("gotland").id
    response = client.post(
        f"/needs/{need_id}/answers",
        data={"organisation_id": gotland_id, "product": "X", "support_status": "supported"},
    )
    assert response.status_code == 422
    assert "Endast systemleverantörer" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupplierAnswer)) == 0
        assert db.session.get(AdaptationNeed, need_id).status == NeedStatus.OPEN


def test_unverified_supplier_cannot_answer(
    app, client, login_as, make_user, make_need, make_supplier
):
    slug = make_supplier("Overifierad AB", verified=False)
    need_id = make_need()
    login_as(make_user(member_of=slug, role="admin"))
    with app.app_context():
        supplier_id = org(slug).id
    response = client.post(
        f"/needs/{need_id}/answers",
        data={"organisation_id": supplier_id, "product": "X", "support_status": "supported"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupplierAnswer)) == 0


def test_a_supplier_answers_once_then_edits(
    app, client, login_as, make_user, make_need, make_supplier
):
    slug = make_supplier()
    need_id = make_need()
    login_as(make_user(member_of=slug, role="member"))
    with app.app_context():
        supplier_id = org(slug).id
    data = {"organisation_id": supplier_id, "product": "X", "support_status": "supported"}
    assert client.post(f"/needs/{need_id}/answers", data=data).status_code == 302
    response = client.post(f"/needs/{need_id}/answers", data={**data, "product": "Y"})
    assert response.status_code == 422
    with app.app_context():
        assert list(db.session.scalars(select(SupplierAnswer.product))) == ["X"]


def test_an_organisation_backs_a_need_once(app, client, login_as, make_user, make_need):
    need_id = make_need("vallentuna")
    login_as(make_user(member_of="gotland", role="editor"))
    with app.app_context():
        gotland_id = org("gotland").id
    client.post(f"/needs/{need_id}/backings", data={"organisation_id": gotland_id})
    response = client.post(f"/needs/{need_id}/backings", data={"organisation_id": gotland_id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NeedBacking)) == 1
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "redan" in client.get(f"/needs/{need_id}").get_data(as_text=True) or "Gotland" in page


def test_second_editor_of_the_same_organisation_cannot_back_again(
    app, client, login_as, make_user, make_need
):
    need_id = make_need("vallentuna")
    first = make_user(member_of="gotland", role="editor")
    second = make_user(member_of="gotland", role="admin")
    with app.app_context():
        gotland_id = org("gotland").id
    login_as(first)
    client.post(f"/needs/{need_id}/backings", data={"organisation_id": gotland_id})
    login_as(second)
    client.post(f"/needs/{need_id}/backings", data={"organisation_id": gotland_id})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NeedBacking)) == 1


def test_an_organisation_cannot_back_its_own_need(app, client, login_as, make_user, make_need):
    need_id = make_need("vallentuna")
    login_as(make_user(member_of="vallentuna", role="admin"))
    with app.app_context():
        vallentuna_id = org("vallentuna").id
    client.post(f"/needs/{need_id}/backings", data={"organisation_id": vallentuna_id})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NeedBacking)) == 0


def test_a_supplier_may_back_a_need(app, client, login_as, make_user, make_need, make_supplier):
    slug = make_supplier()
    need_id = make_need()
    login_as(make_user(member_of=slug, role="editor"))
    with app.app_context():
        supplier_id = org(slug).id
    client.post(f"/needs/{need_id}/backings", data={"organisation_id": supplier_id})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NeedBacking)) == 1


def test_answer_versions_are_immutable(app, make_user, make_need, make_supplier):
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus

    slug = make_supplier()
    need_id = make_need()
    author = make_user(member_of=slug)
    with app.app_context():
        answer = need_services.answer_need(
            user(author),
            db.session.get(AdaptationNeed, need_id),
            org(slug),
            product="A",
            support_status=SupportStatus.PLANNED,
        )
        for status in (SupportStatus.SUPPORTED, SupportStatus.NOT_PLANNED):
            need_services.update_answer(user(author), answer, product="A", support_status=status)
        db.session.commit()
        versions = list(
            db.session.scalars(select(SupplierAnswerVersion).order_by(SupplierAnswerVersion.number))
        )
        assert [(v.number, v.support_status) for v in versions] == [
            (1, SupportStatus.PLANNED),
            (2, SupportStatus.SUPPORTED),
        ]
        versions[0].body = "changed"
        with pytest.raises(RuntimeError):
            db.session.flush()
        db.session.rollback()


def test_editing_an_answer_withdraws_its_acceptance(app, make_user, make_need, make_supplier):
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus

    slug = make_supplier()
    need_id = make_need("vallentuna")
    author = make_user(member_of=slug)
    owner = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        answer = need_services.answer_need(
            user(author), db.session.get(AdaptationNeed, need_id), org(slug),
            product="A", support_status=SupportStatus.PLANNED,
        )  # fmt: skip
        need_services.set_answer_accepted(user(owner), answer, True)
        need_services.update_answer(
            user(author), answer, product="A", support_status=SupportStatus.NOT_PLANNED
        )
        assert answer.accepted is False
        db.session.rollback()


def test_resolved_need_cannot_be_answered_or_backed(
    app, client, login_as, make_user, make_need, make_supplier
):
    slug = make_supplier()
    need_id = make_need("vallentuna")
    owner = make_user(member_of="vallentuna", role="editor")
    login_as(owner)
    assert client.post(f"/needs/{need_id}/status", data={"status": "resolved"}).status_code == 302
    with app.app_context():
        assert db.session.get(AdaptationNeed, need_id).status == NeedStatus.RESOLVED
    login_as(make_user(member_of=slug, role="editor"))
    with app.app_context():
        supplier_id = org(slug).id
    response = client.post(
        f"/needs/{need_id}/answers",
        data={"organisation_id": supplier_id, "product": "X", "support_status": "supported"},
    )
    assert response.status_code == 422
    backing = client.post(f"/needs/{need_id}/backings", data={"organisation_id": supplier_id})
    assert backing.status_code in (302, 422), backing.status_code
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupplierAnswer)) == 0
        assert db.session.scalar(select(func.count()).select_from(NeedBacking)) == 0


def test_reopening_an_answered_need_makes_it_answered_again(
    app, client, login_as, make_user, make_need, make_supplier
):
    slug = make_supplier()
    need_id = make_need("vallentuna")
    login_as(make_user(member_of=slug))
    with app.app_context():
        supplier_id = org(slug).id
    answered = client.post(
        f"/needs/{need_id}/answers",
        data={"organisation_id": supplier_id, "product": "X", "support_status": "supported"},
    )
    assert answered.status_code == 302

    def status() -> NeedStatus:
        with app.app_context():
            return db.session.get(AdaptationNeed, need_id).status

    assert status() == NeedStatus.ANSWERED
    login_as(make_user(member_of="vallentuna", role="editor"))
    assert client.post(f"/needs/{need_id}/status", data={"status": "closed"}).status_code == 302
    assert status() == NeedStatus.CLOSED
    assert client.post(f"/needs/{need_id}/status", data={"status": "open"}).status_code == 302
    # Asked to open, a need that has an answer is "answered", not "open".
    assert status() == NeedStatus.ANSWERED


def test_invalid_need_form_keeps_what_was_typed(app, client, login_as, make_user):
    login_as(make_user(member_of="vallentuna", role="editor"))
    with app.app_context():
        vallentuna_id = org("vallentuna").id
    response = client.post(
        "/needs/new",
        data={"organisation_id": vallentuna_id, "title": "", "description": "Min långa text"},
    )
    assert response.status_code == 422
    assert "Min långa text" in response.get_data(as_text=True)


def test_needs_sorted_by_backing_and_filtered(app, client, make_user, make_need):
    from portal.needs import services as need_services

    few = make_need("vallentuna", title="Lite stöd", standard="bfs-2020-5")
    many = make_need("gotland", title="Mycket stöd", standard="citygml")
    make_need("lantmateriet", title="Myndighetsbehov")
    backings = [("skr", few), ("skr", many), ("umea", many), ("lund", many)]
    editors = {slug: make_user(member_of=slug, role="editor") for slug, _ in backings}
    with app.app_context():
        for slug, need_id in backings:
            need = db.session.get(AdaptationNeed, need_id)
            need_services.back_need(user(editors[slug]), need, org(slug))
        db.session.commit()

    def order(query: str) -> list[str]:
        text = _text(client.get(f"/needs?{query}").get_data(as_text=True))
        found = [(text.find(t), t) for t in ("Lite stöd", "Mycket stöd", "Myndighetsbehov")]
        return [t for pos, t in sorted(found) if pos >= 0]

    assert order("sort=backed") == ["Mycket stöd", "Lite stöd", "Myndighetsbehov"]
    assert order("sort=newest") == ["Myndighetsbehov", "Mycket stöd", "Lite stöd"]
    assert order("standard=bfs-2020-5") == ["Lite stöd"]
    assert order("kind=authority") == ["Myndighetsbehov"]
    assert order("county=09") == ["Mycket stöd"]
    assert order("status=resolved") == []
    assert "3 organisationer" in _text(client.get("/needs").get_data(as_text=True))


def test_for_suppliers_shows_open_needs_most_backed_first_and_what_is_unanswered(
    app, client, login_as, make_user, make_need, make_supplier
):
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus

    slug = make_supplier()
    answered = make_need("vallentuna", title="Redan besvarat")
    backed = make_need("gotland", title="Populärt behov")
    closed = make_need("lund", title="Stängt behov")
    member = make_user(member_of=slug)
    editor = make_user(member_of="skr", role="editor")
    owner = make_user(member_of="lund", role="editor")
    with app.app_context():
        need_services.answer_need(
            user(member), db.session.get(AdaptationNeed, answered), org(slug),
            product="P", support_status=SupportStatus.SUPPORTED,
        )  # fmt: skip
        need_services.back_need(user(editor), db.session.get(AdaptationNeed, backed), org("skr"))
        need_services.change_need_status(
            user(owner), db.session.get(AdaptationNeed, closed), NeedStatus.CLOSED
        )
        db.session.commit()
    login_as(member)
    text = _text(client.get("/needs/for-suppliers").get_data(as_text=True))
    assert "Stängt behov" not in text
    assert text.find("Populärt behov") < text.find("Redan besvarat")
    assert re.search(r"Populärt behov .*? Inte besvarat ännu", text)
    text = _text(client.get("/needs/for-suppliers?unanswered=1").get_data(as_text=True))
    assert "Populärt behov" in text and "Redan besvarat" not in text


def test_organisation_page_lists_its_experiences_and_needs(client, make_experience, make_need):
    make_experience("vallentuna", title="Vallentunas lärdom")
    make_need("vallentuna", title="Vallentunas behov")
    make_need("gotland", title="Gotlands behov")
    html = client.get("/organizations/vallentuna").get_data(as_text=True)
    assert "Vallentunas lärdom" in html and "Vallentunas behov" in html
    assert "Gotlands behov" not in html


def test_supplier_page_lists_its_answers(app, client, make_user, make_need, make_supplier):
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus

    slug = make_supplier()
    need_id = make_need(title="Behov med svar")
    member = make_user(member_of=slug)
    with app.app_context():
        need_services.answer_need(
            user(member), db.session.get(AdaptationNeed, need_id), org(slug),
            product="Matris Plan", support_status=SupportStatus.PLANNED,
        )  # fmt: skip
        db.session.commit()
    text = _text(client.get(f"/organizations/{slug}").get_data(as_text=True))
    assert "Behov med svar Matris Plan Planerat" in text
