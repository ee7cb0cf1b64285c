"""What the generator's steps know about each other's rows, and the growing tables."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from vppool.dataset import TABLE_MODELS
from vppool.synthetic._places import Place

__all__ = ["Need", "Organisation", "Row", "Site", "Tables", "TrustPerson", "iso", "stream"]

Row = dict[str, Any]


def iso(value: date | datetime | time | None) -> str | None:
    """The JSON form of a date, time or aware datetime (None stays None)."""
    return None if value is None else value.isoformat()


def stream(seed: int, step: str) -> random.Random:
    """A random stream of its own per step, so changing one step leaves the others alone.

    String seeds are hashed with SHA-512 by :class:`random.Random`, independent of
    ``PYTHONHASHSEED``.
    """
    return random.Random(f"vppool-synthetic/{seed}/{step}")


class Tables:
    """Every table's rows in the order they are made; ids count from 1 per table."""

    def __init__(self, today: date) -> None:
        self.rows: dict[str, list[Row]] = {name: [] for name in TABLE_MODELS}
        #: Creation time of every row: early on the reference date, so output is repeatable.
        self.stamp = datetime.combine(today, time(6, 0), tzinfo=UTC).isoformat()

    def add(self, table: str, row: Row) -> int:
        """Append ``row`` to ``table`` with the next id and return that id."""
        rows = self.rows[table]
        row_id = len(rows) + 1
        rows.append({"id": row_id, **row})
        return row_id


@dataclass(eq=False, slots=True)
class TrustPerson:
    """A VP as the later steps need it (the row holds the rest)."""

    id: int
    name: str
    gender: str | None
    place: Place
    latitude: float
    longitude: float
    scopes: frozenset[str]
    languages: frozenset[str]
    sectors: frozenset[str]
    max_travel_km: float
    capacity_hours: float
    capacity_clients: int
    active: bool
    experience_since: date
    #: Issue date of the first certificate of the unbroken chain up to the current one.
    certified_since: date = date.min
    certificate_issued: date = date.min
    certificate_expires: date = date.min
    #: Share of the education minimums this VP keeps up with (1 = exactly on pace).
    education_pace: float = 1.0
    absences: list[tuple[date, date]] = field(default_factory=list)
    #: Monthly hours taken by the plan, in whole minutes (each need rounded up, capacity
    #: down, as the matcher counts them: the plan never exceeds a capacity).
    minutes_used: int = 0
    clients_used: int = 0
    organisation_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Site:
    """A site of an organisation."""

    id: int
    organisation_id: int
    place: Place
    latitude: float
    longitude: float
    is_main: bool


@dataclass(eq=False, slots=True)
class Organisation:
    """A client organisation with its sites."""

    id: int
    name: str
    sector: str
    headcount: int
    languages: tuple[str, ...]
    requires_gender_mix: bool
    max_travel_km: float | None
    active: bool
    place: Place
    sites: list[Site] = field(default_factory=list)
    #: Coordinates of the main site.
    latitude: float = 0.0
    longitude: float = 0.0
    client_user_id: int | None = None
    #: VPs confirmed on a current need of this organisation.
    served_by: set[int] = field(default_factory=set)


@dataclass(eq=False, slots=True)
class Need:
    """A need with what placing VPs on it depends on."""

    id: int
    organisation: Organisation
    kind: str
    status: str
    scopes: frozenset[str]
    languages: frozenset[str]
    starts_on: date
    ends_on: date | None
    hours: float
    seats: int
    requires_gender_mix: bool
    max_travel_km: float | None
    site: Site | None

    @property
    def sites(self) -> list[Site]:
        """The sites a VP travels to: the need's own, else all of the organisation's."""
        return [self.site] if self.site is not None else self.organisation.sites
