"""``safetyops roster sync``: the district's staff roster (a OneRoster CSV bundle) applied
to SafetyOps accounts. The bundle is validated as a whole first; then people are created,
updated (name, role, campuses), deactivated when they leave the roster or are marked
inactive, and reactivated when they come back; each change is one audit event with the
interface ``roster``. Accounts the roster does not manage (contracted officers, hand-made
accounts not in the roster) are left alone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import User
from safetyops.accounts.roster import Bundle, RosterMapping, StaffRecord, read_bundle, read_mapping
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.core.errors import ValidationFailed
from safetyops.extensions import db

BUNDLE_FILES = ("orgs.csv", "users.csv", "roles.csv")


@dataclass
class SyncReport:
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    reactivated: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def load(directory: Path, mapping_path: Path | None = None) -> tuple[Bundle, RosterMapping]:
    mapping = read_mapping(mapping_path.read_text()) if mapping_path else RosterMapping()
    files = {
        name: (directory / name).read_text(encoding="utf-8-sig")
        for name in BUNDLE_FILES
        if (directory / name).is_file()
    }
    return read_bundle(files, mapping), mapping


def sync(bundle: Bundle, dry_run: bool = False) -> SyncReport:
    """Apply a read bundle; with ``dry_run`` only say what would change."""
    report = SyncReport(skipped=bundle.skipped)
    if not bundle.ok:
        report.errors = list(bundle.errors)
        return report
    campuses = {c.code: c for c in db.session.scalars(select(Campus))}
    for record in bundle.staff:
        missing = [code for code in record.campus_codes if code not in campuses]
        if missing:
            report.errors.append(f"{record.email}: no campus with code {', '.join(missing)}")
    if report.errors:
        return report
    audit.set_context(None, "roster")
    users = list(db.session.scalars(select(User)))
    by_roster = {u.roster_id: u for u in users if u.roster_id}
    by_email = {u.email: u for u in users}
    for record in bundle.staff:
        user = by_roster.get(record.sourced_id) or by_email.get(record.email)
        if not record.active:
            continue  # handled below with everyone who left
        wanted = [campuses[code] for code in record.campus_codes]
        if user is None:
            report.created += 1
            report.changes.append(
                f"create {record.email} ({record.role}, {', '.join(record.campus_codes)})"
            )
            if not dry_run:
                _create(record, wanted)
            continue
        _apply(user, record, wanted, report, dry_run)
    active_ids = set()
    for record in bundle.staff:
        known = by_roster.get(record.sourced_id) or by_email.get(record.email)
        if record.active and known is not None:
            active_ids.add(known.id)
    for user in users:
        if user.managed_by_roster and user.active and user.id not in active_ids:
            report.deactivated += 1
            report.changes.append(f"deactivate {user.email} (not active in the roster)")
            if not dry_run:
                accounts.set_active(user, False)
    if not dry_run:
        db.session.commit()
    return report


def _create(record: StaffRecord, campuses: list[Campus]) -> None:
    user = accounts.create_user(
        email=record.email,
        name=record.name,
        role=record.role,
        # Never typed: roster accounts sign in through the district's single sign-on.
        password=secrets.token_urlsafe(32),
        campuses=campuses,
        commit=False,
    )
    user.managed_by_roster, user.roster_id = True, record.sourced_id
    db.session.commit()


def _apply(
    user: User, record: StaffRecord, campuses: list[Campus], report: SyncReport, dry_run: bool
) -> None:
    differs = (
        user.name != record.name
        or user.role != record.role
        or sorted(c.code for c in user.campuses) != sorted(record.campus_codes)
        or not user.managed_by_roster
        or user.roster_id != record.sourced_id
    )
    if not user.active:
        report.reactivated += 1
        report.changes.append(f"reactivate {user.email}")
        if not dry_run:
            accounts.set_active(user, True)
    if not differs:
        report.unchanged += 1
        return
    report.updated += 1
    report.changes.append(f"update {user.email} ({record.role}, {', '.join(record.campus_codes)})")
    if dry_run:
        return
    user.managed_by_roster, user.roster_id = True, record.sourced_id
    try:
        accounts.update_user(
            user, email=user.email, name=record.name, role=record.role,
            employer=user.employer, campuses=campuses,
        )  # fmt: skip
    except ValidationFailed as exc:  # e.g. two roster people claiming one email
        db.session.rollback()
        report.errors.append(f"{record.email}: {exc}")
