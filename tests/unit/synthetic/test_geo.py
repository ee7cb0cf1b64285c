"""The helpers behind the generator: grid search, group sizes, quotas, slugs."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from vppool.synthetic._geo import Grid, haversine_km
from vppool.synthetic._intervision import group_sizes
from vppool.synthetic._people import ascii_slug, quota

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class _Point:
    id: int
    latitude: float
    longitude: float


@pytest.mark.parametrize("seed", range(5))
def test_grid_nearest_finds_the_same_nearest_points_as_a_full_scan(seed: int) -> None:
    rng = random.Random(seed)
    points = [_Point(i, rng.uniform(50.8, 53.5), rng.uniform(3.4, 7.2)) for i in range(1, 400)]
    grid = Grid(points)
    for _ in range(40):
        lat, lon = rng.uniform(50.8, 53.5), rng.uniform(3.4, 7.2)
        reach, enough = rng.choice((20.0, 60.0, 120.0)), rng.randint(1, 6)
        odd = rng.random() < 0.5

        def accept(p: _Point, *, odd: bool = odd) -> bool:
            return not odd or p.id % 2 == 1

        found = grid.nearest(lat, lon, max_km=reach, enough=enough, accept=accept)
        expected = sorted(
            (haversine_km(lat, lon, p.latitude, p.longitude), p.id)
            for p in points
            if accept(p) and haversine_km(lat, lon, p.latitude, p.longitude) <= reach
        )[:enough]
        assert [(d, p.id) for d, p in found][: len(expected)] == expected


def test_grid_nearest_respects_each_items_own_limit() -> None:
    points = [_Point(1, 52.0, 5.0), _Point(2, 52.1, 5.0)]  # about 0 and 11 km away
    grid = Grid(points)
    found = grid.nearest(52.0, 5.0, max_km=50, enough=2, limit=lambda p: 5.0 * p.id)
    assert [p.id for _, p in found] == [1]


def test_removed_items_are_no_longer_found() -> None:
    points = [_Point(1, 52.0, 5.0), _Point(2, 52.01, 5.0)]
    grid = Grid(points)
    grid.remove(points[0])
    assert [p.id for _, p in grid.nearest(52.0, 5.0, max_km=10, enough=2)] == [2]


def test_haversine_matches_a_known_distance() -> None:
    amsterdam, utrecht = (52.37403, 4.88969), (52.09083, 5.12222)
    assert haversine_km(*amsterdam, *utrecht) == pytest.approx(35.3, abs=0.3)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (3, []),
        (4, [4]),
        (6, [6]),
        (7, [6]),
        (8, [4, 4]),
        (11, [6, 5]),
        (23, [5, 5, 5, 4, 4]),
        (30, [5] * 6),
    ],
)
def test_group_sizes_stay_within_the_limits(count: int, expected: list[int]) -> None:
    assert group_sizes(count, 4, 6) == expected


def test_quota_gives_every_label_at_least_once_and_the_rest_by_share() -> None:
    labels = quota(random.Random(1), 25, {"rare": 0.01, "some": 0.2, "most": 0.79})
    assert len(labels) == 25
    assert labels.count("rare") == 1
    assert labels.count("some") == 5


def test_ascii_slug_spells_names_from_many_languages_in_plain_letters() -> None:
    assert ascii_slug("Ay\u015fe Y\u0131lmaz") == "ayse.yilmaz"
    assert ascii_slug("Paweł Wiśniewski") == "pawel.wisniewski"
    assert ascii_slug("Gijs in 't Veld", "-") == "gijs-in-t-veld"
    assert ascii_slug("Coöperatieve Bank B.V.", "-") == "cooperatieve-bank-b-v"
