"""The content generation row that keys the shared cache of public pages and API reads.

Revision ID: 0014_content_generation
Revises: 0013_follows_notifications
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_content_generation"
down_revision = "0013_follows_notifications"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0, "token": "0"}])


def downgrade():
    op.drop_table("content_generation")
