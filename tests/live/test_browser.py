"""Two tablets run a lockdown over three areas: each sees the other's taps within seconds;
ending it opens the drill record with the time to full lockdown; the principal turns the
reported problem into a corrective action and closes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import TABLET, sign_in

pytestmark = pytest.mark.browser


def test_two_tablets_run_a_lockdown_and_the_principal_closes_its_action(browser, live_server):
    one = browser.new_context(viewport=TABLET)
    two = browser.new_context(viewport=TABLET)
    desk = browser.new_context(viewport=TABLET)
    for context in (one, two, desk):
        context.set_default_timeout(10_000)
    try:
        officer, supervisor = one.new_page(), two.new_page()
        sign_in(officer, live_server, "officer@demo.local")
        sign_in(supervisor, live_server, "supervisor@demo.local")

        # Tablet one starts a lockdown over three of the campus's four areas.
        officer.goto(f"{live_server}/campuses/AVE/live")
        officer.select_option("#drill_type", "lockdown")
        officer.get_by_label("Playground").uncheck()
        officer.get_by_role("button", name="Start now").click()
        expect(officer).to_have_url(re.compile(r"/live/\d+$"))
        expect(officer.locator("#live")).to_have_attribute("data-ready", "1")
        expect(officer.locator(".live-area")).to_have_count(3)
        # Taps go through the tablet's outbox (static/js/outbox.js) on this page.
        assert officer.evaluate("typeof window.SafetyOpsOutbox.enqueue") == "function"
        live_url = officer.url

        # Tablet two joins it from the campus's live page.
        supervisor.goto(f"{live_server}/campuses/AVE/live")
        supervisor.locator("a.live-join").first.click()
        expect(supervisor).to_have_url(live_url)
        expect(supervisor.locator("#live")).to_have_attribute("data-ready", "1")
        timer = supervisor.locator("#timer")
        first_reading = timer.inner_text()
        expect(timer).not_to_have_text(first_reading, timeout=3_000)  # the clock runs

        main = officer.locator(".live-area", has_text="Main building")
        main.get_by_role("button", name="Clear / accounted for").click()
        kinder = supervisor.locator(".live-area", has_text="Kindergarten wing")
        kinder.locator("summary").click()
        kinder.get_by_label("Problem").select_option("door_would_not_lock")
        kinder.get_by_label("Note").fill("Room K3 would not lock")
        kinder.get_by_role("button", name="Clear / accounted for").click()
        gym = officer.locator(".live-area", has_text="Gym and cafeteria")
        gym.get_by_role("button", name="Clear / accounted for").click()

        # Each tablet sees the other's taps within a few seconds (polling).
        expect(officer.locator(".live-area", has_text="Kindergarten wing")).to_have_class(
            re.compile(r"\bclear\b"), timeout=8_000
        )
        expect(officer.locator(".live-area", has_text="Kindergarten wing")).to_contain_text(
            "Sam Supervisor"
        )
        expect(supervisor.locator(".live-area", has_text="Main building")).to_contain_text(
            "Olivia Officer", timeout=8_000
        )
        expect(supervisor.locator("#cleared")).to_have_text("3", timeout=8_000)
        expect(supervisor.locator("#all-clear")).to_be_visible()

        # Ending it opens the drill record, filled in from the tablets.
        officer.get_by_role("button", name="End drill").click()
        expect(officer).to_have_url(re.compile(r"/drills/\d+$"))
        expect(officer.locator(".live-summary")).to_contain_text("time to full lockdown")
        expect(officer.locator(".all-clear-time")).to_have_text(re.compile(r"\d+ min \d\d s"))
        expect(officer.locator(".live-results tbody tr")).to_have_count(3)
        expect(officer.locator(".record")).to_contain_text("A door would not lock")
        drill_url = officer.url
        # The other tablet learns that it ended, and links to the record.
        expect(supervisor.locator("#drill-link")).to_be_visible(timeout=8_000)

        # The principal turns the problem into a corrective action, then closes it.
        principal = desk.new_page()
        sign_in(principal, live_server, "principal@demo.local")
        principal.goto(drill_url)
        new_action = principal.locator("#new-action")
        expect(new_action.locator("#problem")).to_have_value("door_would_not_lock")
        expect(new_action.locator("#description")).to_have_value(
            re.compile("Kindergarten wing: A door would not lock")
        )
        new_action.locator("#due_on").fill("2030-01-15")
        new_action.get_by_role("button", name="Add action").click()
        row = principal.locator(".corrective-actions tr.action-row")
        expect(row).to_have_count(1)
        expect(row).to_have_attribute("data-status", "open")
        expect(row).to_contain_text("Pat Principal")
        principal.goto(f"{live_server}/")
        expect(principal.locator("#open-actions + ul")).to_contain_text("Kindergarten wing")
        principal.goto(drill_url)
        close = principal.locator("details.action-close").filter(has_text="Kindergarten wing")
        close.locator("summary").click()
        close.get_by_label("What was done").fill("Lock cylinder replaced")
        close.get_by_role("button", name="Close action").click()
        expect(principal.locator(".flash").first).to_contain_text("closed")
        row = principal.locator(".corrective-actions tr.action-row")
        expect(row).to_have_attribute("data-status", "closed")
        expect(row).to_contain_text("Lock cylinder replaced")
    finally:
        for context in (one, two, desk):
            context.close()


def test_without_the_outbox_a_tap_made_offline_is_sent_when_the_connection_returns(
    context, live_server
):
    """The fallback path of static/js/live.js: no outbox script, the tap kept in
    localStorage while offline and retried until the server has it (once)."""
    context.route("**/static/js/outbox.js", lambda route: route.abort())
    page = context.new_page()
    sign_in(page, live_server, "officer@demo.local")
    page.goto(f"{live_server}/campuses/RMS/live")
    page.select_option("#drill_type", "evacuate")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("#live")).to_have_attribute("data-ready", "1")
    assert page.evaluate("typeof window.SafetyOpsOutbox") == "undefined"

    context.set_offline(True)
    gym = page.locator(".live-area", has_text="Gym")
    gym.get_by_role("button", name="Clear / accounted for").click()
    expect(gym.locator("[data-state]")).to_have_text("Clear … not sent yet")
    expect(page.locator("#live-sync")).to_contain_text("kept on this tablet")
    assert page.evaluate("JSON.parse(localStorage.getItem('safetyops-live-' + "
                         "document.getElementById('live').dataset.live)).length") == 1  # fmt: skip

    context.set_offline(False)
    expect(gym).to_have_class(re.compile(r"\bclear\b"), timeout=10_000)
    expect(gym.locator("[data-state]")).to_contain_text("Olivia Officer")
    expect(gym.locator("[data-taps] li")).to_have_count(1)
    assert page.evaluate("JSON.parse(localStorage.getItem('safetyops-live-' + "
                         "document.getElementById('live').dataset.live)).length") == 0  # fmt: skip


def test_through_the_outbox_a_tap_made_offline_clears_its_area_once_back_online(
    context, live_server
):
    page = context.new_page()
    sign_in(page, live_server, "officer@demo.local")
    page.goto(f"{live_server}/campuses/RMS/live")
    page.select_option("#drill_type", "shelter")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("#live")).to_have_attribute("data-ready", "1")
    assert page.evaluate("typeof window.SafetyOpsOutbox.enqueue") == "function"

    context.set_offline(True)
    field = page.locator(".live-area", has_text="Athletic field")
    field.get_by_role("button", name="Clear / accounted for").click()
    expect(field.locator("[data-state]")).to_have_text("Clear … not sent yet")
    waiting = page.evaluate("window.SafetyOpsOutbox.summary().then(s => s.waiting)")
    assert waiting == 1

    context.set_offline(False)
    expect(field).to_have_class(re.compile(r"\bclear\b"), timeout=15_000)
    expect(field.locator("[data-taps] li")).to_have_count(1)
    page.wait_for_function("window.SafetyOpsOutbox.summary().then(s => s.waiting === 0)")
