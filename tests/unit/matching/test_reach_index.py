"""The candidates' spatial index: every VP within reach is found, so nothing changes.

``ReachIndex`` only spares distance computations: a VP it leaves out must be out of reach
of every site. Checked against the brute-force pair check on random points in the
Netherlands' bounding box, points on and beside the grid's cell borders, radii 0-200 km and
VPs exactly at their limit; and ``build_candidates`` with the index against the same
function with every VP tested.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.builders import instance, need, vp
from vppool.matching import Location, MatchingInstance, Weights
from vppool.matching import _candidates as candidates_module
from vppool.matching._candidates import build_candidates
from vppool.matching._context import Context
from vppool.matching._geo import ReachIndex, haversine_km

pytestmark = pytest.mark.unit

LATITUDES = (50.75, 53.55)  # the Netherlands' bounding box
LONGITUDES = (3.35, 7.23)
RADII = st.floats(0.0, 200.0)
NUDGE = st.sampled_from([-1e-9, 0.0, 1e-9])


def _point(draw: st.DrawFn) -> Location:
    return Location(draw(st.floats(*LATITUDES)), draw(st.floats(*LONGITUDES)))


def _on_border(draw: st.DrawFn, index: ReachIndex[Any]) -> Location:
    """A point on (or a hair beside) a cell border of ``index``, inside the box."""
    low_row = math.ceil(math.radians(LATITUDES[0]) / index.cell_lat)
    high_row = math.floor(math.radians(LATITUDES[1]) / index.cell_lat)
    low_column = math.ceil(math.radians(LONGITUDES[0]) / index.cell_lon)
    high_column = math.floor(math.radians(LONGITUDES[1]) / index.cell_lon)
    return Location(
        math.degrees(draw(st.integers(low_row, high_row)) * index.cell_lat) + draw(NUDGE),
        math.degrees(draw(st.integers(low_column, high_column)) * index.cell_lon) + draw(NUDGE),
    )


@st.composite
def homes_and_sites(draw: st.DrawFn) -> tuple[list[tuple[int, Location, float]], list[Location]]:
    sites = [_point(draw) for _ in range(draw(st.integers(1, 3)))]
    homes = []
    for number in range(draw(st.integers(1, 30))):
        home = _point(draw)
        kind = draw(st.sampled_from(["random", "at the limit", "beside", "in line"]))
        site = draw(st.sampled_from(sites))
        if kind == "beside":
            home = Location(site.latitude + draw(NUDGE), site.longitude + draw(NUDGE))
        if kind == "in line":  # due north, south, east or west of a site: the box's edges
            shift = draw(st.floats(-1.5, 1.5))
            home = (
                Location(site.latitude + shift, site.longitude)
                if draw(st.booleans())
                else Location(site.latitude, site.longitude + shift)
            )
        radius = draw(RADII)
        if kind in ("at the limit", "in line"):
            radius = haversine_km(home, site)
        homes.append((number, home, radius))
    return homes, sites


def _within(homes: list[tuple[int, Location, float]], sites: list[Location]) -> set[int]:
    """Brute force: every item whose nearest site is within its radius."""
    return {
        number
        for number, home, radius in homes
        if min(haversine_km(home, site) for site in sites) <= radius
    }


@settings(max_examples=300, deadline=None)
@given(homes_and_sites(), st.sampled_from([1.0, 10.0, 60.0]), st.data())
def test_index_finds_every_item_within_reach(
    drawn: tuple[list[tuple[int, Location, float]], list[Location]],
    cell_km: float,
    data: st.DataObject,
) -> None:
    homes, sites = drawn
    index = ReachIndex(homes, cell_km)
    sites = sites + [_on_border(data.draw, index) for _ in range(data.draw(st.integers(0, 3)))]
    found = set(index.reaching(sites))
    within = _within(homes, sites)
    assert {number for number in found if number in within} == within


def test_index_leaves_out_items_far_away() -> None:
    utrecht, groningen = Location(52.09, 5.12), Location(53.22, 6.57)
    index = ReachIndex([(1, utrecht, 30.0), (2, groningen, 30.0), (3, groningen, 200.0)])
    assert sorted(index.reaching([utrecht])) == [1, 3]


def test_index_falls_back_to_every_item_off_the_map() -> None:
    index = ReachIndex([(1, Location(52.09, 5.12), 10.0), (2, Location(89.99, 0.0), 50.0)])
    assert sorted(index.reaching([Location(0.0, 200.0)])) == [1, 2]
    assert index.reaching([Location(-45.0, 100.0)]) == [2]  # its box passes the pole


class _EveryVp:
    """The brute force: every VP is tested against every site."""

    def __init__(self, items: Any) -> None:
        self.everyone = [item for item, _, _ in items]

    def reaching(self, points: Any) -> list[Any]:
        return list(self.everyone)


@st.composite
def spread_instances(draw: st.DrawFn) -> MatchingInstance:
    sites = [_point(draw) for _ in range(draw(st.integers(1, 4)))]
    vps = [
        vp(
            vp_id,
            home=_point(draw),
            max_travel_km=draw(RADII),
            capacity_hours_per_month=draw(st.sampled_from([4.0, 20.0])),
        )
        for vp_id in range(1, draw(st.integers(1, 25)) + 1)
    ]
    needs = [
        need(
            need_id,
            sites=tuple(draw(st.lists(st.sampled_from(sites), max_size=3, unique=True))),
            max_travel_km=draw(st.sampled_from([None, 0.0, 40.0, 150.0])),
            seats=draw(st.integers(1, 2)),
        )
        for need_id in range(1, draw(st.integers(1, 8)) + 1)
    ]
    problem = instance(vps, needs)
    road = draw(st.sampled_from([1.0, 1.3]))
    return replace(problem, weights=replace(Weights(), road_factor=road))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spread_instances(), st.sampled_from([None, 2]))
def test_candidates_equal_the_brute_force_pair_check(
    problem: MatchingInstance, limit: int | None
) -> None:
    indexed = build_candidates(Context(problem), limit)
    with patch.object(candidates_module, "ReachIndex", _EveryVp):
        brute = build_candidates(Context(problem), limit)
    assert indexed.by_need == brute.by_need
    assert indexed.cost == brute.cost
    assert indexed.excluded == brute.excluded
    assert indexed.pruned == brute.pruned
    assert indexed.capacity_detail == brute.capacity_detail
