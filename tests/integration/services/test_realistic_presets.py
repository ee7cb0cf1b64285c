"""The presets look like a provider (nearly every standing seat can be filled); stress does not."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool import matching as m
from vppool.services.dataset import import_dataset
from vppool.services.matching import build_instance
from vppool.settings import Settings
from vppool.synthetic import generate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TODAY = date(2026, 11, 23)


def _standing_fill(engine: Engine, settings: Settings, *, stress: bool) -> tuple[float, int]:
    """Share of the standing seats an optimal plan fills; organisations left without one."""
    with Session(engine) as session:
        import_dataset(session, generate("S", 1, today=TODAY, settings=settings, stress=stress))
        session.commit()
        instance = build_instance(session, settings, today=TODAY).instance
    result = m.solve(instance, m.MatchingConfig(time_limit_s=20, workers=2, seed=1))
    assert result.status == "OPTIMAL"
    assert result.violations == ()
    standing = {n.id: n for n in instance.needs if n.is_standing}
    seats = sum(n.seats for n in standing.values())
    served = Counter(
        standing[seat.need_id].organisation_id
        for seat in result.plan.assignments
        if seat.need_id in standing
    )
    filled = sum(served.values())
    without = len({n.organisation_id for n in standing.values()} - set(served))
    return filled / seats, without


def test_the_s_preset_fills_nine_in_ten_standing_seats(engine: Engine, settings: Settings) -> None:
    share, without = _standing_fill(engine, settings, stress=False)
    assert share >= 0.9
    assert without <= 0.1 * 150


def test_the_stress_variant_has_more_demand_than_supply(engine: Engine, settings: Settings) -> None:
    share, without = _standing_fill(engine, settings, stress=True)
    assert share < 0.8
    assert without > 0.2 * 150
