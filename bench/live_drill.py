"""A large live drill: how fast taps are stored and how fast the tablets' poll answers.

    python bench/live_drill.py                       # a fresh SQLite file
    python bench/live_drill.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

The database must be empty (the script migrates it). One campus with ``--areas`` areas and
``--officers`` officers; a lockdown is started and every officer reports every area clear
(so each area gets that many taps, the first one its clear time), through the API with a
token, in process. Prints the queries and the median / p95 time of a tap, of a repeated
tap (the same client_id: stored once), of the poll with all taps in, and of ending the
drill into its drill record.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid

from sqlalchemy import event

from safetyops import create_app
from safetyops.extensions import db


def _seed(areas: int, officers: int):
    from safetyops.accounts import operations as accounts
    from safetyops.accounts import tokens
    from safetyops.campuses import operations as campuses
    from safetyops.live import operations as live_ops

    campus = campuses.create_campus({"code": "BIG", "name": "Big High School",
                                     "timezone": "America/Denver"})  # fmt: skip
    users = [
        accounts.create_user(email=f"officer{n}@bench.test", name=f"Officer {n}",
                             role="officer", password="bench-password-1", campuses=[campus])
        for n in range(officers)
    ]  # fmt: skip
    rows = "".join(f"BIG,Area {n:03d},building,{n}\n" for n in range(areas))
    assert live_ops.import_areas("campus_code,name,kind,position\n" + rows).ok
    from safetyops.live.queries import areas_of

    area_ids = [a.id for a in areas_of(campus)]
    plan = {"drill_type": "lockdown", "announced": True, "area_ids": area_ids}
    live, _new = live_ops.start(campus, users[0], plan, str(uuid.uuid4()))
    headers = [{"Authorization": f"Bearer {tokens.create_token(u, 'bench')[1]}"} for u in users]
    return live.id, area_ids, headers


def _stats(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="")
    parser.add_argument("--areas", type=int, default=40)
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--polls", type=int, default=30)
    args = parser.parse_args()
    instance = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{instance}/bench.db"
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "INSTANCE_PATH": instance, "RATELIMIT_ENABLED": False})  # fmt: skip
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        live_id, area_ids, headers = _seed(args.areas, args.officers)
        db.session.remove()
        count = {"n": 0}

        def counted(*_args, **_kw):
            count["n"] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        client = app.test_client()
        taps, repeats, queries = [], [], []
        last_body = None
        for who in headers:
            for area in area_ids:
                body = {"client_id": str(uuid.uuid4()), "area_id": area}
                count["n"] = 0
                started = time.perf_counter()
                answer = client.post(f"/api/v1/live/{live_id}/taps", json=body, headers=who)
                taps.append(time.perf_counter() - started)
                queries.append(count["n"])
                assert answer.status_code == 201, answer.get_data(as_text=True)
                last_body = (body, who)
        for _ in range(20):
            assert last_body is not None
            started = time.perf_counter()
            answer = client.post(f"/api/v1/live/{live_id}/taps", json=last_body[0],
                                 headers=last_body[1])  # fmt: skip
            repeats.append(time.perf_counter() - started)
            assert answer.status_code == 200
        polls, poll_queries = [], 0
        for _ in range(args.polls):
            count["n"] = 0
            started = time.perf_counter()
            answer = client.get(f"/api/v1/live/{live_id}", headers=headers[0])
            polls.append(time.perf_counter() - started)
            poll_queries = count["n"]
            assert answer.status_code == 200
        size = len(answer.data)
        from safetyops.accounts.models import User
        from safetyops.live import operations as live_ops
        from safetyops.live.models import LiveDrill

        live = db.session.get(LiveDrill, live_id)
        user = db.session.get(User, live.started_by_id)
        count["n"] = 0
        started = time.perf_counter()
        live, _ended = live_ops.end(live, user)
        ended = time.perf_counter() - started
        backend = url.split(":")[0]
        print(f"{backend}: {len(area_ids)} areas x {len(headers)} officers = {len(taps)} taps")
        print(f"tap         {statistics.median(queries):4.0f} queries  {_stats(taps)}")
        print(f"repeat tap                {_stats(repeats)}  (same client_id: 200, stored once)")
        print(f"poll        {poll_queries:4d} queries  {_stats(polls)}  ({size:,} bytes)")
        print(f"end         {count['n']:4d} queries  {ended * 1000:6.1f} ms"
              f"  (all clear after {live.all_clear_seconds} s)")  # fmt: skip


if __name__ == "__main__":
    main()
