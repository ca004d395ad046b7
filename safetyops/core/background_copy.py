"""The tablet's background copies of officer pages.

offline.js fetches the officer's pages in the background to keep them for offline use and
marks those requests with ``X-SafetyOps-Copy: 1``. Such a request runs beside the page the
officer is using, so it must leave the signed-in session alone: it takes no flash message
("Saved." belongs to the page the officer opens next) and sets no session cookie (the
cookie it would send back was read before a concurrent form post added its flash, and
would overwrite it: a lost update).
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

COPY_HEADER = "X-SafetyOps-Copy"


def is_background_copy() -> bool:
    return has_request_context() and request.headers.get(COPY_HEADER) == "1"


class CopyAwareSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        return not is_background_copy() and super().should_set_cookie(app, session)
