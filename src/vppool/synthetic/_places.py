"""The table of Dutch places shipped with the package."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["Place", "load_places"]


@dataclass(frozen=True, slots=True)
class Place:
    """A Dutch place with its coordinates and population."""

    name: str
    province: str
    latitude: float
    longitude: float
    population: int


@functools.cache
def load_places() -> tuple[Place, ...]:
    """Every place of ``data/places.csv``, largest first."""
    text = (resources.files("vppool.synthetic") / "data" / "places.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(
        Place(
            name=row["name"],
            province=row["province"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row["population"]),
        )
        for row in csv.DictReader(lines)
    )
