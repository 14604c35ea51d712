"""Following organisations, standards, needs, plans and tags: each operation checks its own
permission, validates, changes and flushes (never commits).

One may follow only what one may see: a draft plan only its organisation's members. Posting,
backing or answering a need follows it (``follow_automatically``); the members of an
organisation follow what it posted implicitly, through the notification rules
(portal/notifications/services.py), not through rows here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.boundary import MAX_ID
from portal.core.rules import require_login
from portal.core.urls import path_for
from portal.errors import NotFound, ValidationError
from portal.experiences.models import Tag
from portal.extensions import db
from portal.follows.models import Follow, FollowTarget
from portal.needs.models import AdaptationNeed
from portal.orgs.models import Organisation
from portal.orgs.services import get_organisation
from portal.plans.models import Plan
from portal.plans.services import can_view_plan
from portal.standards.models import Standard

TARGET_LABELS = {
    FollowTarget.ORGANIZATION: _l("Organisation"),
    FollowTarget.STANDARD: _l("Standard"),
    FollowTarget.NEED: _l("Need"),
    FollowTarget.PLAN: _l("Plan"),
    FollowTarget.TAG: _l("Tag"),
}


@dataclass(frozen=True)
class FollowedThing:
    """A follow as the list of follows shows it."""

    id: int
    target_type: FollowTarget
    target_key: str
    label: str
    url: str


def _id(text: str) -> int | None:
    """The id a text names: ASCII digits within the database's integer range, else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 12):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _resolve(actor: User | None, target_type: FollowTarget, target: str) -> tuple[str, str, str]:
    """The normalised key, label and URL of a target the actor may see; NotFound otherwise."""
    text = (str(target) if target is not None else "").strip()
    if target_type == FollowTarget.ORGANIZATION:
        try:
            org = get_organisation(text)  # a slug or a four-digit municipality code
        except NotFound:
            org = db.session.get(Organisation, _id(text)) if _id(text) else None
            if org is None:
                raise
        return str(org.id), org.name, path_for("orgs.show", slug=org.slug)
    if target_type == FollowTarget.STANDARD:
        column = Standard.id if _id(text) else Standard.slug
        standard = db.session.scalar(select(Standard).where(column == (_id(text) or text.lower())))
        if standard is None:
            raise NotFound(_("No such standard."))
        return str(standard.id), standard.name, path_for("standards.show", slug=standard.slug)
    if target_type == FollowTarget.NEED:
        need = db.session.get(AdaptationNeed, _id(text)) if _id(text) else None
        if need is None:
            raise NotFound(_("No such need."))
        return str(need.id), need.title, path_for("needs.show", need_id=need.id)
    if target_type == FollowTarget.PLAN:
        plan = db.session.get(Plan, _id(text)) if _id(text) else None
        if plan is None or not can_view_plan(actor, plan):
            raise NotFound(_("No such plan."))
        return str(plan.id), plan.title, path_for("plans.show", plan_id=plan.id)
    tag = db.session.scalar(select(Tag).where(Tag.name == text.lower()))
    if tag is None:
        raise NotFound(_("No such tag."))
    return tag.name, tag.name, path_for("experiences.index", tag=tag.name)


def _target_type(value: str | FollowTarget) -> FollowTarget:
    try:
        return FollowTarget(value)
    except ValueError:
        raise ValidationError(
            _("Please correct the marked fields."), {"type": [_("Unknown kind of target.")]}
        ) from None


def follow(actor: User | None, target_type: str | FollowTarget, target: str) -> tuple[Follow, bool]:
    """Follow a target the actor may see; returns the follow and whether it is new (a second
    follow of the same target returns the first). An unknown or unseen target is refused
    with a field error on ``target``."""
    actor = require_login(actor)
    kind = _target_type(target_type)
    try:
        key, _label, _url = _resolve(actor, kind, target)
    except NotFound:
        raise ValidationError(
            _("Please correct the marked fields."), {"target": [_("Nothing to follow here.")]}
        ) from None
    existing = following(actor, kind, key)
    if existing is not None:
        return existing, False
    made = Follow(user_id=actor.id, target_type=kind, target_key=key)
    db.session.add(made)
    db.session.flush()
    return made, True


def describe_follow(actor: User, found: Follow) -> FollowedThing:
    """One of the actor's follows with its target's name and page."""
    kind = FollowTarget(found.target_type)
    label, url = _labels(kind, {found.target_key}, actor).get(found.target_key, ("", ""))
    return FollowedThing(found.id, kind, found.target_key, label, url)


def follow_automatically(user: User | None, target_type: FollowTarget, key: object) -> None:
    """Follow what the user just posted, backed or answered (nothing if already followed)."""
    if user is None or following(user, target_type, str(key)) is not None:
        return
    db.session.add(Follow(user_id=user.id, target_type=target_type, target_key=str(key)))
    db.session.flush()


def following(user: User | None, target_type: FollowTarget, key: object) -> Follow | None:
    """The user's follow of this target (by normalised key), if any."""
    if user is None or key is None:
        return None
    return db.session.scalar(
        select(Follow).where(
            Follow.user_id == user.id,
            Follow.target_type == target_type,
            Follow.target_key == str(key).lower(),
        )
    )


def unfollow(actor: User | None, follow_id: int) -> None:
    """Stop following; only one's own follows (others' are 404)."""
    actor = require_login(actor)
    found = db.session.get(Follow, follow_id)
    if found is None or found.user_id != actor.id:
        raise NotFound(_("No such follow."))
    db.session.delete(found)
    db.session.flush()


def _labels(kind: FollowTarget, keys: set[str], actor: User) -> dict[str, tuple[str, str]]:
    """Label and URL of each key of one kind, in one query."""
    ids = [int(k) for k in keys if k.isdigit()]
    if kind == FollowTarget.ORGANIZATION:
        rows = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
        return {str(o.id): (o.name, path_for("orgs.show", slug=o.slug)) for o in rows}
    if kind == FollowTarget.STANDARD:
        rows = db.session.scalars(select(Standard).where(Standard.id.in_(ids)))
        return {str(s.id): (s.name, path_for("standards.show", slug=s.slug)) for s in rows}
    if kind == FollowTarget.NEED:
        rows = db.session.scalars(select(AdaptationNeed).where(AdaptationNeed.id.in_(ids)))
        return {str(n.id): (n.title, path_for("needs.show", need_id=n.id)) for n in rows}
    if kind == FollowTarget.PLAN:
        rows = db.session.scalars(select(Plan).where(Plan.id.in_(ids)))
        return {
            str(p.id): (p.title, path_for("plans.show", plan_id=p.id))
            for p in rows
            if can_view_plan(actor, p)
        }
    return {k: (k, path_for("experiences.index", tag=k)) for k in keys}


def follows_of(actor: User | None) -> list[FollowedThing]:
    """What the actor follows that they may still see, grouped by kind then newest first (one
    query for the follows, one per kind present)."""
    actor = require_login(actor)
    rows = list(
        db.session.scalars(
            select(Follow)
            .where(Follow.user_id == actor.id)
            .order_by(Follow.created_at.desc(), Follow.id.desc())
        )
    )
    by_kind: dict[FollowTarget, set[str]] = {}
    for row in rows:
        by_kind.setdefault(FollowTarget(row.target_type), set()).add(row.target_key)
    labels = {kind: _labels(kind, keys, actor) for kind, keys in by_kind.items()}
    order = list(FollowTarget)
    shown = [
        FollowedThing(row.id, FollowTarget(row.target_type), row.target_key, *found)
        for row in rows
        if (found := labels[FollowTarget(row.target_type)].get(row.target_key))
    ]
    return sorted(shown, key=lambda f: order.index(f.target_type))


def followed_keys(user: User | None, kind: FollowTarget) -> set[str]:
    """The keys of one kind the user follows (for "what changed in what I follow")."""
    if user is None:
        return set()
    return set(
        db.session.scalars(
            select(Follow.target_key).where(Follow.user_id == user.id, Follow.target_type == kind)
        )
    )


def follow_ids(keys: Iterable[str]) -> list[int]:
    return [int(k) for k in keys if k.isdigit()]
