"""``safetyops import drills FILE.csv``: paper and spreadsheet drill logs."""

from __future__ import annotations

import click

from safetyops.core.cli import as_cli, import_with_progress, read_file, report_import
from safetyops.drills import operations as drills


@click.command("drills")
@click.argument("file", type=click.Path(dir_okay=False))
def import_drills(file: str) -> None:
    """Import drill logs: campus_code,type,started_at,ended_at,real_event,announced,
    conducted_by,notes (times in the campus's local time)."""
    as_cli()
    report_import(import_with_progress(drills.import_drills, read_file(file)))
