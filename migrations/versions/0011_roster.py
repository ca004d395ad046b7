"""staff roster sync: users managed by the roster

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("managed_by_roster", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("roster_id", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_roster_id"), ["roster_id"])


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_roster_id"), type_="unique")
        batch_op.drop_column("roster_id")
        batch_op.drop_column("managed_by_roster")
