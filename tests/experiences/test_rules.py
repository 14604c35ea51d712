"""The rules of experiences: visibility, authorship, Markdown, comments and lists."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from tests.content_fixtures import org


def test_draft_is_404_to_outsiders_and_hidden_from_lists(
    app, client, login_as, make_user, make_experience
):
    experience_id = make_experience("vallentuna", publish=False, title="Hemligt utkast")
    assert client.get(f"/experiences/{experience_id}").status_code == 404
    login_as(make_user(member_of="gotland", role="admin"))
    assert client.get(f"/experiences/{experience_id}").status_code == 404
    assert "Hemligt utkast" not in client.get("/experiences").get_data(as_text=True)
    assert "Hemligt utkast" not in client.get("/organizations/vallentuna").get_data(as_text=True)
    login_as(make_user(member_of="vallentuna", role="member"))
    assert client.get(f"/experiences/{experience_id}").status_code == 200


def test_author_who_is_a_plain_member_edits_and_publishes_own_experience(
    app, client, login_as, make_user, make_experience
):
    author = make_user(member_of="vallentuna", role="member")
    experience_id = make_experience("vallentuna", author_id=author, publish=False)
    login_as(author)
    client.post(f"/experiences/{experience_id}/edit", data={"title": "Egen", "body": "Text"})
    client.post(f"/experiences/{experience_id}/publish")
    html = client.get("/experiences").get_data(as_text=True)
    assert "Egen" in html


def test_unverified_organisation_cannot_publish(app, client, login_as, make_user, make_supplier):
    slug = make_supplier("Ny AB", verified=False)
    admin = make_user(member_of=slug, role="admin")
    login_as(admin)
    with app.app_context():
        supplier_id = org(slug).id
    created = client.post(
        "/experiences/new",
        data={"organisation_id": supplier_id, "title": "Erfarenhet", "body": "Text"},
    )
    assert created.status_code == 302
    with app.app_context():
        from portal.experiences.models import Experience, ExperienceStatus

        experience = db.session.scalar(select(Experience))
    response = client.post(f"/experiences/{experience.id}/publish", follow_redirects=True)
    assert "Organisationen är inte verifierad ännu och kan inte publicera." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Experience, experience.id).status == ExperienceStatus.DRAFT
        # Once verified, the very same request publishes: the refusal above was the rule.
        org(slug).verified = True
        db.session.commit()
    assert client.post(f"/experiences/{experience.id}/publish").status_code == 302
    with app.app_context():
        assert db.session.get(Experience, experience.id).status == ExperienceStatus.PUBLISHED


def test_comment_author_can_remove_own_comment(app, client, login_as, make_user, make_experience):
    from portal.experiences.models import ExperienceComment

    experience_id = make_experience()
    commenter = make_user(member_of="skr")
    login_as(commenter)
    client.post(f"/experiences/{experience_id}/comments", data={"body": "Ångrar mig"})
    with app.app_context():
        comment_id = db.session.scalar(select(ExperienceComment.id))
    client.post(f"/experiences/{experience_id}/comments/{comment_id}/remove")
    html = client.get(f"/experiences/{experience_id}").get_data(as_text=True)
    assert "Ångrar mig" not in html and "Kommentaren har tagits bort" in html


def test_comments_and_texts_are_rendered_as_sanitised_markdown(
    app, client, login_as, make_user, make_experience
):
    experience_id = make_experience()
    login_as(make_user())
    client.post(
        f"/experiences/{experience_id}/comments",
        data={"body": "**fet** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    html = client.get(f"/experiences/{experience_id}").get_data(as_text=True)
    assert "<strong>fet</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript:' not in html
    assert "<strong>lärdomar</strong>" in html  # the experience body too


def test_empty_comment_is_refused_and_typed_text_kept(
    app, client, login_as, make_user, make_experience
):
    experience_id = make_experience()
    login_as(make_user())
    response = client.post(f"/experiences/{experience_id}/comments", data={"body": "   "})
    assert response.status_code == 422


def test_experience_filters(app, client, make_experience):
    make_experience(
        "vallentuna", title="Om NGP", tags=["geodata"], standards=["nationella-geodataplattformen"]
    )
    make_experience("gotland", title="Om förankring", tags=["förankring"])
    make_experience("lantmateriet", title="Myndighetens lärdom", tags=["geodata"])

    def titles(query: str) -> set[str]:
        html = client.get(f"/experiences?{query}").get_data(as_text=True)
        return {t for t in ("Om NGP", "Om förankring", "Myndighetens lärdom") if t in html}

    assert titles("") == {"Om NGP", "Om förankring", "Myndighetens lärdom"}
    assert titles("tag=geodata") == {"Om NGP", "Myndighetens lärdom"}
    assert titles("standard=nationella-geodataplattformen") == {"Om NGP"}
    assert titles("kind=authority") == {"Myndighetens lärdom"}
    assert titles("county=09") == {"Om förankring"}  # Gotlands län
    assert titles("kind=municipality&county=01") == {"Om NGP"}


def test_editing_an_experience_keeps_and_changes_its_tags(
    app, client, login_as, make_user, make_experience
):
    experience_id = make_experience(tags=["geodata", "ngp"], standards=["citygml"])
    login_as(make_user(member_of="vallentuna", role="editor"))
    form = client.get(f"/experiences/{experience_id}/edit").get_data(as_text=True)
    assert 'value="geodata, ngp"' in form
    client.post(
        f"/experiences/{experience_id}/edit",
        data={"title": "T", "body": "B", "tags": "ngp, Arkiv"},
    )
    html = client.get("/experiences?tag=arkiv").get_data(as_text=True)
    assert "<h3><a" in html and ">T</a>" in html
    assert "CityGML" not in client.get(f"/experiences/{experience_id}").get_data(as_text=True)


def test_experience_author_can_remove_comments_on_it(
    app, client, login_as, make_user, make_experience
):
    from portal.experiences.models import ExperienceComment

    author = make_user(member_of="vallentuna", role="member")
    experience_id = make_experience(author_id=author)
    login_as(make_user(member_of="skr"))
    client.post(f"/experiences/{experience_id}/comments", data={"body": "Reklam för något"})
    with app.app_context():
        comment_id = db.session.scalar(select(ExperienceComment.id))
    login_as(author)
    page = client.get(f"/experiences/{experience_id}").get_data(as_text=True)
    assert "Ta bort kommentaren" in page
    client.post(f"/experiences/{experience_id}/comments/{comment_id}/remove")
    with app.app_context():
        assert db.session.get(ExperienceComment, comment_id).removed
