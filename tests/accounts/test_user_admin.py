"""User administration: emails are validated on the server; an edit is all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import User
from safetyops.core.errors import ValidationFailed


def _form(**changes) -> dict:
    data = {"email": "new@district.org", "name": "New Officer", "role": "officer",
            "employer_id": "0", "password": "long-enough-pw"}  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "email", ["not-an-email", "<script>alert(1)</script>@x.org", "a@" + "b" * 250 + ".org"]
)
def test_bad_emails_are_refused_on_the_server(client, two_campuses, db, email):
    client.login(two_campuses["admin"])
    before = db.session.scalar(select(func.count()).select_from(User))
    page = client.post("/admin/users/new", _form(email=email))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "email address" in body or "254 characters" in body
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user(email=email, name="X", role="officer", password="long-enough-pw")
    assert "email" in refused.value.errors


def test_emails_are_normalised_to_lower_case(client, two_campuses, db):
    client.login(two_campuses["admin"])
    client.post("/admin/users/new", _form(email="Pat.Officer@District.ORG"))
    assert db.session.scalar(select(User).where(User.email == "pat.officer@district.org"))


def test_a_refused_password_keeps_the_profile_change_unsaved(client, two_campuses, db):
    client.login(two_campuses["admin"])
    user = two_campuses["officer_b"]
    old_name = user.name
    page = client.post(
        f"/admin/users/{user.id}/edit",
        _form(email=user.email, name="Renamed Officer", password="short"),
    )
    assert page.status_code == 200 and "at least" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).name == old_name
