"""The client's shortlist: eligible VPs who differ where the pool allows (issue 14, point 2).

The properties are checked against answers computed here independently: eligibility by the
validator (the VP alone on the need's seat breaks no hard rule), diversity by trying every
set of the shortlist's size in the whole eligible pool.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.builders import TODAY, instance, need, vp
from vppool.matching import (
    ConflictInput,
    Location,
    MatchingInstance,
    Plan,
    QuickMatcher,
    SeatRef,
    ShortlistCandidate,
    VpProfile,
    age_band,
    choose_shortlist,
    new_violations,
    shortlist_of,
)

pytestmark = pytest.mark.unit

GENDERS = ["female", "male", "non_binary", None]
LANGS = ["nl", "en", "tr", "ar"]
BANDS = [None, "under_35", "35_49", "50_64", "65_plus"]
BACKGROUNDS = ["bicultureel", "juridisch", "zorg"]


def _profile(draw: st.DrawFn, gender: str | None, languages: frozenset[str]) -> VpProfile:
    return VpProfile(
        gender=gender,
        age_band=draw(st.sampled_from(BANDS)),
        background=frozenset(draw(st.sets(st.sampled_from(BACKGROUNDS), max_size=1))),
        languages=languages,
    )


@st.composite
def pools(draw: st.DrawFn) -> tuple[MatchingInstance, dict[int, VpProfile]]:
    """A need in Utrecht and up to 12 VPs, some too far, uncertified, conflicted or alike.

    Few values per attribute, so that twins are common and the model must avoid them.
    """
    count = draw(st.integers(0, 12))
    vps, profiles = [], {}
    for vp_id in range(1, count + 1):
        gender = draw(st.sampled_from(GENDERS[:2] if draw(st.booleans()) else GENDERS))
        languages = frozenset({"nl"} | draw(st.sets(st.sampled_from(LANGS), max_size=1)))
        vps.append(
            vp(
                vp_id,
                gender=gender,
                languages=languages,
                home=Location(draw(st.floats(51.8, 52.6)), draw(st.floats(4.6, 5.8))),
                max_travel_km=draw(st.sampled_from([10.0, 40.0, 80.0])),
                certification_expires_on=draw(st.sampled_from([None, TODAY.replace(2030)])),
            )
        )
        profiles[vp_id] = _profile(draw, gender, languages)
    conflicts = [
        ConflictInput(vp_id, 101, "personal_tie")
        for vp_id in range(1, count + 1)
        if draw(st.integers(0, 5)) == 0
    ]
    wished = draw(st.sets(st.sampled_from(LANGS[1:]), max_size=1))
    problem = instance(vps, [need(1, languages=frozenset({"nl"}) | wished)], conflicts=conflicts)
    return problem, profiles


def _eligible_by_validator(problem: MatchingInstance, vp_id: int) -> bool:
    return new_violations(problem, Plan({SeatRef(1, 1): vp_id})) == []


def _twins(profiles: list[VpProfile]) -> int:
    return sum(a == b for a, b in combinations(profiles, 2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_shortlist_is_eligible_and_has_no_twins_when_the_pool_allows(
    pool: tuple[MatchingInstance, dict[int, VpProfile]],
) -> None:
    problem, profiles = pool
    quick = QuickMatcher(problem).rank(problem.needs[0])
    choice = shortlist_of([(c.trust_person_id, c.marginal_cost) for c in quick.ranked], profiles)
    eligible = [p.id for p in problem.trust_persons if _eligible_by_validator(problem, p.id)]
    assert set(choice.trust_person_ids) <= set(eligible)
    assert len(set(choice.trust_person_ids)) == len(choice.trust_person_ids)
    if not eligible:
        assert choice.trust_person_ids == ()
        return
    size = len(choice.trust_person_ids)
    kinds = len({profiles[i] for i in eligible})
    assert size == min(3, len(eligible), max(2, kinds))
    chosen = [profiles[i] for i in choice.trust_person_ids]
    avoidable = any(
        _twins([profiles[i] for i in team]) == 0 for team in combinations(eligible, size)
    )
    if avoidable:
        assert _twins(chosen) == 0
    assert choice.twins == _twins(chosen)
    # The matcher's cheapest candidate is the planner's first choice.
    assert choice.trust_person_ids[0] == quick.ranked[0].trust_person_id


def _candidate(vp_id: int, cost: int, gender: str, *languages: str) -> ShortlistCandidate:
    return ShortlistCandidate(
        vp_id, cost, VpProfile(gender, "35_49", frozenset(), frozenset(languages))
    )


def test_diversity_wins_over_cost_and_cost_decides_between_equally_diverse_sets() -> None:
    # The three cheapest are twins; the dearer ones differ from them and from each other.
    candidates = [
        _candidate(1, 10, "female", "nl"),
        _candidate(2, 11, "female", "nl"),
        _candidate(3, 12, "female", "nl"),
        _candidate(4, 50, "male", "nl"),
        _candidate(5, 60, "male", "nl", "tr"),
        _candidate(6, 40, "male", "nl", "tr"),
    ]
    choice = choose_shortlist(candidates)
    # 1 with 6 (male, Turkish: two differences) and 4 (male: one from 1, one from 6) scores
    # 4 differences; 1, 5, 4 would score the same at a higher cost.
    assert choice.trust_person_ids == (1, 6, 4)
    assert (choice.twins, choice.differences, choice.cost) == (0, 4, 100)


def test_a_pool_of_one_profile_gives_two_candidates() -> None:
    candidates = [_candidate(i, i, "female", "nl") for i in range(1, 6)]
    choice = choose_shortlist(candidates)
    assert choice.trust_person_ids == (1, 2)
    assert choice.twins == 1


def test_age_bands_start_at_35_50_and_65() -> None:
    assert [age_band(year, 2026) for year in (1992, 1991, 1977, 1976, 1962, 1961)] == [
        "under_35",
        "35_49",
        "35_49",
        "50_64",
        "50_64",
        "65_plus",
    ]
    assert age_band(None, 2026) is None
