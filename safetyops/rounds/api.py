"""Rounds API: plans, start, results (idempotent by client UUID), complete, photos."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify, request
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from safetyops.accounts.models import WALKERS
from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.api.serializers import plan_json, result_json, round_json
from safetyops.core.access import allow, campus_for, json_error, require_campus_access
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.session_scope import keep_loaded_after_commit
from safetyops.extensions import db
from safetyops.offline import operations as outbox
from safetyops.offline.models import EntryKind
from safetyops.rounds import operations as rounds_service
from safetyops.rounds import photos
from safetyops.rounds.models import Round, RoundPlan, RoundResult
from safetyops.rounds.schemas import (
    BatchIn,
    BatchOut,
    CompleteIn,
    PlanOut,
    ResultIn,
    ResultOut,
    RoundOut,
    RoundStartIn,
)

ONLY_WALKER = "only the officer walking this round can change it"


class PhotoOut(BaseModel):
    id: str
    photo: str


def _visible_round(round_id: int) -> Round:
    # The campus comes along: results need its time zone.
    round_ = db.get_or_404(Round, round_id, options=[joinedload(Round.campus)])
    require_campus_access(current_user, round_.campus_id)
    return round_


def _own_round(round_id: int) -> Round:
    """Only the officer walking a round posts to it (others get 403 once they can see it)."""
    round_ = _visible_round(round_id)
    if round_.officer_id != current_user.id:
        raise NotAllowed(ONLY_WALKER)
    return round_


def _round_to_post(round_id: int) -> rounds_service.RoundRef:
    """The hot path's one-query look-up: 404 unless visible, 403 unless it is theirs."""
    round_ = rounds_service.round_for_posting(round_id, current_user)
    if round_ is None:
        abort(404)
    if round_.officer_id != current_user.id:
        raise NotAllowed(ONLY_WALKER)
    return round_


@api(bp, "/campuses/<code>/round-plans", summary="Active round plans of a campus",
     responses={200: [PlanOut]})  # fmt: skip
@allow()
def round_plans(code: str):
    campus = campus_for(current_user, code)
    return jsonify([plan_json(p) for p in rounds_service.plans_for([campus.id])])


@api(bp, "/rounds", method="POST", summary="Start a round of a plan", body=RoundStartIn,
     responses={201: RoundOut})  # fmt: skip
@allow(*WALKERS)
def start_round(body: RoundStartIn):
    # With its campus: the answer names it (one query, not two).
    plan = db.session.get(RoundPlan, body.plan_id, options=[joinedload(RoundPlan.campus)])
    if plan is None or not plan.active:
        return json_error(404, "not found")
    require_campus_access(current_user, plan.campus_id)
    client_id = str(body.id) if body.id else None
    started_at = outbox.corrected_tap(body.started_at)
    with keep_loaded_after_commit():  # the answer is the round just written
        round_ = rounds_service.start_round(current_user, plan, client_id, started_at)
        outbox.record_receipt(
            EntryKind.ROUND_START, client_id, current_user.id, round_.campus_id, round_.id
        )
        return jsonify(round_json(round_)), 201


@api(bp, "/rounds/<int:round_id>", summary="A round with its results",
     responses={200: RoundOut})  # fmt: skip
@allow()
def get_round(round_id: int):
    return jsonify(round_json(_visible_round(round_id)))


@api(bp, "/rounds/<int:round_id>/results", method="POST", body=ResultIn,
     summary="Store one checkpoint result (the same id and body again: 200; "
             "another body under a used id: 409)",
     responses={201: ResultOut, 200: ResultOut})  # fmt: skip
@allow(*WALKERS)
def post_result(round_id: int, body: ResultIn):
    round_ = _round_to_post(round_id)
    # The contract checked the shape; the operation checks the rules that need the round
    # (its checkpoints, a real time in its campus's zone).
    result, created = rounds_service.record_result(round_, body, outbox.sent_at())
    return jsonify(result_json(result)), 201 if created else 200


@api(bp, "/rounds/<int:round_id>/results/batch", method="POST", body=BatchIn,
     summary="Many results at once (a tablet flushing its offline queue); each is stored "
             "or refused on its own", responses={200: BatchOut})  # fmt: skip
@allow(*WALKERS)
def post_results_batch(round_id: int, body: BatchIn):
    round_ = _round_to_post(round_id)
    sent_at = outbox.sent_at()
    return jsonify({"results": [_store_one(round_, item, sent_at) for item in body.results]})


def _store_one(round_: Any, item: Any, sent_at: Any = None) -> dict[str, Any]:
    item_id = item.get("id") if isinstance(item, dict) else None
    try:
        result, created = rounds_service.record_result(round_, item, sent_at)  # by ResultIn
    except ValidationFailed as exc:
        field, message = next(iter(exc.errors.items()))
        return {"id": item_id, "status": 400, "error": f"{field} {message}", "field": field}
    except rounds_service.Conflict as exc:
        return {"id": item_id, "status": 409, "error": str(exc)}
    except SQLAlchemyError:
        raise  # the database itself failed: the whole request answers (503), retried
    except Exception:  # noqa: BLE001 - one unreadable item must not sink the others
        db.session.rollback()
        current_app.logger.exception("batch item %r could not be stored", item_id)
        return {"id": item_id, "status": 400, "error": "could not be read"}
    return {"id": result.id, "status": 201 if created else 200}


@api(bp, "/rounds/<int:round_id>/complete", method="POST", body=CompleteIn,
     body_optional=True, summary="Finish a round (a reason if checkpoints are unchecked)",
     responses={200: RoundOut})  # fmt: skip
@allow(*WALKERS)
def complete_round(round_id: int, body: CompleteIn):
    round_ = _own_round(round_id)
    finished_at = outbox.corrected_tap(body.finished_at)
    with keep_loaded_after_commit():  # the answer is the round just completed
        rounds_service.complete_round(round_, body.reason or "", finished_at)
        outbox.record_receipt(
            EntryKind.ROUND_COMPLETE,
            request.headers.get("X-Client-Id"),
            current_user.id,
            round_.campus_id,
            round_.id,
        )
        return jsonify(round_json(round_))


@api(bp, "/results/<result_id>/photo", method="POST", summary="Attach a photo to a result "
     "(JPEG, PNG or WebP, checked by content, at most 8 MB)",
     multipart={"photo": "the image file"}, responses={200: PhotoOut})  # fmt: skip
@allow(*WALKERS)
def post_photo(result_id: str):
    result = db.session.scalar(select(RoundResult).where(RoundResult.id == result_id))
    if result is None:
        return json_error(404, "not found")
    _own_round(result.round_id)
    upload = request.files.get("photo")
    if upload is None:
        raise ValidationFailed({"photo": "attach a file in the 'photo' field"})
    # Read one byte past the limit so an oversized photo is refused without reading it all.
    name = photos.attach_photo(result, upload.read(current_app.config["PHOTO_MAX_BYTES"] + 1))
    return jsonify({"id": result.id, "photo": name})
