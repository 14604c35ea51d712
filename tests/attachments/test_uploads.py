"""Uploading, listing, serving and deleting attachments through the API and the pages."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from portal.attachments.models import Attachment
from portal.extensions import db
from tests.attachments import files
from tests.attachments.conftest import bearer, multipart


def count_attachments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


@pytest.fixture
def editor_token(vallentuna_people, make_token) -> dict[str, str]:
    return bearer(make_token(vallentuna_people["editor"], write=True))


@pytest.mark.parametrize(("name", "data", "content_type"), files.ALLOWED, ids=lambda v: str(v)[:12])
def test_each_allowed_type_is_attached_to_a_draft_plan(
    app, client, make_plan, editor_token, name, data, content_type
):
    plan_id = make_plan(status="draft")
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart(name, data, title="Bilaga"),
        headers=editor_token,
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["filename"] == name
    assert body["title"] == "Bilaga"
    assert body["content_type"] == content_type
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    plan = client.get(f"/api/v1/plans/{plan_id}", headers=editor_token).json
    assert plan["attachments"] == [body]
    served = client.get(body["url"], headers=editor_token)
    assert served.status_code == 200
    assert served.data == data
    assert served.headers["Content-Type"] == content_type


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("plan.pdf", b"<!doctype html><html><body>Not a PDF</body></html>", 422),
        ("plan.docx", files.zip_bomb(), 422),
        ("karta.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, 422),
        ("plan.docx", files.docx_without_parts(), 422),
        ("notes.txt", b"just text", 415),
        ("bild.gif", b"GIF89a\x01\x00\x01\x00", 415),
    ],
    ids=["html-named-pdf", "zip-bomb", "png-garbage", "docx-without-parts", "text", "gif"],
)
def test_disguised_files_are_refused_and_nothing_is_stored(
    app, client, make_plan, editor_token, name, data, status
):
    plan_id = make_plan(status="draft")
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart(name, data),
        headers={**editor_token, "Accept-Language": "sv"},
    )
    assert response.status_code == status, response.json
    assert response.json["code"] == status
    assert response.json["message"]
    assert "file" in response.json["errors"]
    assert count_attachments(app) == 0


def test_the_client_content_type_is_not_believed(app, client, make_plan, editor_token):
    plan_id = make_plan(status="draft")
    body = multipart("x.pdf", b"<html></html>")
    assert b"Content-Type: application/pdf" in body["data"]
    response = client.post(f"/api/v1/plans/{plan_id}/attachments", **body, headers=editor_token)
    assert response.status_code == 422
    assert count_attachments(app) == 0


def test_an_oversized_file_is_413_with_a_clear_message(
    app, client, make_plan, editor_token, monkeypatch
):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_MB", 1)
    plan_id = make_plan(status="draft")
    big = files.pdf("Stor") + b"%" * (1024 * 1024)
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart("stor.pdf", big),
        headers=editor_token,
    )
    assert response.status_code == 413
    assert "1 MB" in response.json["message"]
    # Beyond even the upload route's body limit: still the attachment's clear message.
    huge = b"%PDF-" + b"0" * (3 * 1024 * 1024)
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart("jätte.pdf", huge),
        headers=editor_token,
    )
    assert response.status_code == 413
    assert "1 MB" in response.json["message"]
    assert count_attachments(app) == 0


def test_upload_routes_take_more_than_max_content_length_and_other_routes_do_not(
    app, client, make_plan, editor_token
):
    plan_id = make_plan(status="draft")
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024
    pdf = files.pdf("Stor") + b"%" * (3 * 1024 * 1024)
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart("stor.pdf", pdf),
        headers=editor_token,
    )
    assert response.status_code == 201, response.json
    response = client.patch(
        f"/api/v1/plans/{plan_id}",
        data=b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        headers={**editor_token, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_oversized_file_in_the_browser_is_a_message_on_the_edit_page(
    app, client, make_plan, login_as, vallentuna_people, monkeypatch
):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_MB", 1)
    plan_id = make_plan(status="draft")
    login_as(vallentuna_people["editor"])
    for size in (1024 * 1024 + 10, 3 * 1024 * 1024):
        big = files.pdf("Stor") + b"%" * size
        response = client.post(
            f"/plans/{plan_id}/attachments",
            **multipart("stor.pdf", big),
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/plans/{plan_id}/edit#attachments")
        page = client.get(f"/plans/{plan_id}/edit", follow_redirects=True).get_data(as_text=True)
        assert "larger than 1 MB" in page or "större än 1 MB" in page
    assert count_attachments(app) == 0


def test_browser_upload_lists_the_file_with_its_swedish_size(
    app, client, make_plan, login_as, vallentuna_people
):
    plan_id = make_plan(status="draft")
    login_as(vallentuna_people["editor"])
    data = files.pdf("Beslut") + b"%" * (1200 * 1024)
    response = client.post(
        f"/plans/{plan_id}/attachments", **multipart("Beslut KS.pdf", data, title="Antagen plan")
    )
    assert response.status_code == 302
    edit = client.get(f"/plans/{plan_id}/edit", follow_redirects=True).get_data(as_text=True)
    assert "Beslut KS.pdf" in edit and "Antagen plan" in edit
    show = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Antagen plan" in show and "Beslut KS.pdf" in show
    assert "1,2\u00a0MB" in show and "PDF" in show


def test_a_refused_browser_upload_says_why_next_to_the_form(
    app, client, make_plan, login_as, vallentuna_people
):
    plan_id = make_plan(status="draft")
    login_as(vallentuna_people["editor"])
    response = client.post(
        f"/plans/{plan_id}/attachments", **multipart("plan.pdf", b"<html></html>")
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "PDF" in page and 'class="flash flash-error"' in page
    assert count_attachments(app) == 0


def _attach(app, client, url, token, name="Beslut å ä ö.pdf", data=None):
    response = client.post(url, **multipart(name, data or files.pdf("Beslut")), headers=token)
    assert response.status_code == 201, response.json
    return response.json


def test_a_draft_plans_files_are_404_to_outsiders(
    app, client, make_plan, editor_token, make_token, vallentuna_people
):
    plan_id = make_plan(status="draft")
    attachment = _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token)
    assert client.get(attachment["url"]).status_code == 404
    other = bearer(make_token(vallentuna_people["other_org_member"]))
    assert client.get(attachment["url"], headers=other).status_code == 404
    member = bearer(make_token(vallentuna_people["member"]))
    assert client.get(attachment["url"], headers=member).status_code == 200


def test_an_unpublished_experiences_files_are_404_to_outsiders(
    app, client, make_experience, editor_token, make_token, vallentuna_people
):
    experience_id = make_experience(publish=False)
    url = f"/api/v1/experiences/{experience_id}/attachments"
    attachment = _attach(app, client, url, editor_token)
    assert client.get(attachment["url"]).status_code == 404
    other = bearer(make_token(vallentuna_people["other_org_member"]))
    assert client.get(attachment["url"], headers=other).status_code == 404
    experience = client.get(f"/api/v1/experiences/{experience_id}", headers=editor_token).json
    assert experience["attachments"] == [attachment]


def test_a_published_plans_file_is_served_safely_to_everyone(
    app, client, make_plan, editor_token, vallentuna_people
):
    from portal.plans import services
    from portal.plans.models import Plan

    plan_id = make_plan(status="draft")
    attachment = _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token)
    with app.app_context():
        from portal.accounts.models import User

        services.publish_plan(
            db.session.get(User, vallentuna_people["editor"]), db.session.get(Plan, plan_id)
        )
        db.session.commit()
    response = client.get(attachment["url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Beslut%20%C3%A5%20%C3%A4%20%C3%B6.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["ETag"] == f'"{attachment["sha256"]}"'
    again = client.get(attachment["url"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    public = client.get(f"/api/v1/plans/{plan_id}").json
    assert public["attachments"] == [attachment]


def test_images_are_shown_inline(app, client, make_plan, editor_token):
    plan_id = make_plan(status="draft")
    url = f"/api/v1/plans/{plan_id}/attachments"
    attachment = _attach(app, client, url, editor_token, "karta.png", files.image("PNG"))
    response = client.get(attachment["url"], headers=editor_token)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_delete_removes_the_file(app, client, make_plan, editor_token):
    plan_id = make_plan(status="draft")
    attachment = _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token)
    url = f"/api/v1/plans/{plan_id}/attachments/{attachment['id']}"
    assert client.delete(url, headers=editor_token).status_code == 204
    assert client.get(attachment["url"], headers=editor_token).status_code == 404
    assert client.delete(url, headers=editor_token).status_code == 404
    assert count_attachments(app) == 0


def test_an_attachment_is_deleted_only_through_its_own_plan(app, client, make_plan, editor_token):
    first, second = make_plan(status="draft"), make_plan(status="draft", title="Andra")
    attachment = _attach(app, client, f"/api/v1/plans/{first}/attachments", editor_token)
    url = f"/api/v1/plans/{second}/attachments/{attachment['id']}"
    assert client.delete(url, headers=editor_token).status_code == 404
    assert count_attachments(app) == 1


def test_published_plans_take_no_new_files(app, client, make_plan, editor_token):
    plan_id = make_plan(status="published")
    response = client.post(
        f"/api/v1/plans/{plan_id}/attachments",
        **multipart("beslut.pdf", files.pdf()),
        headers=editor_token,
    )
    assert response.status_code == 422
    assert count_attachments(app) == 0


def test_deleting_a_plan_deletes_its_files(app, make_plan, client, editor_token):
    plan_id = make_plan(status="draft")
    _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token)
    with app.app_context():
        from portal.plans.models import Plan

        db.session.delete(db.session.get(Plan, plan_id))
        db.session.commit()
    assert count_attachments(app) == 0


def test_the_plan_page_loads_its_files_in_a_bounded_number_of_queries(
    app, client, make_plan, editor_token, count_queries
):
    plan_id = make_plan(status="draft")
    for n in range(3):
        _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token, f"f{n}.pdf")
    with count_queries() as one:
        client.get(f"/api/v1/plans/{plan_id}", headers=editor_token)
    for n in range(3, 9):
        _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token, f"f{n}.pdf")
    with count_queries() as many:
        response = client.get(f"/api/v1/plans/{plan_id}", headers=editor_token)
    assert len(response.json["attachments"]) == 9
    assert many.count == one.count
    # The bytes are never part of a list: only the download reads them.
    assert not any('"data"' in s or ".data" in s for s in many.statements)


def test_a_file_added_to_the_next_version_is_public_only_once_it_is_published(
    app, client, make_plan, editor_token, vallentuna_people
):
    from portal.accounts.models import User
    from portal.plans import services
    from portal.plans.models import Plan

    plan_id = make_plan(status="draft")
    adopted = _attach(app, client, f"/api/v1/plans/{plan_id}/attachments", editor_token)

    def act(step) -> int:
        with app.app_context():
            editor = db.session.get(User, vallentuna_people["editor"])
            result = step(editor, db.session.get(Plan, plan_id))
            db.session.commit()
            return result.id

    act(services.publish_plan)
    draft_id = act(services.reopen_plan)
    # The working copy takes files; the published plan keeps showing only its own.
    decision = _attach(
        app, client, f"/api/v1/plans/{draft_id}/attachments", editor_token, name="Beslut 2.pdf"
    )
    assert client.get(decision["url"]).status_code == 404
    public = client.get(f"/api/v1/plans/{plan_id}").json
    assert [a["filename"] for a in public["attachments"]] == [adopted["filename"]]
    assert client.get(public["attachments"][0]["url"]).status_code == 200

    act(services.publish_plan)
    public = client.get(f"/api/v1/plans/{plan_id}").json
    assert sorted(a["filename"] for a in public["attachments"]) == sorted(
        [adopted["filename"], "Beslut 2.pdf"]
    )
    for attachment in public["attachments"]:
        assert client.get(attachment["url"]).status_code == 200
