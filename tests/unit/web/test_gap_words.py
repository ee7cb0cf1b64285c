"""The gap of a run in words, as the planner reads it (and as ``vppool solve`` says it)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from vppool.web._filters import gap_words

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
