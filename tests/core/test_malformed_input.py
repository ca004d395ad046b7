"""Malformed input gets a clear 4xx naming the field, and nothing is stored: never a 500.

Covers what an outside probe sent: dates at year 1 and 9999 in every date field and query
parameter, ids past 2^31/2^63 in paths and bodies, integers past 2^31, NUL bytes, a lone
UTF-16 surrogate, wrong JSON types, over-long text, line breaks that reach a redirect, a
batch with one bad item. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from safetyops.calendar.models import CalendarEntry
from safetyops.drills.models import Drill, MedicalCall
from safetyops.planning.models import DrillPlan
from safetyops.rounds.models import Round, RoundResult
from tests.drills.test_views import district, drill_form  # noqa: F401 - fixture and helper
from tests.rounds.test_rounds import result, start

HUGE = "99999999999999999999"


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# ---- query parameters -----------------------------------------------------------------

QUERIES = [
    ("/campuses/AAA/compliance?as_of=9999-12-31", "as_of"),
    ("/campuses/AAA/compliance?as_of=0001-01-01", "as_of"),
    ("/compliance?as_of=9999-12-31", "as_of"),
    ("/api/v1/campuses/AAA/compliance?as_of=9999-12-31", "as_of"),
    ("/api/v1/campuses/AAA/compliance?as_of=0001-01-01", "as_of"),
    ("/reports/weekly?week=9999-W52", "week"),
    ("/reports/weekly?week=0001-W01", "week"),
    ("/campuses/AAA/drills?year=99999", "year"),
    ("/campuses/AAA/drills?year=-1", "year"),
    ("/campuses/AAA/drills/print?year=99999", "year"),
    ("/exports/results.csv?from=2026-01-01&to=9999-12-31", "to"),
    ("/exports/drills.csv?from=0001-01-01&to=2026-01-01", "from"),
    ("/findings?from=0001-01-01", "from"),
    ("/rounds/missed?to=9999-12-31", "to"),
    ("/campuses/AAA/drills/new?day=9999-12-31", "day"),
    ("/findings?kind=%00", "kind"),
]


@pytest.mark.parametrize(("url", "field"), QUERIES)
def test_query_parameters_out_of_range_are_a_400_naming_them(client, district, url, field):  # noqa: F811
    client.login(district["admin"])
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    body = response.get_data(as_text=True)
    assert field in (response.json or {}).get("field", body)


@pytest.mark.parametrize(
    "url",
    [f"/rounds/{HUGE}", f"/api/v1/rounds/{HUGE}", f"/drills/{HUGE}", f"/checkpoints/{HUGE}",
     "/rounds/2147483648", f"/photos/{'x' * 40}"],
)  # fmt: skip
def test_ids_beyond_the_database_range_are_not_found(client, district, url):  # noqa: F811
    client.login(district["admin"])
    assert client.get(url).status_code == 404


# ---- JSON bodies ----------------------------------------------------------------------


@pytest.mark.parametrize("plan_id", [1e30, int(HUGE), True, 1.9, "1", None, [1]])
def test_round_start_refuses_odd_plan_ids(client, two_campuses, plan, db, plan_id):
    client.login(two_campuses["officer_a"])
    response = client.post_json("/api/v1/rounds", {"plan_id": plan_id})
    assert response.status_code == 400 and response.json["field"] == "plan_id"
    assert _count(db, Round) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checkpoint_id": True}, "checkpoint_id"),
        ({"checkpoint_id": 1.9}, "checkpoint_id"),
        ({"checkpoint_id": int(HUGE)}, "checkpoint_id"),
        ({"recorded_at": "9999-12-31T10:00:00Z"}, "recorded_at"),
        ({"recorded_at": "2999-01-01T10:00:00Z"}, "recorded_at"),
        ({"recorded_at": "1900-01-01T10:00:00Z"}, "recorded_at"),
        ({"recorded_at": "0001-01-01T00:00:00Z"}, "recorded_at"),
        ({"note": "door\x00"}, "note"),
        ({"note": "\ud800"}, "note"),
        ({"note": ["a", "list"]}, "note"),
        ({"note": "x" * 100_000}, "note"),
        ({"status": "problem", "finding_kind": ["unlocked"]}, "finding_kind"),
        ({"status": "problem", "finding_kind": "unlocked", "action_taken": {"x": 1}},
         "action_taken"),
    ],
)  # fmt: skip
def test_result_bodies_are_refused_naming_the_field(client, two_campuses, plan, db, change, field):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    body = {**result(plan.stops[0].checkpoint_id), **change}
    response = client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["field"] == field
    assert _count(db, RoundResult) == 0


def test_a_batch_stores_or_refuses_each_item_on_its_own(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    stops = [s.checkpoint_id for s in plan.stops]
    good = result(stops[0])
    bad = {**result(stops[1]), "status": "problem", "finding_kind": ["x"]}
    odd = ["not", "an", "object"]
    response = client.post_json(
        f"/api/v1/rounds/{round_['id']}/results/batch", {"results": [good, bad, odd]}
    )
    assert response.status_code == 200
    assert [o["status"] for o in response.json["results"]] == [201, 400, 400]
    assert _count(db, RoundResult) == 1


@pytest.mark.parametrize("reason", [["a", "list"], 12, "x" * 100_000])
def test_completion_reason_must_be_bounded_text(client, two_campuses, plan, db, reason):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    response = client.post_json(f"/api/v1/rounds/{round_['id']}/complete", {"reason": reason})
    assert response.status_code == 400 and response.json["field"] == "reason"
    assert db.session.get(Round, round_["id"]).completed_at is None


# ---- forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_calendar_dates_out_of_range_are_refused(client, district, db, day):  # noqa: F811
    client.login(district["admin"])
    before = _count(db, CalendarEntry)
    page = client.post(
        "/admin/calendar/new",
        {"campus_id": "0", "kind": "closed", "name": "Typo", "start_date": day},
    )
    assert page.status_code == 200 and "must be between" in page.get_data(as_text=True)
    assert _count(db, CalendarEntry) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": "0001-01-01"}, "must be between"),
        ({"occupants": "2147483648"}, "At most"),
        ({"occupants": "99999999999999999999"}, "At most"),
        ({"debrief_notes": "x" * 10_000}, ""),
    ],
)
def test_drill_form_bounds(client, district, db, change, message):  # noqa: F811
    client.login(district["officer_a"])
    page = client.post("/campuses/AAA/drills/new", drill_form(client_id="b-1", **change))
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _count(db, Drill) == 0


def test_planned_drill_and_medical_call_dates_out_of_range(client, district, db):  # noqa: F811
    client.login(district["principal_a"])
    client.post(
        "/campuses/AAA/drill-plans", {"drill_type": "lockdown", "planned_for": "9999-12-31"}
    )
    assert _count(db, DrillPlan) == 0
    client.login(district["officer_a"])
    page = client.post(
        "/campuses/AAA/medical/new",
        {"client_id": "m-x", "day": "0001-01-01", "called_time": "10:00", "location": "Gym"},
    )
    assert page.status_code == 200
    assert _count(db, MedicalCall) == 0


@pytest.mark.parametrize("windows", ["08:00-07:00", ", ".join(["06:00-06:30"] * 1000)])
def test_round_plan_windows_are_bounded(client, two_campuses, db, windows):
    client.login(two_campuses["supervisor_a"])
    ids = [str(cp.id) for cp in two_campuses["a"].checkpoints]
    page = client.post(
        "/campuses/AAA/round-plans/new",
        {"name": "Night", "kind": "perimeter_sweep", "weekdays": ["1"], "windows": windows,
         "grace_minutes": "10", "checkpoint_ids": ids},
    )  # fmt: skip
    assert page.status_code == 200 and "window" in page.get_data(as_text=True)


def test_nul_bytes_anywhere_are_a_400_even_before_sign_in(client, district, db):  # noqa: F811
    response = client.post("/login", {"email": "admin\x00@x.test", "password": "whatever"})
    assert response.status_code == 400 and "email" in response.get_data(as_text=True)
    client.login(district["officer_a"])
    page = client.post(
        "/campuses/AAA/drills/new", drill_form(client_id="n-1", debrief_notes="a\x00b")
    )
    assert page.status_code == 400
    assert _count(db, Drill) == 0


def test_a_line_break_in_a_redirect_target_is_ignored(client, two_campuses, plan, db):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(plan.stops[0].checkpoint_id, "problem", finding_kind="unlocked"),
    )
    from safetyops.findings.models import Finding

    finding = db.session.scalar(select(Finding))
    client.login(two_campuses["supervisor_a"])
    response = client.post(
        f"/findings/{finding.id}/acknowledge",
        {"back": "/findings\r\nSet-Cookie: x=1", "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 302 and response.location == "/findings"


def test_a_finding_resolution_is_bounded(client, two_campuses, plan, db):
    from safetyops.findings.models import Finding

    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(plan.stops[0].checkpoint_id, "problem", finding_kind="unlocked"),
    )
    finding = db.session.scalar(select(Finding))
    client.login(two_campuses["supervisor_a"])
    page = client.post(f"/findings/{finding.id}/resolve", {"resolution": "x" * 10_000})
    assert page.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Finding, finding.id)
    assert stored.status == "open" and stored.resolution == ""
