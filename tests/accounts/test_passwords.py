"""Passwords that are easy to guess are refused with the reason, wherever one is chosen."""

from __future__ import annotations

import pytest

from portal.accounts import passwords
from tests.conftest import PASSWORD

NAME, EMAIL = "Greta Lindqvist", "greta.lindqvist@example.com"

# (password, the English reason, the Swedish reason)
COMMON = ("This is one of the most common", "ett av de vanligaste lösenorden")
PERSONAL = ("contains your name or email", "innehåller ditt namn eller din e-postadress")
REPEATED = ("one character or a short group repeated", "ett tecken eller en kort teckengrupp")
RUN = ("a run of keys or digits", "en följd av tangenter eller siffror")
WEAK = [
    # The examples are on the list (which is checked first).
    ("password12", COMMON),
    ("1234567890", COMMON),
    ("aaaaaaaaaa", COMMON),
    ("Password123", COMMON),
    ("Sommar2024!", COMMON),  # the Swedish list, digits and punctuation stripped
    ("basketball", COMMON),
    ("greta-secret-words", PERSONAL),
    ("LINDQVIST-rules-ok", PERSONAL),
    ("zzzzzzzzzzzz", REPEATED),
    ("abababababab", REPEATED),
    ("hgfedcba9876", RUN),
    ("uiopå-0123456789", RUN),
    ("asdfghjklö12345", RUN),
]
GOOD = ["correct horse battery", "Mörkblå kaffekopp på balkongen", "x7#Kp2!vRt9q"]


@pytest.mark.parametrize(("password", "reason"), WEAK, ids=[p for p, _ in WEAK])
def test_registration_refuses_easy_passwords_and_says_why(client, password, reason):
    data = {"name": NAME, "email": EMAIL, "password": password, "confirm": password}
    client.set_cookie("lang", "en")
    english = client.post("/auth/register", data=data)
    assert english.status_code == 422
    html = english.get_data(as_text=True)
    assert reason[0] in html
    assert 'aria-invalid="true"' in html
    client.set_cookie("lang", "sv")
    swedish = client.post("/auth/register", data=data)
    assert reason[1] in swedish.get_data(as_text=True)


@pytest.mark.parametrize("password", GOOD)
def test_good_passwords_pass_every_rule(password):
    assert not passwords.is_common(password)
    assert not passwords.contains_personal(password, EMAIL, NAME)
    assert not passwords.is_repetition(password)
    assert not passwords.is_run(password)


def test_the_shipped_list_is_read(app):
    assert len(passwords.common_passwords()) > 19_000
    assert "lösenord" in passwords.common_passwords()


def test_the_password_change_applies_the_same_rules(client, make_user):
    make_user(EMAIL, NAME)
    client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    client.set_cookie("lang", "en")
    for weak, reason in (("hgfedcba9876", RUN), ("greta-lindqvist-2026", PERSONAL)):
        data = {"current_password": PASSWORD, "new_password": weak, "confirm": weak}
        response = client.post("/account/password", data=data)
        assert response.status_code == 422
        assert reason[0] in response.get_data(as_text=True)
    good = "Mörkblå kaffekopp på balkongen"
    data = {"current_password": PASSWORD, "new_password": good, "confirm": good}
    assert client.post("/account/password", data=data).status_code == 302


def test_users_create_applies_the_same_rules(runner):
    args = ["users", "create", EMAIL, "--name", NAME, "--password", "qwertyuiop"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "harder to guess" in result.output or "svårare att gissa" in result.output
