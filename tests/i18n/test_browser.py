"""In the browser: a Spanish-speaking officer walks a round in Spanish (labels, the scripts'
messages and the sync indicator), a Vietnamese principal reads compliance and a reminder
in Vietnamese, and the weekly report PDF comes in Spanish."""

from __future__ import annotations

import io
import re
import threading
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from werkzeug.serving import make_server

from tests.browser import _demo_template, sign_in
from tests.conftest import make_app
from tests.rounds.test_browser import start_ave_door_check

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(tmp_path):
    """The demo district served on a free port, with its app (to run a scheduler job)."""
    from safetyops.demo.district import load_demo
    from safetyops.extensions import db

    app = make_app({"backend": "sqlite", "template": _demo_template(tmp_path)}, tmp_path)
    with app.app_context():
        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(5)


def choose_language(page, base_url, name):
    """The login page's language switch, before signing in."""
    page.goto(f"{base_url}/login")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "true")


def test_a_spanish_speaking_officer_walks_a_round_in_spanish(context, page, demo):
    base, _app = demo
    choose_language(page, base, "Español")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Iniciar sesión en SafetyOps")
    sign_in(page, base, "officer@demo.local")
    expect(
        page.get_by_role("link", name="Cerrar sesión").or_(
            page.get_by_role("button", name="Cerrar sesión")
        )
    ).to_be_visible()
    start_ave_door_check(page)
    expect(page.locator(".progress")).to_contain_text("0 de 10")
    stops = page.locator(".checklist .stop")
    expect(stops.first.locator(".ok-form button")).to_have_text("Asegurado / Bien")
    for index in range(8):
        stops.nth(index).locator(".ok-form button").click()
        expect(page.locator("#progress-count")).to_have_text(str(index + 1))
    expect(stops.first.locator("[data-state]")).to_contain_text("Bien ✓ guardado")

    # Offline: the tap waits on the tablet, and the scripts say so in Spanish.
    context.set_offline(True)
    stops.nth(8).locator(".ok-form button").click()
    expect(stops.nth(8).locator("[data-state]")).to_contain_text("guardado en esta tableta")
    indicator = page.locator("#outbox-status [data-outbox-text]")
    expect(indicator).to_contain_text(re.compile(r"\d+ en espera"))
    expect(indicator).to_contain_text("Sin conexión; guardado en esta tableta.")
    context.set_offline(False)
    page.locator("#outbox-status [data-outbox-sync]").click()
    expect(indicator).to_have_text("Todo guardado", timeout=15_000)
    expect(stops.nth(8).locator("[data-state]")).to_contain_text("guardado")

    last = stops.nth(9)
    last.locator("summary").click()
    expect(last.locator("legend").first).to_have_text("¿Qué problema hay?")
    last.locator("label.choice", has_text="Trabada abierta").click()
    last.locator("textarea[name=note]").fill("Cuña bajo la puerta del gimnasio")
    last.locator(".problem-form button[type=submit]").click()
    expect(last.locator("[data-state]")).to_contain_text("Trabada abierta")
    expect(page.locator(".stop.unsaved")).to_have_count(0)
    page.locator("#finish-form button").click()
    # The finished round's page, in Spanish too.
    expect(page.locator("main")).to_contain_text("10 de 10 revisados")
    expect(page.locator("main")).to_contain_text("Terminada")
    expect(page.locator("main")).to_contain_text("Trabada abierta")


def test_a_vietnamese_principal_reads_compliance_and_a_reminder(browser, page, demo):
    from safetyops.scheduler.registry import run_job

    base, app = demo
    sign_in(page, base, "principal@demo.local")
    page.goto(f"{base}/account/notifications")
    page.get_by_label("Language").select_option("vi")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Ngôn ngữ và thông báo")
    expect(page.get_by_label("Ngôn ngữ")).to_have_value("vi")

    page.goto(f"{base}/campuses/AVE/compliance")
    expect(page.locator("h1")).to_contain_text("Aspen Valley")
    badges = page.locator(".requirement .status-badge")
    expect(badges.filter(has_text="Quá hạn").first).to_be_visible()
    expect(badges.filter(has_text="Đã đạt").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Lockdown (phong tỏa)")

    with app.app_context():
        run_job("compliance-reminders", as_of=date.today())
    page.goto(f"{base}/notifications")
    expect(page.locator("h1")).to_have_text("Thông báo")
    overdue = page.locator(".notification", has_text="QUÁ HẠN")
    expect(overdue.first).to_be_visible()
    expect(overdue.first).to_contain_text("hạn chót là")
    expect(page.locator(".notifications")).not_to_contain_text("OVERDUE")


def test_the_weekly_report_pdf_in_spanish(page, demo):
    base, _app = demo
    choose_language(page, base, "Español")
    sign_in(page, base, "admin@demo.local")
    # WeasyPrint renders the district report in a few seconds (longer on a busy machine).
    response = page.request.get(f"{base}/reports/weekly?format=pdf", timeout=120_000)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    for heading in (
        "Informe semanal de seguridad",
        "Distrito",
        "Hallazgos por tipo",
        "Siguen abiertos, por antigüedad",
        "Simulacros por tipo",
        "Cumplimiento de simulacros",
        "Las últimas 8 semanas y esta",
        "Rondas completadas",
    ):
        assert heading in text, heading
    assert "Weekly safety report" not in text and "Findings by kind" not in text
