"""The upload form shown on the edit page of a plan or experience."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from portal.attachments.content import EXTENSIONS
from portal.core.boundary import PortalForm

# Helps the file picker (on a phone above all) offer the right files; the server decides.
ACCEPT = ",".join(f".{ending}" for ending in EXTENSIONS)


class AttachmentForm(PortalForm):
    file = FileField(_l("File"), render_kw={"accept": ACCEPT})
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
