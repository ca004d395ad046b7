"""What each role's home page shows, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from safetyops.accounts.models import Role, User
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core.access import visible_campuses
from safetyops.extensions import db


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
