"""Which language a page is in (profile, then the login page's switch, then the browser's
Accept-Language), the switch itself (CSRF, no open redirect), the profile field, and the
formatters (dates, times, numbers, week names, enum labels) in each language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from flask_babel import force_locale

from safetyops.core import i18n
from safetyops.core.labels import label

LANG = re.compile(r'<html lang="([^"]+)"')


def _lang(response) -> str:
    return LANG.search(response.get_data(as_text=True)).group(1)


def test_the_languages_are_english_and_every_catalog(app):
    assert app.config["LANGUAGES"][0] == "en" and {"es", "vi"} <= set(app.config["LANGUAGES"])


def test_before_sign_in_the_browser_picks(client):
    page = client.get("/login", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert _lang(page) == "vi" and "Đăng nhập SafetyOps" in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "es-MX"})  # a region only
    assert _lang(page) == "es" and "Iniciar sesión en SafetyOps" in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "fr-FR,de;q=0.8"})
    assert _lang(page) == "en" and "Sign in to SafetyOps" in page.get_data(as_text=True)


def test_the_login_switch_is_remembered_and_beats_the_browser(client):
    response = client.post("/language", {"locale": "es", "next": "/compliance"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/compliance"
    page = client.get("/login", headers={"Accept-Language": "vi"})
    assert _lang(page) == "es" and 'aria-pressed="true">Español' in page.get_data(as_text=True)


def test_the_switch_refuses_an_unknown_language_and_foreign_next(client):
    client.post("/language", {"locale": "es"})
    response = client.post("/language", {"locale": "xx", "next": "https://evil.test/"})
    assert response.headers["Location"] == "/login"  # the foreign target is dropped
    page = client.get("/login")
    assert _lang(page) == "es"  # the earlier choice stands
    assert "Ese idioma no está disponible." in page.get_data(as_text=True)
    assert client.post("/language", {"locale": "//evil.test"}).headers["Location"] == "/login"


def test_the_switch_needs_its_csrf_token(client):
    assert client.post("/language", {"locale": "es"}, csrf=False).status_code == 400


def test_the_profile_language_beats_switch_and_browser(client, db, two_campuses):
    principal = two_campuses["principal_a"]
    client.post("/language", {"locale": "es"})
    client.login(principal)
    assert _lang(client.get("/notifications", headers={"Accept-Language": "es"})) == "es"
    response = client.post("/account/notifications", {"email_preference": "each", "locale": "vi"})
    assert response.status_code == 302
    page = client.get("/notifications", headers={"Accept-Language": "es"})
    assert _lang(page) == "vi" and "Thông báo" in page.get_data(as_text=True)
    db.session.refresh(principal)
    assert principal.locale == "vi"
    # Back to "the browser's language": the switch and Accept-Language decide again.
    client.post("/account/notifications", {"email_preference": "each", "locale": ""})
    db.session.refresh(principal)
    assert principal.locale is None
    assert _lang(client.get("/notifications", headers={"Accept-Language": "en"})) == "es"


def test_the_profile_field_refuses_a_language_that_is_not_offered(client, db, two_campuses):
    officer = two_campuses["officer_a"]
    client.login(officer)
    page = client.post("/account/notifications", {"email_preference": "each", "locale": "xx"})
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.locale is None


def test_a_stored_language_no_longer_offered_falls_back(client, db, two_campuses):
    officer = two_campuses["officer_a"]
    officer.locale = "fr"  # e.g. a catalog removed later
    db.session.commit()
    client.login(officer)
    assert _lang(client.get("/", headers={"Accept-Language": "vi"}, follow_redirects=True)) == "vi"
    assert i18n.locale_for(officer) == "en"


def test_the_page_loads_the_scripts_catalog_of_its_language(client):
    page = client.get("/login", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    catalog, script = page.index("/static/i18n/vi.js"), page.index("/static/js/i18n.js")
    assert catalog < script
    assert client.get("/static/i18n/vi.js").status_code == 200


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            ["Sep 15, 2026", "Tue, Sep 15", "14:05", "97.5%", "1,234.5", "week 47, 2026", "06:45"],
        ),
        (
            "es",
            [
                "15 sept 2026",
                "mar, 15 sept",
                "14:05",
                "97,5",
                "1.234,5",
                "semana 47 de 2026",
                "6:45",
            ],
        ),
        (
            "vi",
            ["15 thg 9, 2026", "15 thg 9", "14:05", "97,5", "1.234,5", "tuần 47 năm 2026", "6:45"],
        ),
    ],
)
def test_formatters_follow_the_locale(app, locale, expected):
    moment = datetime(2026, 9, 15, 20, 5, tzinfo=UTC)  # 14:05 in Denver
    with app.test_request_context(), force_locale(locale):
        out = [
            i18n.day(date(2026, 9, 15)),
            i18n.localday(moment, "America/Denver"),
            i18n.localtime(moment, "America/Denver"),
            i18n.percent(97.5),
            i18n.number(1234.5),
            i18n.week_name("2026-W47"),
            i18n.clock(time(6, 45)),
        ]
        assert i18n.day("2026-09-15") == out[0]  # ISO strings, as stored in JSON
    for text, wanted in zip(out, expected, strict=True):
        assert wanted in text, (locale, out)


def test_enum_labels_are_translated(app):
    with app.test_request_context():
        with force_locale("es"):
            assert label("propped_open", "finding_kind") == "Trabada abierta"
            assert label("locked", "expected_state") == "Cerrada con llave"
            assert label("lockdown", "drill_type") == "Lockdown (encierro)"
            assert label("principal", "role") == "Director/a"
        with force_locale("vi"):
            assert label("overdue", "requirement_status") == "Quá hạn"
            assert label("open", "finding_status") == "Đang mở"
        assert label("something_new", "finding_kind") == "something new"  # unknown: as stored
