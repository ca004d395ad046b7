"""Outbox receipts: the three times of an entry that is not a checkpoint result."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from safetyops.core.db import utcnow
from safetyops.extensions import db
from safetyops.offline.domain import corrected_time, device_time
from safetyops.offline.models import EntryKind, OutboxReceipt

_RECEIPTS = insert(OutboxReceipt.__table__)  # type: ignore[arg-type]  # a mapped Table


def _header_time(name: str) -> datetime | None:
    return device_time(request.headers.get(name))


def sent_at() -> datetime | None:
    """The device's clock when the tablet sent this request (the outbox's X-Sent-At)."""
    return _header_time("X-Sent-At")


def tapped_at() -> datetime | None:
    """The device's clock when the officer tapped (the outbox's X-Tapped-At)."""
    return _header_time("X-Tapped-At")


def corrected_tap(device_time: datetime | None) -> datetime | None:
    """A device time of this request on the server's clock (None if none was sent)."""
    if device_time is None:
        return None
    if device_time.tzinfo is None:  # a device without an offset: taken as UTC
        device_time = device_time.replace(tzinfo=UTC)
    sent = sent_at()
    if sent is None:
        return device_time
    return corrected_time(device_time, sent, utcnow())


def record_receipt(
    kind: EntryKind,
    client_id: str | None,
    user_id: int,
    campus_id: int | None,
    record_id: int | None,
) -> None:
    """Keep the entry's three times, once per client UUID (a resend keeps the first)."""
    if not client_id:
        return
    # Not looked up first: a first receipt is the common case; a resend fails the key.
    received = utcnow()
    tapped, sent = tapped_at(), sent_at()
    # One INSERT, no ORM object to flush: every round start sends a receipt (issue 16).
    try:
        db.session.connection().execute(
            _RECEIPTS,
            {
                "client_id": client_id[:64],
                "kind": kind.value,
                "user_id": user_id,
                "campus_id": campus_id,
                "record_id": record_id,
                "tapped_at": tapped,
                "sent_at": sent,
                "received_at": received,
                "corrected_at": corrected_time(tapped, sent, received) if tapped else None,
            },
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same entry, sent twice at once: the first receipt stands
