"""Distances and coarse regions (pure)."""

from __future__ import annotations

import math

from vppool.matching._types import Location

__all__ = ["PROVINCES", "haversine_km", "nearest_province"]

_EARTH_RADIUS_KM = 6371.0

#: Approximate centres of the twelve provinces, for regional supply/demand diagnostics.
PROVINCES: dict[str, Location] = {
    "Groningen": Location(53.22, 6.74),
    "Friesland": Location(53.11, 5.85),
    "Drenthe": Location(52.86, 6.62),
    "Overijssel": Location(52.44, 6.45),
    "Flevoland": Location(52.53, 5.60),
    "Gelderland": Location(52.06, 5.95),
    "Utrecht": Location(52.08, 5.18),
    "Noord-Holland": Location(52.58, 4.87),
    "Zuid-Holland": Location(51.94, 4.49),
    "Zeeland": Location(51.45, 3.84),
    "Noord-Brabant": Location(51.56, 5.20),
    "Limburg": Location(51.21, 5.93),
}


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_province(point: Location) -> str:
    """The province whose centre is nearest (good enough for regional diagnostics)."""
    return min(PROVINCES, key=lambda name: haversine_km(point, PROVINCES[name]))
