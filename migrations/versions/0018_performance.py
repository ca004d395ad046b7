"""indexes and stored report files for speed (issue 16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 00:30:00

The job-run history is pruned by age (JOB_RUN_KEEP_DAYS) through an index on its start
time; weekly report PDFs (the Monday snapshot's, rendered once by the scheduler, and live
district reports made in the background) are kept as report files with their progress.
"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_started_at", ["started_at"], unique=False)

    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("campus_code", sa.String(length=20), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('done', 'failed', 'queued', 'running')",
            name=op.f("ck_report_file_status_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_report_file_requested_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
    )
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.create_index("ix_report_file_week", ["week", "campus_code", "live"], unique=False)
        batch_op.create_index("ix_report_file_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.drop_index("ix_report_file_status")
        batch_op.drop_index("ix_report_file_week")
    op.drop_table("report_file")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_started_at")
