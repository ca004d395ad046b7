"""Who may change an evidence record after it is written (core/record_rules.py), enforced
the same way in pages and operations."""

from __future__ import annotations

from sqlalchemy import func, select

from safetyops.drills.models import Drill, DrillAmendment
from safetyops.rounds.models import Round, RoundAmendment
from tests.drills.test_views import district, drill_form  # noqa: F401 - fixture and helper
from tests.rounds.test_rounds import result, start


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_officers_cannot_amend_a_signed_off_drill(make_client, db, district, make_user):  # noqa: F811
    officer, principal = make_client(), make_client()
    officer.login(district["officer_a"])
    principal.login(district["principal_a"])
    officer.post("/campuses/AAA/drills/new", drill_form())
    drill = db.session.scalar(select(Drill))
    assert principal.post(f"/drills/{drill.id}/sign-off").status_code == 302
    attempt = officer.post(
        f"/drills/{drill.id}/edit",
        drill_form(drill_type="secure", real_event="y", reason="it was real"),
    )
    assert attempt.status_code == 403
    assert officer.get(f"/drills/{drill.id}/edit").status_code == 403
    db.session.expire_all()
    drill = db.session.get(Drill, drill.id)
    assert drill.drill_type == "lockdown" and drill.real_event is False
    assert _count(db, DrillAmendment) == 0
    assert "/edit" not in officer.get(f"/drills/{drill.id}").get_data(as_text=True)


def test_another_officer_cannot_edit_a_draft_its_author_can(make_client, db, district, make_user):  # noqa: F811
    author, colleague = make_client(), make_client()
    author.login(district["officer_a"])
    colleague.login(make_user("officer", [district["a"]]))
    author.post("/campuses/AAA/drills/new", drill_form())
    drill = db.session.scalar(select(Drill))
    assert colleague.post(f"/drills/{drill.id}/edit", drill_form(occupants="1")).status_code == 403
    assert author.post(f"/drills/{drill.id}/edit", drill_form(occupants="420")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Drill, drill.id).occupants == 420


def test_a_round_is_amended_by_its_officer_or_a_supervisor_only(
    make_client, two_campuses, plan, db, make_user
):
    walker, colleague, principal, supervisor = (make_client() for _ in range(4))
    walker.login(two_campuses["officer_a"])
    colleague.login(make_user("officer", [two_campuses["a"]]))
    principal.login(two_campuses["principal_a"])
    supervisor.login(two_campuses["supervisor_a"])
    round_ = start(walker, plan.id)
    rid = round_["id"]
    for stop in round_["checkpoints"]:
        walker.post_json(f"/api/v1/rounds/{rid}/results", result(stop["id"]))
    assert walker.post_json(f"/api/v1/rounds/{rid}/complete", {}).status_code == 200
    body = {"reason": "Door 2 re-checked", "correction": "Door 2 was locked"}
    assert colleague.post(f"/rounds/{rid}/amend", body).status_code == 403
    assert principal.post(f"/rounds/{rid}/amend", body).status_code == 403
    assert _count(db, RoundAmendment) == 0
    assert walker.post(f"/rounds/{rid}/amend", body).status_code == 302
    assert supervisor.post(f"/rounds/{rid}/amend", body).status_code == 302
    assert _count(db, RoundAmendment) == 2
    # The amend form shows only to those who may use it.
    assert "/amend" not in colleague.get(f"/rounds/{rid}").get_data(as_text=True)
    assert db.session.get(Round, rid).completed_at is not None
