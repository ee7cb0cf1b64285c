"""The gap of a run in words, as the planner reads it (and as ``vppool solve`` says it)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from vppool.web._filters import fill_words, gap_words

pytestmark = pytest.mark.unit


def _run(status: str, objective: float | None, bound: float | None, gap: float | None) -> object:
    return SimpleNamespace(solver_status=status, objective=objective, best_bound=bound, gap=gap)


def test_a_proven_plan_says_so_in_both_languages() -> None:
    assert gap_words(_run("OPTIMAL", 58_555, 58_555, 0.0), "nl") == "bewezen optimaal"
    assert gap_words(_run("OPTIMAL", 58_555, 58_555, 0.0), "en") == "proven optimal"


def test_an_open_plan_names_its_points_and_the_basis_of_its_share() -> None:
    # The CLI's example: objective 58,555, bound 56,669, gap 18 % of the decided cost.
    words = gap_words(_run("FEASIBLE", 58_555, 56_669, 0.18), "nl")
    assert words == (
        "hoogstens 1.886 punten (18,0 % van de kosten die de run zelf bepaalde) "
        "van het best mogelijke plan"
    )
    assert gap_words(_run("FEASIBLE", 58_555, 56_669, 0.18), "en") == (
        "at most 1,886 points (18.0 % of the decided cost) from the best possible plan"
    )


def test_without_a_bound_it_says_none_is_known() -> None:
    assert gap_words(_run("FEASIBLE", 100, None, None), "en").startswith("no bound known")


def _filled(filled: float | None, most: float | None) -> object:
    return SimpleNamespace(explanation={"fill_objective": filled, "fill_bound": most})


def test_a_run_that_may_have_left_seats_open_says_so_with_both_figures() -> None:
    # M, planning date 2026-12-03, 30 s: 763 urgency points filled where 765 can be.
    assert fill_words(_filled(763.0, 765.0), "nl") == (
        "Misschien zijn er nog plaatsen te vullen: gewogen naar urgentie tellen de gevulde "
        "plaatsen van dit plan 763 punten, die van het best mogelijke plan hoogstens 765. "
        "Een run met een langere tijdslimiet kan ze vinden."
    )
    assert fill_words(_filled(2_624.0, 2_625.0), "en").startswith(
        "More seats may be fillable: weighted by urgency, this plan's filled seats count "
        "2,624 points, the best possible plan's at most 2,625."
    )


def test_a_run_that_filled_what_can_be_filled_says_nothing_more() -> None:
    assert fill_words(_filled(773.0, 773.0), "nl") == ""
    assert fill_words(_filled(None, None), "nl") == ""  # a run from before the figures
    assert fill_words(SimpleNamespace(explanation={}), "en") == ""
