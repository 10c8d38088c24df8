"""Checking and cleaning uploaded photos.

A naive re-save keeps the JPEG comment and loses the orientation, so every
image is rotated upright, its pixels copied into a fresh image, and that is
saved: no EXIF, GPS, XMP or comment survives.

The cost of a photo is its pixels, not its bytes: a 116 KB PNG can hold
40 million pixels (160 MB decoded). So the pixel count is read from the
header and refused *before* anything is decoded, a JPEG is decoded at a
reduced scale straight from its DCT data (``draft``), and what is stored is
at most ``MAX_SIDE`` pixels on its longest side.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAGIC = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}

# The longest side of a stored photo: enough to read a street sign.
MAX_SIDE = 2048
# The longest side an upload may have. A 16 MP limit alone would admit a
# 1 × 16,000,000 strip, which costs seconds per photo in per-row overhead; no
# camera makes a side this long within 16 MP (a 4:1 panorama is 8,000 × 2,000).
MAX_UPLOAD_SIDE = 12_000

# Pillow's own bomb guard: a warning above this, an error above twice this, on
# open. clean_photo checks its own max_pixels right after open, before any
# decoding, so it silences the warning and turns the error into a BadPhoto.
Image.MAX_IMAGE_PIXELS = 40_000_000

# EXIF orientation -> the transpose that makes the picture upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class BadPhoto(ValueError):
    pass


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    mime: str
    width: int
    height: int
    sha256: str


def _sniff(data: bytes) -> str | None:
    for magic, fmt in MAGIC.items():
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g} MP"


def clean_photo(
    data: bytes, *, max_bytes: int, max_pixels: int, max_side: int = MAX_SIDE
) -> CleanPhoto:
    """Validate an upload and return a metadata-free, bounded re-encoding of it."""
    if len(data) > max_bytes:
        raise BadPhoto(f"foto lebih dari {max_bytes // (1024 * 1024)} MB (photo too large)")
    fmt = _sniff(data)
    if fmt is None:
        raise BadPhoto("bukan gambar JPEG, PNG atau WebP (not a JPEG, PNG or WebP image)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                small = _decode_bounded(probe, fmt, max_pixels=max_pixels, max_side=max_side)
    except BadPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadPhoto(
            f"resolusi foto melebihi batas {_megapixels(max_pixels)} (too many pixels)"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise BadPhoto("gambar rusak atau tidak dapat dibaca (unreadable image)") from exc
    out = io.BytesIO()
    if small.mode == "RGBA":
        small.save(out, format="PNG")
        mime = "image/png"
    else:
        small.save(out, format="JPEG", quality=85)
        mime = "image/jpeg"
    content = out.getvalue()
    return CleanPhoto(
        content=content,
        mime=mime,
        width=small.width,
        height=small.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _decode_bounded(probe: Image.Image, fmt: str, *, max_pixels: int, max_side: int) -> Image.Image:
    """The upright picture, at most ``max_side`` on its longest side, in a fresh
    image that carries none of the upload's metadata. Refuses before decoding
    when the header announces more than ``max_pixels``."""
    # A phone's JPEG with a second picture in it (a depth map, a gain map) is
    # MPO to Pillow: still a JPEG, and only its first picture is kept.
    if probe.format != fmt and not (fmt == "JPEG" and probe.format == "MPO"):
        raise BadPhoto("isi file tidak sesuai jenisnya (content does not match type)")
    width, height = probe.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise BadPhoto(
            f"resolusi foto {width}×{height} piksel melebihi batas {_megapixels(max_pixels)} "
            f"(too many pixels: at most {_megapixels(max_pixels)})"
        )
    if max(width, height) > MAX_UPLOAD_SIDE:
        raise BadPhoto(
            f"sisi foto {width}×{height} piksel melebihi batas {MAX_UPLOAD_SIDE} piksel "
            f"(a side longer than {MAX_UPLOAD_SIDE} px)"
        )
    orientation = probe.getexif().get(0x0112)
    mode = "RGBA" if fmt == "PNG" and probe.mode in ("RGBA", "LA", "P", "PA") else "RGB"
    # A whole factor that still leaves at least 90 % of max_side: shrinking by
    # it is cheap (JPEG: decoded at that scale from its DCT data, so the
    # full-size pixels are never in memory; others: a box reduction), and a
    # 12 MP phone photo (4032 × 3024) becomes 2016 × 1512 with no resampling.
    factor = max(width, height) * 10 // (max_side * 9)
    if factor >= 2 and fmt == "JPEG":
        probe.draft("RGB", (-(-width // factor), -(-height // factor)))
    picture = probe.convert(mode) if probe.mode != mode else probe
    if factor >= 2 and fmt != "JPEG":
        picture = picture.reduce(factor)
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.BICUBIC, reducing_gap=None)
    transpose = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    if transpose is not None:
        picture = picture.transpose(transpose)
    fresh = Image.new(mode, picture.size)
    fresh.paste(picture)
    return fresh
