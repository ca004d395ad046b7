"""``safetyops audit seal`` and ``safetyops audit verify [--campus CODE]``."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from safetyops.audit import ledger
from safetyops.campuses.models import Campus
from safetyops.extensions import db


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident record: hash chains over evidence, one per campus."""


@audit_group.command("seal")
def seal_command() -> None:
    """Seal every evidence record not yet in its chain (the seal-evidence job does this)."""
    click.echo(f"sealed {ledger.seal()} record(s)")


@audit_group.command("verify")
@click.option("--campus", "campus_code", help="Only this campus's chain.")
def verify_command(campus_code: str | None) -> None:
    """Recompute the chains and every sealed record; name each one that differs."""
    chain = None
    if campus_code:
        campus = db.session.scalar(select(Campus).where(Campus.code == campus_code.upper()))
        if campus is None:
            raise click.ClickException(f"no campus with code {campus_code}")
        chain = campus.id
    report = ledger.verify(chain)
    for problem in report.problems[:50]:
        click.echo(f"MISMATCH {problem}", err=True)
    click.echo(
        f"{report.links} links and {report.records} records checked in {report.seconds:.2f} s: "
        + ("all match" if report.ok else f"{len(report.problems)} problem(s)")
    )
    if not report.ok:
        sys.exit(1)
