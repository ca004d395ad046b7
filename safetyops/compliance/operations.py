"""Loading rule packs into the database and handing campuses their rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.compliance.engine import Rule, TrainingRule
from safetyops.compliance.models import RulePackRecord, campus_rule_pack
from safetyops.compliance.rule_packs import (
    RulePackError,
    parse_pack,
    rule_from_dict,
    rule_to_dict,
    training_from_dict,
    training_to_dict,
)
from safetyops.extensions import db

BUNDLED_DIR = Path(__file__).resolve().parent / "rulepacks"


def bundled_pack_path(name: str) -> Path:
    return BUNDLED_DIR / f"{name}.toml"


@dataclass
class LoadReport:
    pack: RulePackRecord
    created: bool
    campuses: list[str]


def load_pack(
    text: str, campus_codes: Iterable[str] | None = None, commit: bool = True
) -> LoadReport:
    """Validate ``text``, store (or replace) the pack, and assign it to campuses.

    ``campus_codes`` None assigns the pack to every campus. Raises RulePackError listing
    every problem (unknown campus codes included) before anything is written.
    """
    parsed = parse_pack(text)
    all_campuses = {c.code: c for c in db.session.scalars(select(Campus))}
    if campus_codes is None:
        targets = list(all_campuses.values())
    else:
        codes = [c.upper() for c in campus_codes]
        unknown = [c for c in codes if c not in all_campuses]
        if unknown:
            raise RulePackError([f"unknown campus code(s): {', '.join(unknown)}"])
        targets = [all_campuses[c] for c in codes]
    record = db.session.scalar(select(RulePackRecord).where(RulePackRecord.key == parsed.id))
    created = record is None
    rules = [rule_to_dict(r) for r in parsed.rules]
    before = {"name": record.name, "rules": record.rules} if record is not None else {}
    if record is None:
        record = RulePackRecord(key=parsed.id, name=parsed.name, toml=text, rules=rules)
        db.session.add(record)
    record.name, record.source, record.toml = parsed.name, parsed.source, text
    record.rules, record.drill_types = rules, list(parsed.drill_types)
    record.reminder_lead_days = (
        list(parsed.reminder_lead_days) if parsed.reminder_lead_days else None
    )
    record.training_rules = [training_to_dict(t) for t in parsed.training] or None
    for campus in targets:
        if campus not in record.campuses:
            record.campuses.append(campus)
    db.session.flush()
    changes = audit.diff(before, {"name": record.name, "rules": record.rules})
    changes["campuses"] = [None, sorted(c.code for c in targets)]
    audit.record("create" if created else "update", "rule_pack", record.key, changes)
    if commit:
        db.session.commit()
    return LoadReport(record, created, sorted(c.code for c in targets))


def load_bundled(
    name: str, campus_codes: Iterable[str] | None = None, commit: bool = True
) -> LoadReport:
    return load_pack(bundled_pack_path(name).read_text(encoding="utf-8"), campus_codes, commit)


def list_packs() -> list[RulePackRecord]:
    return list(
        db.session.scalars(
            select(RulePackRecord)
            .options(selectinload(RulePackRecord.campuses))
            .order_by(RulePackRecord.key)
        )
    )


def rules_for(campus_ids: Iterable[int]) -> dict[int, list[Rule]]:
    """Each campus's rules (from every pack assigned to it), in two queries."""
    ids = list(campus_ids)
    assigned = db.session.execute(
        select(campus_rule_pack.c.campus_id, campus_rule_pack.c.pack_id).where(
            campus_rule_pack.c.campus_id.in_(ids)
        )
    ).all()
    pack_ids = {pack_id for _, pack_id in assigned}
    packs = {
        p.id: [rule_from_dict(r, p.key) for r in p.rules]
        for p in db.session.scalars(select(RulePackRecord).where(RulePackRecord.id.in_(pack_ids)))
    }
    out: dict[int, list[Rule]] = {i: [] for i in ids}
    for campus_id, pack_id in sorted(assigned):
        out[campus_id].extend(packs[pack_id])
    return out


def extra_drill_types() -> tuple[str, ...]:
    """Drill types packs add beyond the built-in ones (e.g. a state's bus evacuation)."""
    types: set[str] = set()
    for extra in db.session.scalars(select(RulePackRecord.drill_types)):
        types.update(extra or ())
    return tuple(sorted(types))


def lead_days_by_pack() -> dict[str, list[int]]:
    """Packs that set their own reminder lead times."""
    return {
        key: days
        for key, days in db.session.execute(
            select(RulePackRecord.key, RulePackRecord.reminder_lead_days)
        )
        if days
    }


def training_rules_for(campus_ids: Iterable[int]) -> dict[int, list[TrainingRule]]:
    """Each campus's staff training rules (``[[training]]`` of its packs), in two queries."""
    ids = list(campus_ids)
    assigned = db.session.execute(
        select(campus_rule_pack.c.campus_id, campus_rule_pack.c.pack_id).where(
            campus_rule_pack.c.campus_id.in_(ids)
        )
    ).all()
    packs = {
        p.id: [training_from_dict(t, p.key) for t in p.training_rules or ()]
        for p in db.session.scalars(
            select(RulePackRecord).where(RulePackRecord.id.in_({pid for _, pid in assigned}))
        )
    }
    out: dict[int, list[TrainingRule]] = {i: [] for i in ids}
    for campus_id, pack_id in sorted(assigned):
        out[campus_id].extend(packs[pack_id])
    return out
