"""Who is told of what: every kind of notification against the actors around the organisation
the content belongs to, plus followers and bystanders; never about a draft, and then once it
becomes public; never the person who acted; never twice for one event."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.experiences import services as experiences
from portal.experiences.models import Experience
from portal.extensions import db
from portal.follows import services as follows
from portal.needs import services as needs
from portal.needs.models import AdaptationNeed, NeedStatus, SupportStatus
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.orgs import services as orgs
from portal.orgs.models import Membership
from portal.plans import services as plans
from portal.plans.models import Plan
from portal.standards.models import Standard
from tests.content_fixtures import org, user

# Everyone who might be told: the roles around Vallentuna (the owner of the content), an admin
# of another organisation, a site admin, followers of the standard, the tag and Vallentuna, and
# a bystander who follows nothing.
ROLES = [
    "other_org_member",
    "member",
    "editor",
    "org_admin",
    "site_admin",
    "standard_follower",
    "tag_follower",
    "org_follower",
    "bystander",
]
STANDARD = "citygml"
TAG = "geodata"


@pytest.fixture
def world(app, people, make_user, make_supplier):
    """The actors, with their follows made through the follow service."""
    actors = people("vallentuna")
    actors["standard_follower"] = make_user()
    actors["tag_follower"] = make_user()
    actors["org_follower"] = make_user()
    actors["bystander"] = make_user()
    supplier = make_supplier("Svar AB")
    actors["supplier"] = make_user(member_of=supplier, role="member")
    actors["supplier_colleague"] = make_user(member_of=supplier, role="member")
    actors["backer"] = make_user(member_of="gotland", role="editor")
    with app.app_context():
        # A tag exists once an experience carries it.
        make_tagged = experiences.create_experience(
            user(actors["member"]), org("vallentuna"), title="Utkast", body="Text", tags=[TAG]
        )
        db.session.delete(make_tagged)
        follows.follow(user(actors["standard_follower"]), "standard", STANDARD)
        follows.follow(user(actors["tag_follower"]), "tag", TAG)
        follows.follow(user(actors["org_follower"]), "organization", "vallentuna")
        db.session.commit()
    actors["supplier_slug"] = supplier
    return actors


def told(app, actors, kind: str | None = None) -> set[str]:
    """The roles that can see a notification (of `kind`, or any) now."""
    with app.app_context():
        names = set()
        for role in [*ROLES, "supplier", "supplier_colleague", "backer"]:
            found = notifications.visible_notifications(user(actors[role]))
            if any(kind is None or n.kind == kind for n in found):
                names.add(role)
        db.session.remove()
        return names


def count_rows(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Notification)).all())


def standard_id(slug: str = STANDARD) -> int:
    return db.session.scalar(select(Standard.id).where(Standard.slug == slug))


# --- plans -------------------------------------------------------------------------------------


def test_plan_notifies_nobody_as_a_draft_and_the_organisations_people_once_published(app, world):
    with app.app_context():
        editor = user(world["editor"])
        data = plans.PlanInput(title="Handlingsplan", period_start_year=2025, period_end_year=2027)
        plan = plans.create_plan(editor, org("vallentuna"), data)
        db.session.commit()
        plan_id = plan.id
    assert count_rows(app) == 0  # a draft tells nobody
    with app.app_context():
        plans.publish_plan(user(world["editor"]), db.session.get(Plan, plan_id))
        db.session.commit()
    # The organisation's followers and its members; never the editor who published.
    assert told(app, world, "plan_published") == {"member", "org_admin", "org_follower"}


def test_new_version_tells_plan_followers_and_the_published_one_stays_visible(
    app, world, make_plan
):
    plan_id = make_plan("vallentuna")
    follower = world["bystander"]
    published = told(app, world, "plan_published")
    with app.app_context():
        follows.follow(user(follower), "plan", str(plan_id))
        plan = db.session.get(Plan, plan_id)
        plans.reopen_plan(user(world["editor"]), plan)
        db.session.commit()
    # The next version is written beside the published plan, which stays public: what was
    # told of it stays listed, and the working copy tells nobody.
    assert told(app, world, "plan_published") == published
    assert told(app, world, "plan_new_version") == set()
    with app.app_context():
        plans.publish_plan(user(world["editor"]), db.session.get(Plan, plan_id))
        db.session.commit()
    # Not the editor who published it; the bystander follows the plan.
    assert told(app, world, "plan_new_version") == {
        "member",
        "org_admin",
        "org_follower",
        "bystander",
    }


def test_plan_step_about_a_followed_standard_tells_the_standards_followers(app, world):
    with app.app_context():
        editor = user(world["editor"])
        data = plans.PlanInput(
            title="Plan med steg",
            period_start_year=2025,
            period_end_year=2027,
            steps=[
                plans.StepInput(
                    title="Inför CityGML",
                    start_date=date(2025, 1, 1),
                    end_date=date(2025, 12, 31),
                    standard_ids=[standard_id()],
                )
            ],
        )
        plan = plans.create_plan(editor, org("vallentuna"), data)
        db.session.commit()
        assert count_rows(app) == 0
        plans.publish_plan(editor, plan)
        db.session.commit()
    assert told(app, world, "plan_step_about_standard") == {"standard_follower"}


# --- needs -------------------------------------------------------------------------------------


@pytest.fixture
def need_id(app, world) -> int:
    with app.app_context():
        need = needs.post_need(
            user(world["editor"]),
            org("vallentuna"),
            title="Export i CityGML",
            description="Vi behöver export.",
            standard_id=standard_id(),
        )
        db.session.commit()
        return need.id


def test_need_about_a_standard_tells_its_followers_only(app, world, need_id):
    assert told(app, world) == {"standard_follower"}
    assert told(app, world, "need_about_standard") == {"standard_follower"}


def answer(app, world, need_id: int):
    with app.app_context():
        made = needs.answer_need(
            user(world["supplier"]),
            db.session.get(AdaptationNeed, need_id),
            org(world["supplier_slug"]),
            product="Karta Pro",
            support_status=SupportStatus.PLANNED,
        )
        db.session.commit()
        return made.id


def test_answer_tells_the_needs_organisation_and_followers_not_the_supplier(app, world, need_id):
    with app.app_context():
        follows.follow(user(world["bystander"]), "need", str(need_id))
        db.session.commit()
    answer(app, world, need_id)
    # The author (editor) follows what they posted; the members hear of their organisation's
    # need; the bystander follows it; the supplier who answered is not told of it.
    assert told(app, world, "need_answered") == {"member", "editor", "org_admin", "bystander"}
    with app.app_context():
        assert follows.following(user(world["supplier"]), follows.FollowTarget.NEED, need_id)


def test_backing_tells_the_needs_audience_and_the_backer_follows(app, world, need_id):
    with app.app_context():
        needs.back_need(
            user(world["backer"]), db.session.get(AdaptationNeed, need_id), org("gotland")
        )
        db.session.commit()
    assert told(app, world, "need_backed") == {"member", "editor", "org_admin"}
    answer(app, world, need_id)
    assert "backer" in told(app, world, "need_answered")


def test_status_change_tells_the_audience_but_not_who_changed_it(app, world, need_id):
    answer(app, world, need_id)
    with app.app_context():
        needs.change_need_status(
            user(world["org_admin"]), db.session.get(AdaptationNeed, need_id), NeedStatus.RESOLVED
        )
        db.session.commit()
    assert told(app, world, "need_status_changed") == {"member", "editor", "supplier"}


def test_accepted_answer_tells_the_supplier_and_the_audience(app, world, need_id):
    answer_id = answer(app, world, need_id)
    with app.app_context():
        need = db.session.get(AdaptationNeed, need_id)
        chosen = needs.get_answer(need, answer_id)
        needs.set_answer_accepted(user(world["editor"]), chosen, True)
        needs.set_answer_accepted(user(world["editor"]), chosen, False)
        needs.set_answer_accepted(user(world["editor"]), chosen, True)
        db.session.commit()
    assert told(app, world, "need_answer_accepted") == {
        "member",
        "org_admin",
        "supplier",
        "supplier_colleague",
    }
    with app.app_context():
        kinds = [
            n.kind for n in notifications.visible_notifications(user(world["supplier_colleague"]))
        ]
    assert kinds == ["need_answer_accepted"]  # accepted twice, told once


# --- experiences -------------------------------------------------------------------------------


def test_experience_tells_standard_and_tag_followers_only_when_published(app, world):
    with app.app_context():
        follows.follow(user(world["standard_follower"]), "tag", TAG)  # follows both: told once
        made = experiences.create_experience(
            user(world["member"]),
            org("vallentuna"),
            title="Lärdom om CityGML",
            body="Text",
            tags=[TAG],
            standard_ids=[standard_id()],
        )
        db.session.commit()
        experience_id = made.id
    assert count_rows(app) == 0  # an unpublished experience tells nobody
    with app.app_context():
        experiences.publish_experience(
            user(world["editor"]), db.session.get(Experience, experience_id)
        )
        db.session.commit()
    assert told(app, world, "experience_about_standard") == {"standard_follower"}
    assert told(app, world, "experience_tagged") == {"tag_follower"}
    rows = count_rows(app)
    assert rows == 2
    with app.app_context():
        experiences.unpublish_experience(
            user(world["editor"]), db.session.get(Experience, experience_id)
        )
        db.session.commit()
    assert told(app, world) == set()  # unpublished again: no one sees it, nor its notification
    with app.app_context():
        assert notifications.unread_count(user(world["tag_follower"])) == 0
        experiences.publish_experience(
            user(world["editor"]), db.session.get(Experience, experience_id)
        )
        db.session.commit()
    assert told(app, world) == {"standard_follower", "tag_follower"}
    assert count_rows(app) == rows  # public again: shown again, not told twice


def test_comment_tells_the_experiences_author_only(app, world, make_experience):
    experience_id = make_experience("vallentuna", author_id=world["member"])
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        experiences.add_comment(user(world["bystander"]), experience, "Bra!")
        experiences.add_comment(user(world["member"]), experience, "Tack!")  # own: not told
        db.session.commit()
    assert told(app, world, "experience_commented") == {"member"}
    with app.app_context():
        assert notifications.unread_count(user(world["member"])) == 1


# --- memberships -------------------------------------------------------------------------------


def test_membership_request_tells_the_admins_and_the_decision_the_person(app, world):
    with app.app_context():
        asked = orgs.request_membership(user(world["bystander"]), org("vallentuna"), "Hej")
        db.session.commit()
        membership_id = asked.id
    assert told(app, world, "membership_requested") == {"org_admin"}
    with app.app_context():
        orgs.decide_membership(
            user(world["org_admin"]), db.session.get(Membership, membership_id), approve=True
        )
        db.session.commit()
    assert told(app, world, "membership_decided") == {"bystander"}
    with app.app_context():
        (seen,) = notifications.visible_notifications(user(world["bystander"]))
        view = notifications.describe(seen)
    assert "Vallentuna" in view.title and view.url == "/organizations/vallentuna"


def test_a_demoted_admin_no_longer_sees_requests(app, world):
    with app.app_context():
        orgs.request_membership(user(world["bystander"]), org("vallentuna"))
        admin = db.session.scalar(
            select(Membership).where(Membership.user_id == world["org_admin"])
        )
        admin.role = "member"
        db.session.commit()
    assert "org_admin" not in told(app, world, "membership_requested")


# --- what a notification says ------------------------------------------------------------------


def test_titles_are_written_in_the_readers_language(app, world, need_id):
    answer(app, world, need_id)
    with app.test_request_context("/", headers={"Accept-Language": "sv"}):
        (sv,) = notifications.visible_notifications(user(world["member"]))
        swedish = notifications.describe(sv)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        (en,) = notifications.visible_notifications(user(world["member"]))
        english = notifications.describe(en)
    assert swedish.title == "Svar AB svarade på behovet ”Export i CityGML”"
    assert english.title == "Svar AB answered the need “Export i CityGML”"
    assert swedish.url == english.url == f"/needs/{need_id}"
    assert english.group_key == f"need:{need_id}" and not english.read


def test_mark_emailed_and_unmailed_only(app, world, need_id):
    with app.app_context():
        follower = user(world["standard_follower"])
        (first,) = notifications.visible_notifications(follower, unmailed_only=True)
        notifications.mark_emailed([first])
        db.session.commit()
        assert notifications.visible_notifications(follower, unmailed_only=True) == []
        assert len(notifications.visible_notifications(follower)) == 1
