"""Session scopes a view may choose for itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from safetyops.extensions import db


@contextmanager
def keep_loaded_after_commit() -> Iterator[None]:
    """Objects keep what they hold across a commit, for a view that answers with what it
    has just written: by default a commit expires everything, and each object read again
    is one more query (a round start read its round back twice; issue 16). Only for writes
    this request made itself: anything another request may change is read again anyway."""
    session = db.session()
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = before
