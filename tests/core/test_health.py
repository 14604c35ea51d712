"""`/healthz` reports the database and the search index, without login and without secrets."""

from __future__ import annotations


def test_healthy_instance_answers_200_with_its_checks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "search_index": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_missing_search_index_directory_is_503(make_app, tmp_path):
    broken = make_app(SEARCH_INDEX_DIR=str(tmp_path / "nowhere"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "search_index": "missing"}


def test_unreachable_database_is_503_without_revealing_the_url(make_app):
    url = "postgresql+psycopg://secretuser:secretpass@127.0.0.1:1/nodb"
    broken = make_app(SQLALCHEMY_DATABASE_URI=url)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "error"
    body = response.get_data(as_text=True)
    assert "secret" not in body and "127.0.0.1" not in body


def test_health_needs_no_login_and_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
