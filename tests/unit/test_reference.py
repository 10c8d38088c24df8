"""Reference data: the Jakarta area tree, agencies, categories and channels."""

from __future__ import annotations

import math
import re

import pytest

from dashboard import reference
from dashboard.reference import (
    AGENCIES,
    CATEGORIES,
    CHANNELS,
    JAKARTA_BBOX,
    Kota,
    agency_by_code,
    all_kecamatan,
    all_kelurahan,
    category_by_code,
    channel_by_code,
    in_jakarta,
    jakarta_areas,
    kecamatan_by_code,
    kecamatan_of_kelurahan,
    kelurahan_by_code,
    kota_by_code,
    kota_of_kecamatan,
)
from dashboard.reference.areas import kelurahan_centres

MONAS = (-6.1754, 106.8272)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def all_codes() -> list[str]:
    codes: list[str] = []
    for kota in jakarta_areas():
        codes.append(kota.code)
        for kec in kota.kecamatan:
            codes.append(kec.code)
            codes.extend(kel.code for kel in kec.kelurahan)
    codes += [a.code for a in AGENCIES]
    codes += [c.code for c in CATEGORIES]
    codes += [c.code for c in CHANNELS]
    return codes


# --- areas -----------------------------------------------------------------


def test_jakarta_has_6_kota_44_kecamatan_and_267_kelurahan() -> None:
    kota = jakarta_areas()
    assert len(kota) == 6
    assert sum(len(k.kecamatan) for k in kota) == 44
    assert sum(len(kec.kelurahan) for k in kota for kec in k.kecamatan) == 267
    assert len(all_kecamatan()) == 44
    assert len(all_kelurahan()) == 267


def test_jakarta_timur_has_10_kecamatan_and_65_kelurahan() -> None:
    timur = kota_by_code("JKT-TIM")
    assert timur.name == "Jakarta Timur"
    assert len(timur.kecamatan) == 10
    assert sum(len(kec.kelurahan) for kec in timur.kecamatan) == 65


def test_kota_names_lose_their_administrative_prefix() -> None:
    names = {k.name: k.kind for k in jakarta_areas()}
    assert names == {
        "Jakarta Barat": "kota",
        "Jakarta Pusat": "kota",
        "Jakarta Selatan": "kota",
        "Jakarta Timur": "kota",
        "Jakarta Utara": "kota",
        "Kepulauan Seribu": "kabupaten",
    }


def test_kota_carry_their_2019_population() -> None:
    assert kota_by_code("JKT-TIM").population == 2_937_859
    assert kota_by_code("JKT-SERIBU").population == 24_295
    assert sum(k.population for k in jakarta_areas()) == 10_557_810


def test_kelurahan_names_drop_the_parenthetical_alias() -> None:
    names = {kel.name for kel in all_kelurahan()}
    assert "Sukabumi Selatan" in names
    assert "Koja" in names
    assert not any("(" in name for name in names)


def test_postal_codes_are_five_digit_strings() -> None:
    assert all(re.fullmatch(r"1[0-4]\d{3}", kel.postal_code) for kel in all_kelurahan())


def test_all_codes_are_unique_across_every_kind() -> None:
    codes = all_codes()
    lowered = [c.lower() for c in codes]
    assert len(set(lowered)) == len(lowered)


def test_all_codes_are_ascii_slugs() -> None:
    assert all(re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", c) for c in all_codes())


def test_area_codes_follow_the_naming_scheme() -> None:
    assert kota_by_code("JKT-BAR").name == "Jakarta Barat"
    assert kecamatan_by_code("KEC-CENGKARENG").name == "Cengkareng"
    assert kelurahan_by_code("KEL-DURI-KOSAMBI").name == "Duri Kosambi"
    assert all(k.code.startswith("JKT-") for k in jakarta_areas())
    assert all(kec.code.startswith("KEC-") for kec in all_kecamatan())
    assert all(kel.code.startswith("KEL-") for kel in all_kelurahan())


def test_parent_lookups_walk_up_the_tree() -> None:
    assert kecamatan_of_kelurahan("KEL-JATINEGARA").name == "Cakung"
    assert kota_of_kecamatan("KEC-CAKUNG").code == "JKT-TIM"


def test_unknown_codes_raise_key_error() -> None:
    with pytest.raises(KeyError):
        kelurahan_by_code("KEL-ATLANTIS")
    with pytest.raises(KeyError):
        agency_by_code("DINAS-SIHIR")


def test_kota_is_available_lazily_as_a_module_attribute() -> None:
    assert [k.code for k in reference.KOTA] == [k.code for k in jakarta_areas()]
    assert all(isinstance(k, Kota) for k in reference.KOTA)


def test_every_centre_lies_inside_the_jakarta_bbox() -> None:
    for kota in jakarta_areas():
        assert in_jakarta(kota.lat, kota.lon), kota.name
        for kec in kota.kecamatan:
            assert in_jakarta(kec.lat, kec.lon), kec.name
            for kel in kec.kelurahan:
                assert in_jakarta(kel.lat, kel.lon), kel.name


def test_every_kelurahan_centre_is_within_3_km_of_its_kecamatan_centre() -> None:
    for kec in all_kecamatan():
        for kel in kec.kelurahan:
            assert distance_km(kec.lat, kec.lon, kel.lat, kel.lon) <= 3.0, kel.name


def test_kelurahan_of_one_kecamatan_do_not_coincide() -> None:
    for kec in all_kecamatan():
        points = [(kel.lat, kel.lon) for kel in kec.kelurahan]
        for i, a in enumerate(points):
            for b in points[i + 1 :]:
                assert distance_km(*a, *b) > 0.3, kec.name


def test_kelurahan_centres_are_deterministic() -> None:
    names = ["Pulau Pari", "Pulau Tidung", "Pulau Untung Jawa"]
    first = kelurahan_centres("KEC-X", -5.88, 106.61, names)
    assert first == kelurahan_centres("KEC-X", -5.88, 106.61, list(reversed(names)))


def test_mainland_kecamatan_are_within_20_km_of_monas() -> None:
    for kota in jakarta_areas():
        if kota.kind == "kota":
            for kec in kota.kecamatan:
                assert distance_km(*MONAS, kec.lat, kec.lon) < 20, kec.name


def test_kepulauan_seribu_lies_north_of_the_bay() -> None:
    seribu = kota_by_code("JKT-SERIBU")
    for kec in seribu.kecamatan:
        assert -6.0 < kec.lat < -5.5, kec.name


def test_jakarta_bbox_rejects_bandung_and_accepts_monas() -> None:
    min_lat, min_lon, max_lat, max_lon = JAKARTA_BBOX
    assert min_lat < max_lat and min_lon < max_lon
    assert in_jakarta(*MONAS)
    assert not in_jakarta(-6.9175, 107.6191)


# --- agencies, categories, channels -----------------------------------------


def test_there_are_about_40_agencies_and_10_bumd() -> None:
    assert 35 <= len(AGENCIES) <= 50
    assert sum(a.kind == "bumd" for a in AGENCIES) == 10
    assert {a.kind for a in AGENCIES} == {"agency", "bumd"}
    assert "BIRO-PEMERINTAHAN" not in {a.code for a in AGENCIES}  # a validator body
    assert agency_by_code("BUMD-PAM-JAYA").kind == "bumd"
    assert agency_by_code("DINAS-BINA-MARGA").kind == "agency"


def test_every_category_is_handled_by_an_existing_agency() -> None:
    agency_codes = {a.code for a in AGENCIES}
    for cat in CATEGORIES:
        assert cat.agency_code in agency_codes, cat.code


def test_categories_have_valid_weights_deadlines_and_shares() -> None:
    assert len(CATEGORIES) >= 28
    for cat in CATEGORIES:
        assert cat.weight in (1, 2, 3)
        assert cat.response_hours > 0
        assert cat.demo_share > 0
        assert 0.0 <= cat.unresolved_share <= 1.0
    assert math.isclose(sum(c.demo_share for c in CATEGORIES), 1.0, abs_tol=1e-9)


def test_categories_reflect_the_published_figures() -> None:
    assert category_by_code("jalan-rusak").agency_code == "DINAS-BINA-MARGA"
    assert category_by_code("jalan-rusak").weight == 2
    assert category_by_code("kebakaran").response_hours == 1
    assert category_by_code("bangunan-tanpa-izin").weight == 3
    assert category_by_code("iklan-liar").unresolved_share == pytest.approx(0.40)
    assert not category_by_code("pungutan-liar").location_based
    top = sorted(CATEGORIES, key=lambda c: c.demo_share, reverse=True)[:4]
    assert [c.code for c in top] == ["jalan-rusak", "pohon-tumbang", "parkir-liar", "sampah"]


def test_there_are_14_channels_of_which_the_5_offices_are_offline() -> None:
    assert len(CHANNELS) == 14
    offline = {c.code for c in CHANNELS if not c.online}
    assert offline == {"kelurahan", "kecamatan", "walikota", "balaikota", "inspektorat"}
    assert channel_by_code("jaki").online


def test_channel_shares_are_positive_and_jaki_dominates() -> None:
    assert all(c.demo_share > 0 for c in CHANNELS)
    assert math.isclose(sum(c.demo_share for c in CHANNELS), 1.0, abs_tol=1e-9)
    assert max(CHANNELS, key=lambda c: c.demo_share).code == "jaki"
