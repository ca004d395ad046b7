"""The ``safetyops`` command line (also ``flask --app safetyops ...``)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy import select

from safetyops.accounts import operations as accounts
from safetyops.accounts import tokens
from safetyops.accounts.models import ApiToken, Role
from safetyops.audit import operations as audit
from safetyops.calendar import operations as calendar
from safetyops.campuses import operations as campuses
from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.compliance import queries as compliance
from safetyops.compliance.rule_packs import RulePackError
from safetyops.core.errors import ValidationFailed
from safetyops.core.timefmt import campus_today
from safetyops.demo import district as demo
from safetyops.drills import operations as drills
from safetyops.extensions import db


def _as_cli() -> None:
    audit.set_context(None, "cli")


def _read_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc


def _user_or_fail(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if data exists.")
def demo_command(if_empty: bool) -> None:
    """Load the demo district into an empty database."""
    _as_cli()
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is refused under the production config")
    if not demo.database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo not loaded.")
            print_demo_logins()
            return
        raise click.ClickException("the database is not empty; demo data needs an empty one")
    counts = demo.load_demo()
    click.echo(
        f"Demo district loaded: {counts['campuses']} campuses, "
        f"{counts['checkpoints']} checkpoints, {counts['users']} users, "
        f"{counts['rounds']} rounds ({counts['results']} results, {counts['findings']} findings, "
        f"{counts['missed']} missed)."
    )
    print_demo_logins()


def print_demo_logins() -> None:
    from safetyops.config import DEMO_PASSWORD

    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for email in demo.DEMO_LOGINS:
        click.echo(f"  {email}")


@click.command("demo-logins")
def demo_logins_command() -> None:
    """Print the demo logins."""
    print_demo_logins()


@click.group("import")
def import_group() -> None:
    """Import CSV files (validated as a whole: a bad file imports nothing)."""


def _report(result) -> None:
    if not result.ok:
        for error in result.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(result.errors)} error(s); nothing was imported")
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


@import_group.command("campuses")
@click.argument("file", type=click.Path(dir_okay=False))
def import_campuses(file: str) -> None:
    """Import campuses: code,name,timezone,address,grade_band."""
    _as_cli()
    _report(campuses.import_campuses(_read_file(file)))


@import_group.command("checkpoints")
@click.argument("file", type=click.Path(dir_okay=False))
def import_checkpoints(file: str) -> None:
    """Import checkpoints: campus_code,name,kind[,walk_order,expected_state,location_notes]."""
    _as_cli()
    _report(campuses.import_checkpoints(_read_file(file)))


@import_group.command("calendar")
@click.argument("file", type=click.Path(dir_okay=False))
def import_calendar(file: str) -> None:
    """Import terms and closed days: campus_code,kind,name,start_date,end_date."""
    _as_cli()
    _report(calendar.import_calendar(_read_file(file)))


@import_group.command("drills")
@click.argument("file", type=click.Path(dir_okay=False))
def import_drills(file: str) -> None:
    """Import drill logs: campus_code,type,started_at,ended_at,real_event,announced,
    conducted_by,notes (times in the campus's local time)."""
    _as_cli()
    _report(drills.import_drills(_read_file(file)))


@click.group("rules")
def rules_group() -> None:
    """Drill rule packs (TOML)."""


@rules_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--campus", "campus_codes", multiple=True, help="Campus code (repeatable).")
def rules_load(file: str, campus_codes: tuple[str, ...]) -> None:
    """Validate a pack and assign it to campuses (no --campus: every campus)."""
    _as_cli()
    try:
        report = rule_packs.load_pack(_read_file(file), campus_codes or None)
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


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the job scheduler (one process; a second one waits as a standby)."""
    from safetyops.scheduler.process import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our own lines say enough
    run_scheduler(current_app._get_current_object())


@click.group("jobs")
def jobs_group() -> None:
    """The scheduler's jobs."""


@jobs_group.command("list")
def jobs_list() -> None:
    """Each job, its schedule, its last run and its next run."""
    from datetime import UTC, datetime

    from safetyops.scheduler.registry import jobs, last_runs

    now = datetime.now(UTC)
    runs = last_runs()
    for job in jobs().values():
        trigger = job.trigger()
        following = trigger.get_next_fire_time(None, now)
        last = runs.get(job.id)
        last_text = "never"
        if last is not None:
            state = "ok" if last.ok else ("running" if last.finished_at is None else "FAILED")
            last_text = f"{last.started_at:%Y-%m-%d %H:%M} UTC ({state}) {last.summary}"
        click.echo(f"{job.id}\n  what: {job.description}\n  schedule: {trigger}")
        click.echo(f"  last run: {last_text}\n  next run: {following:%Y-%m-%d %H:%M %Z}")


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="As if on this date.")
def jobs_run(job_id: str, as_of) -> None:
    """Run one job now (idempotent: running it again sends nothing new)."""
    from safetyops.scheduler.registry import jobs, run_job

    if job_id not in jobs():
        raise click.ClickException(f"unknown job {job_id!r}; one of: {', '.join(jobs())}")
    try:
        summary = run_job(job_id, as_of=as_of.date() if as_of else None)
    except Exception as exc:
        raise click.ClickException(f"{job_id} failed: {exc} (details in the log)") from exc
    click.echo(f"{job_id}: {summary}")


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens."""


@tokens_group.command("create")
@click.option("--user", "email", required=True, help="Email of the token's owner.")
@click.option("--name", default="", help="What the token is for.")
def tokens_create(email: str, name: str) -> None:
    """Create a token; it is printed once, alone on the last line."""
    _as_cli()
    user = _user_or_fail(email)
    if not user.active:
        raise click.ClickException(f"{email} is deactivated")
    token, secret = tokens.create_token(user, name)
    click.echo(
        f"Token {token.id} for {user.email} ({user.role}). Store it now; it is not shown again:"
    )
    click.echo(secret)


@tokens_group.command("list")
@click.option("--user", "email", required=True)
def tokens_list(email: str) -> None:
    """List a user's tokens."""
    for token in tokens.tokens_of(_user_or_fail(email)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.prefix}...\t{state}\tlast used {used}\t{token.name}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by id."""
    _as_cli()
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    tokens.revoke_token(token)
    click.echo(f"Token {token_id} revoked.")


@click.group("users")
def users_group() -> None:
    """Staff accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--campus", "campus_codes", multiple=True, help="Campus code (repeatable).")
@click.password_option(help="Initial password (prompted if not given).")
def users_create(email, name, role, campus_codes, password) -> None:
    """Create a user (e.g. the first safety admin of a new deployment)."""
    _as_cli()
    found = list(db.session.scalars(select(Campus).where(Campus.code.in_(campus_codes))))
    missing = set(campus_codes) - {c.code for c in found}
    if missing:
        raise click.ClickException(f"unknown campus code(s): {', '.join(sorted(missing))}")
    try:
        user = accounts.create_user(
            email=email, name=name, role=role, password=password, campuses=found
        )
    except ValidationFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.email} ({user.role}).")


@users_group.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Deactivate a user (users are never deleted)."""
    _as_cli()
    accounts.set_active(_user_or_fail(email), False)
    click.echo(f"{email} deactivated.")


@click.command("check-deploy")
def check_deploy() -> None:
    """Refuse to serve production with unsafe settings or demo passwords (run before gunicorn)."""
    from safetyops.config import check_production_config

    problems = []
    try:
        check_production_config(current_app.config)
    except RuntimeError as exc:
        problems.append(str(exc))
    offenders = accounts.users_with_demo_password()
    if offenders:
        problems.append(
            "these active accounts still use the demo password: "
            + ", ".join(u.email for u in offenders)
        )
    if problems:
        for problem in problems:
            click.echo(f"refused: {problem}", err=True)
        sys.exit(1)
    # Not fatal, but worth saying before the first Monday report goes out.
    config = current_app.config
    if not config.get("SMTP_HOST"):
        click.echo("warning: SAFETYOPS_SMTP_HOST is not set; notifications stay in the app")
    if "127.0.0.1" in config.get("BASE_URL", "") or "localhost" in config.get("BASE_URL", ""):
        click.echo("warning: SAFETYOPS_BASE_URL points at this machine; email links will too")
    click.echo("deployment checks passed")


COMMANDS = [
    demo_command,
    demo_logins_command,
    import_group,
    rules_group,
    compliance_command,
    scheduler_command,
    jobs_group,
    tokens_group,
    users_group,
    check_deploy,
]


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from safetyops import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="SafetyOps command line.")


if __name__ == "__main__":
    main()
