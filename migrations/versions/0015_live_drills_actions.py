"""campus areas, live drills, corrective actions (issue 14)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:30:00

Campus areas (buildings, wings, floors, fields), live drills with their areas and taps
(taps are evidence: append-only by trigger on both databases), and corrective actions.
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campus_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('building', 'field', 'floor', 'other', 'wing')",
            name=op.f("ck_campus_area_kind_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_campus_area_campus_id_campus")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus_area")),
        sa.UniqueConstraint("campus_id", "name", name=op.f("uq_campus_area_campus_id_name")),
    )
    with op.batch_alter_table("campus_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campus_area_campus_id"), ["campus_id"], unique=False)

    op.create_table(
        "live_drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("drill_type", sa.String(length=40), nullable=False),
        sa.Column("real_event", sa.Boolean(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("all_clear_seconds", sa.Integer(), nullable=True),
        sa.Column("drill_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "drill_type IN ('evacuate', 'hold', 'lockdown', 'secure', 'shelter')",
            name=op.f("ck_live_drill_drill_type_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('ended', 'running')", name=op.f("ck_live_drill_status_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_live_drill_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drill.id"], name=op.f("fk_live_drill_drill_id_drill")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user.id"], name=op.f("fk_live_drill_ended_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user.id"], name=op.f("fk_live_drill_started_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_drill")),
        sa.UniqueConstraint("client_id", name=op.f("uq_live_drill_client_id")),
    )
    with op.batch_alter_table("live_drill", schema=None) as batch_op:
        batch_op.create_index("ix_live_drill_campus_status", ["campus_id", "status"], unique=False)

    op.create_table(
        "live_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_drill_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.Column("seconds_to_clear", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["campus_area.id"], name=op.f("fk_live_area_area_id_campus_area")
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_id"], ["user.id"], name=op.f("fk_live_area_cleared_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["live_drill_id"],
            ["live_drill.id"],
            name=op.f("fk_live_area_live_drill_id_live_drill"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_area")),
        sa.UniqueConstraint(
            "live_drill_id", "area_id", name=op.f("uq_live_area_live_drill_id_area_id")
        ),
    )
    with op.batch_alter_table("live_area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_area_live_drill_id"), ["live_drill_id"], unique=False
        )

    op.create_table(
        "live_tap",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("live_drill_id", sa.Integer(), nullable=False),
        sa.Column("live_area_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tapped_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("issue", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "issue IN ('', 'blocked_exit', 'door_would_not_lock', 'other', 'pa_not_heard', "
            "'radio_failure', 'room_not_found', 'student_outside_area')",
            name=op.f("ck_live_tap_issue_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["live_area_id"], ["live_area.id"], name=op.f("fk_live_tap_live_area_id_live_area")
        ),
        sa.ForeignKeyConstraint(
            ["live_drill_id"],
            ["live_drill.id"],
            name=op.f("fk_live_tap_live_drill_id_live_drill"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_live_tap_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_tap")),
    )
    with op.batch_alter_table("live_tap", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_tap_live_drill_id"), ["live_drill_id"], unique=False
        )
    # Taps are evidence: refused UPDATE and DELETE on both databases (as migration 0008).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION live_tap_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'live_tap is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER live_tap_append_only BEFORE UPDATE OR DELETE ON live_tap "
            "FOR EACH ROW EXECUTE FUNCTION live_tap_refuse_change()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER live_tap_no_{event.lower()} BEFORE {event} ON live_tap "
                "BEGIN SELECT RAISE(ABORT, 'live_tap is append-only'); END"
            )

    op.create_table(
        "corrective_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("problem", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('closed', 'open')", name=op.f("ck_corrective_action_status_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_corrective_action_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user.id"], name=op.f("fk_corrective_action_closed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_corrective_action_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drill.id"], name=op.f("fk_corrective_action_drill_id_drill")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_corrective_action_owner_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_action")),
        sa.UniqueConstraint("client_id", name=op.f("uq_corrective_action_client_id")),
    )
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_corrective_action_campus_status", ["campus_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_corrective_action_drill_id"), ["drill_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrective_action_drill_id"))
        batch_op.drop_index("ix_corrective_action_campus_status")
    op.drop_table("corrective_action")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS live_tap_append_only ON live_tap")
        op.execute("DROP FUNCTION IF EXISTS live_tap_refuse_change()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS live_tap_no_{event}")
    with op.batch_alter_table("live_tap", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_tap_live_drill_id"))
    op.drop_table("live_tap")
    with op.batch_alter_table("live_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_area_live_drill_id"))
    op.drop_table("live_area")
    with op.batch_alter_table("live_drill", schema=None) as batch_op:
        batch_op.drop_index("ix_live_drill_campus_status")
    op.drop_table("live_drill")
    with op.batch_alter_table("campus_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_area_campus_id"))
    op.drop_table("campus_area")
