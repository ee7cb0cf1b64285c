"""Distances and coarse regions (pure)."""

from __future__ import annotations

import math

from vppool.matching._types import Location

__all__ = [
    "KM_PER_DEGREE_LATITUDE_AT_LEAST",
    "PROVINCES",
    "Point",
    "haversine_km",
    "haversine_points",
    "nearest_province",
    "point_of",
]

_EARTH_RADIUS_KM = 6371.0
#: A degree of latitude is at least this many kilometres on the sphere of ``haversine_km``
#: (6371 * pi / 180 = 111.1949...): two points further apart in latitude than ``d`` such
#: degrees are more than ``d`` kilometres apart, whatever their longitudes.
KM_PER_DEGREE_LATITUDE_AT_LEAST = 111.19

#: A location in radians with the cosine of its latitude, for many distances from one point.
Point = tuple[float, float, float]

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


def point_of(location: Location) -> Point:
    """``location`` ready for :func:`haversine_points`."""
    latitude = math.radians(location.latitude)
    return latitude, math.radians(location.longitude), math.cos(latitude)


def haversine_points(a: Point, b: Point) -> float:
    """:func:`haversine_km` of two prepared points (the same arithmetic, the same result)."""
    h = math.sin((b[0] - a[0]) / 2) ** 2 + a[2] * b[2] * math.sin((b[1] - a[1]) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_province(point: Location) -> str:
    """The province whose centre is nearest (good enough for regional diagnostics)."""
    return min(PROVINCES, key=lambda name: haversine_km(point, PROVINCES[name]))
