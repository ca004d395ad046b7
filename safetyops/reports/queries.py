"""The weekly safety report: figures from aggregate queries, per campus and district-wide,
each campus's week in its own time zone; and the Monday snapshot that is what was sent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from safetyops.audit import ledger
from safetyops.calendar.operations import school_day_checker
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.certifications import queries as certification_report
from safetyops.compliance import queries as compliance
from safetyops.compliance.engine import RequirementStatus
from safetyops.core.db import utcnow
from safetyops.drills.models import Drill, MedicalCall
from safetyops.extensions import db
from safetyops.findings.models import Finding
from safetyops.reports.domain import (
    REPORTED_STATUSES,
    parse_week,
    percent,
    shift_week,
    week_label,
)
from safetyops.reports.models import WeeklyReport
from safetyops.rounds import domain as rounds_domain
from safetyops.rounds.models import Round, RoundResult
from safetyops.rounds.operations import completed_rounds, plan_spec, plans_for

TREND_WEEKS = 8


def _bounds(zone: str, monday: date, days: int = 7) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(monday, time.min, tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=days), time.min, tz).astimezone(UTC)
    return start, end


def _by_zone(campuses: Sequence[Campus]) -> dict[str, list[Campus]]:
    zones: dict[str, list[Campus]] = defaultdict(list)
    for campus in campuses:
        zones[campus.timezone].append(campus)
    return zones


def _round_figures(campuses, first_monday: date, weeks: int, now: datetime) -> dict:
    """{(campus_id, week label): (expected, completed)} from plans, calendar and walks."""
    plans = plans_for([c.id for c in campuses])
    if not plans:
        return {}
    specs = [plan_spec(p) for p in plans]
    last_day = first_monday + timedelta(weeks=weeks) - timedelta(days=1)
    instances = [
        i
        for i in rounds_domain.expected_instances(
            specs, first_monday, last_day, school_day_checker(p.campus for p in plans)
        )
        if i.due_by <= now  # what could have been walked by now
    ]
    walked = completed_rounds(plans, first_monday, last_day)
    matched = rounds_domain.match_rounds(instances, walked, {s.id: s.grace for s in specs})
    out: dict = defaultdict(lambda: [0, 0])
    for instance in instances:
        key = (instance.campus_id, week_label(instance.day))
        out[key][0] += 1
        out[key][1] += instance.key() in matched
    return out


def _empty(campus: Campus) -> dict:
    return {
        "code": campus.code,
        "name": campus.name,
        "rounds_expected": 0,
        "rounds_completed": 0,
        "rounds_missed": 0,
        "completion_pct": None,
        "checks": 0,
        "checkpoints_checked": 0,
        "findings_opened": 0,
        "findings_by_kind": {},
        "findings_resolved": 0,
        "still_open": 0,
        "open_age": {"0-7 days": 0, "8-30 days": 0, "over 30 days": 0},
        "oldest_open_days": None,
        "drills": [],
        "drills_total": 0,
        "real_events": 0,
        "medical_calls": 0,
        "compliance": {str(status): 0 for status in REPORTED_STATUSES},
        "overdue": [],
        "repeat_offenders": [],
        "trend": [],
    }


def build(label: str, campuses: Sequence[Campus], now: datetime | None = None) -> dict:
    """Every figure of week ``label`` for ``campuses``, JSON-ready (it is stored as is)."""
    now = now or utcnow()
    monday, sunday = parse_week(label)
    config = current_app.config
    threshold, window = config["REPEAT_OFFENDER_THRESHOLD"], config["REPEAT_OFFENDER_DAYS"]
    sections = {c.id: _empty(c) for c in campuses}
    first = monday - timedelta(weeks=TREND_WEEKS)
    rounds = _round_figures(campuses, first, TREND_WEEKS + 1, now)
    trend_findings: dict = defaultdict(int)
    for zone, group in _by_zone(campuses).items():
        ids = [c.id for c in group]
        start, end = _bounds(zone, monday)
        for campus_id, checks, checkpoints in db.session.execute(
            select(
                Round.campus_id,
                func.count(RoundResult.id),
                func.count(func.distinct(RoundResult.checkpoint_id)),
            )
            .join(Round, Round.id == RoundResult.round_id)
            .where(
                Round.campus_id.in_(ids),
                RoundResult.recorded_at >= start,
                RoundResult.recorded_at < end,
            )
            .group_by(Round.campus_id)
        ):
            sections[campus_id].update(checks=checks, checkpoints_checked=checkpoints)
        for campus_id, kind, count in db.session.execute(
            select(Finding.campus_id, Finding.kind, func.count())
            .where(Finding.campus_id.in_(ids), Finding.opened_at >= start, Finding.opened_at < end)
            .group_by(Finding.campus_id, Finding.kind)
        ):
            sections[campus_id]["findings_by_kind"][kind] = count
            sections[campus_id]["findings_opened"] += count
        for campus_id, count in db.session.execute(
            select(Finding.campus_id, func.count())
            .where(
                Finding.campus_id.in_(ids),
                Finding.resolved_at >= start,
                Finding.resolved_at < end,
            )
            .group_by(Finding.campus_id)
        ):
            sections[campus_id]["findings_resolved"] = count
        # Still open at the end of the week, by age.
        open_at_end = and_(
            Finding.campus_id.in_(ids),
            Finding.opened_at < end,
            or_(Finding.resolved_at.is_(None), Finding.resolved_at >= end),
        )
        week_ago, month_ago = end - timedelta(days=7), end - timedelta(days=30)
        for campus_id, count, oldest, fresh, month in db.session.execute(
            select(
                Finding.campus_id,
                func.count(),
                func.min(Finding.opened_at),
                func.sum(case((Finding.opened_at >= week_ago, 1), else_=0)),
                func.sum(case((Finding.opened_at >= month_ago, 1), else_=0)),
            )
            .where(open_at_end)
            .group_by(Finding.campus_id)
        ):
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            section = sections[campus_id]
            section["still_open"] = count
            section["oldest_open_days"] = (end - oldest).days
            section["open_age"] = {
                "0-7 days": int(fresh or 0),
                "8-30 days": int((month or 0) - (fresh or 0)),
                "over 30 days": int(count - (month or 0)),
            }
        # Repeat offenders: checkpoints with threshold+ findings in the window ending now.
        for campus_id, name, count in db.session.execute(
            select(Finding.campus_id, Checkpoint.name, func.count())
            .join(Checkpoint, Checkpoint.id == Finding.checkpoint_id)
            .where(
                Finding.campus_id.in_(ids),
                Finding.opened_at >= end - timedelta(days=window),
                Finding.opened_at < end,
            )
            .group_by(Finding.campus_id, Checkpoint.name)
            .having(func.count() >= threshold)
            .order_by(func.count().desc())
        ):
            sections[campus_id]["repeat_offenders"].append({"checkpoint": name, "findings": count})
        # Drills by type; durations from the week's few records.
        for campus_id, drill_type, real, started, ended in db.session.execute(
            select(Drill.campus_id, Drill.drill_type, Drill.real_event, Drill.started_at,
                   Drill.ended_at)
            .where(Drill.campus_id.in_(ids), Drill.local_date.between(monday, sunday))
        ):  # fmt: skip
            section = sections[campus_id]
            if real:
                section["real_events"] += 1
            section["drills_total"] += 1
            entry = next((d for d in section["drills"] if d["type"] == drill_type), None)
            if entry is None:
                entry = {"type": drill_type, "count": 0, "real": 0, "minutes": []}
                section["drills"].append(entry)
            entry["count"] += 1
            entry["real"] += int(real)
            if ended is not None:
                entry["minutes"].append(round((ended - started).total_seconds() / 60, 1))
        for campus_id, count in db.session.execute(
            select(MedicalCall.campus_id, func.count())
            .where(
                MedicalCall.campus_id.in_(ids),
                MedicalCall.called_at >= start,
                MedicalCall.called_at < end,
            )
            .group_by(MedicalCall.campus_id)
        ):
            sections[campus_id]["medical_calls"] = count
        # Findings trend: one grouped count per past week (a fixed number of queries).
        for back in range(TREND_WEEKS, -1, -1):
            week_start, week_end = _bounds(zone, monday - timedelta(weeks=back))
            for campus_id, count in db.session.execute(
                select(Finding.campus_id, func.count())
                .where(
                    Finding.campus_id.in_(ids),
                    Finding.opened_at >= week_start,
                    Finding.opened_at < week_end,
                )
                .group_by(Finding.campus_id)
            ):
                trend_findings[(campus_id, shift_week(label, -back))] = count

    for result in compliance.for_campuses(list(campuses), sunday):
        section = sections[result.campus.id]
        for req in result.in_term():
            if req.status in section["compliance"]:
                section["compliance"][req.status] += 1
            if req.status == RequirementStatus.OVERDUE:
                section["overdue"].append(
                    {"drill": req.drill, "period": req.period, "deadline": req.deadline.isoformat(),
                     "rule": req.rule}
                )  # fmt: skip
    # Officers' certifications expired or expiring within 30 days (certifications area).
    for campus_id, certs in certification_report.report_sections(campuses, sunday).items():
        sections[campus_id]["certifications"] = certs
    # Rounds flagged for the supervisor (offline area: too fast, all list taps, clock off,
    # late sync); a count per campus, the rounds themselves on the review page.
    from safetyops.offline.queries import flagged_rounds_for

    for campus_id, count in flagged_rounds_for(campuses, monday).items():
        sections[campus_id]["flagged_rounds"] = count
    for campus in campuses:
        section = sections[campus.id]
        expected, completed = rounds.get((campus.id, label), (0, 0))
        section.update(
            rounds_expected=expected,
            rounds_completed=completed,
            rounds_missed=expected - completed,
            completion_pct=percent(completed, expected),
        )
        for entry in section["drills"]:
            minutes = entry.pop("minutes")
            entry["avg_minutes"] = round(sum(minutes) / len(minutes), 1) if minutes else None
        section["drills"].sort(key=lambda d: d["type"])
        for back in range(TREND_WEEKS, -1, -1):
            week = shift_week(label, -back)
            exp, done = rounds.get((campus.id, week), (0, 0))
            section["trend"].append(
                {"week": week, "completion_pct": percent(done, exp),
                 "findings": trend_findings.get((campus.id, week), 0)}
            )  # fmt: skip
        section["versus"] = versus_previous(section["trend"])
    ordered = [sections[c.id] for c in sorted(campuses, key=lambda c: c.name)]
    return {
        "week": label,
        "start": monday.isoformat(),
        "end": sunday.isoformat(),
        "generated_at": now.isoformat(timespec="seconds"),
        "district": district_totals(ordered),
        "campuses": ordered,
        "corrective_actions": _corrective_actions(campuses, monday, sunday),
    }


def _corrective_actions(campuses: Sequence[Campus], monday: date, sunday: date) -> dict:
    from safetyops.actions import queries as corrective_actions  # its own small section

    return corrective_actions.weekly(campuses, monday, sunday)


def versus_previous(trend: list[dict]) -> dict:
    """This week against the average of the weeks before it (the trend's last entry is
    this week)."""
    *before, this = trend
    rates = [t["completion_pct"] for t in before if t["completion_pct"] is not None]
    average = round(sum(rates) / len(rates), 1) if rates else None
    findings = round(sum(t["findings"] for t in before) / len(before), 1) if before else None
    return {
        "completion_avg": average,
        "completion_change": (
            round(this["completion_pct"] - average, 1)
            if average is not None and this["completion_pct"] is not None
            else None
        ),
        "findings_avg": findings,
        "findings_change": round(this["findings"] - findings, 1) if findings is not None else None,
    }


def district_totals(sections: list[dict]) -> dict:
    total: dict = {
        key: sum(s[key] for s in sections)
        for key in (
            "rounds_expected", "rounds_completed", "rounds_missed", "checks",
            "checkpoints_checked", "findings_opened", "findings_resolved", "still_open",
            "drills_total", "real_events", "medical_calls",
        )
    }  # fmt: skip
    total["completion_pct"] = percent(total["rounds_completed"], total["rounds_expected"])
    total["flagged_rounds"] = sum(s.get("flagged_rounds", 0) for s in sections)
    total["certifications"] = certification_report.district_section(sections)
    kinds: dict = defaultdict(int)
    drills: dict = {}
    compliance_counts: dict = defaultdict(int)
    ages: dict = defaultdict(int)
    for s in sections:
        for kind, n in s["findings_by_kind"].items():
            kinds[kind] += n
        for status, n in s["compliance"].items():
            compliance_counts[status] += n
        for bucket, n in s["open_age"].items():
            ages[bucket] += n
        for d in s["drills"]:
            entry = drills.setdefault(d["type"], {"type": d["type"], "count": 0, "real": 0})
            entry["count"] += d["count"]
            entry["real"] += d["real"]
    total["findings_by_kind"] = dict(sorted(kinds.items(), key=lambda kv: -kv[1]))
    total["compliance"] = dict(compliance_counts)
    total["open_age"] = dict(ages)
    total["drills"] = sorted(drills.values(), key=lambda d: d["type"])
    total["overdue"] = [{"campus": s["name"], **o} for s in sections for o in s["overdue"]]
    total["repeat_offenders"] = sorted(
        ({"campus": s["name"], **r} for s in sections for r in s["repeat_offenders"]),
        key=lambda r: -r["findings"],
    )[:20]
    weeks = [t["week"] for t in sections[0]["trend"]] if sections else []
    total["trend"] = [
        {"week": w, "findings": sum(s["trend"][i]["findings"] for s in sections)}
        for i, w in enumerate(weeks)
    ]
    return total


# ---- snapshots -------------------------------------------------------------------------------


def snapshot_for(label: str) -> WeeklyReport | None:
    return db.session.scalar(select(WeeklyReport).where(WeeklyReport.week == label))


def store_snapshot(label: str, now: datetime | None = None) -> tuple[WeeklyReport, bool]:
    """The Monday snapshot of the whole district: made once, never changed afterwards."""
    existing = snapshot_for(label)
    if existing is not None:
        return existing, False
    campuses = list(db.session.scalars(select(Campus).where(Campus.active.is_(True))))
    data = build(label, campuses, now)
    # The chains' heads as published: a later rewrite of history no longer matches them.
    ledger.seal()
    data["anchors"] = {str(c): [seq, digest] for c, (seq, digest) in ledger.heads().items()}
    snapshot = WeeklyReport(week=label, data=data, created_at=now or utcnow())
    db.session.add(snapshot)
    try:
        db.session.commit()
    except Exception:  # noqa: BLE001 - another process stored it first: theirs stands
        db.session.rollback()
        stored = snapshot_for(label)
        if stored is None:
            raise
        return stored, False
    return snapshot, True


def for_viewer(data: dict, codes: set[str] | None) -> dict:
    """Only the campuses a viewer may see; no district summary for a campus-scoped viewer."""
    if codes is None:
        return data
    sections = [s for s in data["campuses"] if s["code"] in codes]
    out = {**data, "campuses": sections, "district": None}
    if data.get("corrective_actions"):
        from safetyops.actions.queries import weekly_for_codes

        out["corrective_actions"] = weekly_for_codes(data["corrective_actions"], codes)
    return out


def default_week(today: date) -> str:
    return week_label(today - timedelta(days=7))
