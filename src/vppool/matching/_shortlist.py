"""A client's shortlist: two or three eligible VPs who differ where the pool allows.

The model is exact and small: the cheapest eligible VP (the matcher's own choice) is always
on the list, and every set of the others of the right size is weighed, over at most
:data:`CONSIDERED` candidates, in this order:

1. as few *twins* as possible: two candidates who share every profile attribute (gender,
   age band, background and languages);
2. as many differences as possible: over every pair, the number of attributes that differ;
3. the lowest cost (the matcher's soft rules and travel, as the quick match counts them).

The list holds three candidates when the pool has at least three different profiles, two
otherwise (a third would be a twin): the shortlist is for choosing between people who
differ. Weighing the 406 sets of 29 others two at a time takes well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

__all__ = [
    "CONSIDERED",
    "SHORTLIST_SIZE",
    "ShortlistCandidate",
    "ShortlistChoice",
    "VpProfile",
    "age_band",
    "choose_shortlist",
    "shortlist_of",
]

#: At most this many candidates are weighed (a shortlist of the first hundred is no better).
CONSIDERED = 30
#: The longest shortlist.
SHORTLIST_SIZE = 3

#: Upper bounds of the age bands (exclusive), and the band of those older.
_BANDS = ((35, "under_35"), (50, "35_49"), (65, "50_64"))
_OLDEST = "65_plus"


def age_band(birth_year: int | None, year: int) -> str | None:
    """The age band of someone born in ``birth_year`` in ``year`` (``None``: not given)."""
    if birth_year is None:
        return None
    age = year - birth_year
    return next((band for upper, band in _BANDS if age < upper), _OLDEST)


@dataclass(frozen=True, slots=True)
class VpProfile:
    """What makes VPs different to the employees who must dare to walk in."""

    gender: str | None
    age_band: str | None
    background: frozenset[str]
    languages: frozenset[str]

    def differences(self, other: VpProfile) -> int:
        """How many of the four attributes differ (0: twins)."""
        return sum(
            (
                self.gender != other.gender,
                self.age_band != other.age_band,
                self.background != other.background,
                self.languages != other.languages,
            )
        )


@dataclass(frozen=True, slots=True)
class ShortlistCandidate:
    """An eligible VP with the matcher's cost of placing them."""

    trust_person_id: int
    cost: int
    profile: VpProfile


@dataclass(frozen=True, slots=True)
class ShortlistChoice:
    """The chosen VPs (the first choice first) and how the set scored."""

    trust_person_ids: tuple[int, ...]
    twins: int
    differences: int
    cost: int


def _score(team: Sequence[ShortlistCandidate]) -> tuple[int, int, int]:
    pairs = [a.profile.differences(b.profile) for a, b in combinations(team, 2)]
    return sum(d == 0 for d in pairs), sum(pairs), sum(c.cost for c in team)


def _considered(ranked: Sequence[ShortlistCandidate]) -> list[ShortlistCandidate]:
    """The cheapest :data:`CONSIDERED`, keeping at most a shortlist's worth per profile.

    A fourth VP with a profile three cheaper ones share can never improve a shortlist, so
    the weighed candidates reach as many different profiles as the pool holds.
    """
    per_profile: dict[VpProfile, int] = {}
    kept: list[ShortlistCandidate] = []
    for candidate in ranked:
        seen = per_profile.get(candidate.profile, 0)
        if seen < SHORTLIST_SIZE:
            per_profile[candidate.profile] = seen + 1
            kept.append(candidate)
            if len(kept) == CONSIDERED:
                break
    return kept


def choose_shortlist(candidates: Iterable[ShortlistCandidate]) -> ShortlistChoice:
    """The shortlist of the eligible ``candidates`` (empty if there are none).

    Equal costs keep the order given (the quick match's: the nearer first).
    """
    ranked = sorted(candidates, key=lambda c: c.cost)
    if not ranked:
        return ShortlistChoice((), 0, 0, 0)
    pool = _considered(ranked)
    profiles = len({c.profile for c in pool})
    size = min(SHORTLIST_SIZE, max(2, profiles), len(pool))
    first, others = pool[0], pool[1:]
    best: tuple[tuple[int, int, int], tuple[ShortlistCandidate, ...]] | None = None
    for rest in combinations(others, size - 1):
        team = (first, *rest)
        twins, differences, cost = _score(team)
        key = (twins, -differences, cost)
        if best is None or key < best[0]:
            best = (key, team)
    assert best is not None  # noqa: S101  (size - 1 <= len(others))
    (twins, minus_differences, cost), team = best
    return ShortlistChoice(tuple(c.trust_person_id for c in team), twins, -minus_differences, cost)


def shortlist_of(
    eligible: Iterable[tuple[int, int]], profiles: Mapping[int, VpProfile]
) -> ShortlistChoice:
    """The shortlist among the VPs the quick match found eligible, with its costs.

    ``eligible``: each VP's id and marginal cost (:class:`~vppool.matching.RankedCandidate`);
    ``profiles``: each one's profile.
    """
    return choose_shortlist(
        ShortlistCandidate(vp_id, cost, profiles[vp_id]) for vp_id, cost in eligible
    )
