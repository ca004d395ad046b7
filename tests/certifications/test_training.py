"""Staff training sessions per campus: recorded with a date, a protocol and a head count
(no names), withdrawn with a reason, counted by a rule pack's [[training]] rule on the
campus compliance page."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from safetyops.calendar import operations as calendar_service
from safetyops.certifications.models import TrainingSession
from safetyops.compliance import operations as rule_packs

PACK = """
[pack]
id = "train"
name = "Training"

[[rules]]
id = "lockdown-term"
drill = "lockdown"

[[training]]
id = "staff-srp"
within_days = 30
"""
CALENDAR = """campus_code,kind,name,start_date,end_date
,term,Fall 2026,2026-08-17,2026-12-18
,term,Spring 2027,2027-01-05,2027-05-28
"""


def session_form(**over):
    return {
        "submission_id": str(uuid.uuid4()),
        "held_on": "2026-08-20",
        "protocol": "lockdown",
        "attendees": "38",
        "notes": "All-staff in-service",
        **over,
    }


def sessions(db):
    return db.session.scalar(select(func.count()).select_from(TrainingSession))


def test_a_principal_records_a_session_and_sees_it_counted(client, db, two_campuses):
    assert calendar_service.import_calendar(CALENDAR).ok
    rule_packs.load_pack(PACK, ["AAA"])
    client.login(two_campuses["principal_a"])
    response = client.post("/campuses/AAA/training", session_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    held = db.session.scalar(select(TrainingSession))
    assert (held.protocol, held.attendees, held.recorded_by_id) == (
        "lockdown", 38, two_campuses["principal_a"].id,
    )  # fmt: skip
    page = client.get("/campuses/AAA/training").get_data(as_text=True)
    assert f'data-session="{held.id}"' in page and "All-staff in-service" in page
    compliance = client.get("/campuses/AAA/compliance?as_of=2026-09-20").get_data(as_text=True)
    assert 'id="staff-training-title"' in compliance
    assert (
        'class="requirement status-met" data-rule="staff-srp" data-protocol="lockdown"'
        in compliance
    )
    assert (
        'class="requirement status-overdue" data-rule="staff-srp" data-protocol="hold"'
        in compliance
    )
    # Withdrawn: it no longer counts.
    client.post(f"/training/{held.id}/withdraw", {"reason": "wrong campus"})
    compliance = client.get("/campuses/AAA/compliance?as_of=2026-09-20").get_data(as_text=True)
    assert 'status-met" data-rule="staff-srp"' not in compliance
    assert "wrong campus" in client.get("/campuses/AAA/training").get_data(as_text=True)


def test_a_campus_without_a_training_rule_says_so(client, two_campuses):
    client.login(two_campuses["principal_a"])
    page = client.get("/campuses/AAA/compliance").get_data(as_text=True)
    assert "No staff training rule applies to this campus." in page


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"attendees": "0"}, "Number must be between 1 and 5000."),
        ({"attendees": ""}, "This field is required."),
        ({"protocol": "fire"}, "Not a valid choice."),
        (
            {"held_on": (date.today() + timedelta(days=2)).isoformat()},
            "Record a session once it has been held.",
        ),
        ({"held_on": "1990-01-01"}, "Enter a date between"),
        ({"notes": "x" * 501}, "Field cannot be longer than 500 characters."),
    ],
)
def test_bad_values_are_form_errors(client, db, two_campuses, over, message):
    client.login(two_campuses["supervisor_a"])
    response = client.post("/campuses/AAA/training", session_form(**over))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert sessions(db) == 0


def test_who_may_record_and_see(client, db, two_campuses):
    client.login(two_campuses["officer_a"])
    assert client.get("/campuses/AAA/training").status_code == 200
    assert client.post("/campuses/AAA/training", session_form()).status_code == 403
    client.logout()
    client.login(two_campuses["principal_a"])
    assert client.get("/campuses/BBB/training").status_code == 404
    assert client.post("/campuses/BBB/training", session_form()).status_code == 404
    assert client.post("/campuses/AAA/training", session_form()).status_code == 302
    held = db.session.scalar(select(TrainingSession))
    client.logout()
    client.login(two_campuses["viewer"])
    page = client.get("/campuses/AAA/training").get_data(as_text=True)
    assert f'data-session="{held.id}"' in page and "Record a training session" not in page
    assert client.post(f"/training/{held.id}/withdraw", {"reason": "x"}).status_code == 403
    client.logout()
    client.login(two_campuses["officer_b"])
    assert client.get("/campuses/AAA/training").status_code == 404


def test_a_double_tap_records_one_session(client, db, two_campuses):
    client.login(two_campuses["admin"])
    data = session_form()
    assert client.post("/campuses/AAA/training", data).status_code == 302
    assert client.post("/campuses/AAA/training", data).status_code == 302
    assert sessions(db) == 1


def test_a_withdrawal_needs_a_reason_and_happens_once(client, db, two_campuses):
    client.login(two_campuses["admin"])
    client.post("/campuses/AAA/training", session_form())
    held = db.session.scalar(select(TrainingSession))
    client.post(f"/training/{held.id}/withdraw", {"reason": "  "})
    db.session.refresh(held)
    assert held.withdrawn_at is None
    client.post(f"/training/{held.id}/withdraw", {"reason": "duplicate"})
    client.post(f"/training/{held.id}/withdraw", {"reason": "again"})
    db.session.refresh(held)
    assert held.withdrawn_reason == "duplicate"
