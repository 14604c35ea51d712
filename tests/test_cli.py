"""The operator commands."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Membership, Role


def test_users_create_and_add_member(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ops@example.com",
            "--name",
            "Ops",
            "--password",
            "long-enough-pw",
            "--site-admin",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["users", "add-member", "OPS@example.com", "vallentuna", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ops@example.com"))
        assert user.is_site_admin
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == Role.EDITOR
        assert membership.organisation.slug == "vallentuna"


def test_users_create_refuses_duplicates_and_short_passwords(runner):
    ok = runner.invoke(
        args=["users", "create", "a@example.com", "--name", "A", "--password", "long-enough-pw"]
    )
    assert ok.exit_code == 0
    dup = runner.invoke(
        args=["users", "create", "A@example.com", "--name", "A", "--password", "long-enough-pw"]
    )
    assert dup.exit_code != 0
    short = runner.invoke(
        args=["users", "create", "b@example.com", "--name", "B", "--password", "short"]
    )
    assert short.exit_code != 0 and "password" in short.output.lower()


def test_add_member_unknown_user_or_org(runner):
    assert runner.invoke(args=["users", "add-member", "x@example.com", "gotland"]).exit_code != 0
    runner.invoke(
        args=["users", "create", "y@example.com", "--name", "Y", "--password", "long-enough-pw"]
    )
    assert (
        runner.invoke(args=["users", "add-member", "y@example.com", "no-such-org"]).exit_code != 0
    )


def test_seed_demo_prints_how_to_log_in(runner, client):
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example" in result.output
    assert "gotland@demo.example" in result.output
    from portal.seed import demo_password

    response = client.post(
        "/auth/login", data={"email": "gotland@demo.example", "password": demo_password()}
    )
    assert response.status_code == 302
    assert "Exempelkommunen" in client.get("/organizations?q=exempel").get_data(as_text=True)
    # Fictional demo municipalities are not counted among Sweden's 290.
    assert "<strong>290</strong>" in client.get("/").get_data(as_text=True)
