"""Which municipalities have a published plan, county by county: the plans page's tile map.

Each of the 21 counties (portal/data/counties.csv) is a tile placed roughly where the county
lies, so the picture reads as Sweden without any map data; a tile links to the county's plans.
A municipality counts when it has a published plan; its region's tasks go with it where the
municipality is alone in its county (Gotland). Three queries, whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.extensions import db
from portal.orgs.models import County, Organisation, OrganisationKind
from portal.plans.models import Plan, PlanStatus

# County code -> (column, row) on a 5 x 9 grid, north at the top.
TILES: dict[str, tuple[int, int]] = {
    "25": (2, 0),  # Norrbotten
    "24": (2, 1),  # Västerbotten
    "23": (1, 2),  # Jämtland
    "22": (2, 2),  # Västernorrland
    "20": (1, 3),  # Dalarna
    "21": (2, 3),  # Gävleborg
    "17": (0, 4),  # Värmland
    "18": (1, 4),  # Örebro
    "19": (2, 4),  # Västmanland
    "03": (3, 4),  # Uppsala
    "14": (0, 5),  # Västra Götaland
    "04": (2, 5),  # Södermanland
    "01": (3, 5),  # Stockholm
    "13": (0, 6),  # Halland
    "06": (1, 6),  # Jönköping
    "05": (2, 6),  # Östergötland
    "09": (4, 6),  # Gotland
    "07": (1, 7),  # Kronoberg
    "08": (2, 7),  # Kalmar
    "12": (1, 8),  # Skåne
    "10": (2, 8),  # Blekinge
}


@dataclass
class CountyCoverage:
    code: str
    name: str
    column: int
    row: int
    municipalities: int = 0
    with_plan: list[str] = field(default_factory=list)  # names, alphabetical

    @property
    def short_name(self) -> str:
        return self.name.removesuffix(" län")

    @property
    def share(self) -> str:
        """none, some or all of the county's municipalities have a published plan."""
        if not self.with_plan:
            return "none"
        return "all" if len(self.with_plan) >= self.municipalities else "some"


def county_coverage() -> list[CountyCoverage]:
    """Per county, its municipalities (from the register) and those with a published plan."""
    counties = {
        code: CountyCoverage(code, name, *TILES.get(code, (4, 8)))
        for code, name in db.session.execute(select(County.code, County.name))
    }
    municipality = (Organisation.kind == OrganisationKind.MUNICIPALITY) & (
        Organisation.municipality_code.is_not(None)
    )
    counts = db.session.execute(
        select(Organisation.county_code, func.count())
        .where(municipality)
        .group_by(Organisation.county_code)
    )
    for code, count in counts:
        if code in counties:
            counties[code].municipalities = count
    with_plan = db.session.execute(
        select(Organisation.county_code, Organisation.name)
        .where(
            municipality,
            # One seek per municipality (ix_plans_current_choice), not a pass over all plans.
            select(Plan.id)
            .where(Plan.organisation_id == Organisation.id, Plan.status == PlanStatus.PUBLISHED)
            .exists(),
        )
        .order_by(Organisation.name)
    )
    for code, name in with_plan:
        if code in counties:
            counties[code].with_plan.append(name)
    return sorted(counties.values(), key=lambda c: (c.row, c.column))
