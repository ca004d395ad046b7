"""security firms, officers' certifications, staff training (issue 14)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:30:00

Security firms hang off their employer record (kind contractor); certification kinds are a
table the safety department edits, seeded with the usual ones; staff training sessions
name an SRP protocol (CHECK) and a head count; rule packs may carry training rules.
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

DEFAULT_KINDS = (
    "CPR/AED",
    "First aid",
    "Firearms qualification",
    "State security licence",
    "SRP training",
)


def upgrade():
    op.create_table(
        "security_firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_security_firm_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_firm")),
        sa.UniqueConstraint("employer_id", name=op.f("uq_security_firm_employer_id")),
    )
    op.create_table(
        "security_firm_campus",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_security_firm_campus_campus_id_campus"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["security_firm.id"],
            name=op.f("fk_security_firm_campus_firm_id_security_firm"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_id", "campus_id", name=op.f("pk_security_firm_campus")),
    )
    kinds = op.create_table(
        "certification_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_kind")),
        sa.UniqueConstraint("name", name=op.f("uq_certification_kind_name")),
    )
    op.bulk_insert(kinds, [{"name": name, "active": True} for name in DEFAULT_KINDS])
    op.create_table(
        "certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("scan", sa.String(length=120), nullable=True),
        sa.Column("scan_type", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on",
            name=op.f("ck_certification_expires_after_issued"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_certification_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["certification_kind.id"],
            name=op.f("fk_certification_kind_id_certification_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["user.id"], name=op.f("fk_certification_officer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification")),
    )
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_officer_id"), ["officer_id"], unique=False
        )
    op.create_table(
        "training_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("protocol", sa.String(length=20), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "protocol IN ('evacuate', 'hold', 'lockdown', 'secure', 'shelter')",
            name=op.f("ck_training_session_protocol_allowed"),
        ),
        sa.CheckConstraint("attendees >= 1", name=op.f("ck_training_session_attendees_positive")),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_training_session_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_training_session_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_session_campus_id"), ["campus_id"], unique=False
        )
    with op.batch_alter_table("rule_pack", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_rules", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("rule_pack", schema=None) as batch_op:
        batch_op.drop_column("training_rules")
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_session_campus_id"))
    op.drop_table("training_session")
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_officer_id"))
    op.drop_table("certification")
    op.drop_table("certification_kind")
    op.drop_table("security_firm_campus")
    op.drop_table("security_firm")
