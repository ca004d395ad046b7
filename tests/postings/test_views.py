"""Public drill pages (HTML, CSV, PDF), the opt-in, cancelled drills, the deadlines on the
compliance page and the drill schedule export, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from safetyops.calendar.domain import school_year_label, school_year_of
from safetyops.postings.export import PUBLIC_COLUMNS, SCHEDULE_COLUMNS
from safetyops.postings.models import DrillCancellation, PublicPosting

ZONE = ZoneInfo("America/Denver")


def _today() -> date:
    return datetime.now(ZONE).date()


def _days():
    """Two drill days in one school year, a few days back (never in the future)."""
    base = _today() - timedelta(days=3)
    year = school_year_of(base)
    return max(date(year, 7, 1), base - timedelta(days=10)), base, year


def _log(campus, user, day, drill_type="lockdown", hour=9, **extra):
    from safetyops.drills.operations import log_drill

    started = datetime.combine(day, time(hour, 0), ZONE).astimezone(UTC)
    data = {
        "drill_type": drill_type,
        "started_at": started,
        "ended_at": started + timedelta(minutes=12),
        "conducted_by": "Officer Diaz",
        "debrief_notes": "secret debrief",
        **extra,
    }
    drill, _ = log_drill(campus, data, user, str(uuid.uuid4()))
    return drill


def _sign(drill, user):
    from safetyops.drills.operations import sign_off

    return sign_off(drill, user)


@pytest.fixture
def district(two_campuses, db):
    """Campus AAA public with two signed-off lockdowns, an unsigned evacuation, a signed
    real event and a drill older than the retention; campus BBB not public, one drill."""
    from safetyops.calendar.operations import create_entry
    from safetyops.compliance.operations import load_bundled
    from safetyops.postings.operations import set_public

    t = two_campuses
    d1, d2, year = _days()
    create_entry({"kind": "term", "name": "Fall", "start_date": date(year, 7, 1),
                  "end_date": date(year, 12, 31)})  # fmt: skip
    create_entry({"kind": "term", "name": "Spring", "start_date": date(year + 1, 1, 1),
                  "end_date": date(year + 1, 6, 30)})  # fmt: skip
    load_bundled("default")
    first = _sign(_log(t["a"], t["officer_a"], d1), t["principal_a"])
    second = _sign(_log(t["a"], t["officer_a"], d2, hour=10), t["principal_a"])
    unsigned = _log(t["a"], t["officer_a"], d2, "evacuate", hour=11)
    real = _sign(
        _log(t["a"], t["officer_a"], d2, hour=8, real_event=True, conducted_by="Real Event Guy"),
        t["principal_a"],
    )
    old = _sign(
        _log(t["a"], t["officer_a"], date(year - 3, 9, 15), conducted_by="Old Timer"),
        t["principal_a"],
    )
    other = _sign(_log(t["b"], t["officer_b"], d1, conducted_by="Other Campus Person"), t["admin"])
    set_public(t["a"], True, t["admin"])
    return {**t, "first": first, "second": second, "unsigned": unsigned, "real": real,
            "old": old, "other": other, "year": year}  # fmt: skip


# ---- the public page -----------------------------------------------------------------------------


def test_the_public_page_lists_signed_off_drills_with_running_counts(client, district):
    page = client.get("/public/AAA/drills")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    label = school_year_label(district["year"])
    assert f"School year {label}" in body
    # The default pack requires a lockdown each term: two terms, two a year.
    assert "Lockdown 1 of 2" in body and "Lockdown 2 of 2" in body
    assert body.count('class="public-drill"') == 2
    assert "Campus AAA" in body


def test_nothing_beyond_the_posted_fields_reaches_the_public(client, district):
    body = client.get("/public/AAA/drills").get_data(as_text=True)
    assert 'data-type="evacuate"' not in body  # not signed off
    for hidden in ("Real Event Guy", "Old Timer", "Other Campus Person",
                   "secret debrief", "Officer Diaz", district["principal_a"].name,
                   district["officer_a"].name):  # fmt: skip
        assert hidden not in body, hidden
    # Role mode (the default): roles, not names.
    assert "School safety officer" in body
    assert "by Principal" in body


@pytest.mark.config(PUBLIC_POSTING_CONDUCTOR="name")
def test_the_district_may_show_names_instead(client, district):
    body = client.get("/public/AAA/drills").get_data(as_text=True)
    assert "Officer Diaz" in body
    assert f"{district['principal_a'].name} (Principal)" in body
    assert "secret debrief" not in body and "Real Event Guy" not in body


@pytest.mark.parametrize("suffix", ["drills", "drills.csv", "drills.pdf"])
def test_a_campus_not_opted_in_answers_404(client, district, suffix):
    missing = client.get(f"/public/BBB/{suffix}")
    assert missing.status_code == 404
    assert "Set-Cookie" not in missing.headers
    assert "Lockdown" not in missing.get_data(as_text=True)
    assert client.get(f"/public/NOPE/{suffix}").status_code == 404
    assert client.get(f"/public/AAA/{suffix}").status_code == 200


def test_turning_the_page_off_or_deactivating_the_campus_answers_404(client, district, db):
    from safetyops.campuses.operations import set_campus_active
    from safetyops.postings.operations import set_public

    assert client.get("/public/aaa/drills").status_code == 200  # codes are case-insensitive
    set_campus_active(district["a"], False)
    assert client.get("/public/AAA/drills").status_code == 404
    set_campus_active(district["a"], True)
    set_public(district["a"], False, district["admin"])
    assert client.get("/public/AAA/drills").status_code == 404


def test_the_public_page_sets_no_cookie_and_may_be_cached(app, district):
    http = app.test_client()
    for url in ("/public/AAA/drills", "/public/AAA/drills.csv"):
        response = http.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"] == "public, max-age=300"
    assert http.get_cookie("session") is None


def test_a_signed_in_visitor_sees_the_same_page_and_it_is_not_cached(client, district):
    client.login(district["viewer"])
    response = client.get("/public/AAA/drills")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"
    assert "Lockdown 2 of 2" in response.get_data(as_text=True)


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    PUBLIC_POSTING_RATE_LIMIT="3 per minute",
    PUBLIC_POSTING_PDF_RATE_LIMIT="1 per minute",
)
def test_public_pages_are_rate_limited_per_address(app, district):
    http = app.test_client()
    statuses = [http.get("/public/AAA/drills").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # A PDF costs seconds of CPU: its own, lower limit.
    pdfs = [http.get("/public/AAA/drills.pdf").status_code for _ in range(2)]
    assert pdfs == [200, 429]
    other = app.test_client()
    assert (
        other.get("/public/AAA/drills.csv", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
        == 200
    )


def test_the_csv_has_stable_headers_and_no_formulas(client, district, db):
    from safetyops.postings.operations import set_public

    t = district
    d1, _d2, _year = _days()
    _sign(_log(t["b"], t["officer_b"], d1, hour=13, conducted_by="=HYPERLINK(1)"), t["admin"])
    set_public(t["b"], True, t["admin"])
    response = client.get("/public/AAA/drills.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == PUBLIC_COLUMNS == [
        "campus_code", "school", "school_year", "date", "start_time", "end_time", "drill_type",
        "drill_type_label", "count_this_year", "required_this_year", "conducted_by",
        "signed_off_by", "signed_off_on", "posted_on",
    ]  # fmt: skip
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["drill_type"], r["count_this_year"], r["required_this_year"]) for r in records] == [
        ("lockdown", "1", "2"),
        ("lockdown", "2", "2"),
    ]
    assert records[0]["conducted_by"] == "School safety officer"
    assert records[0]["date"] == t["first"].local_date.isoformat()
    assert records[0]["start_time"] == "09:00"
    assert records[0]["posted_on"] == _today().isoformat()
    # Name mode off: the formula typed as a name never reaches this CSV; with names on,
    # it is written as text.
    app = client.app
    app.config["PUBLIC_POSTING_CONDUCTOR"] = "name"
    rows = list(
        csv.reader(io.StringIO(client.get("/public/BBB/drills.csv").get_data(as_text=True)))
    )
    cells = [r[PUBLIC_COLUMNS.index("conducted_by")] for r in rows[1:]]
    assert "'=HYPERLINK(1)" in cells


def test_the_pdf_is_tagged_with_language_and_title_and_reads_back(client, district):
    from pypdf import PdfReader

    response = client.get("/public/AAA/drills.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Emergency drill record · Campus AAA"
    text_ = " ".join(page.extract_text() for page in reader.pages)
    assert "Campus AAA" in text_ and "Lockdown 2 of 2" in text_
    assert "Officer Diaz" not in text_ and "Real Event Guy" not in text_


# ---- opting in -------------------------------------------------------------------------------


def test_only_the_safety_department_opts_campuses_in(client, district, db):
    assert client.get("/admin/public-postings").status_code == 302  # to the login page
    client.login(district["principal_a"])
    assert client.get("/admin/public-postings").status_code == 403
    assert client.post("/admin/public-postings/BBB", {"public": "1"}).status_code == 403
    client.logout()
    client.login(district["admin"])
    page = client.get("/admin/public-postings").get_data(as_text=True)
    assert "/public/AAA/drills" in page
    assert client.post("/admin/public-postings/BBB", {"public": "1"}).status_code == 302
    assert client.post("/admin/public-postings/BBB", {"public": "1"}).status_code == 302
    assert client.post("/admin/public-postings/BBB", {"public": "1"}, csrf=False).status_code == 400
    db.session.expire_all()
    periods = db.session.scalars(
        select(PublicPosting).where(PublicPosting.campus_id == district["b"].id)
    ).all()
    assert len(periods) == 1 and periods[0].closed_at is None
    events = (
        db.session.execute(
            text("SELECT action FROM audit_event WHERE entity_type = 'public_posting'")
        )
        .scalars()
        .all()
    )
    assert sorted(events) == ["publish", "publish"]  # AAA in the fixture, BBB once here
    assert client.get("/public/BBB/drills").status_code == 200


def test_ten_simultaneous_opt_ins_open_one_period(district, db, token_for, parallel):
    headers = token_for(district["admin"])
    statuses = parallel("POST", "/admin/public-postings/BBB", data={"public": "1"}, headers=headers)
    assert statuses == [302] * 10
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count())
        .select_from(PublicPosting)
        .where(PublicPosting.campus_id == district["b"].id, PublicPosting.closed_at.is_(None))
    )
    assert count == 1


def test_opt_in_periods_are_closed_never_deleted(district, db):
    period = db.session.scalar(select(PublicPosting))
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM public_posting"))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(
            text("UPDATE public_posting SET opened_at = :t"), {"t": datetime(2020, 1, 1)}
        )
    db.session.rollback()
    assert period is not None


# ---- cancelled or missed drills ----------------------------------------------------------------


def _cancel_form(client, **values):
    page = client.get("/campuses/AAA/drills/cancelled/new").get_data(as_text=True)
    import re

    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page)
    data = {
        "client_id": client_id.group(1) if client_id else str(uuid.uuid4()),
        "submission_id": str(uuid.uuid4()),
        "drill_type": "lockdown",
        "scheduled_for": (_today() - timedelta(days=2)).isoformat(),
        "kind": "cancelled",
        "reason": "Fire alarm panel under repair",
        **values,
    }
    return data, client.post("/campuses/AAA/drills/cancelled/new", data)


def test_a_principal_records_a_cancelled_drill_once(client, district, db):
    client.login(district["principal_a"])
    data, response = _cancel_form(client)
    assert response.status_code == 302
    again = client.post("/campuses/AAA/drills/cancelled/new", data)  # a double tap
    assert again.status_code == 302
    db.session.expire_all()
    records = db.session.scalars(select(DrillCancellation)).all()
    assert len(records) == 1
    assert records[0].reason == "Fire alarm panel under repair"
    assert records[0].recorded_by_id == district["principal_a"].id
    page = client.get("/campuses/AAA/compliance").get_data(as_text=True)
    assert "Fire alarm panel under repair" in page


def test_a_cancellation_needs_a_reason_and_a_real_day(client, district, db):
    client.login(district["principal_a"])
    _data, response = _cancel_form(client, reason="   ")
    assert response.status_code == 200
    assert 'id="reason-error"' in response.get_data(as_text=True)
    _data, response = _cancel_form(client, scheduled_for="1999-01-01")
    assert response.status_code == 200
    assert 'id="scheduled_for-error"' in response.get_data(as_text=True)
    _data, response = _cancel_form(client, kind="postponed")
    assert response.status_code == 200
    assert 'id="kind-error"' in response.get_data(as_text=True)
    _data, response = _cancel_form(client, reason="x" * 1001)
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DrillCancellation)) == 0


def test_officers_and_other_campuses_cannot_record_cancellations(client, district):
    client.login(district["officer_a"])
    assert client.get("/campuses/AAA/drills/cancelled/new").status_code == 403
    client.logout()
    client.login(district["supervisor_a"])
    assert client.get("/campuses/BBB/drills/cancelled/new").status_code == 404
    assert client.get("/campuses/AAA/drills/cancelled/new").status_code == 200


def test_cancellations_are_append_only(client, district, db):
    client.login(district["principal_a"])
    _cancel_form(client)
    for statement in (
        "UPDATE drill_cancellation SET reason = 'x'",
        "DELETE FROM drill_cancellation",
    ):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement))
        db.session.rollback()


# ---- deadlines on the compliance page ------------------------------------------------------------

POLICY = """
[pack]
id = "district-records"
name = "District drill records"
[posting]
within_school_days = 1
[reschedule]
within_school_days = 1
"""


def test_unposted_drills_and_unmade_cancellations_show_overdue(client, district, db):
    from safetyops.compliance.operations import load_pack
    from safetyops.postings.operations import record_cancellation
    from safetyops.postings.queries import deadlines_for

    t = district
    load_pack(POLICY, ["AAA", "BBB"])
    d1, _d2, _ = _days()
    record_cancellation(
        t["b"],
        {"drill_type": "shelter", "scheduled_for": d1, "kind": "missed", "reason": "Snow day"},
        t["admin"],
        str(uuid.uuid4()),
    )
    as_of = _today() + timedelta(days=10)  # the injected clock: well past 1 school day
    b = deadlines_for(t["b"], as_of)
    assert [p.status for p in b.posting] == ["overdue"]  # BBB's drill was never public
    assert [r.status for r in b.reschedule] == ["overdue"]
    a = deadlines_for(t["a"], as_of)
    # AAA's lockdowns were posted when the campus opted in (today), after their deadline;
    # the unsigned evacuation is not posted at all. The real event has no deadline.
    assert sorted((p.drill, p.status) for p in a.posting) == [
        ("evacuate", "overdue"),
        ("lockdown", "late"),
        ("lockdown", "late"),
    ]
    client.login(t["supervisor_a"])
    page = client.get("/campuses/AAA/compliance").get_data(as_text=True)
    assert "Posting: each drill public within 1 school days" in page
    assert 'class="requirement status-overdue"' in page or "status-overdue" in page
    client.logout()
    client.login(t["admin"])
    page = client.get("/campuses/BBB/compliance").get_data(as_text=True)
    assert "Snow day" in page and "reschedule by" in page


def test_a_campus_without_a_posting_rule_shows_no_posting_deadlines(client, district):
    from safetyops.postings.queries import deadlines_for

    result = deadlines_for(district["a"], _today())
    assert result.policy.posting_days is None and result.posting == []
    assert result.public is True


# ---- the drill schedule export ------------------------------------------------------------


@pytest.fixture
def plans(district):
    from safetyops.planning.operations import plan_drill

    day = _today() + timedelta(days=7)
    plan_drill(district["a"], {"drill_type": "evacuate", "planned_for": day,
                               "notes": "=cmd"}, district["principal_a"])  # fmt: skip
    plan_drill(district["b"], {"drill_type": "shelter", "planned_for": day}, district["admin"])
    return day


def test_the_campus_schedule_csv_for_the_county_coordinator(client, district, plans):
    client.login(district["principal_a"])
    response = client.get(f"/campuses/AAA/drill-schedule.csv?year={school_year_of(plans)}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == SCHEDULE_COLUMNS == [
        "campus_code", "school", "school_year", "planned_for", "weekday", "drill_type",
        "drill_type_label", "notes",
    ]  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["campus_code"], row["drill_type"], row["planned_for"]) == (
        "AAA", "evacuate", plans.isoformat(),
    )  # fmt: skip
    assert row["notes"] == "'=cmd"


def test_the_schedule_pdf_reads_back(client, district, plans):
    from pypdf import PdfReader

    client.login(district["admin"])
    response = client.get(f"/drill-schedule.pdf?year={school_year_of(plans)}")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    text_ = " ".join(page.extract_text() for page in reader.pages)
    assert "Campus AAA" in text_ and "Campus BBB" in text_
    assert "Evacuate (fire drill)" in text_ and "Shelter" in text_


def test_the_schedule_export_is_scoped_and_authorized(client, district, plans):
    year = school_year_of(plans)
    client.login(district["officer_a"])
    assert client.get("/campuses/AAA/drill-schedule.csv").status_code == 403
    assert client.get("/drill-schedule.csv").status_code == 403
    client.logout()
    client.login(district["principal_a"])
    assert client.get("/campuses/BBB/drill-schedule.csv").status_code == 404
    rows = list(csv.reader(io.StringIO(
        client.get(f"/drill-schedule.csv?year={year}").get_data(as_text=True))))  # fmt: skip
    assert {r[0] for r in rows[1:]} == {"AAA"}
    client.logout()
    client.login(district["viewer"])
    rows = list(csv.reader(io.StringIO(
        client.get(f"/drill-schedule.csv?year={year}").get_data(as_text=True))))  # fmt: skip
    assert {r[0] for r in rows[1:]} == {"AAA", "BBB"}
    assert client.get("/drill-schedule.csv?year=abc").status_code == 400
    client.logout()
    assert client.get("/drill-schedule.csv").status_code == 302


def test_the_two_school_years_before_stay_public_and_older_ones_leave(client, district):
    t = district
    year = t["year"]
    _sign(_log(t["a"], t["officer_a"], date(year - 2, 10, 6), conducted_by="Kept"), t["admin"])
    body = client.get("/public/AAA/drills").get_data(as_text=True)
    assert f'data-year="{school_year_label(year - 2)}"' in body
    assert f'data-year="{school_year_label(year - 3)}"' not in body
    rows = list(
        csv.reader(io.StringIO(client.get("/public/AAA/drills.csv").get_data(as_text=True)))
    )
    years = [r[PUBLIC_COLUMNS.index("school_year")] for r in rows[1:]]
    # Oldest first; the old lockdown is the first of its own school year.
    assert years == [school_year_label(year - 2)] + [school_year_label(year)] * 2
    assert rows[1][PUBLIC_COLUMNS.index("count_this_year")] == "1"


def test_the_compliance_page_replays_posting_deadlines_on_a_past_day(client, district):
    from safetyops.compliance.operations import load_pack

    load_pack(POLICY, ["AAA"])
    client.login(district["principal_a"])
    first_day = district["first"].local_date
    page = client.get(f"/campuses/AAA/compliance?as_of={first_day.isoformat()}")
    body = page.get_data(as_text=True)
    # On the drill's own day its posting deadline is still ahead.
    import re

    item = re.search(
        rf'class="requirement status-(\w+)" data-drill-id="{district["first"].id}"', body
    )
    assert item is not None and item.group(1) == "due"
    # Today the same drill was posted late (the campus opted in after the deadline).
    body = client.get("/campuses/AAA/compliance").get_data(as_text=True)
    item = re.search(
        rf'class="requirement status-(\w+)" data-drill-id="{district["first"].id}"', body
    )
    assert item is not None and item.group(1) == "late"


@pytest.mark.config(WTF_CSRF_ENABLED=False)
def test_ten_identical_cancellations_at_once_store_one(district, db, token_for, parallel):
    headers = token_for(district["principal_a"])
    data = {
        "client_id": str(uuid.uuid4()),
        "submission_id": str(uuid.uuid4()),
        "drill_type": "shelter",
        "scheduled_for": (_today() - timedelta(days=1)).isoformat(),
        "kind": "missed",
        "reason": "Severe weather closed the school early",
    }
    statuses = parallel("POST", "/campuses/AAA/drills/cancelled/new", headers=headers, data=data)
    assert all(s < 500 for s in statuses), statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DrillCancellation)) == 1
    events = db.session.execute(
        text("SELECT count(*) FROM audit_event WHERE entity_type = 'drill_cancellation'")
    ).scalar()
    assert events == 1


def test_the_public_page_needs_the_same_queries_however_many_drills(app, district, db):
    from sqlalchemy import event

    def queries_for(url: str) -> int:
        count = {"n": 0}

        def counted(*_args, **_kw):
            count["n"] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            assert app.test_client().get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return count["n"]

    before = queries_for("/public/AAA/drills")
    t = district
    d1, _d2, _year = _days()
    for hour in range(12, 18):
        _sign(_log(t["a"], t["supervisor_a"], d1, "evacuate", hour=hour), t["principal_a"])
    assert queries_for("/public/AAA/drills") == before
    assert before <= 20, before


def test_the_public_page_and_pdf_follow_the_visitors_language(client, district):
    from pypdf import PdfReader

    headers = {"Accept-Language": "es"}
    body = client.get("/public/AAA/drills", headers=headers).get_data(as_text=True)
    assert '<html lang="es">' in body
    assert "Registro de simulacros de emergencia" in body
    pdf = client.get("/public/AAA/drills.pdf", headers=headers)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.trailer["/Root"]["/Lang"] == "es"
    # The CSV's headers and codes stay machine names in every language.
    rows = list(csv.reader(io.StringIO(
        client.get("/public/AAA/drills.csv", headers=headers).get_data(as_text=True))))  # fmt: skip
    assert rows[0] == PUBLIC_COLUMNS and rows[1][PUBLIC_COLUMNS.index("drill_type")] == "lockdown"


def test_turning_a_page_off_closes_its_period_once_and_is_audited(client, district, db):
    client.login(district["admin"])
    for _ in range(2):
        assert client.post("/admin/public-postings/AAA", {"public": "0"}).status_code == 302
    db.session.expire_all()
    period = db.session.scalar(
        select(PublicPosting).where(PublicPosting.campus_id == district["a"].id)
    )
    assert period.closed_at is not None and period.closed_by_id == district["admin"].id
    actions = (
        db.session.execute(
            text("SELECT action FROM audit_event WHERE entity_type = 'public_posting' ORDER BY id")
        )
        .scalars()
        .all()
    )
    assert actions == ["publish", "unpublish"]
    assert client.get("/public/AAA/drills").status_code == 404
    # The compliance page says so, and the drills posted while it was public stay posted.
    page = client.get("/campuses/AAA/compliance").get_data(as_text=True)
    assert "This campus has no public drill page" in page
