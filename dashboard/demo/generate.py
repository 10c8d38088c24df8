"""A year of demo tickets whose figures reproduce the published Jakarta baseline.

``generate_tickets(n, seed=..., now=...)`` fills the year ending at ``now``
with ``n`` tickets: volumes with weekly and seasonal variation (a rainy-season
bump for floods and fallen trees) and one busiest day ≈ 1.6 × the average;
channel, category and place mixes from the reference data; Indonesian report
texts; reporters reused the way real heavy users do; and, for each ticket, a
history produced by the real state machine (``domain.workflow.transition``)
and applied with the real rules (``services.workflow.apply_event``) onto a
plain in-memory draft, never an ORM row. Rows are then written with Core
``insert()`` executemany, one transaction per batch.

Everything random comes from one ``random.Random(seed)``: the same seed, ``n``
and ``now`` give the same tickets, tracking numbers and histories.

The shape (DESIGN.md §5–6, WORKFLOW.md): ~96.8 % of tickets completed, ~95 %
of completions within 7 days, mean handling ≈ 40 h with the median far below,
first action within the response deadline for ~74 %, ~1 % rejected, most
completions verified within 2 days, a few reopened and redone, ratings on
about a third with mean ≈ 3.8 / 5 (≈ 3.1 on the 4-point Skala Mutu). Open
tickets are concentrated in the last weeks, with a live tail that gives every
page something to show: unworked tickets past 24 h and 48 h (escalated by the
system at the time the escalation job would have run), work in progress,
completions awaiting validation, reopened and overdue tickets.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, text

from .. import reference as ref
from ..clock import JAKARTA
from ..domain import events as ev
from ..domain import redaction, sla
from ..domain import workflow as wf
from ..domain.tracking import make_tracking
from ..domain.workflow import Actor, ActorKind, Confidentiality, Role, Status
from ..extensions import db
from ..models import (
    Category,
    Channel,
    Escalation,
    Reporter,
    Ticket,
    TicketEventRow,
    TicketSupport,
    Unit,
    User,
    ValidationFlag,
)
from ..services.intake import contact_hash
from ..services.workflow import apply_event, history_row, state_of
from .seed import kelurahan_activity

Progress = Callable[[int, int], None]

BATCH = 2_000
DAYS = 365

# --- the shape of the year ----------------------------------------------------

# Monday .. Sunday: complaints come in on working days.
WEEKDAY_FACTOR = (1.10, 1.08, 1.05, 1.03, 1.00, 0.88, 0.86)
# Reports by hour of the day, Jakarta time (WIB).
HOUR_WEIGHT = (
    0.25, 0.15, 0.10, 0.10, 0.20, 0.50, 1.00, 1.60, 2.00, 2.20, 2.20, 2.00,
    1.80, 1.90, 2.00, 2.00, 1.90, 1.80, 1.80, 1.90, 1.80, 1.50, 1.00, 0.50,
)  # fmt: skip
DAY_NOISE_SIGMA = 0.06
BUSIEST_DAY_FACTOR = 1.6
# Rainy season (Nov–Mar, peak Dec–Feb): floods and fallen trees multiply.
RAIN_MULTIPLIER: dict[str, tuple[float, ...]] = {
    "banjir-genangan": (3.2, 2.8, 1.6, 1.1, 0.6, 0.5, 0.4, 0.4, 0.5, 0.8, 1.3, 2.2),
    "pohon-tumbang": (1.7, 1.6, 1.3, 1.1, 0.9, 0.8, 0.75, 0.75, 0.8, 0.95, 1.25, 1.55),
    "saluran-air": (1.4, 1.3, 1.1, 1.0, 0.9, 0.85, 0.8, 0.8, 0.85, 0.95, 1.15, 1.3),
}
STORM_DAY_BOOST = {"banjir-genangan": 3.0, "pohon-tumbang": 2.5, "saluran-air": 1.5}

# --- who reports ---------------------------------------------------------------

ANONYMOUS_SHARE = 0.20
# 41,528 reporters for 185,852 reports in 2024: ~0.22 distinct per ticket, i.e.
# a new person on 0.22 / 0.8 of the confidential tickets, the rest reuse.
NEW_REPORTER_SHARE = 0.275
NO_LOCATION_SHARE = 0.30  # of non-location-based categories: no place given
JITTER_M = 300.0

# --- how tickets are handled (hours unless named otherwise) ---------------------

REJECT_SHARE = 0.009
DUPLICATE_WINDOW = timedelta(days=14)
RESPONSE_ON_TIME = 0.745
RESPONSE_LATE_MEAN_H = 9.0
SECOND_UNIT_ON_TIME = 0.70
DISPOSE_SHARE = {1: 0.11, 2: 0.22, 3: 0.30}  # kelurahan → agency, by bobot
HANDBACK_SHARE = 0.012
COORDINATE_SHARE = 0.035
COORDINATE_FIRST_SHARE = 0.25  # of coordinations: the unit's very first action
EWS_SHARE = {1: 0.0, 2: 0.03, 3: 0.65}
BASE_MEDIAN_H = {1: 8.0, 2: 14.0, 3: 30.0}
BASE_SIGMA = 1.15
SLOW_K = 0.19  # × unresolved_share: completed after 8–14 days
TAIL_K = 0.045  # × unresolved_share: completed after more than 14 days
TAIL_MEAN_H = 215.0
VALIDATION_MEDIAN_H = 6.0
VALIDATION_SLOW_SHARE = 0.06
VALIDATOR_REOPEN_SHARE = 0.015
FIELD_VERIFIED_SHARE = 0.10
RATED_SHARE = 0.36
RATINGS = (1, 2, 3, 4, 5)
RATING_CUM = tuple(accumulate((0.11, 0.07, 0.15, 0.25, 0.42)))
LOW_RATING_CONFIRM_SHARE = 0.25  # low rating → validator confirms the reopen
WARNING_SHARE = 0.5  # level-2 escalations followed by an MRO teguran

# Open tickets that stay stuck: probability K × (unresolved_share / mean)^0.8
# × (floor + e^(-age / decay)), so most of them are recent.
STUCK_K = 0.165
STUCK_FLOOR = 0.06
STUCK_DECAY_DAYS = 18.0
STUCK_KINDS_HEAVY = (("ews", 0.72), ("coordinating", 0.18), ("dispositioned", 0.08),
                     ("in_progress", 0.02))  # fmt: skip
STUCK_KINDS_LIGHT = (("coordinating", 0.70), ("dispositioned", 0.27), ("in_progress", 0.03))
# A confirmed reopen that the unit leaves untouched: share × e^(-age / 14 days).
REDO_STUCK_SHARE = 0.25
# Unworked tickets at `now` (beyond the natural in-flight ones), per ticket.
UNWORKED_48H_SHARE = 0.0019
UNWORKED_24H_SHARE = 0.0008
UNWORKED_WINDOW_DAYS = 14

RATING_THRESHOLD_DEFAULT = 2

NORMAL, REJECT, WAITING = "normal", "reject", "waiting"


# --- texts -----------------------------------------------------------------------

FIRST_NAMES = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizki", "Slamet",
    "Andi", "Bambang", "Dimas", "Teguh", "Wahyu", "Yusuf", "Ahmad", "Rudi", "Hadi", "Arif",
    "Siti", "Dewi", "Sri", "Rina", "Lestari", "Fitri", "Nur", "Wulan", "Intan", "Ayu",
    "Ratna", "Maya", "Putri", "Nadia", "Indah", "Yuli", "Ani", "Novi", "Dian", "Mega",
    "Reza", "Fauzi", "Gilang", "Ilham", "Kevin", "Michael", "Stefanus", "Yohanes", "Made",
    "Ketut", "Bintang", "Citra", "Larasati", "Anisa", "Rahma", "Tiara", "Yanti", "Ningsih",
)  # fmt: skip
LAST_NAMES = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Setiawan", "Pratama", "Nugroho",
    "Susanto", "Gunawan", "Siregar", "Nasution", "Simanjuntak", "Harahap", "Lubis",
    "Sihombing", "Hutapea", "Manurung", "Tanjung", "Hasibuan", "Rahman", "Hakim", "Syahputra",
    "Permana", "Firmansyah", "Ramadhan", "Maulana", "Purnomo", "Wibowo", "Sulistyo", "Haryanto",
    "Suryadi", "Halim", "Tanoto", "Sutanto", "Wirawan", "Lestari", "Rahayu", "Anggraini",
    "Kusuma", "Utami", "Pertiwi", "Safitri", "Handayani", "Hasanah", "Matondang", "Pane",
    "Daulay", "Manafe", "Wattimena", "Pattiasina", "Sinaga", "Tambunan", "Siahaan",
)  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "yahoo.co.id", "outlook.com")
PHONE_PREFIXES = (
    "811", "812", "813", "821", "822", "852", "853", "814", "815", "816", "855", "856",
    "857", "858", "877", "878", "817", "818", "819", "859", "881", "882", "887", "895",
    "896", "897", "898", "899",
)  # fmt: skip

STREET_NAMES = (
    "Kenanga", "Melati", "Mawar", "Cempaka", "Anggrek", "Dahlia", "Kamboja", "Teratai",
    "Flamboyan", "Seroja", "Kenari", "Cendana", "Mangga", "Jambu", "Rambutan", "Duku",
    "Manggis", "Delima", "Sawo", "Nangka", "Kelapa", "Pinang", "Waru", "Jati", "Mahoni",
    "Beringin", "Bambu", "Haji Naim", "H. Nawi", "H. Saidi", "H. Ung", "Masjid Al-Ikhlas",
    "Swadaya", "Gotong Royong", "Persatuan", "Kemerdekaan", "Pemuda", "Pahlawan",
    "Bakti", "Karya", "Harapan", "Damai", "Sejahtera", "Mushola", "Kramat", "Kebon Pala",
    "Rawa Bambu", "Rawa Indah", "Bendungan", "Setu", "Pesantren", "Inpres", "Balai Rakyat",
    "Kampung Baru", "Kavling", "Kali Baru", "Tanah Merdeka", "Warung Buncit", "Asem",
    "Kembang", "Madrasah", "Perintis", "Sekolah", "Buntu", "Lapangan Bola", "Mandala",
)  # fmt: skip
STREET_PREFIXES = ("Jl.", "Jl.", "Jl.", "Jl.", "Gg.")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
PLACES = (
    "depan Masjid Al-Ikhlas", "dekat SDN 05", "samping puskesmas", "depan minimarket",
    "dekat halte", "di mulut gang", "dekat pos RW 03", "di pertigaan", "depan pasar",
    "dekat jembatan", "depan kantor kelurahan", "seberang taman", "dekat musala",
    "dekat SMPN 112", "depan deretan ruko", "dekat lapangan bola", "dekat pintu rel",
    "di belakang sekolah", "depan gereja", "dekat RPTRA",
)  # fmt: skip
WHEN = (
    "setiap pagi", "setiap sore", "pada malam hari", "saat jam pulang kerja",
    "setiap akhir pekan", "pagi dan sore",
)  # fmt: skip
HOW_LONG = (
    "sejak kemarin", "sejak 3 hari lalu", "sudah seminggu", "sudah 2 minggu",
    "sudah sebulan lebih", "sejak minggu lalu",
)  # fmt: skip
OPENERS = (
    "", "", "", "", "Selamat pagi. ", "Mohon bantuan. ", "Lapor: ",
    "Permisi, saya warga {kel}. ", "Yth. Pemprov DKI Jakarta. ",
)  # fmt: skip
CLOSERS = (
    "", "", "", " Mohon segera ditindaklanjuti.", " Terima kasih.",
    " Sudah pernah dilaporkan tapi belum ada tindakan.", " Warga sangat terganggu.",
    " Mohon segera dicek petugas.", " Foto terlampir.",
)  # fmt: skip

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "jalan-rusak": (
        "Jalan rusak dan berlubang cukup dalam di {jalan}, {tempat}. Sudah beberapa "
        "pengendara motor terjatuh, apalagi malam hari karena gelap.",
        "Aspal di {jalan} mengelupas dan bergelombang {lama}. Saat hujan lubangnya tertutup "
        "genangan sehingga membahayakan pengendara.",
        "Mohon perbaikan jalan di {jalan} {tempat}, lubangnya makin lebar {lama} dan bikin "
        "macet karena kendaraan harus pelan-pelan.",
        "Ada bekas galian yang ditutup asal-asalan di {jalan} sehingga permukaan jalan "
        "amblas. Lokasi {tempat}.",
        "Jalan lingkungan di {jalan} rusak parah, batu dan pasir berserakan. Anak-anak "
        "sekolah lewat sini setiap pagi.",
    ),
    "pohon-tumbang": (
        "Pohon tumbang menutupi badan jalan di {jalan}, {tempat}, setelah hujan deras "
        "disertai angin kencang. Kendaraan tidak bisa lewat.",
        "Pohon besar di {jalan} miring dan akarnya sudah terangkat, dikhawatirkan roboh "
        "menimpa rumah warga dan kabel listrik.",
        "Dahan pohon patah dan menimpa kabel di {jalan} {tempat}. Mohon segera dievakuasi.",
        "Ada pohon tumbang di trotoar {jalan} {lama}, batangnya belum diangkut dan "
        "menghalangi pejalan kaki.",
    ),
    "parkir-liar": (
        "Parkir liar di bahu jalan {jalan} {tempat} {waktu}, jalan menyempit dan macet.",
        "Banyak mobil parkir di trotoar {jalan}, pejalan kaki terpaksa turun ke jalan. "
        "Mohon ditertibkan.",
        "Juru parkir liar menarik tarif seenaknya di {jalan} {tempat}. Kendaraan parkir dua "
        "lapis sampai menutup akses keluar gang.",
        "Truk dan mobil boks parkir sembarangan di {jalan} {waktu}, menghalangi akses "
        "ambulans dan mobil pemadam.",
    ),
    "sampah": (
        "Sampah menumpuk di {jalan} {tempat} {lama} dan belum diangkut. Baunya menyengat "
        "dan mengundang lalat.",
        "Ada tempat pembuangan sampah liar di lahan kosong {tempat}, {jalan}. Warga dari "
        "luar wilayah juga membuang sampah di sini.",
        "Tumpukan sampah di pinggir kali dekat {jalan} sudah meluber ke jalan. Mohon segera "
        "diangkut.",
        "Gerobak sampah tidak lewat {lama} di {jalan}, sampah rumah tangga menumpuk di depan "
        "rumah warga.",
    ),
    "iklan-liar": (
        "Banyak spanduk dan baliho tanpa izin dipasang di tiang listrik dan pohon sepanjang "
        "{jalan}.",
        "Iklan sedot WC dan pinjaman online ditempel di tembok dan tiang di {jalan} "
        "{tempat}. Mengotori lingkungan.",
        "Reklame liar berukuran besar dipasang di trotoar {jalan}, menghalangi pandangan "
        "pengendara di tikungan.",
        "Stiker dan selebaran iklan liar menempel di halte dan JPO dekat {jalan}.",
    ),
    "tanaman-bermasalah": (
        "Ranting pohon di {jalan} terlalu rimbun dan menutupi lampu jalan serta rambu lalu "
        "lintas. Mohon dipangkas.",
        "Rumput dan semak di jalur hijau {jalan} sudah tinggi, jadi sarang nyamuk dan ular.",
        "Akar pohon di {jalan} {tempat} merusak trotoar dan saluran air.",
        "Tanaman di taman {tempat} mati dan tidak terawat {lama}.",
    ),
    "mobilitas-akses": (
        "Trotoar di {jalan} {tempat} terhalang pedagang dan tiang, pengguna kursi roda "
        "tidak bisa lewat.",
        "Jalur pemandu tunanetra di {jalan} terputus dan tertutup pot tanaman.",
        "Tidak ada penyeberangan di {jalan}, warga harus menyeberang di tengah arus "
        "kendaraan yang ramai.",
        "Portal jalan di {jalan} dikunci warga sehingga akses ke {tempat} tertutup untuk umum.",
    ),
    "kemacetan": (
        "Macet parah {waktu} di {jalan} {tempat} karena putaran balik dan angkot ngetem.",
        "Lampu lalu lintas di persimpangan {jalan} mati sehingga terjadi kemacetan panjang.",
        "Kemacetan di {jalan} makin parah {lama} karena proyek galian menutup satu lajur.",
        "Kendaraan menumpuk di mulut {jalan} {waktu}, tidak ada petugas yang mengatur.",
    ),
    "lalu-lintas": (
        "Rambu dilarang berhenti di {jalan} hilang sehingga banyak kendaraan berhenti sembarangan.",
        "Marka jalan di {jalan} sudah pudar, pengendara bingung jalur dan rawan kecelakaan.",
        "Banyak pengendara motor melawan arus di {jalan} {tempat} {waktu}. Mohon ada penjagaan.",
        "Lampu lalu lintas di simpang {jalan} durasinya terlalu singkat, antrean kendaraan "
        "sampai {tempat}.",
    ),
    "pelanggaran-ketertiban": (
        "Bangunan semi permanen didirikan di atas saluran air {jalan} {tempat}. Mohon ditertibkan.",
        "Ada warung remang-remang di {jalan} yang buka sampai pagi dan menimbulkan keributan.",
        "Pengamen dan manusia gerobak mangkal {tempat}, {jalan}, {waktu}.",
        "Bengkel memakai badan jalan {jalan} untuk memperbaiki kendaraan, mengganggu lalu lintas.",
    ),
    "sarana-prasarana": (
        "Halte di {jalan} atapnya bocor dan bangkunya rusak.",
        "Jembatan penyeberangan orang {tempat}, {jalan}, lantainya berlubang dan pegangan "
        "tangannya lepas.",
        "Fasilitas taman bermain di RPTRA dekat {jalan} rusak, ayunan patah dan "
        "membahayakan anak-anak.",
        "Toilet umum {tempat}, {jalan}, tidak terawat dan airnya mati {lama}.",
    ),
    "banjir-genangan": (
        "Genangan air setinggi lutut di {jalan} {tempat} setelah hujan deras, banyak motor mogok.",
        "Banjir masuk ke rumah warga di sekitar {jalan}, air belum surut. Mohon bantuan pompa.",
        "Setiap hujan sebentar saja {jalan} langsung tergenang karena saluran tidak berfungsi.",
        "Air kali meluap ke permukiman di {jalan} {tempat}. Warga butuh penanganan segera.",
    ),
    "saluran-air": (
        "Saluran air di {jalan} tersumbat sampah dan lumpur, airnya hitam dan berbau.",
        "Tutup saluran di {jalan} {tempat} jebol, berbahaya untuk pejalan kaki terutama "
        "malam hari.",
        "Mohon pengerukan saluran di {jalan}, sudah dangkal {lama} sehingga cepat meluap "
        "saat hujan.",
        "Saluran penghubung di {jalan} tertutup bangunan warga sehingga air tidak mengalir.",
    ),
    "premanisme": (
        "Sekelompok orang meminta uang secara paksa kepada sopir dan pedagang {tempat}, "
        "{jalan}, {waktu}.",
        "Ada preman yang memalak warga yang lewat di {jalan} {waktu}. Warga takut melapor "
        "langsung.",
        "Oknum ormas menguasai lahan parkir {tempat} dan mengintimidasi pemilik toko.",
    ),
    "pungutan-liar": (
        "Saat mengurus surat di kantor pelayanan saya dimintai uang tambahan di luar "
        "ketentuan tanpa kuitansi.",
        "Ada oknum petugas yang meminta uang rokok agar berkas cepat diproses.",
        "Pungutan untuk pengurusan dokumen di wilayah {kel} tidak sesuai tarif resmi.",
    ),
    "kerumunan": (
        "Kerumunan warga {tempat}, {jalan}, {waktu}, menutup jalan dan menimbulkan kebisingan.",
        "Ada hajatan yang menutup seluruh badan {jalan} tanpa izin, lalu lintas dialihkan "
        "seenaknya.",
        "Balap liar dan kerumunan remaja di {jalan} {waktu}. Mohon dibubarkan.",
    ),
    "trotoar-rusak": (
        "Trotoar di {jalan} {tempat} pecah dan berlubang, pejalan kaki sering tersandung.",
        "Paving block trotoar di {jalan} lepas dan amblas {lama}.",
        "Kanstin trotoar di {jalan} rusak tertabrak kendaraan dan belum diperbaiki.",
    ),
    "lampu-penerangan-jalan": (
        "Lampu PJU di {jalan} {tempat} mati {lama}, jalan jadi gelap dan rawan kejahatan.",
        "Beberapa lampu jalan di sepanjang {jalan} padam, mohon diperbaiki.",
        "Lampu penerangan jalan di {jalan} berkedip-kedip dan kadang mati total.",
        "Tiang PJU di {jalan} miring dan kabelnya terbuka, membahayakan warga.",
    ),
    "pedagang-kaki-lima": (
        "PKL berjualan di trotoar dan bahu {jalan} {tempat}, pejalan kaki terpaksa turun ke jalan.",
        "Lapak pedagang di {jalan} makin banyak {waktu} sampai menutup satu lajur.",
        "Pedagang membuang limbah dan sisa dagangan ke saluran di {jalan}.",
    ),
    "pencemaran-lingkungan": (
        "Asap pembakaran sampah {tempat}, {jalan}, masuk ke rumah warga {waktu}.",
        "Ada usaha di sekitar {jalan} yang membuang limbah ke kali, airnya berwarna dan berbau.",
        "Bau menyengat dari peternakan di {jalan} {lama}, warga terganggu.",
        "Debu proyek di {jalan} sangat tebal dan tidak ada penyiraman.",
    ),
    "pmks": (
        "Ada gelandangan dan pengemis yang tidur {tempat}, {jalan}, {lama}.",
        "Anak-anak mengemis di lampu merah {jalan} {waktu}, mohon penanganan dinas sosial.",
        "Orang dengan gangguan jiwa berkeliaran di sekitar {jalan} {tempat}, warga khawatir.",
    ),
    "pemakaman": (
        "Makam di TPU dekat {jalan} tidak terawat, rumput tinggi dan nisan tertutup.",
        "Ada pungutan biaya perawatan makam di TPU {kel} yang tidak jelas dasarnya.",
        "Akses jalan ke TPU di {jalan} becek dan rusak.",
    ),
    "kebakaran": (
        "Kebakaran di permukiman padat {jalan} {tempat}! Api cepat membesar.",
        "Terjadi korsleting listrik dan kebakaran di ruko {jalan}. Mohon damkar segera.",
        "Ada asap tebal dari lahan kosong yang terbakar di dekat {jalan}.",
    ),
    "bangunan-tanpa-izin": (
        "Ada pembangunan gedung bertingkat di {jalan} yang diduga tidak memiliki PBG/IMB.",
        "Bangunan di {jalan} {tempat} melanggar garis sempadan dan menutup saluran.",
        "Rumah tinggal di {jalan} diubah menjadi tempat usaha dan ditambah lantai tanpa izin.",
    ),
    "infrastruktur-besar": (
        "Jembatan di {jalan} retak dan bergetar saat dilewati kendaraan besar. Mohon diperiksa.",
        "Pembangunan jembatan penghubung di {jalan} mangkrak {lama}.",
        "Turap kali di {jalan} {tempat} longsor dan mengancam rumah warga.",
    ),
    "pelayanan-kesehatan": (
        "Antrean di puskesmas {kel} sangat panjang, petugas pendaftaran hanya satu.",
        "Pelayanan di RSUD kurang ramah, pasien BPJS diminta menunggu sangat lama.",
        "Obat yang diresepkan di puskesmas kosong {lama}.",
        "Fogging DBD belum dilakukan padahal sudah ada warga {kel} yang terkena demam berdarah.",
    ),
    "pelayanan-kependudukan": (
        "Pembuatan KTP elektronik {lama} belum jadi, status masih dalam proses.",
        "Pengajuan akta kelahiran anak saya belum terbit padahal berkas sudah lengkap.",
        "Pindah domisili ke {kel} tertunda karena data ganda di sistem Dukcapil.",
        "Blangko KTP-el di kelurahan {kel} habis, warga diminta kembali bulan depan.",
    ),
    "bantuan-sosial": (
        "Keluarga kami tidak mampu tetapi tidak terdaftar sebagai penerima bansos, sudah "
        "mengajukan lewat RT/RW.",
        "Kartu Lansia Jakarta belum cair {lama}.",
        "Penyaluran bantuan sosial di {kel} tidak tepat sasaran, ada warga mampu yang menerima.",
        "KJP anak saya tiba-tiba tidak aktif tanpa pemberitahuan.",
    ),
    "pendidikan": (
        "Sekolah meminta sumbangan wajib kepada orang tua murid padahal sekolah negeri.",
        "Proses PPDB zonasi bermasalah, anak saya tidak diterima padahal rumah dekat sekolah.",
        "Atap ruang kelas di sekolah wilayah {kel} bocor dan plafon hampir jatuh.",
    ),
    "pajak-daerah": (
        "Tagihan PBB rumah saya naik drastis tanpa penjelasan.",
        "Pajak kendaraan sudah dibayar tetapi status belum berubah di sistem.",
        "Pengajuan keringanan PBB {lama} belum ada jawaban.",
    ),
    "perizinan": (
        "Pengajuan izin usaha melalui layanan PTSP {lama} belum diproses.",
        "Syarat permohonan izin di kantor PTSP berbeda dengan yang tertulis di situs.",
        "Sistem perizinan online sering error saat mengunggah berkas.",
    ),
    "air-bersih": (
        "Air PAM di {jalan} mati {lama}, warga terpaksa membeli air galon.",
        "Air PAM keruh dan berbau di wilayah {kel}.",
        "Pipa PAM bocor di {jalan} {tempat}, air terbuang dan jalan jadi becek.",
        "Tagihan air bulan ini melonjak padahal pemakaian normal.",
    ),
    "transportasi-umum": (
        "Bus Transjakarta yang melewati {jalan} jarang datang {waktu}, penumpang menumpuk "
        "di halte.",
        "Pramudi bus Transjakarta mengemudi ugal-ugalan dan menerobos lampu merah.",
        "Halte Transjakarta {tempat} tidak ada petugas dan gerbang tap rusak.",
        "AC bus Mikrotrans mati dan sopir menaikkan penumpang melebihi kapasitas.",
    ),
}
GENERIC_DESCRIPTIONS = (
    "Mohon ditindaklanjuti, ada masalah di {jalan} {tempat} {lama}.",
    "Warga sekitar {jalan} mengeluhkan kondisi ini {lama}.",
)

COMPLETION_NOTES: dict[str, tuple[str, ...]] = {
    "jalan-rusak": (
        "Lubang jalan sudah ditambal dengan aspal oleh Satgas Bina Marga.",
        "Perbaikan permukaan jalan selesai; foto sesudah terlampir.",
    ),
    "pohon-tumbang": (
        "Pohon tumbang sudah dipotong dan diangkut; jalan kembali dapat dilalui.",
        "Pohon rawan tumbang sudah dipangkas oleh petugas.",
    ),
    "parkir-liar": (
        "Kendaraan parkir liar sudah ditertibkan bersama Dishub.",
        "Jukir liar sudah dibina dan dipasang rambu larangan parkir.",
    ),
    "sampah": (
        "Sampah sudah diangkut petugas PPSU dan lokasi dibersihkan.",
        "TPS liar dibersihkan dan dipasang papan larangan membuang sampah.",
    ),
    "iklan-liar": ("Iklan liar sudah dicopot petugas.", "Spanduk dan stiker liar dibersihkan."),
    "tanaman-bermasalah": ("Ranting pohon sudah dipangkas.", "Jalur hijau sudah dirapikan."),
    "saluran-air": ("Saluran sudah dikeruk dan sampahnya diangkut.",),
    "banjir-genangan": (
        "Genangan sudah surut setelah pompa dioperasikan dan saluran dibersihkan.",
    ),
    "lampu-penerangan-jalan": ("Lampu PJU sudah diganti dan menyala kembali.",),
    "trotoar-rusak": ("Trotoar sudah diperbaiki dan paving dipasang ulang.",),
    "pedagang-kaki-lima": ("PKL sudah ditertibkan dan diarahkan ke lokasi binaan.",),
}
GENERIC_COMPLETION_NOTES = (
    "Sudah ditindaklanjuti petugas di lokasi; foto terlampir.",
    "Penanganan selesai sesuai laporan.",
    "Telah ditangani; kondisi di lokasi sudah normal.",
    "Sudah dikoordinasikan dan diselesaikan; dokumentasi terlampir.",
)
START_NOTES = ("", "", "", "Petugas menuju lokasi.", "Sedang dicek ke lokasi.")
VERIFY_NOTES = (
    "",
    "Foto sebelum dan sesudah sesuai dengan lokasi laporan.",
    "Penanganan sesuai; laporan ditutup.",
)
FIELD_VERIFY_NOTE = "Hasil verifikasi lapangan: pekerjaan telah selesai."
REOPEN_REASONS = (
    "Foto bukti tidak menunjukkan lokasi yang dilaporkan.",
    "Penanganan belum tuntas; masih ada sisa pekerjaan di lokasi.",
    "Foto bukti sama dengan foto pada laporan lain.",
    "Tindak lanjut tidak menjawab pokok laporan.",
)
REVIEW_ACCEPT_NOTE = "Setelah dicek, pekerjaan sudah sesuai; nilai rendah dicatat."
REVIEW_REOPEN_REASON = "Pelapor menyatakan belum selesai dan hasil cek membenarkan; kerjakan ulang."
LOW_RATING_COMMENTS = (
    "Masih sama saja, belum ada perubahan.",
    "Hanya difoto, tidak dikerjakan.",
    "Masalahnya muncul lagi keesokan harinya.",
    "Dikerjakan setengah-setengah.",
)
SLOW_COMMENTS = ("Penanganannya lambat sekali.", "Baru dikerjakan setelah lapor berkali-kali.")
GOOD_COMMENTS = ("", "", "", "Terima kasih, cepat ditangani.", "Mantap, sudah beres.")
SPAM_REASONS = (
    "Laporan tidak jelas dan tidak dapat ditindaklanjuti.",
    "Bukan kewenangan Pemprov DKI Jakarta (jalan tol/nasional).",
    "Laporan uji coba.",
    "Lokasi di luar wilayah DKI Jakarta.",
)
EWS_REASONS = (
    "Perbaikan memerlukan penganggaran pada APBD Perubahan.",
    "Perlu pengadaan material dan kajian teknis terlebih dahulu.",
    "Pekerjaan besar; dijadwalkan bersama program perbaikan wilayah.",
)
WARNING_TEXT = "Teguran MRO: laporan belum ditindaklanjuti lebih dari 48 jam."


# --- results ---------------------------------------------------------------------------


@dataclass
class GenerateStats:
    tickets: int
    events: int
    reporters: int
    seconds: float
    status_counts: dict[str, int] = field(default_factory=dict)
    supports: int = 0
    busiest_day: int = 0
    average_day: float = 0.0

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class _Halt(Exception):
    """The next step of a ticket's life lies after `now`: stop there."""


_TICKET_COLS = tuple(c.name for c in Ticket.__table__.columns)
_EVENT_COLS = tuple(c.name for c in TicketEventRow.__table__.columns if c.name != "id")


class _Draft:
    """A ticket in memory, duck-typed for ``state_of`` and ``apply_event``."""

    __slots__ = (*_TICKET_COLS, "supporting")

    @property
    def supporting_unit_ids(self) -> frozenset[int]:
        return frozenset(s.unit_id for s in self.supporting)

    def row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in _TICKET_COLS}


@dataclass(frozen=True)
class _Cat:
    id: int
    code: str
    weight: int
    response_hours: int
    location_based: bool
    agency_id: int
    unresolved_share: float
    descriptions: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Kel:
    id: int
    name: str
    kota_id: int
    kecamatan_id: int
    lat: float
    lon: float
    neighbours: tuple[tuple[float, float], ...]


@dataclass
class _Person:
    id: int
    hash: str | None


def _event_values(event: ev.TicketEvent) -> dict[str, Any]:
    """``history_row(event)`` as plain column values (no ORM object: 3× faster)."""
    return {
        "ticket_id": event.ticket_id,
        "kind": event.kind,
        "at": event.at,
        "actor_kind": event.actor.kind.value,
        "actor_user_id": event.actor.user_id,
        "actor_label": event.actor.label,
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
        "note": event.note,
        "data": event.data(),
    }


def _check_event_values(event: ev.TicketEvent, values: dict[str, Any]) -> None:
    """Fail loudly if ``_event_values`` ever drifts from the service's ``history_row``."""
    row = history_row(event)
    for column in _EVENT_COLS:
        expected = getattr(row, column)
        if values.get(column) != expected:
            raise RuntimeError(
                f"demo history row differs from services.workflow.history_row on "
                f"{column!r} for a {event.kind!r} event: {values.get(column)!r} != {expected!r}"
            )


def _hours(x: float) -> timedelta:
    return timedelta(seconds=round(x * 3600))


def _weighted_pick(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    names = [k for k, _ in items]
    return rng.choices(names, weights=[w for _, w in items])[0]


# --- the generator -----------------------------------------------------------------------


class _Generator:
    def __init__(
        self, n: int, seed: int, now: datetime, progress: Progress | None, days: int = DAYS
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        if days < 2:
            raise ValueError("days must be at least 2")
        self.n = n
        self.now = now
        self.days = days
        self.rng = random.Random(seed)
        self.progress = progress
        self.threshold = int(current_app.config.get("RATING_THRESHOLD", RATING_THRESHOLD_DEFAULT))
        self.checked_kinds: set[str] = set()
        self._load_world()

    # --- the world from the database -----------------------------------------------------

    def _load_world(self) -> None:
        units = list(db.session.scalars(select(Unit)))
        if not any(u.kind == "kelurahan" for u in units):
            raise RuntimeError("no units: run seed_reference() first")
        # Strong references keep them in the identity map: apply_event's
        # db.session.get(Unit, …) is then a dictionary look-up.
        self.units = {u.id: u for u in units}
        by_code = {u.code: u for u in units}
        self.unit_by_code = by_code

        users = list(db.session.scalars(select(User).where(User.active.is_(True))))
        officer_user = {}
        for u in sorted(users, key=lambda u: u.id):
            if u.role == Role.OFFICER and u.unit_id is not None:
                officer_user.setdefault(u.unit_id, u)
        self._officers: dict[int, Actor] = {}
        self._officer_user = officer_user
        self.validators: dict[int | None, Actor] = {}
        validator_users: dict[int | None, User] = {}
        for u in sorted(users, key=lambda u: u.id):
            if u.role == Role.VALIDATOR:
                validator_users.setdefault(u.kota_id, u)
        for kota in [None, *(u.id for u in units if u.kind in ("kota", "kabupaten"))]:
            user = validator_users.get(kota)
            if user is not None:
                label = user.display_name
            elif kota is None:
                label = "Validator Biro Pemerintahan"
            else:
                label = f"Validator Bagian Pemerintahan {self.units[kota].name}"
            self.validators[kota] = Actor(
                kind=ActorKind.USER,
                label=label,
                role=Role.VALIDATOR,
                user_id=user.id if user else None,
                kota_id=kota,
            )
        mros = [u for u in sorted(users, key=lambda u: u.id) if u.role == Role.MRO][:2]
        self.mros = [
            Actor(kind=ActorKind.USER, label=u.display_name, role=Role.MRO, user_id=u.id)
            for u in mros
        ] or [Actor(kind=ActorKind.USER, label="MRO", role=Role.MRO)]

        cats_db = {c.code: c for c in db.session.scalars(select(Category))}
        self.cats: list[_Cat] = []
        shares: list[float] = []
        for rc in ref.CATEGORIES:
            c = cats_db.get(rc.code)
            if c is None or not c.active:
                continue
            self.cats.append(
                _Cat(
                    id=c.id,
                    code=c.code,
                    weight=c.weight,
                    response_hours=c.response_hours,
                    location_based=c.location_based,
                    agency_id=c.agency_id,
                    unresolved_share=rc.unresolved_share,
                    descriptions=DESCRIPTIONS.get(c.code, GENERIC_DESCRIPTIONS),
                    notes=COMPLETION_NOTES.get(c.code, ()) + GENERIC_COMPLETION_NOTES,
                )
            )
            shares.append(rc.demo_share)
        if not self.cats:
            raise RuntimeError("no categories: run seed_reference() first")
        self.cat_shares = shares
        self.us_mean = sum(s * c.unresolved_share for s, c in zip(shares, self.cats, strict=True))
        self.us_mean /= sum(shares)

        chans_db = {c.code: c for c in db.session.scalars(select(Channel))}
        self.channels = [(chans_db[c.code], c) for c in ref.CHANNELS if c.code in chans_db]
        self.chan_cum = list(accumulate(c.demo_share for _, c in self.channels))
        online = [(row, c) for row, c in self.channels if c.online]
        self.online_channels = online
        self.online_cum = list(accumulate(c.demo_share for _, c in online))
        self.channel_actor = {row.code: Actor.channel(row.code) for row, _ in self.channels}

        # Kelurahan weighted by their kota's population and how busy they look.
        kels = [u for u in units if u.kind == "kelurahan" and u.lat is not None]
        kels.sort(key=lambda u: u.code)
        per_kota = Counter(u.kota_id for u in kels)
        centres = [(u.lat, u.lon) for u in kels]
        self.kels: list[_Kel] = []
        weights = []
        for u in kels:
            kota = self.units[u.kota_id] if u.kota_id else None
            pop = (kota.population if kota and kota.population else 1_000_000) / per_kota[u.kota_id]
            weights.append(pop * kelurahan_activity(u.code))
            coslat = math.cos(math.radians(u.lat))
            near = tuple(
                c
                for c in centres
                if c != (u.lat, u.lon)
                and math.hypot((c[0] - u.lat) * 110_574, (c[1] - u.lon) * 111_320 * coslat) < 2_500
            )
            self.kels.append(
                _Kel(u.id, u.name, u.kota_id, u.parent_id, u.lat, u.lon, near)  # type: ignore[arg-type]
            )
        self.kel_cum = list(accumulate(weights))
        self.support_pool = [
            by_code[c].id
            for c in ("SATPOL-PP", "DINAS-LINGKUNGAN-HIDUP", "DINAS-PERHUBUNGAN",
                      "DINAS-SUMBER-DAYA-AIR", "DINAS-BINA-MARGA")
            if c in by_code
        ]  # fmt: skip

        self.trackings: set[str] = set(db.session.scalars(select(Ticket.tracking)))
        self.next_ticket_id = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1
        self.next_event_id = (db.session.scalar(select(func.max(TicketEventRow.id))) or 0) + 1
        self.next_reporter_id = (db.session.scalar(select(func.max(Reporter.id))) or 0) + 1

    # --- actors --------------------------------------------------------------------------

    def officer(self, unit_id: int) -> Actor:
        actor = self._officers.get(unit_id)
        if actor is None:
            user = self._officer_user.get(unit_id)
            label = user.display_name if user else f"Petugas {self.units[unit_id].display_name}"
            actor = Actor(
                kind=ActorKind.USER,
                label=label,
                role=Role.OFFICER,
                user_id=user.id if user else None,
                unit_id=unit_id,
            )
            self._officers[unit_id] = actor
        return actor

    def mro(self, at: datetime) -> Actor:
        """Day shift 07–19 WIB, else the night shift."""
        hour = at.astimezone(JAKARTA).hour
        return self.mros[0 if 7 <= hour < 19 or len(self.mros) == 1 else 1]

    # --- phase 1: arrivals -------------------------------------------------------------

    def _arrivals(self) -> list[tuple[datetime, int]]:
        rng = self.rng
        now_local = self.now.astimezone(JAKARTA)
        today = now_local.date()
        midnights = [
            datetime(d.year, d.month, d.day, tzinfo=JAKARTA)
            for d in (today - timedelta(days=i) for i in range(self.days - 1, -1, -1))
        ]
        codes = [c.code for c in self.cats]
        month_weights = []
        for m in range(12):
            month_weights.append(
                [s * RAIN_MULTIPLIER.get(code, (1.0,) * 12)[m]
                 for s, code in zip(self.cat_shares, codes, strict=True)]
            )  # fmt: skip
        month_total = [sum(w) for w in month_weights]
        mean_total = sum(month_total) / 12
        month_cum = [list(accumulate(w)) for w in month_weights]

        hour_total = sum(HOUR_WEIGHT)
        elapsed_today = (now_local - midnights[-1]).total_seconds()
        full_hours = int(elapsed_today // 3600)
        today_mass = sum(HOUR_WEIGHT[:full_hours]) + (
            HOUR_WEIGHT[full_hours] * (elapsed_today % 3600) / 3600 if full_hours < 24 else 0.0
        )
        weights = []
        for i, midnight in enumerate(midnights):
            w = WEEKDAY_FACTOR[midnight.weekday()] * month_total[midnight.month - 1] / mean_total
            w *= math.exp(rng.gauss(0.0, DAY_NOISE_SIGMA))
            if i == len(midnights) - 1:
                w *= today_mass / hour_total if elapsed_today >= 60 else 0.0
            weights.append(w)
        # The busiest day: a stormy working day in the rainy season, not in the live tail.
        full_mean = sum(weights[:-1]) / (len(weights) - 1)
        candidates = [
            i
            for i, m in enumerate(midnights[:-UNWORKED_WINDOW_DAYS])
            if m.weekday() < 5 and m.month in (12, 1, 2)
        ] or [i for i, m in enumerate(midnights[:-UNWORKED_WINDOW_DAYS]) if m.weekday() < 5]
        storm = rng.choice(candidates) if candidates else None
        if storm is not None:
            weights[storm] = BUSIEST_DAY_FACTOR * full_mean
            storm_weights = [
                w * STORM_DAY_BOOST.get(code, 1.0)
                for w, code in zip(month_weights[midnights[storm].month - 1], codes, strict=True)
            ]
            storm_cum = list(accumulate(storm_weights))

        # Largest-remainder counts that sum to n exactly.
        total_w = sum(weights)
        raw = [self.n * w / total_w for w in weights]
        counts = [int(x) for x in raw]
        order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
        for i in order[: self.n - sum(counts)]:
            counts[i] += 1
        self.busiest_day = max(counts) if counts else 0
        full_days = counts[:-1]
        self.average_day = sum(full_days) / len(full_days) if full_days else 0.0

        hour_cum = list(accumulate(HOUR_WEIGHT))
        hours = range(24)
        out: list[tuple[datetime, int]] = []
        cat_range = range(len(self.cats))
        for i, (midnight, count) in enumerate(zip(midnights, counts, strict=True)):
            limit = elapsed_today if i == len(midnights) - 1 else 86_400
            cum = storm_cum if i == storm else month_cum[midnight.month - 1]
            day = []
            for _ in range(count):
                while True:
                    second = rng.choices(hours, cum_weights=hour_cum)[0] * 3600
                    second += rng.randrange(3600)
                    if second < limit:
                        break
                at = (midnight + timedelta(seconds=second)).astimezone(self.now.tzinfo)
                day.append((at, rng.choices(cat_range, cum_weights=cum)[0]))
            day.sort()
            out.extend(day)
        return out

    # --- phase 1b: fates -------------------------------------------------------------

    def _fates(self, arrivals: list[tuple[datetime, int]]) -> list[str]:
        rng = self.rng
        fates = []
        for received, ci in arrivals:
            cat = self.cats[ci]
            age_days = (self.now - received).total_seconds() / 86_400
            if rng.random() < REJECT_SHARE:
                fates.append(REJECT)
                continue
            factor = (cat.unresolved_share / self.us_mean) ** 0.8 if self.us_mean else 1.0
            p = STUCK_K * factor * (STUCK_FLOOR + math.exp(-age_days / STUCK_DECAY_DAYS))
            if rng.random() < p:
                kinds = STUCK_KINDS_HEAVY if cat.weight >= 2 else STUCK_KINDS_LIGHT
                kind = _weighted_pick(rng, kinds)
                if kind == "dispositioned" and not cat.location_based:
                    kind = "coordinating"
                fates.append(kind)
            else:
                fates.append(NORMAL)
        # Unworked tickets at `now`: some past 48 h, some between 24 and 48 h.
        for share, lo, hi in (
            (UNWORKED_48H_SHARE, 48.5, UNWORKED_WINDOW_DAYS * 24.0),
            (UNWORKED_24H_SHARE, 24.5, 47.5),
        ):
            want = max(2 if lo > 48 else 1, round(self.n * share))
            pool = [
                i for i, (received, _) in enumerate(arrivals)
                if fates[i] == NORMAL and lo <= (self.now - received).total_seconds() / 3600 < hi
            ]  # fmt: skip
            # Weighted sampling without replacement (Efraimidis–Spirakis): more recent ones.
            keyed = sorted(
                pool,
                key=lambda i: (
                    -math.log(rng.random() or 1e-12)
                    / math.exp(-(self.now - arrivals[i][0]).total_seconds() / (5 * 86_400))
                ),
            )
            for i in keyed[:want]:
                fates[i] = WAITING
        return fates

    # --- phase 2: each ticket ------------------------------------------------------------

    def run(self) -> GenerateStats:
        started = time.perf_counter()
        arrivals = self._arrivals()
        fates = self._fates(arrivals)
        self.status_counts: Counter[str] = Counter()
        self.persons: list[_Person] = []
        self.assignments: list[int] = []
        self.last_by_place: dict[tuple[int, int | None], tuple[int, datetime, str]] = {}
        n_events = n_supports = 0
        batch_tickets: list[dict[str, Any]] = []
        batch_events: list[dict[str, Any]] = []
        batch_supports: list[dict[str, Any]] = []
        batch_reporters: list[dict[str, Any]] = []
        self.batch_reporters = batch_reporters
        self.ev_rows = batch_events
        self.esc_rows: list[dict[str, Any]] = []
        self.flag_rows: list[dict[str, Any]] = []

        session = db.session()
        expire = session.expire_on_commit
        session.expire_on_commit = False
        try:
            session.commit()  # start the batches on a clean transaction
            for index, ((received, ci), fate) in enumerate(zip(arrivals, fates, strict=True)):
                draft = self._ticket(received, self.cats[ci], fate)
                batch_tickets.append(draft.row())
                for s in draft.supporting:
                    batch_supports.append(
                        {"ticket_id": draft.id, "unit_id": s.unit_id, "added_at": s.added_at}
                    )
                self.status_counts[draft.status] += 1
                if len(batch_tickets) >= BATCH or index == len(arrivals) - 1:
                    n_events += len(batch_events)
                    n_supports += len(batch_supports)
                    self._flush(
                        batch_reporters,
                        batch_tickets,
                        batch_events,
                        batch_supports,
                        self.esc_rows,
                        self.flag_rows,
                    )
                    if self.progress is not None:
                        self.progress(index + 1, self.n)
            self._fix_sequences()
        finally:
            session.expire_on_commit = expire
        return GenerateStats(
            tickets=len(arrivals),
            events=n_events,
            reporters=len(self.persons),
            seconds=time.perf_counter() - started,
            status_counts=dict(self.status_counts),
            supports=n_supports,
            busiest_day=self.busiest_day,
            average_day=self.average_day,
        )

    def _flush(
        self,
        reporters: list,
        tickets: list,
        events: list,
        supports: list,
        escalations: list,
        flags: list,
    ) -> None:
        for model, rows in (
            (Reporter, reporters),
            (Ticket, tickets),
            (TicketEventRow, events),
            (TicketSupport, supports),
            (Escalation, escalations),
            (ValidationFlag, flags),
        ):
            if rows:
                db.session.execute(insert(model.__table__), rows)
                rows.clear()
        db.session.commit()

    def _fix_sequences(self) -> None:
        """Explicit ids do not advance PostgreSQL's sequences: move them on."""
        if db.engine.dialect.name != "postgresql":
            return
        for table in ("reporters", "tickets", "ticket_events"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
            )
        db.session.commit()

    # --- building one ticket ---------------------------------------------------------

    def _ticket(self, received: datetime, cat: _Cat, fate: str) -> _Draft:
        rng = self.rng
        local_hour = received.astimezone(JAKARTA).hour
        chan, chan_ref = self.channels[bisect(self.chan_cum, rng.random() * self.chan_cum[-1])]
        if not chan_ref.online and not 8 <= local_hour < 16:
            # Offices are closed: it came in through an online channel.
            chan, chan_ref = self.online_channels[
                bisect(self.online_cum, rng.random() * self.online_cum[-1])
            ]

        kel: _Kel | None = None
        if cat.location_based or rng.random() >= NO_LOCATION_SHARE:
            kel = self.kels[bisect(self.kel_cum, rng.random() * self.kel_cum[-1])]
        street = self._street(kel)
        lat = lon = None
        address = None
        if kel is not None:
            lat, lon = self._place(kel)
            number = min(250, 1 + int(rng.lognormvariate(math.log(18.0), 0.9)))
            address = f"{street} No. {number}, {kel.name}"
        template = rng.choice(cat.descriptions)
        fill = {
            "jalan": street,
            "tempat": rng.choice(PLACES),
            "lama": rng.choice(HOW_LONG),
            "waktu": rng.choice(WHEN),
            "kel": kel.name if kel else "kami",
        }
        description = (
            rng.choice(OPENERS).format(**fill) + template.format(**fill) + rng.choice(CLOSERS)
        )

        # Who reported: a confidential reporter (often one we know already) or anonymous.
        reporter_id = reporter_hash = None
        if rng.random() < ANONYMOUS_SHARE:
            confidentiality = Confidentiality.ANONYMOUS
        else:
            confidentiality = Confidentiality.CONFIDENTIAL
            person = self._person(received)
            reporter_id, reporter_hash = person.id, person.hash

        tracking = make_tracking(received, rng)
        while tracking in self.trackings:
            tracking = make_tracking(received, rng)
        self.trackings.add(tracking)

        if chan_ref.online and chan.code in ("jaki", "qlue", "web", "lapor"):
            lag = rng.uniform(0.2, 3.0) / 60 if chan.code != "lapor" else rng.uniform(0.2, 12)
        elif chan_ref.online:
            lag = rng.uniform(5, 240) / 60
        else:
            lag = rng.uniform(10, 360) / 60
        reported = received - _hours(lag)

        if cat.location_based and kel is not None:
            assigned, routed_by = kel.id, "nearest"
        else:
            assigned, routed_by = cat.agency_id, "category"

        tid = self.next_ticket_id
        self.next_ticket_id += 1
        d = _Draft()
        for name in _TICKET_COLS:  # every column not set below (timestamps to come, …)
            setattr(d, name, None)
        d.id = tid
        d.tracking = tracking
        d.channel_id = chan.id
        d.external_id = (
            f"{chan.code.upper()}-{received:%Y%m%d}-{tid:07d}" if chan_ref.online else None
        )
        d.payload_hash = None
        d.category_id = cat.id
        d.description = description
        d.public_description = redaction.redact(description)
        d.lat, d.lon, d.address = lat, lon, address
        d.kelurahan_id = kel.id if kel else None
        d.kota_id = kel.kota_id if kel else None
        d.assigned_unit_id = assigned
        d.handling_kota_id = self.units[assigned].kota_id
        d.routed_by = routed_by
        d.status = Status.WAITING.value
        d.reopen_confirmed = False
        d.confidentiality = confidentiality.value
        d.reporter_id = reporter_id
        d.reporter_hash = reporter_hash
        d.reported_at = reported
        d.received_at = received
        d.clock_started_at = received
        d.clock_stopped_at = None
        d.escalation_ack_at = None
        d.escalation_flags = 0
        d.escalations_ever = 0
        d.reopens = 0
        d.low_rated_at = None
        d.validation_due_at = None
        d.field_check_requested_at = None
        d.repeat_of_id = None
        d.response_due_at = sla.response_due(received, cat.response_hours)
        d.completion_due_at = sla.completion_due(received, cat.weight)
        d.escalation_level = 0
        d.updated_at = received
        # apply_event counts every event, the received one included.
        d.event_count = 0
        d.version = 0
        d.supporting = []

        self.d = d
        self.cat = cat
        self.kel = kel
        self.chan_code = chan.code
        self.chan_online = chan_ref.online
        self.last_at = received
        self.unworked = True
        self.raised: set[tuple[str, datetime]] = set()

        if chan_ref.online:
            intake_actor = self.channel_actor[chan.code]
        else:
            intake_actor = Actor(
                kind=ActorKind.USER, label=f"Petugas loket {chan.name}", role=Role.OFFICER
            )
        received_event = ev.TicketReceived(
            ticket_id=tid, at=received, actor=intake_actor, from_status=None,
            to_status=Status.WAITING, note="", channel=chan.code,
            assigned_unit_id=assigned, routed_by=routed_by,
        )  # fmt: skip
        self._record(received_event)

        try:
            if fate == REJECT:
                self._reject()
            elif fate != WAITING:
                self._work(fate)
        except _Halt:
            pass
        self._escalate_until(self.now)

        if kel is not None and fate != REJECT:
            self.last_by_place[(cat.id, kel.id)] = (tid, received, tracking)
        return d

    def _street(self, kel: _Kel | None) -> str:
        """A plausible street name: 'Jl. Raya Cideng', 'Jl. Kenanga II', 'Gg. Masjid'."""
        rng = self.rng
        u = rng.random()
        if kel is not None and u < 0.12:
            return f"Jl. Raya {kel.name}"
        if kel is not None and u < 0.20:
            return f"Jl. {kel.name} {rng.choice(ROMAN)}"
        street = f"{rng.choice(STREET_PREFIXES)} {rng.choice(STREET_NAMES)}"
        return f"{street} {rng.choice(ROMAN)}" if rng.random() < 0.25 else street

    def _place(self, kel: _Kel) -> tuple[float, float]:
        """A point ~300 m around the centre, still nearest to this kelurahan's centre."""
        rng = self.rng
        coslat = math.cos(math.radians(kel.lat))
        for _ in range(6):
            dist = JITTER_M * math.sqrt(rng.random())
            angle = rng.random() * 2 * math.pi
            lat = kel.lat + dist * math.sin(angle) / 110_574
            lon = kel.lon + dist * math.cos(angle) / (111_320 * coslat)
            own = (lat - kel.lat) ** 2 + ((lon - kel.lon) * coslat) ** 2
            if all(own < (lat - a) ** 2 + ((lon - b) * coslat) ** 2 for a, b in kel.neighbours):
                return round(lat, 6), round(lon, 6)
        return kel.lat, kel.lon

    def _person(self, at: datetime) -> _Person:
        rng = self.rng
        if self.persons and rng.random() >= NEW_REPORTER_SHARE:
            if rng.random() < 0.6:  # heavy reporters report more: preferential reuse
                idx = self.assignments[rng.randrange(len(self.assignments))]
            else:
                idx = rng.randrange(len(self.persons))
            self.assignments.append(idx)
            return self.persons[idx]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}" if rng.random() < 0.85 else first
        phone = "08" + rng.choice(PHONE_PREFIXES) + str(rng.randrange(10**6, 10**8))
        email = None
        if rng.random() < 0.55:
            email = f"{first.lower()}.{last.lower()}{rng.randrange(100)}@{rng.choice(MAIL_DOMAINS)}"
            email = email.replace(" ", "")
        if rng.random() < 0.12:
            phone = None  # e-mail only (a web or e-mail reporter)
            if email is None:
                email = f"{first.lower()}{rng.randrange(1000)}@{rng.choice(MAIL_DOMAINS)}"
        person = _Person(self.next_reporter_id, contact_hash(name, phone, email))
        self.next_reporter_id += 1
        self.batch_reporters.append(
            {
                "id": person.id,
                "name": name,
                "phone": phone,
                "email": email,
                "contact_hash": person.hash,
                "created_at": at,
            }
        )
        self.persons.append(person)
        self.assignments.append(len(self.persons) - 1)
        return person

    # --- the state machine ------------------------------------------------------------

    def _record(self, event: ev.TicketEvent) -> None:
        values = _event_values(event)
        if event.kind not in self.checked_kinds:
            _check_event_values(event, values)
            self.checked_kinds.add(event.kind)
        values["id"] = self.next_event_id
        self.next_event_id += 1
        self.ev_rows.append(values)
        apply_event(self.d, event)  # type: ignore[arg-type]
        self.d.version += 1

    def _apply(self, action: wf.Action, actor: Actor, at: datetime) -> ev.TicketEvent:
        d = self.d
        lead_before = d.assigned_unit_id
        event = wf.transition(state_of(d), action, actor, at)  # type: ignore[arg-type]
        self._record(event)
        self.last_at = at
        if isinstance(event, ev.TicketDisposed | ev.TicketReopened):
            self.unworked = True  # a new clock for the (new) unit
        elif isinstance(event, ev.TicketHandedBack):
            self.unworked = False  # in the MRO routing queue
        elif actor.role is Role.OFFICER and actor.unit_id == lead_before:
            self.unworked = False
        return event

    def do(self, at: datetime, action: wf.Action, actor: Actor) -> ev.TicketEvent:
        """One step at `at`, after any escalation due before it; halt past `now`."""
        if at <= self.last_at:
            at = self.last_at + timedelta(seconds=self.rng.randrange(30, 600))
        if at > self.now:
            raise _Halt
        self._escalate_until(at)
        return self._apply(action, actor, at)

    def _escalate_until(self, t: datetime) -> None:
        """What the escalate job would have recorded before `t` (the same rule)."""
        d = self.d
        clocks = sla.Clocks(
            status=Status(d.status),
            assigned_unit_id=d.assigned_unit_id,
            received_at=d.received_at,
            response_due_at=d.response_due_at,
            first_response_at=d.first_response_at,
            clock_started_at=d.clock_started_at,
            clock_stopped_at=d.clock_stopped_at,
            completion_due_at=d.completion_due_at,
            redo_due_at=d.redo_due_at,
            reopen_confirmed=d.reopen_confirmed,
            validation_due_at=d.validation_due_at,
        )
        for due in sla.due_escalations(clocks, t):
            key = (due.level, due.cycle_start)
            if key in self.raised:
                continue
            self.raised.add(key)
            # The job runs every minute: it notices within a minute of the due time.
            at = min(max(due.due_at, self.last_at) + timedelta(seconds=self.rng.randrange(60)), t)
            notify = d.assigned_unit_id
            unit = self.units.get(notify) if notify is not None else None
            if (
                due.level == "level2"
                and unit is not None
                and unit.kind
                in (
                    "kelurahan",
                    "kecamatan",
                )
            ):
                notify = unit.parent_id
            self._apply(
                wf.Escalate(level=due.level, due_at=due.due_at, notify_unit_id=notify),
                Actor.system("Sistem eskalasi"),
                at,
            )
            self.esc_rows.append(
                {
                    "ticket_id": d.id,
                    "level": due.level,
                    "cycle_start": due.cycle_start,
                    "at": at,
                    "unit_id": notify,
                }
            )
            if due.level == "level2" and self.rng.random() < WARNING_SHARE:
                warn_at = due.due_at + _hours(self.rng.uniform(0.5, 8.0))
                if self.last_at < warn_at < t:
                    self._apply(
                        wf.AddNote(text=WARNING_TEXT, kind="warning"), self.mro(warn_at), warn_at
                    )

    # --- durations ------------------------------------------------------------------

    def _response_h(self, hours: int) -> float:
        rng = self.rng
        if rng.random() < RESPONSE_ON_TIME:
            return max(0.05, hours * rng.random() ** 1.6)
        return hours + rng.expovariate(1 / RESPONSE_LATE_MEAN_H)

    def _second_unit_h(self) -> float:
        rng = self.rng
        if rng.random() < SECOND_UNIT_ON_TIME:
            return rng.uniform(0.2, 6.0)
        return 6.0 + rng.expovariate(1 / 14.0)

    def _handling_h(self) -> float:
        rng, cat = self.rng, self.cat
        u = rng.random()
        p_tail = TAIL_K * cat.unresolved_share
        p_slow = SLOW_K * cat.unresolved_share
        if u < p_tail:
            return 336.0 + rng.expovariate(1 / TAIL_MEAN_H)
        if u < p_tail + p_slow:
            return rng.uniform(168.0, 336.0)
        mu = math.log(BASE_MEDIAN_H[cat.weight])
        while True:
            t = rng.lognormvariate(mu, BASE_SIGMA)
            if t <= 168.0:
                return t

    def _validation_h(self) -> float:
        rng = self.rng
        if rng.random() < VALIDATION_SLOW_SHARE:
            return rng.uniform(48.0, 120.0)
        return min(47.0, rng.lognormvariate(math.log(VALIDATION_MEDIAN_H), 0.9))

    # --- flows -----------------------------------------------------------------------

    def _support_units(self, lead: int) -> tuple[int, ...]:
        rng, cat, kel = self.rng, self.cat, self.kel
        units: list[int] = []
        if self.units[lead].kind == "kelurahan":
            units.append(cat.agency_id)
            if rng.random() < 0.4:
                units.append(rng.choice([*self.support_pool, self.units[lead].parent_id]))
        else:
            if kel is not None:
                units.append(kel.id)
            units.append(rng.choice(self.support_pool))
        out = tuple(dict.fromkeys(u for u in units if u is not None and u != lead))
        return out or tuple(u for u in self.support_pool if u != lead)[:1]

    def _coordinate_note(self, units: tuple[int, ...]) -> str:
        names = ", ".join(self.units[u].display_name for u in units)
        return f"Mohon dukungan {names} untuk penanganan bersama di lokasi."

    def _reject(self) -> None:
        d, rng = self.d, self.rng
        original = self.last_by_place.get((self.cat.id, d.kelurahan_id)) if self.kel else None
        if (
            original is not None
            and d.received_at - original[1] <= DUPLICATE_WINDOW
            and rng.random() < 0.7
        ):
            at = d.received_at + _hours(self._response_h(self.cat.response_hours))
            self.do(
                at,
                wf.Reject(reason=f"Laporan ganda dengan tiket {original[2]}.",
                          duplicate_of_id=original[0]),
                self.officer(d.assigned_unit_id),
            )  # fmt: skip
        else:
            at = d.received_at + _hours(rng.uniform(0.2, 4.0))
            self.do(at, wf.Reject(reason=rng.choice(SPAM_REASONS)), self.mro(at))

    def _work(self, fate: str) -> None:
        d, rng, cat, kel = self.d, self.rng, self.cat, self.kel
        received = d.received_at
        lead = d.assigned_unit_id
        lead_is_kel = self.units[lead].kind == "kelurahan"
        t = received + _hours(self._response_h(cat.response_hours))
        coordinated = False

        # 1. The assigned unit's first action.
        if fate == "dispositioned" or (
            fate == NORMAL and lead_is_kel and rng.random() < DISPOSE_SHARE[cat.weight]
        ):
            agency = cat.agency_id
            self.do(
                t,
                wf.Dispose(to_unit_id=agency,
                           reason=f"Penanganan merupakan kewenangan "
                                  f"{self.units[agency].name}; didisposisikan."),
                self.officer(lead),
            )  # fmt: skip
            if fate == "dispositioned":
                return
            t += _hours(self._second_unit_h())
            self.do(t, wf.StartWork(note=rng.choice(START_NOTES)), self.officer(agency))
        elif fate == NORMAL and kel is not None and rng.random() < HANDBACK_SHARE:
            alt = cat.agency_id if lead_is_kel else kel.id
            why = (
                f"Bukan kewenangan kelurahan; objek laporan adalah aset "
                f"{self.units[cat.agency_id].name}."
                if lead_is_kel
                else "Bukan kewenangan unit ini; perlu ditangani di tingkat kelurahan."
            )
            self.do(t, wf.HandBack(reason=why), self.officer(lead))
            t += _hours(rng.uniform(0.2, 3.0))
            self.do(
                t,
                wf.Dispose(to_unit_id=alt,
                           reason=f"Diteruskan ke {self.units[alt].display_name} "
                                  f"sesuai kewenangan (telaah MRO)."),
                self.mro(t),
            )  # fmt: skip
            t += _hours(self._second_unit_h())
            self.do(t, wf.StartWork(note=rng.choice(START_NOTES)), self.officer(alt))
        elif (fate == "coordinating" and rng.random() < COORDINATE_FIRST_SHARE) or (
            fate == NORMAL and rng.random() < COORDINATE_SHARE * COORDINATE_FIRST_SHARE
        ):
            units = self._support_units(lead)
            self.do(t, wf.Coordinate(unit_ids=units, note=self._coordinate_note(units)),
                    self.officer(lead))  # fmt: skip
            coordinated = True
            if fate == "coordinating":
                return
        else:
            self.do(t, wf.StartWork(note=rng.choice(START_NOTES)), self.officer(lead))
            if fate == "in_progress":
                return

        # 2. While in progress: coordination or an EWS.
        unit = d.assigned_unit_id
        actor = self.officer(unit)
        ews = False
        if not coordinated:
            if fate == "coordinating" or (fate == NORMAL and rng.random() < COORDINATE_SHARE):
                t += _hours(rng.lognormvariate(math.log(3.0), 1.0))
                units = self._support_units(unit)
                self.do(t, wf.Coordinate(unit_ids=units, note=self._coordinate_note(units)),
                        actor)  # fmt: skip
                if fate == "coordinating":
                    return
            elif fate == "ews" or (fate == NORMAL and rng.random() < EWS_SHARE[cat.weight]):
                t += _hours(rng.uniform(1.0, 72.0))
                if fate == "ews":
                    ews_at = received + timedelta(days=rng.uniform(30.0, 150.0))
                elif cat.weight >= 3:
                    ews_at = received + timedelta(days=rng.uniform(14.0, 45.0))
                else:
                    ews_at = received + timedelta(days=rng.uniform(10.0, 30.0))
                ews_at = max(ews_at, t + timedelta(days=3)).replace(microsecond=0)
                self.do(t, wf.SetEws(ews_at=ews_at, reason=rng.choice(EWS_REASONS)), actor)
                if fate == "ews":
                    return
                ews = True

        # 3. Completion.
        if ews:
            assert d.ews_at is not None
            if rng.random() < 0.8:
                done = t + (d.ews_at - t) * rng.uniform(0.35, 1.0)
            else:
                done = d.ews_at + _hours(rng.expovariate(1 / 144.0))
        else:
            done = received + _hours(self._handling_h())
        done = max(done, t + _hours(0.25 + rng.expovariate(1 / 1.5)))
        self.do(done, wf.Complete(note=rng.choice(cat.notes), photo_count=1), actor)
        self._after_completion(done)

    def _after_completion(self, done: datetime) -> None:
        rng = self.rng
        rate_at = None
        can_rate = self.chan_online or self.d.confidentiality == Confidentiality.CONFIDENTIAL.value
        if can_rate and rng.random() < RATED_SHARE:
            rate_at = done + _hours(rng.lognormvariate(math.log(12.0), 1.0))
        verify_at = done + _hours(self._validation_h())
        if rate_at is not None and rate_at < verify_at:
            if self._rate(rate_at):
                self._review(rate_at)
                return
            rate_at = None
        if rng.random() < VALIDATOR_REOPEN_SHARE:
            self._reopen(verify_at, rng.choice(REOPEN_REASONS))
            return
        self._verify(verify_at)
        if rate_at is not None and self._rate(max(rate_at, self.last_at)):
            self._review(self.last_at)

    def _validator(self) -> Actor:
        return self.validators[self.d.handling_kota_id]

    def _verify(self, at: datetime) -> None:
        field_verified = self.rng.random() < FIELD_VERIFIED_SHARE
        note = FIELD_VERIFY_NOTE if field_verified else self.rng.choice(VERIFY_NOTES)
        self.do(at, wf.Verify(note=note, field_verified=field_verified), self._validator())

    def _reopen(self, at: datetime, reason: str) -> None:
        if at <= self.last_at:
            at = self.last_at + _hours(0.1)
        self.do(at, wf.Reopen(reason=reason, redo_due_at=sla.redo_due(at)), self._validator())
        # The unit redoes the work and completes again; the validator verifies.
        rng = self.rng
        age_days = (self.now - at).total_seconds() / 86_400
        if rng.random() < REDO_STUCK_SHARE * math.exp(-age_days / 14.0):
            return  # left untouched: unworked since the reopen
        t = self.last_at + _hours(rng.lognormvariate(math.log(6.0), 0.9))
        actor = self.officer(self.d.assigned_unit_id)
        self.do(t, wf.StartWork(note="Dikerjakan ulang sesuai catatan validator."), actor)
        t += _hours(rng.lognormvariate(math.log(10.0), 0.8))
        self.do(t, wf.Complete(note=rng.choice(self.cat.notes), photo_count=1), actor)
        self._verify(t + _hours(self._validation_h()))

    def _rate(self, at: datetime) -> bool:
        """The reporter (or their channel) rates; True when it reopens the ticket."""
        rng = self.rng
        rating = RATINGS[bisect(RATING_CUM, rng.random() * RATING_CUM[-1])]
        fixed = rating > self.threshold or rng.random() < 0.4
        if not fixed:
            comment = rng.choice(LOW_RATING_COMMENTS)
        elif rating <= 3:
            comment = rng.choice(SLOW_COMMENTS)
        else:
            comment = rng.choice(GOOD_COMMENTS)
        if self.d.confidentiality == Confidentiality.CONFIDENTIAL.value:
            actor = Actor.reporter()
        else:
            actor = self.channel_actor[self.chan_code]
        event = self.do(
            at,
            wf.Rate(rating=rating, fixed=fixed, comment=comment, threshold=self.threshold),
            actor,
        )
        if not getattr(event, "low", False):
            return False
        # The reopen-low-rated job sends it back to the validator within minutes.
        back = at + timedelta(seconds=self.rng.randrange(30, 300))
        completion_at = self.d.completed_at
        self.do(back, wf.ReturnForReview(reason="low_rating"), Actor.system("Sistem validasi"))
        self.flag_rows.append(
            {
                "ticket_id": self.d.id,
                "reason": "low_rating",
                "completion_at": completion_at,
                "at": back,
                "detail": {"rating": event.rating if isinstance(event, ev.TicketRated) else None},
            }
        )
        return True

    def _review(self, after: datetime) -> None:
        """The validator reviews a low rating: accept the completion, or confirm a reopen."""
        at = after + _hours(self._validation_h())
        if self.rng.random() < LOW_RATING_CONFIRM_SHARE:
            self._reopen(at, REVIEW_REOPEN_REASON)
        else:
            self.do(at, wf.Verify(note=REVIEW_ACCEPT_NOTE), self._validator())


def generate_tickets(
    n: int,
    *,
    seed: int,
    now: datetime,
    progress: Progress | None = None,
    days: int = DAYS,
) -> GenerateStats:
    """Fill the year ending at `now` with `n` demo tickets and their histories.

    Needs the reference data (``seed.seed_reference``); uses the demo accounts
    for actors when they exist. Reproducible: the same `n`, `seed` and `now`
    give the same tickets. Commits one transaction per batch of tickets.
    ``days`` spreads the tickets over that many days ending at `now` instead of
    a year (``bench/kpi.py`` uses 1826: five years).
    """
    if n <= 0:
        return GenerateStats(tickets=0, events=0, reporters=0, seconds=0.0)
    return _Generator(n, seed, now, progress, days).run()
