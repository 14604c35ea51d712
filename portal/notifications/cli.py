"""`flask notify send` and `flask notify digest daily|weekly`: notification mail, from cron or
the systemd timers in deploy/systemd/ (never inside a web request)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.notifications import mail


@click.group("notify")
def notify_cli() -> None:
    """Send notification mail (immediately or as digests)."""


def _finish(report: mail.Report, what: str) -> None:
    click.echo(f"{what}: {report.sent} sent, {len(report.failed)} failed")
    if report.failed:
        for failure in report.failed:
            click.echo(f"  failed (retried on the next run): {failure}", err=True)
        raise SystemExit(1)


@notify_cli.command("send")
@with_appcontext
def send_command() -> None:
    """Mail the users who chose "immediately" every notification not yet mailed."""
    _finish(mail.send_immediate(), "immediate mail")


@notify_cli.command("digest")
@click.argument("period", type=click.Choice(sorted(mail.DIGESTS)))
@with_appcontext
def digest_command(period: str) -> None:
    """Mail the daily or weekly digests (one mail per user, none when nothing is due)."""
    _finish(mail.send_digests(period), f"{period} digests")
