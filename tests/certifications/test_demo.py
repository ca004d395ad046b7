"""The demo district's firm, certifications and training sessions: a firm serving three
campuses, officers with one certificate expiring soon and one expired (flagged on their
campus and on the home pages), and staff training sessions counted by the default pack."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

import safetyops.all_models  # noqa: F401
from safetyops.certifications import queries
from safetyops.certifications.models import SecurityFirm, TrainingSession
from safetyops.compliance.engine import RequirementStatus
from safetyops.demo.district import load_demo
from safetyops.scheduler.registry import run_job

NOW = datetime(2026, 11, 16, 16, 0, tzinfo=UTC)  # a Monday in term: the demo is dated by it
TODAY = date(2026, 11, 16)


def test_the_demo_district_shows_every_certification_state(app, db, client):
    counts = load_demo(NOW)
    assert counts["security_firms"] == 1 and counts["training_sessions"] >= 4
    firm = db.session.scalar(select(SecurityFirm))
    assert firm.name == "Sentinel Campus Security"
    assert [c.code for c in firm.campuses] == ["AVE", "CCE", "RMS"]

    from safetyops.accounts.models import User

    admin = db.session.scalar(select(User).where(User.email == "admin@demo.local"))
    rows = queries.officer_rows(admin, TODAY)
    flags = queries.flagged(rows)
    expired = {(r.officer.email, c.cert.kind.name) for r, c in flags["expired"]}
    expiring = {(r.officer.email, c.cert.kind.name) for r, c in flags["expiring"]}
    assert expired == {("officer@demo.local", "Firearms qualification")}
    assert ("officer@demo.local", "CPR/AED") in expiring
    assert ("officer2@demo.local", "First aid") in expiring
    # The renewed first-aid card counts, not last year's expired one.
    olivia = next(r for r in rows if r.officer.email == "officer@demo.local")
    first_aid = [c for c in olivia.certs if c.cert.kind.name == "First aid"]
    assert [c.current for c in first_aid] == [True, False]

    ave = next(c for c in firm.campuses if c.code == "AVE")
    held = db.session.scalars(select(TrainingSession).where(TrainingSession.campus_id == ave.id))
    assert {s.protocol for s in held} == {"hold", "secure", "lockdown", "evacuate"}
    statuses = {r.drill: r.status for r in queries.training_requirements(ave, TODAY)}
    assert statuses["shelter"] in (RequirementStatus.OVERDUE, RequirementStatus.DUE)
    assert statuses["hold"] in (RequirementStatus.MET, RequirementStatus.LATE)

    summary = run_job("certification-reminders", as_of=TODAY)
    assert summary["notices"] >= 3 and summary["notifications"] > 0

    client.login("principal@demo.local", "safetyops-demo")
    page = client.get("/campuses/AVE").get_data(as_text=True)
    assert 'data-officer="officer@demo.local"' in page and 'data-flag="expired"' in page
