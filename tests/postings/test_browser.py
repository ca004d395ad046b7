"""The demo district's public drill page in Chromium: the opted-in campus shows its
signed-off drills with the running counts, a campus not opted in answers 404."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_public_page_shows_signed_off_drills_and_other_campuses_answer_404(page, live_server):
    response = page.goto(f"{live_server}/public/AVE/drills")
    assert response is not None and response.status == 200
    expect(page).to_have_title(re.compile("Emergency drill record · Aspen Valley Elementary"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aspen Valley Elementary")
    rows = page.locator("tr.public-drill")
    expect(rows.first).to_be_visible()
    # Each posted drill carries its running count: "Evacuate (fire drill) 1 of 10".
    counts = page.locator("td.running-count")
    expect(counts.first).to_have_text(re.compile(r"^.+ 1( of \d+)?$"))
    expect(page.locator("tr.public-drill[data-type='lockdown']")).to_have_count(0)  # none held
    evacuations = page.locator("tr.public-drill[data-type='evacuate'] td.running-count")
    expect(evacuations.first).to_have_text(re.compile(r"^Evacuate \(fire drill\) 1 of \d+$"))
    expect(evacuations.nth(1)).to_have_text(re.compile(r"^Evacuate \(fire drill\) 2 of \d+$"))
    expect(page.locator("table.public-drills").first).to_contain_text("Signed off")
    # No sign-in, no cookie.
    assert "set-cookie" not in response.headers
    assert page.locator("a[href$='/login']").count() == 0

    missing = page.goto(f"{live_server}/public/RMS/drills")
    assert missing is not None and missing.status == 404
    assert "set-cookie" not in missing.headers
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    csv = page.request.get(f"{live_server}/public/RMS/drills.csv")
    assert csv.status == 404
