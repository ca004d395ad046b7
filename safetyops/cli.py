"""The ``safetyops`` command line (also ``flask --app safetyops ...``)."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from safetyops.accounts import operations as accounts


@click.group("import")
def import_group() -> None:
    """Import CSV files (validated as a whole: a bad file imports nothing)."""


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


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
def backup_command(folder: str) -> None:
    """Back up the database and the photo store into FOLDER."""
    from pathlib import Path

    from safetyops.core import backup

    try:
        report = backup.backup(Path(folder))
    except (OSError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"backup failed: {getattr(exc, 'stderr', '') or exc}") from exc
    click.echo(f"backed up {report.database} and {report.photos} photo(s) to {report.folder}")


@click.command("restore")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.confirmation_option(prompt="This replaces the database and photos. Continue?")
def restore_command(folder: str) -> None:
    """Restore the database and photos from a backup FOLDER (then run `audit verify`)."""
    from pathlib import Path

    from safetyops.core import backup

    try:
        report = backup.restore(Path(folder))
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"restore failed: {getattr(exc, 'stderr', '') or exc}") from exc
    click.echo(f"restored {report.database} and {report.photos} photo(s) from {report.folder}")


def register(app: Flask) -> None:
    """Every area's commands, collected once (each area keeps its own in its cli.py)."""
    from safetyops.accounts import cli as accounts_cli
    from safetyops.audit import cli as audit_cli
    from safetyops.calendar import cli as calendar_cli
    from safetyops.campuses import cli as campuses_cli
    from safetyops.compliance import cli as compliance_cli
    from safetyops.demo import cli as demo_cli
    from safetyops.drills import cli as drills_cli
    from safetyops.live import cli as live_cli
    from safetyops.scheduler import cli as scheduler_cli

    for command in (
        campuses_cli.import_campuses,
        campuses_cli.import_checkpoints,
        calendar_cli.import_calendar,
        drills_cli.import_drills,
        live_cli.import_areas,
    ):
        import_group.add_command(command)
    for command in (
        demo_cli.demo_command,
        demo_cli.demo_logins_command,
        import_group,
        compliance_cli.rules_group,
        compliance_cli.compliance_command,
        scheduler_cli.scheduler_command,
        scheduler_cli.jobs_group,
        accounts_cli.tokens_group,
        accounts_cli.users_group,
        accounts_cli.roster_group,
        audit_cli.audit_group,
        check_deploy,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


def _create_app():
    from safetyops import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="SafetyOps command line.")


if __name__ == "__main__":
    main()
