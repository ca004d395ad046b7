"""Typed SQLAlchemy models, one module per area. Import models from here."""

from safetyops.models.accounts import (
    DISTRICT_WIDE_ROLES,
    ApiToken,
    Employer,
    EmployerKind,
    Role,
    User,
    user_campus,
)
from safetyops.models.audit import AppendOnlyError, AuditEvent
from safetyops.models.base import Base, utcnow
from safetyops.models.calendar import CalendarEntry, CalendarKind
from safetyops.models.campuses import Campus, Checkpoint, CheckpointKind, ExpectedState, GradeBand
from safetyops.models.drills import (
    DRILL_FIELDS,
    Drill,
    DrillAmendment,
    MedicalCall,
    RulePackRecord,
    campus_rule_pack,
)
from safetyops.models.rounds import (
    ActionTaken,
    Finding,
    FindingKind,
    FindingStatus,
    Round,
    RoundAmendment,
    RoundKind,
    RoundPlan,
    RoundPlanStop,
    RoundPlanWindow,
    RoundResult,
)

__all__ = [
    "CalendarEntry",
    "CalendarKind",
    "DRILL_FIELDS",
    "Drill",
    "DrillAmendment",
    "MedicalCall",
    "RulePackRecord",
    "campus_rule_pack",
    "ActionTaken",
    "Finding",
    "FindingKind",
    "FindingStatus",
    "Round",
    "RoundAmendment",
    "RoundKind",
    "RoundPlan",
    "RoundPlanStop",
    "RoundPlanWindow",
    "RoundResult",
    "DISTRICT_WIDE_ROLES",
    "ApiToken",
    "AppendOnlyError",
    "AuditEvent",
    "Base",
    "Campus",
    "Checkpoint",
    "CheckpointKind",
    "Employer",
    "EmployerKind",
    "ExpectedState",
    "GradeBand",
    "Role",
    "User",
    "user_campus",
    "utcnow",
]
