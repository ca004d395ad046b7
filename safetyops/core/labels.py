"""Translated labels for stored enumeration values, by family: one place for pages, charts,
the PDF and notifications (``{{ f.kind | label('finding_kind') }}`` in templates).

The labels are the areas' own (their forms' choices); a value without one shows as stored.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l


@cache
def families() -> dict[str, dict[str, Any]]:
    from safetyops.accounts.admin_forms import ROLE_CHOICES
    from safetyops.campuses.forms import (
        CHECKPOINT_KIND_CHOICES,
        EXPECTED_STATE_CHOICES,
        GRADE_BAND_CHOICES,
    )
    from safetyops.compliance.views import STATUS_WORDS
    from safetyops.drills.forms import (
        HAZARD_CHOICES,
        MEDICAL_ACTION_CHOICES,
        PROBLEM_CHOICES,
        TYPE_LABELS,
    )
    from safetyops.rounds.forms import ACTION_CHOICES, FINDING_KIND_CHOICES, ROUND_KIND_CHOICES

    def of(choices) -> dict[str, Any]:
        return {str(c.value): c.label for c in choices if c.value}

    return {
        "role": of(ROLE_CHOICES),
        "checkpoint_kind": of(CHECKPOINT_KIND_CHOICES),
        "expected_state": of(EXPECTED_STATE_CHOICES),
        "grade_band": of(GRADE_BAND_CHOICES),
        "drill_type": dict(TYPE_LABELS),
        "hazard": of(HAZARD_CHOICES),
        "drill_problem": of(PROBLEM_CHOICES),
        "medical_action": of(MEDICAL_ACTION_CHOICES),
        "round_kind": of(ROUND_KIND_CHOICES),
        "finding_kind": of(FINDING_KIND_CHOICES),
        "action_taken": of(ACTION_CHOICES),
        "finding_status": {
            "open": _l("Open"),
            "acknowledged": _l("Acknowledged"),
            "resolved": _l("Resolved"),
        },
        "result_status": {"ok": _l("OK"), "problem": _l("Problem")},
        "requirement_status": {str(k): v for k, v in STATUS_WORDS.items()},
        "calendar_kind": {"term": _l("Term"), "closed": _l("Closed")},
    }


def label(value: Any, family: str) -> str:
    """``value``'s label in the current locale; the value itself if it has none."""
    if value is None:
        return ""
    found = families()[family].get(str(value))
    return str(found) if found is not None else str(value).replace("_", " ")


def labels(values, family: str) -> str:
    """A list of values as their labels, comma separated."""
    return ", ".join(label(v, family) for v in values or ())
