"""Places, distances and a coordinate grid for nearest-first searches (pure)."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from vppool.synthetic._places import Place
from vppool.vocab import NL_LATITUDE_RANGE, NL_LONGITUDE_RANGE

__all__ = ["Grid", "Located", "PlaceSampler", "haversine_km", "postcode"]

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
#: Grid cells of 0.1 degree latitude by 0.15 degree longitude: about 11 by 10 km in NL.
CELL_LATITUDE = 0.1
CELL_LONGITUDE = 0.15
#: A cell side is at least this long anywhere in NL (the longitude side at 53.6 degrees N).
CELL_MIN_KM = 9.8

#: First two digits of the postcodes of each province (roughly; enough to look right).
POSTCODE_PREFIXES = {
    "Noord-Holland": (10, 21),
    "Zuid-Holland": (22, 33),
    "Utrecht": (34, 39),
    "Zeeland": (43, 45),
    "Noord-Brabant": (47, 58),
    "Limburg": (59, 64),
    "Gelderland": (65, 73),
    "Overijssel": (74, 76),
    "Drenthe": (77, 79),
    "Flevoland": (82, 83),
    "Friesland": (84, 92),
    "Groningen": (93, 99),
}
POSTCODE_LETTERS = "ABCDEGHJKLMNPRTVWXZ"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (the matcher's own formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def postcode(rng: random.Random, province: str) -> str:
    """A plausible postcode for the province, like ``3511 KT``."""
    low, high = POSTCODE_PREFIXES.get(province, (10, 99))
    number = rng.randint(low * 100, high * 100 + 99)
    return f"{number} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


class PlaceSampler:
    """Draws places weighted by population and points near them."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = tuple(places)
        self.by_name = {place.name: place for place in self.places}
        self._cumulative = list(itertools.accumulate(place.population for place in self.places))

    def draw(self, rng: random.Random) -> Place:
        """A place, chosen with probability proportional to its population."""
        return self.places[
            bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        ]

    def draw_near(self, rng: random.Random, origin: Place, radius_km: float) -> Place:
        """A place within ``radius_km`` of ``origin`` (by population), else any place."""
        for _ in range(8):
            place = self.draw(rng)
            near = haversine_km(origin.latitude, origin.longitude, place.latitude, place.longitude)
            if near <= radius_km:
                return place
        return self.draw(rng)

    @staticmethod
    def point_in(rng: random.Random, place: Place) -> tuple[float, float]:
        """A point in ``place``: bigger places spread wider (a few km for a big city)."""
        spread = 0.006 + 0.03 * math.sqrt(place.population / 900_000)
        latitude = place.latitude + rng.gauss(0, spread / 2)
        longitude = place.longitude + rng.gauss(0, spread * 0.8)
        latitude = min(max(latitude, NL_LATITUDE_RANGE[0]), NL_LATITUDE_RANGE[1])
        longitude = min(max(longitude, NL_LONGITUDE_RANGE[0]), NL_LONGITUDE_RANGE[1])
        return round(latitude, 5), round(longitude, 5)


class Located(Protocol):
    """Anything with an id and coordinates."""

    @property
    def id(self) -> int:
        """Row id."""
        ...

    @property
    def latitude(self) -> float:
        """Degrees north."""
        ...

    @property
    def longitude(self) -> float:
        """Degrees east."""
        ...


T = TypeVar("T", bound=Located)


class Grid(Generic[T]):
    """Items bucketed by coordinates, searched outward ring by ring from a point.

    Searching costs the cells near the point, not the whole pool, so nearest-first
    placement over 15,000 organisations stays fast.
    """

    def __init__(self, items: Sequence[T] = ()) -> None:
        self._cells: dict[tuple[int, int], list[T]] = {}
        for item in items:
            self.add(item)

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / CELL_LATITUDE), math.floor(longitude / CELL_LONGITUDE)

    def add(self, item: T) -> None:
        """Put ``item`` in its cell."""
        self._cells.setdefault(self._cell(item.latitude, item.longitude), []).append(item)

    def remove(self, item: T) -> None:
        """Take ``item`` out (it is no longer a candidate)."""
        self._cells[self._cell(item.latitude, item.longitude)].remove(item)

    def rings(self, latitude: float, longitude: float) -> Iterator[tuple[float, list[T]]]:
        """The cells around the point, ring by ring (ring 0 is the point's own cell).

        Yields, per ring, a distance every item not yet seen lies beyond, and the ring's
        items.
        """
        row, column = self._cell(latitude, longitude)
        for radius in itertools.count():
            found: list[T] = []
            for dr in range(-radius, radius + 1):
                step = 1 if abs(dr) == radius else 2 * radius
                for dc in range(-radius, radius + 1, max(step, 1)):
                    found.extend(self._cells.get((row + dr, column + dc), ()))
            yield radius * CELL_MIN_KM, found

    def around(self, latitude: float, longitude: float, radius_km: float) -> list[T]:
        """Items in the cells within about ``radius_km`` of the point (a cheap, loose 'near')."""
        rings = math.ceil(radius_km / CELL_MIN_KM)
        row, column = self._cell(latitude, longitude)
        found: list[T] = []
        for dr in range(-rings, rings + 1):
            for dc in range(-rings, rings + 1):
                found.extend(self._cells.get((row + dr, column + dc), ()))
        return found

    def nearest(
        self,
        latitude: float,
        longitude: float,
        *,
        max_km: float,
        enough: int,
        accept: Callable[[T], bool] | None = None,
        limit: Callable[[T], float] | None = None,
    ) -> list[tuple[float, T]]:
        """Items that ``accept`` takes within reach, nearest first (ties by id).

        An item is within reach when its great-circle distance is at most ``max_km`` and
        at most ``limit(item)``. The search stops as soon as the ``enough`` nearest such
        items are certain, so it returns at least those (when there are that many).
        """
        squash = math.cos(math.radians(latitude))
        found: list[tuple[float, int, T]] = []
        for bound, ring in self.rings(latitude, longitude):
            for item in ring:
                if accept is not None and not accept(item):
                    continue
                reach = max_km if limit is None else min(max_km, limit(item))
                # A flat-earth estimate first (within about 1 % here); the exact distance only
                # for items that may be within reach.
                dy = item.latitude - latitude
                dx = (item.longitude - longitude) * squash
                if KM_PER_DEGREE * math.sqrt(dx * dx + dy * dy) > reach * 1.03:
                    continue
                distance = haversine_km(latitude, longitude, item.latitude, item.longitude)
                if distance <= reach:
                    found.append((distance, item.id, item))
            if bound >= max_km or sum(1 for entry in found if entry[0] <= bound) >= enough:
                break
        found.sort(key=lambda entry: (entry[0], entry[1]))
        return [(distance, item) for distance, _, item in found]
