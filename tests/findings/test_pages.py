"""The findings list pages through every match (50 a page) and keeps its filters."""

from __future__ import annotations

import re
from datetime import timedelta

from safetyops.core.db import utcnow
from safetyops.extensions import db as _db
from safetyops.findings.models import Finding
from safetyops.rounds.models import Round, RoundResult


def _findings(campus, officer, n: int) -> None:
    round_ = Round(campus_id=campus.id, officer_id=officer.id, checkpoint_ids=[])
    _db.session.add(round_)
    _db.session.flush()
    door = campus.checkpoints[0]
    now = utcnow()
    for i in range(n):
        at = now - timedelta(minutes=i)
        result = RoundResult(id=f"00000000-0000-4000-8000-{i:012d}", round_id=round_.id,
                             checkpoint_id=door.id, status="problem", finding_kind="unlocked",
                             note=f"note {i}", action_taken="none", recorded_at=at)  # fmt: skip
        _db.session.add(result)
        _db.session.flush()
        _db.session.add(Finding(result_id=result.id, campus_id=campus.id,
                                checkpoint_id=door.id, kind="unlocked", opened_at=at))  # fmt: skip
    _db.session.commit()


def test_more_than_a_page_of_findings_is_paged_not_cut(client, two_campuses, db):
    _findings(two_campuses["a"], two_campuses["officer_a"], 120)
    client.login(two_campuses["supervisor_a"])
    seen, url = [], "/findings?campus=AAA&kind=unlocked"
    first = client.get(url).get_data(as_text=True)
    assert "120 findings" in first and "page 1 of 3" in first
    page_number = 1
    while url:
        body = client.get(url).get_data(as_text=True)
        seen += re.findall(r"note (\d+)</div>", body)
        assert f"page {page_number} of 3" in body
        older = re.search(r'rel="next" href="([^"]+)"', body)
        url = older.group(1).replace("&amp;", "&") if older else None
        if url:
            assert "campus=AAA" in url and "kind=unlocked" in url  # filters kept
        page_number += 1
    assert sorted(map(int, seen)) == list(range(120))  # every finding once, none lost
    past_the_end = client.get("/findings?campus=AAA&page=99").get_data(as_text=True)
    assert "page 3 of 3" in past_the_end
