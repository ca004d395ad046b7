"""What the tablet keeps for offline use, and what the supervisor reviews (flags)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import User
from safetyops.api.serializers import checkpoint_json
from safetyops.calendar.operations import school_day_checker
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core.access import visible_campus_ids
from safetyops.core.db import utcnow
from safetyops.core.timefmt import campus_today
from safetyops.drills import operations as drills_service
from safetyops.drills.forms import type_choices
from safetyops.extensions import db
from safetyops.offline import domain
from safetyops.offline.models import EntryKind, OutboxReceipt
from safetyops.rounds import operations as rounds_service
from safetyops.rounds.domain import expected_instances
from safetyops.rounds.models import Round, RoundResult


def _campuses(user: User) -> list[Campus]:
    ids = visible_campus_ids(user)
    query = select(Campus).where(Campus.active.is_(True)).order_by(Campus.name)
    if ids is not None:
        query = query.where(Campus.id.in_(ids))
    return list(db.session.scalars(query))


PAGES_CAMPUSES_MAX = 10  # the district's roles see every campus: keep the forms of ten


def bundle_for(user: User, now: datetime | None = None) -> dict[str, Any]:
    """Today's and tomorrow's round plans with their checkpoints in walking order, the
    checkpoints for the QR look-up, the drill types, and the pages to keep: in a bounded
    number of queries."""
    now = now or utcnow()
    campuses = _campuses(user)
    by_id = {c.id: c for c in campuses}
    checkpoints: dict[int, list[Checkpoint]] = defaultdict(list)
    for cp in db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.campus_id.in_(list(by_id)), Checkpoint.active.is_(True))
        .order_by(Checkpoint.campus_id, Checkpoint.walk_order, Checkpoint.id)
    ):
        checkpoints[cp.campus_id].append(cp)
    active = {cp.id for cps in checkpoints.values() for cp in cps}
    plans = rounds_service.plans_for(list(by_id))
    school = school_day_checker(campuses)
    plan_out = []
    for plan in plans:
        today = campus_today(plan.campus, now)
        instances = expected_instances(
            [rounds_service.plan_spec(plan)], today, today + timedelta(days=1), school
        )
        if not instances:
            continue
        plan_out.append(
            {
                "id": plan.id,
                "name": plan.name,
                "kind": plan.kind,
                "campus": plan.campus.code,
                "checkpoint_ids": [
                    s.checkpoint_id for s in plan.stops if s.checkpoint_id in active
                ],
                "windows": [
                    {
                        "day": i.day.isoformat(),
                        "start": i.window_start.isoformat(),
                        "end": i.window_end.isoformat(),
                    }
                    for i in instances
                ],
            }
        )
    pages = [url_for("home.index"), url_for("notifications.index"),
             url_for("offline.tablet_walk"), url_for("offline.tablet_scan")]  # fmt: skip
    for campus in campuses[:PAGES_CAMPUSES_MAX]:
        pages += [
            url_for("drills.new", code=campus.code),
            url_for("drills.new", code=campus.code, real=1),
            url_for("drills.new_medical", code=campus.code),
        ]
    return {
        "user_id": user.id,
        "generated_at": now.isoformat(),
        "campuses": [
            {
                "code": c.code,
                "name": c.name,
                "timezone": c.timezone,
                "checkpoints": [checkpoint_json(cp) for cp in checkpoints[c.id]],
            }
            for c in campuses
        ],
        "plans": plan_out,
        "drill_types": [
            {"value": choice.value, "label": str(choice.label)}
            for choice in type_choices(drills_service.drill_types())
        ],
        "pages": pages,
    }


# ---- flags for the supervisor ----------------------------------------------------------


def time_rules() -> domain.TimeRules:
    config = current_app.config
    return domain.TimeRules(
        clock_skew_max=timedelta(minutes=config.get("OFFLINE_CLOCK_SKEW_MINUTES", 5)),
        late_sync_after=timedelta(hours=config.get("OFFLINE_LATE_SYNC_HOURS", 4)),
    )


def pace_rules() -> domain.PaceRules:
    return domain.PaceRules(
        max_per_minute=current_app.config.get("ROUND_MAX_CHECKPOINTS_PER_MINUTE", 6)
    )


def result_time_flags(result: RoundResult, rules: domain.TimeRules) -> tuple[domain.TimeFlag, ...]:
    times = domain.EntryTimes(result.recorded_at, result.sent_at, result.received_at)
    return times.flags(rules)


def mark_of(result: RoundResult) -> domain.Mark:
    return domain.Mark(result.corrected_at or result.recorded_at, result.capture)


@dataclass
class ReviewRow:
    round: Round
    flags: list[str] = field(default_factory=list)
    flagged_results: int = 0
    results: int = 0


def review_rows(user: User, start: date, end: date) -> list[ReviewRow]:
    """Rounds started between ``start`` and ``end`` (UTC dates, inclusive) on the user's
    campuses, with their flags (clock off, late sync, too fast, all list taps): 2 queries."""
    ids = visible_campus_ids(user)
    since = datetime.combine(start, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time()).replace(
        tzinfo=utcnow().tzinfo
    )
    query = select(Round).where(Round.started_at >= since, Round.started_at < until)
    if ids is not None:
        query = query.where(Round.campus_id.in_(ids))
    query = query.options(
        selectinload(Round.campus), selectinload(Round.officer), selectinload(Round.plan)
    )
    rounds = list(db.session.scalars(query.order_by(Round.started_at.desc()).limit(500)))
    results: dict[int, list[RoundResult]] = defaultdict(list)
    if rounds:
        for result in db.session.scalars(
            select(RoundResult).where(RoundResult.round_id.in_([r.id for r in rounds]))
        ):
            results[result.round_id].append(result)
    times, pace = time_rules(), pace_rules()
    receipts = _round_receipts([r.id for r in rounds])
    rows = []
    for round_ in rounds:
        row = ReviewRow(round_, results=len(results[round_.id]))
        seen: set[str] = set()
        for receipt in receipts[round_.id]:
            seen.update(receipt_flags(receipt, times))
        for result in results[round_.id]:
            flags = result_time_flags(result, times)
            if flags:
                row.flagged_results += 1
                seen.update(flags)
        row.flags = sorted(seen) + [
            str(f) for f in domain.round_flags([mark_of(r) for r in results[round_.id]], pace)
        ]
        rows.append(row)
    return rows


def flagged_rounds_by_campus(
    campus_ids: list[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Completed rounds started in [start, end) flagged for the supervisor (too fast, all
    list taps, a clock off or a late sync), per campus: one query. For the weekly report."""
    rows = db.session.execute(
        select(
            Round.id, Round.campus_id, RoundResult.recorded_at, RoundResult.sent_at,
            RoundResult.received_at, RoundResult.corrected_at, RoundResult.capture,
        )
        .join(RoundResult, RoundResult.round_id == Round.id)
        .where(
            Round.campus_id.in_(campus_ids), Round.started_at >= start, Round.started_at < end,
            Round.completed_at.is_not(None),
        )
    )  # fmt: skip
    marks: dict[int, list[domain.Mark]] = defaultdict(list)
    clock: dict[int, bool] = defaultdict(bool)
    campus_of: dict[int, int] = {}
    times, pace = time_rules(), pace_rules()
    for round_id, campus_id, recorded, sent, received, corrected, capture in rows:
        campus_of[round_id] = campus_id
        marks[round_id].append(domain.Mark(corrected or recorded, capture))
        if domain.EntryTimes(recorded, sent, received).flags(times):
            clock[round_id] = True
    counts = dict.fromkeys(campus_ids, 0)
    for round_id, campus_id in campus_of.items():
        if clock[round_id] or domain.round_flags(marks[round_id], pace):
            counts[campus_id] += 1
    return counts


@dataclass
class ReceiptRow:
    receipt: OutboxReceipt
    flags: tuple[domain.TimeFlag, ...]


@dataclass
class RoundTimes:
    """A round's flags for its page: per result (clock off, late sync), for the round, and
    the start and finish as the tablet sent them (raw times and flags)."""

    by_result: dict[str, tuple[domain.TimeFlag, ...]]
    round_flags: tuple[domain.RoundFlag, ...]
    receipts: list[ReceiptRow] = field(default_factory=list)


def record_receipts(kind: EntryKind, record_ids: Sequence[int]) -> dict[int, ReceiptRow]:
    """The receipt of each drill or medical call that came through a tablet's outbox, with
    its flags (clock off, late sync), by record id: one query. A record logged another way
    has none."""
    rules = time_rules()
    return {
        record_id: ReceiptRow(receipt, receipt_flags(receipt, rules))
        for record_id, (receipt, *_resends) in _receipts([kind], record_ids).items()
    }


def receipt_flags(receipt: OutboxReceipt, rules: domain.TimeRules) -> tuple[domain.TimeFlag, ...]:
    if receipt.tapped_at is None:
        return ()
    return domain.EntryTimes(receipt.tapped_at, receipt.sent_at, receipt.received_at).flags(rules)


def _round_receipts(round_ids: list[int]) -> dict[int, list[OutboxReceipt]]:
    return _receipts([EntryKind.ROUND_START, EntryKind.ROUND_COMPLETE], round_ids)


def _receipts(
    kinds: Sequence[EntryKind], record_ids: Sequence[int]
) -> dict[int, list[OutboxReceipt]]:
    """The receipts of these kinds for these records, by record id, oldest first: one query
    (by the (kind, record_id) index)."""
    found: dict[int, list[OutboxReceipt]] = defaultdict(list)
    if record_ids:
        for receipt in db.session.scalars(
            select(OutboxReceipt)
            .where(OutboxReceipt.kind.in_(kinds), OutboxReceipt.record_id.in_(list(record_ids)))
            .order_by(OutboxReceipt.received_at)
        ):
            if receipt.record_id is not None:
                found[receipt.record_id].append(receipt)
    return found


def round_times(round_: Round) -> RoundTimes:
    rules = time_rules()
    results = list(round_.results)
    return RoundTimes(
        {r.id: result_time_flags(r, rules) for r in results},
        domain.round_flags([mark_of(r) for r in results], pace_rules()),
        [ReceiptRow(r, receipt_flags(r, rules)) for r in _round_receipts([round_.id])[round_.id]],
    )


def flagged_rounds_for(campuses: Sequence[Campus], monday: date) -> dict[int, int]:
    """The weekly report's count of flagged rounds per campus, for the week from
    ``monday`` in each campus's own time zone: one query per time zone."""
    zones: dict[str, list[int]] = defaultdict(list)
    for campus in campuses:
        zones[campus.timezone].append(campus.id)
    counts: dict[int, int] = {}
    for zone, ids in zones.items():
        tz = ZoneInfo(zone)
        start = datetime.combine(monday, time.min, tz).astimezone(UTC)
        end = datetime.combine(monday + timedelta(days=7), time.min, tz).astimezone(UTC)
        counts.update(flagged_rounds_by_campus(ids, start, end))
    return counts
