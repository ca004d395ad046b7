"""Sealing evidence into per-campus hash chains, and verifying them.

``seal()`` (the ``seal-evidence`` job, every few minutes) appends a link for every evidence
record not yet sealed: audit events, checkpoint results, completed rounds, round and drill
amendments, signed-off drills (a new version per applied amendment) and medical calls.
``verify()`` recomputes every link and every record's content and names the first record
that no longer matches: changed, deleted, or inserted behind the seal. The chain heads are
the anchors the weekly report snapshot records, so even a recomputed chain shows."""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, cast, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from safetyops.audit import chain as links
from safetyops.audit.models import AuditEvent, EvidenceSeal
from safetyops.core.db import utcnow
from safetyops.drills.models import DRILL_FIELDS, Drill, DrillAmendment, MedicalCall
from safetyops.extensions import db
from safetyops.rounds.models import Round, RoundAmendment, RoundResult

BATCH = 5000
# A record older than the last seal run by more than this, yet unsealed, was put in
# behind the seal (the margin covers writes committed while a seal run was reading).
BEHIND_SEAL_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class Source:
    """One kind of evidence: its rows as (chain, at, record_id, version, *content)."""

    record_type: str
    columns: tuple[str, ...]
    query: Callable[[], Select[Any]]


def _drill_version() -> Any:
    return (
        select(func.count())
        .where(DrillAmendment.drill_id == Drill.id, DrillAmendment.applied.is_(True))
        .scalar_subquery()
    )


def _cols(model: Any, names: tuple[str, ...]) -> list[Any]:
    return [getattr(model, name) for name in names]


AUDIT_COLS = ("id", "at", "actor_id", "interface", "action", "entity_type", "entity_id",
              "campus_id", "changes")  # fmt: skip
RESULT_COLS = ("id", "round_id", "checkpoint_id", "status", "finding_kind", "note",
               "action_taken", "recorded_at", "received_at")  # fmt: skip
ROUND_COLS = ("id", "campus_id", "plan_id", "officer_id", "started_at", "completed_at",
              "incomplete_reason", "checkpoint_ids")  # fmt: skip
ROUND_AMEND_COLS = ("id", "round_id", "result_id", "author_id", "at", "reason", "changes")
DRILL_COLS = ("id", "campus_id", *DRILL_FIELDS, "signed_off_by_id", "signed_off_at")
DRILL_AMEND_COLS = ("id", "drill_id", "author_id", "at", "reason", "changes")
MEDICAL_COLS = ("id", "campus_id", "client_id", "called_at", "location", "actions",
                "ems_arrived_at", "notes", "officer_id", "created_at")  # fmt: skip

SOURCES = (
    Source("audit_event", AUDIT_COLS, lambda: select(
        func.coalesce(AuditEvent.campus_id, 0), AuditEvent.at, cast(AuditEvent.id, String),
        literal(0), *_cols(AuditEvent, AUDIT_COLS))),
    Source("round_result", RESULT_COLS, lambda: select(
        Round.campus_id, RoundResult.received_at, RoundResult.id, literal(0),
        *_cols(RoundResult, RESULT_COLS)).join(Round, Round.id == RoundResult.round_id)),
    Source("round", ROUND_COLS, lambda: select(
        Round.campus_id, Round.completed_at, cast(Round.id, String), literal(0),
        *_cols(Round, ROUND_COLS)).where(Round.completed_at.is_not(None))),
    Source("round_amendment", ROUND_AMEND_COLS, lambda: select(
        Round.campus_id, RoundAmendment.at, cast(RoundAmendment.id, String), literal(0),
        *_cols(RoundAmendment, ROUND_AMEND_COLS)).join(Round, Round.id == RoundAmendment.round_id)),
    Source("drill", DRILL_COLS, lambda: select(
        Drill.campus_id, Drill.signed_off_at, cast(Drill.id, String), _drill_version(),
        *_cols(Drill, DRILL_COLS)).where(Drill.signed_off_at.is_not(None))),
    Source("drill_amendment", DRILL_AMEND_COLS, lambda: select(
        Drill.campus_id, DrillAmendment.at, cast(DrillAmendment.id, String), literal(0),
        *_cols(DrillAmendment, DRILL_AMEND_COLS)).join(Drill, Drill.id == DrillAmendment.drill_id)),
    Source("medical_call", MEDICAL_COLS, lambda: select(
        MedicalCall.campus_id, MedicalCall.created_at, cast(MedicalCall.id, String), literal(0),
        *_cols(MedicalCall, MEDICAL_COLS))),
)  # fmt: skip


@dataclass(frozen=True)
class Record:
    chain: int
    at: datetime
    record_type: str
    record_id: str
    version: int
    content: str


def _records(source: Source, chain: int | None = None) -> Iterator[Record]:
    query = source.query()
    if chain is not None:
        query = query.where(query.selected_columns[0] == chain)
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for row in result:
        fields = dict(zip(source.columns, row[4:], strict=True))
        yield Record(int(row[0]), row[1], source.record_type, str(row[2]), int(row[3]),
                     links.content_hash(source.record_type, fields))  # fmt: skip


def _sealed_keys() -> set[tuple[str, str, int]]:
    rows = db.session.execute(
        select(EvidenceSeal.record_type, EvidenceSeal.record_id, EvidenceSeal.version)
    )
    return {(t, i, v) for t, i, v in rows}


def heads() -> dict[int, tuple[int, str]]:
    """Each chain's head: (seq, hash). The anchors a weekly report records."""
    last = (
        select(EvidenceSeal.chain, func.max(EvidenceSeal.seq).label("seq"))
        .group_by(EvidenceSeal.chain)
        .subquery()
    )
    rows = db.session.execute(
        select(EvidenceSeal.chain, EvidenceSeal.seq, EvidenceSeal.hash).join(
            last, (last.c.chain == EvidenceSeal.chain) & (last.c.seq == EvidenceSeal.seq)
        )
    )
    return {chain: (seq, digest) for chain, seq, digest in rows}


def seal() -> int:
    """Append every unsealed record to its campus's chain; returns how many were sealed."""
    sealed = _sealed_keys()
    pending = [
        record
        for source in SOURCES
        for record in _records(source)
        if (record.record_type, record.record_id, record.version) not in sealed
    ]
    pending.sort(key=lambda r: (r.chain, r.at, r.record_type, r.record_id, r.version))
    tips = heads()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for record in pending:
        seq, prev = tips.get(record.chain, (0, links.GENESIS))
        digest = links.link_hash(prev, record.record_type, record.record_id, record.version,
                                 record.content)  # fmt: skip
        rows.append({"chain": record.chain, "seq": seq + 1, "record_type": record.record_type,
                     "record_id": record.record_id, "version": record.version,
                     "content_hash": record.content, "prev_hash": prev, "hash": digest,
                     "sealed_at": now})  # fmt: skip
        tips[record.chain] = (seq + 1, digest)
    count = len(rows)
    try:
        for start in range(0, count, BATCH):  # Core inserts in batches: no ORM bookkeeping
            db.session.execute(insert(EvidenceSeal), rows[start : start + BATCH])
        db.session.commit()
    except IntegrityError:
        # Another sealer ran at the same moment (the seal-evidence job beside the weekly
        # report's own seal): its links stand. PostgreSQL reports the clash on the INSERT
        # itself, SQLite may on the commit; either way nothing of this run is kept.
        db.session.rollback()
        return 0
    return count


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    links: int = 0
    records: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def recorded_anchors() -> list[tuple[str, int, int, str]]:
    """(week, chain, seq, hash) of the chain heads each weekly report snapshot recorded."""
    from safetyops.reports.models import WeeklyReport  # reports build on audit, not back

    anchors = []
    for week, data in db.session.execute(select(WeeklyReport.week, WeeklyReport.data)):
        for chain, (seq, digest) in (data or {}).get("anchors", {}).items():
            anchors.append((week, int(chain), int(seq), str(digest)))
    return anchors


def verify(
    chain: int | None = None, anchors: list[tuple[str, int, int, str]] | None = None
) -> Verification:
    """Recompute the chain(s) and every sealed record; name each record that differs."""
    started = clock.perf_counter()
    report = Verification()
    query = select(EvidenceSeal).order_by(EvidenceSeal.chain, EvidenceSeal.seq)
    if chain is not None:
        query = query.where(EvidenceSeal.chain == chain)
    latest: dict[tuple[str, str], EvidenceSeal] = {}
    last_sealed: dict[int, datetime] = {}
    by_position: dict[tuple[int, int], str] = {}
    previous: dict[int, tuple[int, str]] = {}
    for link in db.session.scalars(query.execution_options(yield_per=BATCH)):
        report.links += 1
        seq, prev = previous.get(link.chain, (0, links.GENESIS))
        expected = links.link_hash(link.prev_hash, link.record_type, link.record_id,
                                   link.version, link.content_hash)  # fmt: skip
        where = f"chain {link.chain} link {link.seq} ({link.record_type} {link.record_id})"
        if link.seq != seq + 1 or link.prev_hash != prev:
            report.problems.append(f"{where}: the chain is broken before this link")
        elif link.hash != expected:
            report.problems.append(f"{where}: the link's hash does not match")
        previous[link.chain] = (link.seq, link.hash)
        by_position[(link.chain, link.seq)] = link.hash
        key = (link.record_type, link.record_id)
        if key not in latest or latest[key].version < link.version:
            latest[key] = link
        last_sealed[link.chain] = max(last_sealed.get(link.chain, link.sealed_at), link.sealed_at)
    for source in SOURCES:
        for record in _records(source, chain):
            report.records += 1
            sealed = latest.pop((record.record_type, record.record_id), None)
            name = f"{record.record_type} {record.record_id} (chain {record.chain})"
            if sealed is None:
                cutoff = last_sealed.get(record.chain)
                if cutoff is not None and record.at < cutoff - BEHIND_SEAL_MARGIN:
                    report.problems.append(f"{name}: not in the chain though older than its seal")
                continue
            if record.version < sealed.version or (
                record.version == sealed.version and record.content != sealed.content_hash
            ):
                report.problems.append(f"{name}: changed since it was sealed (link {sealed.seq})")
    for (record_type, record_id), sealed in latest.items():
        report.problems.append(
            f"{record_type} {record_id} (chain {sealed.chain}): sealed at link {sealed.seq}, "
            "now missing"
        )
    for week, anchored_chain, seq, digest in recorded_anchors() if anchors is None else anchors:
        if chain is not None and anchored_chain != chain:
            continue
        if by_position.get((anchored_chain, seq)) != digest:
            report.problems.append(
                f"chain {anchored_chain} link {seq}: differs from the anchor the {week} "
                "report recorded (the chain was rewritten after it was published)"
            )
    report.seconds = clock.perf_counter() - started
    return report
