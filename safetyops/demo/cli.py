"""``safetyops demo`` and ``safetyops demo-logins``."""

from __future__ import annotations

import click
from flask import current_app

from safetyops.core.cli import as_cli
from safetyops.demo import district as demo


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if data exists.")
def demo_command(if_empty: bool) -> None:
    """Load the demo district into an empty database."""
    as_cli()
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
