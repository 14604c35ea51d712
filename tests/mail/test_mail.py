"""Notification mail through a real SMTP server (aiosmtpd, started by the tests): at once,
daily and weekly digests, the reader's language, retries after a failed delivery, the one-click
preference link, and the log when no server is configured."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import EmailNotifications, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.models import Notification, NotificationKind, SubjectType
from tests.conftest import csrf_token_from
from tests.mail.conftest import free_port

Kind = NotificationKind


@pytest.fixture
def reader(app, make_user):
    """A user who chose how often to be mailed (and a language); returns (id, email)."""

    def make(choice: str = "daily", locale: str | None = "sv", email: str | None = None):
        user_id = make_user(email, "Rita Läsare")
        with app.app_context():
            user = db.session.get(User, user_id)
            user.email_notifications = EmailNotifications(choice)
            user.locale = locale
            db.session.commit()
            return user_id, user.email

    return make


@pytest.fixture
def subjects(make_need, make_plan) -> dict[str, int]:
    return {
        "need": make_need("vallentuna", title="Export av detaljplaner"),
        "plan": make_plan("gotland", title="Gotlands handlingsplan"),
        "draft": make_plan("gotland", status="draft", title="Hemligt utkast"),
    }


def tell(
    app, user_id: int, kind: Kind, subject: tuple[str, int], event: str, org="vallentuna", **extra
) -> int:
    """A notification as notify's services write it (the mail's input)."""
    subject_type, subject_id = subject
    with app.app_context():
        org_id = db.session.scalar(
            select(db.text("id FROM organisations WHERE slug = :s")), {"s": org}
        )
        notification = Notification(
            user_id=user_id,
            kind=kind,
            subject_type=SubjectType(subject_type),
            subject_id=subject_id,
            actor_organisation_id=org_id,
            dedupe_key=f"{kind}:{subject_type}:{subject_id}:{event}",
            **extra,
        )
        db.session.add(notification)
        db.session.commit()
        return notification.id


def run(runner, *args: str):
    return runner.invoke(args=["notify", *args])


def mailed(app, *ids: int) -> list[bool]:
    with app.app_context():
        return [db.session.get(Notification, i).emailed_at is not None for i in ids]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_immediate_mail_has_text_html_links_and_the_preference_link(
    app, runner, smtp_server, reader, subjects
):
    user_id, email = reader("immediately")
    first = tell(
        app, user_id, Kind.NEED_ANSWERED, ("need", subjects["need"]), "answer:1", org="gotland"
    )
    result = run(runner, "send")
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    [message] = smtp_server.to(email)
    assert message["To"].addresses[0].addr_spec == email
    assert "Export av detaljplaner" in message["Subject"]
    text, html = text_of(message), html_of(message)
    need_url = f"https://portal.example.se/needs/{subjects['need']}"
    assert need_url in text and f'href="{need_url}"' in html
    assert "https://portal.example.se/mail/preferences/" in text
    assert "https://portal.example.se/me/notifications" in text
    assert message["List-Unsubscribe"].startswith("<https://portal.example.se/mail/preferences/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailed(app, first) == [True]
    # Mailed once: the next run has nothing for this user, and a new notification is mailed alone.
    assert run(runner, "send").exit_code == 0 and len(smtp_server.to(email)) == 1
    second = tell(
        app, user_id, Kind.PLAN_PUBLISHED, ("plan", subjects["plan"]), "rev:1", org="gotland"
    )
    run(runner, "send")
    assert len(smtp_server.to(email)) == 2
    assert "Gotlands handlingsplan" in text_of(smtp_server.to(email)[1])
    assert "Export av detaljplaner" not in text_of(smtp_server.to(email)[1])
    assert mailed(app, second) == [True]


def test_send_mails_only_those_who_chose_immediately(app, runner, smtp_server, reader, subjects):
    for choice in ("daily", "weekly", "never"):
        user_id, email = reader(choice)
        tell(app, user_id, Kind.NEED_BACKED, ("need", subjects["need"]), f"backing:{choice}")
        run(runner, "send")
        assert smtp_server.to(email) == [], choice


def test_daily_digest_groups_by_subject_without_duplicates(
    app, runner, smtp_server, reader, subjects
):
    user_id, email = reader("daily", "en")
    need = ("need", subjects["need"])
    ids = [
        tell(app, user_id, Kind.NEED_ANSWERED, need, "answer:1", org="gotland"),
        tell(app, user_id, Kind.NEED_BACKED, need, "backing:1", org="gotland"),
        # The same organisation backs again (after taking its backing back): the same line.
        tell(app, user_id, Kind.NEED_BACKED, need, "backing:2", org="gotland"),
        tell(app, user_id, Kind.PLAN_PUBLISHED, ("plan", subjects["plan"]), "rev:1", org="gotland"),
    ]
    weekly_id, weekly_email = reader("weekly", "en")
    tell(app, weekly_id, Kind.NEED_BACKED, need, "backing:1", org="gotland")

    assert run(runner, "digest", "daily").exit_code == 0
    [digest] = smtp_server.to(email)
    text = text_of(digest)
    assert text.count("Need: Export av detaljplaner") == 1  # one group per subject
    assert text.count("Plan: Gotlands handlingsplan") == 1
    backed = [line for line in text.splitlines() if "backs the need" in line]
    assert len(backed) == 1, text
    assert digest["Subject"] == "Daily summary: 3 notifications"
    assert mailed(app, *ids) == [True] * 4
    assert smtp_server.to(weekly_email) == []  # the weekly reader waits for the weekly digest
    # Never twice, and never an empty digest.
    assert run(runner, "digest", "daily").exit_code == 0
    assert len(smtp_server.to(email)) == 1
    assert run(runner, "digest", "weekly").exit_code == 0
    [weekly] = smtp_server.to(weekly_email)
    assert weekly["Subject"] == "Weekly summary: 1 notification"


def test_no_digest_without_something_to_tell(app, runner, smtp_server, reader, subjects):
    nothing, nothing_email = reader("daily")
    hidden, hidden_email = reader("daily")
    read_already, read_email = reader("daily")
    old, old_email = reader("daily")
    tell(app, hidden, Kind.PLAN_PUBLISHED, ("plan", subjects["draft"]), "rev:1", org="gotland")
    tell(app, read_already, Kind.NEED_BACKED, ("need", subjects["need"]), "b", read_at=utcnow())
    long_ago = utcnow() - timedelta(days=30)
    tell(app, old, Kind.NEED_BACKED, ("need", subjects["need"]), "b", created_at=long_ago)
    assert run(runner, "digest", "daily").exit_code == 0
    for address in (nothing_email, hidden_email, read_email, old_email):
        assert smtp_server.to(address) == [], address


def test_a_plan_taken_back_to_draft_is_not_mailed(app, runner, smtp_server, reader, subjects):
    from portal.plans.models import Plan, PlanStatus

    user_id, email = reader("daily")
    tell(app, user_id, Kind.PLAN_PUBLISHED, ("plan", subjects["plan"]), "rev:1", org="gotland")
    tell(app, user_id, Kind.NEED_BACKED, ("need", subjects["need"]), "b")
    with app.app_context():
        db.session.get(Plan, subjects["plan"]).status = PlanStatus.DRAFT
        db.session.commit()
    run(runner, "digest", "daily")
    [digest] = smtp_server.to(email)
    assert "Gotlands handlingsplan" not in text_of(digest) + html_of(digest) + digest["Subject"]


@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [
        ("sv", "Daglig sammanfattning", "Hej Rita Läsare"),
        ("en", "Daily summary", "Hello Rita Läsare"),
        (None, "Daglig sammanfattning", "Hej"),
    ],
)
def test_mail_is_written_in_the_readers_language(
    app, runner, smtp_server, reader, subjects, locale, subject, greeting
):
    user_id, email = reader("daily", locale)
    tell(app, user_id, Kind.NEED_ANSWERED, ("need", subjects["need"]), "answer:1", org="gotland")
    run(runner, "digest", "daily")
    [digest] = smtp_server.to(email)
    assert digest["Subject"].startswith(subject)
    assert text_of(digest).startswith(greeting)
    assert digest["Content-Language"] == (locale or "sv")


def test_a_refused_delivery_is_retried_once_and_nothing_is_lost(
    app, runner, smtp_server, reader, subjects
):
    first_id, first_email = reader("daily")
    second_id, second_email = reader("daily")
    ids = [
        tell(
            app, first_id, Kind.NEED_ANSWERED, ("need", subjects["need"]), "answer:1", org="gotland"
        ),
        tell(
            app, first_id, Kind.PLAN_PUBLISHED, ("plan", subjects["plan"]), "rev:1", org="gotland"
        ),
    ]
    other = tell(app, second_id, Kind.NEED_BACKED, ("need", subjects["need"]), "b")
    smtp_server.refuse = 1  # 451 for the first mail of the run (the first user's)
    result = run(runner, "digest", "daily")
    assert result.exit_code == 1
    assert "1 sent, 1 failed" in result.output
    assert smtp_server.to(first_email) == [] and mailed(app, *ids) == [False, False]
    # One user's failure does not stop the next one's mail.
    assert len(smtp_server.to(second_email)) == 1 and mailed(app, other) == [True]

    again = run(runner, "digest", "daily")
    assert again.exit_code == 0, again.output
    [digest] = smtp_server.to(first_email)
    assert "Export av detaljplaner" in text_of(digest) and "Gotlands handlingsplan" in text_of(
        digest
    )
    assert mailed(app, *ids) == [True, True]
    assert run(runner, "digest", "daily").exit_code == 0
    assert len(smtp_server.to(first_email)) == 1 and len(smtp_server.to(second_email)) == 1


def test_a_server_that_is_down_is_retried_on_the_next_run(
    app, runner, smtp_server, mail_settings, reader, subjects
):
    user_id, email = reader("immediately")
    note = tell(
        app, user_id, Kind.NEED_ANSWERED, ("need", subjects["need"]), "answer:1", org="gotland"
    )
    port = mail_settings["MAIL_PORT"]
    mail_settings["MAIL_PORT"] = free_port()  # nobody listens there: connection refused
    down = run(runner, "send")
    assert down.exit_code == 1 and "failed" in down.output
    assert mailed(app, note) == [False]
    mail_settings["MAIL_PORT"] = port
    assert run(runner, "send").exit_code == 0
    assert len(smtp_server.to(email)) == 1 and mailed(app, note) == [True]


def preference_link(message) -> str:
    match = re.search(r"https://portal\.example\.se(/mail/preferences/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def one_mail(app, runner, smtp_server, reader, subjects):
    """A user with this choice, and the one mail the portal sent them (about a need)."""

    def make(choice: str = "immediately"):
        user_id, email = reader(choice)
        need = ("need", subjects["need"])
        tell(app, user_id, Kind.NEED_ANSWERED, need, "answer:1", org="gotland")
        run(runner, *(["send"] if choice == "immediately" else ["digest", choice]))
        [message] = smtp_server.to(email)
        return user_id, message

    return make


def choice_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email_notifications.value


def test_the_preference_link_sets_the_choice_with_one_click(app, one_mail, csrf_on):
    user_id, message = one_mail("immediately")
    email = message["To"].addresses[0].addr_spec
    link = preference_link(message)
    client = app.test_client()  # no login: the link is the authority
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert email in html and 'value="weekly"' in html
    assert choice_of(app, user_id) == "immediately"  # looking changes nothing
    # Without the form's CSRF token the post is refused; with it, one click sets the choice.
    assert client.post(link, data={"email_notifications": "never"}).status_code == 400
    token = csrf_token_from(html)
    saved = client.post(link, data={"email_notifications": "weekly", "csrf_token": token})
    assert saved.status_code == 303 and choice_of(app, user_id) == "weekly"
    assert "Veckosammanfattning" in client.get(link).get_data(as_text=True)
    bad = client.post(link, data={"email_notifications": "hourly", "csrf_token": token})
    assert bad.status_code == 422 and choice_of(app, user_id) == "weekly"


def test_a_tampered_or_foreign_link_changes_nothing(app, one_mail, csrf_on):
    user_id, message = one_mail("immediately")
    link = preference_link(message)
    client = app.test_client()
    token = link.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    forged = f"/mail/preferences/{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{signature}"
    assert client.get(forged).status_code == 403
    assert client.get("/mail/preferences/inte-en-nyckel").status_code == 403
    one_click = {"List-Unsubscribe": "One-Click"}
    assert client.post(forged, data=one_click).status_code == 403
    assert choice_of(app, user_id) == "immediately"


def test_one_click_unsubscribe_of_rfc_8058_turns_mail_off(app, one_mail, csrf_on):
    user_id, message = one_mail("daily")
    url = message["List-Unsubscribe"].strip("<>").removeprefix("https://portal.example.se")
    # What a mail client sends: no cookie, no CSRF token, just the one-click body.
    response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert choice_of(app, user_id) == "never"


def test_without_a_mail_server_mail_is_written_to_the_log(
    app, runner, mail_settings, reader, subjects, caplog
):
    mail_settings["MAIL_SERVER"] = ""
    user_id, email = reader("immediately")
    note = tell(
        app, user_id, Kind.NEED_ANSWERED, ("need", subjects["need"]), "answer:1", org="gotland"
    )
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        result = run(runner, "send")
    assert result.exit_code == 0, result.output
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "portal.mail")
    assert email in logged and "Export av detaljplaner" in logged and "no MAIL_SERVER" in logged
    assert mailed(app, note) == [True]


def test_the_digest_command_takes_only_daily_or_weekly(runner):
    assert run(runner, "digest", "hourly").exit_code == 2


def test_the_users_language_is_remembered_for_their_mail(app, client, login_as, make_user):
    user_id = make_user()

    def locale() -> str | None:
        with app.app_context():
            return db.session.get(User, user_id).locale

    client.set_cookie("lang", "en")
    login_as(user_id)
    assert locale() == "en"
    client.get("/language/sv?next=/")
    assert locale() == "sv"


def test_a_title_with_a_line_break_stays_in_one_subject_line(
    app, runner, smtp_server, reader, subjects
):
    from portal.needs.models import AdaptationNeed

    with app.app_context():
        db.session.get(AdaptationNeed, subjects["need"]).title = "Rad ett\nBcc: x@example.com"
        db.session.commit()
    user_id, email = reader("immediately", "en")
    tell(app, user_id, Kind.NEED_BACKED, ("need", subjects["need"]), "b", org="gotland")
    assert run(runner, "send").exit_code == 0
    [message] = smtp_server.to(email)
    assert message.recipients == [email] and message["Bcc"] is None
    assert "Rad ett Bcc: x@example.com" in message["Subject"]
