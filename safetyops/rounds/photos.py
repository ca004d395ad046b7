"""Finding photos: type and size checked by content, stored under instance/photos/."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from safetyops.audit import operations as audit
from safetyops.core.errors import ValidationFailed
from safetyops.extensions import db
from safetyops.rounds.models import RoundResult

# Magic numbers, so a renamed file of another type is refused.
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def photo_dir() -> Path:
    path = Path(current_app.instance_path) / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    name = f"{result.id}.{ext}"
    target = photo_dir() / name
    temporary = target.with_suffix(".part")
    temporary.write_bytes(data)
    temporary.replace(target)  # atomic: never a half-written photo
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


def photo_path(result: RoundResult) -> Path | None:
    if not result.photo:
        return None
    path = photo_dir() / result.photo
    return path if path.is_file() else None
