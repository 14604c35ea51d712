"""Attachments on plans and experiences: metadata, extracted text and (deferred) bytes.

Revision ID: 0012_attachments
Revises: 0011_plan_working_copy
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_attachments"
down_revision = "0011_plan_working_copy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("experience_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "(plan_id IS NULL) <> (experience_id IS NULL)",
            name=op.f("ck_attachments_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_attachments_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["experience_id"],
            ["experiences.id"],
            name=op.f("fk_attachments_experience_id_experiences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_attachments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_plan_id"), "attachments", ["plan_id"])
    op.create_index(op.f("ix_attachments_experience_id"), "attachments", ["experience_id"])
    op.create_index(op.f("ix_attachments_created_by_id"), "attachments", ["created_by_id"])


def downgrade():
    op.drop_index(op.f("ix_attachments_created_by_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_experience_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_plan_id"), table_name="attachments")
    op.drop_table("attachments")
