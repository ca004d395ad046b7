"""Hash chains over evidence: the canonical content of a record and the link hash that ties
each sealed record to the one before it in its campus's chain. Pure: no Flask, no
database, no clock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of a chain's first link


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def content_hash(record_type: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON: sorted keys, ISO dates, no whitespace. The
    same content gives the same hash on SQLite and PostgreSQL."""
    canonical = json.dumps(
        {"type": record_type, "fields": _plain(fields)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_hash(prev_hash: str, record_type: str, record_id: str, version: int, content: str) -> str:
    """The link: changing any sealed record, or removing or reordering a link, changes
    every hash after it."""
    material = f"{prev_hash}|{record_type}|{record_id}|{version}|{content}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
