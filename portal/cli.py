"""Command-line interface for operators: seed data and manage users."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.errors import ServiceError
from portal.extensions import db


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add example organisations, users and content.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load reference data (and demo content); running it twice changes nothing."""
    from portal.seed import seed_demo, seed_reference

    report = seed_reference()
    if demo:
        seed_demo(report)
    db.session.commit()
    for what, n in sorted(report.created.items()):
        click.echo(f"created {n} {what}")
    for what, n in sorted(report.updated.items()):
        click.echo(f"updated {n} {what}")
    if not report.created and not report.updated:
        click.echo("reference data already up to date")
    if demo:
        click.echo("\nDemo accounts (example data; do not use in production):")
        for email, password, label in report.logins:
            click.echo(f"  {email:<28} password: {password:<20} {label}")


@click.group("users")
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--site-admin", is_flag=True, help="Let the user verify organisations and act everywhere."
)
@with_appcontext
def create_user_command(email: str, name: str, password: str, site_admin: bool) -> None:
    """Create a user account."""
    from portal.accounts.services import register_user

    try:
        user = register_user(email, name, password, site_admin=site_admin)
    except ServiceError as error:
        db.session.rollback()
        details = "; ".join(m for msgs in error.errors.values() for m in msgs)
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"created user {user.email}" + (" (site admin)" if site_admin else ""))


@users_cli.command("add-member")
@click.argument("email")
@click.argument("org_slug")
@click.option(
    "--role", type=click.Choice(["member", "editor", "admin"]), default="member", show_default=True
)
@with_appcontext
def add_member_command(email: str, org_slug: str, role: str) -> None:
    """Make a user an active member of an organisation with a role."""
    from portal.accounts.services import get_user_by_email
    from portal.core.models import utcnow
    from portal.orgs.models import Membership, MembershipStatus, Role
    from portal.orgs.services import get_organisation

    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    try:
        org = get_organisation(org_slug)
    except ServiceError:
        raise click.ClickException(f"no organisation {org_slug}") from None
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id
        )
    )
    if membership is None:
        membership = Membership(user=user, organisation=org)
        db.session.add(membership)
    membership.role = Role(role)
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = utcnow()
    db.session.commit()
    click.echo(f"{user.email} is now {role} of {org.slug}")


def _add_token_command() -> None:
    from portal.tokens.cli import token_command

    users_cli.add_command(token_command)


_add_token_command()
