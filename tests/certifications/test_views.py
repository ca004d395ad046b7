"""Certification pages: who sees and does what (deny by default, per campus), scanned
copies (type and size checked, pictures re-encoded), firms and kinds administration, the
"expired" flags where officers appear, and the weekly report's section."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from safetyops.audit.models import AuditEvent
from safetyops.certifications import queries
from safetyops.certifications.models import Certification, SecurityFirm

GPS_IFD = 0x8825
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def phone_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 44.0, 21.0), 3: "W", 4: (104.0, 59.0, 3.0)})
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (250, 250, 0)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def form(kinds, scan=None, name="card.pdf", **over):
    data = {
        "submission_id": str(uuid.uuid4()),
        "kind_id": str(kinds["First aid"].id),
        "number": "FA-778",
        "issued_on": "2026-01-15",
        "expires_on": "2028-01-15",
        **over,
    }
    if scan is not None:
        data["scan"] = (io.BytesIO(scan), name)
    return data


def certs(db):
    return db.session.scalar(select(func.count()).select_from(Certification))


# ---- access -----------------------------------------------------------------------------------


def test_officers_see_their_own_only(client, two_campuses, add_cert):
    officer, other = two_campuses["officer_a"], two_campuses["officer_b"]
    mine, theirs = add_cert(), add_cert(officer=other)
    client.login(officer)
    index = client.get("/certifications/")
    assert index.status_code == 302 and index.location.endswith(
        f"/certifications/officers/{officer.id}"
    )
    page = client.get(f"/certifications/officers/{officer.id}").get_data(as_text=True)
    assert "CPR/AED" in page and f'data-cert="{mine.id}"' in page
    assert client.get(f"/certifications/officers/{other.id}").status_code == 404
    assert client.get(f"/certifications/officers/{other.id}/new").status_code == 404
    assert client.post(f"/certifications/{theirs.id}/withdraw", {"reason": "x"}).status_code == 403
    for url in ("/admin/firms", "/admin/firms/new", "/admin/certification-kinds"):
        assert client.get(url).status_code == 403, url


def test_supervisors_see_the_officers_of_their_campuses(client, two_campuses, add_cert):
    add_cert()
    add_cert(officer=two_campuses["officer_b"])
    client.login(two_campuses["supervisor_a"])
    page = client.get("/certifications/").get_data(as_text=True)
    assert two_campuses["officer_a"].email in page and two_campuses["officer_b"].email not in page
    assert client.get(f"/certifications/officers/{two_campuses['officer_b'].id}").status_code == 404
    assert client.get("/certifications/?campus=BBB").status_code == 404  # not their campus
    assert client.get("/admin/firms").status_code == 403


@pytest.mark.parametrize(
    ("role", "statuses"),
    [
        ("principal_a", {"index": 403, "officer": 403, "new": 403, "scan": 403}),
        ("viewer", {"index": 200, "officer": 200, "new": 403, "scan": 403}),
        ("admin", {"index": 200, "officer": 200, "new": 200, "scan": 200}),
        ("supervisor_a", {"index": 200, "officer": 200, "new": 200, "scan": 200}),
    ],
)
def test_each_role_gets_what_its_rule_says(client, two_campuses, add_cert, role, statuses):
    cert = add_cert(scan=PDF)
    officer = two_campuses["officer_a"]
    client.login(two_campuses[role])
    urls = {
        "index": "/certifications/",
        "officer": f"/certifications/officers/{officer.id}",
        "new": f"/certifications/officers/{officer.id}/new",
        "scan": f"/certifications/{cert.id}/scan",
    }
    assert {k: client.get(u).status_code for k, u in urls.items()} == statuses


def test_signed_out_visitors_are_sent_to_sign_in(client, two_campuses, add_cert):
    cert = add_cert(scan=PDF)
    for url in ("/certifications/", f"/certifications/{cert.id}/scan", "/admin/firms",
                "/campuses/AAA/training"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url


def test_forms_need_the_csrf_token(client, two_campuses, kinds):
    client.login(two_campuses["admin"])
    officer = two_campuses["officer_a"]
    response = client.post(f"/certifications/officers/{officer.id}/new", form(kinds), csrf=False)
    assert response.status_code == 400
    assert client.post("/admin/firms/new", {"name": "X"}, csrf=False).status_code == 400


# ---- certificates and scanned copies ------------------------------------------------------------


def test_an_officer_records_a_certificate_with_a_pdf(client, db, two_campuses, kinds):
    officer = two_campuses["officer_a"]
    client.login(officer)
    response = client.post(f"/certifications/officers/{officer.id}/new", form(kinds, PDF))
    assert response.status_code == 302, response.get_data(as_text=True)
    cert = db.session.scalar(select(Certification))
    assert (cert.officer_id, cert.number, cert.created_by_id) == (officer.id, "FA-778", officer.id)
    assert cert.scan.startswith(f"cert-{cert.id}-") and cert.scan.endswith(".pdf")
    scan = client.get(f"/certifications/{cert.id}/scan")
    assert scan.mimetype == "application/pdf" and scan.data == PDF
    assert scan.headers["X-Content-Type-Options"] == "nosniff"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "certification"))
    assert event.actor_id == officer.id and event.changes["kind"] == [None, "First aid"]


def test_a_photo_of_a_card_is_re_encoded_without_gps(client, db, two_campuses, kinds):
    client.login(two_campuses["supervisor_a"])
    officer = two_campuses["officer_a"]
    response = client.post(
        f"/certifications/officers/{officer.id}/new", form(kinds, phone_jpeg(), "card.jpg")
    )
    assert response.status_code == 302
    cert = db.session.scalar(select(Certification))
    shown = client.get(f"/certifications/{cert.id}/scan")
    assert shown.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(shown.data)) as stored:
        assert not stored.getexif().get_ifd(GPS_IFD) and stored.size == (4, 6)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just some text", "card.pdf", "Send a PDF, JPEG or PNG file."),
        (b"GIF89a" + b"\0" * 20, "card.gif", "Send a PDF, JPEG or PNG file."),
        (b"%PDF-1.4\nhalf a file", "card.pdf", "That PDF is incomplete or damaged."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "card.png", "That picture could not be read."),
        (b"", "card.pdf", "The file is empty."),
    ],
)
def test_a_bad_file_is_a_form_error_and_nothing_is_saved(
    client, db, two_campuses, kinds, data, name, message
):
    client.login(two_campuses["admin"])
    officer = two_campuses["officer_a"]
    response = client.post(f"/certifications/officers/{officer.id}/new", form(kinds, data, name))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'class="error"' in page
    assert certs(db) == 0


@pytest.mark.config(CERTIFICATION_SCAN_MAX_BYTES=1024 * 1024)
def test_an_oversized_scan_is_a_form_error(client, db, two_campuses, kinds):
    client.login(two_campuses["admin"])
    officer = two_campuses["officer_a"]
    big = PDF[:-6] + b"\0" * (1024 * 1024) + b"%%EOF\n"
    response = client.post(f"/certifications/officers/{officer.id}/new", form(kinds, big))
    assert response.status_code == 400
    assert "A scanned copy can be at most 1 MB." in response.get_data(as_text=True)
    assert certs(db) == 0


@pytest.mark.parametrize(
    ("over", "field_message"),
    [
        ({"expires_on": "2025-01-01"}, "It cannot expire before it was issued."),
        ({"issued_on": "2099-01-01"}, "Enter a date between"),
        ({"issued_on": (date.today() + timedelta(days=3)).isoformat(), "expires_on": ""},
         "A certificate cannot be issued in the future."),
        ({"issued_on": "not a date"}, "This field is required."),
        ({"kind_id": "999"}, "Not a valid choice."),
        ({"number": "9" * 81}, "Field cannot be longer than 80 characters."),
    ],
)  # fmt: skip
def test_bad_values_are_named_on_the_form(client, db, two_campuses, kinds, over, field_message):
    client.login(two_campuses["admin"])
    officer = two_campuses["officer_a"]
    response = client.post(f"/certifications/officers/{officer.id}/new", form(kinds, **over))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and field_message in page, re.findall(
        r'class="error">[^<]*', page
    )
    assert certs(db) == 0


def test_a_double_tap_records_one_certificate(client, db, two_campuses, kinds):
    client.login(two_campuses["officer_a"])
    url = f"/certifications/officers/{two_campuses['officer_a'].id}/new"
    data = form(kinds)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert certs(db) == 1


def test_only_officers_and_supervisors_hold_certificates(client, db, two_campuses, kinds):
    client.login(two_campuses["admin"])
    principal = two_campuses["principal_a"]
    assert client.get(f"/certifications/officers/{principal.id}").status_code == 404
    response = client.post(f"/certifications/officers/{principal.id}/new", form(kinds))
    assert response.status_code == 404 and certs(db) == 0


def test_a_supervisor_withdraws_a_mistake_with_a_reason(client, db, two_campuses, add_cert):
    cert = add_cert()
    client.login(two_campuses["supervisor_a"])
    url = f"/certifications/{cert.id}/withdraw"
    client.post(url, {"reason": ""})
    db.session.refresh(cert)
    assert cert.withdrawn_at is None
    assert client.post(url, {"reason": "wrong officer"}).status_code == 302
    db.session.refresh(cert)
    assert cert.withdrawn_reason == "wrong officer"
    page = client.get(f"/certifications/officers/{cert.officer_id}").get_data(as_text=True)
    assert "withdrawn" in page and "wrong officer" in page


# ---- flags where officers appear -------------------------------------------------------------


def test_expired_and_expiring_flags(client, two_campuses, add_cert):
    today = queries.today()
    officer = two_campuses["officer_a"]
    add_cert(expires=today - timedelta(days=1), issued=today - timedelta(days=400))
    add_cert(kind="First aid", expires=today + timedelta(days=10), issued=today - timedelta(days=5))
    add_cert(officer=two_campuses["officer_b"], expires=today + timedelta(days=300),
             issued=today - timedelta(days=5))  # fmt: skip

    # The campus page, for its principal: the officer's assignment carries the flag.
    client.login(two_campuses["principal_a"])
    page = client.get("/campuses/AAA").get_data(as_text=True)
    assert f'data-officer="{officer.email}"' in page
    assert 'data-flag="expired"' in page and "Certification expired" in page
    client.logout()

    client.login(two_campuses["supervisor_a"])
    home = client.get("/").get_data(as_text=True)
    assert 'data-state="expired"' in home and 'data-state="expiring"' in home
    assert "CPR/AED" in home and "First aid" in home
    client.logout()

    client.login(two_campuses["admin"])
    page = client.get("/certifications/").get_data(as_text=True)
    assert 'data-flag="expired"' in page
    users = client.get("/admin/users").get_data(as_text=True)  # each officer's assignment
    row = users[users.index(officer.email) :].split("</tr>")[0]
    assert 'data-flag="expired"' in row
    other_row = users[users.index(two_campuses["officer_b"].email) :].split("</tr>")[0]
    assert "data-flag" not in other_row
    home = client.get("/").get_data(as_text=True)
    assert home.count('data-state="expired"') == 1
    client.logout()

    client.login(two_campuses["officer_b"])  # nothing to act on: no section
    assert "cert-flags-title" not in client.get("/").get_data(as_text=True)
    client.logout()
    client.login(officer)
    assert 'data-state="expired"' in client.get("/").get_data(as_text=True)


def test_a_renewal_clears_the_flag(client, two_campuses, add_cert):
    today = queries.today()
    add_cert(expires=today - timedelta(days=1), issued=today - timedelta(days=400))
    add_cert(expires=today + timedelta(days=700), issued=today, number="C-2")
    client.login(two_campuses["principal_a"])
    assert 'data-flag="expired"' not in client.get("/campuses/AAA").get_data(as_text=True)


def test_the_weekly_report_lists_expired_and_expiring(app, client, db, two_campuses, add_cert):
    from safetyops.reports import queries as reports

    add_cert(expires=date(2026, 11, 20), issued=date(2024, 11, 20))
    add_cert(kind="First aid", expires=date(2026, 12, 20), issued=date(2024, 12, 20))
    add_cert(kind="SRP training", expires=date(2027, 6, 1), issued=date(2025, 6, 1))
    data = reports.build("2026-W47", [two_campuses["a"], two_campuses["b"]])  # ends Nov 22
    section = next(s for s in data["campuses"] if s["code"] == "AAA")
    name = two_campuses["officer_a"].name
    assert section["certifications"] == {
        "expired": [{"officer": name, "kind": "CPR/AED", "expires": "2026-11-20"}],
        "expiring": [{"officer": name, "kind": "First aid", "expires": "2026-12-20"}],
    }
    other = next(s for s in data["campuses"] if s["code"] == "BBB")
    assert other["certifications"] == {"expired": [], "expiring": []}
    assert data["district"]["certifications"] == section["certifications"]
    client.login(two_campuses["admin"])
    page = client.get("/reports/weekly?week=2026-W47&live=1").get_data(as_text=True)
    assert "report-certifications" in page and 'data-state="expired"' in page
    client.logout()
    client.login(two_campuses["principal_a"])  # a campus reader: no district section
    page = client.get("/reports/weekly?week=2026-W47&live=1").get_data(as_text=True)
    assert page.count('<div class="report-certifications">') == 1


# ---- firms and kinds -----------------------------------------------------------------------


def firm_form(**over):
    data = {
        "submission_id": str(uuid.uuid4()),
        "name": "Summit Protective Services",
        "contact_name": "Dana Account-Manager",
        "contact_email": "Contracts@Summit.test",
        "contact_phone": "+1 303 555 0100",
        "contract_start": "2026-07-01",
        "contract_end": "2027-06-30",
        "campus_codes": ["AAA"],
        "notes": "",
    }
    data.update(over)
    return data


def test_the_safety_department_manages_a_firm_and_its_officers(client, db, two_campuses):
    client.login(two_campuses["admin"])
    response = client.post("/admin/firms/new", firm_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    firm = db.session.scalar(select(SecurityFirm))
    assert (firm.name, firm.contact_email, [c.code for c in firm.campuses]) == (
        "Summit Protective Services", "contracts@summit.test", ["AAA"],
    )  # fmt: skip
    assert firm.employer.kind == "contractor"
    officer = two_campuses["officer_a"]
    assert (
        client.post(f"/admin/firms/{firm.id}/officers", {"officer_id": officer.id}).status_code
        == 302
    )
    db.session.refresh(officer)
    assert officer.employer_id == firm.employer_id
    page = client.get(f"/admin/firms/{firm.id}").get_data(as_text=True)
    assert f'data-officer="{officer.email}"' in page
    # The user admin shows the same employer.
    assert "Summit Protective Services" in client.get("/admin/users").get_data(as_text=True)
    # A principal cannot join a firm.
    client.post(f"/admin/firms/{firm.id}/officers", {"officer_id": two_campuses["principal_a"].id})
    db.session.refresh(two_campuses["principal_a"])
    assert two_campuses["principal_a"].employer_id is None
    # Renamed, campuses changed.
    edit = firm_form(name="Summit Security", campus_codes=["AAA", "BBB"])
    assert client.post(f"/admin/firms/{firm.id}/edit", edit).status_code == 302
    db.session.refresh(firm)
    assert firm.name == "Summit Security" and [c.code for c in firm.campuses] == ["AAA", "BBB"]
    assert client.post(f"/admin/firms/{firm.id}/officers/{officer.id}/remove").status_code == 302
    db.session.refresh(officer)
    assert officer.employer_id is None
    actions = db.session.scalars(
        select(AuditEvent.entity_type).where(AuditEvent.entity_type.in_(["security_firm", "user"]))
    ).all()
    assert actions.count("security_firm") == 2 and actions.count("user") >= 2


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"contact_email": "not-an-address"}, "This is not a valid email address."),
        ({"contract_end": "2026-06-30"}, "The contract cannot end before it starts."),
        ({"contract_start": "1999-01-01"}, "Enter a date between"),
        ({"campus_codes": ["ZZZ"]}, "is not a valid choice"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_firm_values_are_form_errors(client, db, two_campuses, over, message):
    client.login(two_campuses["admin"])
    response = client.post("/admin/firms/new", firm_form(**over))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SecurityFirm)) == 0


def test_a_firm_name_is_unique(client, db, two_campuses):
    client.login(two_campuses["admin"])
    client.post("/admin/firms/new", firm_form())
    again = client.post("/admin/firms/new", firm_form())
    assert "An employer with this name already exists." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SecurityFirm)) == 1


def test_kinds_are_a_list_the_safety_department_edits(client, db, two_campuses, kinds):
    assert set(kinds) == {"CPR/AED", "First aid", "Firearms qualification",
                          "State security licence", "SRP training"}  # fmt: skip
    client.login(two_campuses["admin"])
    url = "/admin/certification-kinds"
    assert (
        client.post(url, {"name": "Baton", "submission_id": str(uuid.uuid4())}).status_code == 302
    )
    again = client.post(url, {"name": "baton", "submission_id": str(uuid.uuid4())})
    assert again.status_code == 400 and "already on the list" in again.get_data(as_text=True)
    firearms = kinds["Firearms qualification"]
    assert client.post(f"{url}/{firearms.id}/active", {"active": "0"}).status_code == 302
    officer = two_campuses["officer_a"]
    page = client.get(f"/certifications/officers/{officer.id}/new").get_data(as_text=True)
    assert "Baton" in page and "Firearms qualification" not in page
    refused = client.post(
        f"/certifications/officers/{officer.id}/new", form(kinds, kind_id=str(firearms.id))
    )
    assert refused.status_code == 400 and certs(db) == 0
    db.session.refresh(firearms)
    assert firearms.active is False


def test_an_officer_on_two_campuses_is_reported_on_both_and_once_for_the_district(
    db, make_user, two_campuses, add_cert
):
    from safetyops.reports import queries as reports

    both = make_user("officer", [two_campuses["a"], two_campuses["b"]], name="Two Campus")
    add_cert(officer=both, expires=date(2026, 11, 1), issued=date(2024, 11, 1))
    data = reports.build("2026-W47", [two_campuses["a"], two_campuses["b"]])
    entry = {"officer": "Two Campus", "kind": "CPR/AED", "expires": "2026-11-01"}
    for section in data["campuses"]:
        assert section["certifications"]["expired"] == [entry], section["code"]
    assert data["district"]["certifications"]["expired"] == [entry]


def test_a_supervisor_without_campuses_sees_only_themself(db, make_user, two_campuses, add_cert):
    lonely = make_user("supervisor", [])
    add_cert()
    add_cert(officer=lonely)
    assert queries.visible_officer_ids(lonely) == {lonely.id}
    assert queries.visible_officer_ids(two_campuses["viewer"]) is None
    assert queries.visible_officer_ids(two_campuses["principal_a"]) == {
        two_campuses["officer_a"].id,
        two_campuses["supervisor_a"].id,
    }


def test_the_district_list_opens_on_what_needs_acting_on(client, two_campuses, add_cert):
    today = queries.today()
    add_cert(expires=today - timedelta(days=2), issued=today - timedelta(days=400))
    add_cert(officer=two_campuses["officer_b"], expires=today + timedelta(days=300),
             issued=today - timedelta(days=5))  # fmt: skip
    a, b = two_campuses["officer_a"].email, two_campuses["officer_b"].email
    client.login(two_campuses["admin"])
    page = client.get("/certifications/").get_data(as_text=True)
    assert f'data-officer="{a}"' in page and f'data-officer="{b}"' not in page
    page = client.get("/certifications/?all=1").get_data(as_text=True)
    assert f'data-officer="{a}"' in page and f'data-officer="{b}"' in page
    page = client.get("/certifications/?campus=bbb").get_data(as_text=True)
    assert f'data-officer="{a}"' not in page and f'data-officer="{b}"' in page
    assert client.get("/certifications/?campus=NOPE").status_code == 404


def test_a_deactivated_officer_keeps_a_record_but_leaves_the_lists(
    client, db, two_campuses, add_cert
):
    today = queries.today()
    officer = two_campuses["officer_a"]
    add_cert(expires=today - timedelta(days=2), issued=today - timedelta(days=400))
    officer.active = False
    db.session.commit()
    client.login(two_campuses["admin"])
    assert f'data-officer="{officer.email}"' not in client.get("/certifications/").get_data(
        as_text=True
    )
    page = client.get(f"/certifications/officers/{officer.id}").get_data(as_text=True)
    assert "CPR/AED" in page
    assert 'data-state="expired"' not in client.get("/").get_data(as_text=True)
