"""Validation gives clear messages on the right fields of the section being saved, and nothing
typed is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.plans.models import MaturityDimension, Plan
from tests.plans.conftest import org_id, plan_form, plans_snapshot


@pytest.fixture
def editor_client(app, client, login_as, make_user):
    login_as(make_user(member_of="vallentuna", role="editor"))
    with app.app_context():
        client.org_id = org_id("vallentuna")
    return client


@pytest.fixture
def draft(make_plan) -> int:
    return make_plan(status="draft", title="Utkast", start=2025, end=2027)


def post_new(client, **overrides):
    response = client.post("/plans/new", data=plan_form(org=client.org_id, **overrides))
    return response.status_code, response.get_data(as_text=True)


def post_section(client, plan_id: int, section: str, **overrides):
    response = client.post(f"/plans/{plan_id}/edit/{section}", data=plan_form(**overrides))
    return response.status_code, response.get_data(as_text=True)


def assert_nothing_saved(app):
    with app.app_context():
        assert db.session.scalar(select(Plan)) is None


def test_end_year_before_start_year(app, editor_client):
    status, html = post_new(editor_client, period_start_year="2027", period_end_year="2025")
    assert status == 422
    assert "Slutåret kan inte vara före startåret." in html
    assert 'value="Vår handlingsplan"' in html and "Kort sammanfattning." in html
    assert_nothing_saved(app)


def test_step_dates_outside_the_period(app, editor_client, draft):
    before = plans_snapshot(app)
    status, html = post_section(editor_client, draft, "steps", **{"steps-0-end_date": "2029-03-01"})
    assert status == 422
    assert "Steget måste ligga inom planens period 2025-2027." in html
    assert 'value="2029-03-01"' in html and 'value="Första steget"' in html
    assert plans_snapshot(app) == before


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("-5", "Beloppet kan inte vara negativt."),
        ("12,50", "Ange ett helt antal kronor, t.ex. 250000 (inga decimaler)."),
        ("mycket", "Ange ett helt antal kronor, t.ex. 250000 (inga decimaler)."),
        ("99 000 000 000", "Ange kostnaden som ett helt antal kronor från 0 till 10 000 000 000."),
    ],
)
def test_cost_must_be_a_whole_non_negative_number_of_sek(app, editor_client, draft, cost, message):
    before = plans_snapshot(app)
    status, html = post_section(editor_client, draft, "steps", **{"steps-0-cost_sek": cost})
    assert status == 422
    assert message in html
    assert f'value="{cost}"' in html
    assert plans_snapshot(app) == before


def test_cost_with_spaces_is_accepted(app, editor_client, draft):
    status, _ = post_section(editor_client, draft, "steps", **{"steps-0-cost_sek": "1 250 000"})
    assert status == 302
    with app.app_context():
        assert db.session.get(Plan, draft).steps[0].cost_sek == 1_250_000


def test_maturity_levels_are_1_to_5_and_both_needed(app, editor_client, draft):
    with app.app_context():
        dimension = db.session.scalar(select(MaturityDimension.id))
    before = plans_snapshot(app)
    status, html = post_section(
        editor_client,
        draft,
        "maturity",
        **{"maturity-0-dimension_id": str(dimension), "maturity-0-current_level": "2"},
    )
    assert status == 422
    assert "Välj både nuvarande nivå och målnivå (1-5)." in html
    # What was chosen is kept: level 2 is still ticked.
    assert '<input checked id="maturity-0-current_level-2"' in html
    status, html = post_section(
        editor_client,
        draft,
        "maturity",
        **{
            "maturity-0-dimension_id": str(dimension),
            "maturity-0-current_level": "7",
            "maturity-0-target_level": "3",
        },
    )
    assert status == 422
    assert plans_snapshot(app) == before


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        (
            {"steps-0-start_date": "2025-06-01", "steps-0-end_date": "2025-02-01"},
            ["Slutdatumet kan inte vara före startdatumet."],
        ),
        (
            {"steps-0-title": "", "steps-0-start_date": "", "steps-0-end_date": ""},
            ["Ge steget en rubrik.", "Ange ett startdatum."],
        ),
    ],
)
def test_step_rules(editor_client, draft, fields, messages):
    status, html = post_section(editor_client, draft, "steps", **fields)
    assert status == 422
    assert all(message in html for message in messages)


def test_errors_are_listed_at_the_top_with_links(editor_client, draft):
    status, html = post_section(editor_client, draft, "steps", **{"steps-0-end_date": "2024-01-01"})
    assert status == 422
    assert 'class="error-summary"' in html
    assert 'href="#steps-0-end_date"' in html
    status, html = post_section(editor_client, draft, "basics", title="")
    assert status == 422
    assert 'href="#title"' in html


def test_all_problems_of_the_section_are_reported_at_once(editor_client, draft):
    status, html = post_section(
        editor_client,
        draft,
        "steps",
        **{"steps-0-cost_sek": "12,5", "steps-0-title": "", "steps-0-end_date": "2024-01-01"},
    )
    assert status == 422
    assert "Ange ett helt antal kronor, t.ex. 250000 (inga decimaler)." in html
    assert "Ge steget en rubrik." in html
    assert "Slutdatumet kan inte vara före startdatumet." in html


def test_all_basics_problems_are_reported_at_once(editor_client):
    status, html = post_new(
        editor_client, title="", period_start_year="2027", period_end_year="2025"
    )
    assert status == 422
    assert "Ge planen en rubrik." in html
    assert "Slutåret kan inte vara före startåret." in html


def test_a_period_that_a_saved_step_no_longer_fits_names_the_steps_section(
    app, editor_client, make_plan
):
    plan_id = make_plan(
        status="draft", start=2025, end=2027, steps=[("Sent steg", "2027-02-01", "2027-03-01", 5)]
    )
    before = plans_snapshot(app)
    status, html = post_section(editor_client, plan_id, "basics", period_end_year="2026")
    assert status == 422
    assert "Steg och budget: Steget måste ligga inom planens period 2025-2026." in html
    assert 'value="2026"' in html  # what was typed stays
    assert plans_snapshot(app) == before


def test_unknown_status_values_are_refused_not_crashing(editor_client, draft):
    status, _ = post_section(
        editor_client, draft, "steps", **{"steps-0-status": "bogus", "steps-0-cost_sek": "x"}
    )
    assert status == 422
