"""Sessions that end: logging out, changing the password and "log out everywhere" end the
login sessions they should, even where the session cookie was copied; API tokens go on."""

from __future__ import annotations

from portal.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a fresh and long phrase"


def logged_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_session_cookie_copied_before_logout_no_longer_works_after(app, make_user):
    make_user("copied@example.com")
    owner = logged_in(app, "copied@example.com")
    thief = copy_of(app, owner)
    assert is_logged_in(thief)  # the copy works while the session lasts ...
    owner.post("/auth/logout")
    assert not is_logged_in(thief)  # ... and not after the owner logs out
    assert thief.get("/api/v1/me").status_code == 401  # nor through the API


def test_logging_out_in_one_browser_keeps_the_others(app, make_user):
    make_user("two@example.com")
    laptop = logged_in(app, "two@example.com")
    phone = logged_in(app, "two@example.com")
    laptop.post("/auth/logout")
    assert not is_logged_in(laptop)
    assert is_logged_in(phone)


def test_a_password_change_ends_every_other_session_but_keeps_this_one(app, make_user):
    make_user("change@example.com")
    other_browser = logged_in(app, "change@example.com")
    changer = logged_in(app, "change@example.com")
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert changer.post("/account/password", data=data).status_code == 302
    assert not is_logged_in(other_browser)
    assert is_logged_in(changer)


def test_log_out_everywhere_ends_every_session_but_not_api_tokens(app, make_user):
    user_id = make_user("everywhere@example.com")
    with app.app_context():
        from portal.accounts.models import User
        from portal.tokens.services import create_token

        _token, secret = create_token(db.session.get(User, user_id), name="cli")
        db.session.commit()
        db.session.remove()
    other_browser = logged_in(app, "everywhere@example.com")
    here = logged_in(app, "everywhere@example.com")
    page = here.get("/account").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page
    assert "tills du återkallar dem" in page or "until you revoke them" in page
    response = here.post("/account/logout-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert not is_logged_in(here)
    assert not is_logged_in(other_browser)
    headers = {"Authorization": f"Bearer {secret}"}
    assert here.get("/api/v1/me", headers=headers).status_code == 200
    # Logging in again works as before.
    assert is_logged_in(logged_in(app, "everywhere@example.com"))
