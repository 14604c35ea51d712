"""XSS in a real Chromium: every field that takes user text gets every payload of
tests/security_payloads.py, posted through its form; every page that shows the field is
opened, and no script may run (no dialog, no console error, no script or on* attribute or
script URL in the DOM), and the payload must be shown as text. The payloads are packed into
as few texts as fit the field's length limit, so each form is sent a dozen times, not 67.

To cover a new field, add one UserTextField line to FIELDS: the form's URL, the field's name,
who submits it, and the pages that show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD
from tests.security_payloads import XSS_PAYLOADS, pack

ADMIN = "admin@xss.example"  # admin of Vallentuna and site admin
MEMBER = "member@xss.example"  # member of Vallentuna


@dataclass(frozen=True)
class UserTextField:
    label: str
    form: str  # the page with the form
    name: str  # the field's name attribute
    # Who submits: ADMIN, MEMBER, "newcomer" (a fresh account per payload) or "anonymous".
    submitter: str
    limit: int  # the field's maximum length (the form's Length validator)
    # Pages that show the value, opened by the submitter after each submission;
    # "{landed}" is the page the form sent the browser to.
    shows_on: tuple[str, ...] = ()
    # Pages that list every submitted value, opened once at the end by the ADMIN (with their
    # next pages); every payload must be there as text.
    listed_on: tuple[str, ...] = ()
    fill: dict[str, str] = field(default_factory=dict)  # other fields; "{i}" is the number
    literal: bool = True  # shown as plain text (False: Markdown, or refused by a validator)
    unique: bool = False  # the value must be unique: append " {i}"
    then_join: bool = False  # afterwards, log in and ask to join Vallentuna
    multiline: bool = False  # a textarea: payloads are joined by blank lines, not spaces

    def texts(self) -> list[str]:
        """Every payload, packed into as few values as the field accepts."""
        room = self.limit - (len(f" {len(XSS_PAYLOADS)}") if self.unique else 0)
        if self.multiline:  # a textarea sends each line break as two characters (CR LF)
            room -= 2 * sum(p.count("\n") + 2 for p in XSS_PAYLOADS)
            return pack(XSS_PAYLOADS, room, "\n\n")
        return pack(XSS_PAYLOADS, room)


FIELDS = [
    UserTextField(
        "registration name",
        "/auth/register",
        "name",
        "anonymous",
        200,
        shows_on=("/account",),
        listed_on=("/organizations/vallentuna/members",),
        fill={"email": "reg{i}@xss.example", "password": PASSWORD, "confirm": PASSWORD},
        then_join=True,
    ),
    UserTextField(
        "profile name",
        "/account",
        "name",
        MEMBER,
        200,
        shows_on=("/account", "/organizations/vallentuna/members"),
    ),
    UserTextField(
        "organisation registration name",
        "/organizations/new",
        "name",
        ADMIN,
        200,
        shows_on=("{landed}", "{landed}/members"),
        listed_on=("/organizations?kind=supplier",),
        unique=True,
    ),
    UserTextField(
        "organisation registration website",
        "/organizations/new",
        "website",
        ADMIN,
        500,
        fill={"name": "Webbplatsprov {i}"},
        literal=False,
    ),
    UserTextField(
        "organisation registration description",
        "/organizations/new",
        "description",
        ADMIN,
        5000,
        multiline=True,
        shows_on=("{landed}",),
        fill={"name": "Beskrivningsprov {i}"},
        literal=False,
    ),
    UserTextField(
        "organisation edit description",
        "/organizations/vallentuna/edit",
        "description",
        ADMIN,
        5000,
        multiline=True,
        shows_on=("/organizations/vallentuna",),
        literal=False,
    ),
    UserTextField(
        "organisation edit website",
        "/organizations/vallentuna/edit",
        "website",
        ADMIN,
        500,
        shows_on=("/organizations/vallentuna",),
        literal=False,
    ),
    UserTextField(
        "join message",
        "/organizations/vallentuna",
        "message",
        "newcomer",
        2000,
        multiline=True,
        listed_on=("/organizations/vallentuna/members",),
    ),
]

# Run in the page: everything in it that could run script.
DOM_CHECK = r"""
() => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'FRAME'].includes(el.tagName)) {
      if (!(el.tagName === 'SCRIPT' && el.src && new URL(el.src).origin === location.origin
            && new URL(el.src).pathname.startsWith('/static/'))) {
        bad.push(el.outerHTML.slice(0, 200));
      }
    }
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\x00-\x20]/g, '').toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) bad.push(el.outerHTML.slice(0, 200));
      if (urlAttrs.includes(attr.name.toLowerCase()) &&
          /^(javascript|data|vbscript):/.test(value)) bad.push(el.outerHTML.slice(0, 200));
    }
  }
  return bad;
}
"""

TEXT_OF_MAIN = """
() => {
  const main = document.querySelector('main');
  const values = [...main.querySelectorAll('input, textarea')].map(e => e.value);
  return [main.innerText, ...values].join('\\n');
}
"""


def normalise(text: str) -> str:
    return " ".join(text.split())


class Watched:
    """A browser page whose dialogs and console errors are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message) -> None:
        # A form answered with 422 is logged as a failed load; that is not a script.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.console_errors.append(message.text)

    def check(self, where: str, payload: str) -> None:
        page = self.page
        unsafe = page.evaluate(DOM_CHECK)
        assert not unsafe, (where, payload, unsafe)
        assert not self.dialogs, (where, payload, self.dialogs)
        assert not self.console_errors, (where, payload, self.console_errors)
        assert not page.js_errors, (where, payload, page.js_errors)

    def main_text(self) -> str:
        return normalise(self.page.evaluate(TEXT_OF_MAIN))


def log_in(page: Page, email: str, then: str = "/") -> None:
    """Log in through the login form, landing on `then` (the form's ?next=)."""
    page.goto(f"/auth/login?next={then}")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(then) + r"(#.*)?$"))


def listed_text(watched: Watched, url: str, payload_for_errors: str) -> str:
    """The text of a list page and all its next pages."""
    texts = []
    next_url: str | None = url
    while next_url:
        watched.page.goto(next_url)
        watched.check(next_url, payload_for_errors)
        texts.append(watched.main_text())
        link = watched.page.locator("main a[rel=next]")
        next_url = link.get_attribute("href") if link.count() else None
    return " ".join(texts)


# The same submission without drawing the pages: the browser fetches the form's page, fills
# the form in a parsed copy, and posts it as it would (FormData with the send button), in the
# same session. The first text goes through the drawn forms by typing; the rest this way,
# which takes a tenth of the time. Every page that shows a text is still opened and checked.
SEND_FORM = r"""
async ([url, fields, choose, formSelector]) => {
  const page = await fetch(url);
  const doc = new DOMParser().parseFromString(await page.text(), 'text/html');
  const form = doc.querySelector(formSelector);
  if (!form) return [0, 'no form ' + formSelector + ' at ' + url];
  for (const [name, value] of Object.entries(choose)) {
    const box = form.querySelector(`input[name="${name}"][value="${value}"]`);
    if (box) { box.checked = true; } else { form.querySelector(`[name="${name}"]`).value = value; }
  }
  for (const [name, value] of Object.entries(fields)) {
    const field = form.querySelector(`[name="${name}"]`);
    // Typing a line break into a one-line field gives a space, as Playwright's fill does.
    field.value = field.tagName === 'INPUT' ? value.replace(/\r?\n/g, ' ') : value;
  }
  const buttons = form.querySelectorAll('[type=submit]');
  const data = new FormData(form, buttons[buttons.length - 1]);
  const action = new URL(form.getAttribute('action') || url, location.origin + url);
  const sent = await fetch(action, {method: 'POST', body: new URLSearchParams(data)});
  return [sent.status, sent.url];
}
"""


def send(watched: Watched, url: str, fields: dict, choose: dict, form: str | None = None) -> str:
    """Send the form at `url` (the one holding the first field, or `form`) without drawing it."""
    selector = form or f'main form:has([name="{next(iter(fields))}"])'
    status, landed = watched.page.evaluate(SEND_FORM, [url, fields, choose, selector])
    assert 200 <= status < 400, (url, status, landed)
    return re.sub(r"^https?://[^/]+|[?#].*$", "", landed)


def _send_text(watched: Watched, spec: UserTextField, i: int, value: str) -> str:
    """Send one text through the field's form without drawing it, as its submitter (and join,
    as the typed path does); return the path the form landed on."""
    if spec.submitter == "newcomer":
        credentials = {"email": f"newcomer{i}@xss.example", "password": PASSWORD}
        send(watched, "/auth/login", credentials, {})
    fields = {spec.name: value, **{k: v.format(i=i) for k, v in spec.fill.items()}}
    landed = send(watched, spec.form, fields, {})
    if spec.then_join:
        login = {"email": spec.fill["email"].format(i=i), "password": PASSWORD}
        send(watched, "/auth/login", login, {})
        send(watched, "/organizations/vallentuna", {}, {}, "main form:has([name=message])")
    return landed


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.label.replace(" ", "-"))
def test_payloads_are_shown_as_text_and_never_run(app, new_page, make_user, spec):
    make_user(ADMIN, "Astrid Admin", member_of="vallentuna", role="admin", site_admin=True)
    make_user(MEMBER, "Maja Medlem", member_of="vallentuna", role="member")
    # One browser page per field, watched throughout: the ADMIN or MEMBER logs in once; the
    # anonymous visitor or newcomer is a new person for each payload (its cookies cleared).
    watched = Watched(new_page())
    page = watched.page
    if spec.submitter in (ADMIN, MEMBER):
        log_in(page, spec.submitter)
    stored: list[str] = []
    texts = spec.texts()

    for i, payload in enumerate(texts):
        value = f"{payload} {i}" if spec.unique else payload
        if spec.submitter in ("anonymous", "newcomer"):
            page.context.clear_cookies()
        # The first text is typed into the drawn form; the others are sent by the browser
        # from a parsed copy of it (`send`), unless a validator may refuse them (then the
        # drawn form must show what was typed). Every page that shows them is still drawn.
        if i > 0 and spec.literal:
            if spec.submitter == "newcomer":
                make_user(f"newcomer{i}@xss.example", f"Ny Person {i}")
            landed = _send_text(watched, spec, i, value)
            stored.append(value)
            for template in spec.shows_on:
                url = template.replace("{landed}", landed)
                page.goto(url)
                watched.check(url, payload)
                assert normalise(value) in watched.main_text(), (spec.label, url, payload)
            continue
        if spec.submitter == "newcomer":
            make_user(f"newcomer{i}@xss.example", f"Ny Person {i}")
            log_in(page, f"newcomer{i}@xss.example", then=spec.form)  # lands on the form
        else:
            page.goto(spec.form)
        form = page.locator(f"main form:has([name={spec.name}])")
        for name, other in spec.fill.items():
            form.locator(f"[name={name}]").fill(other.format(i=i))
        form.locator(f"[name={spec.name}]").fill(value)
        with page.expect_navigation() as navigation:
            form.locator("button[type=submit]").first.click()
        status = navigation.value.status if navigation.value else None
        landed = re.sub(r"[?#].*$", "", page.url)
        watched.check(f"after submitting to {spec.form}", payload)
        if status == 422:
            # Refused (by a validator): the form shows what was typed, as text.
            typed = form.locator(f"[name={spec.name}]").input_value()
            assert normalise(typed) == normalise(value), (spec.label, payload, typed)
        elif spec.literal:
            stored.append(value)

        if spec.then_join:
            log_in(page, spec.fill["email"].format(i=i), then="/organizations/vallentuna")
            with page.expect_navigation():
                page.locator("main form:has([name=message]) button[type=submit]").click()
            watched.check("after joining", payload)

        for template in spec.shows_on:
            url = template.replace("{landed}", landed.split(page.url.split("/")[2])[-1])
            page.goto(url)
            watched.check(url, payload)
            if spec.literal and status != 422:
                assert normalise(value) in watched.main_text(), (spec.label, url, payload)

    page.wait_for_timeout(200)  # late error or load handlers, if any got in
    watched.check("at the end", "(all payloads)")
    if spec.literal:
        assert len(stored) == len(texts), "every text should have been accepted"
    if spec.listed_on:
        if spec.submitter != ADMIN:
            page.context.clear_cookies()
            log_in(page, ADMIN)
        for url in spec.listed_on:
            text = listed_text(watched, url, "(all payloads)")
            missing = [v for v in stored if normalise(v) not in text]
            assert not missing, (spec.label, url, missing[:5])


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.label.replace(" ", "-"))
def test_every_payload_is_typed_whole_into_every_field(spec):
    texts = spec.texts()
    assert len(texts) < len(XSS_PAYLOADS) / 3  # packed, or the test is slow again
    assert all(len(t.replace("\n", "\r\n")) <= spec.limit for t in texts)
    separator = "\n\n" if spec.multiline else " "
    assert separator.join(texts) == separator.join(XSS_PAYLOADS)


def test_the_table_covers_every_user_text_field_named_in_the_issue():
    covered = {f.label for f in FIELDS}
    assert {
        "registration name",
        "profile name",
        "organisation registration name",
        "organisation registration website",
        "organisation registration description",
        "organisation edit description",
        "organisation edit website",
        "join message",
    } <= covered
