"""What each role's home page shows, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from safetyops.accounts.models import Role, User
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core.access import visible_campuses
from safetyops.extensions import db


@dataclass(frozen=True)
class HomeSections:
    """Which sections a role's home page shows. Decided here, once, so neither the view
    nor the templates test roles: they receive these plain flags."""

    template: str
    district: bool = False  # district-wide counts
    agenda: bool = False  # today's rounds and the start-a-round form
    quick_log: bool = False  # per campus: log a drill, a real event, a medical call
    compliance: bool = False  # required drills per campus
    corrective_actions: bool = False  # open corrective actions from drills, soonest due
    certifications: bool = False  # officers' certifications expired or expiring soon


SECTIONS = {
    Role.OFFICER: HomeSections(
        "home/home_officer.html", agenda=True, quick_log=True, certifications=True
    ),
    Role.SUPERVISOR: HomeSections(
        "home/home_supervisor.html", agenda=True, certifications=True, corrective_actions=True
    ),
    Role.PRINCIPAL: HomeSections(
        "home/home_principal.html", compliance=True, corrective_actions=True
    ),
    Role.SAFETY_ADMIN: HomeSections(
        "home/home_safety_admin.html", district=True, certifications=True
    ),
    Role.VIEWER: HomeSections("home/home_viewer.html", district=True),
}


def sections_for(user: User) -> HomeSections:
    return SECTIONS[Role(user.role)]


@dataclass
class CampusSummary:
    campus: Campus
    checkpoint_count: int


def campus_summaries(user: User) -> list[CampusSummary]:
    campuses = list(db.session.scalars(visible_campuses(user)))
    counts = dict(
        db.session.execute(
            select(Checkpoint.campus_id, func.count())
            .where(Checkpoint.active.is_(True), Checkpoint.campus_id.in_([c.id for c in campuses]))
            .group_by(Checkpoint.campus_id)
        ).all()
    )
    return [CampusSummary(c, counts.get(c.id, 0)) for c in campuses]


def district_counts() -> dict[str, int | None]:
    return {
        "campuses": db.session.scalar(select(func.count()).where(Campus.active.is_(True))),
        "checkpoints": db.session.scalar(
            select(func.count()).select_from(Checkpoint).where(Checkpoint.active.is_(True))
        ),
        "officers": db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.OFFICER, User.active.is_(True))
        ),
    }
