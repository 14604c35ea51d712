"""Two editors open the same draft plan and save one after the other: the second is shown the
first one's change and keeps their own text, instead of overwriting it unseen."""

from __future__ import annotations

from portal.extensions import db
from portal.plans.models import Plan
from tests.conftest import login
from tests.experiences.test_edit_conflicts import loaded_version


def form(title: str, situation: str, version: str) -> dict:
    return {
        "title": title,
        "period_start_year": "2025",
        "period_end_year": "2027",
        "current_situation": situation,
        "loaded_version": version,
    }


def test_saving_a_plan_over_a_newer_version_shows_it_and_keeps_the_users_text(
    app, make_user, make_plan
):
    plan_id = make_plan("vallentuna", status="draft", title="Utkastet")
    url = f"/plans/{plan_id}/edit/analysis"
    anna, bertil = app.test_client(), app.test_client()
    for name, client in (("anna", anna), ("bertil", bertil)):
        make_user(f"{name}@example.com", member_of="vallentuna", role="editor")
        login(client, f"{name}@example.com")
    version = loaded_version(anna.get(url).get_data(as_text=True))
    assert loaded_version(bertil.get(url).get_data(as_text=True)) == version

    assert bertil.post(url, data=form("Bertils plan", "Bertils nuläge", version)).status_code == 302

    clash = anna.post(url, data=form("Annas plan", "Annas nuläge", version))
    assert clash.status_code == 422
    html = clash.get_data(as_text=True)
    assert "Annas nuläge" in html and "Bertils nuläge" in html
    with app.app_context():
        assert db.session.get(Plan, plan_id).current_situation == "Bertils nuläge"

    again = anna.post(url, data=form("Annas plan", "Annas nuläge", loaded_version(html)))
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Plan, plan_id).current_situation == "Annas nuläge"
