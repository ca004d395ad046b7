"""An officer signs in on a tablet-sized screen and reaches their home page."""

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_officer_signs_in_on_a_tablet(page, live_server):
    page.goto(live_server + "/")
    expect(page).to_have_url(f"{live_server}/login?next=/")
    sign_in(page, live_server, "officer@demo.local")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("h1")).to_contain_text("Olivia Officer")
    # One tile per assigned campus (her certificates have tiles of their own on home).
    tiles = page.locator(".tile a[href^='/campuses/'] .tile-title")
    expect(tiles).to_have_count(2)
    expect(tiles.first).to_have_text("Aspen Valley Elementary")
    # big touch targets: every button and nav link is at least 44px tall
    for element in page.locator(".nav a, button").all():
        assert element.bounding_box()["height"] >= 44
    # the officer has no admin navigation
    expect(page.locator("nav.nav")).not_to_contain_text("Users")


def test_wrong_password_shows_the_error_beside_the_field(page, live_server):
    sign_in(page, live_server, "officer@demo.local", password="not-the-password")
    expect(page.locator(".field.has-error .error")).to_have_text("Email or password is not right.")
    expect(page.locator("input[name=email]")).to_have_value("officer@demo.local")
