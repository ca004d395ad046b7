"""Expected and missed rounds: school days, windows, grace, time zones. No app, no DB."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from safetyops.rounds.domain import (
    PlanSpec,
    WalkedRound,
    due_now_and_next,
    expected_instances,
    missed_instances,
    parse_windows,
)

DENVER = "America/Denver"


def plan(**kw):
    defaults = {
        "id": 1,
        "campus_id": 1,
        "timezone": DENVER,
        "weekdays": frozenset({1, 2, 3, 4, 5}),
        "school_days_only": True,
        "windows": ((time(6, 45), time(7, 30)),),
        "grace": timedelta(minutes=15),
    }
    return PlanSpec(**{**defaults, **kw})


def test_weekdays_only_and_local_time_converted_to_utc():
    # 2026-11-16 is a Monday; Denver is UTC-7 in November.
    instances = expected_instances([plan()], date(2026, 11, 16), date(2026, 11, 22))
    assert [i.day.isoweekday() for i in instances] == [1, 2, 3, 4, 5]
    first = instances[0]
    assert first.window_start == datetime(2026, 11, 16, 13, 45, tzinfo=UTC)
    assert first.due_by == datetime(2026, 11, 16, 14, 45, tzinfo=UTC)


def test_daylight_saving_changes_the_utc_time_not_the_local_time():
    summer = expected_instances([plan()], date(2026, 9, 14), date(2026, 9, 14))[0]
    winter = expected_instances([plan()], date(2026, 11, 16), date(2026, 11, 16))[0]
    assert summer.window_start.hour == 12 and winter.window_start.hour == 13


def test_school_calendar_hook_removes_holidays():
    holiday = date(2026, 11, 26)
    instances = expected_instances(
        [plan()],
        date(2026, 11, 23),
        date(2026, 11, 27),
        is_school_day=lambda campus, day: day != holiday and day.isoweekday() <= 5,
    )
    assert holiday not in {i.day for i in instances} and len(instances) == 4


def test_every_day_plan_ignores_school_days():
    p = plan(weekdays=frozenset(range(1, 8)), school_days_only=False)
    assert len(expected_instances([p], date(2026, 11, 16), date(2026, 11, 22))) == 7


def test_two_windows_make_two_instances_a_day():
    p = plan(windows=((time(6, 45), time(7, 30)), (time(15, 45), time(16, 30))))
    assert len(expected_instances([p], date(2026, 11, 16), date(2026, 11, 16))) == 2


def test_missed_needs_the_grace_period_to_pass():
    p = plan()
    monday = date(2026, 11, 16)
    due_by = datetime(2026, 11, 16, 14, 45, tzinfo=UTC)
    assert missed_instances([p], [], monday, monday, due_by - timedelta(minutes=1)) == []
    assert len(missed_instances([p], [], monday, monday, due_by + timedelta(minutes=1))) == 1


@pytest.mark.parametrize(
    "start_offset, end_offset, missed",
    [
        (timedelta(minutes=5), timedelta(minutes=30), False),  # inside the window
        (timedelta(minutes=-10), timedelta(minutes=20), False),  # early, within grace
        (timedelta(minutes=40), timedelta(minutes=55), False),  # late, finished within grace
        (timedelta(minutes=40), timedelta(minutes=70), True),  # finished after grace
        (timedelta(minutes=-60), timedelta(minutes=-30), True),  # far too early
    ],
)
def test_completed_round_matches_within_window_and_grace(start_offset, end_offset, missed):
    p = plan()
    monday = date(2026, 11, 16)
    opens = datetime(2026, 11, 16, 13, 45, tzinfo=UTC)
    walked = [WalkedRound(1, opens + start_offset, opens + end_offset)]
    now = opens + timedelta(hours=3)
    assert bool(missed_instances([p], walked, monday, monday, now)) is missed


def test_an_unfinished_round_does_not_count_and_one_round_fills_one_instance():
    p = plan(windows=((time(6, 45), time(7, 30)), (time(7, 0), time(8, 0))))
    monday = date(2026, 11, 16)
    opens = datetime(2026, 11, 16, 13, 45, tzinfo=UTC)
    now = opens + timedelta(hours=5)
    unfinished = [WalkedRound(1, opens, None)]
    assert len(missed_instances([p], unfinished, monday, monday, now)) == 2
    one = [WalkedRound(1, opens + timedelta(minutes=20), opens + timedelta(minutes=40))]
    assert len(missed_instances([p], one, monday, monday, now)) == 1


def test_due_now_and_next():
    p = plan()
    inside = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)  # 07:00 Denver, Monday
    due, upcoming = due_now_and_next([p], [], inside)
    assert len(due) == 1 and upcoming[0].day == date(2026, 11, 17)
    done = [WalkedRound(1, inside - timedelta(minutes=10), inside)]
    due, _ = due_now_and_next([p], done, inside)
    assert due == []


def test_parse_windows():
    assert parse_windows("15:45-16:30, 06:45-07:30") == (
        (time(6, 45), time(7, 30)),
        (time(15, 45), time(16, 30)),
    )
    for bad in ("", "7-8am", "06:45-06:45", "25:00-26:00"):
        with pytest.raises(ValueError):
            parse_windows(bad)
