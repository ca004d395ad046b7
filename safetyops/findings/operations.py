"""Findings from rounds: lists with filters, acknowledge, resolve, repeat offenders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import User
from safetyops.audit import operations as audit
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.transitions import transition
from safetyops.extensions import db
from safetyops.findings.models import Finding, FindingStatus


@dataclass
class FindingFilters:
    campus_ids: list[int] | None = None  # None: every campus the caller may see
    kind: str | None = None
    status: str | None = None
    start: date | None = None
    end: date | None = None


def repeat_offender_ids(campus_ids: list[int] | None, now: datetime | None = None) -> set[int]:
    """Checkpoints with at least the configured number of findings in the configured days."""
    cfg = current_app.config
    since = (now or utcnow()) - timedelta(days=cfg["REPEAT_OFFENDER_DAYS"])
    query = (
        select(Finding.checkpoint_id)
        .where(Finding.opened_at >= since)
        .group_by(Finding.checkpoint_id)
        .having(func.count() >= cfg["REPEAT_OFFENDER_THRESHOLD"])
    )
    if campus_ids is not None:
        query = query.where(Finding.campus_id.in_(campus_ids))
    return set(db.session.scalars(query))


PAGE_SIZE = 50


@dataclass
class FindingPage:
    """One page of findings, newest first, and how many match in all."""

    findings: list[Finding]
    total: int
    page: int
    pages: int


def list_findings(filters: FindingFilters, page: int = 1, per_page: int = PAGE_SIZE) -> FindingPage:
    """The findings that match, one page at a time (never silently cut off)."""
    query = select(Finding)
    if filters.campus_ids is not None:
        query = query.where(Finding.campus_id.in_(filters.campus_ids))
    if filters.kind:
        query = query.where(Finding.kind == filters.kind)
    if filters.status == "unresolved":
        query = query.where(Finding.status != FindingStatus.RESOLVED)
    elif filters.status:
        query = query.where(Finding.status == filters.status)
    if filters.start:
        query = query.where(Finding.opened_at >= datetime.combine(filters.start, time.min, UTC))
    if filters.end:
        query = query.where(
            Finding.opened_at < datetime.combine(filters.end + timedelta(days=1), time.min, UTC)
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        query.options(
            selectinload(Finding.checkpoint),
            selectinload(Finding.campus),
            selectinload(Finding.result),
        )
        .order_by(Finding.opened_at.desc(), Finding.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return FindingPage(list(rows), total, page, pages)


RESOLUTION_MAX = 2000


def acknowledge(finding: Finding, user: User) -> None:
    acknowledged = transition(
        finding,
        Finding.status == FindingStatus.OPEN,
        status=FindingStatus.ACKNOWLEDGED,
        acknowledged_at=utcnow(),
        acknowledged_by_id=user.id,
    )
    if not acknowledged:
        db.session.rollback()
        raise ValidationFailed({"status": _("Only open findings can be acknowledged.")})
    audit.record(
        "acknowledge",
        "finding",
        finding.id,
        {"status": ["open", "acknowledged"]},
        campus_id=finding.campus_id,
    )
    db.session.commit()


def resolve(finding: Finding, user: User, resolution: str) -> None:
    if not isinstance(resolution, str | None):
        raise ValidationFailed({"resolution": _("Say how it was resolved.")})
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationFailed({"resolution": _("Say how it was resolved.")})
    if len(resolution) > RESOLUTION_MAX:
        raise ValidationFailed({"resolution": _("At most %(n)d characters.", n=RESOLUTION_MAX)})
    before = finding.status
    resolved = transition(
        finding,
        Finding.status != FindingStatus.RESOLVED,
        status=FindingStatus.RESOLVED,
        resolved_at=utcnow(),
        resolved_by_id=user.id,
        resolution=resolution,
    )
    if not resolved:  # someone (or a double tap) resolved it first: theirs stands
        db.session.rollback()
        raise ValidationFailed({"resolution": _("This finding is already resolved.")})
    audit.record(
        "resolve",
        "finding",
        finding.id,
        {"status": [before, "resolved"], "resolution": [None, resolution]},
        campus_id=finding.campus_id,
    )
    db.session.commit()
