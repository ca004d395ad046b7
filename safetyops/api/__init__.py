"""The JSON API under /api/v1 (session or Bearer token)."""

from safetyops.api import rounds, views  # noqa: F401 - register the routes
from safetyops.api.blueprint import bp

__all__ = ["bp"]
