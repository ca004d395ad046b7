"""Drill type synonyms map to canonical SRP types."""

import pytest

from safetyops.drills.domain import canonical_type


@pytest.mark.parametrize(
    "name, canonical",
    [("Lockout", "secure"), ("fire drill", "evacuate"), ("Shelter in place", "shelter"),
     ("lock-down", "lockdown"), ("LOCKDOWN", "lockdown"), ("bus evacuation", "bus_evacuation"),
     ("recess", None)],
)  # fmt: skip
def test_synonyms(name, canonical):
    assert canonical_type(name) == canonical
