"""Campus areas and live drills through the pages and the API, on both databases:
authorization per campus, idempotent taps, first tap wins, bad input answered 400 in JSON,
and ending a drill into its pre-filled drill record."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from safetyops.audit.models import AuditEvent
from safetyops.compliance import queries as compliance
from safetyops.drills.models import Drill
from safetyops.live import operations as live_ops
from safetyops.live.models import CampusArea, LiveArea, LiveDrill, LiveStatus, LiveTap
from tests.live.helpers import make_areas, minutes_ago, start_live, tap


@pytest.fixture
def site(two_campuses):
    return {**two_campuses, "areas": make_areas(two_campuses["a"])}


def tap_url(live):
    return f"/api/v1/live/{live.id}/taps"


def body(area, **kw):
    return {"client_id": str(uuid.uuid4()), "area_id": area.id, **kw}


# ---- campus areas -----------------------------------------------------------------------


def test_a_supervisor_adds_areas_to_their_campus_in_order(site, client, db):
    client.login(site["supervisor_a"])
    page = client.get("/campuses/AAA/areas")
    assert page.status_code == 200 and "North wing" in page.get_data(as_text=True)
    added = client.post("/campuses/AAA/areas", {"area-name": "Portables", "area-kind": "field",
                                               "submission_id": str(uuid.uuid4())})  # fmt: skip
    assert added.status_code == 302
    names = [a.name for a in db.session.scalars(
        select(CampusArea).where(CampusArea.campus_id == site["a"].id)
        .order_by(CampusArea.position))]  # fmt: skip
    assert names == ["North wing", "Gym", "Field", "Portables"]
    again = client.post("/campuses/AAA/areas", {"area-name": "Gym", "area-kind": "building",
                                               "submission_id": str(uuid.uuid4())})  # fmt: skip
    assert again.status_code == 200
    assert "already has an area with this name" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 403), ("principal_a", 403), ("viewer", 403),
                        ("officer_b", 403), ("admin", 200), ("supervisor_a", 200)]
)  # fmt: skip
def test_areas_are_edited_by_supervisors_and_the_safety_department_only(site, client, who, status):
    client.login(site[who])
    assert client.get("/campuses/AAA/areas").status_code == status


def test_a_supervisor_of_another_campus_sees_a_404(site, client, make_user):
    other = make_user("supervisor", [site["b"]])
    client.login(other)
    assert client.get("/campuses/AAA/areas").status_code == 404
    area = site["areas"][0]
    assert client.get(f"/areas/{area.id}/edit").status_code == 404
    assert client.post(f"/areas/{area.id}/active", {"active": "0"}).status_code == 404


def test_deactivating_an_area_leaves_it_out_of_new_drills_and_is_audited(site, client, db):
    client.login(site["supervisor_a"])
    gym = site["areas"][1]
    assert client.post(f"/areas/{gym.id}/active", {"active": "0"}).status_code == 302
    page = client.get("/campuses/AAA/live").get_data(as_text=True)
    assert "North wing" in page and f'value="{gym.id}"' not in page
    assert db.session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.entity_type == "campus_area", AuditEvent.action == "deactivate")
    ) == 1  # fmt: skip


CSV = "campus_code,name,kind,position\nAAA,Annex,building,5\nAAA,Gym,wing,\nBBB,Main,,\n"


def test_csv_import_creates_and_updates_in_a_fixed_number_of_queries(site, db):
    def count_queries(text_):
        statements = []

        def note(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            report = live_ops.import_areas(text_)
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        return report, len(statements)

    report, small = count_queries(CSV)
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    gym = db.session.scalar(select(CampusArea).where(CampusArea.name == "Gym"))
    assert gym.kind == "wing"
    rows = "".join(f"BBB,Room {i},floor,{i}\n" for i in range(60))
    report, large = count_queries("campus_code,name,kind,position\n" + rows)
    assert report.created == 60
    assert large <= small + 2, (small, large)


def test_a_bad_csv_row_imports_nothing_and_names_the_line(site, db):
    report = live_ops.import_areas(
        "campus_code,name,kind\nAAA,Annex,building\nZZZ,Nowhere,building\nAAA,Pit,volcano\n"
        "AAA,Annex,wing\n"
    )
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("line 3: unknown campus_code") for m in messages)
    assert any(m.startswith("line 4: kind 'volcano'") for m in messages)
    assert any(m.startswith("line 5:") and "repeats line 2" in m for m in messages)
    assert db.session.scalar(select(func.count()).select_from(CampusArea)) == 3


def test_the_page_import_only_touches_campuses_the_supervisor_sees(site, client, db):
    client.login(site["supervisor_a"])
    upload = lambda data: client.post(  # noqa: E731
        "/campuses/AAA/areas/import",
        {"csv-file": (io.BytesIO(data), "areas.csv"), "submission_id": str(uuid.uuid4())},
        content_type="multipart/form-data",
    )
    refused = upload(CSV.encode())
    assert refused.status_code == 200
    assert "unknown campus_code" in refused.get_data(as_text=True)
    assert upload(b"campus_code,name\nAAA,Annex\n").status_code == 302
    assert db.session.scalar(select(CampusArea).where(CampusArea.name == "Annex")) is not None


# ---- starting -----------------------------------------------------------------------------


def test_an_officer_starts_a_live_drill_over_the_chosen_areas(site, client, db):
    client.login(site["officer_a"])
    submission = str(uuid.uuid4())
    form = {"client_id": submission, "submission_id": submission, "drill_type": "lockdown",
            "announced": "y", "area_ids": [str(a.id) for a in site["areas"][:2]]}  # fmt: skip
    first = client.post("/campuses/AAA/live", form)
    assert first.status_code == 302
    live = db.session.scalar(select(LiveDrill))
    assert first.headers["Location"].endswith(f"/live/{live.id}")
    assert [a.name for a in live.areas] == ["North wing", "Gym"]
    assert live.status == LiveStatus.RUNNING and not live.real_event
    assert client.post("/campuses/AAA/live", form).status_code == 302  # a double tap
    assert db.session.scalar(select(func.count()).select_from(LiveDrill)) == 1
    page = client.get(f"/live/{live.id}").get_data(as_text=True)
    assert "Clear / accounted for" in page and "live.js" in page


def test_starting_refuses_another_campus_areas_and_a_non_srp_type(site, client, make_campus):
    other = make_areas(site["b"], ("B hall",))
    client.login(site["officer_a"])
    submission = str(uuid.uuid4())
    page = client.post("/campuses/AAA/live", {
        "client_id": submission, "submission_id": submission, "drill_type": "lockdown",
        "area_ids": [str(other[0].id)]})  # fmt: skip
    assert page.status_code == 200  # the form again, nothing started
    tabletop = {"drill_type": "tabletop", "area_ids": [site["areas"][0].id]}
    with pytest.raises(Exception, match="drill_type"):
        live_ops.start(site["a"], site["officer_a"], tabletop, "x1")


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403)])
def test_only_runners_of_the_campus_start_one(site, client, who, status):
    client.login(site[who])
    assert client.get("/campuses/AAA/live").status_code == status


# ---- tapping --------------------------------------------------------------------------------


def test_a_tap_is_stored_once_per_client_id(site, client, db):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    client.login(site["officer_a"])
    payload = body(site["areas"][0], issue="door_would_not_lock", note="Room 12")
    first = client.post_json(tap_url(live), payload)
    assert first.status_code == 201, first.json
    assert first.json["created"] is True and first.json["tap"]["first"] is True
    again = client.post_json(tap_url(live), payload)
    assert again.status_code == 200 and again.json["created"] is False
    assert db.session.scalar(select(func.count()).select_from(LiveTap)) == 1
    changed = client.post_json(tap_url(live), {**payload, "note": "Room 14"})
    assert changed.status_code == 409 and "client_id" in changed.json["error"]


def test_parallel_copies_of_one_tap_store_one(site, parallel, token_for, db):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    headers = token_for(site["officer_a"])
    statuses = parallel("POST", tap_url(live), n=8, json=body(site["areas"][0]), headers=headers)
    assert sorted(statuses).count(201) == 1 and set(statuses) <= {200, 201}
    assert db.session.scalar(select(func.count()).select_from(LiveTap)) == 1


def test_two_tablets_on_one_area_keep_the_first_time_and_both_taps(site, client, make_client, db):
    live = start_live(site["a"], site["officer_a"], site["areas"], started_at=minutes_ago(10))
    gym = site["areas"][1]
    a, b = client, make_client()
    a.login(site["officer_a"])
    b.login(site["supervisor_a"])
    later = (live.started_at + timedelta(seconds=200)).isoformat()
    earlier = (live.started_at + timedelta(seconds=90)).isoformat()  # queued offline
    assert a.post_json(tap_url(live), body(gym, tapped_at=later)).status_code == 201
    assert b.post_json(tap_url(live), body(gym, tapped_at=earlier)).status_code == 201
    state = b.get(f"/api/v1/live/{live.id}").json
    area = next(x for x in state["areas"] if x["area_id"] == gym.id)
    assert area["seconds"] == 90 and area["cleared_by"] == site["supervisor_a"].name
    assert [t["first"] for t in area["taps"]] == [True, False]
    assert len(area["taps"]) == 2 and state["cleared"] == 1 and state["total"] == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"area_id": 1}, "client_id"),
        ({"client_id": "not-a-uuid", "area_id": 1}, "client_id"),
        ({"client_id": str(uuid.uuid4())}, "area_id"),
        ({"client_id": str(uuid.uuid4()), "area_id": "gym"}, "area_id"),
        ({"client_id": str(uuid.uuid4()), "area_id": 1, "issue": "fire"}, "issue"),
        ({"client_id": str(uuid.uuid4()), "area_id": 1, "note": "x" * 501}, "note"),
        ({"client_id": str(uuid.uuid4()), "area_id": 1, "tapped_at": "yesterday"}, "tapped_at"),
        ({"client_id": str(uuid.uuid4()), "area_id": 1, "tapped_at": "2026-10-06T10:00:00"},
         "tapped_at"),
    ],
)  # fmt: skip
def test_bad_taps_are_a_json_400_naming_the_field(site, client, payload, field):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    client.login(site["officer_a"])
    answer = client.post_json(tap_url(live), payload)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.json["field"].startswith(field)


def test_taps_outside_the_drill_or_its_areas_are_refused(site, client):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    other = make_areas(site["b"], ("B hall",))[0]
    client.login(site["officer_a"])
    wrong_area = client.post_json(tap_url(live), body(other))
    assert wrong_area.status_code == 400 and wrong_area.json["field"] == "area_id"
    future = (live.started_at + timedelta(hours=2)).isoformat()
    assert client.post_json(tap_url(live), body(site["areas"][0], tapped_at=future)).json[
        "field"] == "tapped_at"  # fmt: skip
    past = (live.started_at - timedelta(hours=1)).isoformat()
    assert (
        client.post_json(tap_url(live), body(site["areas"][0], tapped_at=past)).status_code == 400
    )
    not_json = client.http.post(tap_url(live), data="clear", headers={
        "X-CSRFToken": client.csrf_token(), "Content-Type": "application/json"})  # fmt: skip
    assert not_json.status_code == 400 and not_json.json["field"] == "body"


def test_taps_need_the_campus_and_a_runner_role(site, client, make_client):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    client.login(site["officer_b"])
    assert client.post_json(tap_url(live), body(site["areas"][0])).status_code == 404
    assert client.get(f"/api/v1/live/{live.id}").status_code == 404
    assert client.get(f"/live/{live.id}").status_code == 404
    viewer = make_client()
    viewer.login(site["viewer"])
    assert viewer.post_json(tap_url(live), body(site["areas"][0])).status_code == 403
    assert viewer.get(f"/api/v1/live/{live.id}").status_code == 200
    anonymous = make_client()
    assert anonymous.http.post(tap_url(live), json=body(site["areas"][0])).status_code in (400, 401)


def test_a_tap_is_evidence_the_database_keeps(site, db):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    stored, _created = tap(live, site["officer_a"], site["areas"][0])
    for statement in ("UPDATE live_tap SET note = 'changed'", "DELETE FROM live_tap"):
        with pytest.raises((IntegrityError, DBAPIError)):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.get(LiveTap, stored.id).note == ""


# ---- ending ---------------------------------------------------------------------------------


def test_ending_stores_the_times_and_opens_the_drill_record_pre_filled(site, client, db):
    officer = site["officer_a"]
    live = start_live(site["a"], officer, site["areas"], started_at=minutes_ago(10))
    north, gym, field = site["areas"]
    tap(live, officer, north, seconds=62)
    tap(live, site["supervisor_a"], gym, seconds=185, issue="door_would_not_lock", note="Room 12")
    tap(live, officer, field, seconds=121, issue="student_outside_area")
    tap(live, officer, gym, seconds=240)
    client.login(officer)
    ended = client.post(f"/live/{live.id}/end")
    assert ended.status_code == 302
    db.session.expire_all()
    live = db.session.get(LiveDrill, live.id)
    assert live.status == LiveStatus.ENDED and live.all_clear_seconds == 185
    assert {a.name: a.seconds_to_clear for a in live.areas} == {
        "North wing": 62, "Gym": 185, "Field": 121}  # fmt: skip
    drill = live.drill
    assert ended.headers["Location"].endswith(f"/drills/{drill.id}")
    assert drill.drill_type == "lockdown" and not drill.real_event and drill.source == "live"
    assert drill.started_at == live.started_at and drill.ended_at == live.ended_at
    assert drill.time_to_complete_seconds == 185 and drill.conducted_by == officer.name
    assert drill.problems == ["accountability_gap", "door_would_not_lock"]
    assert "Gym: A door would not lock — Room 12" in drill.problems_notes
    assert drill.signed_off_at is None and drill.logged_by_id == officer.id
    page = client.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert "Time to all areas clear (time to full lockdown)" in page and "3 min 05 s" in page
    assert client.post(f"/live/{live.id}/end").status_code == 302  # again: nothing new
    assert db.session.scalar(select(func.count()).select_from(Drill)) == 1
    actions = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "live_drill"))]  # fmt: skip
    assert actions.count("start") == 1 and actions.count("end") == 1 and actions.count("tap") == 4


def test_an_area_never_cleared_is_named_and_leaves_no_time(site, db):
    live = start_live(site["a"], site["officer_a"], site["areas"], started_at=minutes_ago(5))
    tap(live, site["officer_a"], site["areas"][0], seconds=20)
    live, ended = live_ops.end(live, site["officer_a"])
    assert ended and live.all_clear_seconds is None
    assert live.drill.time_to_complete_seconds is None
    assert "Gym: not reported clear" in live.drill.problems_notes


def test_a_tap_queued_before_the_end_arriving_after_it_is_kept_and_changes_nothing(site, db):
    live = start_live(site["a"], site["officer_a"], site["areas"], started_at=minutes_ago(5))
    tap(live, site["officer_a"], site["areas"][0], seconds=20)
    live, _ended = live_ops.end(live, site["officer_a"])
    late, created = tap(live, site["officer_a"], site["areas"][1], seconds=30)
    assert created
    again, _created = tap(live, site["officer_a"], site["areas"][0], seconds=5)  # earlier
    gym = db.session.scalar(select(LiveArea).where(LiveArea.area_id == site["areas"][1].id))
    assert gym.cleared_at is None and live.all_clear_seconds is None
    from safetyops.live.queries import state

    areas = {a["name"]: a for a in state(live)["areas"]}
    assert areas["Gym"]["cleared_at"] is None and not areas["Gym"]["taps"][0]["first"]
    north = areas["North wing"]
    assert north["seconds"] == 20 and [t["first"] for t in north["taps"]] == [False, True]
    with pytest.raises(Exception, match="after the drill ended"):
        tap(live, site["officer_a"], site["areas"][1], seconds=None)


def test_a_real_event_is_marked_and_not_counted_as_a_drill(site, db):
    live = start_live(site["a"], site["officer_a"], site["areas"], real=True,
                      started_at=minutes_ago(5))  # fmt: skip
    for area in site["areas"]:
        tap(live, site["officer_a"], area, seconds=30)
    live, _ended = live_ops.end(live, site["officer_a"])
    assert live.drill.real_event is True
    day = live.drill.local_date
    (result,) = compliance.for_campuses([site["a"]], day)
    assert all(live.drill.id not in req.drills for req in result.requirements)


def test_the_areas_import_command(site, runner, tmp_path, db):
    good = tmp_path / "areas.csv"
    good.write_text("campus_code,name,kind\nBBB,Main building,building\nbbb,Field,field\n")
    result = runner.invoke(args=["import", "areas", str(good)])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    names = db.session.scalars(
        select(CampusArea.name).where(CampusArea.campus_id == site["b"].id)
        .order_by(CampusArea.position)
    ).all()  # fmt: skip
    assert names == ["Main building", "Field"]
    bad = tmp_path / "bad.csv"
    bad.write_text("campus_code,name,kind\nBBB,Gym,castle\n")
    result = runner.invoke(args=["import", "areas", str(bad)])
    assert result.exit_code != 0 and "line 2" in result.output


def test_the_poll_runs_the_same_queries_whatever_the_number_of_taps(site, client, db):
    live = start_live(site["a"], site["officer_a"], site["areas"], started_at=minutes_ago(9))
    client.login(site["officer_a"])

    def poll_queries() -> int:
        seen = []
        listener = lambda *_a: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/api/v1/live/{live.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    tap(live, site["officer_a"], site["areas"][0], seconds=10)
    few = poll_queries()
    for n in range(30):
        tap(live, site["supervisor_a"], site["areas"][n % 3], seconds=20 + n, note=f"n{n}")
    assert poll_queries() == few


def test_ending_needs_the_campus_and_a_runner_role(site, client, make_client, db):
    live = start_live(site["a"], site["officer_a"], site["areas"])
    client.login(site["officer_b"])
    assert client.post(f"/live/{live.id}/end").status_code == 404
    viewer = make_client()
    viewer.login(site["viewer"])
    assert viewer.post(f"/live/{live.id}/end").status_code == 403
    no_token = make_client()
    no_token.login(site["officer_a"])
    assert no_token.post(f"/live/{live.id}/end", csrf=False).status_code == 400  # CSRF
    db.session.expire_all()
    assert db.session.get(LiveDrill, live.id).status == LiveStatus.RUNNING
    principal = make_client()
    principal.login(site["principal_a"])
    assert principal.post(f"/live/{live.id}/end").status_code == 302
    db.session.expire_all()
    assert db.session.get(LiveDrill, live.id).ended_by_id == site["principal_a"].id


def test_a_supervisor_reorders_the_areas(site, client, make_user, db):
    client.login(site["supervisor_a"])
    north, gym, field = site["areas"]
    assert client.post(f"/areas/{field.id}/move", {"direction": "up"}).status_code == 302
    assert client.post(f"/areas/{north.id}/move", {"direction": "up"}).status_code == 302  # top
    db.session.expire_all()
    order = db.session.scalars(
        select(CampusArea.name).where(CampusArea.campus_id == site["a"].id)
        .order_by(CampusArea.position)
    ).all()  # fmt: skip
    assert order == ["North wing", "Field", "Gym"]
    page = client.get("/campuses/AAA/areas").get_data(as_text=True)
    assert page.index("North wing") < page.index("Field") < page.index("Gym")
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reorder"))
    assert event_.changes == {"Field": [30, 20], "Gym": [20, 30]}
    officer = make_user("officer", [site["a"]])
    other = make_user("supervisor", [site["b"]])
    for who, status in ((officer, 403), (other, 404)):
        client.login(who)
        assert client.post(f"/areas/{gym.id}/move", {"direction": "up"}).status_code == status
