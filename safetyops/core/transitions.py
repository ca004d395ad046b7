"""State changes made once: a conditional UPDATE that changes a row only if it is still in
the state the change starts from. Ten simultaneous clicks on "resolve" make one change,
and so one audit event; the others learn that it was already done."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from safetyops.extensions import db


def transition(obj: Any, *still: Any, **values: Any) -> bool:
    """Set ``values`` on ``obj``'s row if the ``still`` conditions hold, in one statement.
    True when this call made the change (the caller then records the audit event)."""
    model = type(obj)
    changed = db.session.execute(
        update(model)
        .where(model.id == obj.id, *still)
        .values(**values)
        .returning(model.id)  # not rowcount: psycopg reports -1 for some prepared statements
        .execution_options(synchronize_session=False)
    ).first()
    db.session.expire(obj, list(values))
    return changed is not None
