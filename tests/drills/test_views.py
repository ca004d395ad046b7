"""Drill pages and API: logging (idempotent), validation on the form, sign-off and
amendments, access per campus, exports, medical calls, compliance pages, calendar admin."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from safetyops.audit.models import AuditEvent
from safetyops.calendar import operations as calendar_service
from safetyops.calendar.models import CalendarEntry
from safetyops.compliance import operations as rule_packs
from safetyops.drills.models import Drill, DrillAmendment, MedicalCall

PACKS = Path(__file__).resolve().parents[2] / "safetyops" / "compliance" / "rulepacks"
CALENDAR = """campus_code,kind,name,start_date,end_date
,term,Fall 2026,2026-08-17,2026-12-18
,term,Spring 2027,2027-01-05,2027-05-27
,closed,Thanksgiving break,2026-11-23,2026-11-27
"""


@pytest.fixture
def district(two_campuses):
    assert calendar_service.import_calendar(CALENDAR).ok
    rule_packs.load_pack((PACKS / "default.toml").read_text())
    return two_campuses


def drill_form(**overrides):
    data = {
        "client_id": "c-1",
        "drill_type": "lockdown",
        "day": "2026-09-01",
        "start_time": "10:00",
        "end_time": "10:12",
        "announced": "y",
        "conducted_by": "Pat Principal",
        "notification_method": "PA",
        "staff_participating": "30",
        "occupants": "412",
        "time_to_complete_seconds": "95",
        "problems": ["door_would_not_lock"],
        "observers": ["police"],
        "follow_ups-0-action": "Fix room 12 lock",
        "follow_ups-0-owner": "Facilities",
        "follow_ups-0-due": "2026-09-15",
        "follow_ups-1-action": "Re-train substitute staff",
        "follow_ups-1-owner": "AP",
    }
    data.update(overrides)
    return data


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_log_a_drill_twice_stores_it_once(client, db, district):
    client.login(district["principal_a"])
    form = client.get("/campuses/AAA/drills/new?type=fire+drill").get_data(as_text=True)
    assert '<option selected value="evacuate">' in form  # the synonym picks the canonical type
    assert "student names" in form
    first = client.post("/campuses/AAA/drills/new", drill_form())
    again = client.post("/campuses/AAA/drills/new", drill_form())
    assert first.status_code == again.status_code == 302
    assert _count(db, Drill) == 1
    drill = db.session.scalar(select(Drill))
    assert drill.local_date == date(2026, 9, 1)
    assert drill.started_at.isoformat() == "2026-09-01T16:00:00+00:00"
    assert drill.follow_ups == [
        {"action": "Fix room 12 lock", "owner": "Facilities", "due": "2026-09-15"},
        {"action": "Re-train substitute staff", "owner": "AP", "due": None},
    ]
    assert drill.problems == ["door_would_not_lock"] and drill.observers == ["police"]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Fix room 12 lock" in page and "412" in page


def test_bad_drill_input_is_shown_on_the_form(client, db, district):
    client.login(district["officer_a"])
    response = client.post(
        "/campuses/AAA/drills/new", drill_form(end_time="09:00", staff_participating="-3")
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "It cannot end before it started." in page
    assert "Number must be at least 0." in page or "at least 0" in page
    assert _count(db, Drill) == 0
    future = client.post("/campuses/AAA/drills/new", drill_form(day="2031-01-01"))
    assert "That is in the future." in future.get_data(as_text=True)


def test_sign_off_then_changes_are_amendments_with_a_reason(make_client, db, district):
    officer, principal = make_client(), make_client()
    officer.login(district["officer_a"])
    principal.login(district["principal_a"])
    officer.post("/campuses/AAA/drills/new", drill_form())
    drill = db.session.scalar(select(Drill))
    # Before sign-off the officer may fix a typo directly.
    officer.post(f"/drills/{drill.id}/edit", drill_form(occupants="420"))
    assert officer.post(f"/drills/{drill.id}/sign-off").status_code == 403
    assert principal.post(f"/drills/{drill.id}/sign-off").status_code == 302
    no_reason = principal.post(f"/drills/{drill.id}/edit", drill_form(occupants="500"))
    assert no_reason.status_code == 200
    assert "This field is required." in no_reason.get_data(as_text=True)
    amended = principal.post(
        f"/drills/{drill.id}/edit", drill_form(occupants="500", reason="Miscounted portables")
    )
    assert amended.status_code == 302
    db.session.expire_all()
    drill = db.session.get(Drill, drill.id)
    assert drill.occupants == 500 and drill.is_signed_off
    amendment = db.session.scalar(select(DrillAmendment))
    assert amendment.reason == "Miscounted portables"
    assert amendment.changes == {"occupants": [420, 500]}
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "drill").order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "update", "sign_off", "amend"]
    page = principal.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert "Miscounted portables" in page and "420 → 500" in page


def test_other_campus_cannot_see_or_log(client, db, district):
    client.login(district["officer_b"])
    assert client.get("/campuses/AAA/drills/new").status_code == 404
    assert client.post("/campuses/AAA/drills/new", drill_form()).status_code == 404
    assert client.get("/campuses/AAA/compliance").status_code == 404
    assert client.get("/api/v1/campuses/AAA/compliance").status_code == 404
    assert _count(db, Drill) == 0


def test_viewer_cannot_log(client, district):
    client.login(district["viewer"])
    assert client.get("/campuses/AAA/drills/new").status_code == 403
    assert client.get("/campuses/AAA/drills").status_code == 200


def test_exports_csv_print_and_pdf(client, db, district):
    client.login(district["principal_a"])
    client.post("/campuses/AAA/drills/new", drill_form())
    client.post("/campuses/AAA/drills/new", drill_form(client_id="c-2", drill_type="evacuate"))
    csv_response = client.get("/campuses/AAA/drills.csv?year=2026")
    assert csv_response.mimetype == "text/csv"
    assert "drills-AAA-2026-2027.csv" in csv_response.headers["Content-Disposition"]
    lines = csv_response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,campus_code,type,real_event,announced,date,started_at")
    assert len(lines) == 3 and ",lockdown,false,true,2026-09-01,2026-09-01T10:00-06:00" in lines[1]
    other_year = client.get("/campuses/AAA/drills.csv?year=2025").get_data(as_text=True)
    assert len(other_year.splitlines()) == 1
    page = client.get("/campuses/AAA/drills/print?year=2026").get_data(as_text=True)
    assert "Emergency drill record" in page and "Fix room 12 lock" in page
    pdf = client.get("/campuses/AAA/drills/print?year=2026&format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_medical_call(client, db, district):
    client.login(district["officer_a"])
    data = {
        "client_id": "m-1",
        "day": "2026-10-05",
        "called_time": "12:20",
        "location": "Gym",
        "actions": ["first_aid", "called_911"],
        "ems_time": "12:31",
    }
    assert client.post("/campuses/AAA/medical/new", data).status_code == 302
    assert client.post("/campuses/AAA/medical/new", data).status_code == 302
    call = db.session.scalar(select(MedicalCall))
    assert _count(db, MedicalCall) == 1 and call.actions == ["called_911", "first_aid"]
    bad = client.post(
        "/campuses/AAA/medical/new", {**data, "client_id": "m-2", "ems_time": "11:00"}
    )
    assert "EMS cannot arrive before the call." in bad.get_data(as_text=True)
    listing = client.get("/campuses/AAA/drills?year=2026").get_data(as_text=True)
    assert "Gym" in listing


def test_compliance_api(client, db, district):
    client.login(district["principal_a"])
    client.post("/campuses/AAA/drills/new", drill_form())
    data = client.get("/api/v1/campuses/AAA/compliance?as_of=2026-09-02").json
    assert data["campus"] == "AAA" and data["as_of"] == "2026-09-02"
    lockdown = next(
        r
        for r in data["requirements"]
        if r["rule"] == "lockdown-each-term" and r["period"] == "Fall 2026"
    )
    assert lockdown["status"] == "met" and len(lockdown["drills"]) == 1
    bad = client.get("/api/v1/campuses/AAA/compliance?as_of=tomorrow")
    assert bad.status_code == 400 and bad.json["field"] == "as_of"


def test_principal_page_shows_status_and_one_tap_log(client, db, district):
    client.login(district["principal_a"])
    page = client.get("/campuses/AAA/compliance?as_of=2026-09-02").get_data(as_text=True)
    lockdown = re.search(
        r'<li class="requirement status-(\w+)" data-rule="lockdown-each-term"', page
    )
    assert lockdown.group(1) == "due"
    assert "days left" in page
    assert "/campuses/AAA/drills/new?type=lockdown&amp;back=compliance" in page
    assert "Spring 2027" not in page  # this term only
    assert "Spring 2027" in client.get("/campuses/AAA/compliance?all=1").get_data(as_text=True)


def _queries(app, fn):
    from safetyops.extensions import db

    count = {"n": 0}

    def before(*_args):
        count["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return response, count["n"]


def test_district_page_uses_a_fixed_number_of_queries(app, client, db, district, make_campus):
    client.login(district["admin"])
    small, few = _queries(app, lambda: client.get("/compliance?as_of=2026-09-20"))
    for _ in range(5):
        make_campus()
    rule_packs.load_pack((PACKS / "default.toml").read_text())
    big, many = _queries(app, lambda: client.get("/compliance?as_of=2026-09-20"))
    assert small.status_code == big.status_code == 200
    assert few == many, (few, many)
    page = big.get_data(as_text=True)
    assert page.count('class="matrix-row"') == 7
    assert "Overdue" in page


def test_calendar_admin(client, db, district):
    client.login(district["admin"])
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "Fall 2026" in page and "Thanksgiving break" in page
    response = client.post(
        "/admin/calendar/new",
        {
            "campus_id": district["a"].id,
            "kind": "closed",
            "name": "Water main",
            "start_date": "2026-10-02",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(CalendarEntry).where(CalendarEntry.name == "Water main"))
    assert entry.end_date == date(2026, 10, 2) and entry.campus_id == district["a"].id
    bad = client.post(
        "/admin/calendar/new",
        {
            "campus_id": 0,
            "kind": "term",
            "name": "X",
            "start_date": "2026-10-02",
            "end_date": "2026-09-01",
        },
    )
    assert "The last day is before the first day." in bad.get_data(as_text=True)
    entry_id = entry.id
    assert client.post(f"/admin/calendar/{entry_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(CalendarEntry, entry_id) is None
    packs = client.get("/admin/rule-packs").get_data(as_text=True)
    assert "lockdown-each-term" in packs and "DPS SRO FAQ" in packs


def test_calendar_admin_is_admin_only(client, district):
    client.login(district["principal_a"])
    assert client.get("/admin/calendar").status_code == 403


def test_officer_home_has_big_buttons_to_log_drills_events_and_medical_calls(client, district):
    client.login(district["officer_a"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/campuses/AAA/drills/new"' in home
    assert 'href="/campuses/AAA/drills/new?real=1"' in home
    assert 'href="/campuses/AAA/medical/new"' in home
    assert "/campuses/BBB/" not in home


def test_district_matrix_sorts_by_a_requirement(client, db, district):
    client.login(district["admin"])
    client.post("/campuses/AAA/drills/new", drill_form())  # AAA: lockdown met
    client.post("/campuses/BBB/drills/new", drill_form(client_id="c-2", drill_type="secure"))
    page = client.get("/compliance?as_of=2026-09-20").get_data(as_text=True)
    headings = {
        name: col
        for col, name in re.findall(
            r'<a href="\?sort=(col:\d+)[^"]*">([a-z0-9 -]+)<br>Fall 2026', page
        )
    }

    def order(sort):
        body = client.get(f"/compliance?as_of=2026-09-20&sort={sort}").get_data(as_text=True)
        return re.findall(r'data-campus="(\w+)"', body)

    assert order(headings["lockdown each term"]) == ["BBB", "AAA"]  # BBB's is overdue
    assert order(headings["secure each term"]) == ["AAA", "BBB"]  # AAA's is overdue
    assert order("name") == ["AAA", "BBB"]
    assert client.get("/compliance?sort=col:999").status_code == 200  # unknown: the default
