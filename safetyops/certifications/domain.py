"""Certification rules, pure: which certificate counts, whether it is valid, expiring or
expired on a day, and which expiry reminder is due. No Flask, no database, no clock.

A certificate is valid through its expiry date and expired the day after. Reminders go
out at lead times before expiry (e.g. 60, 30 and 7 days) and once more, to the safety
department too, when it has expired. Each notice has a key naming the certificate and the
step, so the caller stores it once per recipient; only the *current* step is due (the
tightest lead time already reached), never every step missed while the scheduler was down.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

DEFAULT_LEAD_DAYS = (60, 30, 7)
# The weekly report and the pages call a certificate "expiring" this many days ahead.
EXPIRING_SOON_DAYS = 30


class CertificationState(enum.StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but expires within EXPIRING_SOON_DAYS
    EXPIRED = "expired"
    NO_EXPIRY = "no_expiry"


@dataclass(frozen=True)
class CertFact:
    """What the rules need of a certificate."""

    id: int
    officer_id: int
    kind_id: int
    issued_on: date
    expires_on: date | None
    withdrawn: bool = False


@dataclass(frozen=True)
class ExpiryNotice:
    kind: str  # certification_expiring | certification_expired
    key: str  # unique per certificate and step; the caller adds the recipient
    cert: CertFact
    lead: int | None  # the lead time that fired (expiring), None (expired)
    days: int  # days left (expiring) or days since expiry (expired)


def current(facts: Iterable[CertFact]) -> list[CertFact]:
    """The certificate that counts for each officer and kind: the newest issued (a renewal
    replaces the one before it, whatever their expiry dates), withdrawn ones ignored."""
    newest: dict[tuple[int, int], CertFact] = {}
    for fact in facts:
        if fact.withdrawn:
            continue
        key = (fact.officer_id, fact.kind_id)
        held = newest.get(key)
        if held is None or (fact.issued_on, fact.id) > (held.issued_on, held.id):
            newest[key] = fact
    return sorted(newest.values(), key=lambda f: (f.officer_id, f.kind_id))


def days_left(expires_on: date, today: date) -> int:
    """Days until expiry: 0 on the last valid day, negative once expired."""
    return (expires_on - today).days


def state(expires_on: date | None, today: date, soon: int = EXPIRING_SOON_DAYS) -> str:
    if expires_on is None:
        return CertificationState.NO_EXPIRY
    left = days_left(expires_on, today)
    if left < 0:
        return CertificationState.EXPIRED
    if left <= soon:
        return CertificationState.EXPIRING
    return CertificationState.VALID


def current_lead(left: int, lead_days: Sequence[int]) -> int | None:
    """The tightest lead time already reached: 20 days left with (60, 30, 7) -> 30."""
    reached = [lead for lead in lead_days if left <= lead]
    return min(reached) if reached else None


def expiry_notices(
    facts: Iterable[CertFact], today: date, lead_days: Sequence[int] = DEFAULT_LEAD_DAYS
) -> list[ExpiryNotice]:
    """The reminders due on ``today`` for the certificates that count."""
    out = []
    for fact in current(facts):
        if fact.expires_on is None:
            continue
        left = days_left(fact.expires_on, today)
        if left < 0:
            out.append(
                ExpiryNotice("certification_expired", f"cert-expired:{fact.id}", fact, None, -left)
            )
            continue
        lead = current_lead(left, lead_days)
        if lead is not None:
            out.append(
                ExpiryNotice(
                    "certification_expiring", f"cert-expiry:{fact.id}:{lead}", fact, lead, left
                )
            )
    return out


def parse_lead_days(value: object) -> tuple[int, ...]:
    """The lead-time setting (a list of whole days 0 to 365, or "60,30,7") sorted from the
    longest; ValueError naming the problem otherwise."""
    items: list[object]
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError("lead days must be a list of whole days")
    days: set[int] = set()
    for item in items:
        if isinstance(item, bool):
            raise ValueError(f"not a number of days: {item!r}")
        try:
            number = int(item)  # type: ignore[call-overload]  # str or int, checked below
        except (TypeError, ValueError):
            raise ValueError(f"not a number of days: {item!r}") from None
        if not 0 <= number <= 365:
            raise ValueError(f"lead days must be 0 to 365, got {number}")
        days.add(number)
    if not days:
        raise ValueError("give at least one lead time")
    return tuple(sorted(days, reverse=True))


def firm_contract_active(start: date | None, end: date | None, today: date) -> bool:
    """Whether a firm's contract covers ``today`` (an open end runs on)."""
    return (start is None or start <= today) and (end is None or today <= end)
