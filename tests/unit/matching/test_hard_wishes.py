"""hard_wishes: a wish the client made a condition excludes every VP who does not meet it."""

from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, UTRECHT, instance, need, vp
from vppool.matching import Plan, SeatRef, Wishes, quick_match, solve, validate

pytestmark = pytest.mark.unit


def _hard(**wishes: object) -> Wishes:
    stated = Wishes(**wishes)  # type: ignore[arg-type]
    return Wishes(**wishes, hard=frozenset(stated.stated()))  # type: ignore[arg-type]


def test_a_vp_of_another_gender_is_excluded_by_a_hard_gender_wish() -> None:
    problem = instance(
        [vp(1, gender="male"), vp(2, gender=None)],
        [need(1, wishes=_hard(genders=frozenset({"female"})))],
    )
    result = solve(problem, FAST)
    assert result.plan.assignments == {}
    assert result.unfilled[0].reasons == {"hard_wishes": 2}
    broken = validate(problem, Plan({SeatRef(1, 1): 1}))
    assert [(v.rule, v.words.params["wished_genders"]) for v in broken] == [
        ("hard_wishes", ("female",))
    ]


def test_the_wished_gender_is_placed_although_further_away() -> None:
    problem = instance(
        [vp(1, gender="male"), vp(2, gender="female", home=AMERSFOORT)],
        [need(1, wishes=_hard(genders=frozenset({"female"})))],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}


def test_every_wished_language_and_one_wished_sector_are_required() -> None:
    wishes = _hard(languages=frozenset({"tr", "ar"}), sectors=frozenset({"zorg", "onderwijs"}))
    problem = instance(
        [
            vp(1, languages=frozenset({"nl", "tr"}), sectors=frozenset({"zorg"})),
            vp(2, languages=frozenset({"nl", "tr", "ar"}), sectors=frozenset({"overheid"})),
            vp(3, languages=frozenset({"nl", "tr", "ar"}), sectors=frozenset({"onderwijs"})),
        ],
        [need(1, wishes=wishes)],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 3}
    assert [v.words.params for v in validate(problem, Plan({SeatRef(1, 1): 1}))] == [
        {"languages": ("ar",)}
    ]
    assert [v.words.params for v in validate(problem, Plan({SeatRef(1, 1): 2}))] == [
        {"sectors": ("onderwijs", "zorg")}
    ]


@pytest.mark.parametrize(
    ("locality", "local_km", "placed"),
    [
        ("local", 25.0, {1, 2}),  # Amersfoort is about 20 km from Utrecht
        ("local", 15.0, {1}),
        ("central", 15.0, {2}),
        ("central", 25.0, set()),
    ],
)
def test_local_means_within_the_distance_and_central_beyond_it(
    locality: str, local_km: float, placed: set[int]
) -> None:
    wishes = _hard(locality=locality, local_km=local_km)
    problem = instance([vp(1, home=UTRECHT), vp(2, home=AMERSFOORT)], [need(1, wishes=wishes)])
    eligible = {c.trust_person_id for c in quick_match(problem, problem.needs[0]).ranked}
    assert eligible == placed
    for vp_id in (1, 2):
        broken = validate(problem, Plan({SeatRef(1, 1): vp_id}))
        assert (broken == []) == (vp_id in placed)
        assert {v.rule for v in broken} <= {"hard_wishes"}


def test_a_soft_wish_excludes_nobody() -> None:
    soft = Wishes(genders=frozenset({"female"}), hard=frozenset({"languages"}))
    problem = instance([vp(1, gender="male")], [need(1, wishes=soft)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}
    assert validate(problem, Plan({SeatRef(1, 1): 1})) == []


def test_a_remote_need_has_no_site_and_no_locality_to_meet() -> None:
    wishes = _hard(locality="local", local_km=1.0)
    problem = instance([vp(1, home=AMERSFOORT)], [need(1, sites=(), wishes=wishes)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}
    assert validate(problem, Plan({SeatRef(1, 1): 1})) == []
