"""CSV formats of the postings area: the public drill record and the planned drill schedule.
Headers are stable machine names; cells go through core.csv_export (no formulas)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from safetyops.core.csv_export import SafeWriter
from safetyops.planning.models import DrillPlan
from safetyops.postings.queries import PublicYear

PUBLIC_COLUMNS = [
    "campus_code", "school", "school_year", "date", "start_time", "end_time", "drill_type",
    "drill_type_label", "count_this_year", "required_this_year", "conducted_by",
    "signed_off_by", "signed_off_on", "posted_on",
]  # fmt: skip

SCHEDULE_COLUMNS = [
    "campus_code", "school", "school_year", "planned_for", "weekday", "drill_type",
    "drill_type_label", "notes",
]  # fmt: skip


def _write(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def public_csv(
    campus_code: str,
    school: str,
    years: list[PublicYear],
    label: Callable[[str], str],
    conductor: Callable[[Any], str],
    signer: Callable[[Any], str],
) -> str:
    """The public drill record, oldest first (``years`` come newest first)."""
    rows = [
        [
            campus_code,
            school,
            year.label,
            row.day.isoformat(),
            row.started.time().isoformat("minutes"),
            row.ended.time().isoformat("minutes") if row.ended else "",
            row.drill_type,
            label(row.drill_type),
            row.number,
            row.required if row.required is not None else "",
            conductor(row),
            signer(row),
            row.signed_off_on.isoformat(),
            row.posted_on.isoformat() if row.posted_on else "",
        ]
        for year in reversed(years)
        for row in year.rows
    ]
    return _write(PUBLIC_COLUMNS, rows)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def schedule_csv(plans: list[DrillPlan], year_label: str, label: Callable[[str], str]) -> str:
    rows = [
        [
            plan.campus.code,
            plan.campus.name,
            year_label,
            plan.planned_for.isoformat(),
            WEEKDAYS[plan.planned_for.weekday()],
            plan.drill_type,
            label(plan.drill_type),
            plan.notes,
        ]
        for plan in plans
    ]
    return _write(SCHEDULE_COLUMNS, rows)
