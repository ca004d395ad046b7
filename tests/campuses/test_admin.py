"""Safety-admin pages: campuses, checkpoints and users, with field errors and the audit trail."""

from sqlalchemy import select

from safetyops.accounts.models import User
from safetyops.audit.models import AuditEvent
from safetyops.campuses.models import Campus, Checkpoint


def _events(db, entity_type):
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == entity_type).order_by(AuditEvent.id)
        )
    )


def test_create_campus_with_errors_keeps_input(client, two_campuses, db):
    client.login(two_campuses["admin"])
    response = client.post(
        "/admin/campuses/new",
        {
            "code": "AAA",
            "name": "Typed name",
            "timezone": "Mars/Base",
            "grade_band": "",
            "principal_id": "0",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another campus already uses this code." in page
    assert "Unknown time zone." in page
    assert 'value="Typed name"' in page
    assert db.session.scalar(select(Campus).where(Campus.name == "Typed name")) is None


def test_create_and_edit_campus_records_before_and_after(client, two_campuses, db):
    admin = two_campuses["admin"]
    principal = two_campuses["principal_a"]
    client.login(admin)
    created = client.post(
        "/admin/campuses/new",
        {
            "code": "nhs",
            "name": "North High",
            "timezone": "America/Chicago",
            "grade_band": "high",
            "principal_id": str(principal.id),
            "address": "1 North St",
            "school_weekdays": ["1", "2", "3", "4", "5"],
        },
    )
    assert created.status_code == 302
    campus = db.session.scalar(select(Campus).where(Campus.code == "NHS"))
    assert campus.principal_id == principal.id
    db.session.refresh(principal)
    assert campus in principal.campuses  # the principal now sees the campus they lead
    edited = client.post(
        "/admin/campuses/NHS/edit",
        {
            "code": "NHS",
            "name": "North Valley High",
            "timezone": "America/Chicago",
            "grade_band": "high",
            "principal_id": str(principal.id),
            "address": "1 North St",
            "school_weekdays": ["1", "2", "3", "4", "5"],
        },
    )
    assert edited.status_code == 302
    events = [e for e in _events(db, "campus") if e.entity_id == str(campus.id)]
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes == {"name": ["North High", "North Valley High"]}
    assert events[1].actor_id == admin.id and events[1].interface == "web"
    assert "North Valley High" in client.get("/admin/audit").get_data(as_text=True)


def test_deactivate_campus_is_audited_not_deleted(client, two_campuses, db):
    client.login(two_campuses["admin"])
    assert client.post("/admin/campuses/BBB/active", {"active": "0"}).status_code == 302
    campus = db.session.scalar(select(Campus).where(Campus.code == "BBB"))
    db.session.refresh(campus)
    assert campus.active is False
    assert _events(db, "campus")[-1].action == "deactivate"


def test_checkpoint_create_edit_deactivate(client, two_campuses, db):
    client.login(two_campuses["admin"])
    response = client.post(
        "/admin/campuses/AAA/checkpoints/new",
        {"name": "Door 1", "kind": "exterior_door", "expected_state": "locked", "walk_order": "5"},
    )
    assert "already has a checkpoint with this name" in response.get_data(as_text=True)
    response = client.post(
        "/admin/campuses/AAA/checkpoints/new",
        {
            "name": "Gym gate",
            "kind": "gate",
            "expected_state": "locked",
            "walk_order": "5",
            "location_notes": "behind the gym",
        },
    )
    assert response.status_code == 302
    gate = db.session.scalar(select(Checkpoint).where(Checkpoint.name == "Gym gate"))
    assert gate.walk_order == 5 and gate.location_notes == "behind the gym"
    client.post(
        f"/admin/checkpoints/{gate.id}/edit",
        {"name": "Gym gate", "kind": "gate", "expected_state": "closed", "walk_order": "5"},
    )
    client.post(f"/admin/checkpoints/{gate.id}/active", {"active": "0"})
    db.session.refresh(gate)
    assert gate.expected_state == "closed" and gate.active is False
    actions = [e.action for e in _events(db, "checkpoint") if e.entity_id == str(gate.id)]
    assert actions == ["create", "update", "deactivate"]
    # a deactivated checkpoint leaves the API and campus page
    names = [c["name"] for c in client.get("/api/v1/campuses/AAA/checkpoints").json]
    assert "Gym gate" not in names


def test_user_create_edit_deactivate(client, two_campuses, db):
    client.login(two_campuses["admin"])
    a, b = two_campuses["a"], two_campuses["b"]
    missing_pw = client.post(
        "/admin/users/new",
        {
            "email": "new@example.test",
            "name": "New Officer",
            "role": "officer",
            "employer_id": "0",
            "campus_ids": [str(a.id)],
        },
    )
    assert "A new user needs an initial password." in missing_pw.get_data(as_text=True)
    created = client.post(
        "/admin/users/new",
        {
            "email": "new@example.test",
            "name": "New Officer",
            "role": "officer",
            "employer_id": "0",
            "campus_ids": [str(a.id), str(b.id)],
            "password": "long-enough-pw",
        },
    )
    assert created.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.test"))
    assert {c.code for c in user.campuses} == {"AAA", "BBB"}
    client.post(
        f"/admin/users/{user.id}/edit",
        {
            "email": "new@example.test",
            "name": "New Officer",
            "role": "officer",
            "employer_id": "0",
            "campus_ids": [str(a.id)],
        },
    )
    client.post(f"/admin/users/{user.id}/active", {"active": "0"})
    db.session.refresh(user)
    assert [c.code for c in user.campuses] == ["AAA"] and user.active is False
    events = [e for e in _events(db, "user") if e.entity_id == str(user.id)]
    assert [e.action for e in events] == ["create", "update", "deactivate"]
    assert events[1].changes == {"campus_codes": [["AAA", "BBB"], ["AAA"]]}
    assert db.session.get(User, user.id) is not None  # never deleted


def test_error_pages_are_friendly(client, two_campuses):
    client.login(two_campuses["officer_a"])
    not_found = client.get("/campuses/NOPE")
    assert not_found.status_code == 404
    assert "We could not find that page" in not_found.get_data(as_text=True)
    forbidden = client.get("/admin/users")
    assert "You do not have access" in forbidden.get_data(as_text=True)
