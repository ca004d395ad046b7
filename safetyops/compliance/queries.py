"""Compliance for campuses: load rules, calendars and drills in bulk, run the pure engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from safetyops.calendar.domain import SchoolCalendar, Term, school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.compliance.engine import Requirement, RequirementStatus, evaluate
from safetyops.compliance.operations import rules_for
from safetyops.drills.operations import facts_for, school_year_bounds

# Worst first: what a district page sorts by.
WORST_FIRST = (
    RequirementStatus.OVERDUE,
    RequirementStatus.DUE,
    RequirementStatus.LATE,
    RequirementStatus.UPCOMING,
    RequirementStatus.MET,
    RequirementStatus.NOT_REQUIRED,
)
SEVERITY = {status: rank for rank, status in enumerate(WORST_FIRST)}
if set(SEVERITY) != set(RequirementStatus):
    raise ValueError("every requirement status needs a place in WORST_FIRST")


@dataclass
class CampusCompliance:
    campus: Campus
    calendar: SchoolCalendar
    requirements: list[Requirement]
    term: Term | None

    def counts(self) -> dict[RequirementStatus, int]:
        """How many of this term's requirements are in each status."""
        out = dict.fromkeys(SEVERITY, 0)
        for req in self.in_term():
            out[req.status] += 1
        return out

    def in_term(self) -> list[Requirement]:
        """Requirements of the current term: its own, its months, and the school year's."""
        if self.term is None:
            return self.requirements
        term = self.term
        return [
            r
            for r in self.requirements
            if r.window_start <= term.end and (r.period_end or r.deadline) >= term.start
        ]


def current_term(calendar: SchoolCalendar, as_of: date) -> Term | None:
    """The term in session, else the next one this school year, else the last one ended."""
    term = calendar.term_on(as_of)
    if term is not None:
        return term
    year = school_year_of(as_of)
    later = [t for t in calendar.terms_in_school_year(year) if t.start > as_of]
    if later:
        return later[0]
    earlier = [t for t in calendar.terms if t.end < as_of]
    return earlier[-1] if earlier else None


def for_campuses(campuses: Sequence[Campus], as_of: date) -> list[CampusCompliance]:
    """Every campus's requirements for the school year of ``as_of``: 4 queries in all."""
    year = school_year_of(as_of)
    ids = [c.id for c in campuses]
    calendars = calendars_for(campuses)
    rules = rules_for(ids)
    start, end = school_year_bounds(year)
    facts = facts_for(ids, start, end)
    return [
        CampusCompliance(
            campus=c,
            calendar=calendars[c.id],
            requirements=evaluate(rules[c.id], calendars[c.id], facts[c.id], as_of, year),
            term=current_term(calendars[c.id], as_of),
        )
        for c in campuses
    ]


def for_campus(campus: Campus, as_of: date) -> CampusCompliance:
    return for_campuses([campus], as_of)[0]


def as_json(result: CampusCompliance, as_of: date) -> dict:
    return {
        "campus": result.campus.code,
        "as_of": as_of.isoformat(),
        "requirements": [r.as_dict() for r in result.requirements],
    }


@dataclass
class DistrictMatrix:
    """Campuses x requirement columns (rule, period) of the current term, sorted."""

    rows: list[dict[str, Any]]
    columns: list[tuple[str, str]]
    sort: str


def _column_of(sort: str, columns: list[tuple[str, str]]) -> tuple[str, str] | None:
    """``col:3`` -> the fourth requirement column, if there is one."""
    if sort.startswith("col:") and sort[4:].isdigit() and int(sort[4:]) < len(columns):
        return columns[int(sort[4:])]
    return None


def district_matrix(campuses: list[Campus], as_of: date | None, sort: str) -> DistrictMatrix:
    """The district compliance matrix: one row per campus (its cells by requirement and
    its counts by status), columns by first deadline; sorted worst first (overdue, then
    due), by name, or by one requirement column (``col:N``)."""
    results = for_campuses(campuses, as_of) if campuses and as_of else []
    columns: list[tuple[str, str]] = []
    rows: list[dict[str, Any]] = []
    for result in results:
        cells = {}
        for req in result.in_term():
            key = (req.rule, req.period)
            if key not in columns:
                columns.append(key)
            cells[key] = req
        counts = dict.fromkeys(SEVERITY, 0)
        for req in cells.values():
            counts[req.status] += 1
        rows.append({"result": result, "cells": cells, "counts": counts})
    first_deadline = {
        key: min(r["cells"][key].deadline for r in rows if key in r["cells"]) for key in columns
    }
    columns.sort(key=lambda key: (first_deadline[key], key))
    column = _column_of(sort, columns)
    if sort == "name":
        rows.sort(key=lambda r: r["result"].campus.name)
    elif column is not None:  # one requirement: worst status first, then name
        rows.sort(
            key=lambda r: (
                SEVERITY[r["cells"][column].status] if column in r["cells"] else 99,
                r["result"].campus.name,
            )
        )
    else:  # overdue first, then due, then name
        sort = "worst"
        rows.sort(
            key=lambda r: (-r["counts"]["overdue"], -r["counts"]["due"], r["result"].campus.name)
        )
    return DistrictMatrix(rows, columns, sort)
