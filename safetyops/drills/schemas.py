"""The drills area's contract: ``DrillIn`` is a drill record as the form sends it and as each
row of a drill-log CSV file becomes (one set of checks and bounds for both); ``DrillRow`` is
the shape of a CSV row before its local times are placed in the campus's time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from safetyops.core import dates
from safetyops.core.errors import ValidationFailed
from safetyops.drills.domain import DrillType, ShelterHazard, canonical_type

PROBLEM_CHOICES = (
    "alarm_not_heard",
    "door_would_not_lock",
    "room_not_secured",
    "slow_to_respond",
    "blocked_exit",
    "accountability_gap",
    "communication_failure",
    "other",
)
OBSERVER_CHOICES = ("fire", "police", "district", "other")
# Counts (occupants, staff, seconds) are stored as 32-bit integers; a school has far fewer.
COUNT_MAX = 1_000_000
TEXT_MAX = 4000
# A drill may start up to an hour "in the future": a tablet's clock runs a little fast.
CLOCK_SLACK = dt.timedelta(hours=1)

Count = Annotated[StrictInt, Field(ge=0, le=COUNT_MAX)] | None
# The bounds of the database columns (drills.models), the form's Length validators too.
Location = Annotated[str, Field(max_length=200)]
ConductedBy = Annotated[str, Field(max_length=160)]
ShortText = Annotated[str, Field(max_length=120)]
LongText = Annotated[str, Field(max_length=TEXT_MAX)]
TEXT_FIELDS = (
    "evacuation_location",
    "conducted_by",
    "notification_method",
    "weather",
    "special_conditions",
    "problems_notes",
    "debrief_notes",
)


def _rule(message: str) -> PydanticCustomError:
    """A broken rule whose message is read as it is (forms show it next to the field)."""
    return PydanticCustomError("rule", message)


def _now(info: ValidationInfo) -> dt.datetime:
    context = info.context or {}
    now = context.get("now")
    return now if isinstance(now, dt.datetime) else dt.datetime.now(dt.UTC)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    action: Annotated[str, Field(min_length=1, max_length=500)]
    owner: Annotated[str, Field(max_length=160)] = ""
    due: dt.date | None = None

    @field_validator("owner", mode="before")
    @classmethod
    def _blank_owner(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("due", mode="after")
    @classmethod
    def _due_in_range(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is not None and not dates.in_range(value, _now(info).date()):
            raise _rule(dates.range_message(_now(info).date()))
        return value


class DrillIn(BaseModel):
    """A drill record. Validate with ``context={"resolve": ...}`` to accept the types rule
    packs add (and synonyms); without it only the canonical types and synonyms are known."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    drill_type: Annotated[str, Field(max_length=80)]
    hazard: ShelterHazard | None = None
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    real_event: bool = False
    announced: bool = True
    staff_participating: Count = None
    occupants: Count = None
    time_to_complete_seconds: Count = None
    evacuation_location: Location = ""
    conducted_by: ConductedBy = ""
    notification_method: ShortText = ""
    weather: ShortText = ""
    special_conditions: LongText = ""
    problems_notes: LongText = ""
    debrief_notes: LongText = ""
    problems: Annotated[list[str], Field(max_length=len(PROBLEM_CHOICES))] = []
    observers: Annotated[list[str], Field(max_length=len(OBSERVER_CHOICES))] = []
    follow_ups: Annotated[list[FollowUpIn], Field(max_length=50)] = []

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _blank_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("staff_participating", "occupants", "time_to_complete_seconds",
                     "ended_at", mode="before")  # fmt: skip
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("hazard", mode="before")
    @classmethod
    def _hazard_word(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("real_event", "announced", mode="before")
    @classmethod
    def _unset_flag(cls, value: Any, info: ValidationInfo) -> Any:
        return (info.field_name == "announced") if value is None else value

    @field_validator("problems", "observers", "follow_ups", mode="before")
    @classmethod
    def _no_list(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return []
        if info.field_name == "follow_ups" and isinstance(value, list):
            # The form always shows a few empty rows: a row without an action is no row.
            return [row for row in value if not isinstance(row, dict) or _has_action(row)]
        return value

    @field_validator("drill_type", mode="after")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        resolve: Callable[[str], str | None] = (info.context or {}).get("resolve", canonical_type)
        canonical = resolve(value)
        if canonical is None:
            raise _rule(_("Choose the SRP action practised."))
        return canonical

    @field_validator("started_at", mode="after")
    @classmethod
    def _started_when_possible(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        now = _now(info)
        if value > now + CLOCK_SLACK:
            raise _rule(_("That is in the future."))
        if not dates.in_range(value, now.date()):
            raise _rule(dates.range_message(now.date()))
        return value

    @field_validator("ended_at", mode="after")
    @classmethod
    def _ended_after_start(
        cls, value: dt.datetime | None, info: ValidationInfo
    ) -> dt.datetime | None:
        if value is None:
            return None
        started = info.data.get("started_at")
        if started is not None and value < started:
            raise _rule(_("It cannot end before it started."))
        if not dates.in_range(value, _now(info).date()):
            raise _rule(dates.range_message(_now(info).date()))
        return value

    @field_validator("problems", mode="after")
    @classmethod
    def _known_problems(cls, value: list[str]) -> list[str]:
        if any(p not in PROBLEM_CHOICES for p in value):
            raise _rule(_("Unknown problem in the checklist."))
        return sorted(set(value))

    @field_validator("observers", mode="after")
    @classmethod
    def _known_observers(cls, value: list[str]) -> list[str]:
        if any(o not in OBSERVER_CHOICES for o in value):
            raise _rule(_("Unknown observer."))
        return sorted(set(value))

    @model_validator(mode="after")
    def _hazard_only_when_sheltering(self) -> DrillIn:
        if self.drill_type != DrillType.SHELTER:
            self.hazard = None
        return self

    def values(self) -> dict[str, Any]:
        """The record's columns (``local_date`` aside: it needs the campus)."""
        values = self.model_dump(exclude={"hazard", "follow_ups"})
        values["hazard"] = self.hazard.value if self.hazard else ""
        values["follow_ups"] = [
            {"action": f.action, "owner": f.owner, "due": f.due.isoformat() if f.due else None}
            for f in self.follow_ups
        ]
        return values


def _has_action(row: dict[str, Any]) -> bool:
    action = row.get("action")
    if action is None:
        return False
    return not isinstance(action, str) or bool(action.strip())


def validate_drill(
    data: dict[str, Any],
    resolve: Callable[[str], str | None] | None = None,
    now: dt.datetime | None = None,
) -> DrillIn:
    """``data`` checked by ``DrillIn``; every problem, by field, as ``ValidationFailed``."""
    context: dict[str, Any] = {"now": now}
    if resolve is not None:
        context["resolve"] = resolve
    try:
        return DrillIn.model_validate(data, context=context)
    except ValidationError as exc:
        raise ValidationFailed(drill_errors(exc)) from None


def drill_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's problems as the form's messages: the first problem of each field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = location[0] if location else "drill"
        if name not in errors:
            errors[name] = _message(".".join(location), error)
    return errors


def _message(path: str, error: Any) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "rule":
        return str(error["msg"])
    if path == "drill_type":
        return _("Choose the SRP action practised.")
    if path == "hazard":
        return _("Choose a hazard from the list.")
    if path == "started_at":
        return _("Enter when it started.")
    if path == "ended_at":
        return _("Enter when it ended.")
    if path == "follow_ups.due":
        return _("Follow-up due dates must be dates.")
    if kind in ("string_too_long", "too_long"):
        return _("At most %(n)d characters.", n=ctx.get("max_length", 0))
    if kind == "less_than_equal":
        return _("At most %(n)d.", n=ctx.get("le", 0))
    if kind in ("int_type", "int_parsing", "greater_than_equal"):
        return _("Enter a whole number, 0 or more.")
    return str(error.get("msg", "is not valid"))


class DrillRow(BaseModel):
    """``campus_code,type,started_at[,ended_at,real_event,announced,conducted_by,notes]``:
    the shape of a row; times are campus-local (no offset). What a drill must be (the type
    known, no future dates, the text bounds) is ``DrillIn``'s, checked once the campus's
    time zone has made the times real."""

    model_config = ConfigDict(str_strip_whitespace=True)

    campus_code: Annotated[str, Field(min_length=1, max_length=32)]
    type: Annotated[str, Field(min_length=1, max_length=80)]
    started_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None
    real_event: bool = False
    announced: bool = True
    conducted_by: str = ""
    notes: str = ""

    @model_validator(mode="before")
    @classmethod
    def _empty_is_unset(cls, values: Any) -> Any:
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if v not in ("", None)}
        return values

    @field_validator("ended_at", mode="after")
    @classmethod
    def _ended_after_start(
        cls, value: dt.datetime | None, info: ValidationInfo
    ) -> dt.datetime | None:
        started = info.data.get("started_at")
        if value is not None and started is not None and value < started:
            raise _rule("ended_at is before started_at")
        return value
