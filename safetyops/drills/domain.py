"""Standard Response Protocol action names: canonical types and the synonyms people write."""

from __future__ import annotations

import enum
import re


class DrillType(enum.StrEnum):
    """Canonical drill types: the five SRP actions, in the order the protocol teaches them,
    then other drills packs name (e.g. Illinois's bus evacuation). A rule pack may add its
    own types; the database checks only their shape (see drills.models)."""

    HOLD = "hold"
    SECURE = "secure"
    LOCKDOWN = "lockdown"
    EVACUATE = "evacuate"
    SHELTER = "shelter"
    BUS_EVACUATION = "bus_evacuation"
    REUNIFICATION = "reunification"
    TABLETOP = "tabletop"


class ShelterHazard(enum.StrEnum):
    TORNADO = "tornado"
    HAZMAT = "hazmat"
    EARTHQUAKE = "earthquake"
    WILDFIRE = "wildfire"
    FLOOD = "flood"
    TSUNAMI = "tsunami"
    OTHER = "other"


SRP_ACTIONS = tuple(t.value for t in DrillType)[:5]
EXTRA_TYPES = tuple(t.value for t in DrillType)[5:]
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

SHELTER_HAZARDS = tuple(h.value for h in ShelterHazard)


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def canonical_type(name: str, extra: tuple[str, ...] = ()) -> str | None:
    """The canonical type for ``name`` (a canonical name or a synonym), or None if unknown."""
    key = _key(name)
    snake = key.replace(" ", "_")
    if snake in CANONICAL or snake in extra:
        return snake
    return SYNONYMS.get(key)
