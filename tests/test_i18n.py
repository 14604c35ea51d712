"""Swedish by default, English on request; every UI string is translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_swedish_is_the_default(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Logga in" in html


def test_accept_language_english_is_respected(client):
    html = client.get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_language_switch_sets_cookie_and_returns(client):
    response = client.get("/language/en?next=/organizations")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizations"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/organizations").get_data(as_text=True)
    client.get("/language/sv")
    assert '<html lang="sv">' in client.get("/organizations").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.get("/language/xx?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers


def test_every_ui_string_has_a_swedish_translation(tmp_path):
    """Extract messages from the code now, so a new untranslated string fails this test."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--sort-output",
         "--ignore-dirs=.venv tests bench migrations node_modules", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with (ROOT / "portal/translations/sv/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    # Guard against an extraction that silently finds nothing (a wrong path or pattern).
    assert len(wanted) > 300 and "Log in" in wanted and "Action plans" in wanted
    missing = sorted(wanted - translated)
    assert missing == [], f"untranslated (run `make extract-messages` and translate): {missing}"
