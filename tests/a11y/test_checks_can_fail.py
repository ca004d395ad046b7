"""The accessibility checks catch what they look for: each is run on a page made to fail
it, so a check that silently passes everything would fail here."""

from __future__ import annotations

import pytest

from tests.a11y.conftest import _install_axe, run_axe
from tests.a11y.test_keyboard_and_layout import TARGET, TARGETS

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>A page made to fail</h1>
<p style="color:#777;background:#fff">Grey text, 4.48:1: under AA.</p>
<p style="color:#666;background:#fff">Darker grey, 5.7:1: AA but not AAA.</p>
<input type="text" name="unlabelled">
<button style="width:20px;height:20px;padding:0;min-width:0;min-height:0">x</button>
<div style="width:600px">wider than a phone</div>
</main></body></html>"""


@pytest.fixture
def bad_page(browser):
    _install_axe()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_content(BAD_PAGE)
    yield page
    context.close()


def test_axe_reports_wcag_aa_violations_with_their_impact(bad_page):
    found = {v["id"]: v["impact"] for v in run_axe(bad_page)}
    assert found.get("color-contrast") == "serious"
    assert found.get("label") == "critical"


def test_the_outdoor_rules_catch_text_between_4_5_and_7_to_1(bad_page):
    found = run_axe(bad_page, rules=["color-contrast", "color-contrast-enhanced"])
    enhanced = [v for v in found if v["id"] == "color-contrast-enhanced"]
    assert enhanced and any("5.7" in str(n["any"]) for n in enhanced[0]["nodes"])


def test_the_touch_target_and_reflow_checks_see_a_small_button_and_a_wide_page(bad_page):
    small = bad_page.evaluate(TARGETS, TARGET)
    assert any(entry.startswith('BUTTON "x" 20x20') for entry in small), small
    assert bad_page.evaluate("document.documentElement.scrollWidth") > 320
