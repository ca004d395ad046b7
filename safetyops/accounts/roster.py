"""Reading a OneRoster 1.1 or 1.2 CSV bundle (the student information system's export) into
the staff records SafetyOps keeps. Pure: no Flask, no database. Students, guardians and
anyone whose role the mapping does not name are skipped as the rows are read and never
kept; every bad staff row is reported with its file and line, so a bundle is checked as a
whole before anything changes."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

# Which SafetyOps role wins when a person holds several (one account, one role).
ROLE_RANK = ("safety_admin", "supervisor", "principal", "officer", "viewer")
DEFAULT_ROLES = {
    "administrator": "principal",
    "principal": "principal",
    "siteAdministrator": "principal",
    "districtAdministrator": "viewer",
}
ACTIVE_STATUSES = ("active", "")


@dataclass(frozen=True)
class RosterMapping:
    """How the district's roster maps onto SafetyOps (from the mapping file)."""

    campus_key: str = "identifier"  # the orgs.csv column that holds the campus code
    roles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLES))


@dataclass(frozen=True)
class StaffRecord:
    sourced_id: str
    email: str
    name: str
    role: str
    campus_codes: tuple[str, ...]
    active: bool


@dataclass
class Bundle:
    staff: list[StaffRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0  # rows of people SafetyOps does not keep (students, guardians, ...)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_mapping(text: str) -> RosterMapping:
    """``[campuses] key = "identifier"`` and ``[roles] administrator = "principal"``."""
    data = tomllib.loads(text)
    roles = {str(k): str(v) for k, v in (data.get("roles") or DEFAULT_ROLES).items()}
    unknown = sorted(v for v in roles.values() if v not in ROLE_RANK)
    if unknown:
        raise ValueError(f"unknown SafetyOps role(s) in the mapping: {', '.join(unknown)}")
    key = str((data.get("campuses") or {}).get("key", "identifier"))
    return RosterMapping(campus_key=key, roles=roles)


def _rows(
    name: str, text: str, required: tuple[str, ...], errors: list[str]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        errors.append(f"{name} line 1: missing column(s): {', '.join(missing)}")
        return []
    return [
        (n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, 2)
    ]


def read_bundle(files: Mapping[str, str], mapping: RosterMapping) -> Bundle:
    """``files`` maps a file name (orgs.csv, users.csv, roles.csv if 1.2) to its text."""
    bundle = Bundle()
    for needed in ("orgs.csv", "users.csv"):
        if needed not in files:
            bundle.errors.append(f"{needed}: missing from the bundle")
    if not bundle.ok:
        return bundle
    orgs: dict[str, str] = {}
    for line, row in _rows(
        "orgs.csv", files["orgs.csv"], ("sourcedId", mapping.campus_key), bundle.errors
    ):
        if row["sourcedId"] in orgs:
            bundle.errors.append(f"orgs.csv line {line}: sourcedId {row['sourcedId']!r} repeats")
        orgs[row["sourcedId"]] = row[mapping.campus_key].upper()
    # OneRoster 1.2 keeps roles in roles.csv; 1.1 has role and orgSourcedIds on the user.
    roles_by_user: dict[str, list[tuple[str, str]]] = {}
    if "roles.csv" in files:
        for line, row in _rows(
            "roles.csv",
            files["roles.csv"],
            ("userSourcedId", "role", "orgSourcedId"),
            bundle.errors,
        ):
            if row.get("status", "active") not in ACTIVE_STATUSES:
                continue
            if row["orgSourcedId"] not in orgs:
                if row["role"] in mapping.roles:
                    bundle.errors.append(
                        f"roles.csv line {line}: unknown orgSourcedId {row['orgSourcedId']!r}"
                    )
                continue
            roles_by_user.setdefault(row["userSourcedId"], []).append(
                (row["role"], row["orgSourcedId"])
            )
    required: tuple[str, ...] = ("sourcedId", "email", "givenName", "familyName")
    if "roles.csv" not in files:
        required += ("role", "orgSourcedIds")
    seen: set[str] = set()
    for line, row in _rows("users.csv", files["users.csv"], required, bundle.errors):
        if "roles.csv" in files:
            held = roles_by_user.get(row["sourcedId"], [])
        else:
            held = [(row["role"], org) for org in row["orgSourcedIds"].split(",") if org.strip()]
        mapped = [(mapping.roles[r], o.strip()) for r, o in held if r in mapping.roles]
        if not mapped:
            bundle.skipped += 1  # a student, a guardian, or staff SafetyOps does not need
            continue
        where = f"users.csv line {line}"
        if row["sourcedId"] in seen:
            bundle.errors.append(f"{where}: sourcedId {row['sourcedId']!r} repeats")
        seen.add(row["sourcedId"])
        email = row["email"].lower()
        if "@" not in email or " " in email or len(email) > 254:
            bundle.errors.append(f"{where}: email {row['email']!r} is not an email address")
        unknown = sorted({o for _, o in mapped if o not in orgs})
        if unknown:
            bundle.errors.append(f"{where}: unknown orgSourcedIds {', '.join(unknown)}")
        role = min((r for r, _ in mapped), key=ROLE_RANK.index)
        name = f"{row['givenName']} {row['familyName']}".strip()[:120] or email
        active = row.get("status", "active") in ACTIVE_STATUSES and row.get(
            "enabledUser", "true"
        ).lower() not in ("false", "0", "no")
        codes = tuple(sorted({orgs[o] for _, o in mapped if o in orgs and orgs[o]}))
        bundle.staff.append(StaffRecord(row["sourcedId"], email, name, role, codes, active))
    return bundle
