"""The factory, configuration and error pages."""

from __future__ import annotations

import pytest

from portal import ConfigurationError, create_app
from portal.config import BASE_DIR


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "idx"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.sqlite3"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "idx")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_defaults_in_a_checkout_are_its_instance_folder_and_search_index(monkeypatch):
    for name in ("DATABASE_URL", "SEARCH_INDEX_DIR", "INSTANCE_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app()
    assert app.instance_path == str(BASE_DIR / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{BASE_DIR / 'instance' / 'portal.sqlite3'}"
    )
    assert app.config["SEARCH_INDEX_DIR"] == str(BASE_DIR / "search_index")
    assert app.template_folder == str(BASE_DIR / "templates")
    assert app.extensions["migrate"].directory == str(BASE_DIR / "migrations")


def test_instance_path_moves_the_instance_folder_and_the_default_database(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SEARCH_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "var"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "var")
    assert (tmp_path / "var").is_dir()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'var' / 'portal.sqlite3'}"
    )
    # In a checkout the search index stays at its top, where `make run` builds it.
    assert app.config["SEARCH_INDEX_DIR"] == str(BASE_DIR / "search_index")


def test_unknown_page_is_404_in_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'id="main"' in html and "skip-link" in html


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["code"] == 404
    assert response.json["status"]


def test_unexpected_error_shows_500_page_in_site_layout():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "skip-link" in html and "RuntimeError" not in html


def test_home_page_shows_reference_counts(client):
    html = client.get("/").get_data(as_text=True)
    assert "<strong>290</strong>" in html


def test_every_asset_is_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    import re

    for url in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    response.close()


def test_conditional_request_for_a_static_file_closes_it(client):
    import gc

    first = client.get("/static/favicon.svg")
    etag = first.headers["ETag"]
    first.close()
    again = client.get("/static/favicon.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    del again
    # An unclosed file would surface here as an unraisable ResourceWarning (an error in tests).
    gc.collect()
