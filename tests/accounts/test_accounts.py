"""Registering, logging in and out, profile and password, as a visitor sees them."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from tests.conftest import PASSWORD


def register(client, email="anna@example.com", name="Anna Andersson", password=PASSWORD, **kw):
    data = {"name": name, "email": email, "password": password, "confirm": password, **kw}
    return client.post("/auth/register", data=data)


def test_register_stores_argon2id_hash_and_the_newcomer_can_log_in(app, client):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "anna@example.com"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    client.post("/auth/login", data={"email": "anna@example.com", "password": PASSWORD})
    assert "anna@example.com" in client.get("/account").get_data(as_text=True)


def test_email_is_unique_regardless_of_case(app, client):
    register(client, email="Anna@Example.com")
    register(client, email="ANNA@example.COM", password="another-password")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    # The first owner's password still holds; the second registration changed nothing.
    ok = client.post("/auth/login", data={"email": "anna@example.com", "password": PASSWORD})
    assert ok.status_code == 302


def test_registration_does_not_reveal_whether_an_address_has_an_account(client, make_user):
    make_user("taken@example.com")
    taken = register(client, email="taken@example.com", name="Mallory")
    fresh = register(client, email="fresh@example.com", name="Mallory")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    # Neither answer logs anybody in.
    assert client.get("/account").status_code == 302
    login_page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "not already registered" in login_page or "inte redan" in login_page


def test_registration_still_reports_mistakes_in_the_form(client, make_user):
    make_user("taken2@example.com")
    response = register(client, email="taken2@example.com", password="short")
    assert response.status_code == 422
    assert "taken2@example.com" in response.get_data(as_text=True)  # what was typed is kept


def test_login_with_other_letter_case(client, make_user):
    make_user("bertil@example.com")
    response = client.post(
        "/auth/login", data={"email": "BERTIL@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    make_user("cecilia@example.com")
    wrong = client.post("/auth/login", data={"email": "cecilia@example.com", "password": "nope"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 422

    def summary(response):
        html = response.get_data(as_text=True)
        return html[
            html.index('class="error-summary"') : html.index(
                "</ul>", html.index('class="error-summary"')
            )
        ]

    assert summary(wrong) == summary(unknown)


def test_form_errors_keep_what_was_typed(client):
    response = register(client, name="Dora Dahl", email="not-an-email", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Dora Dahl"' in html
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="short"' not in html  # passwords are never echoed back


def test_oversized_input_is_a_clear_error_not_a_crash(client):
    response = register(client, name="x" * 10_000)
    assert response.status_code == 422
    huge = client.post("/auth/register", data={"name": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 413


def test_next_redirect_only_to_this_site(client, make_user):
    make_user("erik@example.com")
    data = {"email": "erik@example.com", "password": PASSWORD}
    good = client.post("/auth/login?next=/organizations/gotland", data=data)
    assert good.headers["Location"] == "/organizations/gotland"
    client.post("/auth/logout")
    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ]:
        response = client.post(f"/auth/login?next={evil}", data=data)
        assert response.headers["Location"] == "/start", evil  # the start page
        client.post("/auth/logout")


def test_logout_requires_post(client, make_user):
    make_user("f@example.com")
    client.post("/auth/login", data={"email": "f@example.com", "password": PASSWORD})
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/account").status_code == 302


def test_account_page_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_change_password(app, client, make_user):
    make_user("g@example.com")
    client.post("/auth/login", data={"email": "g@example.com", "password": PASSWORD})
    bad = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "a-new-password",
            "confirm": "a-new-password",
        },
    )
    assert bad.status_code == 422
    ok = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-password",
            "confirm": "a-new-password",
        },
    )
    assert ok.status_code == 302
    client.post("/auth/logout")
    assert (
        client.post(
            "/auth/login", data={"email": "g@example.com", "password": PASSWORD}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/auth/login", data={"email": "g@example.com", "password": "a-new-password"}
        ).status_code
        == 302
    )


def test_update_profile_name(app, client, make_user):
    make_user("h@example.com")
    client.post("/auth/login", data={"email": "h@example.com", "password": PASSWORD})
    assert client.post("/account", data={"name": "Helga Holm"}).status_code == 302
    assert "Helga Holm" in client.get("/account").get_data(as_text=True)
    assert client.post("/account", data={"name": "  "}).status_code == 422


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("i@example.com")
    response = client.post("/auth/login", data={"email": "i@example.com", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
