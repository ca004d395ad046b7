"""What the certification, firm and training pages, the home page and the weekly report
show: loaded in bulk, judged by the pure rules in certifications.domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import Role, User, user_campus
from safetyops.calendar.domain import school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.certifications import domain
from safetyops.certifications.domain import CertFact, CertificationState
from safetyops.certifications.models import (
    CERTIFIED_ROLES,
    Certification,
    CertificationKind,
    SecurityFirm,
    TrainingSession,
)
from safetyops.compliance.engine import Requirement, TrainingFact, evaluate_training
from safetyops.compliance.operations import training_rules_for
from safetyops.core.access import visible_campus_ids
from safetyops.core.db import utcnow
from safetyops.drills.operations import school_year_bounds
from safetyops.extensions import db


@dataclass
class CertRow:
    cert: Certification
    state: str
    days_left: int | None
    current: bool  # the one that counts for its officer and kind


@dataclass
class OfficerRow:
    officer: User
    firm: str
    campuses: list[str]
    certs: list[CertRow] = field(default_factory=list)

    @property
    def current(self) -> list[CertRow]:
        return [c for c in self.certs if c.current]

    @property
    def expired(self) -> list[CertRow]:
        return [c for c in self.current if c.state == CertificationState.EXPIRED]

    @property
    def expiring(self) -> list[CertRow]:
        return [c for c in self.current if c.state == CertificationState.EXPIRING]


def today() -> date:
    """The district's date (the scheduler's time zone): what certificates are judged by."""
    return utcnow().astimezone(ZoneInfo(current_app.config["SCHEDULER_TIMEZONE"])).date()


def fact(cert: Certification) -> CertFact:
    return CertFact(
        id=cert.id,
        officer_id=cert.officer_id,
        kind_id=cert.kind_id,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        withdrawn=cert.withdrawn_at is not None,
    )


# ---- who sees whom -------------------------------------------------------------------------


def visible_officer_ids(user: User) -> set[int] | None:
    """The officers whose certificates ``user`` may see: None for the whole district; an
    officer sees themself; a supervisor or principal the officers of their campuses."""
    if user.sees_all_campuses:
        return None
    if user.role == Role.OFFICER:
        return {user.id}
    campus_ids = visible_campus_ids(user) or set()
    rows = db.session.execute(
        select(user_campus.c.user_id)
        .join(User, User.id == user_campus.c.user_id)
        .where(
            user_campus.c.campus_id.in_(campus_ids),
            User.role.in_([r.value for r in CERTIFIED_ROLES]),
        )
    )
    return {row[0] for row in rows} | ({user.id} if user.role in CERTIFIED_ROLES else set())


def can_see_officer(user: User, officer_id: int) -> bool:
    ids = visible_officer_ids(user)
    return ids is None or officer_id in ids


# ---- officers and their certificates ---------------------------------------------------------


def officer_rows(
    viewer: User,
    today: date,
    campus: Campus | None = None,
    officer_ids: Iterable[int] | None = None,
) -> list[OfficerRow]:
    """Officers ``viewer`` may see (of one campus, or given ids), each with every
    certificate, newest first, judged on ``today``. Four queries. Lists hold active
    officers; given ids are shown whatever their state (a deactivated officer's record)."""
    query = (
        select(User)
        .where(User.role.in_([r.value for r in CERTIFIED_ROLES]))
        .options(selectinload(User.campuses), selectinload(User.employer))
        .order_by(User.name)
    )
    if officer_ids is None:
        query = query.where(User.active.is_(True))
    visible = visible_officer_ids(viewer)
    if visible is not None:
        query = query.where(User.id.in_(visible))
    if officer_ids is not None:
        query = query.where(User.id.in_(list(officer_ids)))
    if campus is not None:
        query = query.join(user_campus, user_campus.c.user_id == User.id).where(
            user_campus.c.campus_id == campus.id
        )
    officers = list(db.session.scalars(query))
    rows = {
        o.id: OfficerRow(
            officer=o,
            firm=o.employer.name if o.employer else "",
            campuses=[c.code for c in o.campuses],
        )
        for o in officers
    }
    certs = list(
        db.session.scalars(
            select(Certification)
            .where(Certification.officer_id.in_(list(rows)))
            .options(selectinload(Certification.kind))
            .order_by(Certification.issued_on.desc(), Certification.id.desc())
        )
    )
    counting = {f.id for f in domain.current(fact(c) for c in certs)}
    for cert in certs:
        rows[cert.officer_id].certs.append(
            CertRow(
                cert=cert,
                state=domain.state(cert.expires_on, today),
                days_left=(domain.days_left(cert.expires_on, today) if cert.expires_on else None),
                current=cert.id in counting,
            )
        )
    return list(rows.values())


def flagged_for(viewer: User, today: date) -> dict[str, list[tuple[OfficerRow, CertRow]]]:
    """What a home page lists: the current certificates of the officers ``viewer`` sees
    that have expired or expire within 30 days. The dates of every certificate are read as
    plain rows; only the flagged ones are loaded in full (a district has thousands)."""
    query = (
        select(
            Certification.id, Certification.officer_id, Certification.kind_id,
            Certification.issued_on, Certification.expires_on, Certification.withdrawn_at,
        )
        .join(User, User.id == Certification.officer_id)
        .where(User.active.is_(True), User.role.in_([r.value for r in CERTIFIED_ROLES]))
    )  # fmt: skip
    visible = visible_officer_ids(viewer)
    if visible is not None:
        query = query.where(Certification.officer_id.in_(visible))
    facts = [
        CertFact(
            r.id, r.officer_id, r.kind_id, r.issued_on, r.expires_on, r.withdrawn_at is not None
        )
        for r in db.session.execute(query)
    ]
    states = {
        f.id: domain.state(f.expires_on, today)
        for f in domain.current(facts)
        if f.expires_on is not None
    }
    wanted = {
        i
        for i, s in states.items()
        if s in (CertificationState.EXPIRED, CertificationState.EXPIRING)
    }
    out: dict[str, list[tuple[OfficerRow, CertRow]]] = {"expired": [], "expiring": []}
    if not wanted:
        return out
    certs = db.session.scalars(
        select(Certification)
        .where(Certification.id.in_(wanted))
        .options(selectinload(Certification.kind), selectinload(Certification.officer))
    )
    for cert in certs:
        row = OfficerRow(officer=cert.officer, firm="", campuses=[])
        state = states[cert.id]
        left = domain.days_left(cert.expires_on, today) if cert.expires_on else None
        out[str(state)].append((row, CertRow(cert=cert, state=state, days_left=left, current=True)))
    for key in out:
        out[key].sort(key=lambda pair: (pair[1].cert.expires_on, pair[0].officer.name))
    return out


def flagged(rows: Sequence[OfficerRow]) -> dict[str, list[tuple[OfficerRow, CertRow]]]:
    """Current certificates expired or expiring soon, worst first."""
    out: dict[str, list[tuple[OfficerRow, CertRow]]] = {"expired": [], "expiring": []}
    for row in rows:
        for cert in row.expired:
            out["expired"].append((row, cert))
        for cert in row.expiring:
            out["expiring"].append((row, cert))
    for key in out:
        out[key].sort(key=lambda pair: (pair[1].cert.expires_on, pair[0].officer.name))
    return out


def active_kinds() -> list[CertificationKind]:
    return list(
        db.session.scalars(
            select(CertificationKind)
            .where(CertificationKind.active.is_(True))
            .order_by(CertificationKind.name)
        )
    )


def all_kinds() -> list[CertificationKind]:
    return list(
        db.session.scalars(
            select(CertificationKind).order_by(
                CertificationKind.active.desc(), CertificationKind.name
            )
        )
    )


def firms() -> list[SecurityFirm]:
    return list(
        db.session.scalars(
            select(SecurityFirm)
            .options(selectinload(SecurityFirm.campuses), selectinload(SecurityFirm.employer))
            .join(SecurityFirm.employer)
            .order_by("name")
        )
    )


# ---- the weekly report ------------------------------------------------------------------------


def report_sections(campuses: Sequence[Campus], as_of: date) -> dict[int, dict[str, list]]:
    """Per campus: its officers' current certificates expired on ``as_of`` or expiring
    within 30 days of it (JSON-ready: the report is stored as a snapshot)."""
    ids = [c.id for c in campuses]
    out: dict[int, dict[str, list]] = {i: {"expiring": [], "expired": []} for i in ids}
    assigned: dict[int, list[int]] = defaultdict(list)
    for user_id, campus_id in db.session.execute(
        select(user_campus.c.user_id, user_campus.c.campus_id)
        .join(User, User.id == user_campus.c.user_id)
        .where(
            user_campus.c.campus_id.in_(ids),
            User.role.in_([r.value for r in CERTIFIED_ROLES]),
            User.active.is_(True),
        )
    ):
        assigned[user_id].append(campus_id)
    if not assigned:
        return out
    rows = db.session.execute(
        select(Certification, CertificationKind.name, User.name)
        .join(CertificationKind, CertificationKind.id == Certification.kind_id)
        .join(User, User.id == Certification.officer_id)
        .where(Certification.officer_id.in_(list(assigned)))
    ).all()
    names = {cert.id: (kind, officer) for cert, kind, officer in rows}
    for current in domain.current(fact(cert) for cert, _kind, _officer in rows):
        state = domain.state(current.expires_on, as_of)
        if state not in (CertificationState.EXPIRED, CertificationState.EXPIRING):
            continue
        kind, officer = names[current.id]
        entry = {
            "officer": officer,
            "kind": kind,
            "expires": current.expires_on.isoformat() if current.expires_on else None,
        }
        for campus_id in assigned[current.officer_id]:
            out[campus_id][str(state)].append(entry)
    for section in out.values():
        for entries in section.values():
            entries.sort(key=lambda e: (e["expires"], e["officer"], e["kind"]))
    return out


def district_section(campus_sections: Iterable[dict]) -> dict[str, list]:
    """The district's list: each officer's certificate once, whatever campuses they serve."""
    out: dict[str, list] = {"expiring": [], "expired": []}
    for section in campus_sections:
        for key in out:
            for entry in section.get("certifications", {}).get(key, []):
                if entry not in out[key]:
                    out[key].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: (e["expires"], e["officer"], e["kind"]))
    return out


# ---- staff training ----------------------------------------------------------------------------


def training_sessions(campus: Campus, start: date, end: date) -> list[TrainingSession]:
    return list(
        db.session.scalars(
            select(TrainingSession)
            .where(
                TrainingSession.campus_id == campus.id, TrainingSession.held_on.between(start, end)
            )
            .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc())
        )
    )


def training_requirements(campus: Campus, as_of: date) -> list[Requirement]:
    """The campus's staff training requirements this school year (its packs' ``[[training]]``
    rules) judged by the compliance engine."""
    rules = training_rules_for([campus.id])[campus.id]
    if not rules:
        return []
    year = school_year_of(as_of)
    start, end = school_year_bounds(year)
    facts = [
        TrainingFact(id=s.id, protocol=s.protocol, day=s.held_on)
        for s in db.session.scalars(
            select(TrainingSession).where(
                TrainingSession.campus_id == campus.id,
                TrainingSession.withdrawn_at.is_(None),
                TrainingSession.held_on.between(start, end),
            )
        )
    ]
    calendar = calendars_for([campus])[campus.id]
    return evaluate_training(rules, calendar, facts, as_of, year)


def officer_flags(today: date, officer_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Active officers with a current certificate expired (``expired``) or expiring within
    30 days (``expiring``) on ``today``: for lists of staff that show one flag per person."""
    query = select(
        Certification.id, Certification.officer_id, Certification.kind_id,
        Certification.issued_on, Certification.expires_on,
    ).join(User, User.id == Certification.officer_id).where(
        Certification.withdrawn_at.is_(None),
        User.active.is_(True),
        User.role.in_([r.value for r in CERTIFIED_ROLES]),
    )  # fmt: skip
    if officer_ids is not None:
        query = query.where(Certification.officer_id.in_(list(officer_ids)))
    facts = (CertFact(*row) for row in db.session.execute(query))
    out: dict[int, str] = {}
    for current in domain.current(facts):
        state = domain.state(current.expires_on, today)
        if state == CertificationState.EXPIRED:
            out[current.officer_id] = str(state)
        elif state == CertificationState.EXPIRING:
            out.setdefault(current.officer_id, str(state))
    return out
