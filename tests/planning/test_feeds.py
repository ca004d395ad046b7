"""The campus calendar feed: one active link per campus, whatever the clicks."""

from __future__ import annotations

from sqlalchemy import func, select

from safetyops.planning.models import CalendarFeed


def _active(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))
    )


def test_ten_simultaneous_feed_creations_leave_one_working_link(
    two_campuses, db, token_for, parallel
):
    headers = token_for(two_campuses["principal_a"])
    statuses = parallel("POST", "/campuses/AAA/calendar-feed", headers=headers)
    assert statuses == [200] * 10
    db.session.expire_all()
    assert _active(db) == 1
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 10


def test_turning_the_feed_off_revokes_every_active_link_in_one_click(
    client, two_campuses, db, token_for, parallel
):
    headers = token_for(two_campuses["principal_a"])
    parallel("POST", "/campuses/AAA/calendar-feed", n=4, headers=headers)
    client.login(two_campuses["principal_a"])
    client.post("/campuses/AAA/calendar-feed", {"revoke": "1"})
    db.session.expire_all()
    assert _active(db) == 0


def test_the_database_refuses_a_second_active_feed(two_campuses, db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    campus = two_campuses["a"]
    db.session.add_all(
        [
            CalendarFeed(campus_id=campus.id, token_hash="a" * 64),
            CalendarFeed(campus_id=campus.id, token_hash="b" * 64),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
