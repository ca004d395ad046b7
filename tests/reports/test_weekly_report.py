"""The weekly report on a known week: every figure, the CSV exports, the PDF, access, and
Monday's job (one snapshot, one email per recipient, immutable afterwards)."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from safetyops.accounts import tokens
from safetyops.calendar import operations as calendar_service
from safetyops.compliance import operations as rule_packs
from safetyops.drills.models import Drill, MedicalCall
from safetyops.findings.models import Finding
from safetyops.reports import queries as reports
from safetyops.reports.models import WeeklyReport
from safetyops.rounds.models import Round, RoundResult
from safetyops.rounds.operations import save_plan
from safetyops.scheduler.registry import run_job

DENVER = ZoneInfo("America/Denver")
WEEK = "2026-W46"  # Monday 9 to Sunday 15 November 2026
PACK = """
[pack]
id = "t"
name = "T"
source = "test"

[[rules]]
id = "lockdown-term"
drill = "lockdown"
within_days = 30

[[rules]]
id = "secure-term"
drill = "secure"
within_days = 30
"""


def local(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=DENVER).astimezone(UTC)


@pytest.fixture
def week(db, two_campuses):
    """AAA (3 doors): a Mon-Fri 06:45 door check walked Mon-Thu, missed Friday; an unlocked
    door secured on Tuesday, a door propped open on Wednesday (still open), one finding
    still open from the week before; a lockdown (12 min), an evacuation (9 min), a real
    Secure event and a medical call."""
    assert calendar_service.import_calendar(
        "campus_code,kind,name,start_date,end_date\n,term,Fall 2026,2026-08-17,2026-12-18\n"
    ).ok
    rule_packs.load_pack(PACK)
    campus, officer = two_campuses["a"], two_campuses["officer_a"]
    doors = campus.checkpoints
    plan = save_plan(
        campus,
        {
            "name": "Morning doors", "kind": "exterior_door_check", "weekdays": [1, 2, 3, 4, 5],
            "windows": "06:45-07:30", "school_days_only": True, "grace_minutes": 15,
            "checkpoint_ids": [d.id for d in doors],
        },
    )  # fmt: skip

    def walk(day, problems=()):
        started = local(day, 6, 50)
        round_ = Round(
            campus_id=campus.id, plan_id=plan.id, officer_id=officer.id, started_at=started,
            completed_at=started + timedelta(minutes=20), checkpoint_ids=[d.id for d in doors],
        )  # fmt: skip
        db.session.add(round_)
        db.session.flush()
        for i, door in enumerate(doors):
            kind, action = dict(problems).get(i, (None, None))
            result = RoundResult(
                id=str(uuid.uuid4()), round_id=round_.id, checkpoint_id=door.id,
                status="problem" if kind else "ok", finding_kind=kind, action_taken=action,
                recorded_at=started + timedelta(minutes=i + 1),
                received_at=started + timedelta(minutes=i + 1),
            )  # fmt: skip
            db.session.add(result)
            if kind:
                resolved = action == "secured"
                db.session.add(
                    Finding(
                        result_id=result.id, campus_id=campus.id, checkpoint_id=door.id,
                        kind=kind, opened_at=result.recorded_at,
                        status="resolved" if resolved else "open",
                        resolved_at=result.recorded_at if resolved else None,
                    )
                )  # fmt: skip

    walk(3, [(0, ("propped_open", "none"))])  # the week before: still open a week later
    walk(9)
    walk(10, [(0, ("unlocked", "secured"))])
    walk(11, [(1, ("propped_open", "called_supervisor"))])
    walk(12)
    for kind, day, hour, minutes, real in (
        ("lockdown", 10, 10, 12, False),
        ("evacuate", 12, 13, 9, False),
        ("secure", 13, 11, 40, True),
    ):
        db.session.add(
            Drill(
                campus_id=campus.id, client_id=str(uuid.uuid4()), drill_type=kind,
                real_event=real, started_at=local(day, hour),
                ended_at=local(day, hour) + timedelta(minutes=minutes),
                local_date=date(2026, 11, day),
            )
        )  # fmt: skip
    db.session.add(
        MedicalCall(
            campus_id=campus.id, client_id="m1", called_at=local(11, 12, 20), location="Gym",
            actions=["first_aid"],
        )
    )  # fmt: skip
    db.session.commit()
    return two_campuses


def section(data, code="AAA"):
    return next(s for s in data["campuses"] if s["code"] == code)


def test_every_figure_of_a_known_week(app, db, week):
    data = reports.build(WEEK, [week["a"], week["b"]], now=datetime(2026, 11, 20, tzinfo=UTC))
    s = section(data)
    assert (s["rounds_expected"], s["rounds_completed"], s["rounds_missed"]) == (5, 4, 1)
    assert s["completion_pct"] == 80.0
    assert (s["checks"], s["checkpoints_checked"]) == (12, 3)
    assert s["findings_opened"] == 2
    assert s["findings_by_kind"] == {"unlocked": 1, "propped_open": 1}
    assert s["findings_resolved"] == 1
    assert s["still_open"] == 2
    assert s["open_age"] == {"0-7 days": 1, "8-30 days": 1, "over 30 days": 0}
    assert s["oldest_open_days"] == 12  # opened Tue 3 Nov 06:51, week ends Mon 16 Nov 00:00
    assert s["drills_total"] == 3 and s["real_events"] == 1
    assert s["drills"] == [
        {"type": "evacuate", "count": 1, "real": 0, "avg_minutes": 9.0},
        {"type": "lockdown", "count": 1, "real": 0, "avg_minutes": 12.0},
        {"type": "secure", "count": 1, "real": 1, "avg_minutes": 40.0},
    ]
    assert s["medical_calls"] == 1
    # Fall term: the lockdown (10 Nov) came after its 15 Sep deadline; the only Secure was
    # a real event, which does not count.
    assert s["compliance"] == {"met": 0, "late": 1, "due": 0, "overdue": 1, "upcoming": 0}
    assert [o["rule"] for o in s["overdue"]] == ["secure-term"]
    assert [t["week"] for t in s["trend"]][-2:] == ["2026-W45", "2026-W46"]
    assert s["trend"][-1] == {"week": "2026-W46", "completion_pct": 80.0, "findings": 2}
    assert s["trend"][-2]["findings"] == 1
    # Against the 8 weeks before: 0% for seven weeks, 20% in W45 (only Tuesday walked).
    assert s["versus"] == {
        "completion_avg": 2.5, "completion_change": 77.5,
        "findings_avg": 0.1, "findings_change": 1.9,
    }  # fmt: skip
    empty = section(data, "BBB")
    assert empty["rounds_expected"] == 0 and empty["completion_pct"] is None
    district = data["district"]
    assert district["rounds_expected"] == 5 and district["completion_pct"] == 80.0
    assert district["findings_by_kind"] == {"unlocked": 1, "propped_open": 1}
    assert district["overdue"] == [
        {"campus": "Campus AAA", "drill": "secure", "period": "Fall 2026",
         "deadline": "2026-09-15", "rule": "secure-term"},
        {"campus": "Campus BBB", "drill": "lockdown", "period": "Fall 2026",
         "deadline": "2026-09-15", "rule": "lockdown-term"},
        {"campus": "Campus BBB", "drill": "secure", "period": "Fall 2026",
         "deadline": "2026-09-15", "rule": "secure-term"},
    ]  # fmt: skip


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_exports_columns_and_rows(client, db, week):
    client.login(week["admin"])
    window = "from=2026-11-09&to=2026-11-15"
    expected = {
        "rounds": (4, ["round_id", "campus_code", "plan", "kind", "officer", "started_at",
                       "completed_at", "checkpoints", "incomplete_reason"]),
        "results": (12, ["result_id", "round_id", "campus_code", "checkpoint", "status",
                         "finding_kind", "action_taken", "note", "recorded_at", "received_at"]),
        "findings": (2, ["finding_id", "campus_code", "checkpoint", "kind", "status",
                         "opened_at", "acknowledged_at", "resolved_at", "resolution"]),
        "drills": (3, ["id", "campus_code", "type", "real_event", "announced", "date",
                       "started_at", "ended_at", "conducted_by", "notification_method",
                       "staff_participating", "occupants", "time_to_complete_seconds", "hazard",
                       "evacuation_location", "special_conditions", "problems",
                       "problems_notes", "weather", "observers", "debrief_notes", "follow_ups",
                       "signed_off_by", "signed_off_at", "amendments"]),
    }  # fmt: skip
    for kind, (count, header) in expected.items():
        response = client.get(f"/exports/{kind}.csv?{window}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = _csv(response)
        assert rows[0] == header, kind
        assert len(rows) - 1 == count, kind
    rounds = _csv(client.get(f"/exports/rounds.csv?{window}"))
    assert rounds[1][1:4] == ["AAA", "Morning doors", "exterior_door_check"]
    assert rounds[1][7] == "3"
    drills = _csv(client.get(f"/exports/drills.csv?{window}"))
    assert [r[2] for r in drills[1:]] == ["lockdown", "evacuate", "secure"]
    assert drills[3][3] == "true"
    # One drill CSV format: the campus's own export gives the same header and rows.
    campus_year = _csv(client.get("/campuses/AAA/drills.csv?year=2026"))
    assert campus_year[0] == drills[0]
    assert [r for r in campus_year[1:] if r[0] in {d[0] for d in drills[1:]}] == drills[1:]
    assert client.get("/exports/results.csv?from=2026-11-09").status_code == 400
    assert client.get("/exports/secrets.csv?from=2026-11-09&to=2026-11-10").status_code == 404


def test_exports_and_reports_take_an_api_token_and_respect_campuses(app, client, db, week):
    _token, secret = tokens.create_token(week["viewer"], "script")
    response = app.test_client().get(
        "/exports/findings.csv?from=2026-11-01&to=2026-11-30",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200 and len(_csv(response)) == 4
    client.login(week["officer_b"])
    assert client.get("/exports/findings.csv?from=2026-11-01&to=2026-11-30").status_code == 403
    client.logout()
    _t, principal_b_secret = tokens.create_token(week["officer_b"], "x")
    assert (
        app.test_client()
        .get(
            f"/reports/weekly?week={WEEK}",
            headers={"Authorization": f"Bearer {principal_b_secret}"},
        )
        .status_code
        == 403
    )


def test_report_page_pdf_and_scoping(client, db, week, make_user):
    client.login(week["admin"])
    page = client.get(f"/reports/weekly?week={WEEK}").get_data(as_text=True)
    assert 'id="district"' in page and 'data-campus="AAA"' in page and 'data-campus="BBB"' in page
    assert page.count("<svg") == 3 and "80%" in page
    pdf = client.get(f"/reports/weekly?week={WEEK}&format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Weekly safety report" in text and "week 46, 2026" in text and "Campus AAA" in text
    assert client.get("/reports/weekly?week=2026-W99").status_code == 400
    client.logout()

    principal = make_user("principal", [week["a"]])
    client.login(principal)
    mine = client.get(f"/reports/weekly?week={WEEK}").get_data(as_text=True)
    assert 'data-campus="AAA"' in mine and 'data-campus="BBB"' not in mine
    assert 'id="district"' not in mine
    assert client.get(f"/reports/weekly?week={WEEK}&campus=BBB").status_code == 400


def test_monday_job_stores_one_snapshot_and_emails_each_recipient_once(app, client, db, week, smtp):
    app.config.update(smtp.config())
    monday = datetime(2026, 11, 16, 13, 5, tzinfo=UTC)  # 06:05 in Denver
    first = run_job("weekly-report", now=monday)
    again = run_job("weekly-report", now=monday + timedelta(minutes=30))
    assert first["week"] == WEEK and first["snapshot"] == 1 and again["snapshot"] == 0
    assert db.session.scalar(select(func.count()).select_from(WeeklyReport)) == 1
    to = sorted(str(m["To"]) for m in smtp.inbox.messages)
    assert to == sorted([week["admin"].email, week["viewer"].email, week["principal_a"].email])
    principal_mail = smtp.inbox.to(week["principal_a"].email)[0]
    body = principal_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Rounds completed 80%" in body and f"week={WEEK}&campus=AAA&format=pdf" in body
    # A late entry after Monday does not change what was sent ...
    db.session.add(
        Drill(
            campus_id=week["a"].id, client_id="late", drill_type="secure",
            started_at=local(13, 9), ended_at=None, local_date=date(2026, 11, 13),
        )
    )  # fmt: skip
    db.session.commit()
    client.login(week["admin"])
    sent = client.get(f"/reports/weekly?week={WEEK}").get_data(as_text=True)
    assert "as sent on Nov 16, 2026" in sent
    live = client.get(f"/reports/weekly?week={WEEK}&live=1").get_data(as_text=True)
    drills_stat = '<span class="stat-value">{}</span><span class="stat-label">drills and events'
    assert drills_stat.format(3) in sent and drills_stat.format(4) not in sent
    assert drills_stat.format(4) in live
