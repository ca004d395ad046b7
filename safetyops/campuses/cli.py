"""``safetyops import campuses|checkpoints FILE.csv``."""

from __future__ import annotations

import click

from safetyops.campuses import operations as campuses
from safetyops.core.cli import as_cli, import_with_progress, read_file, report_import


@click.command("campuses")
@click.argument("file", type=click.Path(dir_okay=False))
def import_campuses(file: str) -> None:
    """Import campuses: code,name,timezone,address,grade_band."""
    as_cli()
    report_import(import_with_progress(campuses.import_campuses, read_file(file)))


@click.command("checkpoints")
@click.argument("file", type=click.Path(dir_okay=False))
def import_checkpoints(file: str) -> None:
    """Import checkpoints: campus_code,name,kind[,walk_order,expected_state,location_notes]."""
    as_cli()
    report_import(import_with_progress(campuses.import_checkpoints, read_file(file)))
