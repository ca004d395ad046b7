"""The API keeps its documented contract: schemathesis generates requests from the served
OpenAPI document and sends them to a live app with the demo district, as an officer and as
the safety department, on SQLite and PostgreSQL. Zero server errors, and every answer
(status, content type, body) matches the document. Bounded: a fixed number of examples,
a fixed seed, deterministic generation."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from safetyops.accounts import operations as accounts
from safetyops.accounts import tokens
from safetyops.campuses.models import Campus
from safetyops.demo.district import load_demo
from safetyops.extensions import db as _db
from safetyops.rounds import operations as rounds_service
from safetyops.rounds.models import RoundPlan

# Examples per operation and phase: with deterministic generation and no time budget the
# run is the same every time (a time budget would repeat phases until it is spent).
EXAMPLES = 50
CHECKS = ",".join(
    ["not_a_server_error", "status_code_conformance", "content_type_conformance",
     "response_schema_conformance"]
)  # fmt: skip


@pytest.fixture
def served(app):
    """The test's app with the demo district, served on a free local port; for each role a
    token and a round of theirs in progress (so results reach the rules, not only 404s)."""
    load_demo()
    secrets, rounds = {}, {}
    plan = _db.session.scalar(
        select(RoundPlan).join(Campus).where(Campus.code == "AVE", RoundPlan.active.is_(True))
    )
    for role, email in (("officer", "officer@demo.local"), ("admin", "admin@demo.local")):
        user = accounts.find_user_by_email(email)
        _record, secrets[role] = tokens.create_token(user, role)
        rounds[role] = rounds_service.start_round(user, plan, str(uuid.uuid4())).id
    _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", secrets, rounds
    server.shutdown()
    thread.join(5)


def test_the_document_is_openapi_3_1_and_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    documented = {
        (path, method) for path, methods in document["paths"].items() for method in methods
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_json":
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", f"{{{argument}}}")
                path = path.replace(f"<{argument}>", f"{{{argument}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    assert routes == documented
    for methods in document["paths"].values():
        for operation in methods.values():
            assert {"400", "404", "503"} <= set(operation["responses"])
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_page_renders_from_vendored_files(client):
    page = client.get("/api/docs")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body and "//cdn" not in body
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_schemathesis_finds_no_server_error_and_no_contract_violation(served, role, tmp_path):
    base, secrets, rounds = served
    report = tmp_path / "report.json"
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[[operations]]\n"
        'include-path-regex = "/rounds/\\\\{round_id\\\\}/results"\n'
        f'parameters = {{ "path.round_id" = {rounds[role]} }}\n'
    )
    run = subprocess.run(  # noqa: S603 - our interpreter and the schemathesis CLI
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
            f"{base}/api/v1/openapi.json",
            "--url", base, "--header", f"Authorization: Bearer {secrets[role]}",
            "--checks", CHECKS, "--max-examples", str(EXAMPLES), "--seed", "20261124",
            "--generation-deterministic", "--workers", "1",
            "--report", "ndjson", "--report-ndjson-path", str(report),
            "--suppress-health-check", "all",
        ],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout.lower() or report.exists(), run.stdout[-2000:]
    events = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    assert events, "schemathesis sent nothing"
