"""Rounds through the API and pages: idempotent results, findings, completion, amendments,
access, missed rounds, QR sheets."""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from safetyops.audit.models import AuditEvent
from safetyops.findings.models import Finding
from safetyops.rounds.models import Round, RoundResult


def result(checkpoint_id, status="ok", **kw):
    body = {
        "id": str(uuid.uuid4()),
        "checkpoint_id": checkpoint_id,
        "status": status,
        "recorded_at": "2026-11-16T07:01:00-07:00",
    }
    body.update(kw)
    return body


def start(client, plan_id, **extra):
    response = client.post_json("/api/v1/rounds", {"plan_id": plan_id, **extra})
    assert response.status_code == 201, response.json
    return response.json


def test_plans_api_and_start_round_in_walking_order(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    plans = client.get("/api/v1/campuses/AAA/round-plans").json
    assert [(p["id"], p["name"], p["kind"]) for p in plans] == [
        (plan.id, "Morning doors", "exterior_door_check")
    ]
    started = start(client, plan.id)
    assert [c["name"] for c in started["checkpoints"]] == ["Door 1", "Door 2", "Door 3"]
    fetched = client.get(f"/api/v1/rounds/{started['id']}").json
    assert fetched["results"] == [] and fetched["completed_at"] is None


def test_same_result_twice_is_stored_once_and_different_body_is_409(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    cp = round_["checkpoints"][0]["id"]
    body = result(cp, "problem", finding_kind="propped_open", note="wedge", action_taken="none")
    first = client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    again = client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"] == body["id"]
    changed = client.post_json(f"/api/v1/rounds/{round_['id']}/results", {**body, "note": "x"})
    assert changed.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 1
    finding = db.session.scalar(select(Finding))
    assert finding.kind == "propped_open" and finding.status == "open"
    stored = db.session.get(RoundResult, body["id"])
    assert stored.recorded_at == datetime(2026, 11, 16, 14, 1, tzinfo=UTC)  # device time
    assert stored.received_at > stored.recorded_at  # server receive time, stored apart


def test_secured_on_the_spot_is_resolved_at_once_but_still_a_finding(
    client, two_campuses, plan, db
):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    cp = round_["checkpoints"][1]["id"]
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(cp, "problem", finding_kind="unlocked", action_taken="secured"),
    )
    finding = db.session.scalar(select(Finding))
    assert finding.status == "resolved" and finding.resolution == "secured on the spot"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": "maybe"}, "status"),
        ({"status": "problem"}, "finding_kind"),
        ({"status": "problem", "finding_kind": "on_fire"}, "finding_kind"),
        (
            {"status": "problem", "finding_kind": "damaged", "action_taken": "prayed"},
            "action_taken",
        ),
        ({"id": "not-a-uuid"}, "id"),
        ({"checkpoint_id": 999999}, "checkpoint_id"),
        ({"recorded_at": "yesterday"}, "recorded_at"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_results_get_a_json_error_naming_the_field(
    client, two_campuses, plan, db, change, field
):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    body = {**result(round_["checkpoints"][0]["id"]), **change}
    response = client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    assert response.status_code == 400
    assert response.json["field"] == field
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 0
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_completion_needs_a_reason_for_unchecked_and_then_is_append_only(
    client, two_campuses, plan, db
):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    rid = round_["id"]
    client.post_json(f"/api/v1/rounds/{rid}/results", result(round_["checkpoints"][0]["id"]))
    refused = client.post_json(f"/api/v1/rounds/{rid}/complete", {})
    assert refused.status_code == 400 and refused.json["field"] == "reason"
    done = client.post_json(f"/api/v1/rounds/{rid}/complete", {"reason": "Gym locked for event"})
    assert done.status_code == 200 and done.json["incomplete_reason"] == "Gym locked for event"
    late = client.post_json(f"/api/v1/rounds/{rid}/results", result(round_["checkpoints"][1]["id"]))
    assert late.status_code == 409
    # a correction is an amendment with a reason, shown beside the original
    no_reason = client.post(f"/rounds/{rid}/amend", {"reason": "", "correction": "Door 2 OK"})
    assert no_reason.status_code == 302
    assert (
        client.post(
            f"/rounds/{rid}/amend", {"reason": "Forgot Door 2", "correction": "Door 2 was locked"}
        ).status_code
        == 302
    )
    page = client.get(f"/rounds/{rid}").get_data(as_text=True)
    assert "Forgot Door 2" in page and "Door 2 was locked" in page
    round_row = db.session.get(Round, rid)
    assert len(round_row.amendments) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "round", AuditEvent.entity_id == str(rid)
        )
    ).all()
    assert actions == ["start", "complete", "amend"]


def test_double_tap_on_start_makes_one_round(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    tap = str(uuid.uuid4())
    first = client.post("/rounds/start", {"plan_id": plan.id, "client_id": tap})
    second = client.post("/rounds/start", {"plan_id": plan.id, "client_id": tap})
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1


def test_officer_cannot_touch_another_campus_round(client, make_client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    other = make_client()
    other.login(two_campuses["officer_b"])
    body = result(round_["checkpoints"][0]["id"])
    assert other.post_json(f"/api/v1/rounds/{round_['id']}/results", body).status_code == 404
    assert other.get(f"/api/v1/rounds/{round_['id']}").status_code == 404
    assert other.post_json("/api/v1/rounds", {"plan_id": plan.id}).status_code == 404
    assert other.get("/api/v1/campuses/AAA/round-plans").status_code == 404
    # a supervisor of the campus sees the round but cannot post into an officer's walk
    sup = make_client()
    sup.login(two_campuses["supervisor_a"])
    assert sup.get(f"/api/v1/rounds/{round_['id']}").status_code == 200
    assert sup.post_json(f"/api/v1/rounds/{round_['id']}/results", body).status_code == 403
    # principals and viewers do not walk rounds
    principal = make_client()
    principal.login(two_campuses["principal_a"])
    assert principal.post_json("/api/v1/rounds", {"plan_id": plan.id}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 0


def test_result_api_needs_csrf_with_a_session(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    body = result(round_["checkpoints"][0]["id"])
    response = client.post_json(f"/api/v1/rounds/{round_['id']}/results", body, csrf=False)
    assert response.status_code == 400 and "CSRF" in response.json["error"]


def test_concurrent_identical_posts_store_one_result(app, runner, two_campuses, plan, db):
    secret = (
        runner.invoke(args=["tokens", "create", "--user", two_campuses["officer_a"].email])
        .output.strip()
        .splitlines()[-1]
    )
    headers = {"Authorization": f"Bearer {secret}"}
    started = app.test_client().post("/api/v1/rounds", json={"plan_id": plan.id}, headers=headers)
    assert started.status_code == 201, started.json
    rid = started.json["id"]
    body = result(plan.stops[0].checkpoint_id, "problem", finding_kind="unlocked")
    statuses, barrier = [], threading.Barrier(8)

    def post():
        http = app.test_client()
        barrier.wait()
        with app.app_context():
            statuses.append(
                http.post(f"/api/v1/rounds/{rid}/results", json=body, headers=headers).status_code
            )

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 7 + [201]
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 1
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1


def test_findings_pages_acknowledge_resolve_and_repeat_offenders(
    client, make_client, two_campuses, plan, db
):
    client.login(two_campuses["officer_a"])
    door = plan.stops[0].checkpoint_id
    for _ in range(3):  # three findings on one door within 30 days
        round_ = start(client, plan.id)
        client.post_json(
            f"/api/v1/rounds/{round_['id']}/results",
            result(
                door,
                "problem",
                finding_kind="propped_open",
                recorded_at=datetime.now(UTC).isoformat(),
            ),
        )
    principal = make_client()
    principal.login(two_campuses["principal_a"])
    page = principal.get("/findings").get_data(as_text=True)
    assert page.count("finding-row") == 3 and "repeat" in page
    assert "Repeat offender" in principal.get(f"/checkpoints/{door}").get_data(as_text=True)
    finding = db.session.scalars(select(Finding).order_by(Finding.id)).first()
    principal.post(f"/findings/{finding.id}/acknowledge")
    principal.post(f"/findings/{finding.id}/resolve", {"resolution": "Door closer replaced"})
    db.session.refresh(finding)
    assert finding.status == "resolved" and finding.resolution == "Door closer replaced"
    assert finding.resolved_by_id == two_campuses["principal_a"].id
    assert principal.get("/findings").get_data(as_text=True).count("finding-row") == 2
    assert (
        principal.get("/findings?status=resolved&kind=propped_open")
        .get_data(as_text=True)
        .count("finding-row")
        == 1
    )
    # another campus's principal sees none of it
    other = make_client()
    other.login(two_campuses["officer_b"])
    assert "finding-row" not in other.get("/findings").get_data(as_text=True)
    assert other.get(f"/checkpoints/{door}").status_code == 404


def test_missed_rounds_page_lists_instances_with_no_round(client, two_campuses, plan, db):
    from safetyops.rounds.operations import missed_rounds

    monday = date(2026, 11, 16)
    now = datetime(2026, 11, 21, tzinfo=UTC)
    assert len(missed_rounds([two_campuses["a"].id], monday, monday + timedelta(days=4), now)) == 5
    client.login(two_campuses["supervisor_a"])
    page = client.get("/rounds/missed?from=2026-11-16&to=2026-11-20").get_data(as_text=True)
    assert "5 missed rounds" in page and "Morning doors" in page


def test_missed_rounds_follow_the_school_calendar(two_campuses, plan, db):
    from safetyops.calendar.operations import import_calendar
    from safetyops.rounds.operations import missed_rounds

    campus = two_campuses["a"]
    monday = date(2026, 11, 16)
    now = datetime(2026, 11, 28, tzinfo=UTC)
    report = import_calendar(
        "campus_code,kind,name,start_date,end_date\n"
        ",term,Fall 2026,2026-08-17,2026-12-18\n"
        ",closed,Thanksgiving break,2026-11-23,2026-11-27\n"
        "AAA,closed,Water main break,2026-11-18,2026-11-18\n"
    )
    assert report.ok, report.errors
    missed = missed_rounds([campus.id], monday, monday + timedelta(days=11), now)
    # Two school weeks, minus the whole break and AAA's own closure on Wednesday 18th.
    assert [m.instance.day.isoformat() for m in missed] == [
        "2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20",
    ]  # fmt: skip
    campus.school_weekdays = [1, 2, 3, 4]  # a four-day week: Fridays are not school days
    db.session.commit()
    missed = missed_rounds([campus.id], monday, monday + timedelta(days=4), now)
    assert [m.instance.day.isoformat() for m in missed] == [
        "2026-11-16",
        "2026-11-17",
        "2026-11-19",
    ]


def test_plan_form_validates_and_keeps_walking_order(client, two_campuses, db):
    from safetyops.rounds.models import RoundPlan

    client.login(two_campuses["supervisor_a"])
    campus = two_campuses["a"]
    ids = [cp.id for cp in campus.checkpoints]
    bad = client.post(
        "/campuses/AAA/round-plans/new",
        {
            "name": "Sweep",
            "kind": "perimeter_sweep",
            "weekdays": ["1"],
            "windows": "7am",
            "grace_minutes": "10",
            "checkpoint_ids": [str(i) for i in ids],
        },
    )
    assert "is not a window like 06:45-07:30" in bad.get_data(as_text=True)
    ok = client.post(
        "/campuses/AAA/round-plans/new",
        {
            "name": "Sweep",
            "kind": "perimeter_sweep",
            "weekdays": ["1", "3"],
            "windows": "11:30-12:30",
            "grace_minutes": "10",
            "school_days_only": "y",
            "checkpoint_ids": [str(i) for i in reversed(ids)],
        },
    )
    assert ok.status_code == 302
    saved = db.session.scalar(select(RoundPlan).where(RoundPlan.name == "Sweep"))
    assert [s.checkpoint_id for s in saved.stops] == ids and saved.weekdays == [1, 3]
    other = client.post("/campuses/BBB/round-plans/new", {"name": "x"})
    assert other.status_code == 404


def test_qr_sheet_page_and_pdf(client, two_campuses):
    client.login(two_campuses["supervisor_a"])
    page = client.get("/campuses/AAA/qr").get_data(as_text=True)
    assert page.count("<svg") == 3 and "Door 3" in page
    pdf = client.get("/campuses/AAA/qr?format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_scan_opens_round_in_progress_or_a_single_check(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    door = plan.stops[1].checkpoint_id
    # Opening the QR link (twice, or from a cross-site link) changes nothing.
    for _ in range(2):
        page = client.get(f"/scan/{door}")
        assert page.status_code == 200 and "Check this checkpoint now" in page.get_data(True)
    assert db.session.scalars(select(Round)).all() == []
    # Without the CSRF token a POST is refused and starts nothing.
    assert client.post(f"/scan/{door}", csrf=False).status_code == 400
    assert db.session.scalars(select(Round)).all() == []
    # The button starts one check; a double tap (same submission id) starts the same one.
    submission = str(uuid.uuid4())
    first = client.post(f"/scan/{door}", {"client_id": submission})
    second = client.post(f"/scan/{door}", {"client_id": submission})
    assert first.status_code == second.status_code == 302
    single_round = db.session.scalars(select(Round)).one()
    assert first.location.startswith(f"/rounds/{single_round.id}?")
    assert second.location.startswith(f"/rounds/{single_round.id}?")
    assert single_round.plan_id is None and single_round.checkpoint_ids == [door]
    round_ = start(client, plan.id)
    scanned = client.get(f"/scan/{door}")
    assert scanned.location.startswith(f"/rounds/{round_['id']}?checkpoint={door}")


def test_photo_upload_type_and_size(app, client, two_campuses, plan, db):
    import io

    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    body = result(plan.stops[0].checkpoint_id, "problem", finding_kind="damaged")
    client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    url = f"/api/v1/results/{body['id']}/photo"
    token = client.csrf_token()
    fake = client.http.post(
        url,
        data={"photo": (io.BytesIO(b"MZ not an image"), "x.jpg")},
        headers={"X-CSRFToken": token},
    )
    assert fake.status_code == 400 and fake.json["field"] == "photo"
    picture = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 200)).save(picture, "PNG")
    png = picture.getvalue()
    ok = client.http.post(
        url, data={"photo": (io.BytesIO(png), "door.png")}, headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 200
    shown = client.get(f"/photos/{body['id']}")
    with Image.open(io.BytesIO(shown.data)) as stored:  # re-encoded, the same picture
        assert stored.format == "PNG" and stored.size == (4, 3)
        assert stored.getpixel((0, 0)) == (10, 120, 200)
    # Evidence photos are private: never cached publicly or kept by the browser.
    assert shown.headers["Cache-Control"] == "no-store, private"


def test_a_batch_of_results_is_stored_item_by_item(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    cps = [c["id"] for c in round_["checkpoints"]]
    first = result(cps[0])
    client.post_json(f"/api/v1/rounds/{round_['id']}/results", first)  # sent before
    batch = [
        first,  # again: 200, stored once
        result(cps[1], "problem", finding_kind="unlocked", action_taken="secured"),
        {**first, "note": "changed"},  # same id, other body: 409
        result(999999),  # not a checkpoint of the round: 400
        result(cps[2]),
    ]
    response = client.post_json(f"/api/v1/rounds/{round_['id']}/results/batch", {"results": batch})
    assert response.status_code == 200
    outcomes = [(o["status"], o.get("field")) for o in response.json["results"]]
    assert outcomes == [(200, None), (201, None), (409, None), (400, "checkpoint_id"), (201, None)]
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 3
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1
    too_many = client.post_json(
        f"/api/v1/rounds/{round_['id']}/results/batch", {"results": [first] * 201}
    )
    assert too_many.status_code == 400 and too_many.json["field"] == "results"
    client.logout()
    client.login(two_campuses["officer_b"])
    other = client.post_json(f"/api/v1/rounds/{round_['id']}/results/batch", {"results": batch})
    assert other.status_code == 404
