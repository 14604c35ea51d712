"""An index that finds an organisation's current published plan with one seek, so that the
comparison's peer groups cost the same however many plans the portal holds.

Revision ID: 0017_current_plan_index
Revises: 0016_mail
"""

from alembic import op

revision = "0017_current_plan_index"
down_revision = "0016_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_plans_current_choice",
        "plans",
        ["organisation_id", "status", "is_current", "period_start_year", "id"],
    )


def downgrade():
    op.drop_index("ix_plans_current_choice", table_name="plans")
