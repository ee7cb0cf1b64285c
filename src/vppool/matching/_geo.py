"""Distances and coarse regions (pure)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from vppool.matching._types import Location

__all__ = [
    "KM_PER_DEGREE_LATITUDE_AT_LEAST",
    "PROVINCES",
    "Point",
    "ReachIndex",
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


_T = TypeVar("_T")

#: Slack in radians (about 6 metres) around every reach box: far above float noise.
_SLACK = 1e-6
#: An item whose box spans more cells than this is filed as "everywhere" (bounded memory).
_MOST_CELLS = 4096


class ReachIndex(Generic[_T]):
    """Items with a home and a reach (km as the crow flies), found by the points they reach.

    Each item is filed in every cell of a grid (about ``cell_km`` square) that the bounding
    box of its reach circle touches; :meth:`reaching` returns the items filed in the cells of
    the points asked about. The box is exact for :func:`haversine_km` (the distance is at
    least the earth radius times the latitude difference, and the longitude difference is
    bounded through the haversine with the smallest cosine in the box), so every item within
    its reach of a point is returned; items that are not may be returned too (the caller
    checks the distance). Items whose box passes a pole or the date line, and points outside
    -90..90 / -180..180 degrees, fall back to "every item".
    """

    def __init__(self, items: Iterable[tuple[_T, Location, float]], cell_km: float = 10.0) -> None:
        entries = list(items)
        middle = sum(home.latitude for _, home, _ in entries) / max(len(entries), 1)
        #: Height and width of a cell in radians (about ``cell_km`` at the items' latitude).
        self.cell_lat = cell_km / _EARTH_RADIUS_KM
        self.cell_lon = self.cell_lat / max(math.cos(math.radians(middle)), 0.1)
        self._cells: dict[tuple[int, int], list[_T]] = defaultdict(list)
        self._everywhere: list[_T] = []
        self._all = [item for item, _, _ in entries]
        for item, home, reach_km in entries:
            box = _reach_box(home, reach_km)
            if box is None:
                self._everywhere.append(item)
                continue
            low_lat, high_lat, low_lon, high_lon = box
            rows = range(self._row(low_lat), self._row(high_lat) + 1)
            columns = range(self._column(low_lon), self._column(high_lon) + 1)
            if len(rows) * len(columns) > _MOST_CELLS:  # reach far beyond the cell size
                self._everywhere.append(item)
                continue
            for row in rows:
                for column in columns:
                    self._cells[(row, column)].append(item)

    def _row(self, latitude: float) -> int:
        return math.floor(latitude / self.cell_lat)

    def _column(self, longitude: float) -> int:
        return math.floor(longitude / self.cell_lon)

    def reaching(self, points: Sequence[Location]) -> list[_T]:
        """Items that may reach one of ``points`` (an item once per point it may reach)."""
        found: list[_T] = []
        for point in points:
            if not (-90.0 <= point.latitude <= 90.0 and -180.0 <= point.longitude <= 180.0):
                return list(self._all)
            key = (
                self._row(math.radians(point.latitude)),
                self._column(math.radians(point.longitude)),
            )
            found.extend(self._cells.get(key, ()))
            found.extend(self._everywhere)
        return found


def _reach_box(home: Location, reach_km: float) -> tuple[float, float, float, float] | None:
    """Latitude and longitude bounds (radians) of the points within ``reach_km`` of home."""
    if not (-90.0 <= home.latitude <= 90.0 and -180.0 <= home.longitude <= 180.0):
        return None
    angle = max(reach_km, 0.0) / _EARTH_RADIUS_KM
    if not angle < 1.0:  # a sixth of the globe or more (or NaN): no box worth the name
        return None
    latitude, longitude = math.radians(home.latitude), math.radians(home.longitude)
    low_lat, high_lat = latitude - angle - _SLACK, latitude + angle + _SLACK
    if low_lat <= -math.pi / 2 or high_lat >= math.pi / 2:
        return None
    # h >= cos(lat1) cos(lat2) sin^2(dlon / 2) and h <= sin^2(angle / 2) within reach.
    smallest = math.cos(max(abs(low_lat), abs(high_lat)))
    ratio = math.sin(angle / 2) / math.sqrt(smallest * math.cos(latitude))
    if ratio >= 1.0:
        return None
    spread = 2 * math.asin(ratio) + _SLACK
    low_lon, high_lon = longitude - spread, longitude + spread
    if low_lon <= -math.pi or high_lon >= math.pi:
        return None
    return low_lat, high_lat, low_lon, high_lon
