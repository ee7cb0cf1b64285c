"""Intervision group formation: hard rules always, soft goals where they can be met."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vppool.matching import (
    IntervisionConfig,
    IntervisionMemberInput,
    Location,
    form_groups,
    validate_groups,
)

pytestmark = pytest.mark.unit

FAST = IntervisionConfig(time_limit_s=5, workers=1)


def _pool(n: int, seed: int = 1) -> list[IntervisionMemberInput]:
    rng = random.Random(seed)
    return [
        IntervisionMemberInput(
            id=i,
            name=f"VP {i}",
            home=Location(rng.uniform(51.5, 53.0), rng.uniform(4.5, 6.5)),
            years_certified=rng.choice([0.5, 3.0, 8.0]),
            gender=rng.choice(["female", "male", None]),
            organisations=frozenset(rng.sample(range(30), 2)),
        )
        for i in range(1, n + 1)
    ]


def test_twenty_vps_form_valid_groups_of_four_to_six() -> None:
    pool = _pool(20)
    result = form_groups(pool, FAST)
    assert result.status in {"OPTIMAL", "FEASIBLE"}
    assert result.violations == ()
    assert sorted(v for g in result.groups for v in g.members) == [m.id for m in pool]
    assert all(4 <= len(g.members) <= 6 for g in result.groups)


def test_vps_serving_the_same_organisation_are_kept_apart() -> None:
    pool = [
        IntervisionMemberInput(i, f"VP {i}", Location(52.09, 5.12), 6.0, "female", frozenset({7}))
        for i in (1, 2)
    ] + [
        IntervisionMemberInput(i, f"VP {i}", Location(52.09, 5.12), 6.0, "male")
        for i in range(3, 9)
    ]
    result = form_groups(pool, FAST)
    group_of = {v: g.index for g in result.groups for v in g.members}
    assert group_of[1] != group_of[2]
    assert validate_groups(pool, [[1, 2, 3, 4], [5, 6, 7, 8]], FAST) == [
        "group 0: VPs 1 and 2 both serve organisation 7"
    ]


def test_last_years_pairs_are_mixed_up_as_far_as_possible() -> None:
    pool = [
        IntervisionMemberInput(i, f"VP {i}", Location(52.0 + i / 100, 5.0), 6.0, "female")
        for i in range(1, 9)
    ]
    last_year = [[1, 2, 3, 4], [5, 6, 7, 8]]
    again = form_groups(pool, FAST, previous_groups=last_year)
    # Two groups of four out of last year's two: at best two halves meet again (4 pairs).
    assert sum(g.repeated_pairs for g in again.groups) == 4


def test_too_small_a_pool_is_reported_not_raised() -> None:
    result = form_groups(_pool(3), FAST)
    assert result.status == "INFEASIBLE"
    assert "cannot form groups" in result.violations[0]


@settings(max_examples=15, deadline=None)
@given(st.integers(4, 40), st.integers(0, 1000))
def test_any_feasible_pool_gets_a_valid_grouping(n: int, seed: int) -> None:
    pool = _pool(n, seed)
    result = form_groups(pool, IntervisionConfig(time_limit_s=3, workers=1))
    if result.status in {"OPTIMAL", "FEASIBLE"}:
        assert result.violations == ()


def test_a_large_clustered_pool_is_grouped_within_the_rules_with_a_bound() -> None:
    # 300 VPs in three towns, many serving shared organisations: every VP is placed, the
    # rules hold, and the proven bound is a bound (never above the cost).
    rng = random.Random(7)
    towns = [Location(52.09, 5.12), Location(53.22, 6.57), Location(51.44, 5.48)]
    pool = [
        IntervisionMemberInput(
            id=i,
            name=f"VP {i}",
            home=Location(
                towns[i % 3].latitude + rng.uniform(-0.02, 0.02),
                towns[i % 3].longitude + rng.uniform(-0.02, 0.02),
            ),
            years_certified=rng.choice([0.5, 3.0, 8.0]),
            gender=rng.choice(["female", "male"]),
            organisations=frozenset(rng.sample(range(120), 3)),
        )
        for i in range(1, 301)
    ]
    result = form_groups(pool, IntervisionConfig(time_limit_s=8, workers=1))
    assert result.status in {"OPTIMAL", "FEASIBLE"}
    assert result.violations == ()
    assert result.left_out == ()
    assert 0 <= result.best_bound <= result.objective
    assert result.stats["regions"] >= 2


def test_a_region_the_time_ran_out_for_still_has_a_bound_from_travel() -> None:
    # No time for any MIP: the start grouping stands, and the bound is each VP's travel to
    # the nearest meeting place offered (or leaving them out), never 0 and never above
    # the cost.
    pool = _pool(40, seed=3)
    result = form_groups(pool, IntervisionConfig(time_limit_s=0.01, workers=1))
    assert result.violations == ()
    per_degree = math.pi * 6371.0 / 180

    def km(home: Location, place: Location) -> float:
        scale = math.cos(math.radians(home.latitude))
        return per_degree * math.hypot(
            place.latitude - home.latitude, (place.longitude - home.longitude) * scale
        )

    nearest = sum(min(km(m.home, c) for c in result.centres) - 0.05 for m in pool)
    assert nearest > 0
    assert nearest <= result.best_bound <= result.objective
