"""A published plan's next version is written in a working copy beside it.

`plans.working_copy_of_id` marks the working copy (a draft row no public query lists; at most
one per plan); `plan_steps.copied_from_id` ties a working copy's step to the published step it
continues, so publishing keeps that step's id.

Revision ID: 0011_plan_working_copy
Revises: 0010_login_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_plan_working_copy"
down_revision = "0010_login_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("working_copy_of_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_plans_working_copy_of_id"), ["working_copy_of_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plans_working_copy_of_id_plans"),
            "plans",
            ["working_copy_of_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("plan_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_steps_copied_from_id_plan_steps"),
            "plan_steps",
            ["copied_from_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("plan_steps", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_plan_steps_copied_from_id_plan_steps"), type_="foreignkey"
        )
        batch_op.drop_column("copied_from_id")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plans_working_copy_of_id_plans"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_plans_working_copy_of_id"), type_="unique")
        batch_op.drop_column("working_copy_of_id")
