"""`flask users token`: create an API token for a user from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.errors import ServiceError
from portal.extensions import db


@click.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--write", is_flag=True, help="Allow writes (default: read only).")
@click.option(
    "--expires-days", type=click.IntRange(1, 3650), default=None, help="Expire after N days."
)
@with_appcontext
def token_command(email: str, name: str, write: bool, expires_days: int | None) -> None:
    """Create an API token for a user and print it once."""
    from portal.accounts.services import get_user_by_email
    from portal.tokens.services import create_token

    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    try:
        token, secret = create_token(user, name=name, write=write, expires_days=expires_days)
    except ServiceError as error:
        db.session.rollback()
        details = "; ".join(m for msgs in error.errors.values() for m in msgs)
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    scope = "read and write" if write else "read only"
    expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
    click.echo(f"created token {token.name!r} for {user.email} ({scope}{expiry})", err=True)
    click.echo("Copy it now; it is stored only as a hash and cannot be shown again:", err=True)
    click.echo(secret)
