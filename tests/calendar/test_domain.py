"""School-calendar arithmetic and weekly-report helpers (pure, no app)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from safetyops.calendar.domain import (
    Closure,
    SchoolCalendar,
    Term,
    build_calendar,
    school_year_label,
    school_year_of,
)

FALL = Term("Fall", date(2026, 8, 17), date(2026, 12, 18))
CAL = SchoolCalendar(
    terms=(FALL,), closures=(Closure("Labor Day", date(2026, 9, 7), date(2026, 9, 7)),)
)


def test_school_days_skip_weekends_closures_and_days_outside_terms():
    assert CAL.is_school_day(date(2026, 9, 8))
    assert not CAL.is_school_day(date(2026, 9, 7))  # Labor Day
    assert not CAL.is_school_day(date(2026, 9, 5))  # Saturday
    assert not CAL.is_school_day(date(2026, 8, 14))  # before the term
    assert CAL.nth_school_day(date(2026, 9, 5), 1) == date(2026, 9, 8)
    assert CAL.next_school_day(date(2026, 12, 19)) is None


def test_campus_terms_replace_district_terms_and_closures_add_up():
    own = Term("Charter fall", date(2026, 8, 10), date(2026, 12, 11))
    cal = build_calendar(
        [FALL], [Closure("Labor Day", date(2026, 9, 7), date(2026, 9, 7))],
        [own], [Closure("Founders day", date(2026, 10, 2), date(2026, 10, 2))],
        weekdays=[1, 2, 3, 4],
    )  # fmt: skip
    assert cal.terms == (own,)
    assert not cal.is_school_day(date(2026, 9, 7)) and not cal.is_school_day(date(2026, 10, 2))
    assert not cal.is_school_day(date(2026, 9, 11))  # a Friday: four-day week
    assert cal.is_school_day(date(2026, 8, 10))


days = st.integers(0, 150).map(lambda n: date(2026, 8, 1) + timedelta(days=n))


@given(start=days, span=st.integers(0, 60))
def test_counting_school_days_agrees_with_is_school_day(start, span):
    end = start + timedelta(days=span)
    by_hand = sum(CAL.is_school_day(start + timedelta(days=n)) for n in range(span + 1))
    assert CAL.school_days_between(start, end) == by_hand


@given(start=days, n=st.integers(1, 40))
def test_the_nth_school_day_is_a_school_day_with_n_minus_one_before_it(start, n):
    nth = CAL.nth_school_day(start, n)
    if nth is not None:
        assert CAL.is_school_day(nth)
        assert CAL.school_days_between(start, nth) == n


def test_school_years_run_july_to_june():
    assert school_year_of(date(2026, 7, 1)) == 2026
    assert school_year_of(date(2027, 6, 30)) == 2026
    assert school_year_label(2026) == "2026-2027"


def test_closures_at_the_edges_of_the_calendar_are_harmless():
    from safetyops.calendar.domain import Closure, SchoolCalendar, Term, days

    term = Term("Fall", date(2026, 8, 17), date(2026, 12, 18))
    far = SchoolCalendar(terms=(term,), closures=(Closure("typo", date.max, date.max),))
    assert far.is_school_day(date(2026, 8, 17))
    assert far.school_days_between(date(2026, 8, 17), date.max) == far.school_days_between(
        date(2026, 8, 17), date(2026, 12, 18)
    )
    everything = SchoolCalendar(
        terms=(term,), closures=(Closure("all", date.min, date(9999, 12, 30)),)
    )
    assert not everything.is_school_day(date(2026, 8, 17))
    assert everything.school_days_between(date.min, date.max) == 0
    assert everything.next_school_day(date(2026, 8, 17)) is None
    assert list(days(date(9999, 12, 30), date.max)) == [date(9999, 12, 30), date.max]
