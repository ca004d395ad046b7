"""The navigation each role sees: derived from the endpoints' access rules, never listed twice."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from safetyops.accounts.models import Role, User
from safetyops.core.access import PUBLIC, access_rule_for

# (endpoint, label) in display order; an item shows only if the user may open it.
NAV_ITEMS = [
    ("home.index", _l("Home")),
    ("campuses.index", _l("Campuses")),
    ("findings.index", _l("Findings")),
    ("rounds.missed", _l("Missed rounds")),
    ("offline.review", _l("Round review")),
    ("compliance.district", _l("Drills")),
    ("actions.index", _l("Corrective actions")),
    ("reports.weekly_report", _l("Weekly report")),
    ("certifications.index", _l("Certifications")),
    ("campuses.admin_index", _l("Manage campuses")),
    ("calendar.index", _l("Calendar")),
    ("certifications.firms", _l("Security firms")),
    ("compliance.rule_packs", _l("Rule packs")),
    ("postings.admin", _l("Public postings")),
    ("accounts.users", _l("Users")),
    ("audit.index", _l("Audit trail")),
]


def navigation_for(user: User) -> list[dict]:
    items = []
    for endpoint, label in NAV_ITEMS:
        rule = access_rule_for(endpoint)
        if rule is None:
            continue
        if rule == PUBLIC or Role(user.role) in rule:
            items.append({"endpoint": endpoint, "url": url_for(endpoint), "label": label})
    return items
