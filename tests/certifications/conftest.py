"""Certification fixtures: a campus with an officer, a supervisor and a principal, the
seeded kinds of certification, and a helper that records a certificate."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from safetyops.certifications import operations
from safetyops.certifications.models import CertificationKind


@pytest.fixture
def kinds(app, db):
    """The kinds migration 0017 seeds, by name (seeded again on PostgreSQL, whose tables the
    suite empties between tests)."""
    operations.ensure_default_kinds()
    return {k.name: k for k in db.session.scalars(select(CertificationKind))}


@pytest.fixture
def add_cert(two_campuses, kinds):
    def add(officer=None, kind="CPR/AED", issued=date(2025, 3, 31), expires=date(2027, 3, 31),
            number="C-1", scan=None, actor=None):  # fmt: skip
        officer = officer or two_campuses["officer_a"]
        return operations.add_certification(
            officer,
            {"kind_id": kinds[kind].id, "number": number, "issued_on": issued,
             "expires_on": expires},
            scan,
            actor or two_campuses["admin"],
        )  # fmt: skip

    return add
