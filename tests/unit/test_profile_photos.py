"""A VP's photo is re-encoded on upload: bounded, JPEG, without EXIF (no GPS position),
and anything that is not a readable JPEG/PNG/WebP photo is refused with its reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from vppool.errors import ValidationFailed
from vppool.services import profile_photos
from vppool.services.profile_photos import MAX_UPLOAD_BYTES, SIZE, reencode

#: EXIF tag numbers: the GPS block and the camera's orientation.
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(size: tuple[int, int] = (1200, 900), *, orientation: int = 1) -> bytes:
    """A JPEG such as a phone makes: a GPS position and an orientation in its EXIF."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))  # blue left half
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 5.0, 30.0)
    gps[3] = "E"
    gps[4] = (4.0, 53.0, 10.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_stored_photo_has_no_exif_and_is_bounded() -> None:
    original = photo_with_gps()
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()  # the test's premise
    stored = reencode(original)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == SIZE
        assert image.size == (SIZE, SIZE * 900 // 1200)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    assert b"Exif" not in stored
    assert b"PhoneMaker" not in stored


def test_the_cameras_turn_is_applied_before_the_exif_goes() -> None:
    """Orientation 6 (turned 90 degrees): a landscape file shows as a portrait photo."""
    stored = reencode(photo_with_gps((800, 600), orientation=6))
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (300, 400)


def test_png_with_transparency_and_webp_are_taken() -> None:
    for kind, mode in (("PNG", "RGBA"), ("WEBP", "RGB"), ("PNG", "P")):
        out = io.BytesIO()
        Image.new(mode, (120, 80)).save(out, format=kind)
        with Image.open(io.BytesIO(reencode(out.getvalue()))) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (120, 80))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7 not a photo", "not a photo that can be read"),
        (b"\x89PNG\r\n\x1a\n", "not a photo that can be read"),  # a PNG's start only
        (b"GIF89a" + b"\0" * 20, "not a photo that can be read"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "larger than the limit of 5 MB"),
    ],
)
def test_what_is_not_a_photo_is_refused(content: bytes, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reencode(content)
    (error,) = refused.value.errors
    assert error.field == "photo"
    assert words in error.message


def test_a_gif_is_refused_though_pillow_reads_it() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationFailed, match="JPEG, PNG or WebP"):
        reencode(out.getvalue())


def test_a_decompression_bomb_is_refused() -> None:
    """A small PNG that would unpack to more pixels than Pillow's limit."""
    side = int((Image.MAX_IMAGE_PIXELS or 0) ** 0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    assert len(out.getvalue()) < MAX_UPLOAD_BYTES  # small as a file
    with pytest.raises(ValidationFailed, match="too many pixels"):
        reencode(out.getvalue())


def test_a_data_url_only_for_a_photo() -> None:
    assert profile_photos.data_url(None) is None
    assert profile_photos.data_url(b"\xff\xd8") == "data:image/jpeg;base64,/9g="
