"""``safetyops users ...`` and ``safetyops tokens ...``: staff accounts and API tokens."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from safetyops.accounts import operations as accounts
from safetyops.accounts import roster_sync as roster_sync_ops
from safetyops.accounts import tokens
from safetyops.accounts.models import ApiToken, Role
from safetyops.campuses.models import Campus
from safetyops.core.cli import as_cli
from safetyops.core.errors import ValidationFailed
from safetyops.extensions import db


def _user_or_fail(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens."""


@tokens_group.command("create")
@click.option("--user", "email", required=True, help="Email of the token's owner.")
@click.option("--name", default="", help="What the token is for.")
def tokens_create(email: str, name: str) -> None:
    """Create a token; it is printed once, alone on the last line."""
    as_cli()
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
    as_cli()
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
    as_cli()
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
    as_cli()
    accounts.set_active(_user_or_fail(email), False)
    click.echo(f"{email} deactivated.")


@click.group("roster")
def roster_group() -> None:
    """The district's staff roster (OneRoster CSV)."""


@roster_group.command("sync")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, exists=True),
    help="TOML: [campuses] key and [roles] OneRoster role -> SafetyOps role.",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
def roster_sync(directory: str, mapping_path: str | None, dry_run: bool) -> None:
    """Apply a OneRoster 1.1/1.2 bundle (orgs.csv, users.csv[, roles.csv]) to the accounts."""
    try:
        bundle, _mapping = roster_sync_ops.load(
            Path(directory), Path(mapping_path) if mapping_path else None
        )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    report = roster_sync_ops.sync(bundle, dry_run=dry_run)
    if not report.ok:
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(report.errors)} error(s); nothing was changed")
    for change in report.changes:
        click.echo(("would " if dry_run else "") + change)
    click.echo(
        f"{'dry run: ' if dry_run else ''}created {report.created}, updated {report.updated}, "
        f"deactivated {report.deactivated}, reactivated {report.reactivated}, "
        f"unchanged {report.unchanged}; {report.skipped} rows not kept (students and others)"
    )
