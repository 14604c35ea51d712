"""Browsing /plans, reading a plan, its history and the revision diff."""

from __future__ import annotations

import re

from portal.accounts.models import User
from portal.extensions import db
from portal.plans import services
from portal.plans.models import Plan


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/plans/\d+">([^<]+)</a>', html)


def test_index_lists_published_and_archived_but_never_drafts(client, make_plan):
    make_plan(title="Publicerad")
    make_plan(title="Arkiverad", status="archived")
    make_plan(title="Utkastet", status="draft")
    html = client.get("/plans").get_data(as_text=True)
    assert sorted(titles(html)) == ["Arkiverad", "Publicerad"]
    assert titles(client.get("/plans?status=archived").get_data(as_text=True)) == ["Arkiverad"]
    assert titles(client.get("/plans?status=draft").get_data(as_text=True)) != ["Utkastet"]


def test_index_filters(client, make_plan):
    make_plan("vallentuna", title="Vallentunas plan", start=2018, end=2020,
              standards=["nationella-geodataplattformen"])  # fmt: skip
    make_plan("gotland", title="Gotlands plan", start=2022, end=2025)
    make_plan("boverket", title="Boverkets plan", start=2024, end=2026)

    def get(query: str) -> list[str]:
        return sorted(titles(client.get(f"/plans?{query}").get_data(as_text=True)))

    assert get("kind=authority") == ["Boverkets plan"]
    assert get("kind=municipality") == ["Gotlands plan", "Vallentunas plan"]
    assert get("county=09") == ["Gotlands plan"]
    assert get("org=vallentuna") == ["Vallentunas plan"]
    assert get("org=0980") == ["Gotlands plan"]
    assert get("year=2019") == ["Vallentunas plan"]
    assert get("year=2024") == ["Boverkets plan", "Gotlands plan"]
    assert get("standard=nationella-geodataplattformen") == ["Vallentunas plan"]
    assert get("q=gotland") == ["Gotlands plan"]
    assert get("q=%25") == []


def test_index_sorts_by_budget_and_title(client, make_plan):
    make_plan(title="B liten", steps=[("s", "2024-01-01", "2024-12-31", 100)])
    make_plan(title="A stor", steps=[("s", "2024-01-01", "2024-12-31", 5000)])
    make_plan(title="C mellan", steps=[("s", "2024-01-01", "2024-12-31", 700),
                                       ("t", "2025-01-01", "2025-12-31", 600)])  # fmt: skip
    make_plan(title="D ingen")
    by_budget = titles(client.get("/plans?sort=budget").get_data(as_text=True))
    assert by_budget == ["A stor", "C mellan", "B liten", "D ingen"]
    assert titles(client.get("/plans?sort=title").get_data(as_text=True)) == [
        "A stor", "B liten", "C mellan", "D ingen",
    ]  # fmt: skip
    html = client.get("/plans?sort=budget").get_data(as_text=True)
    assert "5\u00a0000\u00a0kr" in html and "1\u00a0300\u00a0kr" in html


def test_index_is_paginated(client, make_plan):
    for n in range(23):
        make_plan(title=f"Plan {n:02d}")
    first = client.get("/plans?sort=title").get_data(as_text=True)
    second = client.get("/plans?sort=title&page=2").get_data(as_text=True)
    assert len(titles(first)) == 20 and len(titles(second)) == 3
    assert 'rel="next"' in first and "Plan 22" in second


def test_reading_view_shows_sections_chart_timeline_and_links(client, make_plan):
    plan_id = make_plan(
        title="Läsbar plan",
        start=2024,
        end=2025,
        steps=[("Digitalisera planer", "2024-07-01", "2025-06-30", 365_000)],
        standards=["bfs-2020-5"],
        maturity={"digital_information": (2, 4)},
        sections={"current_situation": "Vi har **papper**.", "strengths": "<script>x</script>"},
    )
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert html.count("<h1>") == 1
    assert 'href="#current_situation"' in html and "<strong>papper</strong>" in html
    assert "<script>x</script>" not in html
    # The maturity chart is an accessible SVG, and the numbers are in a table too.
    assert '<svg class="maturity-chart"' in html and 'role="img"' in html
    assert re.search(r"<th scope=\"row\">Digital information</th><td>2</td><td>4</td>", html)
    # Timeline: 184 days in 2024, 181 in 2025 -> 184 000 kr and 181 000 kr.
    assert (
        "184\u00a0000\u00a0kr" in html
        and "181\u00a0000\u00a0kr" in html
        and "365\u00a0000\u00a0kr" in html
    )
    assert "BFS 2020:5 – Boverkets föreskrifter om detaljplan" in html
    assert f'href="/plans/compare?ids={plan_id}"' in html
    assert 'href="/organizations/vallentuna"' in html


def test_history_and_diff_show_budget_text_step_and_maturity_changes(
    app, client, make_plan, make_user
):
    editor = make_user(member_of="vallentuna", role="editor")
    plan_id = make_plan(
        steps=[("Behålls", "2024-01-01", "2024-12-31", 1000), ("Tas bort", "2025-01-01", "2025-12-31", 50)],
        maturity={"digital_workflow": (2, 3)},
        sections={"motives": "Rad ett\nRad två"},
    )  # fmt: skip
    with app.app_context():
        actor = db.session.get(User, editor)
        plan = db.session.get(Plan, plan_id)
        kept = services.reopen_plan(actor, plan).steps[0]
        dimension_id = plan.maturity[0].dimension_id
        services.update_plan(
            actor,
            plan,
            services.PlanInput(
                title="Handlingsplan",
                period_start_year=2024,
                period_end_year=2026,
                sections={"motives": "Rad ett\nRad tre"},
                maturity=[services.MaturityInput(dimension_id, 3, 5)],
                steps=[
                    services.StepInput(id=kept.id, title="Behålls", start_date=kept.start_date,
                                       end_date=kept.end_date, cost_sek=4000),
                    services.StepInput(title="Nytt steg", start_date=kept.start_date,
                                       end_date=kept.end_date, cost_sek=10),
                ],
            ),
        )  # fmt: skip
        services.publish_plan(actor, plan)
        db.session.commit()
    history = client.get(f"/plans/{plan_id}/history").get_data(as_text=True)
    assert "Version 1" in history and "Version 2" in history
    html = client.get(f"/plans/{plan_id}/history/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>1\u00a0050\u00a0kr</del> → <ins>4\u00a0010\u00a0kr</ins>" in html
    assert (
        "<del>1\u00a0000\u00a0kr</del> → <ins>4\u00a0000\u00a0kr</ins>" in html
    )  # the changed step's cost
    assert "<ins>Nytt steg</ins>" in html and "<del>Tas bort</del>" in html
    # Word by word: only the changed word of the second line is marked.
    assert "Rad ett\nRad <del>två</del><ins>tre</ins>" in html
    assert "<del>2</del> → <ins>3</ins>" in html and "<del>3</del> → <ins>5</ins>" in html
    # Either order of the two versions gives the same reading.
    assert client.get(f"/plans/{plan_id}/history/compare?a=2&b=1").status_code == 200
    assert client.get(f"/plans/{plan_id}/history/compare?a=1&b=9").status_code == 404


def test_organisation_page_lists_its_plans(client, make_plan):
    make_plan(title="Vallentunas publicerade plan")
    html = client.get("/organizations/vallentuna").get_data(as_text=True)
    assert "Vallentunas publicerade plan" in html


def test_editor_journey_through_the_pages(app, client, login_as, make_user):
    from tests.plans.conftest import org_id, plan_form

    login_as(make_user(member_of="vallentuna", role="editor"))
    with app.app_context():
        vallentuna = org_id("vallentuna")
    response = client.post("/plans/new", data=plan_form(org=vallentuna))
    plan_id = int(response.headers["Location"].split("/")[2])
    assert client.post(f"/plans/{plan_id}/edit/steps", data=plan_form()).status_code == 302
    assert client.post(f"/plans/{plan_id}/publish").status_code == 302
    assert client.get(f"/plans/{plan_id}/edit").status_code == 302  # published: not editable
    assert client.get(f"/plans/{plan_id}/edit/steps").headers["Location"] == f"/plans/{plan_id}"
    draft_url = client.post(f"/plans/{plan_id}/reopen").headers["Location"]
    draft_id = int(draft_url.rsplit("/", 1)[1])
    # The published plan's edit links lead to the same section of its next version's draft.
    assert (
        client.get(f"/plans/{plan_id}/edit/steps")
        .headers["Location"]
        .endswith(f"/plans/{draft_id}/edit/steps")
    )
    form = client.get(f"/plans/{draft_id}/edit/steps").get_data(as_text=True)
    step_id = re.search(r'name="steps-0-id" type="hidden" value="(\d+)"', form).group(1)
    response = client.post(
        f"/plans/{draft_id}/edit/steps",
        data=plan_form(**{"steps-0-id": step_id, "steps-0-cost_sek": "250000"}),
    )
    assert response.status_code == 302
    assert (
        client.post(f"/plans/{draft_id}/publish").headers["Location"].endswith(f"/plans/{plan_id}")
    )
    html = client.get(f"/plans/{plan_id}/history/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>100\u00a0000\u00a0kr</del> → <ins>250\u00a0000\u00a0kr</ins>" in html
    assert "Tillagda" not in html  # the step was changed, not replaced


def test_steps_can_be_reordered_and_removed_in_the_form(app, client, login_as, make_user):
    from tests.plans.conftest import org_id, plan_form

    login_as(make_user(member_of="vallentuna", role="editor"))
    with app.app_context():
        vallentuna = org_id("vallentuna")
    second = {
        "steps-1-position": "2",
        "steps-1-title": "Andra steget",
        "steps-1-start_date": "2026-01-01",
        "steps-1-end_date": "2026-06-30",
        "steps-2-position": "3",
        "steps-2-title": "Tredje steget",
        "steps-2-start_date": "2026-01-01",
        "steps-2-end_date": "2026-06-30",
    }
    response = client.post("/plans/new", data=plan_form(org=vallentuna))
    plan_id = int(response.headers["Location"].split("/")[2])
    url = f"/plans/{plan_id}/edit/steps"
    assert client.post(url, data=plan_form(**second)).status_code == 302
    with app.app_context():
        ids = [s.id for s in db.session.get(Plan, plan_id).steps]
    changes = {
        "steps-0-id": str(ids[0]),
        "steps-0-position": "3",
        "steps-1-id": str(ids[1]),
        "steps-1-position": "1",
    }
    # The third row was removed (its "remove" button, or the script): it is not sent at all.
    sent = {k: v for k, v in plan_form(**{**second, **changes}).items() if "steps-2-" not in k}
    response = client.post(url, data=sent)
    assert response.status_code == 302
    with app.app_context():
        steps = db.session.get(Plan, plan_id).steps
        assert [s.title for s in steps] == ["Andra steget", "Första steget"]
        assert [s.id for s in steps] == [ids[1], ids[0]]


def _other_plans_section(html: str) -> str:
    return html.split('id="other-h"', 1)[1].split("</section>", 1)[0]


def test_plan_page_names_ten_other_plans_and_says_when_there_are_more(client, make_plan):
    """An organisation that has written many plans does not make each plan's page long (or
    slow): it names the current plan and the newest, and says that the list has them all."""
    ids = [make_plan(title=f"Plan {year}", start=year, end=year + 2) for year in range(2001, 2013)]
    html = client.get(f"/plans/{ids[0]}").get_data(as_text=True)
    section = _other_plans_section(html)
    named = titles(section)
    assert len(named) == services.OTHER_PLANS_SHOWN == 10
    # The current plan (the first published) is its own page; the others newest first.
    assert named == [f"Plan {year}" for year in range(2012, 2002, -1)]
    assert "organisationen har fler" in section
    assert "/plans?org=vallentuna" in section
    first = make_plan("gotland", title="Gotland 1")
    make_plan("gotland", title="Gotland 2", start=2027, end=2028)
    section = _other_plans_section(client.get(f"/plans/{first}").get_data(as_text=True))
    assert titles(section) == ["Gotland 2"]
    assert "organisationen har fler" not in section


def test_plan_page_and_county_map_read_plans_by_key(app, client, login_as, make_plan, make_user):
    """However many plans the portal holds, a plan's page reads only its organisation's plans
    and the county map one entry per municipality (the query plan says so)."""
    from portal.plans.coverage import county_coverage
    from tests.query_plans import captured_selects, unkeyed_reads

    ids = [make_plan(title=f"Plan {year}", start=year, end=year + 2) for year in (2020, 2023)]
    make_plan(status="draft", title="Utkast")
    url = f"/plans/{ids[1]}"
    client.get(url)
    with captured_selects(app) as anonymous:
        assert client.get(url).status_code == 200
    login_as(make_user(member_of="vallentuna", role="editor"))
    client.get(url)
    with captured_selects(app) as member:
        assert client.get(url).status_code == 200
    keys = ("organisation_id", "working_copy_of_id")
    for statements in (anonymous, member):
        assert statements
        assert not unkeyed_reads(statements, "plans", keys)
    with captured_selects(app) as coverage, app.app_context():
        county_coverage()
    assert coverage
    assert not unkeyed_reads(coverage, "plans", keys)
