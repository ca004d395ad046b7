"""Personal API tokens: created by the CLI, stored hashed, scoped like their owner, revocable."""

from sqlalchemy import select

from safetyops.accounts.models import ApiToken


def _create_token(runner, email):
    result = runner.invoke(args=["tokens", "create", "--user", email, "--name", "script"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_token_authenticates_api_with_owner_scope(app, runner, two_campuses, db):
    secret = _create_token(runner, two_campuses["officer_a"].email)
    stored = db.session.scalar(select(ApiToken))
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    http = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    listed = http.get("/api/v1/campuses", headers=headers)
    assert listed.status_code == 200
    assert [c["code"] for c in listed.json] == ["AAA"]
    checkpoints = http.get("/api/v1/campuses/AAA/checkpoints", headers=headers).json
    assert [c["name"] for c in checkpoints] == ["Door 1", "Door 2", "Door 3"]
    assert set(checkpoints[0]) >= {"id", "name", "kind", "walk_order"}
    assert http.get("/api/v1/campuses/BBB/checkpoints", headers=headers).status_code == 404
    assert http.get("/api/v1/me", headers=headers).json["role"] == "officer"


def test_token_does_not_open_pages_beyond_its_role(app, runner, two_campuses):
    secret = _create_token(runner, two_campuses["officer_a"].email)
    response = app.test_client().get("/admin/users", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


def test_revoked_and_bogus_tokens_get_401(app, runner, two_campuses, db):
    secret = _create_token(runner, two_campuses["admin"].email)
    token_id = db.session.scalar(select(ApiToken.id))
    listed = runner.invoke(args=["tokens", "list", "--user", two_campuses["admin"].email])
    assert f"{token_id}\t" in listed.output and "active" in listed.output
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0
    http = app.test_client()
    for value in (secret, "sop_not-a-real-token"):
        response = http.get("/api/v1/campuses", headers={"Authorization": f"Bearer {value}"})
        assert response.status_code == 401
        assert response.json == {"error": "invalid or revoked API token"}


def test_token_for_unknown_or_deactivated_user_is_refused(runner, two_campuses):
    from safetyops.accounts.operations import set_active

    assert runner.invoke(args=["tokens", "create", "--user", "nobody@x.test"]).exit_code != 0
    set_active(two_campuses["viewer"], False)
    result = runner.invoke(args=["tokens", "create", "--user", two_campuses["viewer"].email])
    assert result.exit_code != 0 and "deactivated" in result.output


def test_deactivating_a_user_revokes_their_tokens(app, runner, two_campuses):
    from safetyops.accounts.operations import set_active

    secret = _create_token(runner, two_campuses["viewer"].email)
    set_active(two_campuses["viewer"], False)
    response = app.test_client().get(
        "/api/v1/campuses", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401


def test_token_creation_is_audited_as_cli(runner, two_campuses, db):
    from safetyops.audit.models import AuditEvent

    _create_token(runner, two_campuses["viewer"].email)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "api_token"))
    assert event.interface == "cli" and event.action == "create"


def test_token_requests_need_no_csrf_but_sessions_do(app, runner, two_campuses):
    secret = _create_token(runner, two_campuses["admin"].email)
    http = app.test_client()
    response = http.post(
        "/admin/campuses/AAA/active",
        data={"active": "0"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 302  # authenticated by token: no CSRF token needed
    bogus = http.post(
        "/admin/campuses/AAA/active",
        data={"active": "1"},
        headers={"Authorization": "Bearer sop_wrong"},
    )
    assert bogus.status_code == 401
