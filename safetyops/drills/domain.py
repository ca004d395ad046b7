"""Standard Response Protocol action names: canonical types and the synonyms people write."""

from __future__ import annotations

import re

# The five SRP actions, in the order the protocol teaches them.
SRP_ACTIONS = ("hold", "secure", "lockdown", "evacuate", "shelter")
# Other drills packs name (e.g. Illinois's bus evacuation). Packs may add more.
EXTRA_TYPES = ("bus_evacuation", "reunification", "tabletop")
CANONICAL = SRP_ACTIONS + EXTRA_TYPES

SYNONYMS = {
    "lockout": "secure",
    "lock out": "secure",
    "secure the perimeter": "secure",
    "fire": "evacuate",
    "fire drill": "evacuate",
    "evacuation": "evacuate",
    "evacuation drill": "evacuate",
    "emergency evacuation drill": "evacuate",
    "egress drill": "evacuate",
    "shelter in place": "shelter",
    "shelter-in-place": "shelter",
    "severe weather": "shelter",
    "tornado": "shelter",
    "tornado drill": "shelter",
    "earthquake": "shelter",
    "lock-down": "lockdown",
    "lock down": "lockdown",
    "active threat drill": "lockdown",
    "law enforcement lockdown": "lockdown",
    "bus evacuation": "bus_evacuation",
}

SHELTER_HAZARDS = ("tornado", "hazmat", "earthquake", "wildfire", "flood", "tsunami", "other")


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def canonical_type(name: str, extra: tuple[str, ...] = ()) -> str | None:
    """The canonical type for ``name`` (a canonical name or a synonym), or None if unknown."""
    key = _key(name)
    snake = key.replace(" ", "_")
    if snake in CANONICAL or snake in extra:
        return snake
    return SYNONYMS.get(key)
