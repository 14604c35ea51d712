"""Population of municipalities (SCB folkmängd 31 December, with its year).

Revision ID: 0008_population
Revises: 0007_experience_step
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_population"
down_revision = "0007_experience_step"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("population", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("population_year", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("population_year")
        batch_op.drop_column("population")
