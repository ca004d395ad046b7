"""The staff-training rule kind: ``[[training]]`` in a rule pack, parsed and judged by the
compliance engine directly (no app, no database)."""

from datetime import date

import pytest

from safetyops.calendar.domain import SchoolCalendar, Term
from safetyops.compliance.engine import RequirementStatus, TrainingFact, evaluate_training
from safetyops.compliance.rule_packs import (
    RulePackError,
    parse_pack,
    training_from_dict,
    training_to_dict,
)

PACK = """
[pack]
id = "train"
name = "Training"

[[rules]]
id = "lockdown-term"
drill = "lockdown"

[[training]]
id = "staff-srp"
protocols = ["hold", "lockdown"]
within_days = 30
"""


def calendar() -> SchoolCalendar:
    terms = (
        Term("Fall 2026", date(2026, 8, 17), date(2026, 12, 18)),
        Term("Spring 2027", date(2027, 1, 5), date(2027, 5, 28)),
    )
    return SchoolCalendar(terms=terms)


def rules():
    return parse_pack(PACK).training


def statuses(sessions, as_of):
    reqs = evaluate_training(rules(), calendar(), sessions, as_of, 2026)
    return {r.drill: (r.status, r.counted, r.deadline) for r in reqs}


def test_the_pack_parses_and_round_trips():
    (rule,) = rules()
    assert (rule.id, rule.protocols, rule.period, rule.count, rule.within_days, rule.pack) == (
        "staff-srp", ("hold", "lockdown"), "school_year", 1, 30, "train",
    )  # fmt: skip
    assert training_from_dict(training_to_dict(rule), "train") == rule


def test_every_protocol_is_its_own_requirement_in_the_school_year():
    deadline = date(2026, 9, 15)  # day 30 counting the first day of school as day 1
    assert statuses([], date(2026, 9, 1)) == {
        "hold": (RequirementStatus.DUE, 0, deadline),
        "lockdown": (RequirementStatus.DUE, 0, deadline),
    }
    sessions = [
        TrainingFact(1, "hold", date(2026, 8, 20)),
        TrainingFact(2, "lockdown", date(2026, 10, 1)),  # after the deadline
        TrainingFact(3, "shelter", date(2026, 8, 20)),  # not required by this rule
    ]
    assert statuses(sessions, date(2026, 9, 16)) == {
        "hold": (RequirementStatus.MET, 1, deadline),
        "lockdown": (RequirementStatus.OVERDUE, 0, deadline),  # not held yet on that day
    }
    assert statuses(sessions, date(2026, 10, 2))["lockdown"] == (
        RequirementStatus.LATE, 1, deadline,
    )  # fmt: skip
    assert statuses([], date(2026, 8, 1))["hold"][0] == RequirementStatus.UPCOMING


def test_sessions_of_another_school_year_do_not_count():
    sessions = [TrainingFact(1, "hold", date(2026, 5, 1))]
    assert statuses(sessions, date(2026, 9, 16))["hold"][0] == RequirementStatus.OVERDUE


def test_count_and_period_per_term():
    pack = PACK.replace("within_days = 30", 'period = "term"\ncount = 2')
    (rule,) = parse_pack(pack).training
    sessions = [TrainingFact(i, "hold", date(2026, 9, i)) for i in (1, 2)]
    reqs = evaluate_training([rule], calendar(), sessions, date(2027, 6, 1), 2026)
    by = {(r.drill, r.period): (r.status, r.counted) for r in reqs}
    assert by[("hold", "Fall 2026")] == (RequirementStatus.MET, 2)
    assert by[("hold", "Spring 2027")] == (RequirementStatus.OVERDUE, 0)
    assert by[("lockdown", "Fall 2026")] == (RequirementStatus.OVERDUE, 0)


def test_all_five_protocols_by_default_and_a_training_only_pack():
    pack = '[pack]\nid = "t"\nname = "T"\n\n[[training]]\nid = "all"\n'
    (rule,) = parse_pack(pack).training
    assert rule.protocols == ("hold", "secure", "lockdown", "evacuate", "shelter")
    assert parse_pack(pack).rules == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "x"\nprotocols = ["fire"]', "protocols must list SRP actions"),
        ('id = "x"\nprotocols = []', "protocols must list SRP actions"),
        ('id = "x"\ncount = 0', "count must be a whole number"),
        ('id = "x"\nwithin_days = "soon"', "within_days must be a whole number"),
        ('id = "x"\nperiod = "week"', "period must be one of"),
        ('id = "x"\nwho = "staff"', "unknown field 'who'"),
        ('protocols = ["hold"]', "id is required"),
    ],
)
def test_bad_training_entries_are_named(entry, message):
    text = f'[pack]\nid = "t"\nname = "T"\n\n[[training]]\n{entry}\n'
    with pytest.raises(RulePackError) as refused:
        parse_pack(text)
    assert any(message in error for error in refused.value.errors), refused.value.errors


def test_a_duplicate_training_id_is_refused():
    text = '[pack]\nid = "t"\nname = "T"\n\n[[training]]\nid = "x"\n\n[[training]]\nid = "x"\n'
    with pytest.raises(RulePackError, match="id used twice"):
        parse_pack(text)


def test_the_default_pack_requires_every_protocol_yearly():
    from pathlib import Path

    import safetyops.compliance

    text = (Path(safetyops.compliance.__file__).parent / "rulepacks" / "default.toml").read_text()
    (rule,) = parse_pack(text).training
    assert rule.protocols == ("hold", "secure", "lockdown", "evacuate", "shelter")
