"""What axe-core cannot see: keyboard use (skip link, every control reached by Tab, a visible
focus ring), pages at a 320 px wide viewport (400% zoom of a 1280 px screen; 200% zoom is
640 px), 44 px touch targets on the officer's pages, form errors tied to their fields, and
messages that appear read out through live regions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.a11y.conftest import sign_in_as
from tests.a11y.test_axe import LANGUAGES, PAGES, _by_role, _context

pytestmark = pytest.mark.browser

# The officer's pages held to 44 x 44 px targets (buttons, links, fields, choices).
OFFICER_TOUCH = [
    (name, path) for role, name, path, status in PAGES if role == "officer" and status == 200
]
TARGET = 44

# Every control a keyboard user should reach: visible, enabled, not made unfocusable.
CONTROLS = """() => Array.from(document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden]), [tabindex]'))
  .filter(el => el.tabIndex >= 0 && !el.disabled && el.checkVisibility()
    && !el.closest('[inert]') && !el.matches('.skip'))"""

FOCUS_RING = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  // focus inside a native control's own part (a date field's calendar button): the
  // browser draws that ring
  if (!el.matches(':focus')) return {tag: el.tagName, text: '', ring: true};
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
          ring: outline || s.boxShadow !== 'none'};
}"""


def _officer_page(browser, demo_server, language="en", viewport=None):
    context = _context(browser, LANGUAGES[language])
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    sign_in_as(page, demo_server.url, "officer")
    return context, page


FIRST_IN_TAB_ORDER = """() => Array.from(document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden]), [tabindex]'))
  .filter(el => el.tabIndex >= 0 && !el.disabled)[0].className"""


@pytest.mark.parametrize(
    "role, path",
    [
        ("anonymous", "/no-such-page"),
        ("officer", "/"),
        ("officer", "/rounds/{round}"),
        ("principal", "/campuses/AVE/compliance"),
    ],
)
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    browser, demo_server, role, path
):
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, role)
    page.goto(demo_server.path(path))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the next Tab goes on from the content, past the navigation
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    context.close()


def test_the_skip_link_comes_first_on_the_sign_in_page_too(browser, demo_server):
    """The sign-in page puts the cursor in the email field; the skip link is still the
    first stop of the page (Shift+Tab back from the top of the form reaches it)."""
    context = _context(browser, "en-US")
    page = context.new_page()
    page.goto(demo_server.path("/login"))
    assert page.evaluate(FIRST_IN_TAB_ORDER) == "skip"
    expect(page.locator("input[name=email]")).to_be_focused()
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.className") == "skip":
            break
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


@pytest.mark.parametrize(
    "role, path",
    [
        ("officer", "/"),
        ("officer", "/rounds/{round}"),
        ("officer", "/campuses/AVE/medical/new"),
        ("principal", "/findings"),
        ("admin", "/admin/users"),
    ],
)
def test_every_control_is_reached_by_tab_with_a_visible_focus_ring(
    browser, demo_server, role, path
):
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, role)
    page.goto(demo_server.path(path))
    page.evaluate(f"window.__controls = ({CONTROLS})()")
    expected = page.evaluate("window.__controls.length")
    assert expected > 3
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached: set[int] = set()
    unringed: list[str] = []
    for _ in range(expected + 40):  # the topbar, the skip link and a little slack
        page.keyboard.press("Tab")
        index = page.evaluate("window.__controls.indexOf(document.activeElement)")
        if index < 0:
            if page.evaluate("document.activeElement === document.body"):
                break  # tabbed past the end of the page
            continue
        focus = page.evaluate(FOCUS_RING)
        if not focus["ring"]:
            unringed.append(f"{focus['tag']} {focus['text']!r}")
        reached.add(index)
    missed = page.evaluate(
        "(reached) => window.__controls.filter((el, i) => !reached.includes(i))"
        ".map(el => el.outerHTML.slice(0, 120))",
        sorted(reached),
    )
    context.close()
    assert not missed, f"not reached by Tab on {path}: {missed}"
    assert not unringed, f"focused without a visible focus style on {path}: {unringed}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_page_scrolls_sideways_at_320_px(browser, demo_server, language):
    """WCAG 1.4.10 reflow: the page body never scrolls sideways; wide tables scroll inside
    their own box."""
    demo_server.set_locale(language)
    too_wide: list[str] = []
    for role, pages in _by_role().items():
        context = _context(browser, LANGUAGES[language])
        page = context.new_page()
        page.set_viewport_size({"width": 320, "height": 640})
        sign_in_as(page, demo_server.url, role)
        for name, path, _status in pages:
            page.goto(demo_server.path(path))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                widest = page.evaluate(
                    """() => Array.from(document.querySelectorAll('body *'))
                      .filter(el => el.getBoundingClientRect().right > 321
                        && !el.closest('.table-scroll'))
                      .slice(0, 3).map(el => el.tagName + '.' + el.className)"""
                )
                too_wide.append(f"[{language}] {role}: {name} ({path}) is {width} px: {widest}")
        context.close()
    assert not too_wide, "pages wider than a 320 px screen:\n" + "\n".join(too_wide)


TARGETS = """(minimum) => {
  const small = [];
  const size = (el) => el.getBoundingClientRect();
  for (const el of document.querySelectorAll(
      'a[href], button, summary, select, textarea, input:not([type=hidden])')) {
    if (!el.checkVisibility() || el.closest('.skip')) continue;
    let box = size(el);
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      // the target is the box and its label: a tap on either works
      const label = el.labels && el.labels[0];
      if (!label) { small.push('unlabelled ' + el.name); continue; }
      const l = size(label);
      const top = Math.min(box.top, l.top), bottom = Math.max(box.bottom, l.bottom);
      const left = Math.min(box.left, l.left), right = Math.max(box.right, l.right);
      box = {width: right - left, height: bottom - top};
    }
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      small.push(el.tagName + ' ' + JSON.stringify((el.textContent || el.name || '').trim()
        .slice(0, 30)) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height));
    }
  }
  return small;
}"""


@pytest.mark.parametrize("width", [820, 320])
def test_officer_touch_targets_are_at_least_44_px(browser, demo_server, width):
    context, page = _officer_page(browser, demo_server, viewport={"width": width, "height": 900})
    small: list[str] = []
    for name, path in OFFICER_TOUCH:
        page.goto(demo_server.path(path))
        # the walk's problem forms are part of the page once opened: measure them open
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        small += [f"{name}: {target}" for target in page.evaluate(TARGETS, TARGET)]
    context.close()
    assert len(OFFICER_TOUCH) >= 8
    assert not small, f"targets under {TARGET} px at {width} px wide:\n" + "\n".join(small)


def test_form_errors_are_tied_to_their_fields(browser, demo_server):
    """A refused form: each field in error is aria-invalid and described by its error text,
    and every error text describes a field (the form macro, macros/forms.html)."""
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "admin")
    page.goto(demo_server.path("/admin/users/new"))
    page.fill("input[name=name]", "Test Person")  # the email is left empty: refused
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    fields = page.evaluate(
        """() => Array.from(document.querySelectorAll('[aria-invalid=true]')).map(el => ({
          name: el.name,
          described: (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
            .map(id => { const d = document.getElementById(id);
              return d ? {cls: d.className, text: d.textContent.trim()} : null; })
        }))"""
    )
    assert "email" in [f["name"] for f in fields]
    for f in fields:
        assert None not in f["described"], f"{f['name']}: aria-describedby names a missing id"
        errors = [d["text"] for d in f["described"] if "error" in d["cls"].split()]
        assert errors and all(errors), f"{f['name']}: not described by its error text"
    orphans = page.evaluate(
        """() => Array.from(document.querySelectorAll('.field .error')).filter(e =>
          !document.querySelector('[aria-describedby~="' + e.id + '"]')).map(e => e.id)"""
    )
    assert not orphans, f"error texts no field refers to: {orphans}"
    # a field without an error is neither invalid nor described by an empty box
    valid = page.locator("input[name=name]")
    assert valid.get_attribute("aria-invalid") in (None, "false")
    context.close()


def test_a_message_that_appears_is_read_out(browser, demo_server):
    """The walk's sync status is hidden until it has something to say; its message is
    repeated in the page's always-present live region so screen readers read it."""
    context, page = _officer_page(browser, demo_server)
    page.goto(demo_server.path("/rounds/{round}"))
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    assert page.locator("#announce-assertive").text_content() == ""
    page.locator("#finish-form button[type=submit]").click()
    status = page.locator("#sync-status")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("role", "status")
    expect(page.locator("#announce-assertive")).to_have_text(status.text_content().strip())
    context.close()


def test_login_error_is_tied_to_the_field_and_announced(browser, demo_server):
    context = _context(browser, "en-US")
    page = context.new_page()
    page.goto(demo_server.path("/login"))
    page.fill("input[name=email]", "officer@demo.local")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid).to_have_count(1)
    described = invalid.get_attribute("aria-describedby") or ""
    error = page.locator(f"#{described.split()[0]}")
    expect(error).to_have_class("error")
    expect(error).not_to_be_empty()
    context.close()


def test_sign_in_fields_name_their_purpose(browser, demo_server):
    """WCAG 1.3.5: the staff member's own sign-in details carry autocomplete purposes."""
    context = _context(browser, "en-US")
    page = context.new_page()
    page.goto(demo_server.path("/login"))
    expect(page.locator("input[name=email]")).to_have_attribute("autocomplete", "username")
    expect(page.locator("input[name=password]")).to_have_attribute(
        "autocomplete", "current-password"
    )
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/account/password"))
    expect(page.locator("input[name=current_password]")).to_have_attribute(
        "autocomplete", "current-password"
    )
    for name in ("new_password", "confirm"):
        expect(page.locator(f"input[name={name}]")).to_have_attribute(
            "autocomplete", "new-password"
        )
    context.close()


def test_a_form_sent_through_the_tablet_outbox_ties_refused_fields_to_their_errors(
    browser, demo_server
):
    """The officer's forms go through the outbox (static/js/offline.js): the fields the
    server refuses are marked and described by their messages like a server-rendered form."""
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/campuses/AVE/medical/new"))
    page.fill("input[name=day]", "")
    page.locator("form[data-outbox] button[type=submit]").click()
    errors = page.locator("form[data-outbox] .error[data-outbox-error]")
    expect(errors.first).to_be_visible(timeout=15_000)
    expect(page.locator("form[data-outbox] .flash-error")).to_contain_text("day")
    for index in range(errors.count()):
        error = errors.nth(index)
        error_id = error.get_attribute("id")
        field = page.locator(f'[aria-describedby~="{error_id}"]')
        expect(field.first).to_have_attribute("aria-invalid", "true")
        assert (error.text_content() or "").strip()
    assert page.locator("input[name=day][aria-invalid=true]").count() == 1
    # corrected and sent again: it is saved (the page moves on) and no mark is left
    page.fill("input[name=day]", "2026-11-30")
    page.fill("input[name=called_time]", "10:15")
    page.fill("input[name=location]", "Gym, north bleachers")
    page.locator("form[data-outbox] button[type=submit]").click()
    page.wait_for_function(
        "() => !document.querySelector('[data-outbox-invalid], [data-outbox-error]')"
        " && (location.pathname.endsWith('/drills') || !!document.querySelector('.flash-success'))",
        timeout=15_000,
    )
    context.close()


def test_the_outbox_indicator_is_a_live_region_and_not_read_twice(browser, demo_server):
    """Offline, a tap waits on the tablet: the outbox indicator, a status region already on
    the page, says so (the browser reads the change); app.js does not repeat it."""
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/rounds/{round}"))
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    indicator = page.locator("#outbox-status .outbox-text")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_attribute("role", "status")
    context.set_offline(True)
    page.locator(".checklist .stop").last.locator(".ok-form button").click()
    expect(indicator).to_contain_text("waiting")
    page.wait_for_timeout(300)  # app.js would have repeated it by now
    expect(page.locator("#announce-polite")).to_be_empty()
    context.close()  # the tap stays in this context's storage, never sent


def test_a_saved_form_says_so_in_a_status_region(browser, demo_server):
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/account/notifications"))
    page.locator("main form button[type=submit]").last.click()  # saved as it is
    flash = page.locator(".flash-success")
    expect(flash).to_have_attribute("role", "status")
    expect(flash).not_to_be_empty()
    context.close()


def test_nothing_moves_when_the_outbox_indicator_fills_in(browser, demo_server):
    """The indicator is filled in after the page loads (it reads the tablet's storage): its
    room is kept from the start, so a button about to be tapped does not jump down; without
    JavaScript it takes no room at all."""
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/account/notifications"))
    box = page.locator("#outbox-status")
    expect(box).to_have_attribute("data-state", "saved")
    save = page.locator("main form button[type=submit]").last
    filled = save.bounding_box()
    box.evaluate("el => el.removeAttribute('data-state')")  # as it is before outbox.js ran
    expect(box).to_be_hidden()
    assert save.bounding_box() == filled
    context.close()

    bare = browser.new_context(viewport={"width": 820, "height": 1180}, java_script_enabled=False)
    page = bare.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/account/notifications"))
    assert page.locator("#outbox-status").evaluate("el => getComputedStyle(el).display") == "none"
    bare.close()


def test_a_problem_is_reported_with_the_keyboard_alone(browser, demo_server):
    """The walk's "Problem" opens with Enter, its choices are reached by Tab and chosen with
    the arrow keys, and its save button is reached too (nothing needs a pointer)."""
    context = _context(browser, "en-US")
    page = context.new_page()
    sign_in_as(page, demo_server.url, "officer")
    page.goto(demo_server.path("/rounds/{round}"))
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    stop = page.locator(".checklist .stop").nth(1)
    stop.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(stop.locator("details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    kind = page.evaluate("document.activeElement.name")
    assert kind == "finding_kind", kind
    page.keyboard.press("ArrowDown")  # moves to and selects the next choice
    assert page.evaluate("document.activeElement.checked") is True
    for _ in range(12):  # on through the actions, the note and the photo
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(stop.locator(".problem-form button[type=submit]")).to_be_focused()
    context.close()  # nothing is sent: the problem is not saved
