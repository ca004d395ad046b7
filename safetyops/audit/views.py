"""The audit trail page: who did what, when, through which interface; and the head of
each campus's evidence chain (compare with the anchors in the weekly report)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from safetyops.audit import ledger
from safetyops.audit.models import AuditEvent
from safetyops.campuses.models import Campus
from safetyops.core.access import admin_only
from safetyops.extensions import db

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit")
@admin_only
def index():
    page = max(1, request.args.get("page", 1, type=int))
    events = db.paginate(
        select(AuditEvent).order_by(AuditEvent.id.desc()), page=page, per_page=50, error_out=False
    )
    names = {c.id: f"{c.name} ({c.code})" for c in db.session.scalars(select(Campus))}
    chains = [
        {"name": names.get(chain, "District-wide"), "seq": seq, "hash": digest}
        for chain, (seq, digest) in sorted(ledger.heads().items())
    ]
    return render_template("audit/index.html", events=events, chains=chains)
