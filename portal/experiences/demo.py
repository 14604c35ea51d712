"""Example experiences, needs, backings and supplier answers for `seed --demo`.

Everything here is written for the fictional organisations of the demo (Exempelkommunen,
Provkommunen, Demo Systemleverantör AB, Exempel GIS AB): no statement is put in the mouth
of a real municipality or company. The experiences retell the lessons learned that the DigSam
handbook (Smart Built Environment) reports. Running the loader again adds nothing twice.
"""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy import select

from portal.experiences import services
from portal.experiences.models import (
    Experience,
)
from portal.extensions import db
from portal.seed import SeedReport, demo_organisation, demo_user, standard_ids_by_slug


def _demo_texts() -> dict:
    """The example experiences, the draft and the comments (portal/data/demo_experiences.json)."""
    text = resources.files("portal.data").joinpath("demo_experiences.json").read_text("utf-8")
    return json.loads(text)


def _seed_experience(spec: dict, publish: bool, report: SeedReport) -> Experience | None:
    org, author = demo_organisation(spec["org"]), demo_user(spec["author"])
    if org is None or author is None:
        return None
    existing = db.session.scalar(
        select(Experience).where(
            Experience.organisation_id == org.id, Experience.title == spec["title"]
        )
    )
    if existing is not None:
        return existing
    experience = services.create_experience(
        author,
        org,
        title=spec["title"],
        body=spec["body"],
        tags=spec["tags"],
        standard_ids=standard_ids_by_slug(spec["standards"]),
    )
    if publish:
        services.publish_experience(author, experience)
    report.count("demo experiences", True)
    return experience


def seed_experience_demo(report: SeedReport) -> None:
    """Add example experiences and comments (idempotent)."""
    texts = _demo_texts()
    for spec in texts["published"]:
        _seed_experience(spec, True, report)
    _seed_experience(texts["draft"], False, report)
    for comment in texts["comments"]:
        title, body = comment["experience"], comment["body"]
        experience = db.session.scalar(select(Experience).where(Experience.title == title))
        author = demo_user(comment["author"])
        if experience is None or author is None:
            continue
        if not any(c.body == body for c in experience.comments):
            services.add_comment(author, experience, body)
            report.count("demo comments", True)
    db.session.flush()
