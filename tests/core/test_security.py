"""Security headers on every response, HSTS over HTTPS only, cookies and the size limit."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

PAGES = [
    "/",
    "/organizations",
    "/auth/login",
    "/no-such-page",
    "/healthz",
    "/static/css/portal.css",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://portal.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_ignored_without_proxy_fix(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_fix_trusts_the_configured_proxy(make_app):
    proxied = make_app(PROXY_FIX=1)
    client = proxied.test_client()
    response = client.get(
        "/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_cookies_are_secure_httponly_and_lax(make_app, make_user):
    # FLASK_DEBUG is off: Secure cookies by default.
    production = make_app(remove=("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"))
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert production.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    make_user("cookie@example.com")
    client = production.test_client()
    response = client.post(
        "/auth/login",
        data={"email": "cookie@example.com", "password": PASSWORD},
        base_url="https://portal.example",
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_cookie_is_httponly_and_lax(client):
    cookie = client.get("/language/en").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_request_body_over_the_limit_is_refused_with_413_in_the_layout(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/auth/login", data={"email": "a@example.com", "password": "x" * (limit + 1)}
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'class="site-header"' in html and "<h1>" in html


def test_request_body_over_the_limit_under_api_is_json(app, client, make_user):
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.needs.models import AdaptationNeed
    from portal.tokens.services import create_token

    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        _token, secret = create_token(db.session.get(User, editor), name="t", write=True)
        db.session.commit()
    limit = app.config["MAX_CONTENT_LENGTH"]
    # A real write endpoint, with a token that may write there: only the size can refuse it.
    body = b'{"organization": "vallentuna", "title": "Stor", "description": "' + b"x" * limit
    response = client.post(
        "/api/v1/needs",
        data=body + b'"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 413
    assert response.is_json and response.json["code"] == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AdaptationNeed)) == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://gis.example/om", "https://gis.example/om"),
        ("http://gis.example", "http://gis.example"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("//evil.example", None),
        ("https:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href_lets_only_web_links_through(url, expected):
    from portal.core.security import safe_href

    assert safe_href(url) == expected


def test_a_script_url_stored_without_the_form_is_not_a_link(app, client, make_user):
    # The JSON API and imports reach the services without WTForms' URL check.
    from portal.extensions import db
    from portal.orgs.models import Organisation

    with app.app_context():
        org = db.session.query(Organisation).filter_by(slug="vallentuna").one()
        org.website = "javascript:alert(document.cookie)"
        db.session.commit()
    html = client.get("/organizations/vallentuna").get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert "javascript:alert(document.cookie)" in html  # shown, as text
