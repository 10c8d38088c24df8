"""The daily KPI rollup table; its counters are the columns ``domain.kpis`` names."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import kpis
from .base import Model


class KpiDaily(Model):
    """The daily KPI rollup: one row per dimension key per WIB day.

    Maintained in the same transaction as every ticket change (services.kpi);
    ``flask kpi verify`` recounts it from the tickets. Dimensions and counters
    are defined in ``domain.kpis`` (DIMS, COUNTERS).
    """

    __tablename__ = "kpi_daily"
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sub_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)

    __table_args__ = (Index("ix_kpi_daily_dim_day", "dim", "day"),)


for _name in kpis.COUNTERS:
    setattr(
        KpiDaily,
        _name,
        mapped_column(
            _name,
            BigInteger if _name.endswith(("handling_min", "rating_sum")) else Integer,
            nullable=False,
            default=0,
            server_default="0",
        ),
    )
