"""public drill postings, cancelled drills, reschedule deadlines (issue 14)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 00:30:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
