"""The photo rules without a database: what is refused from the header alone,
what is stored (bounded, upright, without metadata). Real images from Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dashboard.services.photos import MAX_SIDE, BadPhoto, clean_photo

LIMITS = {"max_bytes": 8 * 1024 * 1024, "max_pixels": 16_000_000}


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **options)
    return buf.getvalue()


@pytest.mark.parametrize("size", [(1, 16_000_000), (16_000_000, 1), (65_000, 240)])
def test_a_strip_within_16_mp_but_absurdly_long_is_refused_before_decoding(
    size: tuple[int, int],
) -> None:
    # A 1 × 16,000,000 PNG is 60 KB and took 4 s to clean: the pixel cap alone let it in.
    with pytest.raises(BadPhoto, match="12000"):
        clean_photo(encode(Image.new("RGB", size), "PNG"), **LIMITS)


def test_a_phone_jpeg_with_a_second_picture_inside_mpo_is_accepted_as_jpeg() -> None:
    first, depth = Image.new("RGB", (3000, 2000), (200, 30, 30)), Image.new("RGB", (300, 200))
    data = encode(first, "MPO", save_all=True, append_images=[depth])
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO"  # what Pillow calls it; the old code refused it

    photo = clean_photo(data, **LIMITS)

    assert (photo.mime, photo.width, photo.height) == ("image/jpeg", MAX_SIDE, 1365)
    with Image.open(io.BytesIO(photo.content)) as stored:
        assert stored.format == "JPEG" and stored.getpixel((10, 10))[0] > 150


def test_a_rotated_photo_is_stored_upright_and_bounded() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone upright
    data = encode(Image.new("RGB", (4000, 3000)), "JPEG", exif=exif.tobytes())

    photo = clean_photo(data, **LIMITS)

    # Decoded at half scale straight from the JPEG (2000 × 1500), then turned upright.
    assert (photo.width, photo.height) == (1500, 2000)
    with Image.open(io.BytesIO(photo.content)) as stored:
        assert len(stored.getexif()) == 0


def test_a_transparent_png_stays_a_png_and_a_small_photo_keeps_its_size() -> None:
    photo = clean_photo(encode(Image.new("RGBA", (640, 480), (0, 0, 0, 0)), "PNG"), **LIMITS)
    assert (photo.mime, photo.width, photo.height) == ("image/png", 640, 480)


@pytest.mark.parametrize("side", [7_100, 12_000])
def test_pillows_own_bomb_guard_never_escapes_as_an_error(side: int) -> None:
    # 50 MP: Pillow warns on open (the test run makes warnings errors); 144 MP:
    # Pillow refuses on open. Both are a BadPhoto naming the limit.
    data = encode(Image.new("1", (side, side)), "PNG")
    with pytest.raises(BadPhoto, match="16 MP"):
        clean_photo(data, **LIMITS)
