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
