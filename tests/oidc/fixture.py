"""A real OpenID Connect provider (Node's oidc-provider, tests/oidc/provider.mjs) on a free
local port, and a browser-less user agent that walks its sign-in form."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_installed() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    if shutil.which("npm") is None:
        raise pytest.UsageError("npm is needed for the SSO tests (Node's oidc-provider)")
    subprocess.run(  # noqa: S603, S607 - npm from PATH, fixed arguments
        ["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300
    )


class Provider:
    def __init__(self, clients: list[dict]):
        ensure_installed()
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PORT": str(self.port), "CLIENTS": json.dumps(clients)}
        self.process = subprocess.Popen(  # noqa: S603, S607 - node from PATH, our own script
            ["node", str(HERE / "provider.mjs")], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID Connect provider did not start")

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def sign_in_at_provider(agent: requests.Session, response: requests.Response, login: str):
    """Fill the provider's sign-in form (any login is accepted: it becomes the email), then
    its consent form; returns the response after the provider sends us back."""
    for _ in range(4):
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', response.text)
        if form is None:
            return response
        action = unescape(form.group(1))
        url = requests.compat.urljoin(response.url, action)
        if 'name="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        response = agent.post(url, data=data, allow_redirects=True, timeout=10)
    return response
