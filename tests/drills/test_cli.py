"""Calendar, drill and rule-pack imports and the compliance command, end to end through
the CLI: good files, bad files (every error reported, nothing written), re-imports."""

import json
from pathlib import Path

from sqlalchemy import func, select

from safetyops.calendar.models import CalendarEntry
from safetyops.compliance.models import RulePackRecord
from safetyops.drills.models import Drill

PACKS = Path(__file__).resolve().parents[2] / "safetyops" / "compliance" / "rulepacks"

CALENDAR_CSV = """campus_code,kind,name,start_date,end_date
,term,Fall 2026,2026-08-17,2026-12-18
,term,Spring 2027,2027-01-05,2027-05-27
,closed,Labor Day,2026-09-07,2026-09-07
,closed,Thanksgiving break,2026-11-23,2026-11-27
BBB,closed,Snow day,2026-11-10,
"""

DRILLS_CSV = """campus_code,type,started_at,ended_at,real_event,announced,conducted_by,notes
AAA,Lockout,2026-08-25T09:30,2026-08-25T09:45,false,true,R. Diaz,from the binder
AAA,fire drill,2026-08-20T13:00,2026-08-20T13:09,false,false,Fire marshal,
AAA,lock-down,2026-09-20T10:00,,false,true,,
AAA,Shelter in place,2026-09-01T10:00,,true,false,,real tornado warning
"""


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _setup(runner, tmp_path, two_campuses):
    result = runner.invoke(args=["import", "calendar", _write(tmp_path, "cal.csv", CALENDAR_CSV)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["rules", "load", str(PACKS / "default.toml")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import", "drills", _write(tmp_path, "d.csv", DRILLS_CSV)])
    assert result.exit_code == 0, result.output
    return result


def test_import_calendar_then_again_changes_nothing(runner, db, tmp_path, two_campuses):
    path = _write(tmp_path, "cal.csv", CALENDAR_CSV)
    first = runner.invoke(args=["import", "calendar", path])
    assert "created 5, updated 0, unchanged 0" in first.output
    again = runner.invoke(args=["import", "calendar", path])
    assert "created 0, updated 0, unchanged 5" in again.output
    snow = db.session.scalar(select(CalendarEntry).where(CalendarEntry.name == "Snow day"))
    assert snow.campus_id == two_campuses["b"].id and snow.end_date == snow.start_date


def test_bad_calendar_reports_every_error_and_imports_nothing(runner, db, tmp_path, two_campuses):
    bad = """campus_code,kind,name,start_date,end_date
,term,Fall,2026-08-17,2026-12-18
ZZZ,closed,Snow,2026-11-10,2026-11-10
,holiday,Labor Day,2026-09-07,2026-09-07
,closed,Backwards,2026-09-10,2026-09-01
,closed,,2026-13-01,2026-09-01
"""
    result = runner.invoke(args=["import", "calendar", _write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0
    for expected in (
        "line 3: unknown campus_code 'ZZZ'",
        "line 4: kind 'holiday' must be one of 'term' or 'closed'",
        "line 5: end_date is before start_date",
        "line 6: name is empty",
        "line 6: start_date '2026-13-01' is not a date",
    ):
        assert expected in result.output
    assert "nothing was imported" in result.output
    assert _count(db, CalendarEntry) == 0


def test_import_drills_maps_synonyms_and_local_times(runner, db, tmp_path, two_campuses):
    result = _setup(runner, tmp_path, two_campuses)
    assert "created 4" in result.output
    types = db.session.scalars(select(Drill.drill_type).order_by(Drill.started_at)).all()
    assert types == ["evacuate", "secure", "shelter", "lockdown"]
    secure = db.session.scalar(select(Drill).where(Drill.drill_type == "secure"))
    assert secure.started_at.isoformat() == "2026-08-25T15:30:00+00:00"  # 09:30 MDT
    assert secure.conducted_by == "R. Diaz" and secure.source == "import"
    real = db.session.scalar(select(Drill).where(Drill.drill_type == "shelter"))
    assert real.real_event and not real.announced
    again = runner.invoke(args=["import", "drills", _write(tmp_path, "d2.csv", DRILLS_CSV)])
    assert "created 0, updated 0, unchanged 4" in again.output
    assert _count(db, Drill) == 4


def test_bad_drills_file_reports_every_error_and_imports_nothing(
    runner, db, tmp_path, two_campuses
):
    bad = """campus_code,type,started_at,ended_at,real_event,announced,conducted_by,notes
AAA,lockdown,2026-09-01T10:00,2026-09-01T10:10,false,true,,
ZZZ,lockdown,2026-09-01T10:00,,false,true,,
AAA,fire alarm party,2026-09-01T10:00,,false,true,,
AAA,secure,yesterday,,false,true,,
AAA,secure,2026-09-02T10:00,2026-09-02T09:00,maybe,true,,
AAA,secure,2026-09-03T10:00-06:00,,false,true,,
"""
    result = runner.invoke(args=["import", "drills", _write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0
    for expected in (
        "line 3: unknown campus_code 'ZZZ'",
        "line 4: unknown drill type 'fire alarm party'",
        "line 5: started_at 'yesterday' is not a date and time",
        "line 6: ended_at is before started_at",
        "line 6: real_event 'maybe' must be true or false",
        "line 7: started_at '2026-09-03T10:00-06:00' is not a date and time",
    ):
        assert expected in result.output
    assert _count(db, Drill) == 0


def test_rules_load_list_and_bad_packs(runner, db, tmp_path, two_campuses):
    only_a = runner.invoke(args=["rules", "load", str(PACKS / "texas.toml"), "--campus", "aaa"])
    assert only_a.exit_code == 0, only_a.output
    assert "loaded pack texas (5 rules) for 1 campus(es)" in only_a.output
    listed = runner.invoke(args=["rules", "list"])
    assert "texas: Texas (19 TAC 103.1209) [AAA]" in listed.output
    assert "fire-monthly-10-days: 1 x evacuate per month" in listed.output

    bad = _write(
        tmp_path,
        "bad.toml",
        '[pack]\nid = "bad"\nname = "Bad"\n\n[[rules]]\nid = "x"\ndrill = "lockdown"\n'
        'period = "fortnight"\nwithin = 3\n',
    )
    result = runner.invoke(args=["rules", "load", bad])
    assert result.exit_code != 0
    assert "rule 'x': unknown field 'within'" in result.output
    assert "rule 'x': period must be one of term, month, school_year" in result.output
    unknown = runner.invoke(args=["rules", "load", str(PACKS / "oklahoma.toml"), "--campus", "ZZZ"])
    assert "unknown campus code(s): ZZZ" in unknown.output
    assert db.session.scalars(select(RulePackRecord.key)).all() == ["texas"]


def test_reloading_a_pack_updates_it_in_place(runner, db, tmp_path, two_campuses):
    runner.invoke(args=["rules", "load", str(PACKS / "oklahoma.toml")])
    edited = (PACKS / "oklahoma.toml").read_text().replace("within_days = 15", "within_days = 20")
    result = runner.invoke(args=["rules", "load", _write(tmp_path, "ok.toml", edited)])
    assert "updated pack oklahoma" in result.output
    pack = db.session.scalar(select(RulePackRecord))
    assert pack.rules[0]["within_days"] == 20
    assert sorted(c.code for c in pack.campuses) == ["AAA", "BBB"]


def test_compliance_command_json_and_table(runner, db, tmp_path, two_campuses):
    _setup(runner, tmp_path, two_campuses)
    result = runner.invoke(
        args=["compliance", "--campus", "AAA", "--as-of", "2026-09-16", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["campus"] == "AAA" and data["as_of"] == "2026-09-16"
    by = {(r["rule"], r["period"]): r for r in data["requirements"]}
    assert set(by[("lockdown-each-term", "Fall 2026")]) == {
        "rule", "drill", "period", "window_start", "deadline", "required", "counted", "status",
        "drills",
    }  # fmt: skip
    # The lockdown came on 20 Sep, after the 15 Sep deadline: as of 16 Sep it is overdue.
    assert by[("lockdown-each-term", "Fall 2026")]["status"] == "overdue"
    assert by[("secure-each-term", "Fall 2026")]["status"] == "met"
    # The real shelter event does not count under the default pack.
    assert by[("shelter-each-term", "Fall 2026")]["status"] == "overdue"
    assert by[("evacuate-first-10-days", "2026-2027")]["status"] == "met"
    assert by[("evacuate-monthly", "2026-09")]["status"] == "due"  # until 30 Sep
    assert by[("evacuate-monthly", "2026-08")]["status"] == "met"
    assert by[("lockdown-each-term", "Spring 2027")]["status"] == "upcoming"
    later = json.loads(
        runner.invoke(
            args=["compliance", "--campus", "AAA", "--as-of", "2026-10-01", "--format", "json"]
        ).output
    )
    late = next(r for r in later["requirements"] if r["rule"] == "lockdown-each-term")
    assert late["status"] == "late" and late["counted"] == 1

    table = runner.invoke(args=["compliance", "--campus", "AAA", "--as-of", "2026-09-16"])
    lines = table.output.splitlines()
    assert lines[0].split() == ["rule", "period", "window", "deadline", "req", "got", "status"]
    assert any(line.split()[0] == "lockdown-each-term" and line.split()[-1] == "overdue"
               for line in lines)  # fmt: skip
    missing = runner.invoke(args=["compliance", "--campus", "NOPE"])
    assert missing.exit_code != 0 and "no campus with code NOPE" in missing.output


def test_imported_drills_get_the_same_checks_as_the_form(runner, db, tmp_path, two_campuses):
    """A CSV row is validated like a drill logged on the form or the API: no future dates,
    nothing before 2000, no over-long text silently cut."""
    bad = f"""campus_code,type,started_at,ended_at,real_event,announced,conducted_by,notes
AAA,lockdown,2026-09-01T10:00,,false,true,R. Diaz,
AAA,lockdown,2099-09-01T10:00,,false,true,,
AAA,secure,0001-01-01T10:00,,false,true,,
AAA,evacuate,2026-09-02T10:00,,false,true,{"x" * 200},
AAA,shelter,2026-09-03T10:00,,false,true,,{"n" * 5000}
"""
    result = runner.invoke(args=["import", "drills", _write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0
    for expected in (
        "line 3: started_at",
        "line 4: started_at",
        "line 5: conducted_by",
        "line 6: debrief_notes",
    ):
        assert expected in result.output, result.output
    assert "line 2" not in result.output
    assert _count(db, Drill) == 0


def test_calendar_import_refuses_dates_out_of_range(runner, db, tmp_path, two_campuses):
    """A closed day of 9999-12-31 (a typo) once broke every page: it is refused by line."""
    from safetyops.calendar.models import CalendarEntry

    bad = """campus_code,kind,name,start_date,end_date
,term,Fall 2026,2026-08-17,2026-12-18
,closed,Typo,9999-12-31,
,closed,Forever,0001-01-01,9999-12-30
AAA,closed,Long name,2026-10-02,2026-10-01
"""
    result = runner.invoke(args=["import", "calendar", _write(tmp_path, "cal.csv", bad)])
    assert result.exit_code != 0
    assert "line 3: start_date 9999-12-31 must be between" in result.output
    assert "line 4: start_date 0001-01-01 must be between" in result.output
    assert "line 5: end_date is before start_date" in result.output
    assert _count(db, CalendarEntry) == 0
