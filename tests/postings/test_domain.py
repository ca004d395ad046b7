"""The pure rules of public postings: posting moments, running counts, and the posting and
reschedule deadlines counted in school days, with the as-of date as the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetyops.calendar.domain import Closure, SchoolCalendar, Term
from safetyops.compliance.engine import DrillFact, Requirement, RequirementStatus
from safetyops.compliance.rule_packs import RulePackError, parse_pack
from safetyops.postings import domain
from safetyops.postings.domain import (
    CancellationFact,
    OptInPeriod,
    PostedFact,
    PostingFact,
    posted_at,
    posting_deadlines,
    required_per_type,
    reschedule_deadlines,
    running_counts,
    school_days_after,
)

MET, LATE, DUE, OVERDUE = (
    RequirementStatus.MET,
    RequirementStatus.LATE,
    RequirementStatus.DUE,
    RequirementStatus.OVERDUE,
)

# Fall term 2026: Monday 17 August to Friday 18 December; Thanksgiving week closed.
CAL = SchoolCalendar(
    terms=(Term("Fall 2026", date(2026, 8, 17), date(2026, 12, 18)),),
    closures=(Closure("Thanksgiving", date(2026, 11, 23), date(2026, 11, 27)),),
)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# ---- posted_at --------------------------------------------------------------------------------


def test_a_drill_signed_off_while_the_campus_is_public_is_posted_at_sign_off():
    periods = [OptInPeriod(at(date(2026, 8, 1)))]
    assert posted_at(at(date(2026, 9, 3)), periods) == at(date(2026, 9, 3))


def test_a_drill_signed_off_before_the_opt_in_is_posted_when_the_campus_opts_in():
    periods = [OptInPeriod(at(date(2026, 10, 1)))]
    assert posted_at(at(date(2026, 9, 3)), periods) == at(date(2026, 10, 1))


def test_posting_is_the_first_moment_across_several_periods():
    periods = [
        OptInPeriod(at(date(2026, 11, 1))),
        OptInPeriod(at(date(2026, 9, 1)), closed=at(date(2026, 9, 10))),
    ]
    assert posted_at(at(date(2026, 9, 5)), periods) == at(date(2026, 9, 5))
    # Signed off while the page was turned off: public when it came back.
    assert posted_at(at(date(2026, 9, 20)), periods) == at(date(2026, 11, 1))


def test_unsigned_or_never_public_drills_are_not_posted():
    assert posted_at(None, [OptInPeriod(at(date(2026, 8, 1)))]) is None
    closed = [OptInPeriod(at(date(2026, 8, 1)), closed=at(date(2026, 8, 2)))]
    assert posted_at(at(date(2026, 9, 1)), closed) is None
    assert posted_at(at(date(2026, 9, 1)), []) is None


def test_retention_is_the_current_school_year_and_the_two_before():
    assert domain.retained_years(date(2026, 12, 2)) == [2026, 2025, 2024]
    assert domain.retained_years(date(2027, 6, 30)) == [2026, 2025, 2024]
    assert domain.retained_years(date(2027, 7, 1)) == [2027, 2026, 2025]


# ---- running counts ----------------------------------------------------------------------------


def _req(rule: str, drill: str, required: int, status=DUE, pack="p") -> Requirement:
    day = date(2026, 9, 1)
    return Requirement(rule, drill, "x", day, day, required, 0, status, pack=pack)


def test_required_per_type_sums_a_rules_periods_and_takes_the_most_demanding_rule():
    requirements = [
        *[_req("evacuate-monthly", "evacuate", 1) for _ in range(9)],
        _req("evacuate-monthly", "evacuate", 1, status=RequirementStatus.NOT_REQUIRED),
        _req("evacuate-first-10-days", "evacuate", 1),
        _req("lockdown-each-term", "lockdown", 1),
        _req("lockdown-each-term", "lockdown", 1),
    ]
    assert required_per_type(requirements) == {"evacuate": 9, "lockdown": 2}


def test_running_counts_number_each_type_in_order():
    start = at(date(2026, 9, 1))
    drills = [
        PostedFact(3, "evacuate", start + timedelta(days=20)),
        PostedFact(1, "evacuate", start),
        PostedFact(2, "lockdown", start + timedelta(days=3)),
        PostedFact(4, "tabletop", start + timedelta(days=30)),
    ]
    counts = running_counts(drills, {"evacuate": 10, "lockdown": 3})
    assert (counts[1].number, counts[1].required) == (1, 10)
    assert (counts[3].number, counts[3].required) == (2, 10)
    assert (counts[2].number, counts[2].required) == (1, 3)
    assert (counts[4].number, counts[4].required) == (1, None)


# ---- school days -----------------------------------------------------------------------------


def test_school_days_after_skips_weekends_and_closures():
    # Friday 20 November + 1 school day: Thanksgiving week is closed -> Monday 30 November.
    assert school_days_after(CAL, date(2026, 11, 20), 1) == date(2026, 11, 30)
    assert school_days_after(CAL, date(2026, 9, 1), 5) == date(2026, 9, 8)


def test_school_days_after_the_last_term_count_school_weekdays():
    # 18 December is the last school day; 2 more school days are counted as weekdays.
    assert school_days_after(CAL, date(2026, 12, 16), 4) == date(2026, 12, 22)


# ---- posting deadlines -----------------------------------------------------------------------


def _posting(posted_on: date | None, signed: bool = True, day=date(2026, 9, 1)):
    return PostingFact(7, "lockdown", day, signed_off=signed, posted_on=posted_on)


def test_posting_deadline_is_n_school_days_after_the_drill():
    [p] = posting_deadlines([_posting(None)], CAL, 30, date(2026, 9, 2))
    # 1 September 2026 (Tuesday) + 30 school days, no closures in between: 13 October.
    assert p.deadline == date(2026, 10, 13)
    assert p.status == DUE


def test_posting_statuses_with_the_clock():
    deadline = date(2026, 10, 13)
    cases = [
        (None, deadline, DUE),
        (None, deadline + timedelta(days=1), OVERDUE),
        (date(2026, 9, 5), date(2026, 9, 5), MET),
        (deadline, date(2026, 12, 1), MET),
        (deadline + timedelta(days=1), date(2026, 12, 1), LATE),
        # Posted later than the as-of day: not known yet on that day.
        (date(2026, 10, 20), deadline + timedelta(days=1), OVERDUE),
    ]
    for posted_on, as_of, expected in cases:
        [p] = posting_deadlines([_posting(posted_on)], CAL, 30, as_of)
        assert p.status == expected, (posted_on, as_of)


def test_an_unsigned_drill_is_unposted_and_goes_overdue():
    [p] = posting_deadlines(
        [_posting(None, signed=False, day=date(2026, 9, 1))], CAL, 5, date(2026, 9, 30)
    )
    assert (p.status, p.signed_off, p.posted_on) == (OVERDUE, False, None)


def test_drills_after_the_as_of_day_have_no_posting_deadline_yet():
    assert (
        posting_deadlines([_posting(None, day=date(2026, 9, 10))], CAL, 5, date(2026, 9, 9)) == []
    )


# ---- reschedule deadlines ----------------------------------------------------------------------


def _cancel(cid: int, day: date, drill="lockdown") -> CancellationFact:
    return CancellationFact(cid, drill, day, "cancelled")


def test_a_cancelled_drill_made_up_in_time_is_met():
    drills = [DrillFact(11, "lockdown", date(2026, 9, 8))]
    [r] = reschedule_deadlines([_cancel(1, date(2026, 9, 1))], drills, CAL, 10, date(2026, 10, 1))
    assert r.deadline == date(2026, 9, 15)
    assert (r.status, r.made_up_by, r.made_up_on) == (MET, 11, date(2026, 9, 8))


def test_reschedule_statuses_with_the_clock():
    cancel = [_cancel(1, date(2026, 9, 1))]
    late_drill = [DrillFact(11, "lockdown", date(2026, 9, 20))]
    assert reschedule_deadlines(cancel, [], CAL, 10, date(2026, 9, 15))[0].status == DUE
    assert reschedule_deadlines(cancel, [], CAL, 10, date(2026, 9, 16))[0].status == OVERDUE
    assert reschedule_deadlines(cancel, late_drill, CAL, 10, date(2026, 9, 19))[0].status == OVERDUE
    assert reschedule_deadlines(cancel, late_drill, CAL, 10, date(2026, 9, 21))[0].status == LATE


def test_only_a_practice_drill_of_the_same_type_on_or_after_the_day_makes_it_up():
    drills = [
        DrillFact(10, "lockdown", date(2026, 8, 31)),  # before the cancelled day
        DrillFact(11, "evacuate", date(2026, 9, 2)),  # another type
        DrillFact(12, "lockdown", date(2026, 9, 3), real_event=True),  # a real event
    ]
    [r] = reschedule_deadlines([_cancel(1, date(2026, 9, 1))], drills, CAL, 10, date(2026, 10, 1))
    assert (r.status, r.made_up_by) == (OVERDUE, None)


def test_one_drill_makes_up_one_cancellation():
    cancels = [_cancel(1, date(2026, 9, 1)), _cancel(2, date(2026, 9, 2))]
    drills = [DrillFact(11, "lockdown", date(2026, 9, 4))]
    out = {
        r.cancellation_id: r
        for r in reschedule_deadlines(cancels, drills, CAL, 10, date(2026, 10, 1))
    }
    assert out[1].status == MET and out[1].made_up_by == 11
    assert out[2].status == OVERDUE and out[2].made_up_by is None


def test_cancellations_after_the_as_of_day_are_not_known_yet():
    assert (
        reschedule_deadlines([_cancel(1, date(2026, 9, 10))], [], CAL, 10, date(2026, 9, 9)) == []
    )


# ---- rule pack tables ---------------------------------------------------------------------


PACK = """
[pack]
id = "mi"
name = "Michigan"
{extra}
"""


def test_a_pack_may_set_posting_and_reschedule_deadlines_without_rules():
    pack = parse_pack(
        PACK.format(
            extra="[posting]\nwithin_school_days = 30\n[reschedule]\nwithin_school_days = 10"
        )
    )
    assert (pack.posting_within_school_days, pack.reschedule_within_school_days) == (30, 10)
    assert pack.rules == ()


def test_the_bundled_michigan_pack_requires_posting_within_30_school_days():
    from safetyops.compliance.operations import bundled_pack_path

    pack = parse_pack(bundled_pack_path("michigan").read_text(encoding="utf-8"))
    assert pack.posting_within_school_days == 30
    assert {r.drill for r in pack.rules} >= {"evacuate", "shelter", "lockdown"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[posting]\nwithin_school_days = 0", "[posting]: within_school_days must be"),
        ("[posting]\nwithin_school_days = true", "[posting]: within_school_days must be"),
        ("[reschedule]\nwithin_days = 10", "[reschedule]: unknown field 'within_days'"),
        ("[reschedule]\nwithin_school_days = '10'", "[reschedule]: within_school_days must be"),
        ("[[posting]]\nwithin_school_days = 30", "[posting] must be a table"),
    ],
)
def test_bad_deadline_tables_are_refused_by_name(extra, message):
    with pytest.raises(RulePackError) as refused:
        parse_pack(PACK.format(extra=extra))
    assert any(e.startswith(message) for e in refused.value.errors), refused.value.errors


def test_a_pack_with_neither_rules_nor_deadlines_is_still_refused():
    with pytest.raises(RulePackError) as refused:
        parse_pack(PACK.format(extra=""))
    assert "a pack needs at least one [[rules]] entry" in refused.value.errors


def test_the_strictest_deadline_wins():
    assert domain.strictest([30, None, 20]) == 20
    assert domain.strictest([None]) is None


# ---- properties ----------------------------------------------------------------------------

FALL = st.dates(min_value=date(2026, 8, 17), max_value=date(2026, 12, 18))


@given(
    day=FALL, posted=st.none() | FALL, as_of=FALL, later=st.integers(0, 200), n=st.integers(1, 40)
)
def test_posting_status_agrees_with_dates_and_met_stays_met(day, posted, as_of, later, n):
    facts = [PostingFact(1, "lockdown", day, signed_off=True, posted_on=posted)]
    out = posting_deadlines(facts, CAL, n, as_of)
    if day > as_of:
        assert out == []
        return
    [p] = out
    assert p.deadline > day and CAL.school_days_between(day + timedelta(days=1), p.deadline) <= n
    known = posted is not None and posted <= as_of
    assert (p.status in (MET, LATE)) == known
    assert (p.status == OVERDUE) == (not known and as_of > p.deadline)
    if p.status in (MET, LATE):
        [again] = posting_deadlines(facts, CAL, n, as_of + timedelta(days=later))
        assert again.status == p.status


@given(
    day=FALL,
    drills=st.lists(st.tuples(FALL, st.sampled_from(["lockdown", "evacuate"])), max_size=6),
    as_of=FALL,
    extra=FALL,
)
def test_adding_a_drill_never_makes_a_reschedule_worse(day, drills, as_of, extra):
    rank = {MET: 0, LATE: 1, DUE: 2, OVERDUE: 3}
    facts = [DrillFact(i, t, d) for i, (d, t) in enumerate(drills)]
    before = reschedule_deadlines([_cancel(1, day)], facts, CAL, 10, as_of)
    after = reschedule_deadlines(
        [_cancel(1, day)], [*facts, DrillFact(99, "lockdown", extra)], CAL, 10, as_of
    )
    assert len(before) == len(after)
    for b, a in zip(before, after, strict=True):
        assert rank[a.status] <= rank[b.status]
