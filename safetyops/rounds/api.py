"""Rounds API: plans, start, results (idempotent by client UUID), complete."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from safetyops.accounts.models import Role
from safetyops.api.blueprint import bp
from safetyops.api.serializers import plan_json, result_json, round_json
from safetyops.core.access import allow, campus_for, json_error, require_campus_access
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.input_guard import INT_MAX
from safetyops.extensions import db
from safetyops.rounds import operations as rounds_service
from safetyops.rounds import photos
from safetyops.rounds.models import Round, RoundPlan, RoundResult

ONLY_WALKER = "only the officer walking this round can change it"

WALKERS = (Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN)


def _json_body():
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationFailed({"body": "must be a JSON object"})
    return body


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


@bp.route("/campuses/<code>/round-plans")
@allow()
def round_plans(code: str):
    campus = campus_for(current_user, code)
    return jsonify([plan_json(p) for p in rounds_service.plans_for([campus.id])])


@bp.route("/rounds", methods=["POST"])
@allow(*WALKERS)
def start_round():
    body = _json_body()
    plan_id = body.get("plan_id")
    # A whole number within the id range (not true, 1.9 or 1e30).
    if isinstance(plan_id, bool) or not isinstance(plan_id, int) or not 0 < plan_id <= INT_MAX:
        raise ValidationFailed({"plan_id": "must be a round plan id"})
    plan = db.session.get(RoundPlan, plan_id)
    if plan is None or not plan.active:
        return json_error(404, "not found")
    require_campus_access(current_user, plan.campus_id)
    round_ = rounds_service.start_round(current_user, plan, body.get("id"))
    return jsonify(round_json(round_)), 201


@bp.route("/rounds/<int:round_id>")
@allow()
def get_round(round_id: int):
    return jsonify(round_json(_visible_round(round_id)))


@bp.route("/rounds/<int:round_id>/results", methods=["POST"])
@allow(*WALKERS)
def post_result(round_id: int):
    round_ = rounds_service.round_for_posting(round_id, current_user)
    if round_ is None:
        return json_error(404, "not found")
    if round_.officer_id != current_user.id:
        raise NotAllowed(ONLY_WALKER)
    result, created = rounds_service.record_result(round_, _json_body())
    return jsonify(result_json(result)), 201 if created else 200


BATCH_MAX = 200


@bp.route("/rounds/<int:round_id>/results/batch", methods=["POST"])
@allow(*WALKERS)
def post_results_batch(round_id: int):
    """Many results at once (a tablet flushing what it queued offline). Each is stored or
    refused on its own, exactly as if posted alone; the answer lists each outcome."""
    round_ = rounds_service.round_for_posting(round_id, current_user)
    if round_ is None:
        return json_error(404, "not found")
    if round_.officer_id != current_user.id:
        raise NotAllowed(ONLY_WALKER)
    body = _json_body()
    items = body.get("results") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ValidationFailed({"results": "must be a non-empty list of results"})
    if len(items) > BATCH_MAX:
        raise ValidationFailed({"results": f"at most {BATCH_MAX} per request"})
    outcomes = []
    for item in items:
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            result, created = rounds_service.record_result(round_, item)
        except ValidationFailed as exc:
            field, message = next(iter(exc.errors.items()))
            outcomes.append({"id": item_id, "status": 400, "error": f"{field} {message}",
                             "field": field})  # fmt: skip
        except rounds_service.Conflict as exc:
            outcomes.append({"id": item_id, "status": 409, "error": str(exc)})
        except SQLAlchemyError:
            raise  # the database itself failed: the whole request answers (503), retried
        except Exception:  # noqa: BLE001 - one unreadable item must not sink the others
            db.session.rollback()
            current_app.logger.exception("batch item %r could not be stored", item_id)
            outcomes.append({"id": item_id, "status": 400, "error": "could not be read"})
        else:
            outcomes.append({"id": result.id, "status": 201 if created else 200})
    return jsonify({"results": outcomes})


@bp.route("/rounds/<int:round_id>/complete", methods=["POST"])
@allow(*WALKERS)
def complete_round(round_id: int):
    round_ = _own_round(round_id)
    body = request.get_json(silent=True)
    if body is not None and not isinstance(body, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    # The raw value: a list or a number is refused as such, never stored as its repr.
    rounds_service.complete_round(round_, (body or {}).get("reason"))
    return jsonify(round_json(round_))


@bp.route("/results/<result_id>/photo", methods=["POST"])
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
