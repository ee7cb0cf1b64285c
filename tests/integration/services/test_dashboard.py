"""The planner's dashboard and coverage view-models on a small world."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World, seed_world, today
from vppool.compliance import CertificationStatus
from vppool.services import dashboard
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import Role

pytestmark = pytest.mark.integration

PLANNER = Viewer(user_id=1, role=Role.PLANNER, label="Planner")


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


def test_the_dashboard_lists_what_needs_attention(
    engine: Engine, settings: Settings, world: World
) -> None:
    with Session(engine) as session:
        board = dashboard.planner_dashboard(session, settings, PLANNER, today())
    # Cees holds no certificate: he is first among the certificates to act on.
    assert board.expiring[0].trust_person_id == world["vp3"]
    assert board.expiring[0].certification_status is CertificationStatus.MISSING
    assert world["vp1"] not in {r.trust_person_id for r in board.expiring}
    shortfalls = [r.total_shortfall for r in board.education]
    assert shortfalls == sorted(shortfalls, reverse=True)
    assert board.last_run is not None
    assert board.last_run.id == world["run_done"]
    listed = {n.organisation_id for n in (*board.requested.items, *board.urgent)}
    assert listed <= set(board.organisations)
    assert board.overview.trust_persons_active == 3


def test_coverage_pages_the_heat_map_busiest_first(
    engine: Engine, settings: Settings, world: World
) -> None:
    with Session(engine) as session:
        whole = dashboard.coverage(session, today())
        first = dashboard.coverage(session, today(), limit=1)
        second = dashboard.coverage(session, today(), offset=1, limit=1)
    assert len(whole.months) == 6
    assert whole.heat_total == len(whole.heat) == 3
    peaks = [max(c.percent for c in row.cells) for row in whole.heat]
    assert peaks == sorted(peaks, reverse=True)
    assert peaks[0] > 0  # Anna serves two needs from next week
    assert [r.trust_person_id for r in (*first.heat, *second.heat)] == [
        r.trust_person_id for r in whole.heat[:2]
    ]
    assert first.heat_total == 3
