"""Action plans (structured after the action-plan method) and the maturity dimensions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from portal.accounts.models import User
from portal.attachments.models import Attachment
from portal.core.models import TimestampMixin, cascade_fk, enum_column, set_null_fk
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.standards.models import Standard


class MaturityDimension(db.Model):
    """A dimension of the maturity self-assessment (data, so operators can change the set)."""

    __tablename__ = "maturity_dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_sv: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class AdoptionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ADOPTED = "adopted"


class StepStatus(enum.StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


# The administrative groups that may take part in the change organisation (tip 5).
ADMINISTRATIVE_GROUPS = (
    "bygglov",
    "planering",
    "gis_matning",
    "miljo",
    "it",
    "arkiv",
    "kommunikation",
    "ledning",
    "other",
)

# The Markdown text sections of a plan, in reading order (tips 2-5 and 8).
TEXT_SECTIONS = (
    "current_situation",
    "target_picture",
    "strengths",
    "weaknesses",
    "motives",
    "expected_benefits",
    "communication",
    "change_organisation",
    "competence_supply",
    "external_monitoring",
)


class Plan(TimestampMixin, db.Model):
    """An organisation's action plan for digitalising the planning and building process."""

    __tablename__ = "plans"
    __table_args__ = (
        # The lists' default order (newest change first): read in index order, stop at a page.
        Index("ix_plans_updated_at_id", "updated_at", "id"),
        # An organisation's current published plan (portal/compare/services.py,
        # current_plan_id): the first entry of this index, read backwards.
        Index(
            "ix_plans_current_choice",
            "organisation_id",
            "status",
            "is_current",
            "period_start_year",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    period_start_year: Mapped[int]
    period_end_year: Mapped[int]
    status: Mapped[PlanStatus] = enum_column(PlanStatus, default=PlanStatus.DRAFT, index=True)
    # At most one current plan per organisation; the service keeps it so.
    is_current: Mapped[bool] = mapped_column(default=False)
    current_situation: Mapped[str | None] = mapped_column(Text)
    target_picture: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    weaknesses: Mapped[str | None] = mapped_column(Text)
    motives: Mapped[str | None] = mapped_column(Text)
    expected_benefits: Mapped[str | None] = mapped_column(Text)
    # Money where known (SEK); left empty rather than guessed.
    expected_benefits_sek: Mapped[int | None] = mapped_column(BigInteger)
    communication: Mapped[str | None] = mapped_column(Text)
    change_organisation: Mapped[str | None] = mapped_column(Text)
    competence_supply: Mapped[str | None] = mapped_column(Text)
    external_monitoring: Mapped[str | None] = mapped_column(Text)
    # Keys from ADMINISTRATIVE_GROUPS.
    administrative_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = set_null_fk("users.id")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Seeded example plans are labelled as example data in the UI.
    is_example: Mapped[bool] = mapped_column(default=False)
    # Set on the working copy of a published (or archived) plan: the draft of its next version,
    # a row of its own that no public query lists. At most one per plan; always a draft.
    working_copy_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), unique=True
    )

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    strategies: Mapped[list[PlanStrategy]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStrategy.position"
    )
    decisions: Mapped[list[PlanDecision]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanDecision.position"
    )
    partners: Mapped[list[PlanPartner]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanPartner.id"
    )
    maturity: Mapped[list[PlanMaturity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanMaturity.id"
    )
    standards: Mapped[list[PlanStandard]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStandard.id"
    )
    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStep.position"
    )
    working_copy_of: Mapped[Plan | None] = relationship(
        remote_side=[id], back_populates="working_copy"
    )
    working_copy: Mapped[Plan | None] = relationship(
        back_populates="working_copy_of", uselist=False, passive_deletes=True
    )
    # Files on the plan (its adopted PDF, say); they follow the plan's visibility.
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", order_by=Attachment.id
    )
    # Revisions are never deleted through the portal; passive_deletes leaves them to the DB.
    revisions: Mapped[list[PlanRevision]] = relationship(
        back_populates="plan", order_by="PlanRevision.number", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.title!r}>"


class PlanStrategy(db.Model):
    """An existing strategy or plan that the action plan builds on (tip 1)."""

    __tablename__ = "plan_strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    year: Mapped[int | None]

    plan: Mapped[Plan] = relationship(back_populates="strategies")


class PlanDecision(db.Model):
    """A decision taken on the plan, e.g. by Kommunstyrelsen on a date (tip 3)."""

    __tablename__ = "plan_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    position: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="decisions")


class PlanPartner(db.Model):
    """Another organisation on the portal that the plan is worked out with (tip 9)."""

    __tablename__ = "plan_partners"
    __table_args__ = (UniqueConstraint("plan_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    organisation_id: Mapped[int] = cascade_fk("organisations.id")

    plan: Mapped[Plan] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class PlanMaturity(db.Model):
    """Current and target level (1-5) on one maturity dimension (tip 2)."""

    __tablename__ = "plan_maturity"
    __table_args__ = (UniqueConstraint("plan_id", "dimension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    dimension_id: Mapped[int] = cascade_fk("maturity_dimensions.id")
    current_level: Mapped[int]
    target_level: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="maturity")
    dimension: Mapped[MaturityDimension] = relationship(lazy="joined")


class PlanStandard(db.Model):
    """How far the organisation has come with one standard or national solution (tip 6)."""

    __tablename__ = "plan_standards"
    __table_args__ = (UniqueConstraint("plan_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    standard_id: Mapped[int] = cascade_fk("standards.id")
    status: Mapped[AdoptionStatus] = enum_column(AdoptionStatus, default=AdoptionStatus.NOT_STARTED)
    note: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="standards")
    standard: Mapped[Standard] = relationship(lazy="joined")


plan_step_standards = Table(
    "plan_step_standards",
    db.metadata,
    Column("step_id", Integer, ForeignKey("plan_steps.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "standard_id", Integer, ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True
    ),
)


class PlanStep(db.Model):
    """A step (åtgärd) of the plan: period, cost, responsible, status (tip 7)."""

    __tablename__ = "plan_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # Whole SEK; None when the cost is not known (never guessed).
    cost_sek: Mapped[int | None] = mapped_column(BigInteger)
    responsible: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[StepStatus] = enum_column(StepStatus, default=StepStatus.PLANNED)
    # On a working copy's step: the published step it continues. Publishing the working copy
    # writes into that step, so its id (which experiences and revision diffs refer to) stays.
    copied_from_id: Mapped[int | None] = set_null_fk("plan_steps.id", index=False)

    plan: Mapped[Plan] = relationship(back_populates="steps")
    standards: Mapped[list[Standard]] = relationship(
        secondary=plan_step_standards, order_by=Standard.name
    )


class PlanRevision(db.Model):
    """The plan exactly as it was published; written once, never changed or deleted."""

    __tablename__ = "plan_revisions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = cascade_fk("plans.id")
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = set_null_fk("users.id")
    snapshot: Mapped[dict] = mapped_column(JSON)

    plan: Mapped[Plan] = relationship(back_populates="revisions")
    published_by: Mapped[User | None] = relationship()


@event.listens_for(PlanRevision, "before_update")
def _refuse_revision_update(mapper, connection, target: PlanRevision) -> None:
    raise RuntimeError("A published revision is never changed.")


@event.listens_for(PlanRevision, "before_delete")
def _refuse_revision_delete(mapper, connection, target: PlanRevision) -> None:
    raise RuntimeError("A published revision is never deleted.")


def plan_detail_options() -> tuple:
    """The loads that bring a whole plan (its page, its search document) in a fixed number of
    queries."""
    return (
        selectinload(Plan.strategies),
        selectinload(Plan.decisions),
        selectinload(Plan.partners),
        selectinload(Plan.maturity),
        selectinload(Plan.standards),
        selectinload(Plan.steps).selectinload(PlanStep.standards),
        selectinload(Plan.attachments),
    )


# What each repeated part of a plan says, as the API body, the API answer, the section forms
# and a revision's snapshot all write it (each adds what only it needs: ids, positions).
STRATEGY_FIELDS = ("title", "owner", "url", "year")
DECISION_FIELDS = ("body", "decided_on", "description")
STEP_FIELDS = ("title", "description", "start_date", "end_date", "cost_sek", "responsible")


def fields_of(row: object, names: tuple[str, ...]) -> dict:
    """The named attributes of a row, as a dict."""
    return {name: getattr(row, name) for name in names}


def plan_head(plan: Plan) -> dict:
    """The plan's own fields that every shape of it carries: title, period, summary, the text
    sections, expected benefits and administrative groups."""
    return {
        "title": plan.title,
        "period_start_year": plan.period_start_year,
        "period_end_year": plan.period_end_year,
        "summary": plan.summary,
        **{name: getattr(plan, name) for name in TEXT_SECTIONS},
        "expected_benefits_sek": plan.expected_benefits_sek,
        "administrative_groups": list(plan.administrative_groups or []),
    }
