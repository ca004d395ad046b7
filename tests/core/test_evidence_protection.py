"""Evidence records are protected by the database like the audit trail: plain SQL cannot
change or delete a completed round, its results, a signed-off drill, amendments or
medical calls. What the app legitimately does still works."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from safetyops.drills.models import Drill, DrillAmendment
from tests.drills.test_views import district, drill_form  # noqa: F401 - fixture and helper
from tests.rounds.test_rounds import result, start


@pytest.fixture
def evidence(make_client, district, plan, db):  # noqa: F811
    """A completed round with an amendment, a signed-off and amended drill, a medical call."""
    officer, principal = make_client(), make_client()
    officer.login(district["officer_a"])
    principal.login(district["principal_a"])
    round_ = start(officer, plan.id)
    rid = round_["id"]
    for stop in round_["checkpoints"]:
        officer.post_json(f"/api/v1/rounds/{rid}/results", result(stop["id"]))
    officer.post_json(f"/api/v1/rounds/{rid}/complete", {})
    officer.post(f"/rounds/{rid}/amend", {"reason": "typo", "correction": "Door 1 checked"})
    officer.post("/campuses/AAA/drills/new", drill_form())
    drill = db.session.scalar(select(Drill))
    principal.post(f"/drills/{drill.id}/sign-off")
    amended = principal.post(
        f"/drills/{drill.id}/edit", drill_form(occupants="500", reason="Miscounted")
    )
    assert amended.status_code == 302
    officer.post(
        "/campuses/AAA/medical/new",
        {"client_id": "m-1", "day": "2026-10-05", "called_time": "12:20", "location": "Gym",
         "actions": ["first_aid"]},
    )  # fmt: skip
    return {"round_id": rid, "drill_id": drill.id}


REFUSED = [
    "UPDATE round SET incomplete_reason = 'edited' WHERE id = :round_id",
    "DELETE FROM round WHERE id = :round_id",
    "UPDATE round_result SET status = 'problem' WHERE round_id = :round_id",
    "UPDATE round_result SET recorded_at = received_at WHERE round_id = :round_id",
    "DELETE FROM round_result WHERE round_id = :round_id",
    "UPDATE round_amendment SET reason = 'nothing to see' WHERE round_id = :round_id",
    "DELETE FROM round_amendment WHERE round_id = :round_id",
    "UPDATE drill SET drill_type = 'secure' WHERE id = :drill_id",
    "UPDATE drill SET real_event = NOT real_event WHERE id = :drill_id",
    "DELETE FROM drill WHERE id = :drill_id",
    "UPDATE drill_amendment SET reason = 'other' WHERE drill_id = :drill_id",
    "UPDATE drill_amendment SET applied = NOT applied WHERE drill_id = :drill_id",
    "DELETE FROM drill_amendment WHERE drill_id = :drill_id",
    "UPDATE medical_call SET location = 'Office'",
    "DELETE FROM medical_call",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_plain_sql_cannot_rewrite_evidence(evidence, db, statement):
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement), evidence)
        db.session.flush()
    db.session.rollback()


def test_what_the_app_does_still_works(evidence, make_client, district, db):  # noqa: F811
    # A second amendment of the signed drill goes through, with its amendment first.
    principal = make_client()
    principal.login(district["principal_a"])
    again = principal.post(
        f"/drills/{evidence['drill_id']}/edit", drill_form(occupants="510", reason="Recount")
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Drill, evidence["drill_id"]).occupants == 510
    amendments = db.session.scalars(select(DrillAmendment).order_by(DrillAmendment.id)).all()
    assert [a.changes["occupants"] for a in amendments] == [[412, 500], [500, 510]]
    assert all(a.applied for a in amendments)  # each amendment allowed exactly one change
    # Adding a missing photo to a result of a completed round is allowed.
    db.session.execute(
        text("UPDATE round_result SET photo = 'door.png' WHERE round_id = :round_id"), evidence
    )
    db.session.rollback()
