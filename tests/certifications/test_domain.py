"""The certification rules, pure: which certificate counts, its state on a day, which
reminder is due (each lead time once, only the current one), the lead-time setting."""

from datetime import date, timedelta

import pytest

from safetyops.certifications import domain
from safetyops.certifications.domain import CertFact, CertificationState
from safetyops.certifications.models import TrainingProtocol
from safetyops.drills.domain import SRP_ACTIONS

EXPIRES = date(2027, 3, 31)


def cert(id=1, officer=7, kind=1, issued=date(2025, 3, 31), expires=EXPIRES, withdrawn=False):
    return CertFact(id, officer, kind, issued, expires, withdrawn)


def test_valid_through_the_expiry_day_and_expired_the_day_after():
    assert domain.state(EXPIRES, EXPIRES) == CertificationState.EXPIRING
    assert domain.state(EXPIRES, EXPIRES + timedelta(days=1)) == CertificationState.EXPIRED
    assert domain.state(EXPIRES, EXPIRES - timedelta(days=30)) == CertificationState.EXPIRING
    assert domain.state(EXPIRES, EXPIRES - timedelta(days=31)) == CertificationState.VALID
    assert domain.state(None, EXPIRES) == CertificationState.NO_EXPIRY
    assert domain.days_left(EXPIRES, EXPIRES) == 0
    assert domain.days_left(EXPIRES, EXPIRES + timedelta(days=3)) == -3


def test_the_newest_issued_certificate_of_a_kind_counts():
    old = cert(1, issued=date(2024, 1, 1), expires=date(2025, 1, 1))
    renewal = cert(2, issued=date(2024, 12, 1), expires=date(2026, 12, 1))
    other_kind = cert(3, kind=2, expires=date(2025, 1, 1))
    other_officer = cert(4, officer=8, expires=date(2025, 1, 1))
    assert {c.id for c in domain.current([old, renewal, other_kind, other_officer])} == {2, 3, 4}
    # Withdrawn (entered by mistake): the one before it counts again.
    assert [c.id for c in domain.current([old, cert(2, withdrawn=True)])] == [1]
    # Same issue day: the later entry wins.
    assert [c.id for c in domain.current([cert(5), cert(6)])] == [6]


@pytest.mark.parametrize(
    ("left", "lead"),
    [(61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (1, 7), (0, 7)],
)
def test_the_tightest_lead_time_reached_fires(left, lead):
    assert domain.current_lead(left, (60, 30, 7)) == lead
    notices = domain.expiry_notices([cert()], EXPIRES - timedelta(days=left), (60, 30, 7))
    if lead is None:
        assert notices == []
    else:
        (notice,) = notices
        assert (notice.kind, notice.key, notice.lead, notice.days) == (
            "certification_expiring", f"cert-expiry:1:{lead}", lead, left,
        )  # fmt: skip


def test_walking_every_day_gives_each_lead_time_once_then_one_escalation():
    keys: list[str] = []
    day = EXPIRES - timedelta(days=90)
    while day <= EXPIRES + timedelta(days=40):
        for notice in domain.expiry_notices([cert()], day, (60, 30, 7)):
            if notice.key not in keys:  # the notification table's unique key does this
                keys.append(notice.key)
        day += timedelta(days=1)
    assert keys == ["cert-expiry:1:60", "cert-expiry:1:30", "cert-expiry:1:7", "cert-expired:1"]


def test_after_a_long_outage_only_the_current_step_is_due():
    (notice,) = domain.expiry_notices([cert()], EXPIRES - timedelta(days=5), (60, 30, 7))
    assert notice.key == "cert-expiry:1:7"
    (notice,) = domain.expiry_notices([cert()], EXPIRES + timedelta(days=9), (60, 30, 7))
    assert (notice.kind, notice.key, notice.days) == ("certification_expired", "cert-expired:1", 9)


def test_no_reminder_for_a_replaced_withdrawn_or_non_expiring_certificate():
    day = EXPIRES + timedelta(days=1)
    renewed = [cert(1), cert(2, issued=EXPIRES - timedelta(days=10), expires=date(2029, 3, 31))]
    assert domain.expiry_notices(renewed, day) == []
    assert domain.expiry_notices([cert(withdrawn=True)], day) == []
    assert domain.expiry_notices([cert(expires=None)], day) == []


def test_lead_days_setting():
    assert domain.parse_lead_days([7, 60, 30, 30]) == (60, 30, 7)
    assert domain.parse_lead_days("60, 30,7") == (60, 30, 7)
    assert domain.parse_lead_days([0]) == (0,)
    for bad in ([], "", [400], [-1], ["soon"], [True], None, 30):
        with pytest.raises(ValueError):
            domain.parse_lead_days(bad)


def test_contract_in_force():
    today = date(2026, 12, 2)
    assert domain.firm_contract_active(None, None, today)
    assert domain.firm_contract_active(date(2026, 8, 1), date(2027, 7, 31), today)
    assert domain.firm_contract_active(date(2026, 8, 1), today, today)
    assert not domain.firm_contract_active(date(2027, 1, 1), None, today)
    assert not domain.firm_contract_active(None, date(2026, 12, 1), today)


def test_training_protocols_are_the_srp_actions():
    assert tuple(p.value for p in TrainingProtocol) == SRP_ACTIONS
