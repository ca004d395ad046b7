"""The security headers of every answer (Flask's after-request hook and the fast lane)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def security_headers(config: Mapping[str, Any], private: bool) -> list[tuple[str, str]]:
    """(name, value) pairs; ``private``: an answer to a signed-in user (session or token)."""
    headers = []
    if config.get("HSTS_SECONDS"):
        headers.append(("Strict-Transport-Security", f"max-age={config['HSTS_SECONDS']}"))
    if private:
        # Pages, exports and photos of a signed-in user: never kept by browsers or proxies.
        headers.append(("Cache-Control", "no-store, private"))
    headers += [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ]
    return headers
