"""Benchmark: the cost of cleaning one uploaded photo (``services.photos.clean_photo``).

Five uploads, generated with Pillow into a temp directory: the 6,300×6,300
PNG "bomb" (one colour, ≈116 KB on disk, 40 MP decoded), a flat 4,000×4,000
PNG (the largest a PNG may be now: the worst case that is decoded), a 16 MP camera
JPEG (4,608×3,456), a 12 MP phone JPEG (4,032×3,024) and a 4 MP phone JPEG
(2,304×1,728, EXIF-rotated). Each
is cleaned in a fresh subprocess, so the figures are that one call's: wall
time, the process's peak resident memory (``VmHWM``) and its growth over
the same process just before the call (imports and the upload's bytes
already loaded; Pillow allocates outside Python's allocator, so tracemalloc
would not see the pixels).

    .venv/bin/python bench/photos.py [--against /work/main] [--repeat 3]

``--against`` names a second checkout whose ``clean_photo`` (with that
checkout's ``MAX_PHOTO_PIXELS`` / ``MAX_PHOTO_BYTES`` defaults) is measured
the same way, for a before/after table. Every loop is bounded by count.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import importlib.util, json, sys, time

def hwm_kb():
    # The process's peak resident set (VmHWM): per address space, so not the
    # parent's (ru_maxrss would carry the forking parent's peak on Linux).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

def load(name):
    # The one file, not the dashboard package (whose imports would dwarf the figures).
    path = f"{sys.argv[1]}/dashboard/{name}.py"
    spec = importlib.util.spec_from_file_location(name.replace("/", "_"), path)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

photos = load("services/photos")
cfg = load("config").defaults("/tmp")
data = open(sys.argv[2], "rb").read()
before = hwm_kb()
t = time.perf_counter()
try:
    out = photos.clean_photo(
        data, max_bytes=cfg["MAX_PHOTO_BYTES"], max_pixels=cfg["MAX_PHOTO_PIXELS"]
    )
    result = f"stored {out.width}x{out.height} {out.mime} {len(out.content) // 1024} KB"
except photos.BadPhoto as exc:
    result = f"refused: {exc}"
seconds = time.perf_counter() - t
peak = hwm_kb()
print(json.dumps({"s": seconds, "peak_kb": peak, "growth_kb": peak - before, "result": result}))
"""


def make_inputs(folder: Path) -> dict[str, Path]:
    from PIL import Image

    def save(name: str, image: Image.Image, fmt: str, **kw: object) -> Path:
        buf = io.BytesIO()
        image.save(buf, format=fmt, **kw)
        path = folder / name
        path.write_bytes(buf.getvalue())
        return path

    def camera(size: tuple[int, int]) -> Image.Image:
        # Smooth light plus sensor-like noise: compresses like a photograph, not a flat fill.
        w, h = size
        light = Image.radial_gradient("L").resize(size)
        noise = Image.effect_noise(size, 24)
        return Image.merge("RGB", (light, noise, Image.linear_gradient("L").resize(size)))

    inputs = {
        "PNG bomb 6300x6300 (40 MP)": save("bomb.png", Image.new("RGB", (6300, 6300)), "PNG"),
        "PNG 16 MP 4000x4000 (limit)": save("flat16.png", Image.new("RGB", (4000, 4000)), "PNG"),
    }
    inputs["JPEG 16 MP 4608x3456"] = save("camera16.jpg", camera((4608, 3456)), "JPEG", quality=90)
    inputs["JPEG 12 MP phone 4032x3024"] = save(
        "phone12.jpg", camera((4032, 3024)), "JPEG", quality=90
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the phone was held upright
    exif[0x010F] = "PhoneMaker"
    inputs["JPEG 4 MP phone 2304x1728"] = save(
        "phone4.jpg", camera((2304, 1728)), "JPEG", quality=90, exif=exif.tobytes()
    )
    return inputs


def measure(root: Path, upload: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), str(upload)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "s": statistics.median(r["s"] for r in runs),
        "peak_mb": max(r["peak_kb"] for r in runs) / 1024,
        "growth_mb": max(r["growth_kb"] for r in runs) / 1024,
        "result": runs[-1]["result"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout, measured as 'before'")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roots = [("after", ROOT)]
    if args.against:
        roots.insert(0, ("before", args.against.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        print(
            f"{'upload':<28} {'code':<7} {'KB in':>6} {'time s':>7} {'peak MB':>8} "
            f"{'growth MB':>9}  result"
        )
        for label, path in inputs.items():
            for name, root in roots:
                m = measure(root, path, args.repeat)
                print(
                    f"{label:<28} {name:<7} {path.stat().st_size // 1024:>6} {m['s']:>7.3f} "
                    f"{m['peak_mb']:>8.1f} {m['growth_mb']:>9.1f}  {m['result']}"
                )


if __name__ == "__main__":
    main()
