"""Tamper-evident records: evidence is sealed into per-campus hash chains; `audit verify`
recomputes them and names the record that was changed, deleted or slipped in, even with
the database's triggers turned off, and a chain rewritten after a weekly report published
its anchors no longer matches them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from safetyops.audit import chain as links
from safetyops.audit import ledger
from safetyops.audit.models import EvidenceSeal
from safetyops.drills.models import MedicalCall
from safetyops.rounds.models import RoundResult
from tests.core.test_evidence_protection import evidence  # noqa: F401 - the fixture
from tests.drills.test_views import district  # noqa: F401 - the fixture


def test_content_and_links_are_deterministic_and_chained():
    fields = {"at": datetime(2026, 11, 24, 7, 0, tzinfo=UTC), "note": "Door 3", "n": [1, 2]}
    first = links.content_hash("round_result", fields)
    assert first == links.content_hash("round_result", dict(reversed(list(fields.items()))))
    assert first != links.content_hash("round_result", {**fields, "note": "Door 4"})
    one = links.link_hash(links.GENESIS, "round_result", "a", 0, first)
    two = links.link_hash(one, "round_result", "b", 0, first)
    assert two != links.link_hash(links.GENESIS, "round_result", "b", 0, first)


def _without_triggers(db, statement: str, params=None, drop: tuple[str, ...] = ()):
    """What an administrator with database access could do: the write, triggers off."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
        db.session.execute(text(statement), params or {})
        db.session.execute(text("SET session_replication_role = DEFAULT"))
    else:
        for trigger in drop:
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        db.session.execute(text(statement), params or {})
    db.session.commit()


@pytest.fixture
def sealed(evidence, db):  # noqa: F811
    assert ledger.seal() > 10
    report = ledger.verify()
    assert report.ok, report.problems
    return evidence


def test_verify_names_a_changed_result(sealed, db):
    result_id = db.session.scalar(select(RoundResult.id).order_by(RoundResult.id))
    _without_triggers(
        db, "UPDATE round_result SET status = 'problem', finding_kind = 'unlocked' WHERE id = :i",
        {"i": result_id}, drop=("round_result_no_update",),
    )  # fmt: skip
    problems = ledger.verify().problems
    assert any(p.startswith(f"round_result {result_id}") and "changed" in p for p in problems)


def test_verify_names_a_deleted_medical_call(sealed, db):
    call_id = db.session.scalar(select(MedicalCall.id))
    _without_triggers(db, "DELETE FROM medical_call", drop=("medical_call_no_delete",))
    problems = ledger.verify().problems
    assert any(p.startswith(f"medical_call {call_id}") and "missing" in p for p in problems)


def test_verify_names_a_record_slipped_in_behind_the_seal(sealed, db):
    _without_triggers(
        db,
        "INSERT INTO audit_event (at, interface, action, entity_type, entity_id, changes) "
        "VALUES (:at, 'web', 'sign_off', 'drill', '999', '{}')",
        {"at": datetime(2025, 1, 6, 9, 0)},
    )
    problems = ledger.verify().problems
    assert any("audit_event" in p and "older than its seal" in p for p in problems), problems


def test_an_amendment_is_sealed_as_a_new_version_not_a_mismatch(sealed, make_client, district, db):  # noqa: F811
    from tests.drills.test_views import drill_form

    principal = make_client()
    principal.login(district["principal_a"])
    again = principal.post(f"/drills/{sealed['drill_id']}/edit",
                           drill_form(occupants="510", reason="Recount"))  # fmt: skip
    assert again.status_code == 302
    assert ledger.verify().ok  # the new version is pending, not a mismatch
    assert ledger.seal() >= 2  # the drill's new version and its amendment
    assert ledger.verify().ok
    versions = db.session.scalars(
        select(EvidenceSeal.version).where(
            EvidenceSeal.record_type == "drill", EvidenceSeal.record_id == str(sealed["drill_id"])
        )
    ).all()
    assert sorted(versions) == [1, 2]


def test_a_rewritten_chain_differs_from_the_published_anchor(sealed, db):
    anchors = [("2026-W47", chain, seq, digest) for chain, (seq, digest) in ledger.heads().items()]
    assert ledger.verify(anchors=anchors).ok
    chain, (seq, _digest) = next(iter(ledger.heads().items()))
    forged = [("2026-W47", chain, seq, "f" * 64)]
    problems = ledger.verify(anchors=forged).problems
    assert any("differs from the anchor the 2026-W47 report recorded" in p for p in problems)


def test_the_seal_itself_is_append_only(sealed, db):
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE evidence_seal SET hash = 'x'"))
        db.session.flush()
    db.session.rollback()


def test_the_cli_verifies_and_fails_on_a_mismatch(sealed, runner, db):
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "all match" in ok.output
    result_id = db.session.scalar(select(RoundResult.id).order_by(RoundResult.id))
    _without_triggers(db, "UPDATE round_result SET note = 'edited' WHERE id = :i",
                      {"i": result_id}, drop=("round_result_no_update",))  # fmt: skip
    bad = runner.invoke(args=["audit", "verify", "--campus", "AAA"])
    assert bad.exit_code == 1 and f"round_result {result_id}" in bad.output


def test_the_audit_page_shows_each_chains_head(sealed, client, district, db):  # noqa: F811
    client.login(district["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    for _chain, (_seq, digest) in ledger.heads().items():
        assert digest in page
    assert "Evidence chains" in page


def test_two_sealers_at_the_same_moment_keep_the_first_one_s_links(evidence, db):  # noqa: F811
    """The seal-evidence job and the weekly report's own seal may run at once. The one that
    commits second clashes on a record already sealed: it keeps nothing, raises nothing
    (PostgreSQL reports the clash on the INSERT itself), and the chain verifies."""
    from sqlalchemy.orm import Session

    heads = ledger.heads

    def another_sealer_commits_first():
        # Between this sealer's reading and its writing, another one (a second scheduler
        # thread, on its own connection and session) seals everything and commits.
        with db.engine.connect() as conn, Session(bind=conn) as other:
            ledger.db, ledger.heads = _SessionHolder(other), heads
            try:
                assert ledger.seal() > 10
            finally:
                ledger.db, ledger.heads = db, another_sealer_commits_first
        return heads()

    ledger.heads = another_sealer_commits_first
    try:
        assert ledger.seal() == 0  # the clash: nothing kept, no error
    finally:
        ledger.heads = heads
    report = ledger.verify()
    assert report.ok, report.problems
    assert ledger.seal() == 0  # everything was sealed, once


class _SessionHolder:
    """``db.session`` for ledger.py: the other sealer's own session."""

    def __init__(self, session):
        self.session = session
