"""Ten identical submissions at once, of every form write: one row, one audit event.

Requests are sent in parallel threads released together. They authenticate with an API
token and CSRF is off for these tests only, so the copies are byte-for-byte the same
request (a double tap, a retry storm); the submission id or the content key makes them
one. Runs on SQLite and PostgreSQL (the ``database`` fixture)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from safetyops.audit.models import AuditEvent
from safetyops.calendar.models import CalendarEntry
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.drills.models import Drill, DrillAmendment, MedicalCall
from safetyops.findings.models import Finding
from safetyops.planning.models import DrillPlan
from safetyops.rounds.models import Round, RoundAmendment, RoundPlan
from tests.drills.test_views import district, drill_form  # noqa: F401 - fixture and helper
from tests.rounds.test_rounds import result

pytestmark = pytest.mark.config(WTF_CSRF_ENABLED=False)


def _count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _events(db, entity_type: str, action: str) -> int:
    return _count(
        db, AuditEvent, AuditEvent.entity_type == entity_type, AuditEvent.action == action
    )


def _ten(parallel, headers, url, data) -> list[int]:
    statuses = parallel("POST", url, n=10, headers=headers, data=data)
    assert all(s < 500 for s in statuses), statuses
    return statuses


@pytest.fixture
def as_admin(two_campuses, token_for):
    return token_for(two_campuses["admin"])


@pytest.fixture
def as_officer(two_campuses, token_for):
    return token_for(two_campuses["officer_a"])


@pytest.fixture
def as_principal(two_campuses, token_for):
    return token_for(two_campuses["principal_a"])


def test_calendar_entry(parallel, as_admin, db):
    data = {"campus_id": "0", "kind": "closed", "name": "Snow day", "start_date": "2026-12-01"}
    _ten(parallel, as_admin, "/admin/calendar/new", data)
    assert _count(db, CalendarEntry) == 1
    assert _events(db, "calendar_entry", "create") == 1


def test_campus_and_checkpoint(parallel, as_admin, db):
    campus = {"code": "NEW", "name": "New School", "timezone": "America/Denver",
              "principal_id": "0", "school_weekdays": ["1", "2", "3", "4", "5"]}  # fmt: skip
    _ten(parallel, as_admin, "/admin/campuses/new", campus)
    assert _count(db, Campus, Campus.code == "NEW") == 1
    checkpoint = {"name": "Door 9", "kind": "exterior_door", "expected_state": "locked"}
    _ten(parallel, as_admin, "/admin/campuses/NEW/checkpoints/new", checkpoint)
    assert _count(db, Checkpoint, Checkpoint.name == "Door 9") == 1
    door = db.session.scalar(select(Checkpoint).where(Checkpoint.name == "Door 9"))
    assert _count(db, AuditEvent, AuditEvent.entity_type == "checkpoint",
                  AuditEvent.entity_id == str(door.id)) == 1  # fmt: skip


def test_round_plan(parallel, as_admin, two_campuses, db):
    ids = [str(cp.id) for cp in two_campuses["a"].checkpoints]
    data = {"name": "Lunch sweep", "kind": "perimeter_sweep", "weekdays": ["1"],
            "windows": "11:30-12:30", "grace_minutes": "10", "checkpoint_ids": ids}  # fmt: skip
    _ten(parallel, as_admin, "/campuses/AAA/round-plans/new", data)
    assert _count(db, RoundPlan, RoundPlan.name == "Lunch sweep") == 1
    assert _events(db, "round_plan", "create") == 1


def test_planned_drill_and_its_cancellation(parallel, as_principal, db):
    data = {"drill_type": "lockdown", "planned_for": "2026-12-02", "notes": ""}
    _ten(parallel, as_principal, "/campuses/AAA/drill-plans", data)
    assert _count(db, DrillPlan) == 1
    plan = db.session.scalar(select(DrillPlan))
    _ten(parallel, as_principal, f"/drill-plans/{plan.id}/cancel", {})
    assert _events(db, "drill_plan", "cancel") == 1


def test_drill_record_sign_off_and_amendment(parallel, district, token_for, db):  # noqa: F811
    officer, principal = token_for(district["officer_a"]), token_for(district["principal_a"])
    _ten(parallel, officer, "/campuses/AAA/drills/new", drill_form(client_id="ten-1"))
    assert _count(db, Drill) == 1
    drill = db.session.scalar(select(Drill))
    _ten(parallel, officer, f"/drills/{drill.id}/edit", drill_form(occupants="420"))
    assert _events(db, "drill", "update") == 1
    _ten(parallel, principal, f"/drills/{drill.id}/sign-off", {})
    assert _events(db, "drill", "sign_off") == 1
    amendment = drill_form(occupants="500", reason="Miscounted portables")
    _ten(parallel, principal, f"/drills/{drill.id}/edit", amendment)
    assert _count(db, DrillAmendment) == 1
    assert _events(db, "drill", "amend") == 1


def test_medical_call(parallel, district, token_for, db):  # noqa: F811
    data = {"day": "2026-10-05", "called_time": "12:20", "location": "Gym",
            "actions": ["first_aid"], "client_id": "m-ten"}  # fmt: skip
    _ten(parallel, token_for(district["officer_a"]), "/campuses/AAA/medical/new", data)
    assert _count(db, MedicalCall) == 1


def test_round_completion_amendment_and_findings(
    parallel, client, two_campuses, plan, token_for, db
):
    officer, supervisor = (
        token_for(two_campuses["officer_a"]),
        token_for(two_campuses["supervisor_a"]),
    )
    http = client.http
    started = http.post("/api/v1/rounds", json={"plan_id": plan.id}, headers=officer)
    rid = started.json["id"]
    stops = [cp["id"] for cp in started.json["checkpoints"]]
    http.post(
        f"/api/v1/rounds/{rid}/results",
        json=result(stops[0], "problem", finding_kind="unlocked"),
        headers=officer,
    )
    _ten(parallel, officer, f"/rounds/{rid}/complete", {"reason": "gate blocked"})
    assert _events(db, "round", "complete") == 1
    assert _count(db, Round, Round.completed_at.is_not(None)) == 1
    body = {"reason": "Door 2 re-checked", "correction": "locked"}
    _ten(parallel, officer, f"/rounds/{rid}/amend", body)
    assert _count(db, RoundAmendment) == 1
    finding = db.session.scalar(select(Finding))
    _ten(parallel, supervisor, f"/findings/{finding.id}/acknowledge", {})
    assert _events(db, "finding", "acknowledge") == 1
    _ten(parallel, supervisor, f"/findings/{finding.id}/resolve", {"resolution": "Re-keyed"})
    assert _events(db, "finding", "resolve") == 1
    db.session.expire_all()
    stored = db.session.get(Finding, finding.id)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "finding", AuditEvent.action == "resolve"
        )
    )
    assert stored.resolution == event.changes["resolution"][1] == "Re-keyed"


def test_toggles_record_one_event(parallel, as_admin, two_campuses, db):
    campus = two_campuses["a"]
    _ten(parallel, as_admin, f"/admin/campuses/{campus.code}/active", {"active": "0"})
    assert _events(db, "campus", "deactivate") == 1
    user = two_campuses["viewer"]
    _ten(parallel, as_admin, f"/admin/users/{user.id}/active", {"active": "0"})
    assert _events(db, "user", "deactivate") == 1


def test_a_form_submission_id_makes_a_resend_one_even_much_later(client, two_campuses, db):
    client.login(two_campuses["admin"])
    data = {"campus_id": "0", "kind": "closed", "name": "Water main",
            "start_date": "2026-12-03", "submission_id": str(uuid.uuid4())}  # fmt: skip
    first = client.post("/admin/calendar/new", data)
    again = client.post("/admin/calendar/new", data)
    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    assert _count(db, CalendarEntry) == 1
    # A new page (a new submission id) with the same content is a new entry on purpose.
    client.post("/admin/calendar/new", {**data, "submission_id": str(uuid.uuid4())})
    assert _count(db, CalendarEntry) == 2
