"""`vppool solve` states the gap in one figure with its basis, consistent with the numbers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from vppool.cli import fill_words, gap_words

pytestmark = pytest.mark.unit


def test_a_proven_plan_says_so() -> None:
    run = SimpleNamespace(solver_status="OPTIMAL", objective=25_227.0, best_bound=25_227.0, gap=0)
    assert gap_words(run) == "proven optimal"


def test_an_open_gap_is_the_points_between_objective_and_bound_over_the_decided_cost() -> None:
    # Objective 58,555, bound 56,669: 1,886 points; the decided cost is 10,478 points (18 %).
    run = SimpleNamespace(
        solver_status="FEASIBLE", objective=58_555.0, best_bound=56_669.0, gap=1_886 / 10_478
    )
    assert gap_words(run) == (
        "at most 1,886 points = 18.0 % of the decided cost from the best possible plan"
    )


def test_no_bound_is_no_figure() -> None:
    run = SimpleNamespace(solver_status="UNKNOWN", objective=None, best_bound=None, gap=None)
    assert "no bound known" in gap_words(run)


def test_seats_perhaps_left_open_are_named_beside_the_gap() -> None:
    run = SimpleNamespace(explanation={"fill_objective": 763.0, "fill_bound": 765.0})
    assert fill_words(run) == (
        "763 of at most 765 urgency-weighted points: more seats may be fillable; "
        "a run with a longer --time-limit may find them"
    )
    proven = SimpleNamespace(explanation={"fill_objective": 773.0, "fill_bound": 773.0})
    assert fill_words(proven) == ""
