"""Writing firms, certification kinds, certificates and training sessions: validate,
write, record the audit event, commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import Employer, EmployerKind, User
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.certifications import scans
from safetyops.certifications.models import (
    CERTIFIED_ROLES,
    DEFAULT_KINDS,
    Certification,
    CertificationKind,
    SecurityFirm,
    TrainingProtocol,
    TrainingSession,
)
from safetyops.core import dates
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.transitions import transition
from safetyops.extensions import db

FIRM_FIELDS = ["contact_name", "contact_email", "contact_phone", "contract_start",
               "contract_end", "notes", "campus_codes"]  # fmt: skip


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = (data.get(key) or "").strip()
    if len(value) > limit:
        raise ValidationFailed({key: _("At most %(n)d characters.", n=limit)})
    return value


def _day(data: dict[str, Any], key: str, required: bool = False) -> date | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ValidationFailed({key: _("Enter a date.")})
        return None
    if not isinstance(value, date):
        raise ValidationFailed({key: _("Enter a date as YYYY-MM-DD.")})
    today = utcnow().date()
    if not dates.in_range(value, today):
        raise ValidationFailed(
            {
                key: _(
                    "Enter a date between %(first)s and %(last)s.",
                    first=dates.EARLIEST.isoformat(),
                    last=dates.latest(today).isoformat(),
                )
            }
        )
    return value


# ---- security firms ---------------------------------------------------------------------


def _firm_snapshot(firm: SecurityFirm) -> dict[str, Any]:
    snap = audit.snapshot(firm, FIRM_FIELDS[:-1])
    snap["campus_codes"] = sorted(c.code for c in firm.campuses)
    return snap


def _firm_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, limit in (("contact_name", 120), ("contact_phone", 40), ("notes", 2000)):
        try:
            values[key] = _text(data, key, limit)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    email = (data.get("contact_email") or "").strip()
    values["contact_email"] = ""
    if email:
        try:
            values["contact_email"] = accounts.normalise_email(email)
        except ValidationFailed as exc:
            errors["contact_email"] = exc.errors["email"]
    for key in ("contract_start", "contract_end"):
        try:
            values[key] = _day(data, key)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    start, end = values.get("contract_start"), values.get("contract_end")
    if start and end and end < start:
        errors["contract_end"] = _("The contract cannot end before it starts.")
    codes = [c.upper() for c in data.get("campus_codes") or []]
    campuses = list(db.session.scalars(select(Campus).where(Campus.code.in_(codes))))
    if len(campuses) != len(set(codes)):
        errors["campus_codes"] = _("Unknown campus.")
    values["campuses"] = campuses
    if errors:
        raise ValidationFailed(errors)
    return values


def create_firm(data: dict[str, Any]) -> SecurityFirm:
    name = (data.get("name") or "").strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 120:
        errors["name"] = _("Enter a name of at most 120 characters.")
    else:
        employer = db.session.scalar(select(Employer).where(Employer.name == name))
        if employer is not None and (
            employer.kind != EmployerKind.CONTRACTOR
            or db.session.scalar(
                select(SecurityFirm).where(SecurityFirm.employer_id == employer.id)
            )
        ):
            errors["name"] = _("An employer with this name already exists.")
    try:
        values = _firm_values(data)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    employer = accounts.get_or_create_employer(name, EmployerKind.CONTRACTOR)
    firm = SecurityFirm(employer=employer, **values)
    db.session.add(firm)
    db.session.flush()
    audit.record(
        "create", "security_firm", firm.id, audit.diff({}, {"name": name, **_firm_snapshot(firm)})
    )
    db.session.commit()
    return firm


def update_firm(firm: SecurityFirm, data: dict[str, Any]) -> SecurityFirm:
    values = _firm_values(data)
    before = _firm_snapshot(firm)
    accounts.rename_employer(firm.employer, data.get("name") or "")
    for key, value in values.items():
        setattr(firm, key, value)
    changes = audit.diff(before, _firm_snapshot(firm))
    if changes:
        audit.record("update", "security_firm", firm.id, changes)
    db.session.commit()
    return firm


def officers_of(firm: SecurityFirm) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.employer_id == firm.employer_id).order_by(User.name)
        )
    )


def link_officer(firm: SecurityFirm, user: User) -> bool:
    """``user`` now works for ``firm`` (their employer becomes the firm's)."""
    if user.role not in CERTIFIED_ROLES:
        raise ValidationFailed({"officer_id": _("Only officers and supervisors join a firm.")})
    changed = accounts.set_employer(user, firm.employer)
    db.session.commit()
    return changed


def unlink_officer(firm: SecurityFirm, user: User) -> bool:
    if user.employer_id != firm.employer_id:
        return False
    accounts.set_employer(user, None)
    db.session.commit()
    return True


# ---- kinds of certification ---------------------------------------------------------------


def add_kind(name: str) -> CertificationKind:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed({"name": _("Enter a name of at most 120 characters.")})
    taken = db.session.scalar(
        select(CertificationKind).where(func.lower(CertificationKind.name) == name.lower())
    )
    if taken is not None:
        raise ValidationFailed({"name": _("This kind is already on the list.")})
    kind = CertificationKind(name=name, active=True)
    db.session.add(kind)
    db.session.flush()
    audit.record("create", "certification_kind", kind.id, {"name": [None, name]})
    db.session.commit()
    return kind


def ensure_default_kinds(commit: bool = True) -> int:
    """Add the default kinds to an empty list (a database emptied after its migration, as
    the demo loader and tests may find it). Returns how many were added."""
    if db.session.scalar(select(func.count()).select_from(CertificationKind)):
        return 0
    for name in DEFAULT_KINDS:
        db.session.add(CertificationKind(name=name, active=True))
    db.session.flush()
    if commit:
        db.session.commit()
    return len(DEFAULT_KINDS)


def set_kind_active(kind: CertificationKind, active: bool) -> bool:
    changed = audit.record_active_change(kind, active, "certification_kind", None)
    db.session.commit()
    return changed


# ---- certificates ---------------------------------------------------------------------------


def add_certification(
    officer: User, data: dict[str, Any], scan: bytes | None, actor: User
) -> Certification:
    """A certificate for ``officer``. Everything is checked (the scan included) before
    anything is written; the scan is stored before the commit that names it."""
    errors: dict[str, str] = {}
    if officer.role not in CERTIFIED_ROLES:
        errors["officer_id"] = _("Only officers and supervisors hold certifications.")
    kind = db.session.get(CertificationKind, data.get("kind_id") or 0)
    if kind is None or not kind.active:
        errors["kind_id"] = _("Choose a kind of certification from the list.")
    number = ""
    try:
        number = _text(data, "number", 80)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    issued = expires = None
    try:
        issued = _day(data, "issued_on", required=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        expires = _day(data, "expires_on")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if issued and issued > utcnow().date():
        errors["issued_on"] = _("A certificate cannot be issued in the future.")
    if issued and expires and expires < issued:
        errors["expires_on"] = _("It cannot expire before it was issued.")
    clean, ext = None, ""
    if scan is not None:
        try:
            clean, ext = scans.checked(scan)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    cert = Certification(
        officer_id=officer.id,
        kind_id=kind.id,  # type: ignore[union-attr]  # checked above
        number=number,
        issued_on=issued,
        expires_on=expires,
        created_by_id=actor.id,
    )
    db.session.add(cert)
    db.session.flush()
    if clean is not None:
        cert.scan = scans.store(cert.id, clean, ext)
        cert.scan_type = scans.MIMETYPES[ext]
    audit.record(
        "create",
        "certification",
        cert.id,
        audit.diff(
            {},
            {
                "officer_id": officer.id,
                "kind": kind.name,  # type: ignore[union-attr]  # checked above
                "number": number,
                "issued_on": issued.isoformat() if issued else None,
                "expires_on": expires.isoformat() if expires else None,
                "scan": cert.scan,
            },
        ),
    )
    db.session.commit()
    return cert


def withdraw_certification(cert: Certification, reason: str) -> bool:
    """Take a wrongly entered certificate off the record (it stays, marked, with why)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed({"reason": _("Say why, in at most 500 characters.")})
    if not transition(
        cert, Certification.withdrawn_at.is_(None), withdrawn_at=utcnow(), withdrawn_reason=reason
    ):
        return False
    audit.record("withdraw", "certification", cert.id, {"withdrawn_reason": [None, reason]})
    db.session.commit()
    return True


# ---- staff training ---------------------------------------------------------------------------


def record_training(campus: Campus, data: dict[str, Any], actor: User) -> TrainingSession:
    errors: dict[str, str] = {}
    held = None
    try:
        held = _day(data, "held_on", required=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if held and held > utcnow().date():
        errors["held_on"] = _("Record a session once it has been held.")
    protocol = data.get("protocol")
    if protocol not in {p.value for p in TrainingProtocol}:
        errors["protocol"] = _("Choose a protocol.")
    attendees = data.get("attendees")
    if isinstance(attendees, bool) or not isinstance(attendees, int) or not 1 <= attendees <= 5000:
        errors["attendees"] = _("Enter how many staff attended: 1 to 5000.")
    notes = ""
    try:
        notes = _text(data, "notes", 500)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    session = TrainingSession(
        campus_id=campus.id,
        held_on=held,
        protocol=protocol,
        attendees=attendees,
        notes=notes,
        recorded_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        "create",
        "training_session",
        session.id,
        {"held_on": [None, held.isoformat() if held else None], "protocol": [None, protocol],
         "attendees": [None, attendees]},
        campus_id=campus.id,
    )  # fmt: skip
    db.session.commit()
    return session


def withdraw_training(session: TrainingSession, reason: str) -> bool:
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed({"reason": _("Say why, in at most 500 characters.")})
    if not transition(
        session,
        TrainingSession.withdrawn_at.is_(None),
        withdrawn_at=utcnow(),
        withdrawn_reason=reason,
    ):
        return False
    audit.record(
        "withdraw",
        "training_session",
        session.id,
        {"withdrawn_reason": [None, reason]},
        campus_id=session.campus_id,
    )
    db.session.commit()
    return True
