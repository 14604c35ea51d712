"""Notification mail: at once, or as a daily or weekly digest, as each user chose.

Mail is never sent inside a web request: `flask notify send` mails what is due now to the
users who chose "immediately", `flask notify digest daily|weekly` the digests (cli.py; run them
from cron or the systemd timers in deploy/systemd/).

Each user is one transaction: lock the user's row, read their visible, unread notifications
that no mail has carried yet (`visible_notifications`, so nothing they may no longer see),
record them as mailed (`mark_emailed`, a flush), hand the mail to the SMTP server, and commit
only once the server has accepted it. A refused or failed delivery rolls the record back, so the
next run mails the same notifications again: nothing is lost, and nothing is marked that was not
sent. Only a database failure between the server's acceptance and the commit could send a
notification twice (it is never lost instead). One user's failure does not stop the others;
the run reports how many failed, and the command's exit code says so.

Why the standard library (smtplib and email.message) rather than Flask-Mailman: mail is only
sent by these commands, outside any request, one connection per run; an `EmailMessage` with a
plain-text body and an HTML alternative, the List-Unsubscribe headers of RFC 8058 and
per-message errors need nothing more, and it adds no dependency.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

from flask import current_app, render_template
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select

from portal.accounts.models import EmailNotifications, User
from portal.core.database import lock_for_update
from portal.core.models import utcnow
from portal.core.urls import path_for
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import (
    NotificationView,
    describe,
    mark_emailed,
    visible_notifications,
)

logger = logging.getLogger("portal.mail")

# A notification older than this is no longer mailed (it stays in the portal): someone who
# turns mail on again is not sent months of old news.
MAX_AGE = timedelta(days=14)
DIGESTS = {"daily": EmailNotifications.DAILY, "weekly": EmailNotifications.WEEKLY}
# Each choice: its button on the preference page, and how a mail says how often it comes.
CHOICES = {
    EmailNotifications.IMMEDIATELY: (_l("At once"), _l("as soon as something happens")),
    EmailNotifications.DAILY: (_l("Daily summary"), _l("once a day, as a summary")),
    EmailNotifications.WEEKLY: (_l("Weekly summary"), _l("once a week, as a summary")),
    EmailNotifications.NEVER: (_l("No mail"), _l("never")),
}


# --- the one-click link to change how often ------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-preference")


def preference_token(user: User) -> str:
    """A signed token naming the user, for the link in every mail (tamper-proof: only the
    portal's SECRET_KEY makes one)."""
    return _serializer().dumps({"user": user.id})


def user_for_token(token: str) -> User | None:
    """The active user a preference token names, or None for a token the portal did not sign."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**31:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def set_mail_preference(user: User, choice: EmailNotifications) -> None:
    """Set how often the user is mailed (the token of their link is the authority); flushes."""
    user.email_notifications = EmailNotifications(choice)
    db.session.flush()


# --- addresses outside a request -----------------------------------------------------------------


def _on_portal(path: str) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values: object) -> str:
    """An endpoint's absolute URL on the portal's public address (PORTAL_BASE_URL)."""
    return _on_portal(path_for(endpoint, **values))


# --- what a mail says ----------------------------------------------------------------------------


@dataclass
class MailItem:
    title: str
    url: str
    created_at: datetime


@dataclass
class MailGroup:
    """The notifications about one subject (a plan, a need, ...), oldest first."""

    label: str
    items: list[MailItem] = field(default_factory=list)


def group_by_subject(views: Iterable[NotificationView]) -> list[MailGroup]:
    """Group notifications by their subject, each event once (two notifications that read the
    same, e.g. two backings by one organisation, are one line); the newest subject first."""
    groups: dict[str, MailGroup] = {}
    for view in sorted(views, key=lambda v: (v.created_at, v.id)):
        group = groups.setdefault(view.group_key, MailGroup(view.subject_label or view.title))
        if all(item.title != view.title for item in group.items):
            group.items.append(MailItem(view.title, _on_portal(view.url), view.created_at))
    return sorted(groups.values(), key=lambda g: g.items[-1].created_at, reverse=True)


def _subject(choice: EmailNotifications, groups: Sequence[MailGroup], count: int) -> str:
    if choice == EmailNotifications.DAILY:
        return ngettext(
            "Daily summary: %(num)d notification", "Daily summary: %(num)d notifications", count
        )
    if choice == EmailNotifications.WEEKLY:
        return ngettext(
            "Weekly summary: %(num)d notification", "Weekly summary: %(num)d notifications", count
        )
    if count == 1:
        return groups[0].items[0].title
    return ngettext("%(num)d new notification", "%(num)d new notifications", count)


def _one_line(text: str) -> str:
    """Text for a header: user text (a title, a name) may not break it into two."""
    return " ".join(text.split())


def compose(
    user: User, views: Sequence[NotificationView], choice: EmailNotifications
) -> EmailMessage:
    """Write the mail of these notifications to the user in the current locale: a plain-text
    part and an HTML alternative, a link to each item and the one-click preference link."""
    groups = group_by_subject(views)
    count = sum(len(group.items) for group in groups)
    preference_url = absolute_url("mail_preferences.preference", mail_token=preference_token(user))
    context = {
        "user": user,
        "groups": groups,
        "digest": choice != EmailNotifications.IMMEDIATELY,
        "how_often": CHOICES[choice][1],
        "preference_url": preference_url,
        "portal_url": absolute_url("core.home"),
        "notifications_url": absolute_url("me.notifications"),
        "subject": _subject(choice, groups, count),
    }
    message = EmailMessage()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    message["Subject"] = _one_line(context["subject"])
    message["From"] = sender
    message["To"] = Address(display_name=_one_line(user.name), addr_spec=user.email)
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", which posts to the same link.
    message["List-Unsubscribe"] = f"<{preference_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(render_template("notifications/mail/notifications.txt", **context))
    message.add_alternative(
        render_template("notifications/mail/notifications.html", **context), subtype="html"
    )
    # After the parts: setting content clears the Content-* headers.
    message["Content-Language"] = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return message


# --- how mail leaves -----------------------------------------------------------------------------


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class LogTransport:
    """No MAIL_SERVER: every mail is written to the log (logger `portal.mail`) instead."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(("plain",))
        logger.info(
            "mail (not sent: no MAIL_SERVER) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            body.get_content() if body is not None else "",
        )

    def close(self) -> None:
        pass


class SmtpTransport:
    """One connection to the configured SMTP server, opened on the first mail and again after
    it broke (each user's mail tries afresh)."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        connection = self._open()
        try:
            if self.config["MAIL_USE_TLS"] and not self.config["MAIL_USE_SSL"]:
                connection.starttls(context=ssl.create_default_context())
            if self.config["MAIL_USERNAME"]:
                connection.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except BaseException:
            connection.close()
            raise
        return connection

    def _open(self) -> smtplib.SMTP:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        if config["MAIL_USE_SSL"]:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # reconnect for the next mail
            raise

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.quit()
            connection.close()


def transport() -> Transport:
    """The SMTP server of the configuration, or the log when none is set."""
    config = current_app.config
    return SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport()


# --- sending what is due -------------------------------------------------------------------------


@dataclass
class Report:
    """What a run did: mails accepted by the server, users whose mail failed (retried next run)."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)


def _due_users(choice: EmailNotifications, since: datetime) -> list[int]:
    """Ids of active users with this choice who have unread notifications no mail carried yet
    (a cheap first cut; what each may still see is decided when their mail is written)."""
    waiting = exists().where(
        Notification.user_id == User.id,
        Notification.emailed_at.is_(None),
        Notification.read_at.is_(None),
        Notification.created_at >= since,
    )
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.email_notifications == choice, User.active.is_(True), waiting)
            .order_by(User.id)
        )
    )


def _deliver(user_id: int, choice: EmailNotifications, since: datetime, via: Transport) -> bool:
    """Mail the user what is due, in one transaction; True when a mail was accepted."""
    user = db.session.get(User, user_id)
    # Held until commit or rollback: a second run at the same time waits, then finds nothing.
    lock_for_update(user)
    if user.email_notifications != choice or not user.active:
        db.session.rollback()
        return False
    notifications = visible_notifications(user, unread_only=True, unmailed_only=True, since=since)
    if not notifications:  # never an empty mail
        db.session.rollback()
        return False
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = compose(user, [describe(n) for n in notifications], choice)
    mark_emailed(notifications)
    try:
        via.send(message)
    except (smtplib.SMTPException, OSError):
        db.session.rollback()
        raise
    db.session.commit()
    return True


def send_due(choice: EmailNotifications, *, now: datetime | None = None) -> Report:
    """Mail every user with this choice what is due: one mail each, never an empty one."""
    since = (now or utcnow()) - MAX_AGE
    report = Report()
    user_ids = _due_users(choice, since)
    db.session.rollback()  # each user is a transaction of their own
    via = transport()
    try:
        for user_id in user_ids:
            try:
                if _deliver(user_id, choice, since, via):
                    report.sent += 1
            except (smtplib.SMTPException, OSError) as error:
                logger.warning(
                    "mail to user %s failed, retried on the next run: %s", user_id, error
                )
                report.failed.append(f"user {user_id}: {error}")
            except Exception as error:  # a bug must not keep the other users' mail back either
                db.session.rollback()
                logger.exception("mail to user %s could not be written", user_id)
                report.failed.append(f"user {user_id}: {error!r}")
    finally:
        via.close()
    return report


def send_immediate(*, now: datetime | None = None) -> Report:
    """Mail the users who chose "immediately" everything not yet mailed."""
    return send_due(EmailNotifications.IMMEDIATELY, now=now)


def send_digests(period: str, *, now: datetime | None = None) -> Report:
    """Mail the daily or weekly digests."""
    return send_due(DIGESTS[period], now=now)
