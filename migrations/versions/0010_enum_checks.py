"""enumerations enforced by the database (CHECK constraints)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 08:30:00

Each column that holds an enumeration (roles, checkpoint kinds and states, finding kinds,
actions taken, round kinds, statuses, hazards) refuses any other value; drill types, which
rule packs may extend, must at least be lower-case words without spaces. The values are
frozen here as they are today; a later change of an enumeration needs its own migration.
"""

import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (table, constraint name without the ck_<table>_ prefix, condition)
CHECKS = [
    (
        'employer',
        'kind_allowed',
        "kind IN ('contractor', 'district')",
    ),
    (
        'user',
        'email_preference_allowed',
        "email_preference IN ('digest', 'each', 'none')",
    ),
    (
        'user',
        'role_allowed',
        "role IN ('officer', 'principal', 'safety_admin', 'supervisor', 'viewer')",
    ),
    (
        'campus',
        'grade_band_allowed',
        "grade_band IN ('', 'elementary', 'high', 'k12', 'k8', 'middle', 'other')",
    ),
    (
        'calendar_entry',
        'kind_allowed',
        "kind IN ('closed', 'term')",
    ),
    (
        'checkpoint',
        'expected_state_allowed',
        "expected_state IN ('clear', 'closed', 'locked', 'secure')",
    ),
    (
        'checkpoint',
        'kind_allowed',
        "kind IN ('exterior_door', 'gate', 'interior_door', 'other', 'parking_lot', 'perimeter')",
    ),
    (
        'drill',
        'drill_type_shape',
        "drill_type <> '' AND drill_type = lower(drill_type) AND drill_type NOT LIKE '% %'",
    ),
    (
        'drill',
        'hazard_allowed',
        "hazard IN ('', 'earthquake', 'flood', 'hazmat', 'other', 'tornado', 'tsunami', 'wildfire')",
    ),
    (
        'drill_plan',
        'drill_type_shape',
        "drill_type <> '' AND drill_type = lower(drill_type) AND drill_type NOT LIKE '% %'",
    ),
    (
        'notification',
        'email_status_allowed',
        "email_status IN ('digest', 'failed', 'pending', 'sending', 'sent', 'skipped')",
    ),
    (
        'round_plan',
        'kind_allowed',
        "kind IN ('exterior_door_check', 'interior_check', 'perimeter_sweep')",
    ),
    (
        'round_result',
        'action_taken_allowed',
        "action_taken IS NULL OR action_taken IN ('called_police', 'called_supervisor', 'none', 'reported_facilities', 'secured')",
    ),
    (
        'round_result',
        'finding_kind_allowed',
        "finding_kind IS NULL OR finding_kind IN ('damaged', 'lighting_out', 'lock_fault', 'obstruction', 'other', 'propped_open', 'suspicious_activity', 'unlocked')",
    ),
    (
        'round_result',
        'status_allowed',
        "status IN ('ok', 'problem')",
    ),
    (
        'finding',
        'kind_allowed',
        "kind IN ('damaged', 'lighting_out', 'lock_fault', 'obstruction', 'other', 'propped_open', 'suspicious_activity', 'unlocked')",
    ),
    (
        'finding',
        'status_allowed',
        "status IN ('acknowledged', 'open', 'resolved')",
    ),
]

# SQLite rebuilds a table to add a constraint, which drops its triggers (migration 0008).
TABLES_WITH_TRIGGERS = {"round_result", "drill"}


def _triggers_module():
    path = Path(__file__).with_name("0008_evidence_triggers.py")
    spec = importlib.util.spec_from_file_location("evidence_triggers_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    tables = sorted({table for table, _, _ in CHECKS})
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name_table, name, condition in CHECKS:
                if name_table == table:
                    batch_op.create_check_constraint(name, sa.text(condition))
    if op.get_bind().dialect.name == "sqlite":
        _triggers_module().create_triggers(TABLES_WITH_TRIGGERS & set(tables))


def downgrade():
    tables = sorted({table for table, _, _ in CHECKS})
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name_table, name, _condition in CHECKS:
                if name_table == table:
                    batch_op.drop_constraint(f"ck_{table}_{name}", type_="check")
    if op.get_bind().dialect.name == "sqlite":
        _triggers_module().create_triggers(TABLES_WITH_TRIGGERS & set(tables))
