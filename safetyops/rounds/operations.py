"""Round plans, walking a round (idempotent results), completing, amending, missed rounds."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import Insert, Select, Table, Update, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from safetyops.accounts.models import User, user_campus
from safetyops.audit import operations as audit
from safetyops.calendar.operations import school_day_checker
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core import dates, observability, record_rules
from safetyops.core.db import utcnow
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.extensions import db
from safetyops.findings.models import ActionTaken, Finding, FindingKind, FindingStatus
from safetyops.offline.domain import corrected_time
from safetyops.rounds import domain
from safetyops.rounds.models import (
    ResultStatus,
    Round,
    RoundAmendment,
    RoundKind,
    RoundPlan,
    RoundPlanStop,
    RoundPlanWindow,
    RoundResult,
)
from safetyops.rounds.schemas import ResultIn


class Conflict(Exception):
    """The request contradicts what is stored (a reused result id, a completed round)."""


# ---- plans -------------------------------------------------------------------------


def plan_spec(plan: RoundPlan) -> domain.PlanSpec:
    return domain.PlanSpec(
        id=plan.id,
        campus_id=plan.campus_id,
        timezone=plan.campus.timezone,
        weekdays=frozenset(plan.weekdays),
        school_days_only=plan.school_days_only,
        windows=tuple((w.start, w.end) for w in plan.windows),
        grace=timedelta(minutes=plan.grace_minutes),
        name=plan.name,
    )


def _school_days(plans: list[RoundPlan]):
    return school_day_checker(p.campus for p in plans)


def plans_for(campus_ids: list[int] | None) -> list[RoundPlan]:
    """Active plans of these campuses (None: all), with windows and campus, in 2 queries."""
    query = (
        select(RoundPlan)
        .where(RoundPlan.active.is_(True))
        .options(selectinload(RoundPlan.windows), selectinload(RoundPlan.campus))
        .order_by(RoundPlan.campus_id, RoundPlan.name)
    )
    if campus_ids is not None:
        query = query.where(RoundPlan.campus_id.in_(campus_ids))
    return list(db.session.scalars(query))


def _validate_plan(campus: Campus, data: dict) -> tuple:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Give the plan a name.")
    if data.get("kind") not in {k.value for k in RoundKind}:
        errors["kind"] = _("Unknown kind of round.")
    weekdays = sorted({int(d) for d in data.get("weekdays") or []})
    if not weekdays or any(d < 1 or d > 7 for d in weekdays):
        errors["weekdays"] = _("Choose at least one day of the week.")
    try:
        windows = domain.parse_windows(data.get("windows") or "")
    except ValueError as exc:
        errors["windows"] = str(exc)
        windows = ()
    grace = data.get("grace_minutes")
    if grace is None or int(grace) < 0 or int(grace) > 240:
        errors["grace_minutes"] = _("Grace must be 0 to 240 minutes.")
    checkpoint_ids = [int(i) for i in data.get("checkpoint_ids") or []]
    valid = {cp.id for cp in campus.checkpoints if cp.active}
    if not checkpoint_ids:
        errors["checkpoint_ids"] = _("Choose the checkpoints this round checks.")
    elif not set(checkpoint_ids) <= valid:
        errors["checkpoint_ids"] = _("Only this campus's active checkpoints can be chosen.")
    if errors:
        raise ValidationFailed(errors)
    return weekdays, windows, checkpoint_ids


def _plan_snapshot(plan: RoundPlan) -> dict:
    snap = audit.snapshot(plan, ["name", "kind", "weekdays", "school_days_only", "grace_minutes"])
    snap["windows"] = domain.format_windows((w.start, w.end) for w in plan.windows)
    snap["checkpoints"] = [s.checkpoint_id for s in plan.stops]
    return snap


def save_plan(
    campus: Campus, data: dict, plan: RoundPlan | None = None, commit: bool = True
) -> RoundPlan:
    weekdays, windows, checkpoint_ids = _validate_plan(campus, data)
    creating = plan is None
    before = {} if plan is None else _plan_snapshot(plan)
    if plan is None:
        plan = RoundPlan(campus=campus)
        db.session.add(plan)
    plan.name = data["name"].strip()
    plan.kind = data["kind"]
    plan.weekdays = weekdays
    plan.school_days_only = bool(data.get("school_days_only"))
    plan.grace_minutes = int(data["grace_minutes"])
    # Checkpoints keep the campus's walking order.
    order = {cp.id: cp.walk_order for cp in campus.checkpoints}
    ordered = sorted(checkpoint_ids, key=lambda i: (order[i], i))
    _reconcile_windows(plan, windows)
    _reconcile_stops(plan, ordered)
    db.session.flush()
    changes = audit.diff(before, _plan_snapshot(plan))
    if changes:
        audit.record(
            "create" if creating else "update", "round_plan", plan.id, changes, campus_id=campus.id
        )
    if commit:
        db.session.commit()
    return plan


def _reconcile_windows(plan: RoundPlan, windows: list) -> None:
    """Keep the window rows that stay, drop the others, add the new ones."""
    wanted = list(windows)
    for window in list(plan.windows):
        if (window.start, window.end) in wanted:
            wanted.remove((window.start, window.end))
        else:
            plan.windows.remove(window)
    plan.windows.extend(RoundPlanWindow(start=a, end=b) for a, b in wanted)


def _reconcile_stops(plan: RoundPlan, ordered: list[int]) -> None:
    """Update the plan's checkpoint list in place. Replacing the rows would insert the new
    ones before deleting the old (a unique violation on plan + checkpoint)."""
    existing = {stop.checkpoint_id: stop for stop in plan.stops}
    for stop in list(plan.stops):
        if stop.checkpoint_id not in ordered:
            plan.stops.remove(stop)
    db.session.flush()  # removed stops are deleted before any is added back
    for position, checkpoint_id in enumerate(ordered):
        kept = existing.get(checkpoint_id)
        if kept is None:
            plan.stops.append(RoundPlanStop(checkpoint_id=checkpoint_id, position=position))
        elif kept.position != position:
            kept.position = position


def set_plan_active(plan: RoundPlan, active: bool) -> None:
    if audit.record_active_change(plan, active, "round_plan", plan.campus_id):
        db.session.commit()


# ---- walking a round ---------------------------------------------------------------


def start_round(
    officer: User,
    plan: RoundPlan,
    client_id: str | None = None,
    started_at: datetime | None = None,
) -> Round:
    """Start a round of ``plan``. The same ``client_id`` twice returns the same round.
    ``started_at``: when the officer tapped "Start" (a tablet's corrected clock; a round
    started offline reaches the server later); default now."""
    if client_id:
        _check_uuid(client_id, "id")
    # A start sent again (same client id) is caught by the unique client id when inserted
    # (_insert_round), not looked up first: a new round is the common case.
    # One query, not a checkpoint load per stop.
    stops = list(
        db.session.scalars(
            select(RoundPlanStop.checkpoint_id)
            .join(Checkpoint, Checkpoint.id == RoundPlanStop.checkpoint_id)
            .where(RoundPlanStop.plan_id == plan.id, Checkpoint.active.is_(True))
            .order_by(RoundPlanStop.position)
        )
    )
    # Keys, not related objects: the answer's campus and officer are already in the session
    # (the plan's campus, the signed-in user).
    winner = _insert_round(
        plan.campus_id, plan.id, officer.id, client_id, stops, _tap_time(started_at)
    )
    if winner.plan_id != plan.id or winner.officer_id != officer.id:
        raise Conflict("this id was used to start a different round")
    return winner


TAP_AGE_MAX = timedelta(days=1)  # an outbox entry older than a day is kept at a day


def _tap_time(moment: datetime | None) -> datetime:
    """A tablet's (corrected) tap time, kept between a day ago and now, in UTC (as stored:
    the answer shows it without reading it back)."""
    now = utcnow()
    if moment is None:
        return now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max(moment, now - TAP_AGE_MAX), now).astimezone(UTC)


def start_single_check(
    officer: User, checkpoint: Checkpoint, client_id: str | None = None
) -> Round:
    """An ad-hoc check of one checkpoint (e.g. a scanned QR code with no round in progress).
    The same ``client_id`` twice returns the same check."""
    if client_id:
        _check_uuid(client_id, "id")
        existing = db.session.scalar(select(Round).where(Round.client_id == client_id))
        if existing is not None:
            if existing.checkpoint_ids != [checkpoint.id] or existing.officer_id != officer.id:
                raise Conflict("this id was used to start a different round")
            return existing
    return _insert_round(
        checkpoint.campus_id, None, officer.id, client_id, [checkpoint.id], utcnow()
    )


def _insert_round(
    campus_id: int,
    plan_id: int | None,
    officer_id: int,
    client_id: str | None,
    checkpoint_ids: list[int],
    started_at: datetime,
) -> Round:
    """Insert an open round and commit it with its audit event; the round stored under
    ``client_id`` if that start was sent before.

    One Core INSERT, and the round put in the session as stored (``make_transient_to_detached``
    then ``add``: no flush, no read-back). The ORM's unit of work was the largest part of a
    round start's CPU (issue 16)."""
    values = {
        "campus_id": campus_id,
        "plan_id": plan_id,
        "officer_id": officer_id,
        "client_id": client_id,
        "started_at": started_at,
        "completed_at": None,
        "incomplete_reason": "",
        "checkpoint_ids": checkpoint_ids,
    }
    try:
        round_id = db.session.connection().execute(_round_insert(), values).scalar_one()
    except IntegrityError:
        db.session.rollback()  # sent before, or a concurrent double tap won the race
        winner = db.session.scalar(select(Round).where(Round.client_id == client_id))
        if winner is None:
            raise
        return winner
    round_ = Round(id=round_id, **values)
    make_transient_to_detached(round_)
    db.session.add(round_)
    set_committed_value(round_, "results", [])  # a new round: no need to ask
    audit.record_now(
        "start",
        "round",
        round_.id,
        {"plan_id": [None, round_.plan_id]},
        campus_id=round_.campus_id,
        actor_id=round_.officer_id,
    )
    db.session.commit()
    return round_


def round_in_progress(officer: User, campus_id: int) -> Round | None:
    return db.session.scalar(
        select(Round)
        .where(
            Round.officer_id == officer.id,
            Round.campus_id == campus_id,
            Round.completed_at.is_(None),
        )
        .order_by(Round.started_at.desc())
    )


def _check_uuid(value: Any, field: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise ValidationFailed({field: "must be a UUID"}) from None


RECORDED_AHEAD_MAX = timedelta(days=1)  # device clocks run ahead; a day is already a lot


def _real_time(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:  # a device without an offset: take the campus's local time
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    now = utcnow()
    # A device clock may be off, but not by years: 2999 or 1900 is a broken clock or a typo.
    if not dates.in_range(moment, now.date()) or moment > now + RECORDED_AHEAD_MAX:
        raise ValidationFailed(
            {"recorded_at": "must be a real time: not in the future nor before 2000"}
        )
    return moment.astimezone(UTC)


@dataclass
class ResultInput:
    id: str
    checkpoint_id: int
    status: str
    finding_kind: str | None
    note: str
    action_taken: str | None
    recorded_at: datetime
    capture: str | None = None

    def comparable(self) -> tuple:
        return (
            self.checkpoint_id,
            self.status,
            self.finding_kind,
            self.note,
            self.action_taken,
            self.recorded_at.replace(microsecond=0),
        )


@dataclass(frozen=True)
class RoundRef:
    """What posting a result needs of a round, read in one query (the hot path of a walk)."""

    id: int
    campus_id: int
    officer_id: int
    completed_at: datetime | None
    checkpoint_ids: list[int]
    timezone: str

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


def round_for_posting(round_id: int, user: User) -> RoundRef | None:
    """The round if ``user`` may see its campus, else None: one query, access included."""
    query = _posting_query(not user.sees_all_campuses)
    row = db.session.execute(query, {"round_id": round_id, "user_id": user.id}).first()
    return RoundRef(*row) if row is not None else None


@functools.cache
def _posting_query(scoped: bool) -> Select:
    """Built once per process: every post runs it, and building a statement costs more CPU
    than running it (issue 16's profile)."""
    query = (
        select(
            Round.id, Round.campus_id, Round.officer_id, Round.completed_at,
            Round.checkpoint_ids, Campus.timezone,
        )
        .join(Campus, Campus.id == Round.campus_id)
        .where(Round.id == bindparam("round_id"))
    )  # fmt: skip
    if scoped:
        query = query.where(
            select(user_campus.c.campus_id)
            .where(
                user_campus.c.user_id == bindparam("user_id"),
                user_campus.c.campus_id == Round.campus_id,
            )
            .exists()
        )
    return query


def _timezone_of(round_) -> str:
    return round_.timezone if isinstance(round_, RoundRef) else round_.campus.timezone


def parse_result(round_: Round | RoundRef, payload: ResultIn | Any) -> ResultInput:
    """A result body checked by its schema (``ResultIn``, the API's contract), then by the
    rules that need the round; the error names the field."""
    if isinstance(payload, ResultIn):
        body = payload
    else:
        if not isinstance(payload, dict):
            raise ValidationFailed({"body": "must be a JSON object"})
        checkpoint_id = payload.get("checkpoint_id")
        if isinstance(checkpoint_id, str) and checkpoint_id.isdigit():
            # The no-JavaScript form sends text; JSON bodies must send a number.
            payload = {**payload, "checkpoint_id": int(checkpoint_id)}
        try:
            body = ResultIn.model_validate(payload)
        except ValidationError as exc:
            raise ValidationFailed.from_pydantic(exc) from None
    if body.checkpoint_id not in round_.checkpoint_ids:
        raise ValidationFailed({"checkpoint_id": "is not a checkpoint of this round"})
    return result_input(body, _timezone_of(round_))


def result_input(body: ResultIn, timezone: str) -> ResultInput:
    """The rules of a result that need no round but its campus's zone (which only a tap time
    without an offset uses); the fast lane checks the round's part in SQL."""
    kind: str | None = None
    action: str | None = None
    if body.status == ResultStatus.PROBLEM:
        if body.finding_kind is None:
            raise ValidationFailed(
                {"finding_kind": "must be one of " + ", ".join(k.value for k in FindingKind)}
            )
        kind = body.finding_kind.value
        action = (body.action_taken or ActionTaken.NONE).value
    recorded_at = _real_time(body.recorded_at, timezone)
    return ResultInput(
        str(body.id), body.checkpoint_id, body.status.value, kind, body.note.strip(), action,
        recorded_at, body.capture.value if body.capture else None,
    )  # fmt: skip


def is_same_result(stored: Any, round_id: int, data: ResultInput) -> bool:
    """A stored result (a model or a row) is what ``data`` sends again: a retry, not a
    conflict."""
    return stored.round_id == round_id and _stored_comparable(stored) == data.comparable()


def _stored_comparable(result: RoundResult) -> tuple:
    return (
        result.checkpoint_id,
        result.status,
        result.finding_kind,
        result.note,
        result.action_taken,
        result.recorded_at.replace(microsecond=0),
    )


def record_result(
    round_: Round | RoundRef, payload: ResultIn | Any, sent_at: datetime | None = None
) -> tuple[RoundResult, bool]:
    """Store one checkpoint result. Returns (result, created).

    The client's UUID makes this idempotent: the same body again returns the stored result;
    a different body under a used id is a Conflict. A completed round takes no new results.
    ``sent_at``: the device's clock when the tablet sent it (X-Sent-At); with the receive
    time it gives the device's clock skew and the corrected tap time.
    """
    data = parse_result(round_, payload)
    if round_.is_completed:
        existing = db.session.get(RoundResult, data.id)
        if existing is not None:  # a retry that arrives after the round was finished
            return _same_or_conflict(existing, round_, data), False
        raise Conflict("the round is completed; corrections are amendments")
    values = result_values(round_.id, data, sent_at)
    result = RoundResult(**values)
    # The hot path of a round: one INSERT statement, no unit-of-work bookkeeping and no
    # look-up first. A new id is the common case; the primary key catches a repeat (sent
    # twice, or twice at once) at the database.
    try:
        # RETURNING, not rowcount: psycopg reports -1 for some prepared INSERT ... SELECTs.
        stored = db.session.execute(*insert_while_open(values)).first() is not None
        if not stored:  # the round was completed while this result was on its way
            db.session.rollback()
            existing = db.session.get(RoundResult, data.id)
            if existing is not None:
                return _same_or_conflict(existing, round_, data), False
            raise Conflict("the round is completed; corrections are amendments")
        if data.status == "problem":
            db.session.add(_finding_for(result, round_))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.get(RoundResult, data.id)
        if existing is None:
            raise
        return _same_or_conflict(existing, round_, data), False
    observability.RESULTS.inc()
    return result, True


def result_values(round_id: int, data: ResultInput, sent_at: datetime | None) -> dict[str, Any]:
    """The row of a new result (every column), received now."""
    received_at = utcnow()
    return {
        "id": data.id,
        "round_id": round_id,
        "checkpoint_id": data.checkpoint_id,
        "status": data.status,
        "finding_kind": data.finding_kind,
        "note": data.note,
        "action_taken": data.action_taken,
        "photo": None,
        "recorded_at": data.recorded_at,
        "received_at": received_at,
        "sent_at": sent_at,
        "corrected_at": corrected_time(data.recorded_at, sent_at, received_at),
        "capture": data.capture,
    }


def insert_while_open(values: dict[str, Any]) -> tuple[Insert, dict[str, Any]]:
    """INSERT the result only if its round is still open, in one statement. On PostgreSQL
    the round row is share-locked (FOR SHARE), so completion (an UPDATE of that row) waits
    for the insert to commit, and an insert that waited for a completion re-checks and
    stores nothing; SQLite runs one writer at a time. Completion and results exclude each
    other either way. (statement, parameters): the statement is built once per process."""
    return _insert_statement(tuple(values)), {**values, "open_round_id": values["round_id"]}


@functools.cache
def _insert_statement(columns: tuple[str, ...]) -> Insert:
    return guarded_insert(columns)


def guarded_insert(
    columns: tuple[str, ...], narrow: Callable[[Select], Select] | None = None
) -> Insert:
    """INSERT ... SELECT of a result's ``columns`` (bound by name) from its round if open
    (``open_round_id``), share-locked; ``narrow`` adds conditions (the fast lane's access
    rules), so one statement checks them and stores."""
    table = RoundResult.__table__
    assert isinstance(table, Table)  # noqa: S101 - for the type checker: a mapped Table
    source = (
        select(*[bindparam(c, type_=table.c[c].type) for c in columns])
        .select_from(Round.__table__)
        .where(Round.id == bindparam("open_round_id"), Round.completed_at.is_(None))
        .with_for_update(read=True, of=Round.__table__)
    )
    if narrow is not None:
        source = narrow(source)
    return insert(table).from_select(list(columns), source).returning(table.c.id)


def _same_or_conflict(
    existing: RoundResult, round_: Round | RoundRef, data: ResultInput
) -> RoundResult:
    if not is_same_result(existing, round_.id, data):
        raise Conflict("a different result was already stored under this id")
    return existing


def _finding_for(result: RoundResult, round_: Round | RoundRef) -> Finding:
    finding = Finding(
        result_id=result.id,
        campus_id=round_.campus_id,
        checkpoint_id=result.checkpoint_id,
        kind=result.finding_kind,
        opened_at=result.recorded_at,
    )
    if result.action_taken == ActionTaken.SECURED:
        # Secured on the spot: resolved at once, still counted as a finding.
        finding.status = FindingStatus.RESOLVED
        finding.resolved_at = result.recorded_at
        finding.resolved_by_id = round_.officer_id
        finding.resolution = "secured on the spot"
    return finding


def effective_results(round_: Round) -> dict[int, RoundResult]:
    """The latest result per checkpoint (an officer may re-check a door before finishing)."""
    latest: dict[int, RoundResult] = {}
    for result in sorted(round_.results, key=lambda r: (r.recorded_at, r.received_at)):
        latest[result.checkpoint_id] = result
    return latest


REASON_MAX = 2000  # completion reasons, amendment reasons and corrections


def _text(value: Any, field: str, limit: int = REASON_MAX) -> str:
    """A free-text field: text (not a list or a number), at most ``limit`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({field: "must be text"})
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed({field: f"must be at most {limit} characters"})
    return value


def complete_round(round_: Round, reason: str = "", finished_at: datetime | None = None) -> Round:
    """Finish a round. Unchecked checkpoints need a reason. Completing twice is harmless and
    records one event.

    The round is marked completed first (a conditional UPDATE that takes the row lock and
    waits for results being stored right now), then its results are counted: no result can
    slip in between the count and the completion.
    """
    reason = _text(reason, "reason")
    # Claim the open round first: a write that takes its row lock (PostgreSQL) or the
    # database's write lock (SQLite), so results being stored right now are in before we
    # count, and none can follow. A completed round is frozen by a database trigger.
    # Core statements on the session's connection (same transaction): the ORM's bulk
    # UPDATE machinery was a tenth of a completion's CPU (issue 16).
    connection = db.session.connection()
    claimed = connection.execute(_claim_statement(), {"round_id": round_.id}).first()
    if claimed is None:  # already completed (a double tap, a retry, another tablet)
        db.session.rollback()
        db.session.refresh(round_)
        return round_
    db.session.expire(round_, ["results"])
    checked = {result.checkpoint_id for result in round_.results}
    unchecked = [c for c in round_.checkpoint_ids if c not in checked]
    if unchecked and not reason:
        db.session.rollback()
        raise ValidationFailed(
            {
                "reason": _(
                    "%(n)d checkpoint(s) are not checked: say why before finishing.",
                    n=len(unchecked),
                )
            }
        )
    completed_at = max(_tap_time(finished_at), round_.started_at)
    incomplete_reason = reason if unchecked else ""
    connection.execute(
        update(Round)
        .where(Round.id == round_.id)
        .values(completed_at=completed_at, incomplete_reason=incomplete_reason)
    )
    # What was just written, not read back (the answer shows it).
    set_committed_value(round_, "completed_at", completed_at)
    set_committed_value(round_, "incomplete_reason", incomplete_reason)
    audit.record_now(
        "complete",
        "round",
        round_.id,
        {"unchecked": [None, len(unchecked)]},
        campus_id=round_.campus_id,
    )
    db.session.commit()
    return round_


@functools.cache
def _round_insert() -> Insert:
    table = Round.__table__
    assert isinstance(table, Table)  # noqa: S101 - for the type checker: a mapped Table
    return insert(table).returning(table.c.id)


@functools.cache
def _claim_statement() -> Update:
    """Take an open round's row lock without changing it; None if it is completed."""
    table = Round.__table__
    assert isinstance(table, Table)  # noqa: S101 - for the type checker: a mapped Table
    return (
        update(table)
        .where(table.c.id == bindparam("round_id"), table.c.completed_at.is_(None))
        .values(incomplete_reason=table.c.incomplete_reason)
        .returning(table.c.id)
    )


def amend_round(
    round_: Round,
    author: User,
    reason: str,
    result_id: str | None = None,
    changes: dict | None = None,
) -> RoundAmendment:
    reason = _text(reason, "reason")
    changes = {key: _text(value, key) for key, value in (changes or {}).items()}
    if not round_.is_completed:
        raise ValidationFailed({"reason": _("Rounds in progress are corrected by re-checking.")})
    if not record_rules.may_amend_round(author, round_):
        raise NotAllowed(
            _("Only its officer, a supervisor or the safety department amends a round.")
        )
    if not reason:
        raise ValidationFailed({"reason": _("An amendment needs a reason.")})
    if result_id and result_id not in {r.id for r in round_.results}:
        raise ValidationFailed({"result_id": _("Not a result of this round.")})
    amendment = RoundAmendment(
        round=round_,
        author=author,
        reason=reason,
        result_id=result_id or None,
        changes=changes or {},
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        "amend",
        "round",
        round_.id,
        {"reason": [None, reason], **{k: [None, v] for k, v in (changes or {}).items()}},
        campus_id=round_.campus_id,
    )
    db.session.commit()
    return amendment


# ---- missed rounds ----------------------------------------------------------------


@dataclass
class MissedRound:
    instance: domain.Instance
    plan: RoundPlan


def completed_rounds(plans: list[RoundPlan], start: date, end: date) -> list[domain.WalkedRound]:
    """Completed rounds of ``plans`` that could fulfil instances on local dates
    ``start``..``end`` (a day of margin each side covers every time zone), in one query."""
    since = datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC)
    until = datetime.combine(end + timedelta(days=2), datetime.min.time(), UTC)
    # Through the connection, not the ORM session: plain column rows need none of the ORM's
    # per-row loading, and a district report reads some 16,000 of them (issue 16).
    return [
        domain.WalkedRound(plan_id, started, completed)
        for plan_id, started, completed in db.session.connection().execute(
            select(Round.plan_id, Round.started_at, Round.completed_at).where(
                Round.plan_id.in_([p.id for p in plans]),
                Round.started_at >= since,
                Round.started_at < until,
                Round.completed_at.is_not(None),
            )
        )
        if plan_id is not None
    ]


def missed_rounds(
    campus_ids: list[int] | None, start: date, end: date, now: datetime | None = None
) -> list[MissedRound]:
    """Missed instances for campuses (None: all) between local dates start and end."""
    now = now or utcnow()
    plans = plans_for(campus_ids)
    if not plans:
        return []
    specs = [plan_spec(p) for p in plans]
    walked = completed_rounds(plans, start, end)
    by_id = {p.id: p for p in plans}
    return [
        MissedRound(instance, by_id[instance.plan_id])
        for instance in domain.missed_instances(specs, walked, start, end, now, _school_days(plans))
    ]


# ---- the officer's agenda ---------------------------------------------------------


@dataclass
class AgendaItem:
    instance: domain.Instance
    plan: RoundPlan


@dataclass
class Agenda:
    due_now: list[AgendaItem]
    next_up: list[AgendaItem]
    in_progress: list[Round]


def agenda_for(user: User, campus_ids: list[int] | None, now: datetime | None = None) -> Agenda:
    """Rounds due now and next on these campuses, and the user's rounds in progress.

    A fixed number of queries whatever the history: plans (2), recent rounds (1), own (1).
    """
    now = now or utcnow()
    plans = plans_for(campus_ids)
    by_id = {p.id: p for p in plans}
    walked = [
        domain.WalkedRound(plan_id, started, completed)
        for plan_id, started, completed in db.session.execute(
            select(Round.plan_id, Round.started_at, Round.completed_at).where(
                Round.plan_id.in_(list(by_id)),
                Round.started_at >= now - timedelta(days=2),
            )
        )
        if plan_id is not None
    ]
    due, upcoming = domain.due_now_and_next(
        [plan_spec(p) for p in plans], walked, now, _school_days(plans)
    )
    own = list(
        db.session.scalars(
            select(Round)
            .where(Round.officer_id == user.id, Round.completed_at.is_(None))
            .options(selectinload(Round.plan), selectinload(Round.campus))
            .order_by(Round.started_at.desc())
        )
    )
    return Agenda(
        [AgendaItem(i, by_id[i.plan_id]) for i in due],
        [AgendaItem(i, by_id[i.plan_id]) for i in upcoming],
        own,
    )
