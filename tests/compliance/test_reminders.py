"""Reminders with the injected clock and a real SMTP server: a whole term walked day by
day, escalation, confirmation, digests, failed sends retried, the notification centre,
planned drills and the iCal feed."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from safetyops.calendar import operations as calendar_service
from safetyops.compliance import operations as rule_packs
from safetyops.drills import operations as drills
from safetyops.notifications.models import EmailStatus, Notification
from safetyops.reports.models import WeeklyReport
from safetyops.scheduler.registry import run_job

LOCKDOWN_PACK = """
[pack]
id = "walk"
name = "Walk"
source = "test"

[[rules]]
id = "lockdown-30"
drill = "lockdown"
period = "term"
within_days = 30
"""
CALENDAR = """campus_code,kind,name,start_date,end_date
,term,Fall 2026,2026-08-17,2026-12-18
"""
DEADLINE = date(2026, 9, 15)


@pytest.fixture
def term(app, smtp, two_campuses):
    app.config.update(smtp.config())
    assert calendar_service.import_calendar(CALENDAR).ok
    rule_packs.load_pack(LOCKDOWN_PACK, ["AAA"])
    return two_campuses


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _subjects(db, user):
    return db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
    ).all()


def test_a_whole_term_reminds_once_per_lead_time_then_escalates_then_stops(db, smtp, term):
    principal, officer, admin = term["principal_a"], term["officer_a"], term["admin"]
    for day in _days(date(2026, 8, 10), DEADLINE + timedelta(days=15)):
        run_job("compliance-reminders", as_of=day)
        run_job("compliance-reminders", as_of=day)  # a second run finds nothing new
    due = [s for s in _subjects(db, principal) if "drill due" in s]
    assert len(due) == 5, due
    assert "in 14 days, by Sep 15, 2026" in due[0] and due[-1].endswith("drill due today")
    assert len([s for s in _subjects(db, officer) if "drill due" in s]) == 5
    overdue = [s for s in _subjects(db, admin) if s.startswith("OVERDUE")]
    # The day after the deadline, then weekly: 16 Sep, 23 Sep, 30 Sep.
    days_late = [re.search(r"\((\d+) days? ago\)", s).group(1) for s in overdue]
    assert days_late == ["1", "8", "15"]
    assert term["officer_b"].id not in db.session.scalars(select(Notification.user_id)).all()

    # The drill is logged (late): a confirmation once, then nothing more.
    campus = term["a"]
    drills.log_drill(
        campus,
        {"drill_type": "lockdown", "started_at": datetime(2026, 9, 30, 16, tzinfo=UTC)},
        principal,
        "late-one",
    )
    before = db.session.scalar(select(func.max(Notification.id)))
    for day in _days(date(2026, 9, 30), date(2026, 10, 20)):
        run_job("compliance-reminders", as_of=day)
    new = db.session.scalars(
        select(Notification.subject).where(Notification.id > before).order_by(Notification.id)
    ).all()
    assert new and all(s.endswith("requirement met") for s in new)
    assert len(new) == 2  # principal and officer, once

    # Every notification of a user on "each" was emailed exactly once.
    mail = smtp.inbox.subjects(principal.email)
    assert sorted(mail) == sorted(_subjects(db, principal))
    assert len(mail) == len(set(mail))
    message = smtp.inbox.to(principal.email)[0]
    assert message.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    assert "https://safetyops.district.test/campuses/AAA/compliance" in parts["text/plain"]
    assert 'href="https://safetyops.district.test/campuses/AAA/compliance"' in parts["text/html"]


def test_reminders_wait_for_the_campus_reminder_time(app, db, smtp, term):
    campus = term["a"]
    campus.reminder_time = "07:15"
    db.session.commit()
    early = datetime(2026, 9, 1, 13, 0, tzinfo=UTC)  # 07:00 in Denver
    assert run_job("compliance-reminders", now=early)["notifications"] == 0
    later = datetime(2026, 9, 1, 13, 20, tzinfo=UTC)  # 07:20
    assert run_job("compliance-reminders", now=later)["notifications"] == 2


def test_catch_up_after_downtime_sends_only_the_current_reminder(db, smtp, term):
    run_job("compliance-reminders", as_of=date(2026, 8, 20))  # nothing due yet
    # The scheduler was down from 20 Aug to 13 Sep: one reminder (3 days), not 14, 7 and 3.
    run_job("compliance-reminders", as_of=date(2026, 9, 12))
    assert [s for s in _subjects(db, term["principal_a"]) if "drill due" in s] == [
        "Campus AAA: Lockdown (Fall 2026) drill due in 3 days, by Sep 15, 2026"
    ]


def test_digest_users_get_one_email_a_day(db, smtp, term):
    officer = term["officer_a"]
    officer.email_preference = "digest"
    db.session.commit()
    for day in _days(date(2026, 9, 1), date(2026, 9, 8)):
        run_job("compliance-reminders", as_of=day)
    assert smtp.inbox.to(officer.email) == []
    run_job("daily-digest", as_of=date(2026, 9, 8))
    run_job("daily-digest", as_of=date(2026, 9, 8))
    digests = smtp.inbox.to(officer.email)
    assert len(digests) == 1 and "daily digest: 2 updates" in digests[0]["Subject"]
    body = digests[0].get_body(preferencelist=("plain",)).get_content()
    assert "in 14 days" in body and "in 7 days" in body


def test_a_failed_send_is_retried_and_never_blocks_the_job(app, db, smtp, term):
    app.config["SMTP_PORT"] = smtp.port + 1 if smtp.port < 65535 else 1  # nobody listens
    summary = run_job("compliance-reminders", as_of=date(2026, 9, 1))
    assert summary["notifications"] == 2 and summary["email"]["failed"] == 2
    pending = db.session.scalars(select(Notification)).all()
    assert {n.email_status for n in pending} == {EmailStatus.PENDING}
    assert all(n.email_attempts == 1 and n.email_error for n in pending)
    app.config["SMTP_PORT"] = smtp.port
    assert run_job("deliver-email")["sent"] == 2
    assert len(smtp.inbox.messages) == 2
    assert run_job("deliver-email")["sent"] == 0


def test_a_crashed_senders_email_goes_again_with_the_same_message_id(app, db, smtp, term):
    """A sender killed with an email claimed (sent or not: SMTP cannot say) leaves it
    'sending'; once the claim is stale another sender sends it, as the same message."""
    app.config["SMTP_HOST"] = ""  # made, not sent yet
    run_job("compliance-reminders", as_of=date(2026, 9, 1))
    app.config["SMTP_HOST"] = "127.0.0.1"
    assert run_job("deliver-email")["sent"] == 2
    first = {str(m["Message-ID"]) for m in smtp.inbox.messages}
    assert len(first) == 2 and all(m.startswith("<notification.") for m in first)
    claimed = datetime.now(UTC)
    crashed = db.session.scalars(select(Notification).order_by(Notification.id)).first()
    crashed.email_status, crashed.email_claimed_at = EmailStatus.SENDING, claimed
    db.session.commit()
    timeout = timedelta(seconds=app.config["EMAIL_CLAIM_TIMEOUT_SECONDS"])
    assert run_job("deliver-email", now=claimed + timeout / 2)["sent"] == 0  # still held
    assert run_job("deliver-email", now=claimed + timeout * 2)["sent"] == 1
    again = smtp.inbox.messages[-1]
    assert len(smtp.inbox.messages) == 3 and str(again["Message-ID"]) in first
    domain = app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">")
    assert str(again["Message-ID"]).startswith(f"<notification.{crashed.id}.")
    assert str(again["Message-ID"]).endswith(f"@{domain}>")


def test_jobs_run_cli_is_idempotent(runner, db, smtp, term):
    first = runner.invoke(args=["jobs", "run", "compliance-reminders", "--as-of", "2026-09-08"])
    assert first.exit_code == 0, first.output
    assert "'notifications': 2" in first.output
    again = runner.invoke(args=["jobs", "run", "compliance-reminders", "--as-of", "2026-09-08"])
    assert "'notifications': 0" in again.output
    assert len(smtp.inbox.messages) == 2
    week = runner.invoke(args=["jobs", "run", "weekly-report", "--as-of", "2026-11-23"])
    assert "'week': '2026-W47', 'snapshot': 1" in week.output
    week = runner.invoke(args=["jobs", "run", "weekly-report", "--as-of", "2026-11-23"])
    assert "'snapshot': 0" in week.output
    assert db.session.scalar(select(func.count()).select_from(WeeklyReport)) == 1
    listing = runner.invoke(args=["jobs", "list"])
    for job in ("compliance-reminders", "missed-rounds", "weekly-report", "daily-digest"):
        assert job in listing.output
    assert "last run: " in listing.output and "next run: " in listing.output
    bad = runner.invoke(args=["jobs", "run", "make-coffee"])
    assert bad.exit_code != 0 and "unknown job 'make-coffee'" in bad.output


def test_missed_rounds_alert_supervisors_once(db, smtp, term):
    from safetyops.rounds.operations import save_plan

    campus = term["a"]
    save_plan(
        campus,
        {
            "name": "Morning doors", "kind": "exterior_door_check", "weekdays": [1, 2, 3, 4, 5],
            "windows": "06:45-07:30", "school_days_only": True, "grace_minutes": 15,
            "checkpoint_ids": [cp.id for cp in campus.checkpoints],
        },
    )  # fmt: skip
    now = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)  # 08:00 in Denver, Tuesday
    assert run_job("missed-rounds", now=now)["missed"] == 1
    run_job("missed-rounds", now=now + timedelta(minutes=15))
    alerts = smtp.inbox.to(term["supervisor_a"].email)
    assert len(alerts) == 1 and "Morning doors missed (Tue, Sep 1 06:45)" in alerts[0]["Subject"]
    # A week later, last week's misses are not re-announced (catch-up, not a flood).
    assert run_job("missed-rounds", now=now + timedelta(days=7))["missed"] == 1  # that day's
    assert len(smtp.inbox.to(term["supervisor_a"].email)) == 2


def test_notification_centre(client, db, smtp, term):
    run_job("compliance-reminders", as_of=date(2026, 9, 1))
    client.login(term["principal_a"])
    home = client.get("/").get_data(as_text=True)
    assert 'id="unread-count">1<' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "drill due in 14 days" in page and "/campuses/AAA/compliance" in page
    notification = db.session.scalar(
        select(Notification).where(Notification.user_id == term["principal_a"].id)
    )
    assert (
        client.post(f"/notifications/{notification.id}/read", {"next": "//evil.test"})
        .headers["Location"]
        .endswith("/notifications")
    )
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)
    other = notification.id
    client.logout()
    client.login(term["officer_b"])  # cannot mark another user's notification
    client.post(f"/notifications/{other}/read")
    db.session.expire_all()
    officer_a_unread = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == term["officer_a"].id, Notification.read_at.is_(None))
    )
    assert officer_a_unread == 1
    assert client.post("/account/notifications", {"email_preference": "digest"}).status_code == 302
    db.session.expire_all()
    assert term["officer_b"].email_preference == "digest"


def test_planned_drills_and_the_ical_feed(client, db, term):
    client.login(term["principal_a"])
    response = client.post(
        "/campuses/AAA/drill-plans",
        {"drill_type": "lockdown", "planned_for": "2026-09-04", "notes": "2nd period"},
    )
    assert response.status_code == 302
    page = client.get("/campuses/AAA/compliance?as_of=2026-09-01").get_data(as_text=True)
    assert "Sep 4, 2026" in page and "2nd period" in page
    created = client.post("/campuses/AAA/calendar-feed").get_data(as_text=True)
    url = (
        created.split('id="feed-url" class="feed-url" aria-label')[0]
        .rsplit('value="', 1)[1]
        .split('"')[0]
    )
    path = url.split("localhost", 1)[1]
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert "Planned: Lockdown drill" in summaries
    assert any(s.startswith("Deadline: Lockdown drill (Fall 2026)") for s in summaries)
    assert all(e.get("UID") and e.get("DTSTAMP") for e in cal.walk("VEVENT"))
    client.login(term["principal_a"])
    client.post("/campuses/AAA/calendar-feed", {"revoke": "1"})
    assert client.get(path).status_code == 404
    client.logout()
    client.login(term["officer_a"])
    assert client.post("/campuses/AAA/calendar-feed").status_code == 403


def test_email_that_waited_too_long_is_not_sent(app, db, smtp, term):
    app.config["SMTP_HOST"] = ""  # email not configured yet
    run_job("compliance-reminders", as_of=date(2026, 9, 1))
    app.config["SMTP_HOST"] = "127.0.0.1"
    summary = run_job("deliver-email", now=datetime.now(UTC) + timedelta(days=4))
    assert summary["sent"] == 0 and smtp.inbox.messages == []
    assert {n.email_status for n in db.session.scalars(select(Notification))} == {
        EmailStatus.SKIPPED
    }


def test_a_pack_may_set_its_own_lead_times(db, smtp, term):
    rule_packs.load_pack(
        LOCKDOWN_PACK.replace('source = "test"', 'source = "test"\nreminder_lead_days = [5, 2]'),
        ["AAA"],
    )
    for day in _days(date(2026, 9, 1), DEADLINE):
        run_job("compliance-reminders", as_of=day)
    due = [s for s in _subjects(db, term["principal_a"]) if "drill due" in s]
    assert [s.split("due ")[1].split(",")[0] for s in due] == ["in 5 days", "in 2 days"]
