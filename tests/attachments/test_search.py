"""The text of attached PDFs and documents finds their plan or experience, never a draft's."""

from __future__ import annotations

from portal.accounts.models import User
from portal.extensions import db
from tests.attachments import files
from tests.attachments.conftest import bearer, multipart

WORD = "Kvarnhjulsregistret"


def attach(client, kind: str, owner_id: int, name: str, data: bytes, headers: dict) -> dict:
    response = client.post(
        f"/api/v1/{kind}/{owner_id}/attachments", **multipart(name, data), headers=headers
    )
    assert response.status_code == 201, response.json
    return response.json


def found(client, word: str = WORD) -> list[tuple[str, str]]:
    items = client.get(f"/api/v1/search?q={word}").json["items"]
    return [(item["type"], item["url"]) for item in items]


def test_a_word_only_in_an_attached_pdf_finds_the_plan_once_published(
    app, client, search_index, make_plan, make_token, vallentuna_people
):
    from portal.plans import services
    from portal.plans.models import Plan

    plan_id = make_plan(status="draft", title="Handlingsplan med bilaga")
    token = bearer(make_token(vallentuna_people["editor"], write=True))
    attach(client, "plans", plan_id, "beslut.pdf", files.pdf(f"Beslut om {WORD} 2025"), token)
    # A draft's attachment is never searchable, by anyone.
    assert found(client) == []
    assert "Handlingsplan med bilaga" not in client.get(f"/search?q={WORD}").get_data(as_text=True)
    with app.app_context():
        services.publish_plan(
            db.session.get(User, vallentuna_people["editor"]), db.session.get(Plan, plan_id)
        )
        db.session.commit()
    assert found(client) == [("plan", f"/plans/{plan_id}")]
    assert "Handlingsplan med bilaga" in client.get(f"/search?q={WORD}").get_data(as_text=True)


def test_a_word_only_in_an_attached_document_finds_the_experience_until_it_is_deleted(
    app, client, search_index, make_experience, make_token, vallentuna_people
):
    experience_id = make_experience(title="Lärdomar med bilaga")
    token = bearer(make_token(vallentuna_people["editor"], write=True))
    for name, data in (("a.pdf", files.pdf(WORD)), ("b.docx", files.docx("Geodatalagret"))):
        attach(client, "experiences", experience_id, name, data, token)
    url = f"/experiences/{experience_id}"
    assert found(client) == [("experience", url)]
    assert found(client, "Geodatalagret") == [("experience", url)]
    first = client.get(f"/api/v1/experiences/{experience_id}").json["attachments"][0]
    response = client.delete(
        f"/api/v1/experiences/{experience_id}/attachments/{first['id']}", headers=token
    )
    assert response.status_code == 204
    assert found(client) == []
    assert found(client, "Geodatalagret") == [("experience", url)]


def test_an_unpublished_experiences_attachment_is_not_searchable(
    app, client, search_index, make_experience, make_token, vallentuna_people
):
    experience_id = make_experience(publish=False)
    token = bearer(make_token(vallentuna_people["editor"], write=True))
    attach(client, "experiences", experience_id, "a.pdf", files.pdf(WORD), token)
    assert found(client) == []
    member = bearer(make_token(vallentuna_people["member"]))
    assert client.get(f"/api/v1/search?q={WORD}", headers=member).json["items"] == []
