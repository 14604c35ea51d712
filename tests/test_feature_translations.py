"""Every UI string of experiences, needs and the standards catalogue has a Swedish translation.

(tests/test_i18n.py passes "portal" and "templates" as input directories, against which the
patterns in babel.cfg ("portal/**.py") never match, so it extracts nothing; this test
extracts from the project root, as `make extract-messages` does.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
OURS = (
    "portal/experiences/",
    "portal/needs/",
    "portal/standards/",
    "templates/experiences/",
    "templates/needs/",
    "templates/standards/",
)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_experience_need_and_standard_strings_are_extracted_and_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot),
         "--ignore-dirs=.venv tests bench migrations node_modules", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        wanted = {
            _key(m)
            for m in read_po(fh)
            if m.id and any(path.startswith(OURS) for path, _ in m.locations)
        }
    assert "We need this too" in wanted  # the extraction really sees our templates
    with (ROOT / "portal/translations/sv/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        _key(m)
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert sorted(wanted - translated) == []
