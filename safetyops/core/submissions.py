"""Each form submission is carried out once: a double tap, a retry after a lost answer, or
ten identical posts at once store one record and one audit event.

A form carries a ``submission_id`` (a UUID made when the page rendered). A request without
one (a script, an old page) is keyed by what it sends: the same user posting the same
fields to the same address within ``CONTENT_KEY_SECONDS`` is the same submission.

The claim is a row inserted in the request's own transaction, so it commits with the
write it guards and vanishes with it if the form is refused: a second copy waits for the
first (the primary key) and then finds it done. Nothing is lost if a worker dies
mid-request, because nothing of that request was committed.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import flash, g, has_request_context, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, String, delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from safetyops.core.db import Base, utcnow
from safetyops.core.redirects import is_local_path
from safetyops.extensions import db

CONTENT_KEY_SECONDS = 60
FIELDS_NOT_IN_KEY = frozenset({"csrf_token", "submission_id"})


class FormSubmission(Base):
    """A form submission already carried out (its key), and where it led."""

    __tablename__ = "form_submission"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    endpoint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    location: Mapped[str] = mapped_column(String(500), default="")


def _key() -> tuple[str, bool]:
    """The submission's key, and whether it came from the form (not from its content)."""
    for name in ("submission_id", "client_id"):
        given = (request.form.get(name) or "").strip()
        try:
            return str(uuid.UUID(given)), True
        except ValueError:
            continue
    user = current_user.get_id() if current_user.is_authenticated else "-"
    fields = sorted(
        (name, value)
        for name, values in request.form.lists()
        if name not in FIELDS_NOT_IN_KEY
        for value in values
    )
    material = repr((str(getattr(current_user, "id", user)), request.path, fields))
    return hashlib.sha256(material.encode()).hexdigest(), False


def once_per_submission(view: Callable[..., Any]) -> Callable[..., Any]:
    """Carry out a POST once per submission; a repeat goes where the first one went."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return view(*args, **kwargs)
        key, from_form = _key()
        if not from_form:  # a content key is only a duplicate within a few minutes
            db.session.execute(
                delete(FormSubmission).where(
                    FormSubmission.key == key,
                    FormSubmission.created_at < utcnow() - timedelta(seconds=CONTENT_KEY_SECONDS),
                )
            )
        db.session.add(
            FormSubmission(
                key=key,
                user_id=current_user.id if current_user.is_authenticated else None,
                endpoint=request.endpoint or "",
            )
        )
        try:
            db.session.flush()  # a copy in flight waits here until the first commits
        except IntegrityError:
            db.session.rollback()
            return _already_done(key)
        g.submission_committed = False
        response = view(*args, **kwargs)
        if not g.submission_committed:
            db.session.rollback()  # the form was refused: nothing done, the claim goes too
            return response
        location = response.headers.get("Location", "") if hasattr(response, "headers") else ""
        if location and is_local_path(location):
            _remember_location(key, location)
        return response

    return wrapper


def _already_done(key: str) -> Any:
    done = db.session.scalar(select(FormSubmission).where(FormSubmission.key == key))
    flash(_("That was already sent and saved once; it was not saved again."), "info")
    if done is not None and done.location:
        return redirect(done.location)
    back = request.referrer or ""
    return redirect(back if is_local_path(back) else request.path)


def _remember_location(key: str, location: str) -> None:
    claim = db.session.get(FormSubmission, key)
    if claim is not None:
        claim.location = location[:500]
        db.session.commit()


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    """Tells the wrapper that the view committed (so the submission was carried out)."""
    if has_request_context():
        g.submission_committed = True


def new_submission_id() -> str:
    """For templates: the hidden ``submission_id`` of a form being rendered."""
    return str(uuid.uuid4())
