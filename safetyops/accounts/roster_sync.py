"""``safetyops roster sync``: the district's staff roster (a OneRoster CSV bundle) applied
to SafetyOps accounts. The bundle is validated as a whole first; then people are created,
updated (name, role, campuses), deactivated when they leave the roster or are marked
inactive, and reactivated when they come back; each change is one audit event with the
interface ``roster``. Accounts the roster does not manage (contracted officers, hand-made
accounts not in the roster) are left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import subqueryload

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import User, user_campus
from safetyops.accounts.passwords import unusable_password_hash
from safetyops.accounts.roster import Bundle, RosterMapping, StaffRecord, read_bundle, read_mapping
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.core.db import insert_rows, new_rows
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
    # With their campuses in one more query (subqueryload: selectinload sends one per 500
    # people): comparing each person's campuses loaded them one by one.
    users = list(db.session.scalars(select(User).options(subqueryload(User.campuses))))
    by_roster = {u.roster_id: u for u in users if u.roster_id}
    by_email = {u.email: u for u in users}
    new: list[tuple[StaffRecord, list[Campus]]] = []
    existing: list[tuple[User, StaffRecord, list[Campus]]] = []
    for record in bundle.staff:
        user = by_roster.get(record.sourced_id) or by_email.get(record.email)
        if not record.active:
            continue  # handled below with everyone who left
        wanted = [campuses[code] for code in record.campus_codes]
        if user is None:
            new.append((record, wanted))
        else:
            existing.append((user, record, wanted))
    emails, report.errors = _new_emails(new)  # checked before anything changes
    if report.errors:
        return report
    for user, record, wanted in existing:
        _apply(user, record, wanted, report, dry_run)
    for record, _wanted in new:
        report.created += 1
        report.changes.append(
            f"create {record.email} ({record.role}, {', '.join(record.campus_codes)})"
        )
    if not dry_run:
        _create_all(new, emails)
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


def _new_emails(new: list[tuple[StaffRecord, list[Campus]]]) -> tuple[list[str], list[str]]:
    """(each new account's email as stored, what stops them being made): each email as an
    account's email must be, and one person per email. Checked before any is made."""
    emails: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()
    for record, _campuses in new:
        try:
            email = accounts.normalise_email(record.email)
        except ValidationFailed as exc:
            errors.append(f"{record.email}: {next(iter(exc.errors.values()))}")
            continue
        if email in seen:
            errors.append(f"{record.email}: two people in the roster have this email")
        seen.add(email)
        emails.append(email)
    return emails, errors


def _create_all(new: list[tuple[StaffRecord, list[Campus]]], emails: list[str]) -> None:
    """The new accounts (``emails``: theirs, checked) in a fixed number of statements
    whatever their number (issue 16): the users in one batched INSERT, their ids back by
    email in one query, their campuses in one INSERT and their audit events in one. No
    password: roster staff sign in through the district's single sign-on (an unusable
    password hash, no argon2 work)."""
    if not new:
        return
    made = new_rows(
        User,
        (
            {"email": email, "name": record.name.strip(), "role": record.role,
             "password_hash": unusable_password_hash(), "password_is_demo": False,
             "managed_by_roster": True, "roster_id": record.sourced_id}
            for email, (record, _campuses) in zip(emails, new, strict=True)
        ),
    )  # fmt: skip
    insert_rows(db.session, User, made)
    found = db.session.execute(select(User.email, User.id).where(User.email.in_(emails)))
    ids: dict[str, int] = dict(found.all())  # (email, id) rows
    memberships = [
        {"user_id": ids[email], "campus_id": campus.id}
        for email, (_record, campuses) in zip(emails, new, strict=True)
        for campus in campuses
    ]
    if memberships:
        db.session.execute(insert(user_campus), memberships)
    audit.record_many(
        "create",
        "user",
        (
            (ids[user.email], accounts.creation_changes(user, [c.code for c in campuses]), None)
            for user, (_record, campuses) in zip(made, new, strict=True)
        ),
    )


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
