"""The result post's fast lane (rounds/fast_lane.py) answers its common case in one
statement and answers everything exactly as the full path does: the same requests are sent
down both lanes and their answers compared."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from safetyops.accounts import tokens
from safetyops.accounts.models import ApiToken
from safetyops.core.db import utcnow
from safetyops.findings.models import Finding
from safetyops.rounds.models import RoundResult
from tests.rounds.test_rounds import result

# Per request; and Vary: Cookie, which the full path adds because Flask-Login looked for a
# session: the answer is "no-store, private" on both lanes, which no cache keeps anyway.
VOLATILE_HEADERS = {"Content-Length", "X-Request-ID", "Date", "Server", "Vary"}


@pytest.fixture
def statements(app, db):
    """The SQL statements sent while the test runs (the fast lane's are recognisable)."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    engines = {db.engine, app.extensions["result_fast_lane"].engine}  # the lane's own pool
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    yield sent
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)


def _fast(sent: list[str]) -> bool:
    """Answered by the fast lane: its guarded INSERT (with the token's rules) was sent, and
    no ORM load of the user (the full path's token check loads every column)."""
    return _lookups(sent) > 0 and not any("password_hash" in s for s in sent)


def _lookups(sent: list[str]) -> int:
    return sum(s.startswith("INSERT INTO round_result") and "api_token" in s for s in sent)


@pytest.fixture
def walker(app, two_campuses, plan, token_for):
    """Officer A's token (its use already recorded) and a way to start a round with it."""
    headers = token_for(two_campuses["officer_a"])
    http = app.test_client()
    assert http.get("/api/v1/campuses/AAA/round-plans", headers=headers).status_code == 200

    def start_round() -> dict:
        answer = http.post("/api/v1/rounds", json={"plan_id": plan.id}, headers=headers)
        assert answer.status_code == 201, answer.json
        return answer.json

    return headers, start_round


def test_a_new_result_takes_the_fast_lane_in_one_statement(app, db, walker, statements):
    headers, start_round = walker
    round_ = start_round()
    body = result(round_["checkpoints"][0]["id"])
    statements.clear()
    answer = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results",
        json=body,
        headers={**headers, "X-Sent-At": "2026-11-16T14:05:00Z"},
    )
    assert answer.status_code == 201, answer.json
    assert _fast(statements) and len(statements) == 1, statements
    stored = db.session.get(RoundResult, body["id"])
    assert (stored.round_id, stored.checkpoint_id, stored.status) == (
        round_["id"],
        body["checkpoint_id"],
        "ok",
    )
    # The device's clock (sent at 14:05, received now) corrects the tap time: as the full path.
    assert stored.sent_at is not None and stored.corrected_at is not None
    assert stored.corrected_at - stored.recorded_at == stored.received_at - stored.sent_at
    assert answer.json["received_at"] == stored.received_at.isoformat()


def test_an_identical_retry_is_answered_by_the_fast_lane_with_200(app, db, walker, statements):
    headers, start_round = walker
    round_ = start_round()
    http, body = app.test_client(), result(round_["checkpoints"][0]["id"])
    first = http.post(f"/api/v1/rounds/{round_['id']}/results", json=body, headers=headers)
    statements.clear()
    again = http.post(f"/api/v1/rounds/{round_['id']}/results", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json and _fast(statements)
    count = db.session.scalar(select(RoundResult.id).where(RoundResult.id == body["id"]))
    assert count == body["id"]


def test_a_token_due_its_stamp_takes_the_full_path_then_the_fast_lane(app, db, walker, statements):
    headers, start_round = walker
    round_ = start_round()
    digest = tokens.digest(headers["Authorization"].removeprefix("Bearer "))
    long_ago = utcnow() - timedelta(minutes=30)
    db.session.execute(
        update(ApiToken).where(ApiToken.token_hash == digest).values(last_used_at=long_ago)
    )
    db.session.commit()
    http, url = app.test_client(), f"/api/v1/rounds/{round_['id']}/results"
    first = http.post(url, json=result(round_["checkpoints"][0]["id"]), headers=headers)
    assert first.status_code == 201 and not _fast(statements)
    db.session.expire_all()
    stamped = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.token_hash == digest))
    assert stamped > long_ago
    statements.clear()
    second = http.post(url, json=result(round_["checkpoints"][1]["id"]), headers=headers)
    assert second.status_code == 201 and _fast(statements)


def _answers(app, two_campuses, plan, token_for, walker) -> list[tuple]:
    """Every kind of result post, each on a fresh round: (status, body, headers)."""
    headers, start_round = walker
    http = app.test_client()
    round_ = start_round()
    rid, stops = round_["id"], [c["id"] for c in round_["checkpoints"]]
    url = f"/api/v1/rounds/{rid}/results"
    ok = result(stops[0])
    supervisor = token_for(two_campuses["supervisor_a"])
    other_campus = token_for(two_campuses["officer_b"])
    revoked = token_for(two_campuses["officer_a"])
    for token in (supervisor, other_campus, revoked):  # their use recorded: fast-lane ready
        http.get("/api/v1/campuses/AAA/round-plans", headers=token)
    token_row = db_token(revoked)
    tokens.revoke_token(token_row)
    foreign_checkpoint = two_campuses["b"].checkpoints[0].id
    requests = [
        (url, ok, headers),  # new: 201
        (url, ok, headers),  # the same again: 200
        (url, {**ok, "note": "another"}, headers),  # the id with another body: 409
        (
            url,
            result(stops[1], "problem", finding_kind="unlocked", action_taken="secured"),
            headers,
        ),  # fmt: skip
        (url, result(foreign_checkpoint), headers),  # not this round's: 400
        (url, result(stops[2], recorded_at="2999-01-01T00:00:00Z"), headers),  # 400
        (url, result(stops[2], note="wedge\x00"), headers),  # NUL: 400
        (url, result(stops[2], status="maybe"), headers),  # 400
        (url, result(stops[2], note="x" * 70_000), headers),  # too long: 400
        (url, result(stops[2]), supervisor),  # not the walker: 403
        (url, result(stops[2]), other_campus),  # another campus: 404
        (url, result(stops[2]), revoked),  # 401
        (url, result(stops[2]), {"Authorization": "Bearer sop_nonsense"}),  # 401
        ("/api/v1/rounds/999999/results", result(stops[2]), headers),  # 404
    ]
    answers = []
    for path, body, auth in requests:
        answer = http.post(path, json=body, headers=auth)
        answers.append(_comparable(answer))
    completed = http.post(f"/api/v1/rounds/{rid}/complete", json={"reason": "rain"},
                          headers=headers)  # fmt: skip
    assert completed.status_code == 200
    answers.append(_comparable(http.post(url, json=result(stops[2]), headers=headers)))  # 409
    answers.append(_comparable(http.post(url, json=ok, headers=headers)))  # retry: 200
    return answers


def db_token(headers: dict) -> ApiToken:
    from safetyops.extensions import db

    digest = tokens.digest(headers["Authorization"].removeprefix("Bearer "))
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def _comparable(answer) -> tuple:
    body = json.loads(answer.data) if answer.data else None
    if isinstance(body, dict):
        # A result's id and times are new each run; everything else must be equal.
        body = {k: v for k, v in body.items() if k not in ("id", "received_at")}
    headers = sorted((k, v) for k, v in answer.headers.items() if k not in VOLATILE_HEADERS)
    return answer.status_code, body, headers


def test_both_lanes_answer_every_kind_of_post_alike(
    app, db, two_campuses, plan, token_for, walker, statements
):
    fast = _answers(app, two_campuses, plan, token_for, walker)
    assert _lookups(statements) >= 10  # the lane was tried (and taken where it may)
    app.config["RESULT_FAST_LANE"] = False
    statements.clear()
    full = _answers(app, two_campuses, plan, token_for, walker)
    assert _lookups(statements) == 0
    assert [a[0] for a in fast] == [201, 200, 409, 201, 400, 400, 400, 400, 400, 403, 404, 401,
                                    401, 404, 409, 200]  # fmt: skip
    for mine, theirs in zip(fast, full, strict=True):
        assert mine == theirs
    # The problem found opened its finding on both lanes.
    assert len(db.session.scalars(select(Finding)).all()) == 2


def test_a_body_sent_in_pieces_reaches_the_full_path_whole(app, walker):
    """A chunked body (no length) and an oversized one are not read by the fast lane."""
    headers, start_round = walker
    round_ = start_round()
    body = json.dumps(result(round_["checkpoints"][0]["id"])).encode()

    answer = app.test_client().open(
        f"/api/v1/rounds/{round_['id']}/results",
        method="POST",
        input_stream=io.BytesIO(body),  # no Content-Length: sent chunked, as gunicorn sees it
        environ_overrides={"wsgi.input_terminated": True},
        headers={**headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["checkpoint_id"] == round_["checkpoints"][0]["id"]


def _walk(app, token: dict, plan_id: int) -> tuple[str, list[int]]:
    http = app.test_client()
    http.get("/api/v1/campuses/AAA/round-plans", headers=token)  # its use recorded
    answer = http.post("/api/v1/rounds", json={"plan_id": plan_id}, headers=token)
    assert answer.status_code == 201, answer.json
    return f"/api/v1/rounds/{answer.json['id']}/results", [
        c["id"] for c in answer.json["checkpoints"]
    ]


def test_a_district_admin_walking_any_campus_takes_the_fast_lane(
    app, db, two_campuses, plan, token_for, statements
):
    """The rules in SQL: district-wide roles need no campus membership."""
    admin = token_for(two_campuses["admin"])
    url, stops = _walk(app, admin, plan.id)
    statements.clear()
    answer = app.test_client().post(url, json=result(stops[0]), headers=admin)
    assert answer.status_code == 201 and _fast(statements), statements


def test_a_deactivated_walker_is_refused_on_both_lanes_alike(
    app, db, two_campuses, plan, token_for, walker, statements
):
    headers, start_round = walker
    round_ = start_round()
    url, stops = f"/api/v1/rounds/{round_['id']}/results", [c["id"] for c in round_["checkpoints"]]
    two_campuses["officer_a"].active = False
    db.session.commit()
    answers = []
    for fast_lane in (True, False):
        app.config["RESULT_FAST_LANE"] = fast_lane
        answers.append(_comparable(app.test_client().post(url, json=result(stops[0]),
                                                          headers=headers)))  # fmt: skip
    assert answers[0] == answers[1] and answers[0][0] == 401
    assert (
        db.session.scalar(select(RoundResult.id).where(RoundResult.round_id == round_["id"]))
        is None
    )


def test_a_tap_time_without_an_offset_is_read_in_the_campus_zone_by_the_full_path(
    app, db, walker, statements
):
    """The lane has no campus zone: a time without an offset goes down the full path,
    which reads it in the campus's zone."""
    headers, start_round = walker
    round_ = start_round()
    body = result(round_["checkpoints"][0]["id"], recorded_at="2026-11-16T07:01:00")
    statements.clear()
    answer = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results", json=body, headers=headers
    )
    assert answer.status_code == 201 and not _fast(statements)
    stored = db.session.get(RoundResult, body["id"])
    assert stored.recorded_at.isoformat() == "2026-11-16T14:01:00+00:00"  # 07:01 in Denver (MST)
