"""CSV validation: every bad row is reported with its line number, and a drill row gets the
same checks as a drill logged on the form (one schema)."""

import pytest

from safetyops.campuses.csv import parse_campuses, parse_checkpoints

TZ = {"America/Denver", "America/Chicago"}


def test_campuses_clean_file_normalises_values():
    text = (
        "code,name,timezone,address,grade_band\n"
        "ave,Aspen Valley Elementary,America/Denver,1 Main St,Elementary\n"
        "RMS,Ridgeview Middle,America/Chicago,,\n"
    )
    parsed = parse_campuses(text, TZ)
    assert parsed.ok
    assert [r["code"] for r in parsed.rows] == ["AVE", "RMS"]
    assert parsed.rows[0]["grade_band"] == "elementary"
    assert parsed.rows[1]["address"] == ""


def test_campuses_every_bad_row_reported_with_line_numbers():
    text = (
        "code,name,timezone,address,grade_band\n"
        "AVE,Aspen,America/Denver,,\n"
        "bad code!,Name,America/Denver,,\n"
        "XYZ,,Mars/Olympus,,college\n"
        "AVE,Dup,America/Denver,,\n"
    )
    parsed = parse_campuses(text, TZ)
    assert not parsed.ok
    lines = [e.line for e in parsed.errors]
    assert lines == sorted(lines)
    assert 3 in lines and 4 in lines and 5 in lines
    messages = " ".join(str(e) for e in parsed.errors)
    assert "line 4: name is empty" in messages
    assert "unknown timezone 'Mars/Olympus'" in messages
    assert "grade_band 'college'" in messages
    assert "code repeats line 2" in messages


def test_missing_and_unknown_columns_are_reported():
    parsed = parse_campuses("code,name,colour\nA,B,red\n", TZ)
    assert [str(e) for e in parsed.errors] == [
        "line 1: missing column(s): timezone",
        "line 1: unknown column(s): colour",
    ]


def test_empty_file_and_header_only_are_errors():
    assert not parse_campuses("", TZ).ok
    assert "no rows" in str(parse_campuses("code,name,timezone\n", TZ).errors[0])


def test_checkpoints_default_walk_order_follows_file_order_per_campus():
    text = (
        "campus_code,name,kind\nAVE,Door 1,exterior_door\nRMS,Gate,gate\nAVE,Door 2,Exterior_Door\n"
    )
    parsed = parse_checkpoints(text, {"AVE", "RMS"})
    assert parsed.ok, parsed.errors
    orders = {(r["campus_code"], r["name"]): r["walk_order"] for r in parsed.rows}
    assert orders == {("AVE", "Door 1"): 10, ("RMS", "Gate"): 10, ("AVE", "Door 2"): 20}
    assert all(r["expected_state"] == "locked" for r in parsed.rows)


def test_checkpoints_bad_rows():
    text = (
        "campus_code,name,kind,walk_order,expected_state\n"
        "ZZZ,Door 1,exterior_door,1,locked\n"
        "AVE,Door 2,window,x,open\n"
        "AVE,Door 3,gate,5,locked,extra\n"
    )
    parsed = parse_checkpoints(text, {"AVE"})
    messages = [str(e) for e in parsed.errors]
    assert "line 2: unknown campus_code 'ZZZ'" in messages
    assert any(m.startswith("line 3: kind 'window'") for m in messages)
    assert "line 3: walk_order 'x' is not a whole number" in messages
    assert any(m.startswith("line 3: expected_state 'open'") for m in messages)
    assert "line 4: more values than columns" in messages
    assert parsed.rows == []


# ---- drill rows: the CSV row's shape (DrillRow), then the drill's rules (DrillIn) -------

DRILL_HEADER = "campus_code,type,started_at,ended_at,real_event,announced,conducted_by,notes\n"


def _drill_types(name):
    from safetyops.drills.domain import canonical_type

    return canonical_type(name)


def test_drill_rows_shape_reported_by_line():
    from safetyops.drills.csv import parse_drills

    text = DRILL_HEADER + (
        "AVE,fire drill,2026-09-01T10:00,2026-09-01T10:10,no,yes,R. Diaz,\n"
        "AVE,lockdown,2026-09-02T10:00+02:00,,,,,\n"
        "AVE,lockdown,2026-09-03T10:00,,perhaps,,,\n"
        "AVE,secure,2026-09-04T10:00,,,,Nul\x00Byte,\n"
    )
    parsed = parse_drills(text, {"AVE"}, _drill_types)
    messages = [str(e) for e in parsed.errors]
    assert messages == [
        "line 3: started_at '2026-09-02T10:00+02:00' is not a date and time "
        "(YYYY-MM-DDTHH:MM, local time)",
        "line 4: real_event 'perhaps' must be true or false",
        "line 5: contains a NUL byte",
    ]
    assert parsed.rows[0]["drill_type"] == "evacuate" and parsed.rows[0]["announced"] is True


def test_imported_drill_rows_get_the_form_s_checks_with_their_line(db, two_campuses):
    """The same schema (DrillIn) refuses a future-dated or over-long drill logged on the
    form and the same drill in a CSV file, where the refusal names the line."""
    from datetime import UTC, datetime, timedelta

    from safetyops.core.errors import ValidationFailed
    from safetyops.drills import operations as drills
    from safetyops.drills.schemas import validate_drill

    future = datetime.now(UTC) + timedelta(days=3)
    long_name = "x" * 161
    with pytest.raises(ValidationFailed) as form:
        validate_drill({"drill_type": "lockdown", "started_at": future})
    with pytest.raises(ValidationFailed) as form_long:
        validate_drill(
            {"drill_type": "lockdown", "started_at": future - timedelta(days=30),
             "conducted_by": long_name}
        )  # fmt: skip
    text = DRILL_HEADER + (
        "AAA,lockdown,2026-09-01T10:00,,,,R. Diaz,\n"
        f"AAA,lockdown,{future:%Y-%m-%dT%H:%M},,,,,\n"
        f"AAA,secure,2026-09-02T10:00,,,,{long_name},\n"
    )
    report = drills.import_drills(text)
    assert [str(e) for e in report.errors] == [
        f"line 3: started_at: {form.value.errors['started_at']}",
        f"line 4: conducted_by: {form_long.value.errors['conducted_by']}",
    ]
    assert form_long.value.errors["conducted_by"] == "At most 160 characters."
    assert report.created == 0
