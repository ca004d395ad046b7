"""Scanned copies of certificates: PDF, JPEG or PNG, checked by content (a renamed file of
another type is refused), limited in size, pictures re-encoded like finding photos (EXIF
and GPS dropped), kept in the file store (core.storage) under a name nobody can guess."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _

from safetyops.core.errors import ValidationFailed
from safetyops.core.storage import photo_store
from safetyops.rounds.photos import reencode

MIMETYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def kind_of(data: bytes) -> str | None:
    for magic, ext in SIGNATURES.items():
        if data.startswith(magic):
            return ext
    return None


def checked(data: bytes) -> tuple[bytes, str]:
    """The bytes to store and their extension; ValidationFailed on ``scan`` otherwise."""
    limit = current_app.config["CERTIFICATION_SCAN_MAX_BYTES"]
    if not data:
        raise ValidationFailed({"scan": _("The file is empty.")})
    if len(data) > limit:
        raise ValidationFailed(
            {"scan": _("A scanned copy can be at most %(mb)d MB.", mb=max(1, limit >> 20))}
        )
    ext = kind_of(data)
    if ext is None:
        raise ValidationFailed({"scan": _("Send a PDF, JPEG or PNG file.")})
    if ext == "pdf":
        if b"%%EOF" not in data[-1024:]:
            raise ValidationFailed({"scan": _("That PDF is incomplete or damaged.")})
        return data, ext
    try:
        return reencode(data, ext), ext
    except ValidationFailed:
        raise ValidationFailed({"scan": _("That picture could not be read.")}) from None


def store(certification_id: int, data: bytes, ext: str) -> str:
    name = f"cert-{certification_id}-{secrets.token_hex(8)}.{ext}"
    photo_store().save(name, data)
    return name


def read(name: str) -> tuple[bytes, str] | None:
    data = photo_store().read(name)
    if data is None:
        return None
    return data, MIMETYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
