"""Home: one page, with the sections that matter to the signed-in role."""

from __future__ import annotations

import functools
import uuid
from datetime import timedelta

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from safetyops.certifications import queries as certifications
from safetyops.compliance import queries as compliance
from safetyops.core.access import allow, public, visible_campus_ids
from safetyops.core.db import utcnow
from safetyops.core.timefmt import campus_today
from safetyops.extensions import db
from safetyops.home import queries as overview
from safetyops.rounds import operations as rounds
from safetyops.rounds.forms import StartRoundForm
from safetyops.scheduler.models import JobRun

bp = Blueprint("home", __name__)


@bp.route("/")
@allow()
def index():
    sections = overview.sections_for(current_user)
    context = {"sections": sections, "summaries": overview.campus_summaries(current_user)}
    if sections.district:
        context["district"] = overview.district_counts()
    if sections.agenda:
        ids = visible_campus_ids(current_user)
        context["agenda"] = rounds.agenda_for(current_user, None if ids is None else sorted(ids))
        context["start_form"] = StartRoundForm()
        context["new_id"] = lambda: str(uuid.uuid4())
    if sections.compliance:
        campuses = [s.campus for s in context["summaries"]]
        today = campus_today(campuses[0]) if campuses else None
        context["compliance"] = compliance.for_campuses(campuses, today) if campuses else []
    if sections.certifications:
        context["certification_flags"] = certifications.flagged_for(
            current_user, certifications.today()
        )
    if sections.corrective_actions:
        from safetyops.actions import queries as corrective_actions

        ids = visible_campus_ids(current_user)
        rows = corrective_actions.open_for(None if ids is None else sorted(ids))
        context["open_actions"] = rows
        context["action_today"] = {a.campus_id: campus_today(a.campus) for a in rows}
    return render_template(sections.template, **context)


@bp.route("/healthz")
@public
def healthz():
    """For load balancers: the process answers and its database does (503 if not)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503, {"Retry-After": "30"}
    return {"status": "ok", "database": "ok"}


@bp.route("/readyz")
@public
def readyz():
    """For orchestrators: the database answers, its schema is at the code's migration head,
    and the scheduler has finished a job recently. 503 with the failing checks if not."""
    checks = {"database": "ok", "migrations": "ok", "scheduler": "ok"}
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != _migration_head():
            checks["migrations"] = f"at {current}, code expects {_migration_head()}"
        recent = db.session.scalar(select(func.max(JobRun.finished_at)))
        limit = timedelta(minutes=current_app.config["READY_SCHEDULER_MINUTES"])
        if recent is None or utcnow() - recent > limit:
            checks["scheduler"] = "no job finished in the last " + str(limit)
    except SQLAlchemyError:
        db.session.rollback()
        checks = {"database": "unreachable", "migrations": "unknown", "scheduler": "unknown"}
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ready else "not ready", **checks}
    return (body, 200) if ready else (body, 503, {"Retry-After": "30"})


@functools.cache
def _migration_head() -> str | None:
    from alembic.script import ScriptDirectory  # only /readyz needs Alembic (cold start)

    directory = current_app.extensions["migrate"].directory
    return ScriptDirectory(directory).get_current_head()
