"""What-if scenarios over HTTP: solved in the background, compared, adopted or discarded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World, break_the_scenario, in_days, seed_world
from tests.queue import drain_app
from vppool import matching as m
from vppool.api import create_app
from vppool.db.models import (
    Absence,
    Assignment,
    AuditEntry,
    Job,
    Need,
    TrustPerson,
)
from vppool.db.types import utc_now
from vppool.services import matching, scenarios
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
        ({"type": "weight", "name": "continuity", "value": 12.5}, "changes[0].weight.value"),
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


def test_adopting_a_weight_change_stores_it_and_the_next_run_uses_it(
    client: TestClient,
    world: World,
    engine: Engine,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = world.auth("planner")
    before = client.get("/api/v1/rule-weights", headers=headers).json()
    assert before["values"]["continuity"] == before["defaults"]["continuity"] == 60
    body = {
        "name": "Continuïteit zwaarder",
        "changes": [{"type": "weight", "name": "continuity", "value": 120}],
    }
    run = _solved(client, world, body)
    adopted = client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers)
    assert adopted.status_code == 202, adopted.text
    drain_app(client.app)
    assert client.get(f"/api/v1/scenarios/{run['id']}", headers=headers).json()["decision"] == (
        "adopted"
    )
    after = client.get("/api/v1/rule-weights", headers=headers).json()
    assert after["values"]["continuity"] == 120
    assert after["defaults"]["continuity"] == 60
    with Session(engine) as session:
        changed = session.exec(
            select(AuditEntry).where(AuditEntry.action == "rule_weight_changed")
        ).one()
        assert changed.details == {"continuity": [60.0, 120.0]}
        assert changed.actor_user_id == world["user_planner"]
        started = matching.start_run(session, settings, enqueue=False)
        session.commit()
    solved_with: list[m.Weights] = []
    solve = m.solve

    def spy(instance: m.MatchingInstance, config: m.MatchingConfig) -> m.MatchingResult:
        solved_with.append(instance.weights)
        return solve(instance, config)

    monkeypatch.setattr(m, "solve", spy)
    done = matching.execute_run(engine, settings, started.id)
    assert done.status.value == "succeeded", done.error
    assert [w.continuity for w in solved_with] == [120]


def test_rule_weights_are_set_over_the_api_and_bad_ones_refused(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    weights = {
        "travel_per_km": 1.5,
        "continuity": 60,
        "sector_mismatch": 0,
        "preference_per_step": 20,
    }
    saved = client.put("/api/v1/rule-weights", json=weights, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["values"] == weights
    for bad, field in (
        ({**weights, "continuity": -1}, "continuity"),
        ({**weights, "x": 1}, "x"),
        # The matcher counts continuity in whole points: 12.6 would be stored but not used.
        ({**weights, "continuity": 12.6}, "continuity"),
    ):
        refused = client.put("/api/v1/rule-weights", json=bad, headers=headers)
        assert refused.status_code == 422, refused.text
        assert any(field in e["field"] for e in refused.json()["errors"]), refused.json()
    assert (
        client.get("/api/v1/rule-weights", headers=headers).json()["values"]
        == saved.json()["values"]
    )


def _leaving(world: World, vp: str, last_day: date) -> dict[str, Any]:
    return {
        "name": f"{vp} vertrekt",
        "changes": [
            {"type": "leaving", "trust_person_id": world[vp], "last_day": last_day.isoformat()}
        ],
    }


def test_a_leaving_vp_is_archived_from_the_day_after_their_last_day(
    client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    headers = world.auth("planner")
    last_day = in_days(30)
    run = _solved(client, world, _leaving(world, "vp1", last_day))
    assert client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers).status_code == 202
    drain_app(client.app)
    assert client.get(f"/api/v1/scenarios/{run['id']}", headers=headers).json()["decision"] == (
        "adopted"
    )
    with Session(engine) as session:
        vp = session.get(TrustPerson, world["vp1"])
        assert vp is not None
        assert vp.active  # still working through their last day
        job = session.exec(select(Job).where(Job.task == scenarios.ARCHIVE_TASK)).one()
        assert job.run_after == datetime.combine(
            last_day + timedelta(days=1), datetime.min.time(), settings.zone
        )
    vp = _archive_job_due(client, engine, world["vp1"])
    assert not vp.active
    with Session(engine) as session:
        archived = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "trust_person_deactivated",
                AuditEntry.entity_id == world["vp1"],
            )
        ).one()
        assert archived.actor_user_id == world["user_planner"]


def test_a_leaver_whom_a_planner_took_back_is_not_archived_by_the_scenario(
    client: TestClient, world: World, engine: Engine
) -> None:
    headers = world.auth("planner")
    run = _solved(client, world, _leaving(world, "vp1", in_days(30)))
    assert client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers).status_code == 202
    drain_app(client.app)
    # Archived early by mistake, then taken back: they are staying after all.
    person = f"/api/v1/trust-persons/{world['vp1']}"
    assert client.post(person + "/deactivate", headers=headers).status_code == 200
    assert client.post(person + "/reactivate", headers=headers).json()["active"] is True
    assert _archive_job_due(client, engine, world["vp1"]).active  # the later decision stands


def _archive_job_due(client: TestClient, engine: Engine, vp_id: int) -> TrustPerson:
    """Run the queued archiving as on the day after the last day; the VP afterwards."""
    with Session(engine) as session:
        job = session.exec(select(Job).where(Job.task == scenarios.ARCHIVE_TASK)).one()
        job.run_after = utc_now()  # the day after the last day has come
        session.add(job)
        session.commit()
    assert drain_app(client.app) == 1
    with Session(engine) as session:
        vp = session.get(TrustPerson, vp_id)
        assert vp is not None
        return vp


def test_a_vp_who_left_already_is_archived_when_the_scenario_is_adopted(
    client: TestClient, world: World, engine: Engine
) -> None:
    headers = world.auth("planner")
    run = _solved(client, world, _leaving(world, "vp3", in_days(-1)))
    assert client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers).status_code == 202
    drain_app(client.app)
    with Session(engine) as session:
        vp = session.get(TrustPerson, world["vp3"])
        assert vp is not None
        assert not vp.active


def _needs(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Need)).all())


def test_a_refused_adoption_changes_nothing_says_why_and_can_be_adopted_again(
    client: TestClient, world: World, engine: Engine
) -> None:
    headers = world.auth("planner")
    run = _solved(client, world, _absence(world))
    assert run["result"]["plan"]
    break_the_scenario(engine, run["result"])
    needs_before = _needs(engine)
    assert client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers).status_code == 202
    assert drain_app(client.app) == 1
    body = client.get(f"/api/v1/scenarios/{run['id']}", headers=headers).json()
    assert body["decision"] is None  # adoptable still
    assert body["matching_run_id"] is None
    assert "would break hard rules" in body["error"]
    refused = body["progress"]["refused"]
    assert refused["message_id"].startswith("The plan changed since this scenario was solved")
    assert {v["rule"] for v in refused["params"]["details"]} == {"conflict_of_interest"}
    with Session(engine) as session:  # nothing of it became real
        mine = session.exec(select(Absence).where(Absence.trust_person_id == world["vp1"])).all()
        assert not any(a.starts_on == in_days(7) for a in mine)
    assert _needs(engine) == needs_before
    again = client.post(f"/api/v1/scenarios/{run['id']}/adopt", headers=headers)
    assert again.status_code == 202, again.text
    assert again.json()["decision"] == "adopting"
