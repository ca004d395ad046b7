"""Compliance pages: a campus's requirements this term, and the district matrix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from safetyops.certifications import queries as certifications
from safetyops.certifications.forms import PROTOCOL_LABELS
from safetyops.compliance import queries as compliance
from safetyops.compliance.engine import Requirement, RequirementStatus, days_left
from safetyops.core.access import allow, campus_for, may_use, visible_campuses
from safetyops.core.forms import date_arg
from safetyops.core.timefmt import campus_today
from safetyops.drills.forms import TYPE_LABELS, type_choices
from safetyops.drills.operations import drill_types
from safetyops.extensions import db
from safetyops.planning import operations as feeds
from safetyops.planning.forms import PlanForm
from safetyops.postings import queries as postings

bp = Blueprint("compliance", __name__)
STATUS_WORDS = {
    RequirementStatus.MET: _l("Met"),
    RequirementStatus.LATE: _l("Met late"),
    RequirementStatus.DUE: _l("Due"),
    RequirementStatus.OVERDUE: _l("Overdue"),
    RequirementStatus.UPCOMING: _l("Upcoming"),
    RequirementStatus.NOT_REQUIRED: _l("Not required"),
}


@bp.route("/campuses/<code>/compliance")
@allow()
def campus(code: str):
    campus = campus_for(current_user, code)
    as_of = date_arg("as_of") or campus_today(campus)
    result = compliance.for_campus(campus, as_of)
    show_all = request.args.get("all") == "1"
    requirements = result.requirements if show_all else result.in_term()
    # What needs doing first: overdue, then due, then the rest, each by deadline.
    requirements = sorted(
        requirements, key=lambda r: (compliance.SEVERITY[r.status], r.deadline, r.rule)
    )
    plan_form = PlanForm(planned_for=as_of)
    plan_form.drill_type.choices = type_choices(drill_types())
    return render_template(
        "compliance/campus.html",
        plans=feeds.plans_for(campus, as_of, as_of + timedelta(days=366)),
        plan_form=plan_form,
        can_plan=may_use(current_user, "planning.plan_new"),
        feed_active=feeds.active_feed(campus) is not None,
        campus=campus,
        result=result,
        requirements=requirements,
        show_all=show_all,
        as_of=as_of,
        days_left=days_left,
        labels=TYPE_LABELS,
        words=STATUS_WORDS,
        can_log=may_use(current_user, "drills.new"),
        # Posting and reschedule deadlines (postings area): their own section.
        record_deadlines=postings.deadlines_for(campus, as_of),
        # Staff training in the SRP protocols (certifications area): its own section.
        training_requirements=certifications.training_requirements(campus, as_of),
        protocol_labels=PROTOCOL_LABELS,
    )


@bp.route("/compliance")
@allow()
def district():
    """Campuses x requirements of the current term, worst first; data loaded in bulk."""
    campuses = list(db.session.scalars(visible_campuses(current_user)))
    as_of = date_arg("as_of") or (campus_today(campuses[0]) if campuses else None)
    matrix = compliance.district_matrix(campuses, as_of, request.args.get("sort", "worst"))
    return render_template(
        "compliance/district.html",
        rows=matrix.rows,
        columns=matrix.columns,
        as_of=as_of,
        sort=matrix.sort,
        cell=_matrix_cells(),
    )


def _matrix_cells() -> Callable[[Requirement | None], Markup]:
    """The matrix's ``<td>`` for a requirement, rendered once per distinct cell: 200
    campuses x 9 requirements share a handful of (status, count, deadline) cells, and
    rendering each of the ~1,800 on its own was most of the page's time."""
    template = current_app.jinja_env.get_template("compliance/_matrix_cell.html")
    words = {k: str(v) for k, v in STATUS_WORDS.items()}  # translated once, not per cell
    done: dict[tuple | None, Markup] = {}

    def cell(r: Requirement | None) -> Markup:
        key = (r.status, r.counted, r.required, r.deadline) if r else None
        if key not in done:
            word = words[r.status] if r else ""
            done[key] = Markup(template.render(r=r, word=word).strip())  # noqa: S704 - our template's output
        return done[key]

    return cell
