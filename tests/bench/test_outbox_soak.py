"""A CI-sized run of bench/outbox_soak.py (issue 11): a few tablets flush their outbox at
once over a lossy network; every entry is stored exactly once, none refused."""

from __future__ import annotations

import outbox_soak

from safetyops.extensions import db


def test_tablets_flushing_over_a_bad_network_store_every_entry_once(app):
    url = app.config["DATABASE_URL"]
    db.session.remove()
    figures = outbox_soak.soak(url, tablets=3, entries=24, drop=0.2, lose_answer=0.2)
    assert figures.entries == 3 * 24
    assert figures.stored == figures.entries
    assert figures.duplicated == 0 and figures.lost == 0
    assert figures.refused == []
    assert figures.retries > 0  # the network did lose some, and they were sent again
