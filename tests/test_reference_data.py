"""The reference data is real and complete, and seeding it is idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.orgs.models import County, Organisation, OrganisationKind


def _count(stmt):
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def test_there_are_21_counties_with_unique_codes(ctx):
    counties = db.session.scalars(select(County)).all()
    assert len(counties) == 21
    assert len({c.code for c in counties}) == 21
    assert db.session.get(County, "09").name == "Gotlands län"
    assert db.session.get(County, "01").name == "Stockholms län"


def test_there_are_290_municipalities_with_unique_four_digit_codes(ctx):
    municipalities = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY)
    ).all()
    assert len(municipalities) == 290
    codes = [m.municipality_code for m in municipalities]
    assert len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() for c in codes)
    # A municipality code starts with its county code.
    assert all(m.municipality_code[:2] == m.county_code for m in municipalities)
    assert len({m.slug for m in municipalities}) == 290


@pytest.mark.parametrize(
    ("code", "name", "county", "slug"),
    [
        ("0980", "Gotland", "Gotlands län", "gotland"),
        ("0115", "Vallentuna", "Stockholms län", "vallentuna"),
        ("0180", "Stockholm", "Stockholms län", "stockholm"),
        ("1280", "Malmö", "Skåne län", "malmo"),
        ("0114", "Upplands Väsby", "Stockholms län", "upplands-vasby"),
        ("1480", "Göteborg", "Västra Götalands län", "goteborg"),
        ("0380", "Uppsala", "Uppsala län", "uppsala"),
        ("2584", "Kiruna", "Norrbottens län", "kiruna"),
        ("1880", "Örebro", "Örebro län", "orebro"),
        ("0305", "Håbo", "Uppsala län", "habo"),
        ("0643", "Habo", "Jönköpings län", "habo-0643"),
    ],
)
def test_known_municipalities(ctx, code, name, county, slug):
    org = db.session.scalar(select(Organisation).where(Organisation.municipality_code == code))
    assert (org.name, org.county.name, org.slug) == (name, county, slug)
    assert org.verified


def test_counts_per_county_add_up(ctx):
    per_county = dict(
        db.session.execute(
            select(Organisation.county_code, func.count())
            .where(Organisation.kind == OrganisationKind.MUNICIPALITY)
            .group_by(Organisation.county_code)
        ).all()
    )
    assert per_county["01"] == 26
    assert per_county["12"] == 33
    assert per_county["14"] == 49
    assert per_county["09"] == 1
    assert sum(per_county.values()) == 290


@pytest.mark.parametrize(
    "slug", ["lantmateriet", "boverket", "digg", "skr", "riksarkivet", "msb", "naturvardsverket",
             "trafikverket", "skatteverket", "lansstyrelsen-stockholm", "lansstyrelsen-gotland"],
)  # fmt: skip
def test_national_authorities_are_there(ctx, slug):
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    assert org is not None and org.kind == OrganisationKind.AUTHORITY and org.verified


def test_every_county_has_its_lansstyrelse(ctx):
    assert _count(select(Organisation).where(Organisation.slug.like("lansstyrelsen-%"))) == 21


def test_seed_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "already up to date" in first.output
    with app.app_context():
        before = _count(select(Organisation))
    second = runner.invoke(args=["seed", "--demo"])
    third = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0 and third.exit_code == 0, third.output
    assert "created" in second.output
    assert "created" not in third.output and "updated" not in third.output
    with app.app_context():
        assert _count(select(Organisation)) == before + 4


def test_seed_repairs_a_changed_reference_row(app, runner):
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "gotland"))
        org.name = "Wrong"
        db.session.commit()
    result = runner.invoke(args=["seed"])
    assert "updated 1 municipalities" in result.output
    with app.app_context():
        assert (
            db.session.scalar(select(Organisation.name).where(Organisation.slug == "gotland"))
            == "Gotland"
        )


def test_six_maturity_dimensions_in_order(ctx):
    from portal.plans.models import MaturityDimension

    dims = db.session.scalars(select(MaturityDimension).order_by(MaturityDimension.position)).all()
    assert [d.key for d in dims] == [
        "digital_information",
        "digital_workflow",
        "digital_dialogue",
        "automated_processes",
        "standards_national_solutions",
        "organisation_competence",
    ]
    assert dims[1].name_sv == "Digitalt arbetsflöde"


def test_standards_catalogue_is_seeded_with_real_entries(ctx):
    from portal.standards.models import Standard, StandardKind

    standards = {s.slug: s for s in db.session.scalars(select(Standard))}
    assert len(standards) >= 15
    assert standards["bfs-2020-5"].kind == StandardKind.REGULATION
    assert standards["bfs-2020-5"].owner.slug == "boverket"
    assert str(standards["bfs-2020-8"].in_force) == "2021-01-01"
    assert any(s.owner and s.owner.slug == "lantmateriet" for s in standards.values())
