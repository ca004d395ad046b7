"""The installable tablet app: service worker, manifest, offline pages, the review list."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in

from safetyops.accounts.models import WALKERS, Role
from safetyops.core.access import allow, public
from safetyops.core.db import utcnow
from safetyops.offline import queries
from safetyops.rounds.forms import ACTION_CHOICES, FINDING_KIND_CHOICES

bp = Blueprint("offline", __name__)
REVIEWERS = (Role.SUPERVISOR, Role.SAFETY_ADMIN, Role.PRINCIPAL, Role.VIEWER)

# What the service worker keeps at install: the files every officer page uses.
STATIC_FILES = (
    "css/app.css",
    "js/i18n.js",
    "js/app.js",
    "js/outbox.js",
    "js/offline.js",
    "js/round.js",
    "js/tablet.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


@cache
def _static_version(static_folder: str) -> str:
    """A digest of the cached files: a new release installs a new worker and cache."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        path = Path(static_folder, name)
        digest.update(name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    # The locales' catalogs (kept when first loaded): new translations, a new cache.
    for path in sorted(Path(static_folder, "i18n").glob("*.js")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@user_logged_in.connect
def _keep_session_for_a_shift(_app: object, **_extra: object) -> None:
    """A sign-in lasts PERMANENT_SESSION_LIFETIME (12 hours), across a tablet's restart:
    the outbox can then send after a restart without a new sign-in."""
    session.permanent = True


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so its scope is the whole app."""
    static_folder = current_app.static_folder or "static"
    body = render_template(
        "offline/sw.js",
        version=_static_version(static_folder),
        static_files=[url_for("static", filename=name) for name in STATIC_FILES],
        offline_url=url_for("offline.offline_page"),
        manifest_url=url_for("offline.manifest"),
        outbox_url=url_for("static", filename="js/outbox.js"),
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new worker
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    data = {
        "name": "SafetyOps",
        "short_name": "SafetyOps",
        "description": _("Rounds, drills and safety logs for school safety officers"),
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
             "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "any maskable"},
        ],
    }  # fmt: skip
    response = current_app.json.response(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/offline")
@public
def offline_page():
    """Shown by the service worker for a page it has no copy of while offline."""
    response = Response(render_template("offline/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/tablet/walk")
@allow(*WALKERS)
def tablet_walk():
    """A round walked from the tablet's offline copy (the server may not know it yet)."""
    return render_template(
        "offline/walk.html", finding_kinds=FINDING_KIND_CHOICES, actions=ACTION_CHOICES
    )


@bp.route("/tablet/scan")
@allow(*WALKERS)
def tablet_scan():
    """A scanned QR label looked up in the tablet's offline copy."""
    return render_template("offline/scan.html")


REVIEW_DAYS = (1, 7, 14, 31)


@bp.route("/rounds/review")
@allow(*REVIEWERS)
def review():
    """The supervisor's review list: recent rounds with their flags (late sync, clock off,
    faster than a walk, all by list tap); each round's page shows the raw times."""
    days = request.args.get("days", type=int) or 7
    if days not in REVIEW_DAYS:
        days = 7
    today = utcnow().date()
    rows = queries.review_rows(current_user, today - timedelta(days=days - 1), today)
    only_flagged = request.args.get("flagged") == "1"
    if only_flagged:
        rows = [row for row in rows if row.flags]
    return render_template(
        "offline/review.html", rows=rows, days=days, choices=REVIEW_DAYS, only_flagged=only_flagged
    )
