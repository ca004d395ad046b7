"""Times a supervisor can trust, and proof of presence that flags rather than refuses.

Pure rules (no Flask, no database, no clock):

- A tablet's outbox stamps each entry with the device's clock when it was tapped and
  again when it was sent; the server adds its own receive time. The device's clock skew is
  estimated from the last two (sent and received within the same request: network time is
  seconds at most), and the tap time is corrected by it.
- An entry is flagged "clock off" when the skew is over a threshold, and "late sync" when
  it reached the server long after the (corrected) tap.
- A round is flagged when its checkpoints were marked faster than a plausible walk, or all
  by list tap although the checkpoints have QR labels.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class TimeFlag(enum.StrEnum):
    CLOCK_OFF = "clock_off"
    LATE_SYNC = "late_sync"


class RoundFlag(enum.StrEnum):
    TOO_FAST = "too_fast"
    ALL_LIST_TAPS = "all_list_taps"


@dataclass(frozen=True)
class TimeRules:
    """Thresholds (configurable: OFFLINE_CLOCK_SKEW_MINUTES, OFFLINE_LATE_SYNC_HOURS)."""

    clock_skew_max: timedelta = timedelta(minutes=5)
    late_sync_after: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class EntryTimes:
    """An entry's three times: tapped and sent by the device's clock, received by ours."""

    tapped_at: datetime
    sent_at: datetime | None
    received_at: datetime

    @property
    def skew(self) -> timedelta:
        """How far the device's clock runs ahead of the server's (negative: behind).
        Zero when the send time is unknown (a form posted without the outbox)."""
        if self.sent_at is None:
            return timedelta(0)
        return self.sent_at - self.received_at

    @property
    def corrected_at(self) -> datetime:
        """The tap on the server's clock."""
        return self.tapped_at - self.skew

    def flags(self, rules: TimeRules) -> tuple[TimeFlag, ...]:
        flags: list[TimeFlag] = []
        if abs(self.skew) > rules.clock_skew_max:
            flags.append(TimeFlag.CLOCK_OFF)
        if self.received_at - self.corrected_at > rules.late_sync_after:
            flags.append(TimeFlag.LATE_SYNC)
        return tuple(flags)


def device_time(value: str | None) -> datetime | None:
    """An ISO 8601 time the outbox sent in a header (X-Sent-At, X-Tapped-At), in UTC; None
    if absent or unreadable (a bad stamp must never cost the officer the entry itself)."""
    value = (value or "").strip()
    if not value or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def corrected_time(
    tapped_at: datetime, sent_at: datetime | None, received_at: datetime
) -> datetime | None:
    """The tap time corrected by the device's skew; None without a send time."""
    if sent_at is None:
        return None
    return EntryTimes(tapped_at, sent_at, received_at).corrected_at


# ---- proof of presence -------------------------------------------------------------------


@dataclass(frozen=True)
class PaceRules:
    """A plausible walk: at most ``max_per_minute`` checkpoints marked in any minute
    (ROUND_MAX_CHECKPOINTS_PER_MINUTE, e.g. 6 exterior doors a minute), counted once a
    round has at least ``min_results`` results."""

    max_per_minute: int = 6
    min_results: int = 3


@dataclass(frozen=True)
class Mark:
    """One result of a round: when it was marked (corrected device time) and how."""

    at: datetime
    capture: str | None  # CaptureMethod value, None for results from before capture was kept


def too_fast(marks: Sequence[Mark], rules: PaceRules) -> bool:
    """More checkpoints marked within one minute than a plausible walk allows."""
    if len(marks) < rules.min_results:
        return False
    times = sorted(m.at for m in marks)
    window = timedelta(minutes=1)
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        if end - start + 1 > rules.max_per_minute:
            return True
    return False


def all_list_taps(marks: Sequence[Mark], has_qr_labels: bool) -> bool:
    """Every result a tap in the list, although the checkpoints carry QR labels."""
    if not has_qr_labels or not marks:
        return False
    return all(m.capture == "list" for m in marks)


def round_flags(
    marks: Sequence[Mark], rules: PaceRules, has_qr_labels: bool = True
) -> tuple[RoundFlag, ...]:
    flags: list[RoundFlag] = []
    if too_fast(marks, rules):
        flags.append(RoundFlag.TOO_FAST)
    if all_list_taps(marks, has_qr_labels):
        flags.append(RoundFlag.ALL_LIST_TAPS)
    return tuple(flags)


def flagged_count(flags_by_round: Iterable[tuple[RoundFlag, ...]]) -> int:
    return sum(1 for flags in flags_by_round if flags)
