"""The next version of a published plan is written in a working copy beside it.

While it is written, every public channel (the plan's page, the API's detail, list and CSV,
search, comparison, peers, the organisation's page) serves the published version to everyone,
whoever asks; members reach the draft by its own address or with ?version=draft. Publishing
the working copy makes it the plan's new version (same id, one more revision); discarding it
leaves the plan as it was. Every write is tried by every kind of actor, in the browser and
through the API.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.plans import services
from portal.plans.models import Plan, PlanRevision, PlanStatus, PlanStep
from tests.api.conftest import make_token  # noqa: F401 (a fixture; tests name it, hence F811 below)
from tests.plans.conftest import plans_snapshot
from tests.plans.test_role_matrix import ACTORS, WRITERS, act_as, assert_refused

PUBLISHED_TITLE = "Tornsvalans handlingsplan"
DRAFT_TITLE = "Kvastfeningens utkast"
# A word only the draft has, and one only the published version has.
DRAFT_WORD = "kvastfeningar"
PUBLISHED_WORD = "tornsvalor"


def _actor(user_id: int) -> User:
    return db.session.get(User, user_id)


def _draft_input(plan: Plan, draft: Plan) -> services.PlanInput:
    step = draft.steps[0]
    return services.PlanInput(
        title=DRAFT_TITLE,
        period_start_year=2024,
        period_end_year=2026,
        sections={"motives": f"Nu dansar {DRAFT_WORD} i planen."},
        maturity=[services.MaturityInput(m.dimension_id, 4, 5) for m in draft.maturity],
        steps=[
            services.StepInput(
                id=step.id,
                title="Skanna ritningar",
                start_date=step.start_date,
                end_date=step.end_date,
                cost_sek=900_000,
            ),
            services.StepInput(
                title="Nytt steg i utkastet",
                start_date=date(2025, 1, 1),
                end_date=date(2025, 6, 30),
                cost_sek=10,
            ),
        ],
    )


@pytest.fixture
def in_revision(app, make_plan, make_user) -> tuple[int, int]:
    """A published Vallentuna plan whose next version is being written: (plan id, draft id).
    Gotland has a published plan too, so that there is something to compare with."""
    make_plan("gotland", title="Gotlands plan", maturity={"digital_workflow": (2, 3)})
    plan_id = make_plan(
        title=PUBLISHED_TITLE,
        sections={"motives": f"Här häckar {PUBLISHED_WORD}."},
        steps=[("Skanna ritningar", "2024-01-01", "2024-12-31", 100_000)],
        maturity={"digital_workflow": (2, 3)},
    )
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        draft = services.reopen_plan(_actor(editor), plan)
        services.update_plan(_actor(editor), plan, _draft_input(plan, draft))
        db.session.commit()
        draft_id = draft.id
        db.session.remove()
    return plan_id, draft_id


IN_PROGRESS = ("Ny version på gång", "New version in progress")


def _says(html: str, swedish: str, english: str) -> bool:
    """Whether the page says it, in the language it was answered in (the users' choice)."""
    return swedish in html or english in html


def _gotland_plan() -> int:
    from flask import current_app

    with current_app.app_context():
        return db.session.scalar(select(Plan.id).where(Plan.title == "Gotlands plan"))


def _public_channels(client, plan_id: int, headers) -> dict[str, str]:
    """What every public channel answers about the plan, as text."""
    api_list = client.get("/api/v1/plans?per_page=100&include_drafts=true", headers=headers)
    api_csv = client.get("/api/v1/plans.csv?include_drafts=true", headers=headers)
    compare_api = client.get("/api/v1/plans/compare?orgs=vallentuna,gotland", headers=headers)
    return {
        "page": client.get(f"/plans/{plan_id}").get_data(as_text=True),
        "list page": client.get("/plans").get_data(as_text=True),
        "api detail": client.get(f"/api/v1/plans/{plan_id}", headers=headers).get_data(
            as_text=True
        ),
        "api list": api_list.get_data(as_text=True),
        "csv": api_csv.get_data(as_text=True),
        "compare": client.get(f"/plans/compare?ids={plan_id},{_gotland_plan()}").get_data(
            as_text=True
        ),
        "compare api": compare_api.get_data(as_text=True),
        "peers": client.get(f"/plans/compare/peers?id={plan_id}").get_data(as_text=True),
        "org page": client.get("/organizations/vallentuna").get_data(as_text=True),
        "search": client.get(f"/search?q={DRAFT_WORD}").get_data(as_text=True),
        "search api": client.get(f"/api/v1/search?q={DRAFT_WORD}", headers=headers).get_data(
            as_text=True
        ),
    }


@pytest.mark.usefixtures("search_index")
@pytest.mark.parametrize("actor", ACTORS)
def test_every_public_channel_serves_the_published_version_during_a_revision(
    app, client, login_as, users, api_headers, in_revision, actor
):
    plan_id, draft_id = in_revision
    from tests.search.support import index_now

    with app.app_context():
        index_now()  # the change log of the publish, the reopen and the draft's edits
    act_as(client, login_as, users, actor)
    headers = api_headers(actor)
    with app.app_context():
        channels = _public_channels(client, plan_id, headers)
    for name, text in channels.items():
        assert DRAFT_TITLE not in text, name
        assert DRAFT_WORD not in text.lower() or name.startswith("search"), name
    for name in ("page", "list page", "api detail", "api list", "csv", "compare", "peers"):
        assert PUBLISHED_TITLE in channels[name], name
    # The draft's word finds nothing; the published word still finds the plan.
    assert f"/plans/{plan_id}" not in channels["search"]
    assert client.get(f"/api/v1/search?q={DRAFT_WORD}", headers=headers).json["total"] == 0
    assert f"/plans/{plan_id}" in client.get(f"/search?q={PUBLISHED_WORD}").get_data(as_text=True)
    # Lists keep the plan in its place and never list the draft beside it.
    ids = [
        p["id"]
        for p in client.get("/api/v1/plans?include_drafts=true", headers=headers).json["items"]
    ]
    assert plan_id in ids and draft_id not in ids
    rows = list(csv.DictReader(io.StringIO(channels["csv"])))
    assert str(draft_id) not in {row["id"] for row in rows}
    detail = client.get(f"/api/v1/plans/{plan_id}", headers=headers).json
    assert detail["title"] == PUBLISHED_TITLE and detail["status"] == "published"
    assert detail["steps"][0]["cost_sek"] == 100_000
    asked = client.get(f"/api/v1/plans/{plan_id}?version=draft", headers=headers).json
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    if actor in ("anonymous", "other_org_member"):
        # Nothing hints at the draft: not its id, not the banner, not the badge.
        assert client.get(f"/plans/{draft_id}").status_code == 404
        assert client.get(f"/api/v1/plans/{draft_id}", headers=headers).status_code == 404
        assert asked == detail and detail["working_copy"] is None
        assert f"/plans/{draft_id}" not in page and not _says(page, *IN_PROGRESS)
        assert not _says(channels["org page"], *IN_PROGRESS)
    else:
        # Members see the draft where they ask for it, and are told it exists.
        assert asked["id"] == draft_id and asked["title"] == DRAFT_TITLE
        assert asked["working_copy_of"] == plan_id and detail["working_copy"] == draft_id
        assert f"/plans/{draft_id}" in page and _says(page, *IN_PROGRESS)
        assert _says(channels["org page"], *IN_PROGRESS)
        draft_page = client.get(f"/plans/{draft_id}").get_data(as_text=True)
        assert DRAFT_TITLE in draft_page
        assert _says(draft_page, "Du ser ett utkast", "You are looking at a draft")
        assert f'href="/plans/{plan_id}"' in draft_page  # "Visa den publicerade versionen"


def _state(app, plan_id: int) -> tuple[str, str, int, int]:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        drafts = db.session.scalar(
            select(func.count()).select_from(Plan).where(Plan.working_copy_of_id == plan_id)
        )
        revisions = db.session.scalar(
            select(func.count()).select_from(PlanRevision).where(PlanRevision.plan_id == plan_id)
        )
        state = (plan.title, plan.status.value, drafts, revisions)
        db.session.remove()
        return state


def _press(app, client, login_as, users, actor: str, url: str, *, draft: bool):
    """Press the button that posts to `url` as `actor`; for those who may not, check the
    refusal and that nothing changed, and answer None; else the response (a redirect)."""
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(url)
    if actor in WRITERS:
        return response
    assert_refused(response, actor, draft=draft)
    assert plans_snapshot(app) == before
    return None


@pytest.mark.parametrize("by", ["plan", "draft"])
@pytest.mark.parametrize("actor", ACTORS)
def test_publish_working_copy_in_the_browser(app, client, login_as, users, in_revision, actor, by):
    plan_id, draft_id = in_revision
    with app.app_context():
        step_id = db.session.scalar(select(PlanStep.id).where(PlanStep.plan_id == plan_id))
    url = f"/plans/{plan_id if by == 'plan' else draft_id}/publish"
    response = _press(app, client, login_as, users, actor, url, draft=by == "draft")
    if response is not None:
        assert response.headers["Location"].endswith(f"/plans/{plan_id}")
        assert _state(app, plan_id) == (DRAFT_TITLE, "published", 0, 2)
        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            # The continued step kept its id; the new one came over; the draft is gone.
            assert [(s.id, s.cost_sek) for s in plan.steps][0] == (step_id, 900_000)
            assert [s.title for s in plan.steps] == ["Skanna ritningar", "Nytt steg i utkastet"]
            assert [(m.current_level, m.target_level) for m in plan.maturity] == [(4, 5)]
            assert plan.revisions[-1].snapshot["title"] == DRAFT_TITLE
            assert plan.is_current and db.session.get(Plan, draft_id) is None
        assert DRAFT_TITLE in client.get(f"/plans/{plan_id}").get_data(as_text=True)


@pytest.mark.parametrize("by", ["plan", "draft"])
@pytest.mark.parametrize("actor", ACTORS)
def test_discard_working_copy_in_the_browser(app, client, login_as, users, in_revision, actor, by):
    plan_id, draft_id = in_revision
    before = plans_snapshot(app)
    url = f"/plans/{plan_id if by == 'plan' else draft_id}/discard"
    response = _press(app, client, login_as, users, actor, url, draft=by == "draft")
    if response is not None:
        assert response.headers["Location"].endswith(f"/plans/{plan_id}")
        assert _state(app, plan_id) == (PUBLISHED_TITLE, "published", 0, 1)
        after = plans_snapshot(app)
        # Only the draft's rows went; the published plan is untouched.
        assert [r for r in after["plans"]] == [r for r in before["plans"] if r[0] != draft_id]
        assert client.post(f"/plans/{plan_id}/discard").status_code == 302  # nothing to discard
        assert _state(app, plan_id) == (PUBLISHED_TITLE, "published", 0, 1)


def test_second_reopen_while_a_draft_exists_is_refused(app, client, login_as, users, in_revision):
    plan_id, draft_id = in_revision
    login_as(users["editor"])
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/reopen", follow_redirects=True)
    assert "En ny version av planen skrivs redan" in response.get_data(as_text=True)
    assert plans_snapshot(app) == before
    # The published plan can still be archived or marked current while its draft is written.
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f'action="/plans/{plan_id}/archive"' in page
    assert f'action="/plans/{plan_id}/discard"' in page
    assert f'action="/plans/{plan_id}/reopen"' not in page
    # Editing the published plan leads to its draft.
    assert (
        client.get(f"/plans/{plan_id}/edit").headers["Location"].endswith(f"/plans/{draft_id}/edit")
    )


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api_headers(users, make_token):  # noqa: F811 (the fixture imported above)
    """The Authorization header of a write token per actor of the matrix (None: anonymous)."""

    def headers(actor: str) -> dict | None:
        if actor == "anonymous":
            return None
        return {"Authorization": f"Bearer {make_token(users[actor], write=True)}"}

    return headers


def _api_write(app, client, api_headers, actor: str, method: str, url: str, body=None):
    """Send the write as `actor` and answer the response of those who may write (200); for
    everyone else check the refusal (401 anonymous, 403 the rest: the plan is public) and
    that nothing changed, and answer None."""
    before = plans_snapshot(app)
    response = getattr(client, method)(url, json=body, headers=api_headers(actor))
    if actor in WRITERS:
        assert response.status_code == 200, response.json
        return response
    assert response.status_code == (401 if actor == "anonymous" else 403), response.status_code
    assert plans_snapshot(app) == before
    return None


@pytest.mark.parametrize("actor", ACTORS)
def test_api_reopen_starts_a_working_copy(app, client, make_plan, api_headers, actor):
    plan_id = make_plan(title=PUBLISHED_TITLE)
    url = f"/api/v1/plans/{plan_id}/reopen"
    response = _api_write(app, client, api_headers, actor, "post", url)
    if response is not None:
        assert response.json["status"] == "draft"
        assert response.json["working_copy_of"] == plan_id and response.json["id"] != plan_id
        assert _state(app, plan_id) == (PUBLISHED_TITLE, "published", 1, 1)
        assert client.post(url, headers=api_headers(actor)).status_code == 422
        assert client.get(f"/api/v1/plans/{plan_id}").json["status"] == "published"


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("actor", ACTORS)
def test_api_edit_of_a_plan_in_revision_changes_its_draft(
    app, client, api_headers, in_revision, actor, method
):
    plan_id, draft_id = in_revision
    body = {"title": "Via API"}
    if method == "put":
        body.update(period_start_year=2024, period_end_year=2026)
    url = f"/api/v1/plans/{plan_id}"
    response = _api_write(app, client, api_headers, actor, method, url, body)
    if response is not None:
        assert response.json["id"] == draft_id and response.json["title"] == "Via API"
        assert _state(app, plan_id)[0] == PUBLISHED_TITLE
        assert client.get(url).json["title"] == PUBLISHED_TITLE
        if method == "patch":
            # PATCH started from the draft, not from the published version.
            assert response.json["steps"][1]["title"] == "Nytt steg i utkastet"


def test_api_if_match_on_a_plan_in_revision_is_the_drafts_etag(client, api_headers, in_revision):
    plan_id, _draft_id = in_revision
    headers = api_headers("editor")
    public = client.get(f"/api/v1/plans/{plan_id}", headers=headers)
    draft = client.get(f"/api/v1/plans/{plan_id}?version=draft", headers=headers)
    stale = client.patch(
        f"/api/v1/plans/{plan_id}",
        json={"title": "A"},
        headers={**headers, "If-Match": public.headers["ETag"]},
    )
    assert stale.status_code == 412
    fresh = client.patch(
        f"/api/v1/plans/{plan_id}",
        json={"title": "B"},
        headers={**headers, "If-Match": draft.headers["ETag"]},
    )
    assert fresh.status_code == 200 and fresh.json["title"] == "B"


@pytest.mark.parametrize("action", ["publish", "discard"])
@pytest.mark.parametrize("actor", ACTORS)
def test_api_publish_and_discard_matrix(app, client, api_headers, in_revision, actor, action):
    plan_id, _draft_id = in_revision
    url = f"/api/v1/plans/{plan_id}/{action}"
    response = _api_write(app, client, api_headers, actor, "post", url)
    if response is not None:
        assert response.json["id"] == plan_id and response.json["working_copy"] is None
        expected = DRAFT_TITLE if action == "publish" else PUBLISHED_TITLE
        assert response.json["title"] == expected
        revisions = [1, 2] if action == "publish" else [1]
        assert [r["number"] for r in response.json["revisions"]] == revisions
        assert _state(app, plan_id) == (expected, "published", 0, len(revisions))
        assert client.post(url, headers=api_headers(actor)).status_code == 422


def test_api_edit_of_a_published_plan_without_draft_says_how(client, make_plan, api_headers):
    plan_id = make_plan()
    headers = api_headers("editor")
    response = client.patch(f"/api/v1/plans/{plan_id}", json={"title": "x"}, headers=headers)
    assert response.status_code == 422
    assert client.get(f"/api/v1/plans/{plan_id}").json["title"] == "Handlingsplan"


def test_a_plain_draft_works_as_before(app, client, login_as, users, make_plan):
    plan_id = make_plan(status="draft")
    login_as(users["editor"])
    assert client.post(f"/plans/{plan_id}/discard").status_code == 302  # refused: not a copy
    assert _state(app, plan_id)[1:] == ("draft", 0, 0)
    assert (
        client.post(f"/plans/{plan_id}/publish").headers["Location"].endswith(f"/plans/{plan_id}")
    )
    assert _state(app, plan_id)[1:] == ("published", 0, 1)


def test_archived_plan_reopened_becomes_published_with_the_new_version(
    app, client, login_as, users, make_plan
):
    plan_id = make_plan(status="archived")
    login_as(users["editor"])
    draft_url = client.post(f"/plans/{plan_id}/reopen").headers["Location"]
    assert _state(app, plan_id)[1:] == ("archived", 1, 1)
    assert client.get(f"/plans/{plan_id}").status_code == 200
    client.post(draft_url.replace("http://localhost", "") + "/publish")
    assert _state(app, plan_id)[1:] == ("published", 0, 2)
    with app.app_context():
        assert db.session.get(Plan, plan_id).status == PlanStatus.PUBLISHED


def test_a_working_copy_carries_every_collection_of_the_plan(app, make_plan, make_user):
    """The copy and the publish work over the plan's relationships, not a list of names, so a
    collection another feature adds (attachments) travels with the plan too."""
    plan_id = make_plan(
        standards=["dcat-ap-se"],
        maturity={"digital_workflow": (2, 3)},
        steps=[("Steg", "2024-01-01", "2024-12-31", 5)],
        strategies=[services.StrategyInput(title="Strategi")],
        decisions=[services.DecisionInput(body="Kommunstyrelsen")],
    )
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        draft = services.reopen_plan(_actor(editor), plan)
        for name in ("strategies", "decisions", "maturity", "standards", "steps"):
            assert len(getattr(draft, name)) == len(getattr(plan, name)) == 1, name
            assert getattr(draft, name)[0].id != getattr(plan, name)[0].id
        assert draft.steps[0].copied_from_id == plan.steps[0].id
        assert services._content_collections()  # the relationships are found by inspection
        names = {rel.key for rel in services._content_collections()}
        assert {"strategies", "decisions", "partners", "maturity", "standards", "steps"} <= names
        assert "revisions" not in names


@pytest.mark.usefixtures("search_index")
def test_publishing_the_working_copy_makes_its_text_searchable(
    app, client, login_as, users, in_revision
):
    from tests.search.support import index_now

    plan_id, _draft_id = in_revision
    login_as(users["editor"])
    client.post(f"/plans/{plan_id}/publish")
    with app.app_context():
        index_now()
    hits = client.get(f"/api/v1/search?q={DRAFT_WORD}").json["items"]
    assert [hit["url"].rsplit("/", 1)[-1] for hit in hits] == [str(plan_id)]
    assert client.get(f"/api/v1/search?q={PUBLISHED_WORD}").json["total"] == 0


def test_demo_plans_carry_their_original_publication_dates(ctx):
    from portal.orgs.models import Organisation
    from portal.seed import seed_demo

    seed_demo()
    db.session.commit()
    for slug, year in (("gotland", 2018), ("vallentuna", 2017)):
        (plan,) = db.session.scalars(
            select(Plan).join(Organisation).where(Organisation.slug == slug)
        )
        (revision,) = plan.revisions
        assert plan.published_at.year == revision.published_at.year == year, slug
        assert plan.created_at.year == plan.updated_at.year == year, slug
