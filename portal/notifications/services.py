"""Notifications: who is told of what, and reading what one was told.

The rules (README, "Follows and notifications"):

- The services that change state call a ``notify_*`` function here in the same transaction,
  after their flush. Only public content notifies: a draft plan or an unpublished experience
  notifies nobody; publishing it notifies then (and once: every notification has a
  ``dedupe_key`` unique per user, so the same event never tells anybody twice).
- Who is told: the users who follow the subject (portal/follows), the users who follow the
  organisation, standard or tag it is about, and (implicitly, without a follow row) the active
  members of the organisation that posted it. The person who acted is never told of their own
  action.
- Nothing is stored as text: the title is written when the notification is shown, in the
  reader's language, from the subject as it is now. A notification whose subject the reader
  may no longer see (a plan taken back to draft, an unpublished experience, a deleted need) is
  not shown, counted or mailed (``_visible``).

Every function flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.pagination import Page, paginate
from portal.core.rules import require_login
from portal.core.urls import path_for
from portal.errors import NotFound
from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus
from portal.extensions import db
from portal.follows.models import Follow, FollowTarget
from portal.needs.forms import NEED_STATUS_LABELS
from portal.needs.models import AdaptationNeed, NeedBacking, SupplierAnswer
from portal.notifications.models import Notification, NotificationKind, SubjectType
from portal.orgs.models import Membership, MembershipStatus, Organisation, Role
from portal.plans.models import Plan, PlanRevision, PlanStatus

Kind = NotificationKind

# --- who may see a notification now -----------------------------------------------------------


def _visible(user: User):
    """The SQL condition: the notification belongs to `user` and its subject is one they may
    see now. Plans and experiences must be public; memberships are seen by the person who
    asked and, for a request, by the organisation's active admins."""
    admin = aliased(Membership)
    asked = aliased(Membership)
    n = Notification
    return and_(
        n.user_id == user.id,
        or_(
            and_(
                n.subject_type == SubjectType.PLAN,
                exists().where(Plan.id == n.subject_id, Plan.status != PlanStatus.DRAFT),
            ),
            and_(
                n.subject_type == SubjectType.NEED,
                exists().where(AdaptationNeed.id == n.subject_id),
            ),
            and_(
                n.subject_type == SubjectType.EXPERIENCE,
                exists().where(
                    Experience.id == n.subject_id,
                    Experience.status == ExperienceStatus.PUBLISHED,
                ),
            ),
            and_(
                n.subject_type == SubjectType.ORGANIZATION,
                exists().where(Organisation.id == n.subject_id),
            ),
            and_(
                n.subject_type == SubjectType.MEMBERSHIP,
                n.kind == Kind.MEMBERSHIP_DECIDED,
                exists().where(asked.id == n.subject_id, asked.user_id == user.id),
            ),
            and_(
                n.subject_type == SubjectType.MEMBERSHIP,
                n.kind == Kind.MEMBERSHIP_REQUESTED,
                exists().where(
                    asked.id == n.subject_id,
                    admin.organisation_id == asked.organisation_id,
                    admin.user_id == user.id,
                    admin.role == Role.ADMIN,
                    admin.status == MembershipStatus.ACTIVE,
                ),
            ),
        ),
    )


def _visible_query(
    user: User,
    *,
    unread_only: bool = False,
    since: datetime | None = None,
    unmailed_only: bool = False,
):
    stmt = select(Notification).where(_visible(user))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if since is not None:
        stmt = stmt.where(Notification.created_at >= since)
    if unmailed_only:
        stmt = stmt.where(Notification.emailed_at.is_(None))
    return stmt.options(joinedload(Notification.actor_organisation)).order_by(
        Notification.created_at.desc(), Notification.id.desc()
    )


def visible_notifications(
    user: User,
    *,
    unread_only: bool = False,
    since: datetime | None = None,
    unmailed_only: bool = False,
) -> list[Notification]:
    """The user's notifications whose subject they may see now, newest first, with their
    subjects loaded (a fixed number of queries: see `describe`)."""
    stmt = _visible_query(user, unread_only=unread_only, since=since, unmailed_only=unmailed_only)
    notifications = list(db.session.scalars(stmt).unique())
    load_subjects(notifications)
    return notifications


def notification_page(
    user: User, page: int | None = 1, per_page: int | None = 20, *, unread_only: bool = False
) -> Page:
    """One page of the user's visible notifications, newest first, subjects loaded."""
    result = paginate(_visible_query(user, unread_only=unread_only), page, per_page)
    load_subjects(result.items)
    return result


def unread_count(user: User) -> int:
    """How many visible notifications the user has not read (one COUNT query)."""
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                _visible(user), Notification.read_at.is_(None)
            )
        )
        or 0
    )


def open_notification(user: User | None, notification_id: int) -> NotificationView:
    """Mark one of the user's visible notifications read and say where it leads."""
    user = require_login(user)
    found = db.session.scalar(_visible_query(user).where(Notification.id == notification_id))
    if found is None:
        raise NotFound(_("No such notification."))
    if found.read_at is None:
        found.read_at = utcnow()
        db.session.flush()
    return describe(found)


def mark_read(user: User | None, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications with these ids (all of them when `ids` is None or empty)
    as read; other users' ids are ignored. Returns how many changed."""
    user = require_login(user)
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    wanted = list(ids or [])
    if wanted:
        stmt = stmt.where(Notification.id.in_(wanted))
    result = db.session.execute(
        stmt.values(read_at=utcnow()), execution_options={"synchronize_session": False}
    )
    db.session.flush()
    return result.rowcount or 0


def mark_emailed(notifications: Sequence[Notification]) -> None:
    """Record that these notifications were mailed (immediately or in a digest); flushes."""
    now = utcnow()
    for notification in notifications:
        notification.emailed_at = now
    db.session.flush()


# --- what a notification says ------------------------------------------------------------------

_SUBJECT_LOADS = {
    SubjectType.PLAN: (Plan, ()),
    SubjectType.NEED: (AdaptationNeed, (joinedload(AdaptationNeed.standard),)),
    SubjectType.EXPERIENCE: (Experience, ()),
    SubjectType.ORGANIZATION: (Organisation, ()),
    SubjectType.MEMBERSHIP: (
        Membership,
        (joinedload(Membership.user), joinedload(Membership.organisation)),
    ),
}


def load_subjects(notifications: Sequence[Notification]) -> None:
    """Load the subjects of these notifications, one query per kind of subject present."""
    wanted: dict[SubjectType, set[int]] = {}
    for notification in notifications:
        wanted.setdefault(SubjectType(notification.subject_type), set()).add(
            notification.subject_id
        )
    found: dict[tuple[SubjectType, int], object] = {}
    for subject_type, ids in wanted.items():
        model, options = _SUBJECT_LOADS[subject_type]
        for row in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)):
            found[(subject_type, row.id)] = row
    for notification in notifications:
        notification.__dict__["_subject"] = found.get(
            (SubjectType(notification.subject_type), notification.subject_id)
        )


def _subject(notification: Notification):
    if "_subject" not in notification.__dict__:
        load_subjects([notification])
    return notification.__dict__["_subject"]


@dataclass(frozen=True)
class NotificationView:
    """A notification as a page, the API or a mail shows it."""

    id: int
    kind: NotificationKind  # a StrEnum: compares equal to its string value
    title: str
    url: str
    subject_type: str
    subject_id: int
    # What the notification is about ("Plan: Handlingsplan ..."): a digest groups by group_key.
    subject_label: str
    group_key: str
    created_at: datetime
    read: bool


def _org_name(org: Organisation | None) -> str:
    return org.name if org is not None else _("An organisation")


def describe(notification: Notification) -> NotificationView:
    """Write the notification's title (in the current locale) and link from its subject."""
    subject = _subject(notification)
    kind = NotificationKind(notification.kind)
    actor = _org_name(notification.actor_organisation)
    if subject is None:  # gone meanwhile; callers only pass visible ones
        title, url, label = _("This item is no longer available."), "/", ""
    elif isinstance(subject, Plan):
        label = _("Plan: %(title)s", title=subject.title)
        url = path_for("plans.show", plan_id=subject.id)
        title = {
            Kind.PLAN_PUBLISHED: _(
                "%(org)s published the plan “%(title)s”", org=actor, title=subject.title
            ),
            Kind.PLAN_NEW_VERSION: _(
                "%(org)s published a new version of “%(title)s”", org=actor, title=subject.title
            ),
        }.get(
            kind,
            _(
                "A step in “%(title)s” by %(org)s is about a standard you follow",
                org=actor,
                title=subject.title,
            ),
        )
    elif isinstance(subject, AdaptationNeed):
        label = _("Need: %(title)s", title=subject.title)
        url = path_for("needs.show", need_id=subject.id)
        t = subject.title
        title = {
            Kind.NEED_ABOUT_STANDARD: _(
                "New need about %(standard)s: “%(title)s”",
                standard=subject.standard.name if subject.standard else "",
                title=t,
            ),
            Kind.NEED_ANSWERED: _("%(org)s answered the need “%(title)s”", org=actor, title=t),
            Kind.NEED_BACKED: _("%(org)s backs the need “%(title)s”", org=actor, title=t),
            Kind.NEED_STATUS_CHANGED: _(
                "The status of the need “%(title)s” changed (now: %(status)s)",
                title=t,
                status=NEED_STATUS_LABELS.get(subject.status, subject.status),
            ),
            Kind.NEED_ANSWER_ACCEPTED: _(
                "The answer by %(org)s to the need “%(title)s” was accepted", org=actor, title=t
            ),
        }.get(kind, t)
    elif isinstance(subject, Experience):
        label = _("Experience: %(title)s", title=subject.title)
        url = path_for("experiences.show", experience_id=subject.id)
        t = subject.title
        title = {
            Kind.EXPERIENCE_ABOUT_STANDARD: _(
                "%(org)s shared an experience about a standard you follow: “%(title)s”",
                org=actor,
                title=t,
            ),
            Kind.EXPERIENCE_TAGGED: _(
                "%(org)s shared an experience with a tag you follow: “%(title)s”",
                org=actor,
                title=t,
            ),
            Kind.EXPERIENCE_COMMENTED: _("New comment on your experience “%(title)s”", title=t),
        }.get(kind, t)
    elif isinstance(subject, Membership):
        org = subject.organisation
        label = org.name
        if kind == Kind.MEMBERSHIP_REQUESTED:
            url = path_for("orgs.members", slug=org.slug)
            title = _("%(person)s asks to join %(org)s", person=subject.user.name, org=org.name)
        else:
            url = path_for("orgs.show", slug=org.slug)
            title = {
                MembershipStatus.ACTIVE: _(
                    "Your request to join %(org)s was approved", org=org.name
                ),
                MembershipStatus.REFUSED: _(
                    "Your request to join %(org)s was refused", org=org.name
                ),
            }.get(
                MembershipStatus(subject.status),
                _("Your request to join %(org)s was decided", org=org.name),
            )
    else:  # an organisation
        label = subject.name
        url = path_for("orgs.show", slug=subject.slug)
        title = subject.name
    return NotificationView(
        id=notification.id,
        kind=kind,
        title=title,
        url=url,
        subject_type=str(notification.subject_type),
        subject_id=notification.subject_id,
        subject_label=label,
        group_key=f"{notification.subject_type}:{notification.subject_id}",
        created_at=notification.created_at,
        read=notification.read_at is not None,
    )


# --- who is told -------------------------------------------------------------------------------


def _followers(targets: Iterable[tuple[FollowTarget, object]]) -> set[int]:
    """Ids of active users following any of these (type, key) targets."""
    conditions = [
        and_(Follow.target_type == target_type, Follow.target_key == str(key).lower())
        for target_type, key in targets
        if key is not None
    ]
    if not conditions:
        return set()
    return set(
        db.session.scalars(
            select(Follow.user_id)
            .join(User, User.id == Follow.user_id)
            .where(or_(*conditions), User.active.is_(True))
        )
    )


def _members(organisation_id: int | None, *, role: Role | None = None) -> set[int]:
    """Ids of the active users with an active membership (of at least `role`)."""
    if organisation_id is None:
        return set()
    stmt = (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.ACTIVE,
            User.active.is_(True),
        )
    )
    if role is not None:
        stmt = stmt.where(Membership.role == role)
    return set(db.session.scalars(stmt))


def _tell(
    user_ids: Iterable[int],
    kind: NotificationKind,
    subject: tuple[SubjectType, int],
    event: str = "",
    *,
    actor: User | None,
    organisation_id: int | None = None,
    dedupe_as: str | None = None,
) -> list[Notification]:
    """Tell each of these users of one event about `subject` (type, id), once: never the
    actor, never twice for one dedupe key ("kind:subject_type:id[:event]"; `dedupe_as` in
    place of the kind makes events of several kinds one, e.g. an experience published)."""
    recipients = set(user_ids) - ({actor.id} if actor is not None else set())
    if not recipients:
        return []
    subject_type, subject_id = subject
    dedupe_key = f"{dedupe_as or kind}:{subject_type}:{subject_id}" + (f":{event}" if event else "")
    already = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(recipients), Notification.dedupe_key == dedupe_key
            )
        )
    )
    made = [
        Notification(
            user_id=user_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_organisation_id=organisation_id,
            dedupe_key=dedupe_key,
        )
        for user_id in sorted(recipients - already)
    ]
    db.session.add_all(made)
    db.session.flush()
    return made


def notify_plan_published(actor: User | None, plan: Plan, revision: PlanRevision) -> None:
    """A plan was published: its first version tells the organisation's followers (and
    members), a later one also the plan's followers; each step about a standard tells that
    standard's followers (once per step)."""
    if plan.status == PlanStatus.DRAFT:
        return
    first = revision.number == 1
    kind = Kind.PLAN_PUBLISHED if first else Kind.PLAN_NEW_VERSION
    audience = _followers(
        [(FollowTarget.ORGANIZATION, plan.organisation_id), (FollowTarget.PLAN, plan.id)]
    ) | _members(plan.organisation_id)
    subject = (SubjectType.PLAN, plan.id)
    by = dict(actor=actor, organisation_id=plan.organisation_id)
    _tell(audience, kind, subject, f"rev:{revision.number}", **by)
    for step in plan.steps:
        if step.id is None or not step.standards:
            continue
        followers = _followers((FollowTarget.STANDARD, s.id) for s in step.standards)
        # Those told of the new plan need not hear of each of its steps as well.
        _tell(
            followers - audience if first else followers,
            Kind.PLAN_STEP_ABOUT_STANDARD,
            subject,
            f"step:{step.id}",
            **by,
        )


def notify_experience_published(actor: User | None, experience: Experience) -> None:
    """A published experience tells the followers of its standards and of its tags (once)."""
    if experience.status != ExperienceStatus.PUBLISHED:
        return
    subject = (SubjectType.EXPERIENCE, experience.id)
    by = dict(actor=actor, organisation_id=experience.organisation_id)
    standards = _followers((FollowTarget.STANDARD, s.id) for s in experience.standards)
    tags = _followers((FollowTarget.TAG, t.name) for t in experience.tags)
    once = "experience_published"
    _tell(standards, Kind.EXPERIENCE_ABOUT_STANDARD, subject, dedupe_as=once, **by)
    _tell(tags - standards, Kind.EXPERIENCE_TAGGED, subject, dedupe_as=once, **by)


def notify_experience_commented(actor: User | None, comment: ExperienceComment) -> None:
    """A comment on a published experience tells its author."""
    experience = comment.experience
    if experience.status != ExperienceStatus.PUBLISHED or experience.author_id is None:
        return
    subject = (SubjectType.EXPERIENCE, experience.id)
    _tell(
        {experience.author_id},
        Kind.EXPERIENCE_COMMENTED,
        subject,
        f"comment:{comment.id}",
        actor=actor,
    )


def _need_audience(need: AdaptationNeed) -> set[int]:
    """Who hears of what happens to a need: its followers and the posting organisation's
    members."""
    return _followers([(FollowTarget.NEED, need.id)]) | _members(need.organisation_id)


def notify_need_posted(actor: User | None, need: AdaptationNeed) -> None:
    """A need about a standard tells that standard's followers (once per need)."""
    if need.standard_id is None:
        return
    followers = _followers([(FollowTarget.STANDARD, need.standard_id)])
    subject = (SubjectType.NEED, need.id)
    _tell(
        followers,
        Kind.NEED_ABOUT_STANDARD,
        subject,
        actor=actor,
        organisation_id=need.organisation_id,
    )


def _tell_need(
    actor: User | None,
    kind: NotificationKind,
    need: AdaptationNeed,
    event: str,
    organisation_id: int | None,
    also: set[int] | None = None,
) -> None:
    """Tell the need's audience (and `also` these users) of one event, by `organisation_id`."""
    audience = _need_audience(need) | (also or set())
    subject = (SubjectType.NEED, need.id)
    _tell(audience, kind, subject, event, actor=actor, organisation_id=organisation_id)


def notify_need_answered(actor: User | None, answer: SupplierAnswer) -> None:
    """A new supplier answer tells the need's audience."""
    event = f"answer:{answer.id}"
    _tell_need(actor, Kind.NEED_ANSWERED, answer.need, event, answer.organisation_id)


def notify_need_backed(actor: User | None, backing: NeedBacking) -> None:
    """A new backing tells the need's audience."""
    event = f"backing:{backing.id}"
    _tell_need(actor, Kind.NEED_BACKED, backing.need, event, backing.organisation_id)


def notify_need_status_changed(actor: User | None, need: AdaptationNeed) -> None:
    """A status change tells the need's audience (each change is its own event)."""
    event = f"{need.status}:{utcnow().isoformat()}"
    _tell_need(actor, Kind.NEED_STATUS_CHANGED, need, event, need.organisation_id)


def notify_answer_accepted(actor: User | None, answer: SupplierAnswer) -> None:
    """An accepted answer tells the need's audience and the answering supplier's members
    (once per answer)."""
    supplier = _members(answer.organisation_id)
    event = f"answer:{answer.id}"
    _tell_need(
        actor, Kind.NEED_ANSWER_ACCEPTED, answer.need, event, answer.organisation_id, supplier
    )


def _tell_membership(
    actor: User | None, kind: NotificationKind, membership: Membership, users: set[int], event: str
) -> None:
    subject = (SubjectType.MEMBERSHIP, membership.id)
    _tell(users, kind, subject, event, actor=actor, organisation_id=membership.organisation_id)


def notify_membership_requested(actor: User | None, membership: Membership) -> None:
    """A request to join tells the organisation's active admins (each request anew)."""
    admins = _members(membership.organisation_id, role=Role.ADMIN)
    event = utcnow().isoformat()
    _tell_membership(actor, Kind.MEMBERSHIP_REQUESTED, membership, admins, event)


def notify_membership_decided(actor: User | None, membership: Membership) -> None:
    """The decision on a request tells the person who asked."""
    event = f"{membership.status}:{(membership.decided_at or utcnow()).isoformat()}"
    _tell_membership(actor, Kind.MEMBERSHIP_DECIDED, membership, {membership.user_id}, event)
