"""What-if scenarios over HTTP: solved in the background, compared, adopted or discarded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World, in_days, seed_world
from tests.queue import drain_app
from vppool import matching as m
from vppool.api import create_app
from vppool.db.models import Absence, Assignment, Need
from vppool.services.matching import build_instance
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, NeedKind

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _absence(world: World) -> dict[str, Any]:
    return {
        "name": "VP 1 drie maanden weg",
        "changes": [
            {
                "type": "absence",
                "trust_person_id": world["vp1"],
                "first_day": in_days(7).isoformat(),
                "last_day": in_days(97).isoformat(),
            }
        ],
    }


def _solved(client: TestClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    headers = world.auth("planner")
    started = client.post("/api/v1/scenarios", json=body, headers=headers)
    assert started.status_code == 202, started.text
    drain_app(client.app)
    run: dict[str, Any] = client.get(
        f"/api/v1/scenarios/{started.json()['id']}", headers=headers
    ).json()
    assert run["status"] == "succeeded", run
    return run


def test_an_absence_is_compared_side_by_side_and_adopted_as_validated_proposals(
    client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    run = _solved(client, world, _absence(world))
    result = run["result"]
    assert set(result["current"]) >= {"seats", "filled", "unfilled", "travel_km", "utilisation_max"}
    assert {"status", "gap"} <= set(result["scenario"])
    # VP 1 holds confirmed seats at organisation "one": each gets a cover need for the absence.
    covers = result["added_needs"]
    assert covers
    assert {c["kind"] for c in covers} == {"absence_cover"}
    assert {c["trust_person_id"] for c in covers} == {world["vp1"]}
    named = {o["organisation_id"] for o in result["organisations"]}
    assert {c["organisation_id"] for c in covers} <= named
    assert {c["organisation_id"] for c in result["changes"]} <= named
    assert result["scenario"]["seats"] == result["current"]["seats"] + len(covers)

    headers = world.auth("planner")
    adopted = client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers)
    assert adopted.status_code == 202, adopted.text
    assert adopted.json()["decision"] == "adopting"  # a worker makes it real, not the request
    with Session(engine) as session:
        mine = session.exec(select(Absence).where(Absence.trust_person_id == world["vp1"])).all()
        assert not any(a.starts_on == in_days(7) for a in mine)
    assert client.post(f"/api/v1/scenarios/{run['id']}/discard", headers=headers).status_code == 409
    assert drain_app(client.app) == 1
    body = client.get(f"/api/v1/scenarios/{run['id']}", headers=headers).json()
    assert body["decision"] == "adopted"
    assert body["matching_run_id"] is not None
    with Session(engine) as session:
        absence = session.exec(select(Absence).where(Absence.trust_person_id == world["vp1"])).all()
        assert any(a.starts_on == in_days(7) for a in absence)
        cover_needs = session.exec(select(Need).where(Need.kind == NeedKind.ABSENCE_COVER)).all()
        assert len(cover_needs) >= len(covers)
        proposals = session.exec(
            select(Assignment).where(
                Assignment.matching_run_id == body["matching_run_id"],
                Assignment.status == AssignmentStatus.PROPOSED,
            )
        ).all()
        instance = build_instance(session, settings, with_previous_plan=False).instance
    plan = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in instance.assignments}
    plan.update({m.SeatRef(p.need_id, p.seat): p.trust_person_id for p in proposals})
    assert m.new_violations(instance, m.Plan(plan)) == []
    again = client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers)
    assert again.status_code == 409


def test_a_new_client_and_a_weight_are_tried_and_discarded(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = {
        "name": "Nieuwe klant in Utrecht",
        "changes": [
            {
                "type": "new_client",
                "name": "Zorgcentrum Nieuw",
                "sites": [{"place": "Utrecht"}, {"latitude": 52.37, "longitude": 4.89}],
                "seats": 1,
            },
            {"type": "weight", "name": "continuity", "value": 120},
        ],
    }
    run = _solved(client, world, body)
    names = [o["organisation"] for o in run["result"]["organisations"]]
    assert "Zorgcentrum Nieuw" in names
    discarded = client.post(f"/api/v1/scenarios/{run['id']}/discard", headers=world.auth("planner"))
    assert discarded.status_code == 200
    assert discarded.json()["decision"] == "discarded"
    with Session(engine) as session:  # nothing became real
        assert not session.exec(select(Need).where(Need.title.contains("Zorgcentrum"))).all()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {
                "type": "absence",
                "trust_person_id": 999999,
                "first_day": "2027-01-01",
                "last_day": "2027-02-01",
            },
            "changes[0].trust_person_id",
        ),
        (
            {"type": "new_client", "name": "X", "sites": [{"place": "Nergenshuizen"}]},
            "changes[0].sites[0].place",
        ),
        (
            {
                "type": "absence",
                "trust_person_id": 1,
                "first_day": "2027-02-01",
                "last_day": "2027-01-01",
            },
            "changes[0].absence",
        ),
        ({"type": "weight", "name": "unknown", "value": 1}, "changes[0].weight.name"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_change(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    refused = client.post(
        "/api/v1/scenarios",
        json={"name": "fout", "changes": [change]},
        headers=world.auth("planner"),
    )
    assert refused.status_code == 422, refused.text
    fields = [error["field"] for error in refused.json()["errors"]]
    assert any(f.startswith(field) for f in fields), fields
