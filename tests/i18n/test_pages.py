"""Every page of every role's navigation answers in Spanish and Vietnamese (a translation
with a broken placeholder would be a 500 here), with the page's <html lang> and no
English navigation left."""

from __future__ import annotations

import re

import pytest

from safetyops.accounts.models import User
from safetyops.core.navigation import navigation_for
from safetyops.extensions import db

DEMO_PASSWORD = "safetyops-demo"  # noqa: S105 - the documented demo password
ROLES = ["admin", "supervisor", "principal", "officer", "viewer"]
EXTRA = ["/campuses/AVE/compliance", "/campuses/AVE", "/notifications", "/account/notifications"]


@pytest.fixture
def demo(app):
    from safetyops.demo.district import load_demo

    load_demo()
    db.session.remove()
    return app


@pytest.mark.parametrize("locale", ["es", "vi"])
def test_every_page_of_every_role_in_the_language(demo, make_client, locale):
    from safetyops.scheduler.registry import run_job

    run_job("compliance-reminders")  # notifications to render, too
    for role in ROLES:
        email = f"{role}@demo.local"
        client = make_client()
        client.login(email, DEMO_PASSWORD)
        with demo.test_request_context():
            user = db.session.scalar(db.select(User).where(User.email == email))
            urls = [item["url"] for item in navigation_for(user)]
        for url in urls + EXTRA:
            response = client.get(url, headers={"Accept-Language": locale}, follow_redirects=True)
            assert response.status_code in (200, 404), (role, url, response.status_code)
            if response.status_code == 404:
                assert url in EXTRA  # a campus page this role may not see
                continue
            page = response.get_data(as_text=True)
            assert re.search(rf'<html lang="{locale}"', page), (role, url)
            assert ">Sign out<" not in page and ">Notifications<" not in page, (role, url)
