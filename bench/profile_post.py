"""Where the CPU of one result post goes: cProfile over a few thousand posts, in-process.

Run ``bench/district_data.py`` first (it fills the database), then:

    python bench/profile_post.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

The app runs with the production configuration (rate limiter on, JSON logs) in this
process; each post is ``POST /api/v1/rounds/<id>/results`` with a bearer token and a new
UUID, as a tablet sends it. Prints the CPU per post, the statements per post and the top
entries by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import tempfile
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import event


def production_app(url: str):
    from safetyops import create_app

    return create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": url,
            "INSTANCE_PATH": tempfile.mkdtemp(),
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": os.environ.get(
                "SAFETYOPS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/12"
            ),
        }
    )


def poster(app, url: str):
    """A function that posts one result (new round every 20) and returns the status."""
    from post_results import make_tokens  # bench/ is on sys.path when run as a script

    token, plan_id = make_tokens(url, 1)[0]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    state: dict = {"round": None, "todo": []}

    def start() -> None:
        if state["round"] is not None:
            client.post(f"/api/v1/rounds/{state['round']}/complete", json={}, headers=headers)
        answer = client.post(
            "/api/v1/rounds", json={"plan_id": plan_id, "id": str(uuid.uuid4())}, headers=headers
        )
        assert answer.status_code in (200, 201), answer.get_json()
        body = answer.get_json()
        state["round"], state["todo"] = body["id"], [c["id"] for c in body["checkpoints"]]

    def post() -> int:
        if not state["todo"]:
            start()
        body = {
            "id": str(uuid.uuid4()),
            "checkpoint_id": state["todo"].pop(0),
            "status": "ok",
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        answer = client.post(f"/api/v1/rounds/{state['round']}/results", json=body, headers=headers)
        assert answer.status_code == 201, answer.get_json()
        return answer.status_code

    return post, start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", help="write the raw profile here (pstats format)")
    parser.add_argument(
        "--no-profile", action="store_true", help="only the CPU per post, without cProfile"
    )
    args = parser.parse_args()
    app = production_app(args.db)
    post, start = poster(app, args.db)
    with app.app_context():
        from safetyops.extensions import db

        engine = db.engine
    statements = [0]
    shown: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        statements[0] += 1
        shown.append(" ".join(statement.split())[:150])

    # The app's engine and the result fast lane's own pool (PostgreSQL).
    for each in dict.fromkeys((engine, app.extensions["result_fast_lane"].engine)):
        event.listen(each, "before_cursor_execute", _count)

    for _ in range(105):  # warm up (a round is started every 20 posts)
        post()
    shown.clear()
    post()
    print("the statements of one post:")
    for line in shown:
        print("   ", line)
    counted_posts = 0
    statements[0] = 0
    profile = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if not args.no_profile:
        profile.enable()
    for _ in range(args.posts):
        post()
        counted_posts += 1
    profile.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"{counted_posts} posts: {cpu / counted_posts * 1000:.2f} ms CPU and "
        f"{wall / counted_posts * 1000:.2f} ms wall per post ("
        f"{'without' if args.no_profile else 'under'} cProfile; "
        f"includes the test client), {statements[0] / counted_posts:.2f} statements per post "
        f"(a round is started every 20 posts)"
    )
    if args.no_profile:
        return
    if args.out:
        profile.dump_stats(args.out)
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"--- top {args.top} by {order} ---")
        print(text.getvalue().split("\n", 6)[-1] if order else text.getvalue())


if __name__ == "__main__":
    main()
