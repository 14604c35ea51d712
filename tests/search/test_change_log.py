"""Every change that affects search is logged in the content's own transaction."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.orgs.services import get_organisation, update_organisation
from portal.search.models import SearchChange
from portal.standards.models import Standard


def _log_after(last: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(SearchChange.doc_type, SearchChange.doc_key)
        .where(SearchChange.id > last)
        .order_by(SearchChange.id)
    )
    return [tuple(r) for r in rows]


def _last() -> int:
    return db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0


def test_a_service_change_is_logged_without_the_service_knowing(ctx, make_user):
    admin = db.session.get(User, make_user(site_admin=True))
    org = get_organisation("gotland")
    last = _last()
    update_organisation(admin, org, website="https://gotland.se", description="Ny text")
    assert ("organisation", str(org.id)) in _log_after(last)
    db.session.commit()
    assert ("organisation", str(org.id)) in _log_after(last)


def test_a_rolled_back_change_leaves_no_log_row(ctx):
    last = _last()
    org = get_organisation("gotland")
    org.description = "Ändras men ångras"
    db.session.flush()
    assert _log_after(last)
    db.session.rollback()
    assert _log_after(last) == []


def test_renaming_an_owner_logs_the_standards_it_owns(ctx):
    boverket = get_organisation("boverket")
    owned = {
        str(i)
        for i in db.session.scalars(sa.select(Standard.id).where(Standard.owner_id == boverket.id))
    }
    assert owned
    last = _last()
    boverket.name = "Boverket (nytt namn)"
    db.session.commit()
    logged = _log_after(last)
    assert ("organisation", str(boverket.id)) in logged
    assert {k for t, k in logged if t == "standard"} == owned


def test_an_owner_change_that_standards_do_not_show_logs_only_the_organisation(ctx):
    boverket = get_organisation("boverket")
    last = _last()
    boverket.website = "https://example.org/boverket"
    db.session.commit()
    assert _log_after(last) == [("organisation", str(boverket.id))]


def test_unrelated_changes_log_nothing(ctx, make_user):
    last = _last()
    make_user("someone@example.com", member_of="gotland")
    assert _log_after(last) == []


def test_deleting_logs_the_document_and_what_referred_to_it(ctx):
    org = Organisation(name="Ägare AB", slug="agare-ab", kind="supplier", verified=True)
    db.session.add(org)
    db.session.flush()
    std = Standard(slug="test-std", name="Teststandard", kind="standard", owner_id=org.id)
    db.session.add(std)
    db.session.commit()
    last = _last()
    db.session.delete(org)
    db.session.commit()
    logged = _log_after(last)
    assert ("organisation", str(org.id)) in logged
    assert ("standard", str(std.id)) in logged


def test_a_new_organisation_logs_only_itself(ctx, count_queries):
    last = _last()
    org = Organisation(name="Ny AB", slug="ny-ab", kind="supplier", verified=True)
    db.session.add(org)
    with count_queries() as flush:
        db.session.flush()
    assert _log_after(last) == [("organisation", str(org.id))]
    assert flush.count == 2  # the row and its log row; no look-up of owned standards
