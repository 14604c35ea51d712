"""Which version of an object an edit form was loaded from, so that saving over a newer one is
noticed instead of silently overwriting it (see EditConflict in portal/errors.py).

The version is the object's `updated_at`, which every save of it changes; the form carries it
in a hidden field (`VersionedForm.loaded_version`), and the service compares it with the
stored one after locking the row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _

from portal.errors import EditConflict
from portal.extensions import db


def version_token(moment: datetime) -> str:
    """The version of an object changed at `moment`, as an edit form carries it."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC values
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")


def require_unchanged_since(obj, loaded_version: str | None) -> None:
    """Refuse a save based on an older version of `obj` (whose row the caller has locked and
    whose `updated_at` it has read afresh). No version given: no check (the API, scripts)."""
    if not loaded_version or loaded_version == version_token(obj.updated_at):
        return
    db.session.refresh(obj)  # the page shows what the other person saved
    raise EditConflict(
        _(
            "Someone else saved this after you opened it. Your text is kept below, next to "
            "what they saved; save again to replace their version with yours."
        ),
        version_token(obj.updated_at),
    )
