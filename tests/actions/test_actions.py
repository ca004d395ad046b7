"""Corrective actions from a drill's problems, on both databases: opened on the drill
record by a signer, closed by their owner with a note, shown on the record, the inspector's
printout, the principal's home and the weekly report, and reminded once when overdue."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from safetyops.actions import operations as actions_ops
from safetyops.actions.models import CorrectiveAction
from safetyops.audit.models import AuditEvent
from safetyops.live import operations as live_ops
from safetyops.notifications.models import Notification
from safetyops.scheduler.registry import run_job
from tests.live.helpers import make_areas, minutes_ago, start_live, tap


@pytest.fixture
def drill(two_campuses, db):
    """A lockdown run live at campus A: a door would not lock in the gym."""
    site = two_campuses
    areas = make_areas(site["a"])
    live = start_live(site["a"], site["officer_a"], areas, started_at=minutes_ago(10))
    tap(live, site["officer_a"], areas[0], seconds=40)
    tap(live, site["officer_a"], areas[1], seconds=70, issue="door_would_not_lock", note="Rm 12")
    tap(live, site["officer_a"], areas[2], seconds=95)
    live, _ended = live_ops.end(live, site["officer_a"])
    return live.drill


def form(owner, due, **kw):
    submission = str(uuid.uuid4())
    return {"client_id": submission, "submission_id": submission, "owner_id": str(owner.id),
            "due_on": due.isoformat(), "description": "Repair the gym door lock",
            "problem": "door_would_not_lock", **kw}  # fmt: skip


def actions(db):
    return list(db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)))


def test_a_principal_turns_a_problem_into_an_action_once(two_campuses, drill, client, db):
    client.login(two_campuses["principal_a"])
    page = client.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert "Add a corrective action" in page and "Gym: A door would not lock" in page
    payload = form(two_campuses["officer_a"], date.today() + timedelta(days=14))
    assert client.post(f"/drills/{drill.id}/actions", payload).status_code == 302
    assert client.post(f"/drills/{drill.id}/actions", payload).status_code == 302  # double tap
    (action,) = actions(db)
    assert action.is_open and action.owner_id == two_campuses["officer_a"].id
    assert action.campus_id == drill.campus_id and action.problem == "door_would_not_lock"
    page = client.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert f'id="action-{action.id}"' in page and "Repair the gym door lock" in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "corrective_action")
    )
    assert event.action == "create" and event.actor_id == two_campuses["principal_a"].id


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"description": ""}, "This field is required"),
        ({"due_on": "2999-01-01"}, "must be between"),
        ({"problem": "dragons"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_a_message_not_a_500(two_campuses, drill, client, db, payload, message):
    client.login(two_campuses["principal_a"])
    answer = client.post(f"/drills/{drill.id}/actions",
                         form(two_campuses["officer_a"], date.today(), **payload),
                         follow_redirects=True)  # fmt: skip
    assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    assert actions(db) == []


def test_the_owner_must_be_staff_of_the_campus(two_campuses, drill, db):
    with pytest.raises(Exception, match="owner_id"):
        actions_ops.create(drill, two_campuses["principal_a"],
                           {"description": "x", "owner_id": two_campuses["officer_b"].id,
                            "due_on": date.today()}, "k1")  # fmt: skip
    with pytest.raises(Exception, match="owner_id"):
        actions_ops.create(drill, two_campuses["principal_a"],
                           {"description": "x", "owner_id": two_campuses["viewer"].id,
                            "due_on": date.today()}, "k2")  # fmt: skip


def test_who_may_open_close_and_see_actions(
    two_campuses, drill, client, make_client, make_user, db
):
    site = two_campuses
    officer = make_client()
    officer.login(site["officer_a"])
    assert officer.post(f"/drills/{drill.id}/actions",
                        form(site["officer_a"], date.today())).status_code == 403  # fmt: skip
    other = make_client()
    other.login(make_user("principal", [site["b"]]))
    assert other.post(f"/drills/{drill.id}/actions",
                      form(site["officer_a"], date.today())).status_code == 404  # fmt: skip
    action, _ = actions_ops.create(drill, site["principal_a"],
                                   {"description": "Fix", "owner_id": site["supervisor_a"].id,
                                    "due_on": date.today()}, "k3")  # fmt: skip
    assert other.post(f"/actions/{action.id}/close", {"closing_note": "x"}).status_code == 404
    # An officer who does not own it may not close it: it stays open, with a message.
    answer = officer.post(f"/actions/{action.id}/close", {"closing_note": "done"},
                          follow_redirects=True)  # fmt: skip
    assert "Only its owner" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).is_open
    viewer = make_client()
    viewer.login(site["viewer"])
    assert viewer.get("/actions").status_code == 200
    assert viewer.post(f"/actions/{action.id}/close", {"closing_note": "x"}).status_code == 403


def test_the_owner_closes_it_with_a_note_once(two_campuses, drill, client, db):
    action, _ = actions_ops.create(drill, two_campuses["principal_a"],
                                   {"description": "Fix", "owner_id": two_campuses["officer_a"].id,
                                    "due_on": date.today()}, "k4")  # fmt: skip
    client.login(two_campuses["officer_a"])
    empty = client.post(f"/actions/{action.id}/close", {"closing_note": "  "},
                        follow_redirects=True)  # fmt: skip
    assert "Say what was done" in empty.get_data(as_text=True)
    assert (
        client.post(f"/actions/{action.id}/close", {"closing_note": "Lock replaced"}).status_code
        == 302
    )
    again = client.post(
        f"/actions/{action.id}/close", {"closing_note": "twice"}, follow_redirects=True
    )
    assert "already closed" in again.get_data(as_text=True)
    db.session.expire_all()
    action = db.session.get(CorrectiveAction, action.id)
    assert not action.is_open and action.closing_note == "Lock replaced"
    assert action.closed_by_id == two_campuses["officer_a"].id
    closes = db.session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.entity_type == "corrective_action", AuditEvent.action == "close")
    )  # fmt: skip
    assert closes == 1


def test_reassigning_is_audited_and_refused_once_closed(two_campuses, drill, client, db):
    site = two_campuses
    action, _ = actions_ops.create(drill, site["principal_a"],
                                   {"description": "Fix", "owner_id": site["officer_a"].id,
                                    "due_on": date.today()}, "k5")  # fmt: skip
    client.login(site["principal_a"])
    due = (date.today() + timedelta(days=30)).isoformat()
    assert (
        client.post(
            f"/actions/{action.id}/reassign",
            {"owner_id": str(site["supervisor_a"].id), "due_on": due},
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).owner_id == site["supervisor_a"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reassign"))
    assert event.changes["owner_id"] == [site["officer_a"].id, site["supervisor_a"].id]
    actions_ops.close(db.session.get(CorrectiveAction, action.id), site["principal_a"], "Done")
    with pytest.raises(Exception, match="already closed"):
        actions_ops.reassign(db.session.get(CorrectiveAction, action.id), site["principal_a"],
                             site["officer_a"].id, date.today())  # fmt: skip


def test_actions_show_on_the_printout_the_home_page_and_the_weekly_report(
    two_campuses, drill, client, make_client, db
):
    site = two_campuses
    retrain = {"description": "Retrain staff on the PA", "due_on": date.today(),
               "owner_id": site["principal_a"].id}  # fmt: skip
    actions_ops.create(drill, site["principal_a"], retrain, "k6")
    closed, _ = actions_ops.create(drill, site["principal_a"],
                                   {"description": "Replace the lock", "due_on": date.today(),
                                    "owner_id": site["officer_a"].id}, "k7")  # fmt: skip
    actions_ops.close(closed, site["officer_a"], "Lock replaced")
    client.login(site["principal_a"])
    year = drill.local_date.year if drill.local_date.month >= 7 else drill.local_date.year - 1
    printout = client.get(f"/campuses/AAA/drills/print?year={year}").get_data(as_text=True)
    assert "Corrective actions" in printout and "Retrain staff on the PA" in printout
    assert "Lock replaced" in printout and "Time to all areas clear" in printout
    home = client.get("/").get_data(as_text=True)
    assert "Open corrective actions" in home and "Retrain staff on the PA" in home
    assert "Replace the lock" not in home
    from safetyops.reports.domain import week_label

    this_week = week_label(datetime.now(UTC).date())
    report = client.get(f"/reports/weekly?week={this_week}&live=1").get_data(as_text=True)
    assert 'id="corrective-actions"' in report and "Retrain staff on the PA" in report
    # A principal of another campus sees none of them.
    other = make_client()
    other.login(site["officer_b"])
    assert "Retrain staff on the PA" not in other.get("/actions").get_data(as_text=True)


def test_the_weekly_section_is_cut_to_the_readers_campuses(two_campuses, drill, db):
    from safetyops.reports import queries as reports
    from safetyops.reports.domain import week_label

    actions_ops.create(drill, two_campuses["principal_a"],
                       {"description": "Fix", "due_on": date.today(),
                        "owner_id": two_campuses["officer_a"].id}, "k8")  # fmt: skip
    data = reports.build(week_label(date.today()), [two_campuses["a"], two_campuses["b"]])
    assert data["corrective_actions"]["open"] == 1
    cut = reports.for_viewer(data, {"BBB"})
    assert cut["corrective_actions"] == {"open": 0, "overdue": 0, "closed": 0, "campuses": []}


def test_an_overdue_action_is_reminded_once_to_its_owner_and_the_principal(
    app, smtp, two_campuses, drill, db
):
    app.config.update(smtp.config())
    site = two_campuses
    due = date(2026, 10, 20)
    action, _ = actions_ops.create(drill, site["principal_a"],
                                   {"description": "Repair the gym door", "due_on": due,
                                    "owner_id": site["officer_a"].id}, "k9")  # fmt: skip
    done, _ = actions_ops.create(drill, site["principal_a"],
                                 {"description": "Closed already", "due_on": due,
                                  "owner_id": site["officer_a"].id}, "k10")  # fmt: skip
    actions_ops.close(done, site["principal_a"], "Done")
    on_due_day = datetime(2026, 10, 20, 23, 0, tzinfo=UTC)  # 17:00 in Denver: still due
    assert run_job("corrective-action-reminders", now=on_due_day)["notifications"] == 0
    next_day = datetime(2026, 10, 21, 15, 0, tzinfo=UTC)
    first = run_job("corrective-action-reminders", now=next_day)
    assert first["overdue"] == 1 and first["notifications"] == 2
    later = next_day + timedelta(days=3)
    assert run_job("corrective-action-reminders", now=later)["notifications"] == 0
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == "action_overdue")
    ).all()
    assert sorted(n.user_id for n in rows) == sorted([site["officer_a"].id, site["principal_a"].id])
    assert all(n.link.endswith(f"#action-{action.id}") for n in rows)
    subjects = smtp.inbox.subjects(site["officer_a"].email)
    assert subjects == ["Campus AAA: corrective action overdue by 1 day"]
    assert smtp.inbox.subjects(site["officer_b"].email) == []
