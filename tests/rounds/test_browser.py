"""The demo officer walks a round on a tablet; the principal then sees the open finding."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import go_offline, go_online, sign_in

pytestmark = pytest.mark.browser


def start_ave_door_check(page):
    """Start Aspen Valley's morning door check (10 checkpoints), due now or next."""
    item = page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    )
    item.first.locator("form.start-form button").click()
    # Wait for round.js: a tap before it loads would post the plain form instead.
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)


def indicator(page):
    """The outbox indicator every signed-in page shows (static/js/outbox.js)."""
    return page.locator("#outbox-status[data-state] [data-outbox-text]")


def test_officer_walks_a_round_and_principal_sees_the_finding(browser, context, page, live_server):
    sign_in(page, live_server, "officer@demo.local")
    start_ave_door_check(page)
    expect(page.locator(".progress")).to_contain_text("0 of 10")
    stops = page.locator(".checklist .stop")
    expect(stops).to_have_count(10)
    for index in range(9):
        stops.nth(index).locator(".ok-form button").click()
        expect(page.locator("#progress-count")).to_have_text(str(index + 1))
    last = stops.nth(9)
    last.locator("summary").click()
    last.locator("label.choice", has_text="Propped open").click()
    last.locator("textarea[name=note]").fill("Wedge under the gym door again")
    last.locator(".problem-form button[type=submit]").click()
    expect(page.locator("#progress-count")).to_have_text("10")
    # every tap reached the server (nothing left queued on the tablet)
    expect(page.locator(".stop.unsaved")).to_have_count(0)
    expect(page.locator(".stop.done")).to_have_count(10)
    page.locator("#finish-form button").click()
    # sent through the outbox, then the finished round's page
    expect(page.locator("main")).to_contain_text("Finished", timeout=15_000)
    expect(indicator(page)).to_have_text("All saved")

    principal = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    sign_in(principal, live_server, "principal@demo.local")
    principal.goto(f"{live_server}/findings?status=open")
    row = principal.locator("tr.finding-row", has_text="Wedge under the gym door again")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Propped open")
    principal.context.close()


def test_a_failed_save_is_shown_and_retried(context, page, demo_server):
    live_server, _app, counter = demo_server
    sign_in(page, live_server, "officer@demo.local")
    start_ave_door_check(page)
    first = page.locator(".checklist .stop").first
    go_offline(context, counter)
    first.locator(".ok-form button").click()
    expect(indicator(page)).to_contain_text("1 waiting")
    expect(first).to_have_class(re.compile("unsaved"))
    expect(first).to_contain_text("kept on this tablet")
    go_online(context, counter)
    expect(indicator(page)).to_have_text("All saved", timeout=15_000)
    expect(first).not_to_have_class(re.compile("unsaved"))
    page.reload()
    expect(page.locator("#progress-count")).to_have_text("1")


# A real 2x2 PNG: the server re-encodes photos, so it must be a readable image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)


def test_a_photo_taken_offline_is_sent_when_the_connection_is_back(
    browser, context, page, demo_server
):
    live_server, _app, counter = demo_server
    sign_in(page, live_server, "officer@demo.local")
    start_ave_door_check(page)
    stop = page.locator(".checklist .stop").nth(2)
    go_offline(context, counter)
    stop.locator("summary").click()
    stop.locator("label.choice", has_text="Damaged").click()
    stop.locator("textarea[name=note]").fill("Kick plate torn off")
    stop.locator("input[type=file]").set_input_files(
        {"name": "door.png", "mimeType": "image/png", "buffer": PNG}
    )
    stop.locator(".problem-form button[type=submit]").click()
    expect(indicator(page)).to_contain_text("2 waiting")  # the result and its photo
    go_online(context, counter)
    expect(indicator(page)).to_have_text("All saved", timeout=15_000)

    principal = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    sign_in(principal, live_server, "principal@demo.local")
    principal.goto(f"{live_server}/findings?status=open")
    row = principal.locator("tr.finding-row", has_text="Kick plate torn off")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="photo")).to_have_count(1)
    principal.context.close()


def test_checks_queued_offline_are_sent_together_when_back_online(context, page, demo_server):
    live_server, _app, counter = demo_server
    sign_in(page, live_server, "officer@demo.local")
    start_ave_door_check(page)
    stops = page.locator(".checklist .stop")
    go_offline(context, counter)
    for index in range(3):
        stops.nth(index).locator(".ok-form button").click()
    expect(page.locator(".stop.unsaved")).to_have_count(3)
    back_online = len(counter.paths)
    go_online(context, counter)
    expect(indicator(page)).to_have_text("All saved", timeout=15_000)
    expect(page.locator(".stop.unsaved")).to_have_count(0)
    # Counted by the server: the page or its service worker (Background Sync) may send.
    sent = [p for p in counter.paths[back_online:] if p.startswith("POST ")]
    assert any(p.endswith("/batch") for p in sent), sent  # one request carried the queue
    page.reload()
    expect(page.locator("#progress-count")).to_have_text("3")
