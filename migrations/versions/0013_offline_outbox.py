"""offline outbox: client ids for every officer write, device times, capture method, flags (issue 11)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:30:00

- round_result: ``sent_at`` (the device's clock when the tablet sent it), ``corrected_at``
  (the tap time corrected by the device's estimated clock skew) and ``capture`` (qr, list,
  form: how the result was captured).
- outbox_receipt: the three times of the other outbox entries (round start and finish,
  drills and real events, medical calls), one row per client UUID.
"""

import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CAPTURE_CHECK = "capture IS NULL OR capture IN ('form', 'list', 'qr')"
KIND_CHECK = "kind IN ('drill', 'medical_call', 'round_complete', 'round_start')"


def _triggers_module():
    # SQLite rebuilds round_result to add its CHECK, which drops its triggers (0008).
    path = Path(__file__).with_name("0008_evidence_triggers.py")
    spec = importlib.util.spec_from_file_location("evidence_triggers_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    with op.batch_alter_table("round_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("corrected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("capture", sa.String(length=10), nullable=True))
        batch_op.create_check_constraint("capture_allowed", sa.text(CAPTURE_CHECK))
    if op.get_bind().dialect.name == "sqlite":
        _triggers_module().create_triggers({"round_result"})

    op.create_table(
        "outbox_receipt",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("tapped_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(KIND_CHECK, name=op.f("ck_outbox_receipt_kind_allowed")),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_outbox_receipt_campus_id_campus")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_outbox_receipt_user_id_user")),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_outbox_receipt")),
    )
    with op.batch_alter_table("outbox_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_receipt_campus_id"), ["campus_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_receipt_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_receipt_user_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_receipt_campus_id"))
    op.drop_table("outbox_receipt")
    with op.batch_alter_table("round_result", schema=None) as batch_op:
        batch_op.drop_constraint("ck_round_result_capture_allowed", type_="check")
        batch_op.drop_column("capture")
        batch_op.drop_column("corrected_at")
        batch_op.drop_column("sent_at")
    if op.get_bind().dialect.name == "sqlite":
        _triggers_module().create_triggers({"round_result"})
