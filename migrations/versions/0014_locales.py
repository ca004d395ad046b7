"""user language and notifications stored by kind and parameters (issue 12)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # No CHECK on the language: adding one is a catalog (translations/<locale>), not a
    # migration; the app ignores a value that is not a configured language.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=10), nullable=True))
    # Existing rows keep their English subject/body (params NULL): they show as written.
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("params")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("locale")
