"""The JSON API under /api/v1 (session or Bearer token)."""
