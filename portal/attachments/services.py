"""Attachment operations: each checks its own permission, validates, changes and flushes.

Attachments hang on plans and experiences (`OWNERS`): whoever may edit the plan or experience
may add and delete its files, and whoever may see it may download them (a draft's files are
404 to outsiders, as the draft is). A file is accepted only if its bytes are an allowed type
and parse as one (portal/attachments/content.py) and it is no larger than
`ATTACHMENT_MAX_MB`; its text goes to the search index with its owner, through the change
log like every other part of a plan or experience.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User
from portal.attachments.content import clean_filename, inspect_file
from portal.attachments.models import Attachment
from portal.attachments.storage import storage
from portal.core.boundary import has_forbidden_characters
from portal.errors import NotFound, PayloadTooLarge, ValidationError
from portal.experiences import services as experience_services
from portal.extensions import db
from portal.plans import services as plan_services
from portal.plans.models import PlanStatus

MAX_TITLE = 200
DEFAULT_MAX_MB = 20


@dataclass(frozen=True)
class OwnerKind:
    """How attachments hang on one kind of content: the column that names the owner, how the
    owner an actor may see is loaded (NotFound otherwise), and who may change its files."""

    name: str
    column: str
    load: Callable[[User | None, int], Any]
    require_editor: Callable[[User | None, Any], None]
    can_edit: Callable[[User | None, Any], bool]
    edit_endpoint: str
    id_arg: str

    def owner_id(self, attachment: Attachment) -> int | None:
        return getattr(attachment, self.column)


PLANS = OwnerKind(
    name="plans",
    column="plan_id",
    load=lambda actor, plan_id: plan_services.get_plan(actor, plan_id, full=False),
    require_editor=plan_services.require_editable_plan,
    can_edit=lambda actor, plan: (
        plan.status == PlanStatus.DRAFT and plan_services.can_edit_plan(actor, plan)
    ),
    edit_endpoint="plans.edit",
    id_arg="plan_id",
)
EXPERIENCES = OwnerKind(
    name="experiences",
    column="experience_id",
    load=experience_services.get_experience,
    require_editor=experience_services.require_experience_editor,
    can_edit=experience_services.can_edit_experience,
    edit_endpoint="experiences.edit",
    id_arg="experience_id",
)
OWNERS = {kind.name: kind for kind in (PLANS, EXPERIENCES)}


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the client gave it and its bytes."""

    filename: str
    data: bytes
    title: str | None = None


def max_bytes() -> int:
    """The largest file accepted (`ATTACHMENT_MAX_MB` megabytes)."""
    return int(current_app.config.get("ATTACHMENT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def too_large() -> PayloadTooLarge:
    limit = max_bytes() // (1024 * 1024)
    message = _("The file is larger than %(mb)d MB and was not stored.", mb=limit)
    return PayloadTooLarge(message, {"file": [message]})


def _clean_title(title: str | None) -> str | None:
    title = (title or "").strip()
    if not title:
        return None
    if len(title) > MAX_TITLE or has_forbidden_characters(title):
        message = _("At most %(n)d characters, without control characters.", n=MAX_TITLE)
        raise ValidationError(_("Please correct the marked fields."), {"title": [message]})
    return title


def add_attachment(
    actor: User | None, kind: OwnerKind, owner: Any, receive: Callable[[], Upload] | Upload
) -> Attachment:
    """Attach a file to a plan or experience the actor may edit, if its content is allowed.

    `receive` reads the upload once the permission is settled, so the body of a refused
    caller is never parsed (they learn nothing but the refusal)."""
    kind.require_editor(actor, owner)
    upload = receive() if callable(receive) else receive
    if not upload.data:
        message = _("Choose a file to attach.")
        raise ValidationError(message, {"file": [message]})
    if len(upload.data) > max_bytes():
        raise too_large()
    title = _clean_title(upload.title)
    inspected = inspect_file(upload.data, upload.filename)
    attachment = Attachment(
        filename=clean_filename(upload.filename, inspected.type),
        title=title,
        content_type=inspected.type.content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        text=inspected.text or None,
        created_by_id=actor.id if actor is not None else None,
    )
    owner.attachments.append(attachment)
    storage().write(attachment, upload.data)
    db.session.flush()
    return attachment


def _owned(kind: OwnerKind, owner: Any, attachment_id: int) -> Attachment:
    attachment = db.session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id, getattr(Attachment, kind.column) == owner.id
        )
    )
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return attachment


def delete_attachment(actor: User | None, kind: OwnerKind, owner: Any, attachment_id: int) -> None:
    """Delete a file from a plan or experience the actor may edit."""
    kind.require_editor(actor, owner)
    attachment = _owned(kind, owner, attachment_id)
    storage().remove(attachment)
    # Deleted explicitly (not only orphaned) so the search change log sees it before the flush.
    db.session.delete(attachment)
    if attachment in owner.attachments:
        owner.attachments.remove(attachment)
    db.session.flush()


def attachment_to_serve(actor: User | None, attachment_id: int) -> tuple[Attachment, bytes]:
    """A file and its bytes, if the actor may see what it is attached to (404 otherwise)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such attachment."))
    kind = next(k for k in OWNERS.values() if k.owner_id(attachment) is not None)
    kind.load(actor, kind.owner_id(attachment))  # NotFound for a draft the actor may not see
    return attachment, storage().read(attachment)
