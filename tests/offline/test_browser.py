"""The officer's tablet with no connection (issue 11), in Debian's Chromium: pages from the
service worker, one outbox for every write, nothing lost or doubled, trusted times."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from safetyops.extensions import db
from safetyops.rounds.models import Round
from tests.browser import go_offline, go_online, sign_in

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)


def ready_for_offline(page):
    """Signed in and online once: the worker controls the page and the copy is kept."""
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1, timeout=20_000)
    for _ in range(100):
        if page.evaluate("() => !!navigator.serviceWorker.controller"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never controlled the page")


def api_get(page, path):
    return page.evaluate("p => fetch(p, {credentials: 'same-origin'}).then(r => r.json())", path)


def indicator(page):
    return page.locator("#outbox-status [data-outbox-text]")


def test_a_round_walked_offline_is_stored_exactly_once(context, page, demo_server):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    go_offline(context, counter)

    response = page.reload()
    assert response is not None and response.from_service_worker  # the kept copy
    expect(page.locator("h1")).to_contain_text("Good to see you")
    item = page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    )
    item.first.locator("form.start-form button").click()
    page.wait_for_url("**/tablet/walk#round=*")
    round_uuid = page.url.split("#round=")[1]
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    stops = page.locator(".checklist .stop")
    expect(stops).to_have_count(10)
    # Every checkpoint but the last (it is finished with a reason); one problem with a photo.
    for index in range(8):
        stops.nth(index).locator(".ok-form button").click()
        expect(page.locator("#progress-count")).to_have_text(str(index + 1))
    problem = stops.nth(8)
    problem.locator("summary").click()
    problem.locator("label.choice", has_text="Propped open").click()
    problem.locator("textarea[name=note]").fill("Wedge under the gym door")
    problem.locator("input[type=file]").set_input_files(
        {"name": "door.png", "mimeType": "image/png", "buffer": PNG}
    )
    problem.locator(".problem-form button[type=submit]").click()
    expect(page.locator("#progress-count")).to_have_text("9")
    page.fill("#reason", "Portable 10 locked off by facilities")
    page.locator("#finish-form button").click()
    page.wait_for_url(f"{base}/")
    page.close()

    again = context.new_page()  # a new page, still offline
    again.goto(f"{base}/")
    # start + 9 results + 1 photo + finish
    expect(indicator(again)).to_have_text("12 waiting · No connection; kept on this tablet.")
    entries = again.locator("#outbox-status [data-outbox-list] li")
    expect(entries).to_have_count(12)
    assert counter.writes_while_offline() == []  # nothing was sent while offline

    go_online(context, counter)
    again.locator("[data-outbox-sync]").click()
    expect(indicator(again)).to_have_text("All saved", timeout=20_000)
    ref = again.evaluate("u => SafetyOpsOutbox.ref('round:' + u)", round_uuid)
    round_ = api_get(again, f"/api/v1/rounds/{ref['id']}")
    assert round_["completed_at"] is not None
    assert round_["incomplete_reason"] == "Portable 10 locked off by facilities"
    assert len(round_["results"]) == 9  # each tap once
    assert len({r["checkpoint_id"] for r in round_["results"]}) == 9
    problems = [r for r in round_["results"] if r["status"] == "problem"]
    assert len(problems) == 1 and problems[0]["photo"] is True

    with app.app_context():  # and in the database: one round under that UUID
        assert (
            db.session.scalar(
                select(func.count()).select_from(Round).where(Round.client_id == round_uuid)
            )
            == 1
        )
