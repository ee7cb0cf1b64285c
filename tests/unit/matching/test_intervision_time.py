"""Intervision groups share weekly time: the hard rule, the soft goal and who is left out.

The property test checks the hard rules of grouping on random pools with its own code,
not the former's validator: sizes, clients kept apart, common weekly time, and every VP
either in exactly one group or left out with a reason.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vppool.matching import (
    SLOTS_PER_DAY,
    IntervisionConfig,
    IntervisionMemberInput,
    Location,
    common_weekly_time,
    form_groups,
    validate_groups,
)

pytestmark = pytest.mark.unit

#: Sessions of 2 h (4 half-hours); at least 2 h of common weekly time.
TIMED = IntervisionConfig(time_limit_s=4, workers=1, session_slots=4, min_common_slots=4)


def _hours(day: int, start: float, end: float) -> frozenset[int]:
    """Half-hours of ``day`` (0 = Monday) from ``start`` to ``end`` o'clock."""
    return frozenset(
        range(day * SLOTS_PER_DAY + int(start * 2), day * SLOTS_PER_DAY + int(end * 2))
    )


MONDAY_MORNING = _hours(0, 9, 12)
TUESDAY_AFTERNOON = _hours(1, 13, 17)
#: Weekly patterns of the random pools.
PATTERNS = (
    MONDAY_MORNING | TUESDAY_AFTERNOON,
    MONDAY_MORNING,
    TUESDAY_AFTERNOON,
    _hours(2, 19, 21),
    _hours(0, 10, 11),  # an hour only: never enough for a session
    MONDAY_MORNING | _hours(3, 9, 17),
)


def _vp(
    i: int, free: frozenset[int], *, orgs: frozenset[int] = frozenset()
) -> IntervisionMemberInput:
    gender = "female" if i % 2 else "male"
    return IntervisionMemberInput(
        i, f"VP {i}", Location(52.0 + i / 1000, 5.0), 6.0 if i % 3 else 1.0, gender, orgs, free
    )


def test_common_weekly_time_counts_only_pieces_a_session_fits_in() -> None:
    a = MONDAY_MORNING | _hours(1, 13, 14)
    b = _hours(0, 10, 12) | _hours(1, 13, 17)
    spans = common_weekly_time([a, b], session_slots=4)
    assert [(s.weekday, s.start_minute, s.end_minute) for s in spans] == [(0, 600, 720)]
    assert sum(s.hours for s in spans) == 2.0


def test_groups_never_mix_vps_without_common_time() -> None:
    # Eight VPs free on Monday morning only, eight on Tuesday afternoon only: every group
    # is of one kind, whatever travel would prefer.
    pool = [_vp(i, MONDAY_MORNING) for i in range(1, 9)] + [
        _vp(i, TUESDAY_AFTERNOON) for i in range(9, 17)
    ]
    result = form_groups(pool, TIMED)
    assert result.violations == ()
    assert result.left_out == ()
    for group in result.groups:
        assert len({m <= 8 for m in group.members}) == 1
        assert group.common_weekly_hours >= 2


def test_a_vp_who_can_meet_nobody_is_left_out_with_the_reason() -> None:
    pool = [_vp(i, MONDAY_MORNING) for i in range(1, 9)]
    pool.append(_vp(9, _hours(0, 10, 11)))  # one hour a week
    pool.append(_vp(10, _hours(5, 9, 12)))  # Saturdays, when nobody else is free
    result = form_groups(pool, TIMED)
    reasons = {item.id: item.code for item in result.left_out}
    assert reasons == {9: "no_weekly_time", 10: "time_not_shared"}
    assert "no 2 h in a row free every week" in result.left_out[0].reason
    assert sorted(v for g in result.groups for v in g.members) == list(range(1, 9))


def test_more_common_time_is_preferred() -> None:
    # Four VPs share Monday morning and all of Thursday; four more share Monday morning
    # only. The four with more in common form one group.
    wide = MONDAY_MORNING | _hours(3, 9, 17)
    pool = [_vp(i, wide) for i in range(1, 5)] + [_vp(i, MONDAY_MORNING) for i in range(5, 9)]
    result = form_groups(pool, TIMED)
    assert result.violations == ()
    assert sorted(sorted(g.members) for g in result.groups) == [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_the_validator_names_a_group_without_enough_common_time() -> None:
    pool = [_vp(i, MONDAY_MORNING) for i in range(1, 4)] + [_vp(4, TUESDAY_AFTERNOON)]
    assert validate_groups(pool, [[1, 2, 3, 4]], TIMED) == [
        "group 0: the members share 0 h of weekly time in pieces of 2 h or more "
        "(at least 2 h needed)"
    ]


def _pool(n: int, seed: int) -> list[IntervisionMemberInput]:
    rng = random.Random(seed)
    return [
        IntervisionMemberInput(
            id=i,
            name=f"VP {i}",
            home=Location(rng.uniform(51.8, 52.4), rng.uniform(4.6, 5.6)),
            years_certified=rng.choice([0.5, 3.0, 8.0]),
            gender=rng.choice(["female", "male", None]),
            organisations=frozenset(rng.sample(range(25), rng.randint(0, 3))),
            weekly_free=rng.choice(PATTERNS),
        )
        for i in range(1, n + 1)
    ]


def _shared_hours(masks: list[frozenset[int]], session: int) -> float:
    """Common half-hours in runs of at least ``session`` within one day, in hours."""
    shared = sorted(frozenset.intersection(*masks))
    total = run = 0
    for k, slot in enumerate(shared):
        joined = k and shared[k - 1] == slot - 1 and slot % SLOTS_PER_DAY
        run = run + 1 if joined else 1
        nxt = shared[k + 1] if k + 1 < len(shared) else None
        if nxt != slot + 1 or (nxt is not None and nxt % SLOTS_PER_DAY == 0):
            total += run if run >= session else 0
    return total / 2


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(4, 36), st.integers(0, 10_000))
def test_hard_rules_hold_on_random_pools(n: int, seed: int) -> None:
    pool = _pool(n, seed)
    config = IntervisionConfig(time_limit_s=3, workers=1, session_slots=4, min_common_slots=4)
    result = form_groups(pool, config)
    kind = {m.id: m for m in pool}
    placed = [v for g in result.groups for v in g.members]
    out = [item.id for item in result.left_out]
    # Every VP exactly once: in one group or left out, never both.
    assert sorted(placed + out) == sorted(kind) or result.status in {"INFEASIBLE", "UNKNOWN"}
    assert len(set(placed)) == len(placed)
    assert all(item.reason for item in result.left_out)
    for group in result.groups:
        assert 4 <= len(group.members) <= 6
        orgs = [o for v in group.members for o in kind[v].organisations]
        assert len(orgs) == len(set(orgs)), "two members serve the same organisation"
        hours = _shared_hours([kind[v].weekly_free for v in group.members], 4)
        assert hours >= 2
        assert group.common_weekly_hours == hours
    assert result.best_bound <= result.objective + 1e-6
