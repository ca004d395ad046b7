"""outbox receipts found by the record they made (round, drill, medical call)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 08:00:00

"""

from alembic import op


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    # A round's page, a drill's page and a campus's medical calls read the receipts of their
    # records: by index, not a scan of every receipt ever received (two per round).
    op.create_index("ix_outbox_receipt_kind_record", "outbox_receipt", ["kind", "record_id"])


def downgrade():
    op.drop_index("ix_outbox_receipt_kind_record", table_name="outbox_receipt")
