"""The officer's tablet with no connection (issue 11), in Debian's Chromium: pages from the
service worker, one outbox for every write, nothing lost or doubled, trusted times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from safetyops.drills.models import Drill, MedicalCall
from safetyops.extensions import db
from safetyops.rounds import operations as rounds
from safetyops.rounds.models import Round, RoundPlan, RoundResult
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
    return page.locator("#outbox-status[data-state] [data-outbox-text]")


def test_a_round_walked_offline_is_stored_exactly_once(context, page, demo_server):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    go_offline(context, counter)

    response = page.reload()
    assert response is not None and response.from_service_worker  # the kept copy
    expect(page.locator("h1")).to_contain_text("Good to see you")
    expect(page.locator("[data-offline-note]")).to_contain_text("No connection")
    expect(page.locator("[data-offline-note]")).to_contain_text("min ago")
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


def test_a_drill_and_a_medical_call_logged_offline_are_stored_once(context, page, demo_server):
    base, app, counter = demo_server
    with app.app_context():
        drills_before = db.session.scalar(select(func.count()).select_from(Drill))
        calls_before = db.session.scalar(select(func.count()).select_from(MedicalCall))
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    go_offline(context, counter)

    page.goto(f"{base}/campuses/AVE/drills/new")  # the kept copy
    page.fill("input[name=evacuation_location]", "Bus loop")
    page.locator("form[data-outbox] button[type=submit]").click()
    expect(page.locator("[data-outbox-message]")).to_contain_text("Kept on this tablet")
    page.goto(f"{base}/campuses/AVE/medical/new")
    page.fill("input[name=location]", "Gym, north bleachers")
    page.locator("form[data-outbox] button[type=submit]").click()
    expect(page.locator("[data-outbox-message]")).to_contain_text("Kept on this tablet")
    expect(indicator(page)).to_contain_text("2 waiting")
    assert counter.writes_while_offline() == []

    go_online(context, counter)
    page.locator("[data-outbox-sync]").click()
    expect(indicator(page)).to_have_text("All saved", timeout=20_000)
    page.locator("[data-outbox-sync]").click()  # sending again sends nothing twice
    expect(indicator(page)).to_have_text("All saved")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Drill)) == drills_before + 1
        assert db.session.scalar(select(func.count()).select_from(MedicalCall)) == calls_before + 1
        drill = db.session.scalars(select(Drill).order_by(Drill.id.desc())).first()
        assert drill.evacuation_location == "Bus loop"


def test_a_refused_entry_stays_visible_with_the_reason(context, page, demo_server):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    ).first.locator("form.start-form button").click()
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    round_id = int(page.url.rsplit("/", 1)[1])
    go_offline(context, counter)
    first = page.locator(".checklist .stop").first
    first.locator(".ok-form button").click()
    expect(indicator(page)).to_contain_text("1 waiting")
    # meanwhile the round is finished from another tablet: this result can no longer join it
    with app.app_context():
        rounds.complete_round(db.session.get(Round, round_id), "finished on the other tablet")
        db.session.remove()
    go_online(context, counter)
    page.locator("[data-outbox-sync]").click()
    expect(indicator(page)).to_contain_text("1 refused: the round is completed", timeout=20_000)
    expect(first).to_contain_text("refused: the round is completed")
    page.goto(f"{base}/")  # kept, never dropped: still shown on the next page
    expect(indicator(page)).to_contain_text("1 refused")
    page.locator("#outbox-status summary").click()
    expect(page.locator("#outbox-status [data-outbox-list] li")).to_contain_text(
        "refused: the round is completed; corrections are amendments"
    )


def test_a_fast_device_clock_gets_a_corrected_time_and_a_flag(context, page, demo_server):
    base, app, _counter = demo_server
    fast = timedelta(minutes=20)
    page.clock.install(time=datetime.now(UTC) + fast)  # the tablet's clock runs 20 min ahead
    sign_in(page, base, "officer@demo.local")
    page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    ).first.locator("form.start-form button").click()
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    round_id = int(page.url.rsplit("/", 1)[1])
    first = page.locator(".checklist .stop").first
    first.locator(".ok-form button").click()
    expect(first).to_have_attribute("data-saved", "saved", timeout=15_000)
    expect(indicator(page)).to_have_text("All saved")
    with app.app_context():
        (result,) = db.session.scalars(select(RoundResult).where(RoundResult.round_id == round_id))
        skew = result.sent_at - result.received_at
        assert timedelta(minutes=19) < skew < timedelta(minutes=21)
        assert abs(result.corrected_at - result.received_at) < timedelta(minutes=1)
        assert result.recorded_at - result.corrected_at > timedelta(minutes=19)
        assert result.capture == "list"
        db.session.remove()
    page.fill("#reason", "Testing the clock")
    page.locator("#finish-form button").click()
    expect(page.locator("main")).to_contain_text("Finished", timeout=15_000)
    expect(page.locator(".result-flags [data-flag='clock_off']")).to_have_count(1)
    expect(page.locator(".result-flags").first).to_contain_text("clock off")


def test_unsent_entries_survive_sign_out_and_go_only_under_their_officer(
    context, page, demo_server
):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    ).first.locator("form.start-form button").click()
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    round_id = int(page.url.rsplit("/", 1)[1])
    counter.api_down = True  # the server cannot take entries: they wait on the tablet
    page.locator(".checklist .stop").first.locator(".ok-form button").click()
    expect(indicator(page)).to_contain_text("1 waiting")

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.locator("form[action$='/logout'] button").click()
    assert "1 entries are not sent yet" in messages[0]
    expect(indicator(page)).to_contain_text("1 waiting")  # still signed in
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/logout'] button").click()
    page.wait_for_url("**/login*")

    counter.api_down = False
    sign_in(page, base, "supervisor@demo.local")  # another officer on the same tablet
    expect(indicator(page)).to_have_text("All saved")  # not theirs to see or send
    page.locator("[data-outbox-sync]").click()
    page.wait_for_timeout(1000)
    with app.app_context():
        stored = select(func.count()).select_from(RoundResult)
        assert db.session.scalar(stored.where(RoundResult.round_id == round_id)) == 0
        db.session.remove()
    page.locator("form[action$='/logout'] button").click()
    page.wait_for_url("**/login*")

    sign_in(page, base, "officer@demo.local")  # the officer's next sign-in sends it
    expect(indicator(page)).to_have_text("All saved", timeout=15_000)
    with app.app_context():
        stored = select(func.count()).select_from(RoundResult)
        assert db.session.scalar(stored.where(RoundResult.round_id == round_id)) == 1


def test_a_qr_label_scanned_offline_opens_the_round_and_counts_as_a_scan(
    context, page, demo_server
):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    assert page.evaluate("() => document.documentElement.dataset.storagePersisted") in (
        "yes",
        "no",
    )  # asked, and the answer is on the page
    page.locator("#outbox-status summary").click()
    expect(page.locator("[data-storage-status]")).to_contain_text("Storage on this tablet")
    expect(page.locator("[data-offline-age]")).to_contain_text("min old")
    go_offline(context, counter)
    page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    ).first.locator("form.start-form button").click()
    page.wait_for_url("**/tablet/walk#round=*")
    third = page.locator(".checklist .stop").nth(2)
    checkpoint_id = int(third.get_attribute("id").removeprefix("cp-"))
    name = third.locator(".stop-name").inner_text()

    for needs_server in ("/audit", "/reports/weekly", "/login"):
        page.goto(f"{base}{needs_server}")  # no copy: the page says it needs a connection
        expect(page.locator("h1")).to_have_text("This page needs a connection")
    page.goto(f"{base}/scan/{checkpoint_id}")  # the label's address, no copy of that page
    expect(page.locator("#scan-title")).to_have_text(name)
    page.locator("#scan-open").click()
    expect(page.locator("#walk[data-ready='1']")).to_have_count(1)
    expect(page.locator(f"#cp-{checkpoint_id}.focus")).to_have_count(1)
    page.locator(f"#cp-{checkpoint_id} .ok-form button").click()
    page.locator(".checklist .stop").first.locator(".ok-form button").click()
    expect(indicator(page)).to_contain_text("3 waiting")  # the start and two results
    assert counter.writes_while_offline() == []

    go_online(context, counter)
    page.locator("[data-outbox-sync]").click()
    expect(indicator(page)).to_have_text("All saved", timeout=20_000)
    with app.app_context():
        captured = dict(
            db.session.execute(
                select(RoundResult.checkpoint_id, RoundResult.capture)
                .join(Round)
                .where(Round.client_id == page.url.split("#round=")[1].split("&")[0])
            ).all()
        )
    assert captured[checkpoint_id] == "qr"
    assert sorted(captured.values()) == ["list", "qr"]


def test_entries_of_a_refused_round_start_are_kept_and_say_why(context, page, demo_server):
    base, app, counter = demo_server
    sign_in(page, base, "officer@demo.local")
    ready_for_offline(page)
    go_offline(context, counter)
    page.locator(".agenda-item", has_text="Morning exterior door check").filter(
        has_text="Aspen Valley Elementary"
    ).first.locator("form.start-form button").click()
    page.wait_for_url("**/tablet/walk#round=*")
    page.locator(".checklist .stop").first.locator(".ok-form button").click()
    expect(indicator(page)).to_contain_text("2 waiting")
    with app.app_context():  # meanwhile the plan is withdrawn
        plan_id = page.evaluate(
            "u => SafetyOpsOutbox.meta.get('round:' + u).then(r => r.plan_id)",
            page.url.split("#round=")[1],
        )
        rounds.set_plan_active(db.session.get(RoundPlan, plan_id), False)
        db.session.remove()
    go_online(context, counter)
    page.locator("[data-outbox-sync]").click()
    expect(indicator(page)).to_contain_text("2 refused: not found", timeout=20_000)
    page.locator("#outbox-status summary").click()
    items = page.locator("#outbox-status [data-outbox-list] li")
    expect(items.filter(has_text="Round started")).to_contain_text("refused: not found")
    expect(items.filter(has_text="Checkpoint result")).to_contain_text(
        "refused: Its round was not started: not found"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round).where(
            Round.plan_id == plan_id, Round.officer.has(email="officer@demo.local"),
            Round.completed_at.is_(None),
        )) == 0  # fmt: skip
