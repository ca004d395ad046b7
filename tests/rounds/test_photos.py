"""Finding photos: re-encoded without EXIF (a phone's GPS position never reaches the
store), turned upright, refused when unreadable, and kept in the configured store."""

from __future__ import annotations

import io
import uuid

import fsspec
import pytest
from PIL import Image

from tests.rounds.test_rounds import result, start

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _phone_jpeg() -> bytes:
    """A 6x4 JPEG as a phone writes it: rotated by an EXIF tag, with a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90 degrees clockwise to display"
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 44.0, 21.0), 3: "W", 4: (104.0, 59.0, 3.0)})
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (250, 250, 0)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _upload(client, plan, data: bytes, name: str):
    round_ = start(client, plan.id)
    body = result(plan.stops[0].checkpoint_id, "problem", finding_kind="damaged")
    client.post_json(f"/api/v1/rounds/{round_['id']}/results", body)
    response = client.http.post(
        f"/api/v1/results/{body['id']}/photo",
        data={"photo": (io.BytesIO(data), name)},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    return body["id"], response


def test_exif_and_gps_are_stripped_and_the_picture_turned_upright(client, two_campuses, plan):
    original = _phone_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the phone's GPS
    client.login(two_campuses["officer_a"])
    result_id, response = _upload(client, plan, original, "door.jpg")
    assert response.status_code == 200, response.get_data(as_text=True)
    shown = client.get(f"/photos/{result_id}")
    assert shown.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(shown.data)) as stored:
        exif = stored.getexif()
        assert not exif.get_ifd(GPS_IFD) and ORIENTATION not in exif and 0x010F not in exif
        assert stored.size == (4, 6)  # turned upright as the phone meant it


def test_an_unreadable_image_is_refused(client, two_campuses, plan):
    client.login(two_campuses["officer_a"])
    _result_id, response = _upload(client, plan, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "x.png")
    assert response.status_code == 400 and response.json["field"] == "photo"


def test_photos_go_to_the_configured_store(app, client, two_campuses, plan):
    url = f"memory://photos-{uuid.uuid4().hex}"
    app.config["PHOTO_STORE_URL"] = url
    client.login(two_campuses["officer_a"])
    picture = io.BytesIO()
    Image.new("RGB", (3, 3), (0, 0, 0)).save(picture, "PNG")
    result_id, response = _upload(client, plan, picture.getvalue(), "p.png")
    assert response.status_code == 200
    fs, root = fsspec.core.url_to_fs(url)
    assert fs.exists(f"{root}/{result_id}.png")
    assert client.get(f"/photos/{result_id}").status_code == 200


@pytest.mark.parametrize("name", ["../escape.png", ".hidden"])
def test_the_store_takes_plain_names_only(app, name):
    from safetyops.core.storage import PhotoStore

    with pytest.raises(ValueError):
        PhotoStore("memory://x").save(name, b"x")
