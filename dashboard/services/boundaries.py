"""Importing kelurahan boundary polygons, so routing can use containment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from ..database import begin_write
from ..domain.routing import polygons_from_geojson_geometry
from ..extensions import db
from ..models import Unit
from ..queries.maps import forget_geometry
from .errors import InvalidInput


@dataclass
class ImportReport:
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)


def import_boundaries(collection: Any, *, name_property: str = "name") -> ImportReport:
    """Match each feature to a kelurahan by code or name and store its geometry."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InvalidInput({"geojson": "bukan FeatureCollection GeoJSON"})
    begin_write()
    report = ImportReport()
    for feature in collection.get("features", []):
        props = feature.get("properties") or {}
        name = str(props.get(name_property, "")).strip()
        geometry = feature.get("geometry") or {}
        try:
            polygons_from_geojson_geometry(geometry)
        except (ValueError, TypeError):
            report.unmatched.append(f"{name or '?'} (geometri bukan Polygon/MultiPolygon)")
            continue
        unit = db.session.scalar(
            select(Unit).where(
                Unit.kind == "kelurahan",
                or_(Unit.code == name, func.lower(Unit.name) == name.lower()),
            )
        )
        if unit is None:
            report.unmatched.append(name or "?")
            continue
        unit.boundary = geometry
        report.matched += 1
    db.session.commit()
    forget_geometry()
    return report
