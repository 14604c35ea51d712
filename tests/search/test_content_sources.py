"""Plans, experiences and needs are searchable through the change log, drafts never are."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.experiences import services as experience_services
from portal.experiences.models import Experience
from portal.extensions import db
from portal.needs import services as need_services
from portal.needs.models import SupportStatus
from portal.orgs.models import Organisation, OrganisationKind
from portal.plans import services as plans
from portal.plans.models import Plan, PlanStatus, PlanStep
from portal.search.content import load_plans
from portal.search.services import search
from portal.standards.models import Standard
from tests.search.support import index_now, titles

pytestmark = pytest.mark.usefixtures("search_index")


def _org(slug: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def _std(slug: str) -> Standard:
    return db.session.scalar(select(Standard).where(Standard.slug == slug))


def _commit_and_index() -> None:
    db.session.commit()
    index_now()


def _gone(word: str, misspelt: str) -> None:
    results = search(word)
    assert results.page.total == 0 and results.hits == [] and results.facets == []
    assert search(misspelt).suggestion is None


def _plan_input(word: str, standard: Standard) -> plans.PlanInput:
    return plans.PlanInput(
        title="Sökbar handlingsplan",
        period_start_year=2025,
        period_end_year=2027,
        sections={"target_picture": f"Målbild med {word}sektion."},
        standards=[plans.StandardInput(standard.id)],
        steps=[
            plans.StepInput(
                title=f"Steget {word}steg",
                start_date=date(2025, 1, 1),
                end_date=date(2025, 12, 31),
                cost_sek=None,
            )
        ],
    )


def test_plan_appears_on_publish_stays_archived_and_in_revision_and_leaves_on_delete(
    app, ctx, make_user
):
    editor = db.session.get(User, make_user(member_of="vallentuna", role="editor"))
    org = _org("vallentuna")
    std = db.session.scalar(select(Standard).order_by(Standard.id))
    plan = plans.create_plan(editor, org, _plan_input("qzxplan", std))
    _commit_and_index()
    # A draft: not in results, counts, facets or suggestions.
    _gone("qzxplansteg", "qzxplanstag")
    _gone("qzxplansektion", "qzxplansektian")

    plans.publish_plan(editor, plan)
    _commit_and_index()
    for word in ("qzxplansteg", "qzxplansektion"):
        assert titles(search(word)) == ["Sökbar handlingsplan"]
    results = search("qzxplansteg")
    facets = {f.name: {v.value for v in f.values} for f in results.facets}
    assert facets["type"] == {"plan"}
    assert facets["kind"] == {OrganisationKind.MUNICIPALITY.value}
    assert facets["county"] == {org.county_code}
    assert std.slug in facets["standard"]
    assert facets["year"] == {str(plan.published_at.year)}
    with app.test_request_context():
        assert search("qzxplansteg").hits[0].url == f"/plans/{plan.id}"
    assert search("qzxplanstag").suggestion == "qzxplansteg"
    # Narrowing by a facet keeps it; another kind drops it.
    assert search("qzxplansteg", selected={"kind": ["municipality"]}).page.total == 1
    assert search("qzxplansteg", selected={"kind": ["supplier"]}).page.total == 0

    plans.archive_plan(editor, plan)
    _commit_and_index()
    assert search("qzxplansteg").page.total == 1

    # The next version is written beside it (a draft, never indexed): the plan stays found,
    # once, and so after its next version is published.
    draft = plans.reopen_plan(editor, plan)
    _commit_and_index()
    assert search("qzxplansteg").page.total == 1

    plans.publish_plan(editor, draft)
    _commit_and_index()
    assert search("qzxplansteg").page.total == 1
    db.session.delete(plan)
    _commit_and_index()
    _gone("qzxplansteg", "qzxplanstag")


def test_a_step_change_reaches_the_plan_document(ctx, make_user):
    editor = db.session.get(User, make_user(member_of="gotland", role="editor"))
    std = db.session.scalar(select(Standard).order_by(Standard.id))
    plan = plans.create_plan(editor, _org("gotland"), _plan_input("wqvgot", std))
    plans.publish_plan(editor, plan)
    _commit_and_index()
    assert search("wqvgotsteg").page.total == 1
    # Behind the services' back (say, an admin fix), a step's text changes: the plan follows.
    step = db.session.scalar(select(PlanStep).where(PlanStep.plan_id == plan.id))
    step.description = "Nytt ord: wqvnyttord."
    _commit_and_index()
    assert titles(search("wqvnyttord")) == ["Sökbar handlingsplan"]
    db.session.delete(step)
    _commit_and_index()
    assert search("wqvgotsteg").page.total == 0 and search("wqvgotsektion").page.total == 1


def test_experience_only_while_published(app, ctx, make_user):
    author = db.session.get(User, make_user(member_of="vallentuna", role="editor"))
    std = db.session.scalar(select(Standard).order_by(Standard.id))
    experience = experience_services.create_experience(
        author,
        _org("vallentuna"),
        title="Lärdomar om kvxerfarenhet",
        body="Vi lärde oss mycket om kvxtext.",
        tags=["kvxtagg"],
        standard_ids=[std.id],
    )
    _commit_and_index()
    _gone("kvxtext", "kvxtaxt")

    experience_services.publish_experience(author, experience)
    _commit_and_index()
    results = search("kvxtext")
    assert titles(results) == ["Lärdomar om kvxerfarenhet"]
    facets = {f.name: {v.value for v in f.values} for f in results.facets}
    assert facets["type"] == {"experience"} and facets["standard"] == {std.slug}
    with app.test_request_context():
        assert results.hits[0].url == f"/experiences/{experience.id}"
    assert search("kvxtagg").page.total == 1

    # Changing only the tags (a many-to-many collection) is logged too.
    experience_services.update_experience(
        author, experience, title=experience.title, body=experience.body, tags=["kvxannan"]
    )
    _commit_and_index()
    assert search("kvxannan").page.total == 1 and search("kvxtagg").page.total == 0

    # Comments are not indexed.
    experience_services.add_comment(author, experience, "En kommentar om kvxkommentar.")
    _commit_and_index()
    assert search("kvxkommentar").page.total == 0

    experience_services.unpublish_experience(author, experience)
    _commit_and_index()
    _gone("kvxtext", "kvxtaxt")

    experience_services.publish_experience(author, experience)
    _commit_and_index()
    assert search("kvxtext").page.total == 1
    db.session.delete(db.session.get(Experience, experience.id))
    _commit_and_index()
    _gone("kvxtext", "kvxtaxt")


def test_need_with_its_answers(app, ctx, make_user):
    author = db.session.get(User, make_user(member_of="vallentuna", role="editor"))
    need = need_services.post_need(
        author,
        _org("vallentuna"),
        title="Behov av pjxexport",
        description="Vi behöver pjxbeskrivning.",
        standard_id=None,
        desired_by=date(2027, 1, 1),
    )
    _commit_and_index()
    results = search("pjxbeskrivning")
    assert titles(results) == ["Behov av pjxexport"]
    with app.test_request_context():
        assert results.hits[0].url == f"/needs/{need.id}"

    founder = db.session.get(User, make_user())
    from portal.orgs.services import register_organisation

    supplier = register_organisation(
        founder, name="Pjx Leverans AB", kind=OrganisationKind.SUPPLIER
    )
    supplier.verified = True
    db.session.commit()
    answer = need_services.answer_need(
        founder,
        need,
        supplier,
        product="Pjxprodukt",
        support_status=SupportStatus.PLANNED,
        body="Kommer i version pjxsvarord.",
    )
    _commit_and_index()
    assert titles(search("pjxsvarord")) == ["Behov av pjxexport"]
    need_services.update_answer(
        founder,
        answer,
        product="Pjxprodukt",
        support_status=SupportStatus.SUPPORTED,
        body="Finns nu: pjxnyttsvar.",
    )
    _commit_and_index()
    assert search("pjxnyttsvar").page.total == 1 and search("pjxsvarord").page.total == 0
    db.session.delete(need)
    _commit_and_index()
    _gone("pjxbeskrivning", "pjxbeskrivnong")


def test_loading_plans_costs_a_fixed_number_of_queries(ctx, count_queries):
    org = _org("vallentuna")
    std = db.session.scalar(select(Standard).order_by(Standard.id))

    def add(n: int) -> list[str]:
        made = []
        for i in range(n):
            plan = Plan(
                organisation=org,
                title=f"Plan {i}",
                period_start_year=2025,
                period_end_year=2026,
                status=PlanStatus.PUBLISHED,
            )
            plan.steps = [
                PlanStep(title="Steg", start_date=date(2025, 1, 1), end_date=date(2025, 2, 1))
            ]
            plan.steps[0].standards = [std]
            db.session.add(plan)
            made.append(plan)
        db.session.flush()
        return [str(p.id) for p in made]

    few, many = add(3), add(500)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as small:
        docs = load_plans(db.session, few)
    assert all(docs.values())
    db.session.expunge_all()
    with count_queries() as large:
        docs = load_plans(db.session, many)
    assert len([d for d in docs.values() if d is not None]) == 500
    assert large.count == small.count
