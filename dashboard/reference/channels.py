"""The 14 intake channels (kanal) through which Jakarta's CRM receives complaints.

What belongs here: the fixed channel list as immutable reference data (stable
lower-case code, display name, whether it is online, demo frequency). The 13
official channels of the province plus Qlue (DESIGN.md section 3).

``online`` channels deliver reports by API; offline ones are the offices,
where staff type the report in. ``demo_share`` is a plausible present-day mix
used only to shape demo data (shares sum to 1.0): JAKI dominates, Qlue is a
fraction of its 2019 peak (72 % of December 2019 reports), LAPOR! is
neglected beside JAKI and the offline channels are under-used (the walikota
office had 0.07 % in December 2019).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Channel:
    code: str
    name: str
    online: bool  # True: arrives by API; False: typed in by staff at an office
    demo_share: float


CHANNELS: tuple[Channel, ...] = (
    Channel("jaki", "JAKI (Jakarta Kini)", True, 0.550),
    Channel("lapor", "LAPOR! 1708", True, 0.080),
    Channel("twitter", "Twitter @DKIJakarta", True, 0.040),
    Channel("facebook", "Facebook Pemprov DKI Jakarta", True, 0.015),
    Channel("sosmed-gubernur", "Media sosial Gubernur", True, 0.020),
    Channel("sms", "SMS 08111272206", True, 0.020),
    Channel("web", "Situs jakarta.go.id", True, 0.030),
    Channel("kelurahan", "Kantor Kelurahan", False, 0.040),
    Channel("kecamatan", "Kantor Kecamatan", False, 0.020),
    Channel("walikota", "Kantor Walikota", False, 0.001),
    Channel("balaikota", "Pendopo Balai Kota", False, 0.009),
    Channel("inspektorat", "Kantor Inspektorat", False, 0.005),
    Channel("email", "E-mail dki@jakarta.go.id", True, 0.020),
    Channel("qlue", "Qlue", True, 0.150),
)
