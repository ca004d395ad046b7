"""On the tablet (Chromium): an officer of the demo district sees their expired firearms
qualification on the home page, records the renewal with a photo of the card, and the flag
goes; the supervisor then sees the officer's expiring CPR/AED only."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def card_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_an_officer_renews_an_expired_certificate_on_the_tablet(browser, live_server):
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    page = context.new_page()
    sign_in(page, live_server, "officer@demo.local")
    flags = page.locator(".certification-flags")
    flags.locator('[data-state="expired"]').get_by_text("Firearms qualification").click()
    assert page.locator("h1 .cert-flag").get_attribute("data-flag") == "expired"

    page.get_by_role("link", name="Add a certification").click()
    page.select_option("#kind_id", label="Firearms qualification")
    page.fill("#number", "FQ-2027-118")
    page.fill("#issued_on", page.evaluate("new Date().toISOString().slice(0, 10)"))
    expires = page.evaluate(
        "(() => { const d = new Date(); d.setFullYear(d.getFullYear() + 1);"
        " return d.toISOString().slice(0, 10); })()"
    )
    page.fill("#expires_on", expires)
    page.set_input_files(
        "#scan", files=[{"name": "card.png", "mimeType": "image/png", "buffer": card_png()}]
    )
    button = page.get_by_role("button", name="Save")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a tablet-sized target
    button.click()

    assert "Certification recorded." in page.locator("body").inner_text()
    assert page.locator("h1 .cert-flag").get_attribute("data-flag") == "expiring"  # CPR/AED
    row = page.locator("tr", has_text="FQ-2027-118")
    assert row.locator(".cert-state").get_attribute("data-state") == "valid"
    scan = row.get_by_role("link", name="Open").get_attribute("href")
    response = page.request.get(f"{live_server}{scan}")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    context.close()

    supervisor = browser.new_context(viewport={"width": 820, "height": 1180})
    page = supervisor.new_page()
    sign_in(page, live_server, "supervisor@demo.local")
    section = page.locator(".certification-flags")
    assert section.locator('[data-state="expired"]').count() == 0
    assert (
        "Olivia Officer · CPR/AED" in section.locator('[data-state="expiring"]').first.inner_text()
    )
    supervisor.close()
