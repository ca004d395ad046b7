"""What the public drill page, the compliance page's posting and reschedule deadlines and
the drill schedule export show. Read-only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.calendar.domain import school_year_label, school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.compliance import queries as compliance
from safetyops.compliance.models import RulePackRecord, campus_rule_pack
from safetyops.compliance.rule_packs import RulePackError, parse_pack
from safetyops.drills.models import Drill
from safetyops.drills.operations import facts_for, school_year_bounds
from safetyops.extensions import db
from safetyops.planning.models import DrillPlan
from safetyops.postings import domain
from safetyops.postings.models import DrillCancellation, PublicPosting

# How the public page names who conducted a drill and who signed it off: the district's
# choice (config PUBLIC_POSTING_CONDUCTOR).
CONDUCTOR_ROLE = "role"
CONDUCTOR_NAME = "name"


# ---- the public page ---------------------------------------------------------------------


def periods_for(campus_ids: Iterable[int]) -> dict[int, list[domain.OptInPeriod]]:
    ids = list(campus_ids)
    out: dict[int, list[domain.OptInPeriod]] = {i: [] for i in ids}
    rows = db.session.execute(
        select(PublicPosting.campus_id, PublicPosting.opened_at, PublicPosting.closed_at).where(
            PublicPosting.campus_id.in_(ids)
        )
    )
    for campus_id, opened, closed in rows:
        out[campus_id].append(domain.OptInPeriod(opened, closed))
    return out


def public_campus(code: str) -> Campus | None:
    """The active campus with this code if its drill page is public; None otherwise (the
    page answers 404 whether the campus is missing, inactive or not opted in)."""
    return db.session.scalar(
        select(Campus)
        .join(PublicPosting, PublicPosting.campus_id == Campus.id)
        .where(
            Campus.code == code.upper(),
            Campus.active.is_(True),
            PublicPosting.closed_at.is_(None),
        )
    )


@dataclass(frozen=True)
class PublicRow:
    """One posted drill, holding nothing beyond what the public page shows."""

    school_year: str
    day: date
    started: datetime  # campus-local
    ended: datetime | None
    drill_type: str
    number: int
    required: int | None
    conductor: str
    conductor_role: str
    signer: str
    signer_role: str
    signed_off_on: date
    posted_on: date | None


@dataclass
class PublicYear:
    year: int
    label: str
    rows: list[PublicRow] = field(default_factory=list)
    required: dict[str, int] = field(default_factory=dict)


def public_listing(campus: Campus, today: date, conductor_mode: str) -> list[PublicYear]:
    """The campus's signed-off practice drills of the retained school years, newest year
    first, each year's drills oldest first with their running counts."""
    zone = ZoneInfo(campus.timezone)
    years = domain.retained_years(today)
    start, _end = school_year_bounds(years[-1])
    drills = list(
        db.session.scalars(
            select(Drill)
            .where(
                Drill.campus_id == campus.id,
                Drill.local_date.between(start, today),
                Drill.signed_off_at.is_not(None),
                Drill.real_event.is_(False),
            )
            .options(selectinload(Drill.logged_by), selectinload(Drill.signed_off_by))
            .order_by(Drill.started_at, Drill.id)
        )
    )
    periods = periods_for([campus.id])[campus.id]
    out = []
    for year in years:
        as_of = min(today, school_year_bounds(year)[1])
        required = domain.required_per_type(compliance.for_campus(campus, as_of).requirements)
        in_year = [d for d in drills if school_year_of(d.local_date) == year]
        counts = domain.running_counts(
            [domain.PostedFact(d.id, d.drill_type, d.started_at) for d in in_year], required
        )
        listing = PublicYear(year, school_year_label(year), required=required)
        for d in in_year:
            count = counts[d.id]
            posted = domain.posted_at(d.signed_off_at, periods)
            signer = d.signed_off_by
            listing.rows.append(
                PublicRow(
                    school_year=listing.label,
                    day=d.local_date,
                    started=d.started_at.astimezone(zone),
                    ended=d.ended_at.astimezone(zone) if d.ended_at else None,
                    drill_type=d.drill_type,
                    number=count.number,
                    required=count.required,
                    conductor=d.conducted_by if conductor_mode == CONDUCTOR_NAME else "",
                    conductor_role=d.logged_by.role if d.logged_by else "",
                    signer=signer.name if signer and conductor_mode == CONDUCTOR_NAME else "",
                    signer_role=signer.role if signer else "",
                    signed_off_on=(d.signed_off_at or d.started_at).astimezone(zone).date(),
                    posted_on=posted.astimezone(zone).date() if posted else None,
                )
            )
        out.append(listing)
    return out


# ---- posting and reschedule deadlines (compliance page) ----------------------------------


@dataclass(frozen=True)
class Policy:
    posting_days: int | None = None
    reschedule_days: int | None = None


def policies_for(campus_ids: Iterable[int]) -> dict[int, Policy]:
    """Each campus's posting and reschedule deadlines from its rule packs (the shortest
    wins when several packs set one), in two queries."""
    ids = list(campus_ids)
    assigned = db.session.execute(
        select(campus_rule_pack.c.campus_id, campus_rule_pack.c.pack_id).where(
            campus_rule_pack.c.campus_id.in_(ids)
        )
    ).all()
    parsed = {}
    pack_ids = {pack_id for _campus, pack_id in assigned}
    for record in db.session.scalars(select(RulePackRecord).where(RulePackRecord.id.in_(pack_ids))):
        try:
            parsed[record.id] = parse_pack(record.toml)
        except RulePackError:  # stored packs were validated when loaded
            continue
    out = {}
    for campus_id in ids:
        packs = [parsed[p] for c, p in assigned if c == campus_id and p in parsed]
        out[campus_id] = Policy(
            domain.strictest(p.posting_within_school_days for p in packs),
            domain.strictest(p.reschedule_within_school_days for p in packs),
        )
    return out


@dataclass
class CampusDeadlines:
    policy: Policy
    public: bool
    posting: list[domain.PostingDeadline]
    reschedule: list[domain.RescheduleDeadline]
    cancellations: list[DrillCancellation]

    def counts(self) -> dict[str, int]:
        statuses = [p.status for p in self.posting] + [r.status for r in self.reschedule]
        out: dict[str, int] = {}
        for status in statuses:
            out[status] = out.get(status, 0) + 1
        return out


# A drill held this long before the school year began may still have a deadline in it.
LOOKBACK = timedelta(days=120)


def deadlines_for(campus: Campus, as_of: date) -> CampusDeadlines:
    """The posting deadline of each practice drill and the reschedule deadline of each
    cancelled or missed drill whose deadline falls in the school year of ``as_of``."""
    policy = policies_for([campus.id])[campus.id]
    periods = periods_for([campus.id])[campus.id]
    year_start = school_year_bounds(school_year_of(as_of))[0]
    since = year_start - LOOKBACK
    calendar = calendars_for([campus])[campus.id]
    zone = ZoneInfo(campus.timezone)
    posting: list[domain.PostingDeadline] = []
    if policy.posting_days is not None:
        rows = db.session.execute(
            select(Drill.id, Drill.drill_type, Drill.local_date, Drill.signed_off_at).where(
                Drill.campus_id == campus.id,
                Drill.real_event.is_(False),
                Drill.local_date.between(since, as_of),
            )
        )
        facts = []
        for drill_id, drill_type, day, signed in rows:
            posted = domain.posted_at(signed, periods)
            facts.append(
                domain.PostingFact(
                    drill_id,
                    drill_type,
                    day,
                    signed_off=signed is not None and signed.astimezone(zone).date() <= as_of,
                    posted_on=posted.astimezone(zone).date() if posted else None,
                )
            )
        posting = [
            p
            for p in domain.posting_deadlines(facts, calendar, policy.posting_days, as_of)
            if p.deadline >= year_start or p.day >= year_start
        ]
    cancellations = list(
        db.session.scalars(
            select(DrillCancellation)
            .where(
                DrillCancellation.campus_id == campus.id,
                DrillCancellation.scheduled_for.between(since, as_of),
            )
            .options(selectinload(DrillCancellation.recorded_by))
            .order_by(DrillCancellation.scheduled_for, DrillCancellation.id)
        )
    )
    reschedule: list[domain.RescheduleDeadline] = []
    if policy.reschedule_days is not None and cancellations:
        drills = facts_for([campus.id], since, as_of)[campus.id]
        reschedule = [
            r
            for r in domain.reschedule_deadlines(
                [
                    domain.CancellationFact(c.id, c.drill_type, c.scheduled_for, c.kind)
                    for c in cancellations
                ],
                drills,
                calendar,
                policy.reschedule_days,
                as_of,
            )
            if r.deadline >= year_start or r.day >= year_start
        ]
    return CampusDeadlines(
        policy=policy,
        public=domain.is_open(periods),
        posting=posting,
        reschedule=reschedule,
        cancellations=[c for c in cancellations if c.scheduled_for >= year_start],
    )


# ---- the planned drill schedule ----------------------------------------------------------


def schedule(campuses: list[Campus], year: int) -> list[DrillPlan]:
    """Planned (not cancelled) drills of these campuses in one school year, by campus then
    day."""
    start, end = school_year_bounds(year)
    if not campuses:
        return []
    plans = list(
        db.session.scalars(
            select(DrillPlan)
            .where(
                DrillPlan.campus_id.in_([c.id for c in campuses]),
                DrillPlan.cancelled_at.is_(None),
                DrillPlan.planned_for.between(start, end),
            )
            .options(selectinload(DrillPlan.campus))
            .order_by(DrillPlan.planned_for, DrillPlan.id)
        )
    )
    return sorted(plans, key=lambda p: (p.campus.name, p.planned_for, p.id))
