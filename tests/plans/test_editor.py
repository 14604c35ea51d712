"""The plan editor: one page per section, each saved on its own, without JavaScript."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans import services
from portal.plans.editor import SECTIONS, get_section
from portal.plans.models import Plan
from tests.plans.conftest import browser_form, full_plan, org_id, plan_form, plans_snapshot


@pytest.fixture
def editor(app, client, login_as, make_user):
    login_as(make_user(member_of="vallentuna", role="editor"))
    return client


@pytest.fixture
def plan_id(app, make_plan) -> int:
    return full_plan(make_plan, app)


def stored(app, plan_id: int) -> dict:
    """The plan's content, field by field (text sections one by one)."""
    with app.app_context():
        data = dataclasses.asdict(services.stored_input(db.session.get(Plan, plan_id)))
        db.session.remove()
    sections = data.pop("sections")
    return {**data, **sections}


def owned(section) -> set[str]:
    return set(section.fields)


def replace(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _v in pairs), name
    return [(n, value if n == name else v) for n, v in pairs]


def first_unticked_standard(pairs: list[tuple[str, str]]) -> str:
    ticked = {n for n, _v in pairs if n.endswith("-chosen")}
    rows = [n.rsplit("-", 1)[0] for n, _v in pairs if n.endswith("-standard_id")]
    return next(f"{row}-chosen" for row in rows if f"{row}-chosen" not in ticked)


def boverket(app) -> str:
    with app.app_context():
        return str(org_id("boverket"))


# One change a person makes in each section, and the field it changes.
def change(app, key: str, pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], str]:
    if key == "basics":
        return replace(pairs, "title", "Ny rubrik"), "title"
    if key == "strategies":
        return replace(pairs, "strategies-0-title", "Ny strategi"), "strategies"
    if key == "analysis":
        return replace(pairs, "strengths", "Nya styrkor."), "strengths"
    if key == "maturity":
        return replace(pairs, "maturity-0-current_level", "3"), "maturity"
    if key == "motives":
        return replace(pairs, "motives", "Nya motiv."), "motives"
    if key == "organisation":
        return [*pairs, ("administrative_groups", "arkiv")], "administrative_groups"
    if key == "standards":
        return [*pairs, (first_unticked_standard(pairs), "y")], "standards"
    if key == "steps":
        return replace(pairs, "steps-1-title", "Omdöpt steg"), "steps"
    if key == "competence":
        return replace(pairs, "external_monitoring", "Ny bevakning."), "external_monitoring"
    assert key == "partners"
    return [*pairs, ("partner_ids", boverket(app))], "partner_ids"


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_saving_a_section_as_shown_changes_nothing(app, editor, plan_id, key):
    before = stored(app, plan_id)
    page = editor.get(f"/plans/{plan_id}/edit/{key}")
    assert page.status_code == 200
    response = editor.post(
        f"/plans/{plan_id}/edit/{key}", data=MultiDict(browser_form(page.get_data(as_text=True)))
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(app, plan_id) == before


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_saving_a_section_changes_it_and_keeps_every_other_section(app, editor, plan_id, key):
    before = stored(app, plan_id)
    page = editor.get(f"/plans/{plan_id}/edit/{key}").get_data(as_text=True)
    pairs, changed = change(app, key, browser_form(page))
    response = editor.post(f"/plans/{plan_id}/edit/{key}", data=MultiDict(pairs))
    assert response.status_code == 302, response.get_data(as_text=True)
    after = stored(app, plan_id)
    assert after[changed] != before[changed]
    for name in before:
        if name not in owned(get_section(key)):
            assert after[name] == before[name], name


def test_a_save_goes_on_to_the_next_section_and_the_last_to_the_plan(app, editor, plan_id):
    for section, following in zip(SECTIONS, [*SECTIONS[1:], None], strict=True):
        url = f"/plans/{plan_id}/edit/{section.key}"
        page = editor.get(url).get_data(as_text=True)
        response = editor.post(url, data=MultiDict(browser_form(page)))
        expected = f"/plans/{plan_id}/edit/{following.key}" if following else f"/plans/{plan_id}"
        assert response.headers["Location"] == expected


def test_edit_opens_the_first_section(editor, plan_id):
    response = editor.get(f"/plans/{plan_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{plan_id}/edit/basics"


def test_an_unknown_section_is_404(editor, plan_id):
    assert editor.get(f"/plans/{plan_id}/edit/budget").status_code == 404
    assert editor.post(f"/plans/{plan_id}/edit/budget", data={}).status_code == 404


def test_a_new_plan_starts_with_its_basics_then_the_rest(app, editor):
    with app.app_context():
        vallentuna = org_id("vallentuna")
    page = editor.get("/plans/new").get_data(as_text=True)
    assert 'name="title"' in page and 'name="steps-0-title"' not in page
    # The other parts are named but not links until the basics are saved.
    assert "Steg och budget" in page and "/edit/steps" not in page
    response = editor.post("/plans/new", data=plan_form(org=vallentuna, title="Ny plan"))
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.title == "Ny plan"))
        assert plan.summary == "Kort sammanfattning." and plan.steps == []
        assert response.headers["Location"] == f"/plans/{plan.id}/edit/strategies"


def test_validation_errors_stay_on_the_section_with_what_was_typed(app, editor, plan_id):
    before = plans_snapshot(app)
    response = editor.post(
        f"/plans/{plan_id}/edit/basics",
        data={"title": "", "summary": "Min nya sammanfattning", "period_start_year": "2025",
              "period_end_year": "2027"},
    )  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ge planen en rubrik." in html and "Min nya sammanfattning" in html
    assert 'aria-current="page">Grunduppgifter<' in html
    assert plans_snapshot(app) == before


def test_adding_a_step_row_without_javascript_keeps_what_was_typed(app, editor, plan_id):
    before = plans_snapshot(app)
    url = f"/plans/{plan_id}/edit/steps"
    pairs = replace(browser_form(editor.get(url).get_data(as_text=True)), "steps-0-title", "Ändrad")
    pairs = replace(pairs, "steps-1-cost_sek", "12 345")
    response = editor.post(url, data=MultiDict([*pairs, ("add_row", "steps")]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Ändrad"' in html and 'value="12 345"' in html
    assert 'name="steps-2-title"' in html and 'name="steps-3-title"' not in html
    assert "Steg 3" in html
    assert plans_snapshot(app) == before  # nothing saved yet
    # The new row is filled in and the section saved: the typed values arrive.
    pairs = browser_form(html)
    pairs = replace(pairs, "steps-2-title", "Tredje steget")
    pairs = replace(pairs, "steps-2-start_date", "2027-01-01")
    pairs = replace(pairs, "steps-2-end_date", "2027-03-31")
    assert editor.post(url, data=MultiDict(pairs)).status_code == 302
    with app.app_context():
        steps = db.session.get(Plan, plan_id).steps
        assert [s.title for s in steps] == ["Ändrad", "Andra steget", "Tredje steget"]
        assert steps[1].cost_sek == 12_345


def test_removing_a_step_row_without_javascript_keeps_the_others(app, editor, plan_id):
    url = f"/plans/{plan_id}/edit/steps"
    pairs = replace(browser_form(editor.get(url).get_data(as_text=True)), "steps-1-title", "Kvar")
    response = editor.post(url, data=MultiDict([*pairs, ("remove_row", "steps-0")]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="steps-0-title"' not in html and 'value="Kvar"' in html
    with app.app_context():
        assert len(db.session.get(Plan, plan_id).steps) == 2  # nothing saved yet
    assert editor.post(url, data=MultiDict(browser_form(html))).status_code == 302
    with app.app_context():
        assert [s.title for s in db.session.get(Plan, plan_id).steps] == ["Kvar"]


def test_strategies_and_decisions_rows_are_added_and_removed_the_same_way(app, editor, plan_id):
    for key, name in (("strategies", "strategies"), ("motives", "decisions")):
        url = f"/plans/{plan_id}/edit/{key}"
        pairs = browser_form(editor.get(url).get_data(as_text=True))
        html = editor.post(url, data=MultiDict([*pairs, ("add_row", name)])).get_data(as_text=True)
        assert f'name="{name}-1-' in html
        html = editor.post(url, data=MultiDict([*pairs, ("remove_row", f"{name}-0")])).get_data(
            as_text=True
        )
        assert f'name="{name}-0-' not in html
    # Each row form is also in a <template> for the script, named with __index__.
    assert 'name="decisions-__index__-body"' in html


def test_contents_mark_filled_sections_in_words_not_colour_only(app, editor, make_plan):
    plan_id = make_plan(
        status="draft",
        steps=[("Ett steg", "2024-02-01", "2024-03-01", None)],
        sections={"current_situation": "Nuläget."},
    )
    html = editor.get(f"/plans/{plan_id}/edit/steps").get_data(as_text=True)
    found = re.findall(
        r'<li class="toc-item filled-(\w+)[^"]*">\s*<a href="[^"]+/edit/(\w+)"', html
    )
    items = {key: state for state, key in found}
    assert items["steps"] == "complete" and items["analysis"] == "partial"
    assert items["strategies"] == "empty"
    assert 'aria-current="page">Steg och budget</a>' in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert "✓ ifylld" in " ".join(text.split())
    assert "delvis ifylld" in text and "inte ifylld ännu" in text
    assert "1 av 10 delar ifylld" in " ".join(text.split())


def test_maturity_levels_are_radio_buttons_with_their_description(app, editor, plan_id):
    html = editor.get(f"/plans/{plan_id}/edit/maturity").get_data(as_text=True)
    assert "<select" not in html
    assert html.count('type="radio"') == 6 * 2 * 6  # six dimensions, two choices, 5 levels + none
    assert "3 Definierad" in html
    assert "Ett dokumenterat, digitalt arbetssätt i större delen av processen" in html
    # The dimension's own anchors (from the reference data) are shown with it.
    assert "Nivå 1: planer som skannade PDF:er." in html
    # The stored levels are the ones ticked.
    assert '<input checked id="maturity-0-current_level-2"' in html
    assert '<input checked id="maturity-0-target_level-4"' in html


def test_standards_are_a_checkbox_list_keeping_each_adoption_status(app, editor, plan_id):
    url = f"/plans/{plan_id}/edit/standards"
    html = editor.get(url).get_data(as_text=True)
    assert "multiple" not in html and "Ctrl" not in html
    with app.app_context():
        total = db.session.scalar(select(db.func.count()).select_from(services.Standard))
    assert html.count('type="checkbox"') == total
    assert html.count("checked") == 2
    assert "data-filter-list" in html and "Hitta en standard" in html
    pairs = browser_form(html)
    row = next(n for n, v in pairs if n.endswith("-chosen")).rsplit("-", 1)[0]
    pairs = replace(pairs, f"{row}-status", "adopted")
    pairs = replace(pairs, f"{row}-note", "Klart 2026")
    assert editor.post(url, data=MultiDict(pairs)).status_code == 302
    with app.app_context():
        chosen = {
            s.standard.slug: (s.status.value, s.note)
            for s in db.session.get(Plan, plan_id).standards
        }
    assert chosen == {"bfs-2020-5": ("adopted", "Klart 2026"), "ss-637040-2016": ("not_started", None)}  # fmt: skip


def test_partners_are_a_checkbox_list_without_the_plans_own_organisation(app, editor, plan_id):
    html = editor.get(f"/plans/{plan_id}/edit/partners").get_data(as_text=True)
    with app.app_context():
        others = db.session.scalar(
            select(db.func.count())
            .select_from(Organisation)
            .where(Organisation.slug != "vallentuna")
        )
    assert html.count('name="partner_ids"') == others
    assert "Hitta en organisation" in html and "<select" not in html


def test_step_descriptions_are_text_and_only_the_name_is_a_row_header(client, make_plan):
    plan_id = make_plan(
        steps=[("Digitalisera planer", "2024-07-01", "2025-06-30", 365_000)],
        start=2024,
        end=2025,
    )
    with client.application.app_context():
        plan = db.session.get(Plan, plan_id)
        plan.steps[0].description = "Alla **detaljplaner** skannas."
        db.session.commit()
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert '<th scope="row">Digitalisera planer</th>' in html
    headers = re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    assert not any("detaljplaner" in h for h in headers)
    assert re.search(r'<td class="step-description"[^>]*><div class="prose"><p>Alla <strong>', html)
    # The budget per year: the step's share in each year it runs.
    assert "Digitalisera planer (184\u00a0000\u00a0kr)" in html
    assert "Digitalisera planer (181\u00a0000\u00a0kr)" in html


def test_a_section_page_takes_a_bounded_number_of_queries(app, editor, plan_id, count_queries):
    for key in ("steps", "standards", "partners", "maturity"):
        editor.get(f"/plans/{plan_id}/edit/{key}")  # warm up
        with count_queries() as log:
            assert editor.get(f"/plans/{plan_id}/edit/{key}").status_code == 200
        assert log.count <= 16, (key, log.count)
