"""The schemas are the contract: a body that breaks one is a 400 naming the field (the
documented ``{"error", "field"}``), the served document is valid OpenAPI 3.1 built from the
same schemas, and a refused action is the domain's NotAllowed, never an OSError."""

from __future__ import annotations

import io
import uuid

import pytest
from openapi_spec_validator import validate

from safetyops.core.errors import NotAllowed
from safetyops.rounds import photos
from safetyops.rounds.schemas import ResultIn


def _result(checkpoint, **overrides):
    body = {
        "id": str(uuid.uuid4()),
        "checkpoint_id": checkpoint,
        "status": "ok",
        "recorded_at": "2026-09-01T10:00:00Z",
    }
    return {**body, **overrides}


@pytest.fixture
def walking(app, two_campuses, plan, token_for):
    """The campus officer's API headers and a round of theirs in progress."""
    headers = token_for(two_campuses["officer_a"])
    started = app.test_client().post("/api/v1/rounds", json={"plan_id": plan.id}, headers=headers)
    assert started.status_code == 201, started.json
    return headers, started.json


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    # Raises with the offending path if the document breaks the OpenAPI 3.1 schema.
    validate(document)
    assert document["openapi"].startswith("3.1")
    result = document["components"]["schemas"]["ResultIn"]
    assert result["properties"]["note"]["maxLength"] == 2000
    assert result["properties"]["checkpoint_id"]["maximum"] == 2**31 - 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "maybe"}, "status"),
        ({"checkpoint_id": "seven"}, "checkpoint_id"),
        ({"checkpoint_id": 2**31}, "checkpoint_id"),
        ({"note": "x" * 2001}, "note"),
        ({"recorded_at": 1_700_000_000}, "recorded_at"),
        ({"recorded_at": "2999-01-01T10:00:00Z"}, "recorded_at"),
        ({"id": "not-a-uuid"}, "id"),
        ({"status": "problem", "finding_kind": "dragons"}, "finding_kind"),
    ],
)
def test_a_body_that_breaks_the_schema_is_a_400_naming_the_field(app, walking, change, field, db):
    headers, round_ = walking
    body = _result(round_["checkpoints"][0]["id"], **change)
    response = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results", json=body, headers=headers
    )
    assert response.status_code == 400, response.json
    assert response.json["field"] == field
    assert response.json["error"].startswith(field + " ")


def test_a_batch_keeps_its_per_item_errors(app, walking, db):
    headers, round_ = walking
    checkpoint = round_["checkpoints"][0]["id"]
    good = _result(checkpoint)
    items = [good, _result(checkpoint, note=7), "not an object", good]
    response = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results/batch", json={"results": items}, headers=headers
    )
    assert response.status_code == 200, response.json
    answers = response.json["results"]
    assert [a["status"] for a in answers] == [201, 400, 400, 200]
    assert answers[1]["field"] == "note" and answers[2]["field"] == "body"


def test_the_schema_and_the_operation_read_a_result_the_same_way(app, walking, db):
    """The no-JavaScript page sends text; it goes through the same ResultIn."""
    headers, round_ = walking
    checkpoint = round_["checkpoints"][0]["id"]
    body = _result(checkpoint, status="problem", finding_kind="unlocked", action_taken="")
    assert ResultIn.model_validate(body).action_taken is None
    answer = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results", json=body, headers=headers
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["action_taken"] == "none"


def test_not_allowed_is_a_rule_and_a_disk_permission_error_is_no_403(app, walking, db, monkeypatch):
    assert not issubclass(NotAllowed, OSError)
    headers, round_ = walking
    stored = app.test_client().post(
        f"/api/v1/rounds/{round_['id']}/results",
        json=_result(round_["checkpoints"][0]["id"]),
        headers=headers,
    )

    def disk_says_no(result, data):
        raise PermissionError(13, "Permission denied", "/srv/photos")

    # The photo store failing as a read-only disk would (the store itself is not mocked
    # anywhere else; here the point is only what an OSError becomes).
    monkeypatch.setattr(photos, "attach_photo", disk_says_no)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = app.test_client().post(
        f"/api/v1/results/{stored.json['id']}/photo",
        data={"photo": (io.BytesIO(b"\xff\xd8\xff"), "p.jpg")},
        headers=headers,
    )
    assert answer.status_code == 500
    assert "only the officer" not in answer.get_data(as_text=True)
