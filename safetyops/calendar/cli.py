"""``safetyops import calendar FILE.csv``: terms and closed days."""

from __future__ import annotations

import click

from safetyops.calendar import operations as calendar
from safetyops.core.cli import as_cli, import_with_progress, read_file, report_import


@click.command("calendar")
@click.argument("file", type=click.Path(dir_okay=False))
def import_calendar(file: str) -> None:
    """Import terms and closed days: campus_code,kind,name,start_date,end_date."""
    as_cli()
    report_import(import_with_progress(calendar.import_calendar, read_file(file)))
