"""Rule packs: TOML files that say which drills a campus must hold, parsed and validated.

Every problem is reported at once, each naming the rule and the field, so a safety admin
can fix a file in one pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from safetyops.compliance.engine import PERIODS, Rule, TrainingRule
from safetyops.drills.domain import CANONICAL, SRP_ACTIONS
from safetyops.postings.domain import DEADLINE_TABLES, parse_deadline_tables

PACK_FIELDS = {"id", "name", "source", "description", "drill_types", "reminder_lead_days"}
RULE_FIELDS = {
    "id",
    "drill",
    "also_counts",
    "count",
    "period",
    "within_days",
    "not_before_day",
    "deadline",
    "day_basis",
    "first_day_is",
    "roll_forward",
    "min_school_days",
    "real_events_count",
    "description",
}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class RulePackError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RulePack:
    id: str
    name: str
    rules: tuple[Rule, ...]
    source: str = ""
    description: str = ""
    drill_types: tuple[str, ...] = ()
    # Days before a deadline that reminders go out; None: the district's setting.
    reminder_lead_days: tuple[int, ...] | None = None
    # [posting] / [reschedule] within_school_days; None: the pack does not require it.
    posting_within_school_days: int | None = None
    reschedule_within_school_days: int | None = None
    training: tuple[TrainingRule, ...] = ()  # [[training]]: staff trained in SRP protocols


def parse_pack(text: str) -> RulePack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError([f"not valid TOML: {exc}"]) from None
    errors: list[str] = []
    # [posting] and [reschedule]: deadlines about drill records (postings.domain).
    deadlines = parse_deadline_tables(data, errors)
    data = {key: value for key, value in data.items() if key not in DEADLINE_TABLES}
    for key in data:
        if key not in {"pack", "rules", "training"}:
            errors.append(f"unknown table [{key}]")
    pack = data.get("pack")
    if not isinstance(pack, dict):
        raise RulePackError([*errors, "missing [pack] table with id and name"])
    for key in pack:
        if key not in PACK_FIELDS:
            errors.append(f"[pack]: unknown field {key!r}")
    pack_id = pack.get("id")
    if not isinstance(pack_id, str) or not ID_PATTERN.match(pack_id):
        errors.append("[pack]: id must be lower-case letters, digits, '-' or '_'")
        pack_id = "?"
    name = pack.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append("[pack]: name is required")
    extra_types = pack.get("drill_types", [])
    if not isinstance(extra_types, list) or not all(
        isinstance(t, str) and ID_PATTERN.match(t) for t in extra_types
    ):
        errors.append("[pack]: drill_types must be a list of lower-case type names")
        extra_types = []
    known_types = set(CANONICAL) | set(extra_types)
    lead_days = pack.get("reminder_lead_days")
    if lead_days is not None and (
        not isinstance(lead_days, list)
        or not lead_days
        or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 365 for d in lead_days
        )
    ):
        errors.append("[pack]: reminder_lead_days must be a list of whole days, 0 to 365")
        lead_days = None

    raw_rules = data.get("rules", [])
    training = _parse_training(data.get("training", []), pack_id, errors)
    if not isinstance(raw_rules, list) or (not raw_rules and not training and not deadlines):
        errors.append("a pack needs at least one [[rules]] entry")
        raw_rules = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_rules, start=1):
        rule = _parse_rule(raw, number, pack_id, known_types, errors)
        if rule is None:
            continue
        if rule.id in seen:
            errors.append(f"rule {rule.id!r}: id used twice")
        seen.add(rule.id)
        rules.append(rule)
    if errors:
        raise RulePackError(errors)
    return RulePack(
        id=pack_id,
        name=str(name).strip(),
        rules=tuple(rules),
        source=str(pack.get("source", "")),
        description=str(pack.get("description", "")),
        drill_types=tuple(extra_types),
        reminder_lead_days=tuple(sorted(set(lead_days), reverse=True)) if lead_days else None,
        training=training,
        posting_within_school_days=deadlines.get("posting"),
        reschedule_within_school_days=deadlines.get("reschedule"),
    )


def _parse_rule(
    raw: dict[str, Any], number: int, pack_id: str, known_types: set[str], errors: list[str]
) -> Rule | None:
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    where = f"rule {rule_id!r}" if rule_id else f"rule #{number}"
    before = len(errors)

    def fail(message: str) -> None:
        errors.append(f"{where}: {message}")

    for key in raw:
        if key not in RULE_FIELDS:
            fail(f"unknown field {key!r}")
    if rule_id is None or not ID_PATTERN.match(rule_id):
        fail("id is required: lower-case letters, digits, '-' or '_'")
    drill = raw.get("drill")
    if drill not in known_types:
        fail(f"drill {drill!r} is not a known type ({', '.join(sorted(known_types))})")
    also = raw.get("also_counts", [])
    if not isinstance(also, list) or any(t not in known_types for t in also):
        fail(f"also_counts must list known types, got {also!r}")
        also = []

    def integer(key: str, default: int | None, minimum: int) -> int | None:
        value = raw.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            fail(f"{key} must be a whole number >= {minimum}, got {value!r}")
            return default
        return value

    def boolean(key: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            fail(f"{key} must be true or false, got {value!r}")
            return False
        return value

    count = integer("count", 1, 1)
    within_days = integer("within_days", None, 1)
    not_before_day = integer("not_before_day", None, 0)
    min_school_days = integer("min_school_days", 0, 0)
    period = raw.get("period", "term")
    if period not in PERIODS:
        fail(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    day_basis = raw.get("day_basis", "calendar")
    if day_basis not in ("calendar", "school"):
        fail(f"day_basis must be 'calendar' or 'school', got {day_basis!r}")
    first_day_is = raw.get("first_day_is", 1)
    if first_day_is not in (0, 1) or isinstance(first_day_is, bool):
        fail(f"first_day_is must be 0 or 1, got {first_day_is!r}")
    deadline = None
    if "deadline" in raw:
        deadline = _month_day(raw["deadline"])
        if deadline is None:
            fail(f"deadline must be MM-DD, got {raw['deadline']!r}")
    if within_days is not None and not_before_day is not None and not_before_day > within_days:
        fail("not_before_day is after within_days: the window would never open")
    if min_school_days and period != "month":
        fail("min_school_days only applies to month rules")
    roll_forward = boolean("roll_forward")
    real_events_count = boolean("real_events_count")
    if len(errors) > before or rule_id is None or drill is None or count is None:
        return None
    return Rule(
        id=rule_id,
        drill=drill,
        period=period,
        count=count,
        also_counts=tuple(also),
        within_days=within_days,
        not_before_day=not_before_day,
        deadline=deadline,
        day_basis=day_basis,
        first_day_is=first_day_is,
        roll_forward=roll_forward,
        min_school_days=min_school_days or 0,
        real_events_count=real_events_count,
        pack=pack_id,
        description=str(raw.get("description", "")),
    )


def _month_day(value: object) -> tuple[int, int] | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}-\d{2}", value):
        return None
    month, day = int(value[:2]), int(value[3:])
    limits = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}
    if not 1 <= month <= 12 or not 1 <= day <= limits.get(month, 31):
        return None
    return month, day


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The JSON form stored with a loaded pack (and read back by ``rule_from_dict``)."""
    return {
        "id": rule.id,
        "drill": rule.drill,
        "period": rule.period,
        "count": rule.count,
        "also_counts": list(rule.also_counts),
        "within_days": rule.within_days,
        "not_before_day": rule.not_before_day,
        "deadline": f"{rule.deadline[0]:02d}-{rule.deadline[1]:02d}" if rule.deadline else None,
        "day_basis": rule.day_basis,
        "first_day_is": rule.first_day_is,
        "roll_forward": rule.roll_forward,
        "min_school_days": rule.min_school_days,
        "real_events_count": rule.real_events_count,
        "description": rule.description,
    }


def rule_from_dict(data: dict[str, Any], pack_id: str) -> Rule:
    deadline = _month_day(data["deadline"]) if data.get("deadline") else None
    return Rule(
        id=data["id"],
        drill=data["drill"],
        period=data["period"],
        count=data["count"],
        also_counts=tuple(data.get("also_counts", ())),
        within_days=data.get("within_days"),
        not_before_day=data.get("not_before_day"),
        deadline=deadline,
        day_basis=data.get("day_basis", "calendar"),
        first_day_is=data.get("first_day_is", 1),
        roll_forward=data.get("roll_forward", False),
        min_school_days=data.get("min_school_days", 0),
        real_events_count=data.get("real_events_count", False),
        pack=pack_id,
        description=data.get("description", ""),
    )


# ---- [[training]]: staff training rules ---------------------------------------------------

TRAINING_FIELDS = {"id", "protocols", "period", "count", "within_days", "description"}


def _parse_training(raw: object, pack_id: str, errors: list[str]) -> tuple[TrainingRule, ...]:
    """``[[training]]`` entries: staff trained in each SRP protocol ``count`` times a
    period (default: every protocol, once a school year)."""
    if not isinstance(raw, list):
        errors.append("[[training]] must be a list of tables")
        return ()
    out: list[TrainingRule] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            errors.append(f"training #{number}: must be a table")
            continue
        rule_id = entry.get("id") if isinstance(entry.get("id"), str) else None
        where = f"training {rule_id!r}" if rule_id else f"training #{number}"
        before = len(errors)
        for key in entry:
            if key not in TRAINING_FIELDS:
                errors.append(f"{where}: unknown field {key!r}")
        if rule_id is None or not ID_PATTERN.match(rule_id):
            errors.append(f"{where}: id is required: lower-case letters, digits, '-' or '_'")
        elif rule_id in seen:
            errors.append(f"{where}: id used twice")
        protocols = entry.get("protocols", list(SRP_ACTIONS))
        if (
            not isinstance(protocols, list)
            or not protocols
            or any(p not in SRP_ACTIONS for p in protocols)
        ):
            errors.append(
                f"{where}: protocols must list SRP actions ({', '.join(SRP_ACTIONS)}), "
                f"got {protocols!r}"
            )
        period = entry.get("period", "school_year")
        if period not in PERIODS:
            errors.append(f"{where}: period must be one of {', '.join(PERIODS)}, got {period!r}")
        count, within_days = entry.get("count", 1), entry.get("within_days")
        for key, value in (("count", count), ("within_days", within_days)):
            if value is None and key == "within_days":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
                errors.append(f"{where}: {key} must be a whole number 1 to 366, got {value!r}")
        if len(errors) > before or rule_id is None:
            continue
        seen.add(rule_id)
        out.append(
            TrainingRule(
                id=rule_id,
                protocols=tuple(dict.fromkeys(protocols)),
                period=period,
                count=count,
                within_days=within_days,
                pack=pack_id,
                description=str(entry.get("description", "")),
            )
        )
    return tuple(out)


def training_to_dict(rule: TrainingRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "protocols": list(rule.protocols),
        "period": rule.period,
        "count": rule.count,
        "within_days": rule.within_days,
        "description": rule.description,
    }


def training_from_dict(data: dict[str, Any], pack_id: str) -> TrainingRule:
    return TrainingRule(
        id=data["id"],
        protocols=tuple(data["protocols"]),
        period=data.get("period", "school_year"),
        count=data.get("count", 1),
        within_days=data.get("within_days"),
        pack=pack_id,
        description=data.get("description", ""),
    )
