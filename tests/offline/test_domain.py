"""Trusted times and proof of presence: pure rules, no app."""

from datetime import UTC, datetime, timedelta

from safetyops.offline.domain import (
    EntryTimes,
    Mark,
    PaceRules,
    RoundFlag,
    TimeFlag,
    TimeRules,
    all_list_taps,
    corrected_time,
    round_flags,
    too_fast,
)

T0 = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
RULES = TimeRules(clock_skew_max=timedelta(minutes=5), late_sync_after=timedelta(hours=4))


def test_a_clock_twenty_minutes_fast_is_corrected_and_flagged():
    # tapped at 14:20 by the tablet's clock (really 14:00), sent at 14:25 (really 14:05)
    times = EntryTimes(
        tapped_at=T0 + timedelta(minutes=20),
        sent_at=T0 + timedelta(minutes=25),
        received_at=T0 + timedelta(minutes=5),
    )
    assert times.skew == timedelta(minutes=20)
    assert times.corrected_at == T0
    assert times.flags(RULES) == (TimeFlag.CLOCK_OFF,)


def test_a_slow_clock_is_off_too_and_a_small_skew_is_not():
    slow = EntryTimes(T0, T0 - timedelta(minutes=6), T0)
    assert slow.skew == -timedelta(minutes=6)
    assert slow.flags(RULES) == (TimeFlag.CLOCK_OFF,)
    fine = EntryTimes(T0, T0 + timedelta(minutes=4, seconds=59), T0)
    assert fine.flags(RULES) == ()


def test_late_sync_counts_from_the_corrected_tap():
    # right clock, sent five hours after the tap (a dead zone all afternoon)
    late = EntryTimes(T0, T0 + timedelta(hours=5), T0 + timedelta(hours=5))
    assert late.flags(RULES) == (TimeFlag.LATE_SYNC,)
    # a clock three hours slow makes a prompt entry look late by its raw times; corrected,
    # it is only off
    slow = EntryTimes(T0 - timedelta(hours=3), T0 - timedelta(hours=3), T0)
    assert slow.flags(RULES) == (TimeFlag.CLOCK_OFF,)


def test_without_a_send_time_nothing_is_estimated():
    times = EntryTimes(T0, None, T0 + timedelta(minutes=1))
    assert times.skew == timedelta(0)
    assert corrected_time(T0, None, T0) is None
    assert times.flags(RULES) == ()


def _marks(seconds_apart: float, count: int, capture: str | None = "qr") -> list[Mark]:
    return [Mark(T0 + timedelta(seconds=i * seconds_apart), capture) for i in range(count)]


def test_more_than_six_checkpoints_in_a_minute_is_faster_than_a_walk():
    rules = PaceRules(max_per_minute=6)
    assert too_fast(_marks(8, 7), rules)  # 7 within 48 seconds
    assert not too_fast(_marks(10, 7), rules)  # 7 over 60 seconds: 6 per minute at most
    assert not too_fast(_marks(1, 2), rules)  # too few to judge
    # a slow walk with one burst somewhere in it
    marks = _marks(120, 5) + _marks(5, 7, "qr")
    assert too_fast(marks, rules)


def test_all_by_list_tap_only_where_labels_exist():
    taps = _marks(60, 5, "list")
    assert all_list_taps(taps, has_qr_labels=True)
    assert not all_list_taps(taps, has_qr_labels=False)
    assert not all_list_taps(taps[:4] + _marks(60, 1, "qr"), has_qr_labels=True)
    assert not all_list_taps([], has_qr_labels=True)
    # results from before capture was recorded are not evidence of list taps
    assert not all_list_taps(_marks(60, 3, None), has_qr_labels=True)


def test_round_flags_combine():
    rules = PaceRules(max_per_minute=6)
    assert round_flags(_marks(5, 8, "list"), rules) == (RoundFlag.TOO_FAST, RoundFlag.ALL_LIST_TAPS)
    assert round_flags(_marks(90, 8, "qr"), rules) == ()
