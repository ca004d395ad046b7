"""``safetyops rules ...`` (rule packs) and ``safetyops compliance`` (a campus's requirements)."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.compliance import queries as compliance
from safetyops.compliance.rule_packs import RulePackError
from safetyops.core.cli import as_cli, read_file
from safetyops.core.timefmt import campus_today
from safetyops.extensions import db


@click.group("rules")
def rules_group() -> None:
    """Drill rule packs (TOML)."""


@rules_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--campus", "campus_codes", multiple=True, help="Campus code (repeatable).")
def rules_load(file: str, campus_codes: tuple[str, ...]) -> None:
    """Validate a pack and assign it to campuses (no --campus: every campus)."""
    as_cli()
    try:
        report = rule_packs.load_pack(read_file(file), campus_codes or None)
    except RulePackError as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s); nothing was loaded") from None
    verb = "loaded" if report.created else "updated"
    click.echo(
        f"{verb} pack {report.pack.key} ({len(report.pack.rules)} rules) "
        f"for {len(report.campuses)} campus(es)"
    )


@rules_group.command("list")
def rules_list() -> None:
    """Loaded packs, their rules and the campuses they apply to."""
    packs = rule_packs.list_packs()
    if not packs:
        click.echo("no rule packs loaded; try: safetyops rules load FILE.toml")
        return
    for pack in packs:
        codes = ", ".join(sorted(c.code for c in pack.campuses)) or "no campus"
        click.echo(f"{pack.key}: {pack.name} [{codes}]")
        for rule in pack.rules:
            click.echo(f"  {rule['id']}: {rule['count']} x {rule['drill']} per {rule['period']}")


@click.command("compliance")
@click.option("--campus", "campus_code", required=True, help="Campus code.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def compliance_command(campus_code: str, as_of, fmt: str) -> None:
    """Required drills of a campus: met, late, due, overdue, upcoming, not required."""
    campus = db.session.scalar(select(Campus).where(Campus.code == campus_code.upper()))
    if campus is None:
        raise click.ClickException(f"no campus with code {campus_code}")
    day = as_of.date() if as_of else campus_today(campus)
    result = compliance.for_campus(campus, day)
    if fmt == "json":
        click.echo(json.dumps(compliance.as_json(result, day), indent=2))
        return
    if not result.requirements:
        click.echo(f"{campus.code}: no requirements (no rule pack or no terms for {day})")
        return
    header = ("rule", "period", "window", "deadline", "req", "got", "status")
    rows = [
        (r.rule, r.period, str(r.window_start), str(r.deadline), str(r.required),
         str(r.counted), r.status)
        for r in result.requirements
    ]  # fmt: skip
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
