"""Compliance for campuses: load rules, calendars and drills in bulk, run the pure engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from safetyops.calendar.domain import SchoolCalendar, Term, school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.compliance.engine import Requirement, evaluate
from safetyops.compliance.operations import rules_for
from safetyops.drills.operations import facts_for, school_year_bounds

# Worst first: what a district page sorts by.
SEVERITY = {"overdue": 0, "due": 1, "late": 2, "upcoming": 3, "met": 4, "not_required": 5}


@dataclass
class CampusCompliance:
    campus: Campus
    calendar: SchoolCalendar
    requirements: list[Requirement]
    term: Term | None

    def counts(self) -> dict[str, int]:
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
