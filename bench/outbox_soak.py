"""Soak test of the tablet's outbox (issue 11): many tablets flush at once over a bad network.

    python bench/outbox_soak.py                          # SQLite in a temporary folder
    python bench/outbox_soak.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

The demo district is loaded into a fresh database and served by a threaded local server.
Each simulated tablet is one officer (an API token) with a queue of ``--entries`` outbox
entries made offline, in the order an officer makes them: a round start (the round named
by its client UUID), checkpoint results (its checkpoints in walking order, again and again),
the round's finish, a drill and a medical call. Then every tablet flushes at once, the way
static/js/outbox.js does: in order, consecutive results of one round in one batch request,
the round's server id filled in once its start is answered; 503/429 wait for Retry-After.
The network is bad on purpose: a request is dropped before it reaches the server
(``--drop``), or its answer is lost after the server stored it (``--lose-answer``, the case
that makes duplicates if ids are not kept); either way the tablet retries the same entry.

Prints the entries, stored, duplicated (must be 0), lost (must be 0), refused, the retries
and the flush time. Not a timed test: figures for the README.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from safetyops import create_app  # noqa: E402
from safetyops.extensions import db  # noqa: E402


class Dropped(Exception):
    """The request or its answer was lost on the way."""


@dataclass
class Entry:
    kind: str
    url: str
    body: dict
    ref: str | None = None
    client_id: str = ""


@dataclass
class Tablet:
    token: str
    officer_id: int
    entries: list[Entry]
    rng: random.Random
    refs: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    refused: list[str] = field(default_factory=list)
    requests: int = 0


def setup(url: str, tablets: int, entries: int) -> tuple:
    """A migrated database with the demo district and one officer per tablet."""
    from flask_migrate import upgrade

    from safetyops.accounts import operations as accounts
    from safetyops.accounts import tokens
    from safetyops.campuses.models import Campus
    from safetyops.demo.district import load_demo
    from safetyops.rounds import operations as rounds_service

    instance = tempfile.mkdtemp()
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "INSTANCE_PATH": instance})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.session.scalar(select(func.count()).select_from(Campus)) == 0:
            load_demo()
        campuses = list(db.session.scalars(select(Campus).order_by(Campus.code)))
        plans = {p.campus_id: p for p in rounds_service.plans_for(None) if p.stops}
        campuses = [c for c in campuses if c.id in plans]
        made = []
        stamp = uuid.uuid4().hex[:6]
        for n in range(tablets):
            campus = campuses[n % len(campuses)]
            user = accounts.create_user(
                email=f"soak{n}-{stamp}@bench.local",
                name=f"Soak officer {n}",
                role="officer",
                password="soak-password-1",
                campuses=[campus],  # noqa: S106 - a bench account
            )
            _record, secret = tokens.create_token(user, "outbox soak")
            plan = plans[campus.id]
            made.append(
                (secret, user.id, campus.code, plan.id, [s.checkpoint_id for s in plan.stops])
            )
        db.session.commit()
    return app, [queue(*m, entries) for m in made]


def queue(token, officer_id, code, plan_id, checkpoints, count) -> Tablet:
    """What one tablet made offline, in order: start, results, finish, drill, medical call."""
    rng = random.Random(officer_id)
    round_uuid = str(uuid.uuid4())
    tapped = datetime.now(UTC) - timedelta(minutes=30)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    items = [Entry("round_start", "/api/v1/rounds",
                   {"plan_id": plan_id, "id": round_uuid, "started_at": tapped.isoformat()},
                   ref=f"round:{round_uuid}", client_id=round_uuid)]  # fmt: skip
    for n in range(count - 4):
        result_id = str(uuid.uuid4())
        items.append(
            Entry("result", f"/api/v1/rounds/{{round:{round_uuid}}}/results",
                  {"id": result_id, "checkpoint_id": checkpoints[n % len(checkpoints)],
                   "status": "ok", "capture": "qr",
                   "recorded_at": (tapped + timedelta(seconds=5 * n)).isoformat()},
                  client_id=result_id)
        )  # fmt: skip
    items.append(Entry("round_complete", f"/api/v1/rounds/{{round:{round_uuid}}}/complete",
                       {"reason": "soak"}, client_id=str(uuid.uuid4())))  # fmt: skip
    drill_id, call_id = str(uuid.uuid4()), str(uuid.uuid4())
    items.append(Entry("drill", f"/api/v1/campuses/{code}/drills",
                       {"client_id": drill_id, "fields": {"drill_type": "lockdown",
                        "day": yesterday, "start_time": "10:00", "announced": "y"}},
                       client_id=drill_id))  # fmt: skip
    items.append(Entry("medical_call", f"/api/v1/campuses/{code}/medical-calls",
                       {"client_id": call_id, "fields": {"day": yesterday, "called_time": "11:00",
                        "location": "Gym"}}, client_id=call_id))  # fmt: skip
    return Tablet(token, officer_id, items, rng)


class Network:
    def __init__(self, port: int, drop: float, lose_answer: float):
        self.port, self.drop, self.lose_answer = port, drop, lose_answer

    def post(
        self, tablet: Tablet, url: str, body: dict, client_id: str = ""
    ) -> tuple[int, dict, str | None]:
        tablet.requests += 1
        if tablet.rng.random() < self.drop:
            raise Dropped("request dropped")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", url, json.dumps(body), {
                "Content-Type": "application/json", "Authorization": f"Bearer {tablet.token}",
                "X-Sent-At": datetime.now(UTC).isoformat(), "X-Client-Id": client_id,
            })  # fmt: skip
            response = conn.getresponse()
            data = response.read()
            retry_after = response.getheader("Retry-After")
        finally:
            conn.close()
        if tablet.rng.random() < self.lose_answer:
            raise Dropped("answer lost")  # the server may well have stored it
        return response.status, json.loads(data or b"{}"), retry_after


def resolve(tablet: Tablet, url: str) -> str:
    for key, server_id in tablet.refs.items():
        url = url.replace("{" + key + "}", str(server_id))
    return url


def flush(tablet: Tablet, network: Network) -> None:
    """static/js/outbox.js's order in Python: retry the same step until it is answered."""
    i = 0
    while i < len(tablet.entries):
        group = [tablet.entries[i]]
        if group[0].kind == "result":
            while (i + len(group) < len(tablet.entries) and len(group) < 50
                   and tablet.entries[i + len(group)].kind == "result"):  # fmt: skip
                group.append(tablet.entries[i + len(group)])
        url = resolve(tablet, group[0].url)
        body = {"results": [e.body for e in group]} if len(group) > 1 else group[0].body
        if len(group) > 1:
            url += "/batch"
        try:
            client_id = group[0].client_id if len(group) == 1 else ""
            status, data, retry_after = network.post(tablet, url, body, client_id)
        except (Dropped, OSError):
            tablet.retries += 1
            time.sleep(tablet.rng.uniform(0.005, 0.03))
            continue
        if status in (429, 503) or status >= 500:
            tablet.retries += 1
            time.sleep(min(float(retry_after or 0.05), 1.0))
            continue
        if len(group) > 1:
            for entry, outcome in zip(group, data["results"], strict=True):
                if outcome["status"] >= 300:
                    tablet.refused.append(f"{entry.kind}: {outcome.get('error')}")
        elif status >= 300:
            tablet.refused.append(f"{group[0].kind}: {data.get('error')}")
        elif group[0].ref:
            tablet.refs[group[0].ref] = data["id"]
        i += len(group)


def count_stored(app, tablets: list[Tablet]) -> tuple[int, int, int]:
    """(stored rows, distinct entries among them, entries expected) for the soak officers."""
    from safetyops.drills.models import Drill, MedicalCall
    from safetyops.offline.models import OutboxReceipt
    from safetyops.rounds.models import Round, RoundResult

    officers = [t.officer_id for t in tablets]
    wanted = {e.client_id for t in tablets for e in t.entries if e.kind != "round_complete"}
    with app.app_context():
        rows: list[str] = []
        rows += db.session.scalars(select(Round.client_id).where(Round.officer_id.in_(officers)))
        rows += db.session.scalars(
            select(RoundResult.id).join(Round).where(Round.officer_id.in_(officers))
        )
        rows += db.session.scalars(select(Drill.client_id).where(Drill.logged_by_id.in_(officers)))
        rows += db.session.scalars(
            select(MedicalCall.client_id).where(MedicalCall.officer_id.in_(officers))
        )
        finished = db.session.scalar(
            select(func.count())
            .select_from(Round)
            .where(Round.officer_id.in_(officers), Round.completed_at.is_not(None))
        )
        receipts = db.session.scalar(
            select(func.count())
            .select_from(OutboxReceipt)
            .where(OutboxReceipt.user_id.in_(officers), OutboxReceipt.kind == "round_complete")
        )
    found = set(rows) & wanted
    # a finish is stored as the round's completion (and one receipt per finish entry)
    return len(rows) + finished, len(found) + min(finished, receipts), len(wanted) + len(tablets)


@dataclass
class Figures:
    entries: int
    stored: int
    duplicated: int
    lost: int
    refused: list[str]
    requests: int
    retries: int
    seconds: float


def soak(url: str, tablets: int, entries: int, drop: float, lose_answer: float) -> Figures:
    """Make the tablets' queues, flush them all at once through a local server, count."""
    app, queues = setup(url, tablets, entries)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    network = Network(server.server_port, drop, lose_answer)
    start = threading.Barrier(len(queues) + 1)

    def run(tablet: Tablet) -> None:
        start.wait()
        flush(tablet, network)

    threads = [threading.Thread(target=run, args=(t,)) for t in queues]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    server.shutdown()
    rows, distinct, expected = count_stored(app, queues)
    with app.app_context():
        db.engine.dispose()
    return Figures(
        entries=expected, stored=distinct, duplicated=rows - distinct, lost=expected - distinct,
        refused=[r for t in queues for r in t.refused],
        requests=sum(t.requests for t in queues), retries=sum(t.retries for t in queues),
        seconds=elapsed,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="", help="database URL (default: SQLite, temporary)")
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--drop", type=float, default=0.1, help="requests lost on the way")
    parser.add_argument("--lose-answer", type=float, default=0.1, help="answers lost")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/soak.db"
    f = soak(url, args.tablets, args.entries, args.drop, args.lose_answer)
    print(f"database         {url.split('@')[-1] if '@' in url else 'sqlite'}")
    print(f"tablets          {args.tablets} x {args.entries} entries = {f.entries} entries")
    print(f"network          {args.drop:.0%} requests dropped, {args.lose_answer:.0%} answers lost")
    print(f"requests         {f.requests} ({f.retries} retries)")
    print(f"stored           {f.stored}")
    print(f"duplicated       {f.duplicated}")
    print(f"lost             {f.lost}")
    print(f"refused          {len(f.refused)}" + (f" (first: {f.refused[0]})" if f.refused else ""))
    print(f"flush time       {f.seconds:.1f} s ({f.entries / f.seconds:.0f} entries/s)")
    if f.duplicated or f.lost or f.refused:
        sys.exit(1)


if __name__ == "__main__":
    main()
