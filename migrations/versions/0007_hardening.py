"""hardening: one active calendar feed per campus; server-side sessions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Before the index: keep only the newest active feed of each campus (older duplicates
    # were left by simultaneous clicks and are revoked now).
    op.execute(
        sa.text(
            "UPDATE calendar_feed SET revoked_at = CURRENT_TIMESTAMP "
            "WHERE revoked_at IS NULL AND id NOT IN ("
            "  SELECT max(id) FROM calendar_feed WHERE revoked_at IS NULL GROUP BY campus_id)"
        )
    )
    op.create_index(
        "uq_calendar_feed_active_campus",
        "calendar_feed",
        ["campus_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )


    # One row per browser sign-in replaces the per-user session token: signing out ends
    # that session on the server. Everyone signs in again once after this upgrade.
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_token")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_token", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
    op.drop_index("uq_calendar_feed_active_campus", table_name="calendar_feed")
