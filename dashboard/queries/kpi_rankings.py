"""KPI rankings: league tables of kelurahan, kecamatan and agencies over a rolling window.

The score of each unit is ``domain.kpis.rank`` over its weighted terms; this
module sums the rollup and the live counts per member of a group (a member
counts its whole subtree) and puts the window beside the one before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import true

from ..domain import kpis
from ..models import Ticket
from . import kpis as kpi_reads

RANK_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kelurahan": ("Kelurahan", ("kelurahan",)),
    "kecamatan": ("Kecamatan", ("kecamatan",)),
    "agency": ("SKPD/UKPD dan BUMD", ("agency", "bumd")),
}


@dataclass(frozen=True)
class RankedUnit:
    unit: kpi_reads.UnitInfo
    entry: kpis.RankEntry
    figures: kpis.Figures
    previous: kpis.RankEntry | None


@dataclass(frozen=True)
class Ranking:
    group: str
    label: str
    window: kpi_reads.Period
    previous_window: kpi_reads.Period
    province_terms: dict[str, float | None]
    rows: list[RankedUnit]
    min_volume: int = kpis.RANK_MIN_VOLUME
    formula: str = kpis.RANK_FORMULA


def _window(now: datetime) -> kpi_reads.Period:
    return kpi_reads.Period.last_days(kpis.wib_day(now), kpis.RANK_WINDOW_DAYS)


def _group_units(o: kpi_reads.Org, group: str) -> dict[int, int]:
    """Every unit counted for a member of the group -> that member (its subtree)."""
    kinds = RANK_GROUPS[group][1]
    members = o.of_kind(*kinds)
    owner: dict[int, int] = {}
    for m in members:
        for uid in o.subtree(m.id):
            owner.setdefault(uid, m.id)
    return owner


def _by_member(
    by_unit: Mapping[Any, Any], owner: Mapping[int, int], add: Callable[[Any, Any], Any]
) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for uid, value in by_unit.items():
        m = owner.get(uid)
        if m is not None:
            out[m] = add(out[m], value) if m in out else value
    return out


def _add_counters(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    return {name: a[name] + b[name] for name in kpis.COUNTERS}


def _ranked(
    group: str, period: kpi_reads.Period, now: datetime, o: kpi_reads.Org
) -> tuple[
    list[kpis.RankEntry], dict[int, dict[str, int]], dict[int, kpis.Live], dict[str, float | None]
]:
    owner = _group_units(o, group)
    # Per unit, once; the members' sums and the province's (every unit, and the
    # tickets of none) are both added up from these rows.
    unit_totals = kpi_reads.summed("unit", period, group="key_id")
    unit_lives = kpi_reads.live_counts(period, now, true(), Ticket.assigned_unit_id)
    totals = _by_member(unit_totals, owner, _add_counters)
    lives = _by_member(unit_lives, owner, lambda a, b: a + b)
    province = kpis.weighted_terms(
        reduce(_add_counters, unit_totals.values(), kpi_reads.zero()),
        sum(unit_lives.values(), kpis.Live()),
    )
    members = [u.id for u in o.of_kind(*RANK_GROUPS[group][1])]
    entries = kpis.rank(
        [
            (
                m,
                (totals.get(m) or kpi_reads.zero())["received"],
                kpis.weighted_terms(totals.get(m) or kpi_reads.zero(), lives.get(m, kpis.Live())),
            )
            for m in members
        ],
        province,
    )
    return entries, totals, lives, province


def ranking(group: str, now: datetime, o: kpi_reads.Org | None = None) -> Ranking:
    """A league table over the rolling window, beside the window before it."""
    if group not in RANK_GROUPS:
        raise kpi_reads.KpiInputError(f"kelompok peringkat tidak dikenal: {group!r}")
    o = o or kpi_reads.org()
    window = _window(now)
    prev_window = window.previous()
    entries, totals, lives, province = _ranked(group, window, now, o)
    prev_entries, *_ = _ranked(group, prev_window, now, o)
    prev_by_id = {e.unit_id: e for e in prev_entries}
    rows = [
        RankedUnit(
            o.units[e.unit_id],
            e,
            kpis.figures(
                totals.get(e.unit_id) or kpi_reads.zero(), lives.get(e.unit_id, kpis.Live())
            ),
            prev_by_id.get(e.unit_id),
        )
        for e in entries
    ]
    return Ranking(group, RANK_GROUPS[group][0], window, prev_window, province, rows)


def unit_rank(unit_id: int, now: datetime, o: kpi_reads.Org) -> tuple[str, RankedUnit, int] | None:
    """The unit's line in its ranking group, with the number of ranked units; None if none."""
    kind = o.units[unit_id].kind
    group = next((g for g, (_l, kinds) in RANK_GROUPS.items() if kind in kinds), None)
    if group is None:
        return None
    table = ranking(group, now, o)
    ranked = sum(1 for r in table.rows if r.entry.ranked)
    row = next(r for r in table.rows if r.unit.id == unit_id)
    return group, row, ranked
