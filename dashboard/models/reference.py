"""Reference rows: the units of the provincial government, categories and channels."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import UNIT_KIND_LABELS, UNIT_KINDS
from .base import Model


def unit_display_name(name: str, kind: str) -> str:
    """'Kelurahan Menteng', 'Kecamatan Matraman'; other units by their own name."""
    return f"{kind.capitalize()} {name}" if kind in ("kecamatan", "kelurahan") else name


class Unit(Model):
    """A unit of the provincial government: the organisation hierarchy."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The kota (or kabupaten) this unit belongs to; None for province-level units.
    kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    postal_code: Mapped[str | None] = mapped_column(String(10))
    population: Mapped[int | None] = mapped_column(Integer)
    # GeoJSON geometry (Polygon/MultiPolygon) imported by `flask units import-boundaries`.
    boundary: Mapped[dict | None] = mapped_column(JSON)

    parent: Mapped[Unit | None] = relationship(
        remote_side="Unit.id", foreign_keys=[parent_id], lazy="joined", join_depth=1
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {UNIT_KINDS!r}", name="ck_units_kind"),
        Index("ix_units_kind", "kind"),
    )

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[self.kind]

    @property
    def display_name(self) -> str:
        return unit_display_name(self.name, self.kind)


class Category(Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int] = mapped_column(Integer, default=1)  # bobot 1..3
    response_hours: Mapped[int] = mapped_column(Integer, default=6)
    location_based: Mapped[bool] = mapped_column(Boolean, default=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 3", name="ck_categories_weight"),)


class Channel(Model):
    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    online: Mapped[bool] = mapped_column(Boolean, default=True)
