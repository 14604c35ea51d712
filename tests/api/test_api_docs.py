"""The OpenAPI document and the interactive documentation page."""

from __future__ import annotations

import re


def test_openapi_document_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(
            ("api-docs", "api_docs")
        ):
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, (method, path)


def test_openapi_document_describes_errors_auth_and_pagination(client):
    doc = client.get("/api/v1/openapi.json").json
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "status", "message", "errors"}
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    listing = doc["paths"]["/api/v1/organizations"]["get"]
    params = {p.get("name") for p in listing["parameters"] if "name" in p}
    assert {"page", "per_page", "kind", "county", "q"} <= params
    assert "Link" in listing["responses"]["200"]["headers"]
    me = doc["paths"]["/api/v1/me"]["patch"]
    assert {"401", "403", "422"} <= set(me["responses"])


def test_every_csv_download_documents_its_dialect_switch(client):
    doc = client.get("/api/v1/openapi.json").json
    csv_paths = [path for path in doc["paths"] if path.endswith(".csv")]
    assert len(csv_paths) >= 5
    for path in csv_paths:
        ops = doc["paths"][path]["get"]["parameters"]
        params = {p["name"]: p for p in ops if "name" in p}
        assert params["dialect"]["schema"]["enum"] == ["comma", "excel-sv"], path
        assert params["dialect"]["schema"]["default"] == "comma", path
        assert "Swedish Excel" in params["dialect"]["description"], path


def test_docs_page_is_in_the_navigation_and_uses_only_local_assets(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/api/v1/docs"' in home
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'href="/api/v1/openapi.json"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert (
        "http://" not in "".join(a for a, _ in scripts) and "https://" not in html.split("<main")[0]
    )
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        with client.get(url) as asset:
            assert asset.status_code == 200, url


def test_docs_page_runs_swagger_ui_5_from_the_portal(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js">' in html
    assert 'href="/static/vendor/swagger-ui/swagger-ui.css"' in html
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as js:
        assert js.status_code == 200
        assert js.mimetype in {"text/javascript", "application/javascript"}
        assert b'PACKAGE_VERSION:"5.35.0"' in js.data
    with client.get("/static/vendor/swagger-ui/LICENSE") as licence:
        assert b"Apache License" in licence.data
