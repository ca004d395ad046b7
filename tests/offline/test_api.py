"""The outbox's server side (issue 11), on SQLite and PostgreSQL: the session check, the
offline copy, three times per entry, idempotent drills and medical calls, capture methods,
flags on the round page, the review list and the weekly report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from safetyops.core.db import utcnow
from safetyops.drills.models import Drill, MedicalCall
from safetyops.offline.models import OutboxReceipt
from safetyops.rounds.models import Round, RoundResult
from tests.rounds.test_rounds import result, start


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---- session and offline copy --------------------------------------------------------


def test_the_session_names_the_officer_and_gives_a_token(client, two_campuses):
    assert client.get("/api/v1/offline/session").status_code == 401
    client.login(two_campuses["officer_a"])
    data = client.get("/api/v1/offline/session").json
    assert data["user_id"] == two_campuses["officer_a"].id
    assert data["csrf_token"]


def test_the_offline_copy_holds_only_the_officers_campuses(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    copy = client.get("/api/v1/offline/bundle").json
    assert [c["code"] for c in copy["campuses"]] == ["AAA"]
    assert [cp["name"] for cp in copy["campuses"][0]["checkpoints"]] == [
        "Door 1", "Door 2", "Door 3",
    ]  # fmt: skip
    assert {d["value"] for d in copy["drill_types"]} >= {"lockdown", "evacuate"}
    assert "/campuses/AAA/medical/new" in copy["pages"]
    assert not any("BBB" in page for page in copy["pages"])
    assert copy["user_id"] == two_campuses["officer_a"].id
    # a weekday plan runs today or tomorrow unless both are weekend days
    today = datetime.now(UTC).date()
    if {today.isoweekday(), (today + timedelta(days=1)).isoweekday()} != {6, 7}:
        (found,) = copy["plans"]
        assert found["id"] == plan.id
        assert found["checkpoint_ids"] == [s.checkpoint_id for s in plan.stops]
        assert all(w["start"] < w["end"] for w in found["windows"])


def test_pages_for_offline_use(client, two_campuses):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "importScripts" in worker.get_data(as_text=True)
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["display"] == "standalone"
    assert client.get("/offline").status_code == 200
    assert client.get("/tablet/walk").status_code == 302  # sign in first
    client.login(two_campuses["officer_a"])
    for page in ("/tablet/walk", "/tablet/scan", "/"):
        body = client.get(page).get_data(as_text=True)
        assert 'id="outbox-status"' in body and "outbox.js" in body


# ---- three times per entry ---------------------------------------------------------------


def test_a_fast_device_clock_is_corrected_and_flagged(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    fast = timedelta(minutes=20)
    now = utcnow()
    body = result(plan.stops[0].checkpoint_id, recorded_at=iso(now + fast), capture="qr")
    sent = client.post_json(
        f"/api/v1/rounds/{round_['id']}/results", body, headers={"X-Sent-At": iso(now + fast)}
    )
    assert sent.status_code == 201
    stored = db.session.get(RoundResult, body["id"])
    assert stored.capture == "qr"
    assert abs(stored.sent_at - (now + fast)) < timedelta(seconds=1)
    assert abs(stored.corrected_at - now) < timedelta(seconds=5)  # the request's own time
    # the same entry resent later is the same entry: times of the first send stand
    again = client.post_json(
        f"/api/v1/rounds/{round_['id']}/results", body, headers={"X-Sent-At": iso(now)}
    )
    assert again.status_code == 200
    db.session.expire_all()
    assert count(db, RoundResult, RoundResult.round_id == round_["id"]) == 1
    client.post_json(f"/api/v1/rounds/{round_['id']}/complete", {"reason": "rest locked off"})
    page = client.get(f"/rounds/{round_['id']}").get_data(as_text=True)
    assert 'data-flag="clock_off"' in page
    assert "QR scan" in page


def test_a_bad_send_stamp_never_costs_the_entry(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    body = result(plan.stops[0].checkpoint_id)
    for stamp in ("yesterday", "2026-13-45T00:00:00Z", "9" * 60, "2026-11-16T07:00:00"):
        body = result(plan.stops[0].checkpoint_id)
        response = client.post_json(
            f"/api/v1/rounds/{round_['id']}/results", body, headers={"X-Sent-At": stamp}
        )
        assert response.status_code == 201
        assert db.session.get(RoundResult, body["id"]).sent_at is None


def test_a_round_started_and_finished_offline_keeps_the_tap_times(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    now = utcnow()
    tapped, finished = now - timedelta(minutes=50), now - timedelta(minutes=10)
    client_id = str(uuid.uuid4())
    headers = {"X-Sent-At": iso(now), "X-Tapped-At": iso(tapped), "X-Client-Id": client_id}
    round_ = client.post_json(
        "/api/v1/rounds",
        {"plan_id": plan.id, "id": client_id, "started_at": iso(tapped)},
        headers=headers,
    ).json
    assert abs(datetime.fromisoformat(round_["started_at"]) - tapped) < timedelta(seconds=5)
    done = client.post_json(
        f"/api/v1/rounds/{round_['id']}/complete",
        {"reason": "boiler room", "finished_at": iso(finished)},
        headers={**headers, "X-Client-Id": str(uuid.uuid4())},
    )
    assert done.status_code == 200
    assert abs(datetime.fromisoformat(done.json["completed_at"]) - finished) < timedelta(seconds=5)
    receipt = db.session.get(OutboxReceipt, client_id)
    assert receipt.kind == "round_start" and receipt.record_id == round_["id"]
    assert abs(receipt.corrected_at - tapped) < timedelta(seconds=5)
    # a start far in the past or the future is kept within a day ago .. now
    other = client.post_json(
        "/api/v1/rounds",
        {"plan_id": plan.id, "id": str(uuid.uuid4()), "started_at": iso(now + timedelta(hours=3))},
    ).json
    assert datetime.fromisoformat(other["started_at"]) <= utcnow()


def test_a_round_answers_its_times_as_stored_whatever_offset_the_tablet_sent(
    client, two_campuses, plan
):
    """Start and completion answer with what they wrote, not read back: the times must be
    the stored ones (UTC), even when the tablet's clock has an offset."""
    client.login(two_campuses["officer_a"])
    now = utcnow()
    local = timezone(timedelta(hours=-7))
    started = (now - timedelta(minutes=30)).astimezone(local)
    round_ = client.post_json(
        "/api/v1/rounds", {"plan_id": plan.id, "started_at": started.isoformat()}
    ).json
    finished = (now - timedelta(minutes=5)).astimezone(local)
    done = client.post_json(
        f"/api/v1/rounds/{round_['id']}/complete",
        {"reason": "rain", "finished_at": finished.isoformat()},
    ).json
    stored = client.get(f"/api/v1/rounds/{round_['id']}").json  # read from the database
    assert round_["started_at"] == stored["started_at"] and stored["started_at"].endswith("+00:00")
    assert done["completed_at"] == stored["completed_at"]
    assert stored["completed_at"].endswith("+00:00")
    assert datetime.fromisoformat(stored["completed_at"]) == finished


# ---- drills and medical calls from the outbox ---------------------------------------------


YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()  # in every zone


def drill_fields(**extra):
    fields = {"drill_type": "lockdown", "day": YESTERDAY, "start_time": "10:00",
              "announced": "y", "conducted_by": "Officer A"}  # fmt: skip
    fields.update(extra)
    return fields


def test_a_drill_from_the_outbox_is_stored_once(client, two_campuses, db):
    client.login(two_campuses["officer_a"])
    body = {"client_id": str(uuid.uuid4()), "fields": drill_fields()}
    first = client.post_json("/api/v1/campuses/AAA/drills", body)
    assert first.status_code == 201, first.json
    assert first.json["created"] is True and first.json["url"].startswith("/drills/")
    again = client.post_json("/api/v1/campuses/AAA/drills", body)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert count(db, Drill, Drill.client_id == body["client_id"]) == 1
    assert count(db, OutboxReceipt, OutboxReceipt.client_id == body["client_id"]) == 1
    real = {"client_id": str(uuid.uuid4()), "fields": drill_fields(real_event="y")}
    assert client.post_json("/api/v1/campuses/AAA/drills", real).status_code == 201
    assert db.session.scalar(select(Drill).where(Drill.client_id == real["client_id"])).real_event


def test_a_refused_drill_names_the_field(client, two_campuses):
    client.login(two_campuses["officer_a"])
    body = {"client_id": str(uuid.uuid4()), "fields": drill_fields(start_time="")}
    refused = client.post_json("/api/v1/campuses/AAA/drills", body)
    assert refused.status_code == 400
    assert refused.json["field"] == "start_time"
    wrong_type = {"client_id": str(uuid.uuid4()), "fields": drill_fields(drill_type="picnic")}
    assert client.post_json("/api/v1/campuses/AAA/drills", wrong_type).json["field"] == (
        "drill_type"
    )
    no_uuid = {"client_id": "nope", "fields": drill_fields()}
    assert client.post_json("/api/v1/campuses/AAA/drills", no_uuid).status_code == 400
    # another campus's drills are not this officer's to log
    other = {"client_id": str(uuid.uuid4()), "fields": drill_fields()}
    assert client.post_json("/api/v1/campuses/BBB/drills", other).status_code == 404


def test_a_medical_call_from_the_outbox_is_stored_once(client, two_campuses, db):
    client.login(two_campuses["officer_a"])
    body = {
        "client_id": str(uuid.uuid4()),
        "fields": {"day": YESTERDAY, "called_time": "10:00",
                   "location": "Gym, north bleachers", "actions": ["first_aid", "called_911"]},
    }  # fmt: skip
    first = client.post_json("/api/v1/campuses/AAA/medical-calls", body)
    assert first.status_code == 201, first.json
    assert client.post_json("/api/v1/campuses/AAA/medical-calls", body).status_code == 200
    assert count(db, MedicalCall, MedicalCall.client_id == body["client_id"]) == 1
    call = db.session.scalar(select(MedicalCall).where(MedicalCall.client_id == body["client_id"]))
    assert call.actions == ["called_911", "first_aid"]
    body["fields"]["location"] = ""
    body["client_id"] = str(uuid.uuid4())
    refused = client.post_json("/api/v1/campuses/AAA/medical-calls", body)
    assert refused.status_code == 400 and refused.json["field"] == "location"
    client.logout()
    client.login(two_campuses["principal_a"])  # principals do not record medical calls
    assert client.post_json("/api/v1/campuses/AAA/medical-calls", body).status_code == 403


# ---- proof of presence: flags, review list, weekly report -------------------------------


def walk(client, plan, capture, seconds_apart):
    round_ = start(client, plan.id)
    base = utcnow() - timedelta(minutes=10)
    for index, stop in enumerate(plan.stops):
        moment = base + timedelta(seconds=index * seconds_apart)
        body = result(stop.checkpoint_id, recorded_at=iso(moment), capture=capture)
        response = client.post_json(
            f"/api/v1/rounds/{round_['id']}/results", body, headers={"X-Sent-At": iso(utcnow())}
        )
        assert response.status_code == 201
    client.post_json(f"/api/v1/rounds/{round_['id']}/complete", {})
    return round_["id"]


@pytest.mark.config(ROUND_MAX_CHECKPOINTS_PER_MINUTE=2)
def test_rounds_marked_too_fast_or_all_by_list_are_flagged(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    listed = walk(client, plan, "list", 60)  # a plausible pace, but never a label scanned
    rushed = walk(client, plan, "qr", 5)  # three doors in ten seconds
    honest = walk(client, plan, "qr", 60)
    assert 'data-flag="all_list_taps"' in client.get(f"/rounds/{listed}").get_data(as_text=True)
    assert 'data-flag="too_fast"' in client.get(f"/rounds/{rushed}").get_data(as_text=True)
    assert 'id="round-flags"' not in client.get(f"/rounds/{honest}").get_data(as_text=True)

    assert client.get("/rounds/review").status_code == 403  # officers do not review
    client.logout()
    client.login(two_campuses["supervisor_a"])
    page = client.get("/rounds/review?flagged=1").get_data(as_text=True)
    assert f'data-round="{listed}"' in page and f'data-round="{rushed}"' in page
    assert f'data-round="{honest}"' not in page
    client.logout()
    client.login(two_campuses["officer_b"])  # campus scoping: B's officer... is no reviewer
    assert client.get("/rounds/review").status_code == 403


@pytest.mark.config(ROUND_MAX_CHECKPOINTS_PER_MINUTE=2)
def test_the_weekly_report_counts_flagged_rounds_per_campus(app, client, two_campuses, plan):
    from safetyops.reports import queries as reports
    from safetyops.reports.domain import week_label

    client.login(two_campuses["officer_a"])
    walk(client, plan, "list", 60)
    walk(client, plan, "qr", 5)
    walk(client, plan, "qr", 60)
    label = week_label((utcnow() - timedelta(minutes=10)).astimezone(UTC).date())
    data = reports.build(label, [two_campuses["a"], two_campuses["b"]])
    by_code = {s["code"]: s for s in data["campuses"]}
    assert by_code["AAA"]["flagged_rounds"] == 2
    assert by_code["BBB"]["flagged_rounds"] == 0
    assert data["district"]["flagged_rounds"] == 2


def test_a_principal_reviews_only_their_campus(client, two_campuses, plan, make_user, db):
    client.login(two_campuses["officer_a"])
    walk(client, plan, "list", 60)
    client.logout()
    other = make_user("principal", [two_campuses["b"]])
    client.login(other)
    page = client.get("/rounds/review").get_data(as_text=True)
    assert "data-round=" not in page
    assert count(db, Round) == 1


def test_a_sign_in_lasts_a_shift_across_a_restart(client, two_campuses):
    response = client.login(two_campuses["officer_a"])
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and "Expires=" in cookies[-1]  # not a browser-session cookie
    expires = datetime.strptime(
        cookies[-1].split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=UTC)
    assert expires - datetime.now(UTC) > timedelta(hours=11, minutes=55)


def test_a_start_synced_hours_later_is_flagged_late_with_its_raw_times(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    now = utcnow()
    tapped = now - timedelta(hours=5)
    client_id = str(uuid.uuid4())
    round_ = client.post_json(
        "/api/v1/rounds",
        {"plan_id": plan.id, "id": client_id, "started_at": iso(tapped)},
        headers={"X-Sent-At": iso(now), "X-Tapped-At": iso(tapped), "X-Client-Id": client_id},
    ).json
    client.post_json(f"/api/v1/rounds/{round_['id']}/complete", {"reason": "dead zone"})
    page = client.get(f"/rounds/{round_['id']}").get_data(as_text=True)
    receipts = page.split('id="round-receipts"')[1].split("</table>")[0]
    assert 'data-flag="late_sync"' in receipts
    client.logout()
    client.login(two_campuses["supervisor_a"])
    review = client.get("/rounds/review?flagged=1").get_data(as_text=True)
    row = review.split(f'data-round="{round_["id"]}"')[1].split("</tr>")[0]
    assert 'data-flag="late_sync"' in row


def test_a_drill_and_a_medical_call_synced_late_show_their_flags(client, two_campuses):
    """Drills and medical calls from the outbox keep their tablet times too: a supervisor
    sees a late sync on the drill's page and beside the medical call, as on a round's."""
    client.login(two_campuses["officer_a"])
    now = utcnow()
    late = {"X-Sent-At": iso(now), "X-Tapped-At": iso(now - timedelta(hours=6))}
    drill = client.post_json(
        "/api/v1/campuses/AAA/drills",
        {"client_id": str(uuid.uuid4()), "fields": drill_fields()},
        headers=late,
    ).json
    on_time = client.post_json(
        "/api/v1/campuses/AAA/drills",
        {"client_id": str(uuid.uuid4()), "fields": drill_fields(start_time="11:00")},
        headers={"X-Sent-At": iso(now), "X-Tapped-At": iso(now - timedelta(minutes=1))},
    ).json
    call = client.post_json(
        "/api/v1/campuses/AAA/medical-calls",
        {"client_id": str(uuid.uuid4()),
         "fields": {"day": YESTERDAY, "called_time": "10:00", "location": "Gym",
                    "actions": ["first_aid"]}},
        headers=late,
    ).json  # fmt: skip
    client.logout()
    client.login(two_campuses["supervisor_a"])
    page = client.get(drill["url"]).get_data(as_text=True)
    receipt = page.split('id="drill-receipt"')[1].split("</table>")[0]
    assert 'data-flag="late_sync"' in receipt
    page = client.get(on_time["url"]).get_data(as_text=True)
    assert 'id="drill-receipt"' in page and "data-flag=" not in page.split('id="drill-receipt"')[1]
    listing = client.get("/campuses/AAA/drills").get_data(as_text=True)
    row = listing.split(f'data-call="{call["id"]}"')[1].split("</tr>")[0]
    assert 'data-flag="late_sync"' in row
