"""Offline API: the outbox's session check and the tablet's offline copy."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.core.access import allow
from safetyops.core.db import utcnow
from safetyops.offline import queries
from safetyops.offline.schemas import BundleOut, SessionOut


@api(bp, "/offline/session", summary="Who is signed in, and a CSRF token for the outbox "
     "(a tablet sends only the entries of the officer signed in)",
     responses={200: SessionOut})  # fmt: skip
@allow()
def offline_session():
    return jsonify(
        {
            "user_id": current_user.id,
            "csrf_token": generate_csrf(),
            "server_time": utcnow().isoformat(),
        }
    )


@api(bp, "/offline/bundle", summary="The tablet's offline copy: today's and tomorrow's round "
     "plans with checkpoints in walking order, the QR look-up, the drill types",
     responses={200: BundleOut})  # fmt: skip
@allow()
def offline_bundle():
    return jsonify(queries.bundle_for(current_user))
