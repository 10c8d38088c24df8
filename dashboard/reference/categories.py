"""Complaint categories (kategori) with weight, deadline, routing and demo shape.

What belongs here: the fixed category list as immutable reference data. For
each category: its weight (bobot 1 light, 2 medium, 3 heavy: needs budget or
planning, so an EWS is expected instead of the 7-day deadline), the response
deadline in hours (first action; 6 h by Pergub 128/2017 as amended, 1 h for
fire), whether it is location-based (SOP step 2: disposed to the kelurahan of
the address) or not (disposed straight to the responsible agency), the code of
the responsible agency in ``agencies.py``, and two numbers that only shape the
demo data.

The real CRM had 118 categories in 2023; this is a representative subset of
~30 covering the ones named in the published studies.

``demo_share`` is the relative frequency of the category in demo data; the
shares sum to 1.0. The four largest are real: 2024 totals out of 185,852
reports (jalan 26,014 -> 0.140, pohon 19,683 -> 0.106, parkir liar 19,152 ->
0.103) and 2023 sampah 9,336 of 142,852 -> 0.065. The rest share the remaining
0.586 plausibly.

``unresolved_share`` is the share of tickets of the category that stays
unresolved longer in demo data. See the comment above CATEGORIES.

Categories served by a BUMD (water, public transport) are not location-based
here: the kelurahan cannot fix a water main or a bus route, so they go to the
company directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Weight = Literal[1, 2, 3]

DEFAULT_RESPONSE_HOURS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    code: str
    name: str
    weight: Weight
    response_hours: int = DEFAULT_RESPONSE_HOURS
    location_based: bool
    agency_code: str
    demo_share: float
    unresolved_share: float


# unresolved_share: iklan liar, sampah, tanaman bermasalah, mobilitas dan
# akses and parkir liar use the Jakarta Timur 2019/2020 figures (share of
# reports left unresolved, DESIGN.md section 6, averaged over the two years:
# 36/44 %, 28/26 %, 31/35 %, 32/25 %, 35/32 %). The other categories get low
# plausible values (0.03-0.10, heavy ones higher). Used only to shape demo data.
CATEGORIES: tuple[Category, ...] = (
    # --- the four largest (real 2023/2024 volumes) ---
    Category(
        code="jalan-rusak",
        name="Jalan Rusak",
        weight=2,
        location_based=True,
        agency_code="DINAS-BINA-MARGA",
        demo_share=0.140,
        unresolved_share=0.08,
    ),
    Category(
        code="pohon-tumbang",
        name="Pohon Tumbang",
        weight=1,
        response_hours=6,
        location_based=True,
        agency_code="DINAS-PERTAMANAN-HUTAN-KOTA",
        demo_share=0.106,
        unresolved_share=0.04,
    ),
    Category(
        code="parkir-liar",
        name="Parkir Liar",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERHUBUNGAN",
        demo_share=0.103,
        unresolved_share=0.33,
    ),
    Category(
        code="sampah",
        name="Sampah",
        weight=1,
        location_based=True,
        agency_code="DINAS-LINGKUNGAN-HIDUP",
        demo_share=0.065,
        unresolved_share=0.27,
    ),
    # --- named in the studies ---
    Category(
        code="iklan-liar",
        name="Iklan Liar",
        weight=1,
        location_based=True,
        agency_code="SATPOL-PP",
        demo_share=0.040,
        unresolved_share=0.40,
    ),
    Category(
        code="tanaman-bermasalah",
        name="Tanaman Bermasalah",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERTAMANAN-HUTAN-KOTA",
        demo_share=0.035,
        unresolved_share=0.33,
    ),
    Category(
        code="mobilitas-akses",
        name="Mobilitas dan Akses",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERHUBUNGAN",
        demo_share=0.030,
        unresolved_share=0.28,
    ),
    Category(
        code="kemacetan",
        name="Kemacetan",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERHUBUNGAN",
        demo_share=0.035,
        unresolved_share=0.06,
    ),
    Category(
        code="lalu-lintas",
        name="Lalu Lintas",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERHUBUNGAN",
        demo_share=0.030,
        unresolved_share=0.05,
    ),
    Category(
        code="pelanggaran-ketertiban",
        name="Pelanggaran Ketertiban Umum",
        weight=1,
        location_based=True,
        agency_code="SATPOL-PP",
        demo_share=0.035,
        unresolved_share=0.08,
    ),
    Category(
        code="sarana-prasarana",
        name="Sarana dan Prasarana Umum",
        weight=2,
        location_based=True,
        agency_code="DINAS-CITATA",
        demo_share=0.030,
        unresolved_share=0.08,
    ),
    Category(
        code="banjir-genangan",
        name="Banjir dan Genangan",
        weight=2,
        location_based=True,
        agency_code="DINAS-SUMBER-DAYA-AIR",
        demo_share=0.035,
        unresolved_share=0.07,
    ),
    Category(
        code="saluran-air",
        name="Saluran Air",
        weight=2,
        location_based=True,
        agency_code="DINAS-SUMBER-DAYA-AIR",
        demo_share=0.040,
        unresolved_share=0.09,
    ),
    Category(
        code="premanisme",
        name="Premanisme",
        weight=1,
        location_based=True,
        agency_code="SATPOL-PP",
        demo_share=0.008,
        unresolved_share=0.06,
    ),
    Category(
        code="pungutan-liar",
        name="Pungutan Liar",
        weight=1,
        location_based=False,
        agency_code="INSPEKTORAT-PROVINSI",
        demo_share=0.006,
        unresolved_share=0.10,
    ),
    Category(
        code="kerumunan",
        name="Kerumunan",
        weight=1,
        location_based=True,
        agency_code="SATPOL-PP",
        demo_share=0.010,
        unresolved_share=0.03,
    ),
    # --- other common categories ---
    Category(
        code="trotoar-rusak",
        name="Jalan Berlubang dan Trotoar Rusak",
        weight=2,
        location_based=True,
        agency_code="DINAS-BINA-MARGA",
        demo_share=0.025,
        unresolved_share=0.08,
    ),
    Category(
        # Street lighting (PJU) was Dinas Perindustrian dan Energi's job in 2017-2021.
        code="lampu-penerangan-jalan",
        name="Lampu Penerangan Jalan Umum",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERINDUSTRIAN-ENERGI",
        demo_share=0.030,
        unresolved_share=0.06,
    ),
    Category(
        code="pedagang-kaki-lima",
        name="Pedagang Kaki Lima",
        weight=1,
        location_based=True,
        agency_code="SATPOL-PP",
        demo_share=0.025,
        unresolved_share=0.10,
    ),
    Category(
        code="pencemaran-lingkungan",
        name="Pencemaran Lingkungan",
        weight=2,
        location_based=True,
        agency_code="DINAS-LINGKUNGAN-HIDUP",
        demo_share=0.012,
        unresolved_share=0.09,
    ),
    Category(
        code="pmks",
        name="Gelandangan, Pengemis dan PMKS",
        weight=1,
        location_based=True,
        agency_code="DINAS-SOSIAL",
        demo_share=0.012,
        unresolved_share=0.07,
    ),
    Category(
        code="pemakaman",
        name="Pemakaman (TPU)",
        weight=1,
        location_based=True,
        agency_code="DINAS-PERTAMANAN-HUTAN-KOTA",
        demo_share=0.006,
        unresolved_share=0.05,
    ),
    Category(
        code="kebakaran",
        name="Kebakaran",
        weight=1,
        response_hours=1,
        location_based=True,
        agency_code="DINAS-GULKARMAT",
        demo_share=0.004,
        unresolved_share=0.03,
    ),
    Category(
        code="bangunan-tanpa-izin",
        name="Bangunan Tanpa Izin",
        weight=3,
        location_based=True,
        agency_code="DINAS-CITATA",
        demo_share=0.015,
        unresolved_share=0.10,
    ),
    Category(
        code="infrastruktur-besar",
        name="Pembangunan Jembatan dan Infrastruktur Besar",
        weight=3,
        location_based=True,
        agency_code="DINAS-BINA-MARGA",
        demo_share=0.005,
        unresolved_share=0.10,
    ),
    # --- non-location-based: disposed straight to the agency ---
    Category(
        code="pelayanan-kesehatan",
        name="Pelayanan Kesehatan",
        weight=1,
        location_based=False,
        agency_code="DINAS-KESEHATAN",
        demo_share=0.015,
        unresolved_share=0.05,
    ),
    Category(
        code="pelayanan-kependudukan",
        name="Pelayanan Kependudukan (KTP, KK, Akta)",
        weight=1,
        location_based=False,
        agency_code="DINAS-DUKCAPIL",
        demo_share=0.020,
        unresolved_share=0.04,
    ),
    Category(
        code="bantuan-sosial",
        name="Bantuan Sosial",
        weight=1,
        location_based=False,
        agency_code="DINAS-SOSIAL",
        demo_share=0.020,
        unresolved_share=0.08,
    ),
    Category(
        code="pendidikan",
        name="Pendidikan dan Sekolah",
        weight=1,
        location_based=False,
        agency_code="DINAS-PENDIDIKAN",
        demo_share=0.012,
        unresolved_share=0.05,
    ),
    Category(
        code="pajak-daerah",
        name="Pajak Daerah (PBB, BPHTB, Kendaraan)",
        weight=1,
        location_based=False,
        agency_code="BADAN-BAPENDA",
        demo_share=0.007,
        unresolved_share=0.04,
    ),
    Category(
        code="perizinan",
        name="Perizinan dan Pelayanan Terpadu Satu Pintu",
        weight=1,
        location_based=False,
        agency_code="DINAS-PMPTSP",
        demo_share=0.006,
        unresolved_share=0.05,
    ),
    Category(
        code="air-bersih",
        name="Air Bersih (PAM)",
        weight=2,
        location_based=False,
        agency_code="BUMD-PAM-JAYA",
        demo_share=0.020,
        unresolved_share=0.07,
    ),
    Category(
        code="transportasi-umum",
        name="Transportasi Umum (Transjakarta)",
        weight=1,
        location_based=False,
        agency_code="BUMD-TRANSJAKARTA",
        demo_share=0.018,
        unresolved_share=0.05,
    ),
)
