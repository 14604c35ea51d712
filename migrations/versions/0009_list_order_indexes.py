"""Indexes for the lists' default order, so a page is read in index order at any size.

Revision ID: 0009_list_order_indexes
Revises: 0008_population
"""

from alembic import op

revision = "0009_list_order_indexes"
down_revision = "0008_population"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_plans_updated_at_id", "plans", ["updated_at", "id"])
    op.create_index("ix_experiences_published_at_id", "experiences", ["published_at", "id"])
    op.create_index("ix_adaptation_needs_created_at_id", "adaptation_needs", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_adaptation_needs_created_at_id", table_name="adaptation_needs")
    op.drop_index("ix_experiences_published_at_id", table_name="experiences")
    op.drop_index("ix_plans_updated_at_id", table_name="plans")
