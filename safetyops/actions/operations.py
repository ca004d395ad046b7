"""Corrective actions: open one for a drill's problem, reassign it, close it with a note.
Every change is a conditional update with its audit event (whoever clicks first)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from safetyops.accounts.models import Role, User, user_campus
from safetyops.actions.domain import ActionStatus
from safetyops.actions.models import CorrectiveAction
from safetyops.audit import operations as audit
from safetyops.core import dates, i18n
from safetyops.core.db import utcnow
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.record_rules import DRILL_SIGNERS
from safetyops.core.transitions import transition
from safetyops.drills.models import Drill
from safetyops.drills.schemas import PROBLEM_CHOICES
from safetyops.extensions import db

DESCRIPTION_MAX = 500
NOTE_MAX = 2000
# Who may own an action: staff who act on a campus (not read-only viewers).
OWNER_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.PRINCIPAL, Role.SAFETY_ADMIN)
FIELDS = ["description", "problem", "owner_id", "due_on", "status"]


def may_manage(user: User) -> bool:
    """Open, reassign and close any action of a campus the user sees: its signers."""
    return user.role in DRILL_SIGNERS


def may_close(user: User, action: CorrectiveAction) -> bool:
    return may_manage(user) or action.owner_id == user.id


def owners_for(campus_id: int) -> list[User]:
    """Active staff who may own an action at this campus: assigned to it, or district-wide."""
    assigned = select(user_campus.c.user_id).where(user_campus.c.campus_id == campus_id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.role.in_([r.value for r in OWNER_ROLES]),
                (User.id.in_(assigned)) | (User.role == Role.SAFETY_ADMIN),
            )
            .order_by(User.name)
        )
    )


def _clean(campus_id: int, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    description = data.get("description")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        errors["description"] = _("Say what will be done.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(n)d characters.", n=DESCRIPTION_MAX)
    problem = data.get("problem") or ""
    if problem and problem not in PROBLEM_CHOICES:
        errors["problem"] = _("Unknown problem.")
    owner_id = data.get("owner_id")
    if not isinstance(owner_id, int) or owner_id not in {u.id for u in owners_for(campus_id)}:
        errors["owner_id"] = _("Choose an active staff member of this campus.")
    due_on = data.get("due_on")
    today = utcnow().date()
    if not isinstance(due_on, date):
        errors["due_on"] = _("Enter a due date.")
    elif not dates.in_range(due_on, today):
        errors["due_on"] = i18n.range_message(today)
    if errors:
        raise ValidationFailed(errors)
    return {"description": description, "problem": problem, "owner_id": owner_id,
            "due_on": due_on}  # fmt: skip


def create(
    drill: Drill, user: User, data: dict[str, Any], client_id: str
) -> tuple[CorrectiveAction, bool]:
    """A corrective action for a drill's problem, once per ``client_id``."""
    if not may_manage(user):
        raise NotAllowed(_("Only the principal, a supervisor or the safety department does this."))
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationFailed({"client_id": _("Missing submission id; reload the form.")})
    existing = db.session.scalar(
        select(CorrectiveAction).where(CorrectiveAction.client_id == client_id)
    )
    if existing is not None:
        return existing, False
    values = _clean(drill.campus_id, data)
    action = CorrectiveAction(
        campus_id=drill.campus_id,
        drill_id=drill.id,
        client_id=client_id,
        created_by_id=user.id,
        status=ActionStatus.OPEN,
        **values,
    )
    db.session.add(action)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        winner = db.session.scalar(
            select(CorrectiveAction).where(CorrectiveAction.client_id == client_id)
        )
        if winner is None:
            raise
        return winner, False
    audit.record(
        "create",
        "corrective_action",
        action.id,
        {**audit.diff({}, audit.snapshot(action, FIELDS)), "drill_id": [None, drill.id]},
        campus_id=action.campus_id,
    )
    db.session.commit()
    return action, True


def reassign(action: CorrectiveAction, user: User, owner_id: Any, due_on: Any) -> None:
    """A new owner or due date for an open action."""
    if not may_manage(user):
        raise NotAllowed(_("Only the principal, a supervisor or the safety department does this."))
    values = _clean(
        action.campus_id,
        {"description": action.description, "problem": action.problem, "owner_id": owner_id,
         "due_on": due_on},
    )  # fmt: skip
    before = audit.snapshot(action, ["owner_id", "due_on"])
    changed = transition(
        action,
        CorrectiveAction.status == ActionStatus.OPEN,
        owner_id=values["owner_id"],
        due_on=values["due_on"],
    )
    if not changed:
        db.session.rollback()
        raise ValidationFailed({"status": _("This action is already closed.")})
    after = {"owner_id": values["owner_id"], "due_on": values["due_on"].isoformat()}
    changes = audit.diff(before, after)
    if not changes:
        db.session.rollback()
        return
    audit.record("reassign", "corrective_action", action.id, changes, campus_id=action.campus_id)
    db.session.commit()


def close(action: CorrectiveAction, user: User, note: Any) -> None:
    """Close an open action with what was done; closing twice closes it once."""
    if not may_close(user, action):
        raise NotAllowed(
            _("Only its owner, the principal, a supervisor or the safety department closes it.")
        )
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        raise ValidationFailed({"closing_note": _("Say what was done.")})
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"closing_note": _("At most %(n)d characters.", n=NOTE_MAX)})
    closed = transition(
        action,
        CorrectiveAction.status == ActionStatus.OPEN,
        status=ActionStatus.CLOSED,
        closed_at=utcnow(),
        closed_by_id=user.id,
        closing_note=note,
    )
    if not closed:  # closed a moment ago by someone else, or a double tap: theirs stands
        db.session.rollback()
        raise ValidationFailed({"closing_note": _("This action is already closed.")})
    audit.record(
        "close",
        "corrective_action",
        action.id,
        {"status": ["open", "closed"], "closing_note": [None, note]},
        campus_id=action.campus_id,
    )
    db.session.commit()
