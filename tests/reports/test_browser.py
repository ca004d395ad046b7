"""The weekly report in the browser: the safety admin sees the district, a principal only
their campus."""

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_safety_admin_sees_the_district_report(page, live_server):
    sign_in(page, live_server, "admin@demo.local")
    page.get_by_role("link", name="Weekly report").first.click()
    expect(page.locator("h1")).to_contain_text("Weekly safety report")
    expect(page.locator("#district")).to_be_visible()
    expect(page.locator("section.campus-section")).to_have_count(6)
    expect(page.locator(".report-charts svg")).to_have_count(3)
    expect(page.locator("#district .stat").first).to_contain_text("rounds completed")


def test_principal_sees_only_their_campus(page, live_server):
    sign_in(page, live_server, "principal@demo.local")
    page.get_by_role("link", name="Weekly report").first.click()
    expect(page.locator("section.campus-section")).to_have_count(1)
    expect(page.locator("section.campus-section")).to_have_attribute("data-campus", "AVE")
    expect(page.locator("#district")).to_have_count(0)
