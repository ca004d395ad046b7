"""The home page: each role's sections come from home.queries.SECTIONS (plain flags the
templates read), never from role tests in the view or the templates."""

from __future__ import annotations

import pytest

from safetyops.accounts.models import Role
from safetyops.home.queries import SECTIONS

# (role key in two_campuses, text only that role's home shows, text it must not show)
EXPECTED = [
    ("officer_a", "Log something now", "Required drills"),
    ("supervisor_a", "My campuses", "Log something now"),
    ("principal_a", "Required drills", "Log something now"),
    ("admin", 'class="stats"', "Log something now"),
    ("viewer", 'class="stats"', "Required drills"),
]


def test_every_role_has_a_home():
    assert set(SECTIONS) == set(Role)


@pytest.mark.parametrize(("who", "shown", "hidden"), EXPECTED)
def test_each_role_sees_its_sections(client, two_campuses, plan, who, shown, hidden):
    client.login(two_campuses[who])
    page = client.get("/").get_data(as_text=True)
    assert shown in page
    assert hidden not in page
    # Officers and supervisors walk rounds: only their home has the rounds agenda.
    walks = SECTIONS[Role(two_campuses[who].role)].agenda
    assert ('<section class="agenda">' in page) == walks
    assert walks == (who in ("officer_a", "supervisor_a"))
