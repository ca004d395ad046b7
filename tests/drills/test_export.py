"""The drill CSV has one column list (drills/export.py); README documents the same one."""

from __future__ import annotations

from pathlib import Path

from safetyops.drills.export import COLUMNS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_documents_the_drill_export_columns():
    documented = [line for line in README.read_text().splitlines() if line.startswith("id,")]
    assert documented == [",".join(COLUMNS)]
