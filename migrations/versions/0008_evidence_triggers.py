"""evidence records protected by the database like the audit trail

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 07:30:00

Completed rounds, their results, signed-off drills, amendments and medical calls can no
longer be changed or deleted with plain SQL (the app never does):

- round_amendment, medical_call: append-only.
- drill_amendment: append-only, except its ``applied`` flag (set once, by a trigger).
- round_result: never deleted; only ``photo`` may be filled in once (the photo is uploaded
  after its result is saved).
- round: a completed round is neither changed nor deleted.
- drill: a signed-off drill is never deleted, and changes only together with an amendment
  written first in the same transaction (the amendment's ``applied`` flag goes from false
  to true as the drill row changes, so one amendment allows one change).

An administrator can still disable triggers; the hash chain (audit verify) makes that
detectable.
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (name, table, event, condition) -> refused with "<table> <message>"
RULES = [
    ("round_amendment_no_update", "round_amendment", "UPDATE", "TRUE", "is append-only"),
    ("round_amendment_no_delete", "round_amendment", "DELETE", "TRUE", "is append-only"),
    ("medical_call_no_update", "medical_call", "UPDATE", "TRUE", "is append-only"),
    ("medical_call_no_delete", "medical_call", "DELETE", "TRUE", "is append-only"),
    ("drill_amendment_no_delete", "drill_amendment", "DELETE", "TRUE", "is append-only"),
    (
        "drill_amendment_no_update",
        "drill_amendment",
        "UPDATE",
        "NOT (OLD.applied = {false} AND NEW.applied = {true} AND NEW.id = OLD.id"
        " AND NEW.drill_id = OLD.drill_id AND NEW.author_id = OLD.author_id"
        " AND NEW.at = OLD.at AND NEW.reason = OLD.reason"
        " AND {json_same_changes})",
        "is append-only",
    ),
    ("round_result_no_delete", "round_result", "DELETE", "TRUE", "is evidence: never deleted"),
    (
        "round_result_no_update",
        "round_result",
        "UPDATE",
        "NOT (OLD.photo IS NULL AND NEW.id = OLD.id AND NEW.round_id = OLD.round_id"
        " AND NEW.checkpoint_id = OLD.checkpoint_id AND NEW.status = OLD.status"
        " AND {same_finding_kind} AND NEW.note = OLD.note AND {same_action}"
        " AND NEW.recorded_at = OLD.recorded_at AND NEW.received_at = OLD.received_at)",
        "is evidence: only a missing photo may be added",
    ),
    (
        "round_completed_no_update",
        "round",
        "UPDATE",
        "OLD.completed_at IS NOT NULL",
        "is completed: corrections are amendments",
    ),
    (
        "round_completed_no_delete",
        "round",
        "DELETE",
        "OLD.completed_at IS NOT NULL",
        "is completed: never deleted",
    ),
    (
        "drill_signed_no_delete",
        "drill",
        "DELETE",
        "OLD.signed_off_at IS NOT NULL",
        "is signed off: never deleted",
    ),
    (
        "drill_signed_needs_amendment",
        "drill",
        "UPDATE",
        "OLD.signed_off_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM drill_amendment"
        " WHERE drill_amendment.drill_id = OLD.id AND drill_amendment.applied = {false})",
        "is signed off: it changes only through an amendment",
    ),
]


def _condition(template: str, dialect: str) -> str:
    if dialect == "postgresql":
        return template.format(
            true="TRUE",
            false="FALSE",
            json_same_changes="NEW.changes::text = OLD.changes::text",
            same_finding_kind="NEW.finding_kind IS NOT DISTINCT FROM OLD.finding_kind",
            same_action="NEW.action_taken IS NOT DISTINCT FROM OLD.action_taken",
        )
    return template.format(
        true="1",
        false="0",
        json_same_changes="NEW.changes = OLD.changes",
        same_finding_kind="NEW.finding_kind IS OLD.finding_kind",
        same_action="NEW.action_taken IS OLD.action_taken",
    ).replace("TRUE", "1")


def upgrade():
    with op.batch_alter_table("drill_amendment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("applied", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(sa.text("UPDATE drill_amendment SET applied = :yes").bindparams(yes=True))
    create_triggers()


def create_triggers(tables: set[str] | None = None) -> None:
    """Create the triggers (of ``tables`` only, if given). Later migrations call this after
    SQLite's batch mode has rebuilt a table, which drops the table's triggers."""
    dialect = op.get_bind().dialect.name
    for name, table, event, condition, message in RULES:
        if tables is not None and table not in tables:
            continue
        when = _condition(condition, dialect)
        text = f"{table} {message}"
        if dialect == "postgresql":
            # A BEFORE trigger lets the change through by returning NEW (UPDATE) or OLD (DELETE).
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
    # The drill row changed with its amendment: the amendment is used up.
    if tables is not None and "drill" not in tables:
        return
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION drill_amendment_mark_applied() RETURNS trigger AS $$ "
            "BEGIN UPDATE drill_amendment SET applied = TRUE "
            "WHERE drill_id = NEW.id AND applied = FALSE; RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER drill_amendment_mark_applied AFTER UPDATE ON drill "
            "FOR EACH ROW WHEN (OLD.signed_off_at IS NOT NULL) "
            "EXECUTE FUNCTION drill_amendment_mark_applied()"
        )
    else:
        op.execute(
            "CREATE TRIGGER drill_amendment_mark_applied AFTER UPDATE ON drill "
            "WHEN OLD.signed_off_at IS NOT NULL BEGIN "
            "UPDATE drill_amendment SET applied = 1 WHERE drill_id = NEW.id AND applied = 0; "
            "END"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    names = [r[0] for r in RULES] + ["drill_amendment_mark_applied"]
    tables = {r[0]: r[1] for r in RULES} | {"drill_amendment_mark_applied": "drill"}
    for name in names:
        if dialect == "postgresql":
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{tables[name]}"')
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("drill_amendment", schema=None) as batch_op:
        batch_op.drop_column("applied")
