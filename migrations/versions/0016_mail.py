"""The language a user reads the portal in, so that their notification mails use it.

Revision ID: 0016_mail
Revises: 0014_content_generation
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_mail"
down_revision = "0014_content_generation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("locale")
