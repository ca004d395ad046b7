"""Staff roster sync from OneRoster CSV bundles: a realistic generated district (thousands
of rows, students included and never kept), a second night where people left, moved campus
or changed role, OneRoster 1.2's roles.csv, dry runs, audit, and malformed bundles."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safetyops.accounts.models import User
from safetyops.audit.models import AuditEvent

CAMPUSES = ["AAA", "BBB"]
USER_COLUMNS = ["sourcedId", "status", "enabledUser", "orgSourcedIds", "role", "username",
                "givenName", "familyName", "email"]  # fmt: skip


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _bundle(directory: Path, staff: list[dict], students: int = 3000) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    orgs = [{"sourcedId": "district", "identifier": "", "name": "District", "type": "district"}]
    orgs += [{"sourcedId": f"org-{c}", "identifier": c, "name": f"School {c}", "type": "school"}
             for c in CAMPUSES]  # fmt: skip
    (directory / "orgs.csv").write_text(_csv(["sourcedId", "identifier", "name", "type"], orgs))
    rows = [
        {"sourcedId": f"stu-{n}", "status": "active", "enabledUser": "true",
         "orgSourcedIds": f"org-{CAMPUSES[n % 2]}", "role": "student", "username": f"s{n}",
         "givenName": "Student", "familyName": str(n), "email": f"s{n}@students.district.org"}
        for n in range(students)
    ]  # fmt: skip
    rows += [{"status": "active", "enabledUser": "true", "username": s["sourcedId"], **s}
             for s in staff]  # fmt: skip
    (directory / "users.csv").write_text(_csv(USER_COLUMNS, rows))
    return directory


def _staff(n: int, role: str = "administrator", campus: str = "AAA", **kw) -> dict:
    return {
        "sourcedId": f"staff-{n}",
        "orgSourcedIds": f"org-{campus}",
        "role": role,
        "givenName": "Staff",
        "familyName": str(n),
        "email": f"staff{n}@district.org",
        **kw,
    }


def _night_one(tmp_path):
    staff = [_staff(n, "administrator", CAMPUSES[n % 2]) for n in range(40)]
    staff += [_staff(100 + n, "teacher") for n in range(200)]  # not mapped: no account
    staff.append(_staff(900, "districtAdministrator", "AAA"))
    return _bundle(tmp_path / "night1", staff), staff


def _users(db) -> dict[str, User]:
    db.session.expire_all()
    return {u.email: u for u in db.session.scalars(select(User))}


def test_a_district_bundle_creates_staff_and_never_keeps_students(
    runner, two_campuses, db, tmp_path
):
    contractor = two_campuses["officer_a"].email
    directory, _staff_rows = _night_one(tmp_path)
    result = runner.invoke(args=["roster", "sync", str(directory)])
    assert result.exit_code == 0, result.output
    assert "created 41" in result.output and "3200 rows not kept" in result.output
    users = _users(db)
    assert not any(email.endswith("@students.district.org") for email in users)
    assert users["staff0@district.org"].role == "principal"
    assert [c.code for c in users["staff1@district.org"].campuses] == ["BBB"]
    assert users["staff900@district.org"].role == "viewer"
    assert users["staff0@district.org"].managed_by_roster
    assert not users[contractor].managed_by_roster
    events = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.interface == "roster")
    )
    assert events == 41  # one event per change


def test_the_next_night_people_left_moved_changed_role_and_came_back(
    runner, two_campuses, db, tmp_path
):
    contractor = two_campuses["officer_a"].email
    directory, staff = _night_one(tmp_path)
    runner.invoke(args=["roster", "sync", str(directory)])
    night2 = [s for s in staff if s["sourcedId"] not in ("staff-0", "staff-2")]  # left
    night2 = [
        dict(s, orgSourcedIds="org-BBB") if s["sourcedId"] == "staff-4" else s for s in night2
    ]
    night2 = [dict(s, role="districtAdministrator") if s["sourcedId"] == "staff-6" else s
              for s in night2]  # fmt: skip
    night2 = [dict(s, status="tobedeleted") if s["sourcedId"] == "staff-8" else s for s in night2]
    dry = runner.invoke(args=["roster", "sync", "--dry-run", str(_bundle(tmp_path / "n2", night2))])
    assert "would deactivate staff0@district.org" in dry.output
    assert _users(db)["staff0@district.org"].active  # a dry run changes nothing
    result = runner.invoke(args=["roster", "sync", str(_bundle(tmp_path / "n2", night2))])
    assert result.exit_code == 0, result.output
    users = _users(db)
    assert not users["staff0@district.org"].active and not users["staff2@district.org"].active
    assert not users["staff8@district.org"].active  # marked inactive in the roster
    assert [c.code for c in users["staff4@district.org"].campuses] == ["BBB"]
    assert users["staff6@district.org"].role == "viewer"
    assert users[contractor].active  # contracted officers are not the roster's business
    assert db.session.get(User, users["staff0@district.org"].id) is not None  # never deleted
    # Night three: staff-0 is back.
    back = runner.invoke(args=["roster", "sync", str(_bundle(tmp_path / "n3", staff))])
    assert "reactivated 3" in back.output, back.output
    assert _users(db)["staff0@district.org"].active


def test_oneroster_1_2_roles_file(runner, two_campuses, db, tmp_path):
    directory = tmp_path / "v12"
    directory.mkdir()
    (directory / "orgs.csv").write_text(
        "sourcedId,identifier,name\norg-AAA,AAA,School A\norg-BBB,BBB,School B\n"
    )
    (directory / "users.csv").write_text(
        "sourcedId,status,enabledUser,givenName,familyName,email\n"
        "u1,active,true,Ana,Lopez,ana@district.org\n"
        "u2,active,true,Stu,Dent,stu@students.district.org\n"
    )
    (directory / "roles.csv").write_text(
        "sourcedId,status,userSourcedId,roleType,role,orgSourcedId\n"
        "r1,active,u1,primary,principal,org-AAA\n"
        "r2,active,u1,secondary,teacher,org-BBB\n"
        "r3,active,u2,primary,student,org-AAA\n"
    )
    result = runner.invoke(args=["roster", "sync", str(directory)])
    assert result.exit_code == 0, result.output
    users = _users(db)
    assert users["ana@district.org"].role == "principal"
    assert [c.code for c in users["ana@district.org"].campuses] == ["AAA"]
    assert "stu@students.district.org" not in users


@pytest.mark.parametrize(
    ("users_csv", "expected"),
    [
        ("sourcedId,role,orgSourcedIds,givenName,familyName\n", "missing column(s): email"),
        (
            ",".join(USER_COLUMNS) + "\nx1,active,true,org-AAA,administrator,x,A,B,not-an-email\n",
            "users.csv line 2: email 'not-an-email' is not an email address",
        ),
        (
            ",".join(USER_COLUMNS) + "\nx1,active,true,org-ZZZ,administrator,x,A,B,a@d.org\n",
            "users.csv line 2: unknown orgSourcedIds org-ZZZ",
        ),
    ],
)
def test_a_malformed_bundle_changes_nothing(
    runner, two_campuses, db, tmp_path, users_csv, expected
):
    directory = tmp_path / "bad"
    directory.mkdir()
    (directory / "orgs.csv").write_text("sourcedId,identifier\norg-AAA,AAA\n")
    (directory / "users.csv").write_text(users_csv)
    before = len(_users(db))
    result = runner.invoke(args=["roster", "sync", str(directory)])
    assert result.exit_code != 0 and expected in result.output, result.output
    assert len(_users(db)) == before


def test_a_mapping_file_names_the_roles(runner, two_campuses, db, tmp_path):
    directory, _ = _night_one(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[campuses]\nkey = "identifier"\n[roles]\nadministrator = "principal"\nteacher = "viewer"\n'
    )
    result = runner.invoke(args=["roster", "sync", "--mapping", str(mapping), str(directory)])
    assert "created 240" in result.output, result.output
    mapping.write_text('[roles]\nteacher = "headmaster"\n')
    refused = runner.invoke(args=["roster", "sync", "--mapping", str(mapping), str(directory)])
    assert refused.exit_code != 0 and "unknown SafetyOps role" in refused.output


def test_roster_staff_have_no_password_anyone_could_type(
    runner, client, two_campuses, db, tmp_path, monkeypatch
):
    """Roster accounts sign in through single sign-on: their stored password is unusable
    (no argon2 hash of a secret nobody knows), no password signs them in, and refusing one
    still runs a password check (no timing hint that the account is of that kind)."""
    from safetyops.accounts import passwords

    directory, _staff_rows = _night_one(tmp_path)
    assert runner.invoke(args=["roster", "sync", str(directory)]).exit_code == 0
    staff = _users(db)["staff0@district.org"]
    assert staff.password_hash.startswith(passwords.UNUSABLE_PREFIX)
    checks = []
    real = passwords.dummy_verify
    monkeypatch.setattr(passwords, "dummy_verify", lambda pw: checks.append(pw) or real(pw))
    for guess in ("", staff.password_hash, staff.password_hash[1:], "Correct-horse-1"):
        answer = client.post("/login", {"email": staff.email, "password": guess})
        assert answer.status_code == 200  # the form again, not a redirect into the app
    assert "Correct-horse-1" in checks  # the refusal ran the same argon2 check


def test_two_new_people_with_one_email_change_nothing(runner, two_campuses, db, tmp_path):
    staff = [_staff(1), _staff(2, email="staff1@district.org")]
    before = len(_users(db))
    result = runner.invoke(args=["roster", "sync", str(_bundle(tmp_path / "dup", staff, 0))])
    assert result.exit_code != 0
    assert "two people in the roster have this email" in result.output, result.output
    assert len(_users(db)) == before
