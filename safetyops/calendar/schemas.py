"""The calendar area's contract: a row of the calendar CSV file (terms and closed days).
The admin form's entries are checked by the same bounds (calendar.operations)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from safetyops.calendar.models import CalendarKind
from safetyops.core import dates, i18n

TERM_MAX_DAYS = 366


class CalendarRow(BaseModel):
    """``campus_code,kind,name,start_date,end_date`` (an empty end_date: one day)."""

    campus_code: Annotated[str, Field(max_length=32)] = ""
    kind: CalendarKind
    name: Annotated[str, Field(min_length=1, max_length=120)]
    start_date: dt.date
    end_date: dt.date | None = None

    @model_validator(mode="after")
    def _dates_make_sense(self) -> CalendarRow:
        today = dt.datetime.now(dt.UTC).date()
        end = self.end_date or self.start_date
        for name, day in (("start_date", self.start_date), ("end_date", end)):
            if not dates.in_range(day, today):
                raise ValueError(f"{name} {day.isoformat()} {i18n.range_message(today)}")
        if end < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.kind == CalendarKind.TERM and (end - self.start_date).days > TERM_MAX_DAYS:
            raise ValueError("a term longer than a year: check the dates")
        return self
