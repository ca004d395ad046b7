"""The compliance engine: counting conventions, periods, holidays, substitutions, real
events, and invariants checked with hypothesis. No app, no database."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetyops.calendar.domain import Closure, SchoolCalendar, Term
from safetyops.compliance.engine import DrillFact, Rule, evaluate, evaluate_rule
from safetyops.compliance.rule_packs import parse_pack, rule_from_dict, rule_to_dict

# Fall term starts Monday 2026-08-17; spring Tuesday 2027-01-05.
FALL = Term("Fall 2026", date(2026, 8, 17), date(2026, 12, 18))
SPRING = Term("Spring 2027", date(2027, 1, 5), date(2027, 5, 27))
CLOSURES = (
    Closure("Labor Day", date(2026, 9, 7), date(2026, 9, 7)),
    Closure("Thanksgiving break", date(2026, 11, 23), date(2026, 11, 27)),
    Closure("Spring break", date(2027, 3, 22), date(2027, 3, 26)),
)
CAL = SchoolCalendar(terms=(FALL, SPRING), closures=CLOSURES)


def drill(day, kind="lockdown", real=False, id_=None):
    return DrillFact(id_ or hash((day, kind, real)) % 10_000, kind, day, real)


def one(rule, drills, as_of, calendar=CAL, period=None):
    reqs = evaluate_rule(rule, calendar, drills, as_of)
    if period is not None:
        reqs = [r for r in reqs if r.period == period]
    assert len(reqs) == 1, reqs
    return reqs[0]


LOCKDOWN_30 = Rule(id="lockdown-term", drill="lockdown", period="term", within_days=30)


class TestCountingConventions:
    def test_calendar_days_first_day_is_day_1(self):
        req = one(LOCKDOWN_30, [], date(2026, 8, 20), period="Fall 2026")
        assert req.window_start == date(2026, 8, 17)
        assert req.deadline == date(2026, 9, 15)  # 17 Aug + 29 days
        assert req.status == "due"

    def test_calendar_days_first_day_is_day_0(self):
        rule = Rule(id="r", drill="lockdown", within_days=30, first_day_is=0)
        assert one(rule, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 16)

    def test_school_days(self):
        # 30th school day from Mon 17 Aug, skipping weekends and Labor Day (7 Sep).
        rule = Rule(id="r", drill="lockdown", within_days=30, day_basis="school")
        assert one(rule, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 28)

    def test_school_days_first_day_is_day_0(self):
        rule = Rule(id="r", drill="lockdown", within_days=30, day_basis="school", first_day_is=0)
        assert one(rule, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 29)

    def test_deadline_on_holiday_rolls_forward(self):
        # Day 22 counted from 17 Aug is Monday 7 Sep, Labor Day.
        fixed = Rule(id="r", drill="lockdown", within_days=22)
        rolled = Rule(id="r", drill="lockdown", within_days=22, roll_forward=True)
        assert one(fixed, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 7)
        assert one(rolled, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 8)

    def test_deadline_on_weekend_rolls_to_monday(self):
        rule = Rule(id="r", drill="lockdown", within_days=20, roll_forward=True)  # Sat 5 Sep
        # Sat 5 -> Sun 6 -> Labor Day Mon 7 -> Tue 8 Sep
        assert one(rule, [], date(2026, 8, 20), period="Fall 2026").deadline == date(2026, 9, 8)

    def test_fixed_deadline_in_school_year(self):
        rule = Rule(id="ny", drill="evacuate", period="school_year", count=2, deadline=(12, 31))
        req = one(rule, [], date(2026, 9, 1))
        assert req.period == "2026-2027"
        assert req.deadline == date(2026, 12, 31)
        assert req.window_start == FALL.start

    def test_fixed_deadline_in_spring_belongs_to_next_calendar_year(self):
        rule = Rule(id="r", drill="evacuate", period="school_year", deadline=(3, 1))
        assert one(rule, [], date(2026, 9, 1)).deadline == date(2027, 3, 1)

    def test_no_window_means_period_end(self):
        rule = Rule(id="r", drill="secure", period="school_year")
        assert one(rule, [], date(2026, 9, 1)).deadline == SPRING.end


class TestStatuses:
    def test_met_on_time(self):
        req = one(
            LOCKDOWN_30, [drill(date(2026, 9, 1), id_=7)], date(2026, 9, 2), period="Fall 2026"
        )
        assert (req.status, req.counted, req.drills) == ("met", 1, (7,))

    def test_met_on_the_deadline_day(self):
        req = one(LOCKDOWN_30, [drill(date(2026, 9, 15))], date(2026, 9, 15), period="Fall 2026")
        assert req.status == "met"

    def test_late_after_deadline(self):
        req = one(LOCKDOWN_30, [drill(date(2026, 9, 16))], date(2026, 10, 1), period="Fall 2026")
        assert req.status == "late"
        assert req.counted == 1

    def test_overdue(self):
        assert one(LOCKDOWN_30, [], date(2026, 9, 16), period="Fall 2026").status == "overdue"

    def test_due_on_deadline_day_without_drill(self):
        assert one(LOCKDOWN_30, [], date(2026, 9, 15), period="Fall 2026").status == "due"

    def test_upcoming_before_window(self):
        assert one(LOCKDOWN_30, [], date(2026, 9, 1), period="Spring 2027").status == "upcoming"

    def test_drills_after_as_of_do_not_count(self):
        req = one(LOCKDOWN_30, [drill(date(2026, 9, 10))], date(2026, 9, 1), period="Fall 2026")
        assert (req.status, req.counted) == ("due", 0)

    def test_drill_in_other_term_does_not_count(self):
        req = one(LOCKDOWN_30, [drill(date(2026, 9, 1))], date(2027, 3, 1), period="Spring 2027")
        assert req.status == "overdue"

    def test_count_two_needs_two(self):
        rule = Rule(id="r", drill="evacuate", period="term", count=2)
        one_drill = [drill(date(2026, 9, 1), "evacuate")]
        assert one(rule, one_drill, date(2026, 10, 1), period="Fall 2026").status == "due"
        two = [*one_drill, drill(date(2026, 10, 1), "evacuate")]
        req = one(rule, two, date(2026, 10, 1), period="Fall 2026")
        assert (req.status, req.counted, req.required) == ("met", 2, 2)

    def test_not_before_day(self):
        # Oklahoma: the second fire drill must come after the first 30 days.
        rule = Rule(id="ok", drill="evacuate", period="term", not_before_day=31)
        early = [drill(date(2026, 9, 10), "evacuate")]
        req = one(rule, early, date(2026, 10, 1), period="Fall 2026")
        assert req.window_start == date(2026, 9, 16)
        assert (req.counted, req.status) == (0, "due")
        assert one(rule, early, date(2026, 9, 10), period="Fall 2026").status == "upcoming"


class TestMonths:
    RULE = Rule(id="evac", drill="evacuate", period="month")

    def test_months_in_session(self):
        labels = [r.period for r in evaluate_rule(self.RULE, CAL, [], date(2026, 9, 1))]
        assert labels == [
            "2026-08", "2026-09", "2026-10", "2026-11", "2026-12",
            "2027-01", "2027-02", "2027-03", "2027-04", "2027-05",
        ]  # fmt: skip

    def test_month_edges(self):
        aug_31 = [drill(date(2026, 8, 31), "evacuate")]
        aug = one(self.RULE, aug_31, date(2026, 9, 1), period="2026-08")
        sep = one(self.RULE, aug_31, date(2026, 9, 1), period="2026-09")
        assert (aug.status, aug.deadline) == ("met", date(2026, 8, 31))
        assert (sep.status, sep.counted, sep.deadline) == ("due", 0, date(2026, 9, 30))

    def test_min_school_days(self):
        # December 2026 has 14 school days (1-18 Dec); May 2027 has 19 (3-27 May).
        rule = Rule(id="tx", drill="evacuate", period="month", min_school_days=15)
        reqs = {r.period: r for r in evaluate_rule(rule, CAL, [], date(2027, 1, 10))}
        assert reqs["2026-12"].status == "not_required"
        assert reqs["2026-12"].drills == ()
        assert reqs["2026-11"].status == "overdue"
        assert reqs["2027-05"].status == "upcoming" or reqs["2027-05"].status == "due"

    def test_month_without_school_days_not_required(self):
        cal = SchoolCalendar(terms=(Term("Summer", date(2026, 7, 1), date(2026, 8, 1)),))
        # 1 Aug 2026 is a Saturday: August has no school day.
        reqs = {r.period: r for r in evaluate_rule(self.RULE, cal, [], date(2026, 8, 20))}
        assert reqs["2026-08"].status == "not_required"
        assert reqs["2026-07"].status == "overdue"


class TestSubstitutionAndRealEvents:
    def test_other_type_does_not_count_without_also_counts(self):
        rule = Rule(id="fire", drill="evacuate", period="month")
        req = one(rule, [drill(date(2026, 9, 2), "lockdown")], date(2026, 10, 1), period="2026-09")
        assert req.status == "overdue"

    def test_also_counts(self):
        rule = Rule(id="ny", drill="evacuate", also_counts=("lockdown",), period="month")
        req = one(rule, [drill(date(2026, 9, 2), "lockdown")], date(2026, 10, 1), period="2026-09")
        assert req.status == "met"

    def test_real_event_counts_only_when_allowed(self):
        real = [drill(date(2026, 9, 2), "secure", real=True)]
        no = Rule(id="r", drill="secure", within_days=30)
        yes = Rule(id="r", drill="secure", within_days=30, real_events_count=True)
        assert one(no, real, date(2026, 9, 3), period="Fall 2026").status == "due"
        assert one(yes, real, date(2026, 9, 3), period="Fall 2026").status == "met"


class TestPacks:
    PACKS = Path(__file__).resolve().parents[2] / "safetyops" / "compliance" / "rulepacks"

    @pytest.mark.parametrize(
        "name", ["default", "colorado-ifc", "texas", "oklahoma", "new-york", "michigan"]
    )
    def test_bundled_packs_parse(self, name):
        pack = parse_pack((self.PACKS / f"{name}.toml").read_text())
        assert pack.rules
        assert pack.source  # every pack names its source
        for rule in pack.rules:
            assert rule_from_dict(rule_to_dict(rule), pack.id) == rule

    def test_default_pack_on_demo_shape(self):
        pack = parse_pack((self.PACKS / "default.toml").read_text())
        drills = [drill(date(2026, 8, 20), "evacuate", id_=1), drill(date(2026, 9, 1), id_=2)]
        reqs = evaluate(pack.rules, CAL, drills, date(2026, 9, 20), school_year=2026)
        by = {(r.rule, r.period): r for r in reqs}
        assert by[("evacuate-first-10-days", "2026-2027")].status == "met"
        assert by[("evacuate-first-10-days", "2026-2027")].deadline == date(2026, 8, 26)
        assert by[("lockdown-each-term", "Fall 2026")].status == "met"
        assert by[("secure-each-term", "Fall 2026")].status == "overdue"
        assert by[("evacuate-monthly", "2026-09")].status == "due"
        assert by[("lockdown-each-term", "Spring 2027")].status == "upcoming"

    def test_errors_name_rule_and_field(self):
        text = """
[pack]
id = "x"
name = "X"
colour = "red"

[[rules]]
id = "a"
drill = "lockdown"
period = "week"
count = 0
typo = 1

[[rules]]
id = "b"
drill = "firedrill"
deadline = "13-01"
"""
        with pytest.raises(ValueError) as exc:
            parse_pack(text)
        errors = exc.value.errors
        assert "[pack]: unknown field 'colour'" in errors
        assert any(e.startswith("rule 'a': unknown field 'typo'") for e in errors)
        assert any(e.startswith("rule 'a': period must be") for e in errors)
        assert any(e.startswith("rule 'a': count must be") for e in errors)
        assert any(e.startswith("rule 'b': drill 'firedrill'") for e in errors)
        assert any(e.startswith("rule 'b': deadline must be MM-DD") for e in errors)

    def test_bad_toml(self):
        with pytest.raises(ValueError, match="not valid TOML"):
            parse_pack("[pack\nid=")

    def test_pack_may_add_drill_types(self):
        pack = parse_pack(
            '[pack]\nid="il"\nname="IL"\ndrill_types=["bus_drill"]\n'
            '[[rules]]\nid="bus"\ndrill="bus_drill"\nperiod="school_year"\n'
        )
        assert pack.rules[0].drill == "bus_drill"


# ---- invariants ----------------------------------------------------------------------

TYPES = ("lockdown", "secure", "evacuate", "shelter")
days_in_year = st.integers(min_value=0, max_value=330).map(
    lambda n: date(2026, 8, 1) + timedelta(n)
)
facts = st.lists(
    st.builds(
        DrillFact, st.integers(1, 10_000), st.sampled_from(TYPES), days_in_year, st.booleans()
    ),
    max_size=12,
)
rules = st.builds(
    Rule,
    id=st.just("r"),
    drill=st.sampled_from(TYPES),
    period=st.sampled_from(("term", "month", "school_year")),
    count=st.integers(1, 3),
    also_counts=st.sampled_from(((), ("lockdown",))),
    within_days=st.one_of(st.none(), st.integers(10, 60)),
    not_before_day=st.one_of(st.none(), st.integers(1, 9)),
    deadline=st.one_of(st.none(), st.just((12, 31))),
    day_basis=st.sampled_from(("calendar", "school")),
    first_day_is=st.sampled_from((0, 1)),
    roll_forward=st.booleans(),
    min_school_days=st.sampled_from((0, 10)),
    real_events_count=st.booleans(),
)
RANK = {"met": 0, "late": 1, "due": 2, "overdue": 3, "upcoming": 2, "not_required": 0}


@settings(max_examples=300, deadline=None)
@given(
    rule=rules,
    drills=facts,
    extra=st.builds(
        DrillFact, st.just(99_999), st.sampled_from(TYPES), days_in_year, st.booleans()
    ),
    as_of=days_in_year,
)
def test_adding_a_drill_never_makes_an_instance_worse(rule, drills, extra, as_of):
    before = evaluate_rule(rule, CAL, drills, as_of)
    after = evaluate_rule(rule, CAL, [*drills, extra], as_of)
    assert [r.period for r in before] == [r.period for r in after]
    for old, new in zip(before, after, strict=True):
        assert new.counted >= old.counted
        assert RANK[new.status] <= RANK[old.status]
        if old.status in ("met", "not_required"):
            assert new.status == old.status


@settings(max_examples=300, deadline=None)
@given(rule=rules, drills=facts, as_of=days_in_year)
def test_statuses_agree_with_counts_and_dates(rule, drills, as_of):
    for req in evaluate_rule(rule, CAL, drills, as_of):
        assert req.window_start <= req.deadline
        assert len(req.drills) == (0 if req.status == "not_required" else req.counted)
        if req.status in ("met", "late"):
            assert req.counted >= req.required
        if req.status in ("due", "overdue", "upcoming"):
            assert req.counted < req.required
        if req.status == "overdue":
            assert as_of > req.deadline
        if req.status == "due":
            assert req.window_start <= as_of <= req.deadline
        if req.status == "upcoming":
            assert as_of < req.window_start


@settings(max_examples=200, deadline=None)
@given(rule=rules, drills=facts, as_of=days_in_year, later=st.integers(0, 60))
def test_met_stays_met_as_time_passes(rule, drills, as_of, later):
    before = evaluate_rule(rule, CAL, drills, as_of)
    after = evaluate_rule(rule, CAL, drills, as_of + timedelta(days=later))
    for old, new in zip(before, after, strict=True):
        if old.status == "met":
            assert new.status == "met"


def test_pack_reminder_lead_days_are_validated():
    base = '[pack]\nid="x"\nname="X"\n{}\n[[rules]]\nid="r"\ndrill="lockdown"\n'
    assert parse_pack(base.format("reminder_lead_days = [3, 10, 0]")).reminder_lead_days == (
        10,
        3,
        0,
    )
    with pytest.raises(ValueError, match="reminder_lead_days must be a list"):
        parse_pack(base.format('reminder_lead_days = ["soon"]'))


def test_a_schedule_is_worked_out_once_per_rule_and_calendar_value():
    """The district matrix's campuses share a calendar: equal calendars share the cached
    schedule, and a calendar with one more closure gets its own."""
    from safetyops.compliance.engine import schedule

    rule = Rule("evac", "evacuation", period="month", min_school_days=1)
    copy = SchoolCalendar(terms=(SPRING, FALL), closures=tuple(CLOSURES))
    assert copy == CAL and hash(copy) == hash(CAL)
    assert schedule(rule, copy, None) is schedule(rule, CAL, None)
    snowed_in = SchoolCalendar(
        terms=CAL.terms, closures=(*CLOSURES, Closure("Snow", FALL.start, FALL.end))
    )
    fall_months = {p.label for p, *_ in schedule(rule, snowed_in, None) if p.start < SPRING.start}
    assert fall_months  # the fall months are still periods...
    assert all(
        not in_session
        for period, _opens, _deadline, in_session in schedule(rule, snowed_in, None)
        if period.end < SPRING.start and period.start >= FALL.start
    )  # ...but with every fall day closed, none of them is required
    assert any(in_session for *_, in_session in schedule(rule, CAL, None))
