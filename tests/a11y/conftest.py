"""The accessibility tests' fixtures: the demo district served once per module on each
backend, axe-core (npm, tests/a11y/node_modules) injected into pages, and sign-in per role."""

from __future__ import annotations

import json
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import _truncate_pg, make_app

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "safetyops-demo"  # noqa: S105 - the demo district's documented password
# WCAG 2.0 and 2.1, levels A and AA: what ADA Title II asks of a district's web content.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}


def _install_axe() -> None:
    """``npm ci`` as .ci/run does, for a developer who has not run it yet."""
    if not AXE.exists():
        subprocess.run(  # noqa: S603 - fixed command, no user input
            ["npm", "ci", "--prefix", str(HERE), "--silent", "--no-audit", "--no-fund"],  # noqa: S607
            check=True,
            timeout=300,
        )


@dataclass
class DemoServer:
    """The served demo district and the ids the page table's paths refer to."""

    url: str
    app: Flask
    ids: dict[str, int] = field(default_factory=dict)
    locale: str | None = None  # the demo users' language, None: the browser's

    def path(self, template: str) -> str:
        return self.url + template.format(**self.ids)

    def set_locale(self, locale: str | None) -> None:
        """Each demo user's own language (the profile's choice); None leaves it to the
        browser's Accept-Language, as before sign-in."""
        from safetyops.accounts.models import User
        from safetyops.extensions import db

        if self.locale == locale:
            return
        self.locale = locale
        with self.app.app_context():
            for user in db.session.scalars(db.select(User)):
                user.locale = locale
            db.session.commit()
            db.session.remove()


@pytest.fixture(scope="package")
def demo_server(database, tmp_path_factory):
    """The demo district, with a round in progress for the officer, on this backend: one
    server for the whole folder (the pages are read, hardly written)."""
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus, Checkpoint
    from safetyops.demo.district import load_demo
    from safetyops.drills.models import Drill
    from safetyops.extensions import db
    from safetyops.rounds import operations as rounds
    from safetyops.rounds.models import RoundPlan

    _install_axe()
    app = make_app(database, tmp_path_factory.mktemp("a11y"))
    with app.app_context():
        load_demo()
        ave = db.session.scalar(db.select(Campus).where(Campus.code == "AVE"))
        officer = db.session.scalar(db.select(User).where(User.email == "officer@demo.local"))
        plan = db.session.scalar(
            db.select(RoundPlan)
            .where(RoundPlan.campus_id == ave.id, RoundPlan.active.is_(True))
            .order_by(RoundPlan.id)
        )
        round_ = rounds.start_round(officer, plan)
        checkpoint = db.session.scalar(
            db.select(Checkpoint).where(Checkpoint.campus_id == ave.id).order_by(Checkpoint.id)
        )
        # A checkpoint outside that round (Rocky Mountain Middle): the scan page proper.
        rms = db.session.scalar(db.select(Campus).where(Campus.code == "RMS"))
        elsewhere = db.session.scalar(
            db.select(Checkpoint).where(Checkpoint.campus_id == rms.id).order_by(Checkpoint.id)
        )
        drill = db.session.scalar(
            db.select(Drill).where(Drill.campus_id == ave.id).order_by(Drill.id.desc())
        )
        # A lockdown running live at AVE over its areas (the tablet page with its buttons).
        from safetyops.live import operations as live_ops
        from safetyops.live.queries import areas_of

        live, _new = live_ops.start(
            ave, officer, {"drill_type": "lockdown", "announced": True,
                           "area_ids": [a.id for a in areas_of(ave)]}, "a11y-live"
        )  # fmt: skip
        ids = {
            "live": live.id,
            "round": round_.id,
            "checkpoint": checkpoint.id,
            "scan_checkpoint": elsewhere.id,
            "drill": drill.id,
        }
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoServer(f"http://127.0.0.1:{server.server_port}", app, ids)
    server.shutdown()
    thread.join(5)
    if database["backend"] == "postgresql":
        _truncate_pg(app)
    else:
        with app.app_context():
            from safetyops.extensions import db as _db

            _db.engine.dispose()


@pytest.fixture(autouse=True)
def _users_back_to_the_browser_language(request):
    """A test that gave the demo users a language leaves them as it found them."""
    yield
    if "demo_server" in request.fixturenames:
        request.getfixturevalue("demo_server").set_locale(None)


def sign_in_as(page, base_url: str, role: str) -> None:
    """Sign in as the demo user of a role (``anonymous`` stays signed out)."""
    if role == "anonymous":
        return
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", f"{role}@demo.local")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def run_axe(page, tags: list[str] | None = None, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as loaded: WCAG 2.1 AA by default, or the named
    rules only."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    if rules:
        options: dict = {"runOnly": {"type": "rule", "values": rules}}
    else:
        options = {"runOnly": {"type": "tag", "values": tags or WCAG_AA}}
    options["resultTypes"] = ["violations"]
    return page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", options
    )


def describe(violations: list[dict], where: str) -> list[str]:
    """One line per failing node: rule id, impact, target and help, for the failure text."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) at "
                f"{json.dumps(node['target'])}: {violation['help']} - "
                f"{node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return lines
