"""Helpers shared by the areas' command-line modules."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from safetyops.audit import operations as audit
from safetyops.core.csv import ImportReport, on_each_row

PROGRESS_MIN_ROWS = 500  # a shorter file is checked before a bar would be worth drawing


def as_cli() -> None:
    """Audit events from here on say they came from the command line."""
    audit.set_context(None, "cli")


def read_file(path: str) -> str:
    """A UTF-8 text file (a BOM is accepted); a clear error instead of a traceback."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc


def report_import(result: ImportReport) -> None:
    """Every bad row of a refused file, or what a clean one created and updated."""
    if not result.ok:
        for error in result.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(result.errors)} error(s); nothing was imported")
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


def import_with_progress(run: Callable[[str], ImportReport], text: str) -> ImportReport:
    """``run(text)``, with a progress bar on the terminal while a long file's rows are
    checked (the import itself then runs in a fixed number of statements)."""
    rows = max(text.count("\n") - 1, 0)
    if rows < PROGRESS_MIN_ROWS:
        return run(text)
    with (
        click.progressbar(length=rows, label="checking rows", file=sys.stderr) as bar,
        on_each_row(lambda: bar.update(1)),
    ):
        return run(text)
