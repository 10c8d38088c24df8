"""Provincial agencies (SKPD/UKPD) and province-owned companies (BUMD) of DKI Jakarta.

What belongs here: the fixed list of non-territorial units that can receive,
coordinate or handle a ticket, as immutable reference data (stable code,
official name, kind, short name). Kota, kecamatan and kelurahan live in
``areas.py``; which agency handles which category lives in ``categories.py``.

Names follow the Jakarta nomenclature of 2017-2021 (Perda 5/2016 and its
amendments), the period the published CRM figures come from; e.g. street
lighting (PJU) was then the job of Dinas Perindustrian dan Energi. "Dinas
Citata" is the short name of Dinas Cipta Karya, Tata Ruang dan Pertanahan, so
it appears once. Codes are stable ASCII upper-case slugs, prefixed by the
unit's form (``DINAS-``, ``BADAN-``, ``BIRO-``, ``BUMD-``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AgencyKind = Literal["agency", "bumd"]


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind
    short: str


def _agency(code: str, name: str, short: str) -> Agency:
    return Agency(code=code, name=name, kind="agency", short=short)


def _bumd(code: str, name: str, short: str) -> Agency:
    return Agency(code=code, name=name, kind="bumd", short=short)


AGENCIES: tuple[Agency, ...] = (
    # Dinas (services)
    _agency("DINAS-BINA-MARGA", "Dinas Bina Marga", "Bina Marga"),
    _agency("DINAS-LINGKUNGAN-HIDUP", "Dinas Lingkungan Hidup", "DLH"),
    _agency("DINAS-PERHUBUNGAN", "Dinas Perhubungan", "Dishub"),
    _agency("DINAS-PERTAMANAN-HUTAN-KOTA", "Dinas Pertamanan dan Hutan Kota", "Distamhut"),
    _agency("DINAS-SUMBER-DAYA-AIR", "Dinas Sumber Daya Air", "Dinas SDA"),
    _agency("DINAS-CITATA", "Dinas Cipta Karya, Tata Ruang dan Pertanahan", "Citata"),
    _agency("DINAS-KESEHATAN", "Dinas Kesehatan", "Dinkes"),
    _agency("DINAS-PENDIDIKAN", "Dinas Pendidikan", "Disdik"),
    _agency("DINAS-SOSIAL", "Dinas Sosial", "Dinsos"),
    _agency(
        "DINAS-PERUMAHAN",
        "Dinas Perumahan Rakyat dan Kawasan Permukiman",
        "DPRKP",
    ),
    _agency(
        "DINAS-GULKARMAT",
        "Dinas Penanggulangan Kebakaran dan Penyelamatan",
        "Gulkarmat",
    ),
    _agency("DINAS-DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "Dukcapil"),
    _agency("DINAS-PARIWISATA", "Dinas Pariwisata dan Ekonomi Kreatif", "Disparekraf"),
    _agency("DINAS-PERINDUSTRIAN-ENERGI", "Dinas Perindustrian dan Energi", "Dinas PE"),
    _agency(
        "DINAS-KPKP",
        "Dinas Ketahanan Pangan, Kelautan dan Pertanian",
        "DKPKP",
    ),
    _agency(
        "DINAS-PPAPP",
        "Dinas Pemberdayaan, Perlindungan Anak dan Pengendalian Penduduk",
        "DPPAPP",
    ),
    _agency("DINAS-TENAGA-KERJA", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans"),
    _agency(
        "DINAS-KUMKMP",
        "Dinas Koperasi, Usaha Mikro, Kecil dan Menengah, serta Perdagangan",
        "Dinas KUMKMP",
    ),
    _agency(
        "DINAS-KOMINFOTIK",
        "Dinas Komunikasi, Informatika dan Statistik",
        "Diskominfotik",
    ),
    _agency(
        "DINAS-PMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
    ),
    _agency("DINAS-PEMUDA-OLAHRAGA", "Dinas Pemuda dan Olahraga", "Dispora"),
    _agency("DINAS-KEBUDAYAAN", "Dinas Kebudayaan", "Disbud"),
    _agency("DINAS-PERPUSTAKAAN-KEARSIPAN", "Dinas Perpustakaan dan Kearsipan", "Dispusip"),
    # Satpol PP, Inspektorat, badan and biro
    _agency("SATPOL-PP", "Satuan Polisi Pamong Praja", "Satpol PP"),
    _agency("INSPEKTORAT-PROVINSI", "Inspektorat Provinsi DKI Jakarta", "Inspektorat"),
    _agency("BADAN-BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    _agency("BADAN-BAPENDA", "Badan Pendapatan Daerah", "Bapenda"),
    _agency("BADAN-BPKD", "Badan Pengelola Keuangan Daerah", "BPKD"),
    _agency("BADAN-BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    _agency("BADAN-BKD", "Badan Kepegawaian Daerah", "BKD"),
    _agency("BADAN-BPAD", "Badan Pengelolaan Aset Daerah", "BPAD"),
    _agency("BADAN-KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "Kesbangpol"),
    _agency("BADAN-BP-BUMD", "Badan Pembinaan Badan Usaha Milik Daerah", "BP BUMD"),
    # Operator of CRM (a UPT of Diskominfotik)
    _agency("UP-JSC", "Unit Pengelola Jakarta Smart City", "Jakarta Smart City"),
    # BUMD (province-owned companies)
    _bumd("BUMD-PAM-JAYA", "Perusahaan Umum Daerah Air Minum Jaya", "PAM Jaya"),
    _bumd("BUMD-TRANSJAKARTA", "PT Transportasi Jakarta", "Transjakarta"),
    _bumd("BUMD-MRT-JAKARTA", "PT MRT Jakarta (Perseroda)", "MRT Jakarta"),
    _bumd("BUMD-LRT-JAKARTA", "PT LRT Jakarta", "LRT Jakarta"),
    _bumd("BUMD-PASAR-JAYA", "Perusahaan Umum Daerah Pasar Jaya", "Pasar Jaya"),
    _bumd("BUMD-JAKPRO", "PT Jakarta Propertindo (Perseroda)", "Jakpro"),
    _bumd(
        "BUMD-SARANA-JAYA",
        "Perusahaan Umum Daerah Pembangunan Sarana Jaya",
        "Sarana Jaya",
    ),
    _bumd(
        "BUMD-PAL-JAYA",
        "Perusahaan Umum Daerah Pengelolaan Air Limbah Jaya",
        "PAL Jaya",
    ),
    _bumd("BUMD-DHARMA-JAYA", "Perusahaan Umum Daerah Dharma Jaya", "Dharma Jaya"),
    _bumd("BUMD-BANK-DKI", "PT Bank DKI", "Bank DKI"),
)


@dataclass(frozen=True, slots=True)
class ValidatorBody:
    """A body that validates completions: Biro Pemerintahan (Setda Provinsi)
    for province-level units, the Bagian Pemerintahan of each kota's
    secretariat for the units of that kota."""

    code: str
    name: str
    kota_code: str | None  # None: the province body


PROVINCE_VALIDATOR = ValidatorBody(
    "BIRO-PEMERINTAHAN", "Biro Pemerintahan Sekretariat Daerah Provinsi DKI Jakarta", None
)


def kota_validator(kota_code: str, kota_name: str, kabupaten: bool) -> ValidatorBody:
    office = "Sekretariat Kabupaten" if kabupaten else "Sekretariat Kota"
    return ValidatorBody(
        f"BAGPEM-{kota_code}", f"Bagian Pemerintahan {office} {kota_name}", kota_code
    )
