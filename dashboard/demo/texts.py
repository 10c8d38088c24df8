"""The Indonesian words of the demo: names, streets, report texts, notes and reasons.

Plain data, read by ``reports`` (who reports what, where) and ``history`` (what
officers, validators and reporters write as a ticket is handled).
"""

from __future__ import annotations

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
