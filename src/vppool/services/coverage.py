"""Coverage: demand against supply over the coming months, by region and by what a need asks.

Demand is the seats of the open needs that run in the window (the next ``months`` months),
and how many of them a confirmed VP holds. Supply is the active VPs with a valid
certificate: how many offer what a need asks (live in the province, reach it within their
travel limit, speak the language, hold the scope, know the sector, are of the gender) and
the hours per month they have not yet given to confirmed work. The map places the VPs'
homes with their travel circles and the needs' sites, projected onto a plain picture of the
Netherlands (no tiles, nothing fetched): the table behind it lists the provinces.

What to do about the gaps (the unfilled seats' causes and whom to recruit) takes solves:
:mod:`vppool.services.recruitment` works it out in the background.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_

from vppool.db.models import Assignment, Need, Organisation, Site, TrustPerson
from vppool.services._common import plain_rows
from vppool.services.compliance import current_certificates
from vppool.services.dashboard import month_starts
from vppool.services.insight import province_of
from vppool.synthetic import load_places
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus

__all__ = [
    "DIMENSIONS",
    "Coverage",
    "CoverageMap",
    "Gap",
    "coverage",
    "project",
]

#: The dimensions of the tables, in the order the page shows them.
DIMENSIONS = ("province", "language", "scope", "sector", "gender")
#: The gender table's row of the needs that ask for a mix of genders.
MIX = "mix"

# The map: a plain equirectangular projection of the Netherlands, scaled to kilometres.
_NORTH, _SOUTH, _WEST, _EAST = 53.62, 50.72, 3.30, 7.30
_KM_PER_DEGREE = 111.2
_COS = math.cos(math.radians((_NORTH + _SOUTH) / 2))
#: Picture units per kilometre.
_SCALE = 1.25


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """A point's place on the map, in picture units from its top left corner."""
    x = (longitude - _WEST) * _KM_PER_DEGREE * _COS * _SCALE
    y = (_NORTH - latitude) * _KM_PER_DEGREE * _SCALE
    return round(x, 1), round(y, 1)


MAP_WIDTH, MAP_HEIGHT = project(_SOUTH, _EAST)


@dataclass(frozen=True, slots=True)
class Gap:
    """Demand against supply for one key of one dimension (a province, a language, ...)."""

    dimension: str
    key: str
    #: Seats of open needs in the window that ask for it (gender: seats its VPs hold).
    seats: int
    #: Of those, held by a confirmed VP.
    filled: int
    #: Active, certified VPs who offer it (a province: who live there).
    trust_persons: int
    #: Their hours per month not yet given to confirmed work.
    spare_hours: float
    #: A province: the VPs whose travel limit reaches one of its sites with demand.
    reaching: int | None = None

    @property
    def open(self) -> int:
        """Seats without a VP."""
        return self.seats - self.filled


@dataclass(frozen=True, slots=True)
class CoverageMap:
    """What the map draws, in picture units; its table is the province rows of the gaps.

    ``homes``: each VP's home and the radius of their travel circle; ``sites``: each site
    with demand, and whether seats there are open; ``labels``: each province's name at the
    population-weighted middle of its places.
    """

    width: float
    height: float
    homes: list[tuple[float, float, float]]
    sites: list[tuple[float, float, bool]]
    labels: list[tuple[float, float, str]]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Demand against supply over a window of months, by dimension, and the map."""

    first_day: date
    #: The window's last day (shown as such: never an exclusive end).
    last_day: date
    months: int
    gaps: dict[str, list[Gap]]
    map: CoverageMap
    totals: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the API and ``vppool insight gaps --json``)."""
        return {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "months": self.months,
            "totals": self.totals,
            "gaps": {
                dimension: [
                    {
                        "key": gap.key,
                        "seats": gap.seats,
                        "filled": gap.filled,
                        "open": gap.open,
                        "trust_persons": gap.trust_persons,
                        "reaching": gap.reaching,
                        "spare_hours_per_month": gap.spare_hours,
                    }
                    for gap in rows
                ]
                for dimension, rows in self.gaps.items()
            },
        }


@cache
def _labels() -> tuple[tuple[float, float, str], ...]:
    """Each province's name at the population-weighted middle of its places."""
    weight: Counter[str] = Counter()
    lat: defaultdict[str, float] = defaultdict(float)
    lon: defaultdict[str, float] = defaultdict(float)
    for place in load_places():
        weight[place.province] += place.population
        lat[place.province] += place.latitude * place.population
        lon[place.province] += place.longitude * place.population
    return tuple(
        (*project(lat[name] / total, lon[name] / total), name)
        for name, total in sorted(weight.items())
    )


@dataclass
class _Supply:
    people: int = 0
    hours: float = 0.0


def coverage(session: Session, today: date, *, months: int = 12) -> Coverage:
    """Demand against supply from ``today`` through the end of the ``months``-th month."""
    firsts = month_starts(today, months + 1)
    window_end = firsts[-1]
    running = sa.and_(
        col(Need.status) == NeedStatus.OPEN,
        col(Need.starts_on) < window_end,
        or_(col(Need.ends_on).is_(None), col(Need.ends_on) > today),
    )
    needs: Sequence[Any] = plain_rows(
        session,
        sa.select(
            col(Need.id),
            col(Need.organisation_id),
            col(Need.site_id),
            col(Need.seats),
            col(Need.scopes),
            col(Need.languages),
            col(Need.kind),
            col(Need.requires_gender_mix),
            col(Organisation.sector),
            col(Organisation.requires_gender_mix).label("organisation_mix"),
        )
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .where(running),
    )
    holding = sa.and_(
        col(Assignment.status) == AssignmentStatus.CONFIRMED,
        col(Assignment.starts_on) < window_end,
        or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
    )
    held: dict[int, set[int]] = defaultdict(set)  # need -> seats a VP holds
    vps_on: dict[int, set[int]] = defaultdict(set)  # need -> its VPs
    load: defaultdict[int, float] = defaultdict(float)  # VP -> confirmed hours per month
    for need_id, seat, vp_id, hours, in_window in plain_rows(
        session,
        sa.select(
            col(Assignment.need_id),
            col(Assignment.seat),
            col(Assignment.trust_person_id),
            col(Need.expected_hours_per_month),
            running,
        )
        .join(Need, col(Need.id) == Assignment.need_id)
        .where(holding),
    ):
        load[vp_id] += hours
        if in_window:
            held[need_id].add(seat)
            vps_on[need_id].add(vp_id)

    sites: dict[int | None, tuple[float, float]] = {}
    main: dict[int, int | None] = {}
    for site_id, organisation_id, latitude, longitude in plain_rows(
        session,
        sa.select(
            col(Site.id), col(Site.organisation_id), col(Site.latitude), col(Site.longitude)
        ).order_by(col(Site.organisation_id), col(Site.is_main).desc(), col(Site.id)),
    ):
        sites[site_id] = (latitude, longitude)
        main.setdefault(organisation_id, site_id)

    certified = current_certificates(session, today)
    vps = [
        vp
        for vp in plain_rows(
            session,
            sa.select(
                col(TrustPerson.id),
                col(TrustPerson.home_latitude),
                col(TrustPerson.home_longitude),
                col(TrustPerson.max_travel_km),
                col(TrustPerson.capacity_hours_per_month),
                col(TrustPerson.languages),
                col(TrustPerson.scopes),
                col(TrustPerson.sectors),
                col(TrustPerson.gender),
            ).where(col(TrustPerson.active).is_(True)),
        )
        if vp.id in certified and certified[vp.id].expires_on > today
    ]

    demand: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    gender_of = {vp.id: vp.gender.value if vp.gender else None for vp in vps}
    province_sites: dict[str, set[tuple[float, float]]] = defaultdict(set)
    map_sites: dict[tuple[float, float], bool] = {}
    for need in needs:
        filled = min(need.seats, len(held[need.id]))
        site_id = need.site_id if need.site_id in sites else main.get(need.organisation_id)
        keys: list[tuple[str, str]] = [("scope", scope) for scope in need.scopes]
        keys += [("language", language) for language in need.languages]
        keys.append(("sector", need.sector))
        if site_id is not None:
            point = sites[site_id]
            province = province_of(*point)
            keys.append(("province", province))
            province_sites[province].add(project(*point))
            map_sites[point] = map_sites.get(point, False) or filled < need.seats
        mix = need.requires_gender_mix or (need.organisation_mix and need.kind == NeedKind.STANDING)
        if mix and need.seats >= 2:
            # A need asking for a mix counts as filled once its VPs are of two genders.
            genders = {gender_of.get(vp_id) for vp_id in vps_on[need.id]} - {None}
            demand[("gender", MIX)][0] += need.seats
            demand[("gender", MIX)][1] += need.seats if len(genders) >= 2 else 0
        for key in keys:
            demand[key][0] += need.seats
            demand[key][1] += filled

    supply: dict[tuple[str, str], _Supply] = defaultdict(_Supply)
    reaching: Counter[str] = Counter()
    # Each province's sites with their bounding box: a VP whose circle misses the box
    # reaches none of them, so only the few provinces near home are looked at site by site.
    boxes = [
        (province, points, min(xs), max(xs), min(ys), max(ys))
        for province, points in province_sites.items()
        for xs, ys in [([x for x, _ in points], [y for _, y in points])]
    ]
    homes = []
    for vp in vps:
        spare = max(0.0, vp.capacity_hours_per_month - load[vp.id])
        keys = [("scope", scope) for scope in vp.scopes]
        keys += [("language", language) for language in vp.languages]
        keys += [("sector", sector) for sector in vp.sectors]
        keys.append(("province", province_of(vp.home_latitude, vp.home_longitude)))
        if vp.gender is not None:
            keys.append(("gender", vp.gender.value))
        for key in keys:
            supply[key].people += 1
            supply[key].hours += spare
        # On the map's plane (its distances within a percent of the great circle's here).
        hx, hy = project(vp.home_latitude, vp.home_longitude)
        reach = (vp.max_travel_km * _SCALE) ** 2
        for province, points, left, right, top, bottom in boxes:
            dx = max(left - hx, 0.0, hx - right)
            dy = max(top - hy, 0.0, hy - bottom)
            if dx * dx + dy * dy > reach:
                continue
            if any((x - hx) ** 2 + (y - hy) ** 2 <= reach for x, y in points):
                reaching[province] += 1
        homes.append((hx, hy, vp.max_travel_km * _SCALE))
    # The genders' rows: the seats their VPs hold (demand is for a mix, not for a gender).
    for vp_ids in vps_on.values():
        for vp_id in vp_ids:
            gender = gender_of.get(vp_id)
            if gender is not None:
                demand[("gender", gender)][0] += 1
                demand[("gender", gender)][1] += 1

    gaps: dict[str, list[Gap]] = {dimension: [] for dimension in DIMENSIONS}
    for dimension, name in sorted(set(demand) | set(supply)):
        seats, filled = demand.get((dimension, name), [0, 0])
        offered = supply.get((dimension, name), _Supply())
        gaps[dimension].append(
            Gap(
                dimension=dimension,
                key=name,
                seats=seats,
                filled=filled,
                trust_persons=offered.people,
                spare_hours=round(offered.hours, 1),
                reaching=reaching[name] if dimension == "province" else None,
            )
        )
    for rows in gaps.values():
        rows.sort(key=lambda gap: (-gap.open, -gap.seats, gap.key))
    total_seats = sum(need.seats for need in needs)
    total_filled = sum(min(need.seats, len(held[need.id])) for need in needs)
    return Coverage(
        first_day=today,
        last_day=firsts[-1].fromordinal(window_end.toordinal() - 1),
        months=months,
        gaps=gaps,
        map=CoverageMap(
            width=MAP_WIDTH,
            height=MAP_HEIGHT,
            homes=homes,
            sites=[(*project(*point), is_open) for point, is_open in map_sites.items()],
            labels=list(_labels()),
        ),
        totals={
            "seats": total_seats,
            "filled": total_filled,
            "open": total_seats - total_filled,
            "trust_persons": len(vps),
        },
    )
