"""Live drills API: the state every tablet polls, and the taps (idempotent by client UUID)."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from safetyops.accounts.models import Role
from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.core.access import allow, campus_for, require_campus_access
from safetyops.extensions import db
from safetyops.live import operations as live_ops
from safetyops.live import queries as live_queries
from safetyops.live.models import LiveDrill
from safetyops.live.schemas import AreaOut, LiveOut, TapIn, TapResultOut

RUNNERS = (Role.OFFICER, Role.SUPERVISOR, Role.PRINCIPAL, Role.SAFETY_ADMIN)


def _live(live_id: int) -> LiveDrill:
    live = db.get_or_404(LiveDrill, live_id)
    require_campus_access(current_user, live.campus_id)
    return live


@api(bp, "/campuses/<code>/areas", summary="A campus's active areas, in order",
     responses={200: [AreaOut]})  # fmt: skip
@allow()
def campus_areas(code: str):
    campus = campus_for(current_user, code)
    return jsonify(
        [{"id": a.id, "name": a.name, "kind": a.kind, "position": a.position}
         for a in live_queries.areas_of(campus)]
    )  # fmt: skip


@api(bp, "/live/<int:live_id>", summary="A live drill: its areas, who reported each clear "
     "and when (every tap), the timer's start; the tablets poll it",
     responses={200: LiveOut})  # fmt: skip
@allow()
def live_state(live_id: int):
    return jsonify(live_queries.state(_live(live_id)))


@api(bp, "/live/<int:live_id>/taps", method="POST", body=TapIn,
     summary="Report an area clear / accounted for, with an optional issue and note (the "
             "same client_id and body again: 200; another body under a used id: 409). The "
             "area's clear time is its earliest tap; every tap is kept",
     responses={201: TapResultOut, 200: TapResultOut})  # fmt: skip
@allow(*RUNNERS)
def post_tap(live_id: int, body: TapIn):
    live = _live(live_id)
    tap, created = live_ops.record_tap(live, current_user, body)
    out = live_queries.tap_out(live, tap)
    return jsonify({"tap": out, "created": created}), 201 if created else 200
