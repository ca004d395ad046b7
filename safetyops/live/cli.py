"""``safetyops import areas FILE.csv``."""

from __future__ import annotations

import click

from safetyops.core.cli import as_cli, read_file, report_import
from safetyops.live import operations as live_ops


@click.command("areas")
@click.argument("file", type=click.Path(dir_okay=False))
def import_areas(file: str) -> None:
    """Import campus areas: campus_code,name[,kind,position] (kind: building, wing, floor,
    field, other)."""
    as_cli()
    report_import(live_ops.import_areas(read_file(file)))
