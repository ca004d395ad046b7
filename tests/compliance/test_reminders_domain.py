"""Which reminder is due on a day: lead times, catch-up, weekly escalation, confirmations."""

from datetime import date, timedelta

import pytest

from safetyops.compliance.engine import Requirement
from safetyops.compliance.reminders import current_lead, drill_notices


def req(status, deadline=date(2026, 9, 15), drills=(), counted=0):
    return Requirement(
        rule="lockdown-each-term", drill="lockdown", period="Fall 2026",
        window_start=date(2026, 8, 17), deadline=deadline, required=1, counted=counted,
        status=status, drills=tuple(drills), pack="default",
    )  # fmt: skip


@pytest.mark.parametrize(
    "days_left, lead", [(20, None), (14, 14), (10, 14), (7, 7), (5, 7), (3, 3), (1, 1), (0, 0)]
)
def test_current_lead_is_the_tightest_reached(days_left, lead):
    assert current_lead(days_left, (14, 7, 3, 1, 0)) == lead


def test_due_reminder_keys_change_only_at_lead_times():
    keys = []
    for offset in range(22):  # 25 Aug (21 days left) to the deadline, 15 Sep
        day = date(2026, 8, 25) + timedelta(days=offset)
        notices = drill_notices("AVE", [req("due")], day)
        keys.append(notices[0].key if notices else None)
    assert keys[:7] == [None] * 7  # more than 14 days left
    distinct = [k for k in dict.fromkeys(keys) if k]
    assert [k.rsplit(":", 1)[1] for k in distinct] == ["14", "7", "3", "1", "0"]


def test_overdue_escalates_at_once_then_weekly():
    days = [date(2026, 9, 16) + timedelta(days=n) for n in range(22)]  # 16 Sep to 7 Oct
    weeks = {drill_notices("AVE", [req("overdue")], day)[0].key for day in days}
    assert sorted(k.rsplit(":", 1)[1] for k in weeks) == ["w0", "w1", "w2", "w3"]


def test_met_confirmation_only_for_recent_drills():
    met = req("met", drills=[7], counted=1)
    assert (
        drill_notices("AVE", [met], date(2026, 9, 3), {7: date(2026, 9, 1)})[0].kind == "drill_met"
    )
    assert drill_notices("AVE", [met], date(2026, 9, 30), {7: date(2026, 9, 1)}) == []


def test_nothing_for_not_required_or_far_deadlines():
    assert drill_notices("AVE", [req("not_required")], date(2026, 9, 14)) == []
    assert (
        drill_notices("AVE", [req("upcoming", deadline=date(2027, 2, 3))], date(2026, 9, 1)) == []
    )
