"""Certification expiry reminders with the injected clock and a real SMTP server: each lead
time once, to the officer and the supervisors of their campuses; an escalation to the safety
department once expired; nothing twice, whatever the number of runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

import safetyops.all_models  # noqa: F401  (every mapper, before the scheduler's imports)
from safetyops.certifications import operations
from safetyops.notifications.models import Notification
from safetyops.scheduler.registry import run_job

EXPIRES = date(2027, 3, 31)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _subjects(db, user):
    return db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
    ).all()


@pytest.fixture
def mail(app, smtp):
    app.config.update(smtp.config())
    return smtp


def test_each_lead_time_once_then_one_escalation(db, mail, two_campuses, add_cert):
    officer, supervisor = two_campuses["officer_a"], two_campuses["supervisor_a"]
    admin, principal, other = (
        two_campuses["admin"],
        two_campuses["principal_a"],
        two_campuses["officer_b"],
    )
    add_cert()
    for day in _days(EXPIRES - timedelta(days=65), EXPIRES + timedelta(days=10)):
        run_job("certification-reminders", as_of=day)
        run_job("certification-reminders", as_of=day)  # a second run finds nothing new
    expected = [
        f"{officer.name}'s CPR/AED certification expires in 60 days",
        f"{officer.name}'s CPR/AED certification expires in 30 days",
        f"{officer.name}'s CPR/AED certification expires in 7 days",
        f"EXPIRED: {officer.name}'s CPR/AED certification (Mar 31, 2027)",
    ]
    assert _subjects(db, officer) == expected
    assert _subjects(db, supervisor) == expected
    assert _subjects(db, admin) == expected[-1:]  # the escalation only
    assert _subjects(db, principal) == [] and _subjects(db, other) == []
    # Real SMTP: every notification of a user on "each" emailed exactly once.
    assert sorted(mail.inbox.subjects(officer.email)) == sorted(expected)
    assert sorted(mail.inbox.subjects(supervisor.email)) == sorted(expected)
    assert mail.inbox.subjects(admin.email) == expected[-1:]
    body = mail.inbox.to(admin.email)[0].get_body(preferencelist=("plain",)).get_content()
    assert "expired on Mar 31, 2027, 1 day ago" in body
    assert f"https://safetyops.district.test/certifications/officers/{officer.id}" in body


def test_after_an_outage_only_the_current_step_goes_out(db, mail, two_campuses, add_cert):
    officer = two_campuses["officer_a"]
    add_cert()
    summary = run_job("certification-reminders", as_of=EXPIRES - timedelta(days=3))
    assert summary["notices"] == 1 and summary["notifications"] == 2  # officer, supervisor
    assert _subjects(db, officer) == [f"{officer.name}'s CPR/AED certification expires in 3 days"]
    run_job("certification-reminders", as_of=EXPIRES + timedelta(days=20))
    assert _subjects(db, officer)[-1].startswith("EXPIRED:")
    body = db.session.scalars(
        select(Notification.body)
        .where(Notification.user_id == officer.id)
        .order_by(Notification.id)
    ).all()[-1]
    assert "20 days ago" in body


@pytest.mark.config(CERTIFICATION_REMINDER_DAYS=[14, 1])
def test_lead_times_are_a_setting(db, mail, two_campuses, add_cert):
    officer = two_campuses["officer_a"]
    add_cert()
    for day in _days(EXPIRES - timedelta(days=40), EXPIRES):
        run_job("certification-reminders", as_of=day)
    assert _subjects(db, officer) == [
        f"{officer.name}'s CPR/AED certification expires in 14 days",
        f"{officer.name}'s CPR/AED certification expires in 1 day",
    ]


def test_a_renewal_stops_the_reminders_and_starts_its_own(db, mail, two_campuses, add_cert):
    officer = two_campuses["officer_a"]
    add_cert()
    run_job("certification-reminders", as_of=EXPIRES - timedelta(days=20))
    assert len(_subjects(db, officer)) == 1
    add_cert(issued=date(2026, 11, 1), expires=date(2028, 11, 1), number="C-2")
    for day in _days(EXPIRES - timedelta(days=19), EXPIRES + timedelta(days=30)):
        run_job("certification-reminders", as_of=day)
    assert len(_subjects(db, officer)) == 1  # the old one no longer counts


def test_withdrawn_certificates_and_deactivated_officers_are_left_alone(
    db, mail, two_campuses, add_cert
):
    wrong = add_cert()
    assert operations.withdraw_certification(wrong, "entered for the wrong officer")
    assert not operations.withdraw_certification(wrong, "again")  # once
    add_cert(officer=two_campuses["officer_b"])
    two_campuses["officer_b"].active = False
    db.session.commit()
    summary = run_job("certification-reminders", as_of=EXPIRES + timedelta(days=1))
    assert summary["notices"] == 0
    assert db.session.scalars(select(Notification)).all() == []


def test_the_officers_own_supervisor_role_is_not_notified_twice(
    db, mail, make_user, two_campuses, add_cert
):
    """A supervisor who holds a certificate hears about it once (as the holder)."""
    supervisor = two_campuses["supervisor_a"]
    add_cert(officer=supervisor)
    run_job("certification-reminders", as_of=EXPIRES - timedelta(days=7))
    assert len(_subjects(db, supervisor)) == 1


def test_supervisors_of_each_campus_the_officer_serves_hear_once(
    db, mail, make_user, two_campuses, add_cert
):
    a, b = two_campuses["a"], two_campuses["b"]
    both = make_user("officer", [a, b])
    supervisor_b = make_user("supervisor", [b])
    supervisor_both = make_user("supervisor", [a, b])
    elsewhere = make_user("supervisor", [])
    add_cert(officer=both)
    run_job("certification-reminders", as_of=EXPIRES - timedelta(days=30))
    for person in (both, two_campuses["supervisor_a"], supervisor_b, supervisor_both):
        assert len(_subjects(db, person)) == 1, person
    assert _subjects(db, elsewhere) == [] and _subjects(db, two_campuses["admin"]) == []
    assert len(mail.inbox.to(supervisor_both.email)) == 1


def test_a_rerun_fills_in_only_the_recipients_still_missing(db, mail, two_campuses, add_cert):
    """A run that stopped half-way (a notice stored for some people only) is completed by
    the next run, for those people only."""
    from sqlalchemy import delete

    officer, supervisor = two_campuses["officer_a"], two_campuses["supervisor_a"]
    add_cert()
    day = EXPIRES - timedelta(days=7)
    assert run_job("certification-reminders", as_of=day)["notifications"] == 2
    db.session.execute(delete(Notification).where(Notification.user_id == supervisor.id))
    db.session.commit()
    assert run_job("certification-reminders", as_of=day)["notifications"] == 1
    assert len(_subjects(db, officer)) == 1 and len(_subjects(db, supervisor)) == 1
