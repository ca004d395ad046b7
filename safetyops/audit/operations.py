"""Recording audit events. Services call ``record``; the request or CLI sets who and how."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_app_context
from sqlalchemy import insert

from safetyops.audit.models import AuditEvent
from safetyops.extensions import db

_EVENTS = insert(AuditEvent.__table__)  # type: ignore[arg-type]  # a mapped Table


def set_context(actor_id: int | None, interface: str) -> None:
    """Called once per request (web/api) or CLI command (cli)."""
    g.audit_actor_id = actor_id
    g.audit_interface = interface


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` for fields that changed."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def record(
    action: str,
    entity_type: str,
    entity_id: Any,
    changes: dict[str, Any] | None = None,
    campus_id: int | None = None,
    actor_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the calling service commits it with its change."""
    event = AuditEvent(**_event(action, entity_type, entity_id, changes, campus_id, actor_id))
    db.session.add(event)
    return event


def record_now(
    action: str,
    entity_type: str,
    entity_id: Any,
    changes: dict[str, Any] | None = None,
    campus_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """``record``, written at once by one INSERT in the session's transaction, with no ORM
    object to flush: for the busiest writes (a round's start and completion, issue 16). The
    calling service commits it with its change, as with ``record``."""
    from safetyops.core.db import utcnow  # core modules import audit

    values = _event(action, entity_type, entity_id, changes, campus_id, actor_id)
    db.session.connection().execute(_EVENTS, {"at": utcnow(), **values})


def _event(
    action: str,
    entity_type: str,
    entity_id: Any,
    changes: dict[str, Any] | None,
    campus_id: int | None,
    actor_id: int | None,
) -> dict[str, Any]:
    """An event's columns but its time; who and how from the request or command."""
    ctx = g if has_app_context() else None
    return {
        "actor_id": actor_id if actor_id is not None else getattr(ctx, "audit_actor_id", None),
        "interface": getattr(ctx, "audit_interface", "system"),
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "campus_id": campus_id,
        "changes": changes or {},
    }


def record_many(
    action: str, entity_type: str, items: Iterable[tuple[Any, dict[str, Any], int | None]]
) -> int:
    """Audit events for many records at once, ``(entity_id, changes, campus_id)`` each, in
    one batched INSERT (imports: a fixed number of statements whatever the row count). The
    caller commits. Returns how many were recorded."""
    from safetyops.core.db import utcnow  # core modules import audit

    ctx = g if has_app_context() else None
    actor_id = getattr(ctx, "audit_actor_id", None)
    interface = getattr(ctx, "audit_interface", "system")
    now = utcnow()
    rows = [
        {"at": now, "actor_id": actor_id, "interface": interface, "action": action,
         "entity_type": entity_type, "entity_id": str(entity_id), "campus_id": campus_id,
         "changes": changes or {}}
        for entity_id, changes, campus_id in items
    ]  # fmt: skip
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)


def record_active_change(obj: Any, active: bool, entity_type: str, campus_id: int | None) -> bool:
    """Set ``obj.active`` and audit it as (re)activation. False if nothing changed.

    The caller commits, so the change and its audit event land together.
    """
    from safetyops.core.transitions import transition  # audit is imported by core modules

    if not transition(obj, type(obj).active.is_(not active), active=active):
        return False  # already so (a double click, or someone else first)
    record(
        "reactivate" if active else "deactivate",
        entity_type,
        obj.id,
        {"active": [not active, active]},
        campus_id=campus_id,
    )
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
