"""Notifications store what they are about (kind and parameters) and are rendered in each
reader's language: on the notification page and in emails sent over real SMTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import safetyops.all_models  # noqa: F401  (every mapper, before a query)
from safetyops.notifications import operations as notifications
from safetyops.notifications.models import Notification
from safetyops.notifications.operations import Message
from safetyops.scheduler.registry import run_job
from tests.compliance.test_reminders import CALENDAR, LOCKDOWN_PACK

DUE = {
    "campus": "Campus AAA", "drill": "lockdown", "period": "Fall 2026", "rule": "lockdown-term",
    "deadline": "2026-09-15", "days": 3, "counted": 0, "required": 1,
}  # fmt: skip


@pytest.fixture
def readers(app, smtp, two_campuses, db):
    """The same campus staff reading in three languages (the officer has no preference)."""
    app.config.update(smtp.config())
    two_campuses["principal_a"].locale = "vi"
    two_campuses["supervisor_a"].locale = "es"
    db.session.commit()
    return two_campuses


def _subject(message) -> str:
    return " ".join(str(message["Subject"]).split())  # unfolded (long headers wrap)


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_notification_stores_kind_params_and_english_text(readers, db):
    people = [readers["principal_a"], readers["supervisor_a"], readers["officer_a"]]
    notifications.notify(people, Message(key="t:due", kind="drill_due", params=DUE))
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert len(rows) == 3 and all(r.params == DUE for r in rows)
    # The row's own text is English, whoever reads it.
    assert {r.subject for r in rows} == {
        "Campus AAA: Lockdown (Fall 2026) drill due in 3 days, by Sep 15, 2026"
    }


def test_each_recipient_gets_the_email_in_their_language(readers, smtp):
    principal, supervisor, officer = (
        readers["principal_a"], readers["supervisor_a"], readers["officer_a"]
    )  # fmt: skip
    notifications.notify(
        [principal, supervisor, officer],
        Message(key="t:due", kind="drill_due", params=DUE, link="/campuses/AAA/compliance"),
    )
    assert notifications.deliver_pending()["sent"] == 3

    (vi,) = smtp.inbox.to(principal.email)
    assert _subject(vi) == (
        "Campus AAA: Lockdown (phong tỏa) (Fall 2026): buổi diễn tập đến hạn sau 3 ngày, "
        "trước 15 thg 9, 2026"
    )
    assert "Bạn nhận được thư này vì bạn là nhân viên SafetyOps" in _text(vi)
    assert "Đã ghi nhận 0 trên 1. Quy tắc lockdown-term." in _text(vi)
    html = vi.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="vi">' in html

    (es,) = smtp.inbox.to(supervisor.email)
    assert _subject(es) == (
        "Campus AAA: Lockdown (encierro) (Fall 2026): el simulacro vence en 3 días, el 15 sept 2026"
    )
    assert "0 de 1 registrados hasta ahora. Regla lockdown-term." in _text(es)
    assert "Cambiar cómo recibe las notificaciones" in _text(es)

    (en,) = smtp.inbox.to(officer.email)
    assert _subject(en) == "Campus AAA: Lockdown (Fall 2026) drill due in 3 days, by Sep 15, 2026"
    assert "You receive this because" in _text(en)


def test_the_language_is_the_one_at_sending_time(readers, smtp, db):
    principal = readers["principal_a"]
    notifications.notify([principal], Message(key="t:due", kind="drill_due", params=DUE))
    principal.locale = "es"  # changed after the notification was stored
    db.session.commit()
    notifications.deliver_pending()
    assert "el simulacro vence en 3 días" in smtp.inbox.subjects(principal.email)[0]


def test_the_daily_digest_is_in_the_readers_language(readers, smtp, db):
    supervisor = readers["supervisor_a"]
    supervisor.email_preference = "digest"
    db.session.commit()
    for days in (7, 3):
        notifications.notify(
            [supervisor],
            Message(key=f"t:due:{days}", kind="drill_due", params={**DUE, "days": days}),
        )
    assert notifications.send_digests("2026-09-08")["sent"] == 1
    (digest,) = smtp.inbox.to(supervisor.email)
    assert _subject(digest) == "Resumen diario de SafetyOps: 2 novedades"
    body = _text(digest)
    assert "vence en 7 días" in body and "vence en 3 días" in body


def test_the_notification_page_renders_in_the_readers_language(readers, client, make_client):
    people = [readers["principal_a"], readers["supervisor_a"], readers["officer_a"]]
    notifications.notify(people, Message(key="t:due", kind="drill_due", params=DUE))
    notifications.notify(
        people,
        Message(
            key="t:missed", kind="round_missed",
            params={"campus": "Campus AAA", "plan": "Morning doors", "zone": "America/Denver",
                    "window_start": "2026-09-01T12:45:00+00:00"},
        ),
    )  # fmt: skip
    client.login(readers["principal_a"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "buổi diễn tập đến hạn sau 3 ngày" in page
    assert "Campus AAA: bỏ lỡ Morning doors (Thứ 3, 1 thg 9 6:45)" in page
    spanish = make_client()
    spanish.login(readers["supervisor_a"])
    page = spanish.get("/notifications", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Campus AAA: Morning doors no se realizó (mar, 1 sept 6:45)" in page
    english = make_client()
    english.login(readers["officer_a"])
    page = english.get("/notifications").get_data(as_text=True)
    assert "Campus AAA: Morning doors missed (Tue, Sep 1 06:45)" in page


def test_rows_without_parameters_show_their_stored_text(readers, client, db):
    principal = readers["principal_a"]
    notifications.notify(
        [principal],
        Message(key="t:old", kind="something_retired", subject="Old English text", body="As is"),
    )
    notifications.notify([principal], Message(key="t:new", kind="drill_due", params=None))
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.key == f"t:new:u{principal.id}")
        .values(subject="Written before parameters", body="")
    )
    db.session.commit()
    client.login(principal)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Old English text" in page and "As is" in page
    assert "Written before parameters" in page


def test_scheduler_reminders_reach_a_vietnamese_principal_in_vietnamese(readers, smtp):
    from safetyops.calendar import operations as calendar_service
    from safetyops.compliance import operations as rule_packs

    assert calendar_service.import_calendar(CALENDAR).ok
    rule_packs.load_pack(LOCKDOWN_PACK, ["AAA"])
    run_job("compliance-reminders", as_of=date(2026, 9, 12))
    run_job("missed-rounds", as_of=date(2026, 9, 12))
    subjects = smtp.inbox.subjects(readers["principal_a"].email)
    assert any("buổi diễn tập đến hạn sau 3 ngày" in s for s in subjects), subjects


def test_every_kind_sent_in_the_code_has_a_renderer():
    """A kind sent with parameters but without a renderer would show an empty subject: the
    code's kinds (literals, and the compliance notices' kinds) all have one."""
    import re
    from pathlib import Path

    from safetyops.notifications import kinds

    root = Path(__file__).resolve().parents[2] / "safetyops"
    sent = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "Message(" in text and "notifications" in text:
            sent |= set(re.findall(r'kind="([a-z_]+)",', text))
    sent |= {"drill_due", "drill_overdue", "drill_met", "certification_expiring"}
    missing = {k for k in sent if not kinds.is_known(k)}
    assert {"round_missed", "finding_open", "weekly_report", "action_overdue"} <= sent
    assert not missing, missing


def test_params_without_a_renderer_are_refused(readers):
    with pytest.raises(LookupError, match="no renderer"):
        notifications.notify(
            [readers["officer_a"]], Message(key="t:x", kind="not_registered", params={"a": 1})
        )


def test_the_weekly_report_email_in_the_readers_language(readers, smtp):
    params = {
        "week": "2026-W46", "scope": "Campus AAA", "completion_pct": 80.0, "rounds_missed": 1,
        "findings_opened": 2, "still_open": 1, "overdue": None,
        "pdf": "https://safetyops.test/reports/weekly?week=2026-W46&campus=AAA&format=pdf",
    }  # fmt: skip
    people = [readers["principal_a"], readers["supervisor_a"]]
    notifications.notify(people, Message(key="t:weekly", kind="weekly_report", params=params))
    notifications.deliver_pending()
    (vi,) = smtp.inbox.to(readers["principal_a"].email)
    assert _subject(vi) == "Báo cáo an toàn hằng tuần, tuần 46 năm 2026: Campus AAA"
    assert "Vòng tuần tra hoàn thành: 80%; 1 bị bỏ lỡ" in _text(vi)
    (es,) = smtp.inbox.to(readers["supervisor_a"].email)
    assert _subject(es) == "Informe semanal de seguridad, semana 46 de 2026: Campus AAA"
    assert "Rondas completadas: 80%; 1 no realizadas" in _text(es)
    assert "format=pdf" in _text(es)
