"""Live drill rules, without an app: first tap wins, durations, problems, tablet times, and
real events left out of the drill counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from safetyops.actions import domain as after_action
from safetyops.live import domain
from safetyops.live.domain import Tap, TapTime

START = datetime(2026, 10, 6, 14, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return START + timedelta(seconds=seconds)


def test_the_earliest_tap_clears_an_area_whatever_order_they_arrive_in():
    late_arrival = Tap("b", area=1, at=at(40), by=2)  # tapped first, offline, sent later
    first_arrival = Tap("a", area=1, at=at(75), by=1)
    first = domain.first_clear([first_arrival, late_arrival])
    assert first[1] is late_arrival
    assert domain.first_clear([late_arrival, first_arrival])[1] is late_arrival


def test_two_taps_at_the_same_second_agree_on_one_winner():
    one, two = Tap("b", 1, at(10), 1), Tap("a", 1, at(10), 2)
    assert domain.first_clear([one, two])[1] is two
    assert domain.first_clear([two, one])[1] is two


def test_time_to_all_clear_is_the_slowest_area():
    taps = [
        Tap("1", 1, at(62), 1),
        Tap("2", 2, at(185), 2),
        Tap("3", 3, at(121), 1),
        Tap("4", 2, at(300), 1),  # a second tap on area 2 changes nothing
    ]
    result = domain.result(START, [1, 2, 3], taps)
    assert result.area_seconds == {1: 62, 2: 185, 3: 121}
    assert result.all_clear_seconds == 185
    assert result.uncleared == []


def test_an_area_never_reported_clear_leaves_no_all_clear_time():
    result = domain.result(START, [1, 2, 3], [Tap("1", 1, at(30), 1), Tap("2", 3, at(50), 1)])
    assert result.area_seconds == {1: 30, 2: None, 3: 50}
    assert result.all_clear_seconds is None
    assert result.uncleared == [2]


def test_taps_on_areas_outside_the_drill_are_ignored_and_no_areas_means_no_time():
    assert domain.result(START, [1], [Tap("x", 9, at(5), 1)]).area_seconds == {1: None}
    assert domain.result(START, [], []).all_clear_seconds is None


def test_a_tap_before_the_start_counts_as_the_start():
    assert domain.seconds_between(START, at(-3)) == 0


def test_problems_come_from_the_issues_in_the_drill_records_words():
    taps = [
        Tap("1", 1, at(5), 1, "door_would_not_lock", "Room 12"),
        Tap("2", 2, at(6), 1, "pa_not_heard"),
        Tap("3", 3, at(7), 1, "student_outside_area"),
        Tap("4", 3, at(8), 1, "room_not_found"),
        Tap("5", 1, at(9), 1),
    ]
    assert domain.problems(taps) == ["accountability_gap", "alarm_not_heard",
                                     "door_would_not_lock"]  # fmt: skip
    assert [t.id for t in domain.reported_issues(taps)] == ["1", "2", "3", "4"]


def test_every_issue_maps_to_a_problem_of_the_drill_record():
    from safetyops.drills.schemas import PROBLEM_CHOICES

    assert set(domain.ISSUE_PROBLEMS) == {i.value for i in domain.TapIssue}
    assert set(domain.ISSUE_PROBLEMS.values()) <= set(PROBLEM_CHOICES)


def test_the_tablets_time_is_kept_within_reason():
    now = at(600)
    assert domain.tap_time(None, START, now) == now
    assert domain.tap_time(at(30), START, now) == at(30)  # queued offline, sent later
    assert domain.tap_time(at(-60), START, now) == START  # a clock a minute slow
    assert domain.tap_time(at(-600), START, now) is TapTime.BEFORE_START
    assert domain.tap_time(now + timedelta(minutes=5), START, now) is TapTime.FUTURE
    assert domain.tap_time(now + timedelta(seconds=30), START, now) == now + timedelta(seconds=30)
    assert domain.tap_time(at(500), START, now, ended_at=at(400)) is TapTime.AFTER_END
    assert domain.tap_time(at(300), START, now, ended_at=at(400)) == at(300)


def test_the_timer_reads_minutes_and_seconds():
    assert domain.minutes_seconds(245) == "4:05"
    assert domain.minutes_seconds(0) == "0:00"
    assert domain.minutes_seconds(3725) == "1:02:05"
    assert domain.minutes_seconds(None) == "—"


def test_live_actions_are_the_five_srp_actions():
    from safetyops.drills.domain import SRP_ACTIONS

    assert domain.LIVE_ACTIONS == SRP_ACTIONS


def test_a_real_event_is_not_counted_as_a_drill_unless_the_rule_says_so():
    """What ending a live real event stores (real_event=True) meets the compliance engine:
    it counts only for a rule with ``real_events_count``."""
    from safetyops.calendar.domain import SchoolCalendar, Term
    from safetyops.compliance.engine import DrillFact, Rule, evaluate_rule

    calendar = SchoolCalendar(terms=(Term("Fall 2026", date(2026, 8, 17), date(2026, 12, 18)),))
    real = DrillFact(1, "lockdown", date(2026, 10, 6), True)
    drill = DrillFact(2, "lockdown", date(2026, 10, 7), False)
    strict = Rule(id="lockdown", drill="lockdown")
    lenient = Rule(id="lockdown-real", drill="lockdown", real_events_count=True)

    def counted(rule, facts):
        (requirement,) = evaluate_rule(rule, calendar, facts, date(2026, 12, 1))
        return list(requirement.drills)

    assert counted(strict, [real]) == []
    assert counted(strict, [real, drill]) == [2]
    assert counted(lenient, [real]) == [1]


def test_an_open_action_is_overdue_the_day_after_it_is_due():
    due = date(2026, 10, 20)
    assert not after_action.is_overdue("open", due, due)
    assert after_action.is_overdue("open", due, due + timedelta(days=1))
    assert not after_action.is_overdue("closed", due, due + timedelta(days=9))
    assert after_action.days_overdue(due, due + timedelta(days=3)) == 3
    assert after_action.days_overdue(due, due - timedelta(days=3)) == 0
