"""Hostile input on every route, query and form field is a client error, never a 5xx.

The routes come from `app.url_map`, the query parameters from each page's own GET forms and
each API route's documented arguments, and the form fields from each page's own POST forms: a
new route, filter or field is covered without editing this file. Each kind of hostile value
(NUL, a lone surrogate as a browser would encode it, integers beyond the database's range, a
digit that only Unicode calls one, deeply nested JSON) is sent to every place, as a site admin
with a session on the objects of tests/route_world.py. Runs on SQLite and on PostgreSQL
(TEST_DATABASE_URL), where NUL and integer overflow are errors of the database itself.

Each test walks many routes in one test so that the world is built and the session opened once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from portal.extensions import db
from tests.api.test_write_guards import example_of
from tests.conftest import login
from tests.route_world import OWNER_ORG, build_route_world

# Each hostile value, percent-encoded as it travels in a URL or a form body.
HOSTILE = {
    "NUL": "a%00",
    "lone surrogate": "%ED%A0%80",  # U+D800 in the UTF-8 a careless client would send
    "out of range": "2147483648",  # 2**31: beyond PostgreSQL's INTEGER
    "huge": "99999999999999999999",  # beyond SQLite's 64-bit INTEGER
    "Unicode digit": "%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "zero": "0",
}
# The same values inside JSON (a lone surrogate as its JSON escape, numbers as numbers).
HOSTILE_JSON: dict[str, Any] = {
    "NUL": "a\x00",
    "lone surrogate": "\ud800",
    "out of range": 2**31,
    "huge": 10**20,
}
DEEP_JSON = "[" * 1000 + "]" * 1000
# Query parameters some pages read without a filter form (pagers, comparisons, redirects).
COMMON_QUERY = ("page", "per_page", "q", "id", "ids", "a", "b", "next", "format")
# Forms whose sending ends the walk's own session.
SESSION_ENDING = ("/logout",)


@dataclass
class Form:
    method: str
    action: str
    names: list[str] = field(default_factory=list)
    csrf_token: str = ""


class FormCollector(HTMLParser):
    """Every <form> of a page: its method, action and the names of its controls."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").upper()
            self._open = Form(method, attributes.get("action") or "")
            self.forms.append(self._open)
        elif self._open is not None and tag in {"input", "textarea", "select", "button"}:
            name = attributes.get("name")
            kind = attributes.get("type") or ("submit" if tag == "button" else "text")
            if kind == "submit":
                return  # like a browser sending the form without pressing a named button
            if name == "csrf_token":
                self._open.csrf_token = attributes.get("value") or ""
            elif name and name not in self._open.names:
                self._open.names.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def forms_of(html: str) -> list[Form]:
    collector = FormCollector()
    collector.feed(html)
    return collector.forms


def encoded(pairs: list[tuple[str, str]]) -> str:
    """A query string or form body of names and already percent-encoded values."""
    return "&".join(f"{quote(name)}={value}" for name, value in pairs)


@dataclass
class Walk:
    app: Flask
    client: FlaskClient
    world: Any
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def send(self, method: str, url: str, what: str, **kwargs: Any):
        response = self.client.open(url, method=method, **kwargs)
        response.get_data()  # read it all, then close what a file answer opened
        response.close()
        self.sent += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {url} ({what})")
        return response

    def check(self, minimum: int) -> None:
        assert self.sent >= minimum, f"the walk sent only {self.sent} requests"
        assert not self.failures, "\n".join(self.failures)


def rules(app: Flask, *, api: bool | None = None) -> list[Rule]:
    found = [
        rule
        for rule in app.url_map.iter_rules()
        if api is None or rule.rule.startswith("/api/") == api
    ]
    assert len(found) > 10, "the URL map is nearly empty"
    return sorted(found, key=lambda rule: rule.rule)


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


@pytest.fixture
def walk(app: Flask, make_user) -> Walk:
    """The world of tests/route_world.py and a site admin (also admin of its organisation)
    logged in with a session."""
    from portal.accounts.models import User
    from portal.experiences import services as experiences
    from portal.experiences.models import Experience
    from portal.plans import services as plans
    from portal.plans.models import Plan

    world = build_route_world(app, make_user)
    admin_id = make_user(site_admin=True, member_of=OWNER_ORG, role="admin")
    with app.app_context():
        # The plan back to draft (its edit form), the experience published (its comment form).
        owner = db.session.get(User, world.owner_id)
        plans.reopen_plan(owner, db.session.get(Plan, world.by_name["plan_id"]))
        experience = db.session.get(Experience, world.by_name["experience_id"])
        experiences.publish_experience(owner, experience)
        db.session.commit()
    client = app.test_client()
    with app.app_context():
        login(client, admin_id)
        db.session.remove()
    return Walk(app, client, world)


def _path_with(rule: Rule, values: dict[str, Any], name: str, hostile: str) -> str:
    """The rule's path with argument `name` replaced by the (already encoded) hostile value."""
    numeric = isinstance(rule._converters[name], IntegerConverter)
    marker = 987654321 if numeric else "HOSTILEMARK"
    path = rule.build({**values, name: marker}, append_unknown=False)[1]
    return path.replace(str(marker), hostile)


def test_hostile_path_arguments_are_404_on_every_route(walk: Walk):
    """Every argument of every route (page, form action and API) with every hostile value."""
    for rule in rules(walk.app):
        values = walk.world.values(rule)
        for name in rule.arguments:
            for kind, hostile in HOSTILE.items():
                url = _path_with(rule, values, name, hostile)
                for method in methods(rule):
                    response = walk.send(method, url, f"<{name}> {kind}")
                    # NUL matches no route, nor does anything but an id in the database's
                    # range where an id is expected. The surrogate arrives as U+FFFD (Werkzeug
                    # decodes with "replace"), ordinary text: there only "no 5xx" is promised.
                    numeric = isinstance(rule._converters[name], IntegerConverter)
                    must_miss = kind == "NUL" or (numeric and kind != "lone surrogate")
                    if must_miss and response.status_code not in (404, 405):
                        walk.failures.append(
                            f"{response.status_code} {method} {url} (<{name}> {kind}): not 404"
                        )
    walk.check(minimum=300)


def _query_names(walk: Walk, rule: Rule, html: str) -> list[str]:
    view = walk.app.view_functions[rule.endpoint]
    documented = [
        name
        for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
        if parameter["in"] == "query"
        for name in example_of(parameter["schema"]).keys() | parameter["schema"]().fields.keys()
    ]
    from_forms = [name for form in forms_of(html) if form.method == "GET" for name in form.names]
    return list(dict.fromkeys([*COMMON_QUERY, *documented, *from_forms]))


def test_hostile_query_values_are_client_errors_on_every_page(walk: Walk):
    """Every query parameter a GET route reads (its filter forms', its documented ones and the
    common ones) with every hostile value at once."""
    for rule in rules(walk.app):
        if "GET" not in methods(rule):
            continue
        url = walk.world.fill(rule)
        page = walk.send("GET", url, "plain")
        names = _query_names(walk, rule, page.get_data(as_text=True))
        for kind, hostile in HOSTILE.items():
            query = encoded([(name, hostile) for name in names])
            response = walk.send("GET", f"{url}?{query}", f"query {kind}")
            if kind == "NUL" and response.status_code != 422:
                walk.failures.append(f"{response.status_code} GET {url}?{query}: not 422")
    walk.check(minimum=200)


@pytest.fixture
def csrf_on(app: Flask):
    """CSRF protection on, as in production: the walk sends each form's own token."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_hostile_values_in_every_field_of_every_form_are_client_errors(walk: Walk, csrf_on):
    """Every POST form on every page (GET as the site admin, then as a visitor), every field of
    it filled with one hostile value, sent with the form's CSRF token."""
    anonymous = walk.app.test_client()
    seen: set[tuple[str, ...]] = set()
    refused_on_a_field = 0
    for client in (walk.client, anonymous):
        walk.client = client
        for rule in rules(walk.app, api=False):
            if "GET" not in methods(rule) or rule.endpoint == "static":
                continue
            page_url = walk.world.fill(rule)
            page = walk.send("GET", page_url, "form page")
            for form in forms_of(page.get_data(as_text=True)):
                action = urlsplit(form.action).path or page_url
                key = (action, *form.names)
                if form.method != "POST" or not form.names or key in seen:
                    continue
                if action.endswith(SESSION_ENDING):
                    continue
                seen.add(key)
                for kind, hostile in HOSTILE.items():
                    pairs = [("csrf_token", form.csrf_token)] if form.csrf_token else []
                    pairs += [(name, hostile) for name in form.names]
                    response = walk.send(
                        "POST",
                        action,
                        f"form on {page_url}, every field {kind}",
                        data=encoded(pairs),
                        content_type="application/x-www-form-urlencoded",
                    )
                    if response.status_code == 400:
                        walk.failures.append(f"400 POST {action} ({kind}): the CSRF token failed")
                    if kind == "NUL" and response.status_code == 422:
                        # "not allowed", in the default Swedish
                        refused_on_a_field += "inte är tillåtna" in response.get_data(as_text=True)
    assert refused_on_a_field >= 10, "few forms showed the refusal on a field"
    walk.check(minimum=200)


def body_fields(schema: Any) -> list[str]:
    """The names of every field a request body of `schema` may carry."""
    if isinstance(schema, type):
        schema = schema()
    return [f.data_key or name for name, f in schema.fields.items() if not f.dump_only]


def test_hostile_json_to_every_api_write_is_a_client_error(walk: Walk):
    """Deeply nested JSON to every API write is a 400; every field of its documented body
    with each hostile value is a 4xx (the session is the site admin's)."""
    for rule in rules(walk.app, api=True):
        url = walk.world.fill(rule)
        view = walk.app.view_functions[rule.endpoint]
        bodies = [
            parameter["schema"]
            for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            if parameter["in"] == "json"
        ]
        for method in methods(rule):
            if method == "GET":
                continue
            response = walk.send(
                method, url, "deep JSON", data=DEEP_JSON, content_type="application/json"
            )
            if response.status_code != 400 or response.json["code"] != 400:
                walk.failures.append(f"{response.status_code} {method} {url}: deep JSON not 400")
            for schema in bodies:
                names = body_fields(schema)
                for kind, hostile in HOSTILE_JSON.items():
                    body = json.dumps(dict.fromkeys(names, hostile))
                    walk.send(
                        method, url, f"body {kind}", data=body, content_type="application/json"
                    )
    walk.check(minimum=40)
