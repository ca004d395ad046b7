"""Finding photos: type and size checked by content, re-encoded with Pillow (which drops
the EXIF data a phone adds, GPS position included, after turning the picture upright), and
kept in the photo store (core.storage: instance/photos, or an S3-compatible bucket)."""

from __future__ import annotations

import io
import warnings

from flask import current_app
from flask_babel import gettext as _

from safetyops.audit import operations as audit
from safetyops.core.errors import ValidationFailed
from safetyops.core.storage import photo_store
from safetyops.extensions import db
from safetyops.rounds.models import RoundResult

# Magic numbers, so a renamed file of another type is refused.
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
MIMETYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MAX_PIXELS = 40_000_000  # far above any tablet camera; refuses decompression bombs


def reencode(data: bytes, ext: str) -> bytes:
    """The picture alone: upright, without EXIF or other metadata. ValidationFailed if it
    is not a readable image."""
    from PIL import Image, ImageOps  # only photo uploads need Pillow (cold start)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationFailed({"photo": _("That photo is too large to read.")})
                upright = ImageOps.exif_transpose(image) or image
                if FORMATS[ext] == "JPEG" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, format=FORMATS[ext], quality=85)  # no exif= : none kept
                return out.getvalue()
    except (OSError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed({"photo": _("That photo could not be read.")}) from None


def _kind(data: bytes) -> str | None:
    for magic, ext in SIGNATURES.items():
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def attach_photo(result: RoundResult, data: bytes) -> str:
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(data) > limit:
        raise ValidationFailed({"photo": _("Photos can be at most %(mb)d MB.", mb=limit >> 20)})
    ext = _kind(data)
    if ext is None:
        raise ValidationFailed({"photo": _("Send a JPEG, PNG or WebP photo.")})
    if result.photo:
        return result.photo  # a retried upload: the first one stands
    clean = reencode(data, ext)
    name = f"{result.id}.{ext}"
    photo_store().save(name, clean)
    result.photo = name
    audit.record(
        "attach_photo",
        "round_result",
        result.id,
        {"photo": [None, name]},
        campus_id=result.round.campus_id,
    )
    db.session.commit()
    return name


def photo_bytes(result: RoundResult) -> tuple[bytes, str] | None:
    """The stored photo and its media type, or None."""
    if not result.photo:
        return None
    data = photo_store().read(result.photo)
    if data is None:
        return None
    return data, MIMETYPES.get(result.photo.rsplit(".", 1)[-1], "application/octet-stream")
