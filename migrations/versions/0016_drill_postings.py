"""public drill postings, cancelled drills, reschedule deadlines (issue 14)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 00:30:00

- public_posting: a campus's opt-in periods for its public drill page (one open period per
  campus, a partial unique index). Rows are never deleted; an open period may only be
  closed, once.
- drill_cancellation: a cancelled or missed drill with its reason; append-only.

Both are protected by triggers on PostgreSQL and SQLite, like the evidence tables (0008).
"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# (name, table, event, condition) -> refused with "<table> <message>"
RULES = [
    ("drill_cancellation_no_update", "drill_cancellation", "UPDATE", "TRUE", "is append-only"),
    ("drill_cancellation_no_delete", "drill_cancellation", "DELETE", "TRUE", "is append-only"),
    ("public_posting_no_delete", "public_posting", "DELETE", "TRUE", "is append-only"),
    (
        "public_posting_close_only",
        "public_posting",
        "UPDATE",
        "NOT (OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL AND NEW.id = OLD.id"
        " AND NEW.campus_id = OLD.campus_id AND NEW.opened_at = OLD.opened_at"
        " AND {same_opened_by})",
        "periods are only closed, once",
    ),
]


def _condition(template: str, dialect: str) -> str:
    if dialect == "postgresql":
        return template.format(
            same_opened_by="NEW.opened_by_id IS NOT DISTINCT FROM OLD.opened_by_id"
        )
    return template.format(same_opened_by="NEW.opened_by_id IS OLD.opened_by_id").replace(
        "TRUE", "1"
    )


def upgrade():
    op.create_table(
        "public_posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_public_posting_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["user.id"], name=op.f("fk_public_posting_opened_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user.id"], name=op.f("fk_public_posting_closed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_posting")),
    )
    with op.batch_alter_table("public_posting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_posting_campus_id"), ["campus_id"], unique=False
        )
        batch_op.create_index(
            "uq_public_posting_open_campus",
            ["campus_id"],
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "drill_cancellation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("drill_type", sa.String(length=40), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "drill_type <> '' AND drill_type = lower(drill_type) AND drill_type NOT LIKE '% %'",
            name=op.f("ck_drill_cancellation_drill_type_shape"),
        ),
        sa.CheckConstraint(
            "kind IN ('cancelled', 'missed')", name=op.f("ck_drill_cancellation_kind_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_drill_cancellation_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_drill_cancellation_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_cancellation")),
        sa.UniqueConstraint("client_id", name=op.f("uq_drill_cancellation_client_id")),
    )
    with op.batch_alter_table("drill_cancellation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_drill_cancellation_campus_day", ["campus_id", "scheduled_for"], unique=False
        )
    create_triggers()


def create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for name, table, event, condition, message in RULES:
        when = _condition(condition, dialect)
        text = f"{table} {message}"
        if dialect == "postgresql":
            row = "NEW" if event == "UPDATE" else "OLD"
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF {when} THEN RAISE EXCEPTION '{text}'; END IF; RETURN {row}; "
                f"END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f'CREATE TRIGGER {name} BEFORE {event} ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f'CREATE TRIGGER {name} BEFORE {event} ON "{table}" WHEN {when} '
                f"BEGIN SELECT RAISE(ABORT, '{text}'); END"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, table, *_rest in RULES:
        op.execute(
            f'DROP TRIGGER IF EXISTS {name} ON "{table}"'
            if dialect == "postgresql"
            else f"DROP TRIGGER IF EXISTS {name}"
        )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table("drill_cancellation", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_cancellation_campus_day")
    op.drop_table("drill_cancellation")
    with op.batch_alter_table("public_posting", schema=None) as batch_op:
        batch_op.drop_index("uq_public_posting_open_campus")
        batch_op.drop_index(batch_op.f("ix_public_posting_campus_id"))
    op.drop_table("public_posting")
