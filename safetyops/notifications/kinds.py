"""What a notification says, by kind, in the reader's language.

A notification stores what it is about (``kind`` and JSON ``params``), not a sentence; its
subject and body are rendered in each reader's language when the page shows it and when
the email goes out. To add a kind (say ``certification_expiring``):

1. Next to the code that sends it (the area's ``tasks.py``), write a renderer and register
   it; it returns ``(subject, body)`` with every string wrapped in ``gettext``, and formats
   dates and numbers with the helpers below (never ``strftime`` or ``str(date)``)::

       from flask_babel import gettext as _
       from safetyops.notifications.kinds import day, notification_kind

       @notification_kind("certification_expiring")
       def _expiring(p: dict) -> tuple[str, str]:
           expires = day(p["expires"])
           return (
               _("%(name)s: certification expires on %(day)s", name=p["name"], day=expires),
               _("Renew it before it expires."),
           )

2. Add the module to ``KIND_MODULES`` below (imported before the first render).
3. Send it with plain JSON values (text, numbers, ISO dates ``"2026-09-15"``, enum values)::

       notify(users, Message(key=f"cert:{cert.id}:30", kind="certification_expiring",
                             params={"name": user.name, "expires": cert.expires.isoformat()},
                             link=link_to("certifications.index"), campus_id=campus.id))

   ``notify`` also stores the English text in ``subject``/``body`` (readable in the
   table); a kind without a renderer shows that stored text, so an old row never breaks.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale, format_date, format_decimal

Renderer = Callable[[dict[str, Any]], tuple[str, str]]
KINDS: dict[str, Renderer] = {}
# The modules that register renderers (``@notification_kind``); imported on first use.
KIND_MODULES = (
    "safetyops.compliance.tasks",
    "safetyops.rounds.tasks",
    "safetyops.findings.tasks",
    "safetyops.reports.tasks",
    "safetyops.certifications.tasks",
    "safetyops.actions.tasks",
)
_loaded = False


def notification_kind(kind: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        KINDS[kind] = renderer
        return renderer

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in KIND_MODULES:
            importlib.import_module(module)
        _loaded = True


def is_known(kind: str) -> bool:
    _load()
    return kind in KINDS


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def render(kind: str, params: dict[str, Any] | None, locale: str) -> Text | None:
    """The kind's subject and body in ``locale``; None without params or a renderer."""
    _load()
    renderer = KINDS.get(kind)
    if renderer is None or params is None:
        return None
    with force_locale(locale):
        subject, body = renderer(params)
    return Text(subject, body)


# ---- helpers for renderers (they run inside the reader's locale) ---------------------------


def day(value: str | date | None) -> str:
    """An ISO date (as stored in params) in the reader's style ("15 sept 2026")."""
    if not value:
        return ""
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium")


def number(value: float | int) -> str:
    return format_decimal(value)


def label(labels: dict[str, Any], value: str) -> str:
    """An enum value's translated label (``drills.forms.TYPE_LABELS``...), the value if
    unknown."""
    found = labels.get(value)
    return str(found) if found is not None else value
