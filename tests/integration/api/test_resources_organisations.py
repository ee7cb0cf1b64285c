"""Organisations, sites, teams, conflicts of interest and preferences over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.factories import organisation_data, site_data
from tests.integration.api.world import World, seed_world
from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration

CLIENT_VIEW_FIELDS = {"id", "first_name", "last_name", "email", "phone", "languages", "gender"}


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def test_planner_manages_organisations(client: TestClient, world: World) -> None:
    headers = world.auth("planner")
    created = client.post(
        "/api/v1/organisations",
        json=organisation_data(name="Gemeente Zeist", sector="overheid", headcount=900),
        headers=headers,
    )
    assert created.status_code == 201
    listed = client.get(
        "/api/v1/organisations", params={"sort": "-headcount", "limit": 1}, headers=headers
    ).json()
    assert listed["total"] == 4
    assert [o["name"] for o in listed["items"]] == ["Gemeente Zeist"]
    in_sector = client.get("/api/v1/organisations", params={"sector": "zorg"}, headers=headers)
    assert [o["id"] for o in in_sector.json()["items"]] == [world["org1"]]
    unknown = client.get("/api/v1/organisations", params={"sector": "ruimtevaart"}, headers=headers)
    assert unknown.status_code == 422
    renamed = client.patch(
        f"/api/v1/organisations/{world['org1']}", json={"name": "School Twee"}, headers=headers
    )
    assert renamed.status_code == 422
    assert renamed.json()["errors"][0]["field"] == "name"
    deactivated = client.patch(
        f"/api/v1/organisations/{world['org1']}", json={"active": False}, headers=headers
    )
    assert deactivated.json()["active"] is False
    with_needs = client.delete(f"/api/v1/organisations/{world['org2']}", headers=headers)
    assert with_needs.status_code == 409


def test_a_client_contact_reads_their_own_organisation_and_sites_but_changes_nothing(
    client: TestClient, world: World
) -> None:
    headers = world.auth("client")
    own = client.get(f"/api/v1/organisations/{world['org1']}", headers=headers)
    assert own.json()["name"] == "Zorggroep Een"
    sites = client.get(f"/api/v1/organisations/{world['org1']}/sites", headers=headers).json()
    assert [s["id"] for s in sites] == [world["site1"], world["site1_spare"]]
    change = client.patch(
        f"/api/v1/organisations/{world['org1']}", json={"wishes": "x"}, headers=headers
    )
    assert change.status_code == 403
    add = client.post(
        f"/api/v1/organisations/{world['org1']}/sites", json=site_data(), headers=headers
    )
    assert add.status_code == 403


def test_a_new_main_site_takes_over(client: TestClient, world: World) -> None:
    headers = world.auth("planner")
    base = f"/api/v1/organisations/{world['org1']}/sites"
    added = client.post(
        base, json=site_data(name="Nieuw hoofdkantoor", is_main=True), headers=headers
    )
    assert added.status_code == 201
    sites = client.get(base, headers=headers).json()
    assert [s["is_main"] for s in sites] == [True, False, False]
    assert sites[0]["id"] == added.json()["id"]
    foreign = client.patch(f"{base}/{world['site2']}", json={"name": "x"}, headers=headers)
    assert foreign.status_code == 404  # organisation 2's site is not one of organisation 1's


def test_team_shows_confirmed_trust_persons_without_sensitive_attributes(
    client: TestClient, world: World
) -> None:
    team = client.get(
        f"/api/v1/organisations/{world['org1']}/team", headers=world.auth("client")
    ).json()
    assert len(team) == 1  # the proposal of VP 2 is not part of the team
    member = team[0]
    assert set(member["trust_person"]) == CLIENT_VIEW_FIELDS
    assert member["trust_person"]["last_name"] == "Aalders"
    assert member["trust_person"]["gender"] is None  # Anna did not choose to show it
    assert {a["assignment_id"] for a in member["assignments"]} == {
        world["assignment1"],
        world["assignment1_aftercare"],
    }
    other = client.get("/api/v1/me/team", headers=world.auth("client2")).json()
    assert other[0]["trust_person"]["gender"] == "male"  # Bram shows it


def test_conflicts_of_interest_and_preferences_are_for_planners(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    unfiltered = client.get("/api/v1/conflicts-of-interest", headers=headers)
    assert unfiltered.status_code == 422
    listed = client.get(
        "/api/v1/conflicts-of-interest", params={"trust_person_id": world["vp3"]}, headers=headers
    ).json()
    assert {c["id"] for c in listed} == {world["conflict"], world["conflict_spare"]}
    added = client.post(
        "/api/v1/conflicts-of-interest",
        json={
            "trust_person_id": world["vp2"],
            "organisation_id": world["org1"],
            "reason": "works_council",
            "starts_on": "2026-01-01",
        },
        headers=headers,
    )
    assert added.status_code == 201
    assert added.json()["recorded_by_user_id"] == world["user_planner"]
    unknown_person = client.post(
        "/api/v1/conflicts-of-interest",
        json={"trust_person_id": 999_999, "organisation_id": world["org1"], "reason": "other"},
        headers=headers,
    )
    assert unknown_person.status_code == 404

    body = {
        "trust_person_id": world["vp1"],
        "organisation_id": world["org1"],
        "party": "client",
        "strength": -1,
    }
    first = client.put("/api/v1/preferences", json=body, headers=headers).json()
    assert first["id"] == world["preference"]  # the client's earlier wish is replaced
    assert first["strength"] == -1
    out_of_range = client.put("/api/v1/preferences", json={**body, "strength": 5}, headers=headers)
    assert out_of_range.status_code == 422
    for role in ("client", "trust_person"):
        assert (
            client.get(
                "/api/v1/preferences",
                params={"organisation_id": world["org1"]},
                headers=world.auth(role),
            ).status_code
            == 403
        )
