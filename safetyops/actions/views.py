"""Corrective actions: the list across campuses, open one from a drill record, reassign,
close with a note."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from safetyops.accounts.models import Role
from safetyops.actions import operations as actions_ops
from safetyops.actions import queries as actions_queries
from safetyops.actions.forms import ActionForm, CloseActionForm, ReassignForm
from safetyops.actions.models import CorrectiveAction
from safetyops.core.access import allow, campus_for, require_campus_access, visible_campus_ids
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.forms import choices
from safetyops.core.labels import label
from safetyops.core.submissions import once_per_submission
from safetyops.core.timefmt import campus_today
from safetyops.drills.models import Drill
from safetyops.extensions import db

bp = Blueprint("actions", __name__)
MANAGERS = (Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN)
# Owners may be officers: they close their own actions.
CLOSERS = (Role.OFFICER, *MANAGERS)


def owner_choices(campus_id: int) -> list:
    return choices(
        [(u.id, f"{u.name} ({label(u.role, 'role')})") for u in actions_ops.owners_for(campus_id)]
    )


def action_form(drill: Drill, problem: str = "") -> ActionForm:
    """The blank "new corrective action" form of a drill record."""
    form = ActionForm(formdata=None)
    form.owner_id.choices = owner_choices(drill.campus_id)
    form.client_id.data = str(uuid.uuid4())
    form.problem.data = problem
    if drill.campus.principal_id:
        form.owner_id.data = drill.campus.principal_id
    return form


@bp.route("/actions")
@allow()
def index():
    ids = visible_campus_ids(current_user)
    campus_ids = None if ids is None else sorted(ids)
    code = request.args.get("campus") or ""
    if code:
        campus_ids = [campus_for(current_user, code).id]
    status = request.args.get("status", "open")
    rows = actions_queries.listing(campus_ids, None if status == "all" else status)
    return render_template(
        "actions/index.html",
        actions=rows,
        status=status,
        today={a.campus_id: campus_today(a.campus) for a in rows},
        close_form=CloseActionForm(),
        may_manage=actions_ops.may_manage(current_user),
    )


def _drill_or_404(drill_id: int) -> Drill:
    drill = db.get_or_404(Drill, drill_id)
    require_campus_access(current_user, drill.campus_id)
    return drill


def _action_or_404(action_id: int) -> CorrectiveAction:
    action = db.get_or_404(CorrectiveAction, action_id)
    require_campus_access(current_user, action.campus_id)
    return action


def _back(drill_id: int, action_id: int | None = None):
    if request.form.get("back") == "list":
        return redirect(url_for("actions.index"))
    anchor = f"action-{action_id}" if action_id else "actions"
    return redirect(url_for("drills.show", drill_id=drill_id, _anchor=anchor))


@bp.route("/drills/<int:drill_id>/actions", methods=["POST"])
@allow(*MANAGERS)
@once_per_submission
def create(drill_id: int):
    drill = _drill_or_404(drill_id)
    form = ActionForm()
    form.owner_id.choices = owner_choices(drill.campus_id)
    if not form.validate_on_submit():
        errors = [f"{getattr(form, n).label.text}: {' '.join(e)}" for n, e in form.errors.items()]
        flash(_("Not saved: %(problems)s", problems="; ".join(errors)), "error")
        return _back(drill.id)
    try:
        action, created = actions_ops.create(
            drill,
            current_user,
            {"description": form.description.data, "problem": form.problem.data,
             "owner_id": form.owner_id.data, "due_on": form.due_on.data},
            form.client_id.data or "",
        )  # fmt: skip
    except (ValidationFailed, NotAllowed) as exc:
        message = " ".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else str(exc)
        flash(_("Not saved: %(problems)s", problems=message), "error")
        return _back(drill.id)
    flash(_("Corrective action added.") if created else _("Already saved."), "success")
    return _back(drill.id, action.id)


@bp.route("/actions/<int:action_id>/close", methods=["POST"])
@allow(*CLOSERS)
def close(action_id: int):
    action = _action_or_404(action_id)
    form = CloseActionForm()
    try:
        actions_ops.close(action, current_user, form.closing_note.data)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(_("Corrective action closed."), "success")
    return _back(action.drill_id, action.id)


@bp.route("/actions/<int:action_id>/reassign", methods=["POST"])
@allow(*MANAGERS)
def reassign(action_id: int):
    action = _action_or_404(action_id)
    form = ReassignForm()
    form.owner_id.choices = owner_choices(action.campus_id)
    if not form.validate_on_submit():
        flash(_("Choose an owner and a due date."), "error")
        return _back(action.drill_id, action.id)
    try:
        actions_ops.reassign(action, current_user, form.owner_id.data, form.due_on.data)
    except (ValidationFailed, NotAllowed) as exc:
        message = " ".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else str(exc)
        flash(message, "error")
    else:
        flash(_("Saved."), "success")
    return _back(action.drill_id, action.id)


# ---- the drill record's after-action section (used by drills.views) ---------------------


def record_extras(drill_ids: list[int]) -> dict:
    """What a drill record shows beyond its fields: the live drill's per-area times and the
    corrective actions with their state (the page and the inspector's printout)."""
    from safetyops.live import queries as live_queries

    return {
        "live": live_queries.for_drills(drill_ids),
        "actions": actions_queries.for_drills(drill_ids),
    }


def drill_section(drill: Drill) -> dict:
    """The drill record page's after-action part: its extras, and the forms to open an
    action from a reported problem and to close open ones."""
    from safetyops.live import queries as live_queries
    from safetyops.live.domain import ISSUE_PROBLEMS
    from safetyops.live.forms import ISSUE_LABELS

    extras = record_extras([drill.id])
    manage = actions_ops.may_manage(current_user)
    issues = live_queries.issues_by_drill([drill.id]).get(drill.id, [])
    suggestions = [
        {"area": i["area"], "label": str(ISSUE_LABELS.get(i["issue"], "")) or _("Note"),
         "note": i["note"], "problem": ISSUE_PROBLEMS.get(i["issue"], "")}
        for i in issues
    ]  # fmt: skip
    form = None
    if manage:
        first_problem = suggestions[0]["problem"] if suggestions else ""
        if not first_problem and drill.problems:
            first_problem = drill.problems[0]
        form = action_form(drill, first_problem)
        if suggestions:
            s = suggestions[0]
            text = f"{s['area']}: {s['label']}" + (f" — {s['note']}" if s["note"] else "")
            form.description.data = text[: actions_ops.DESCRIPTION_MAX]
    return {
        "extras": extras,
        "actions": extras["actions"].get(drill.id, []),
        "may_manage": manage,
        "form": form,
        "close_form": CloseActionForm(formdata=None),
        "suggestions": suggestions,
    }
