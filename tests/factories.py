"""Plain functions that build a small Jakarta for tests (no fixtures magic)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PIL import Image

from dashboard.domain.intake import parse_report
from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Category, Channel, Unit, User
from dashboard.scope import actor_for_user
from dashboard.services import accounts, intake
from dashboard.services.workflow import no_publish

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    api_key: str = ""

    def __getitem__(self, code: str) -> int:
        return self.ids[code]

    def actor(self, username: str) -> Actor:
        return actor_for_user(self.users[username])


def _unit(
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    kota: Unit | None,
    lat: float | None = None,
    lon: float | None = None,
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent, lat=lat, lon=lon)
    db.session.add(unit)
    db.session.flush()
    unit.kota_id = unit.id if kind in ("kota", "kabupaten") else (kota.id if kota else None)
    return unit


def build_world(now: datetime) -> World:
    """Two kota, three kelurahan, two agencies, three categories, two channels, a user per role."""
    w = World()
    dki = _unit("DKI", "Provinsi DKI Jakarta", "province", None, None)
    tim = _unit("JKT-TIM", "Jakarta Timur", "kota", dki, None, -6.225, 106.900)
    sel = _unit("JKT-SEL", "Jakarta Selatan", "kota", dki, None, -6.266, 106.810)
    kec_mat = _unit("KEC-MATRAMAN", "Matraman", "kecamatan", tim, tim, -6.205, 106.860)
    kec_keb = _unit("KEC-KEBAYORAN-BARU", "Kebayoran Baru", "kecamatan", sel, sel, -6.240, 106.800)
    kel_a = _unit(
        "KEL-UTAN-KAYU-UTARA", "Utan Kayu Utara", "kelurahan", kec_mat, tim, -6.198, 106.865
    )
    kel_b = _unit("KEL-PALMERIAM", "Palmeriam", "kelurahan", kec_mat, tim, -6.208, 106.858)
    kel_c = _unit("KEL-SENAYAN", "Senayan", "kelurahan", kec_keb, sel, -6.227, 106.802)
    bm = _unit("DINAS-BINA-MARGA", "Dinas Bina Marga", "agency", dki, None)
    insp = _unit("INSPEKTORAT-PROVINSI", "Inspektorat Provinsi", "agency", dki, None)
    biro = _unit("BIRO-PEMERINTAHAN", "Biro Pemerintahan", "validator", dki, None)
    bag_tim = _unit("BAGPEM-JKT-TIM", "Bagian Pemerintahan Jakarta Timur", "validator", tim, tim)
    bag_sel = _unit("BAGPEM-JKT-SEL", "Bagian Pemerintahan Jakarta Selatan", "validator", sel, sel)
    for u in (
        dki,
        tim,
        sel,
        kec_mat,
        kec_keb,
        kel_a,
        kel_b,
        kel_c,
        bm,
        insp,
        biro,
        bag_tim,
        bag_sel,
    ):
        w.ids[u.code] = u.id
    cats = [
        Category(
            code="jalan-rusak",
            name="Jalan Rusak",
            weight=2,
            response_hours=6,
            location_based=True,
            agency_id=bm.id,
        ),
        Category(
            code="sampah",
            name="Sampah",
            weight=1,
            response_hours=6,
            location_based=True,
            agency_id=bm.id,
        ),
        Category(
            code="pungutan-liar",
            name="Pungutan Liar",
            weight=1,
            response_hours=6,
            location_based=False,
            agency_id=insp.id,
        ),
    ]
    chans = [
        Channel(code="jaki", name="JAKI", online=True),
        Channel(code="kelurahan", name="Kantor Kelurahan", online=False),
    ]
    db.session.add_all(cats + chans)
    db.session.commit()
    for c in cats:
        w.ids[c.code] = c.id
    users = [
        ("admin", "admin", None, None),
        ("mro", "mro", None, None),
        ("officer_a", "officer", "KEL-UTAN-KAYU-UTARA", None),
        ("officer_b", "officer", "KEL-PALMERIAM", None),
        ("officer_c", "officer", "KEL-SENAYAN", None),
        ("officer_bm", "officer", "DINAS-BINA-MARGA", None),
        ("validator_prov", "validator", "BIRO-PEMERINTAHAN", None),
        ("validator_tim", "validator", "BAGPEM-JKT-TIM", None),
        ("validator_sel", "validator", "BAGPEM-JKT-SEL", "JKT-SEL"),
        ("exec_prov", "executive", None, None),
        ("exec_tim", "executive", None, "JKT-TIM"),
    ]
    for username, role, unit, kota in users:
        w.users[username] = accounts.create_user(
            username=username,
            password=PASSWORD,
            display_name=username.replace("_", " ").title(),
            role=role,
            unit_code=unit,
            kota_code=kota,
            now=now,
        )
    w.api_key = accounts.issue_api_key("jaki", label="test", now=now)
    return w


def report_payload(**overrides: object) -> dict:
    payload = {
        "channel": "jaki",
        "external_id": "JAKI-0001",
        "category": "jalan-rusak",
        "description": "Jalan berlubang besar di depan sekolah, membahayakan pengendara motor.",
        "lat": -6.1985,
        "lon": 106.8652,
        "address": "Jl. Pramuka No. 12",
        "reported_at": "2026-11-02T07:30:00+07:00",
        "reporter": {
            "name": "Siti Rahmawati",
            "phone": "081234567890",
            "email": "siti@example.id",
            "confidential": True,
        },
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def new_ticket(now: datetime, **overrides: object) -> int:
    """Create a ticket through the real intake service; returns its id."""
    payload = report_payload(**overrides)
    report = parse_report(payload, now=now)
    result = intake.receive_report(
        report,
        payload_hash=None,
        actor=Actor.channel(str(payload["channel"])),
        now=now,
        publish=no_publish,
    )
    return result.ticket_id


def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, format=fmt)
    return buf.getvalue()


def later(now: datetime, **kw: float) -> datetime:
    return now + timedelta(**kw)
