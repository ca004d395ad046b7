"""The tablet's background copies of officer pages (offline.js, X-SafetyOps-Copy) never take
the flash message meant for the page the officer opens next."""

from __future__ import annotations


def test_a_background_copy_leaves_the_flash_for_the_next_page(client, two_campuses):
    client.login(two_campuses["officer_a"])
    with client.http.session_transaction() as session:
        session["_flashes"] = [("success", "Saved.")]
    copy = client.get("/", headers={"X-SafetyOps-Copy": "1"})
    assert copy.status_code == 200
    assert "Saved." not in copy.get_data(as_text=True)
    shown = client.get("/")
    assert "Saved." in shown.get_data(as_text=True)
    assert "Saved." not in client.get("/").get_data(as_text=True)  # shown once


def test_a_background_copy_sets_no_session_cookie(client, two_campuses):
    """Its cookie would carry the session as it was read, undoing a concurrent post's
    flash; the officer's own requests still refresh the (permanent) session cookie."""
    client.login(two_campuses["officer_a"])
    with client.http.session_transaction() as session:
        session.permanent = True
    own = client.get("/")
    assert "session=" in own.headers.get("Set-Cookie", "")
    copy = client.get("/", headers={"X-SafetyOps-Copy": "1"})
    assert copy.status_code == 200
    assert "session=" not in copy.headers.get("Set-Cookie", "")
