"""weekly-report: last week's report, stored once as an immutable snapshot, then one email
per recipient (the safety department and viewers: the district; each principal: their
campus) with links to the page and the PDF."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from safetyops.campuses.models import Campus
from safetyops.extensions import db
from safetyops.notifications import operations as notifications
from safetyops.notifications.operations import Message
from safetyops.reports import domain as weekly
from safetyops.reports import queries as reports
from safetyops.scheduler.context import JobContext


def _summary(figures: dict) -> str:
    return (
        f"Rounds completed {figures['completion_pct']}%, {figures['rounds_missed']} missed; "
        f"{figures['findings_opened']} findings opened, {figures['still_open']} still open"
    )


def run(ctx: JobContext) -> dict:
    label = weekly.previous_week(ctx.local_today(current_app.config["SCHEDULER_TIMEZONE"]))
    # The snapshot's week is unique: a second run, or a second process, finds it stored.
    snapshot, created = reports.store_snapshot(label, ctx.now)
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"/reports/weekly?week={label}"
    district = snapshot.data["district"]
    sent = notifications.notify(
        notifications.safety_department() + notifications.viewers(),
        Message(
            key=f"weekly-report:{label}",
            kind="weekly_report",
            subject=f"Weekly safety report {label}: district",
            body=f"{_summary(district)}; {len(district['overdue'])} drill requirement(s) "
            f"overdue. PDF: {base}{link}&format=pdf",
            link=link,
        ),
    )
    sections = {s["code"]: s for s in snapshot.data["campuses"]}
    campuses = list(db.session.scalars(select(Campus).where(Campus.active.is_(True))))
    principals = notifications.principals_of(campuses)
    for campus in campuses:
        section = sections.get(campus.code)
        if section is None:  # a campus added after Monday's snapshot
            continue
        campus_link = f"{link}&campus={campus.code}"
        sent += notifications.notify(
            principals[campus.id],
            Message(
                key=f"weekly-report:{label}:{campus.code}",
                kind="weekly_report",
                subject=f"Weekly safety report {label}: {section['name']}",
                body=f"{_summary(section)}. PDF: {base}{campus_link}&format=pdf",
                link=campus_link,
                campus_id=campus.id,
            ),
        )
    return {"week": label, "snapshot": int(created), "notifications": sent}
