"""retention and production operations (issue 13)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 00:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    # Whether the password is the demo one, noted when it is set: check-deploy no longer
    # runs argon2 for every user on each start (NULL: not known yet, checked once).
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("password_is_demo", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("password_is_demo")
