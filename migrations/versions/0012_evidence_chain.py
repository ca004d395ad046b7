"""evidence hash chains (one per campus), append-only

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 09:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_seal")),
        sa.UniqueConstraint("chain", "seq", name=op.f("uq_evidence_seal_chain_seq")),
        sa.UniqueConstraint(
            "record_type", "record_id", "version", name=op.f("uq_evidence_seal_record_type_record_id_version")
        ),
    )
    with op.batch_alter_table("evidence_seal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_seal_chain"), ["chain"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION evidence_seal_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'evidence_seal is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER evidence_seal_append_only BEFORE UPDATE OR DELETE ON evidence_seal "
            "FOR EACH ROW EXECUTE FUNCTION evidence_seal_refuse_change()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER evidence_seal_no_{event.lower()} BEFORE {event} ON evidence_seal "
                "BEGIN SELECT RAISE(ABORT, 'evidence_seal is append-only'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_seal_append_only ON evidence_seal")
        op.execute("DROP FUNCTION IF EXISTS evidence_seal_refuse_change()")
    with op.batch_alter_table("evidence_seal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_seal_chain"))
    op.drop_table("evidence_seal")
