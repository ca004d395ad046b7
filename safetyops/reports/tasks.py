"""weekly-report: last week's report, stored once as an immutable snapshot, then one email
per recipient (the safety department and viewers: the district; each principal: their
campus) with links to the page and the PDF."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from safetyops.campuses.models import Campus
from safetyops.core.i18n import number, percent, week_name
from safetyops.extensions import db
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.operations import Message
from safetyops.reports import domain as weekly
from safetyops.reports import files as report_files
from safetyops.reports import queries as reports
from safetyops.scheduler.context import JobContext


def _params(label: str, scope: str | None, figures: dict, pdf: str) -> dict:
    """What a weekly-report notification is about (``scope`` None: the district)."""
    return {
        "week": label, "scope": scope, "completion_pct": figures["completion_pct"],
        "rounds_missed": figures["rounds_missed"], "findings_opened": figures["findings_opened"],
        "still_open": figures["still_open"], "pdf": pdf,
        "overdue": len(figures["overdue"]) if scope is None else None,
    }  # fmt: skip


@notification_kind("weekly_report")
def _weekly_report(p: dict) -> tuple[str, str]:
    scope = p["scope"] or _("district")
    subject = _("Weekly safety report %(week)s: %(scope)s", week=week_name(p["week"]), scope=scope)
    body = _(
        "Rounds completed %(pct)s, %(missed)s missed; %(opened)s findings opened, "
        "%(open)s still open",
        pct=percent(p["completion_pct"]), missed=number(p["rounds_missed"]),
        opened=number(p["findings_opened"]), open=number(p["still_open"]),
    )  # fmt: skip
    if p.get("overdue") is not None:
        body += "; " + ngettext(
            "%(num)d drill requirement overdue", "%(num)d drill requirements overdue", p["overdue"]
        )
    return subject, body + ". " + _("PDF: %(url)s", url=p["pdf"])


def run(ctx: JobContext) -> dict:
    label = weekly.previous_week(ctx.local_today(current_app.config["SCHEDULER_TIMEZONE"]))
    # The snapshot's week is unique: a second run, or a second process, finds it stored.
    snapshot, created = reports.store_snapshot(label, ctx.now)
    # Its district PDF is laid out once, here (about 30 s for 200 campuses), and stored:
    # opening it is then a file send.
    report_files.store_snapshot_pdf(label)
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"/reports/weekly?week={label}"
    district = snapshot.data["district"]
    sent = notifications.notify(
        notifications.safety_department() + notifications.viewers(),
        Message(
            key=f"weekly-report:{label}",
            kind="weekly_report",
            params=_params(label, None, district, f"{base}{link}&format=pdf"),
            link=link,
        ),
    )
    sections = {s["code"]: s for s in snapshot.data["campuses"]}
    campuses = list(db.session.scalars(select(Campus).where(Campus.active.is_(True))))
    principals = notifications.principals_of(campuses)
    batch = []
    for campus in campuses:
        section = sections.get(campus.code)
        if section is None:  # a campus added after Monday's snapshot
            continue
        campus_link = f"{link}&campus={campus.code}"
        batch.append((
            principals[campus.id],
            Message(
                key=f"weekly-report:{label}:{campus.code}",
                kind="weekly_report",
                params=_params(label, section["name"], section, f"{base}{campus_link}&format=pdf"),
                link=campus_link,
                campus_id=campus.id,
            ),
        ))  # fmt: skip
    sent += notifications.notify_many(batch)  # one batched INSERT, not one per campus
    return {"week": label, "snapshot": int(created), "notifications": sent}
