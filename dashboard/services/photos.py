"""Checking and cleaning uploaded photos.

A naive re-save keeps the JPEG comment and loses the orientation, so every
image is rotated upright, its pixels copied into a fresh image, and that is
saved: no EXIF, GPS, XMP or comment survives.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAGIC = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
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


def clean_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Validate an upload and return a metadata-free re-encoding of it."""
    if len(data) > max_bytes:
        raise BadPhoto(f"foto lebih dari {max_bytes // (1024 * 1024)} MB (photo too large)")
    fmt = _sniff(data)
    if fmt is None:
        raise BadPhoto("bukan gambar JPEG, PNG atau WebP (not a JPEG, PNG or WebP image)")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != fmt:
                raise BadPhoto("isi file tidak sesuai jenisnya (content does not match type)")
            if probe.width * probe.height > max_pixels:
                raise BadPhoto("resolusi foto terlalu besar (too many pixels)")
            probe.load()
            upright = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise BadPhoto("gambar rusak atau tidak dapat dibaca (unreadable image)") from exc
    mode = "RGBA" if fmt == "PNG" and upright.mode in ("RGBA", "LA", "P") else "RGB"
    fresh = Image.new(mode, upright.size)
    fresh.paste(upright.convert(mode))
    out = io.BytesIO()
    if mode == "RGBA":
        fresh.save(out, format="PNG", optimize=True)
        mime = "image/png"
    else:
        fresh.save(out, format="JPEG", quality=85)
        mime = "image/jpeg"
    content = out.getvalue()
    return CleanPhoto(
        content=content,
        mime=mime,
        width=fresh.width,
        height=fresh.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )
