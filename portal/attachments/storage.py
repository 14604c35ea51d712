"""Where the bytes of attachments live, behind one small interface.

The portal keeps them in the database (`DatabaseStorage`: the deferred `data` column of the
attachment's row), so every app host serves the same file and a database backup holds them.
Past a few gigabytes, write an `AttachmentStorage` for object storage (S3, Swift, MinIO: key
`attachments/<sha256>`, `data` left empty) and install it with `use_storage(app, ...)`; nothing
else in the portal touches the bytes.
"""

from __future__ import annotations

from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import select

from portal.attachments.models import Attachment
from portal.extensions import db

EXTENSION_KEY = "attachment_storage"


class AttachmentStorage(Protocol):
    def write(self, attachment: Attachment, data: bytes) -> None:
        """Keep `data` as the bytes of `attachment` (inside the request's transaction)."""

    def read(self, attachment: Attachment) -> bytes:
        """The bytes of `attachment`."""

    def remove(self, attachment: Attachment) -> None:
        """Forget the bytes of `attachment`, which is being deleted."""


class DatabaseStorage:
    """The bytes in the attachment's own row (deferred: loaded only when served)."""

    def write(self, attachment: Attachment, data: bytes) -> None:
        attachment.data = data

    def read(self, attachment: Attachment) -> bytes:
        stmt = select(Attachment.data).where(Attachment.id == attachment.id)
        return db.session.scalar(stmt) or b""

    def remove(self, attachment: Attachment) -> None:
        """Nothing to do: the bytes go with the row."""


def use_storage(app: Flask, storage: AttachmentStorage) -> None:
    """Store the app's attachments in `storage` instead of the database."""
    app.extensions[EXTENSION_KEY] = storage


def storage() -> AttachmentStorage:
    return current_app.extensions.get(EXTENSION_KEY) or DatabaseStorage()
