"""The demo principal logs the missing lockdown drill and sees the requirement turn met."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_principal_logs_a_lockdown_and_the_requirement_turns_met(page, live_server):
    sign_in(page, live_server, "principal@demo.local")
    # Home shows each campus's required drills; one tap opens the campus's list.
    page.locator("a[href$='/campuses/AVE/compliance']").first.click()
    lockdown = page.locator("li.requirement[data-rule='lockdown-each-term']").first
    expect(lockdown).to_have_class(re.compile(r"status-(due|overdue)"))
    expect(lockdown.locator(".status-badge")).to_have_text(re.compile("Due|Overdue"))
    # A paper log found late: the drill was held on the first day of the window.
    held_on = lockdown.get_attribute("data-window-start")

    lockdown.get_by_role("link", name=re.compile("Log Lockdown")).click()
    expect(page.locator("#drill_type")).to_have_value("lockdown")
    page.fill("#day", held_on)
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "10:14")
    page.fill("#occupants", "386")
    page.get_by_role("button", name="Save").click()

    # Sent through the tablet's outbox; once stored, the drill's record opens.
    expect(page).to_have_url(re.compile(r"/drills/\d+$"))
    expect(page.locator("h1")).to_contain_text("Lockdown")
    page.goto(live_server + "/campuses/AVE/compliance")
    lockdown = page.locator("li.requirement[data-rule='lockdown-each-term']").first
    expect(lockdown).to_have_class(re.compile("status-met"))
    expect(lockdown.locator(".status-badge")).to_have_text("Met")
    expect(lockdown).to_contain_text("1 logged, 1 required")
