"""Information sessions over the API: a client contact requests, a planner books a proposed
time, the VP who holds it reads it; nobody sees another organisation's sessions."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.integration.api.world import World, in_days, seed_world
from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration

URL = "/api/v1/info-sessions"


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Any:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _request(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "introduction",
        "site_id": world["site1"],
        "starts_on": in_days(22).isoformat(),
        "ends_on": in_days(50).isoformat(),  # four weeks: Mondays the VPs work
        "duration_minutes": 90,
        "audience": 40,
        "language": "nl",
        "preferred_trust_person_id": world["vp1"],
        **overrides,
    }


def test_request_book_and_read_by_the_vp_and_cancel(client: TestClient, world: World) -> None:
    filed = client.post(URL, json=_request(world), headers=world.auth("client"))
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert body["organisation_id"] == world["org1"]
    assert body["status"] == "requested"
    assert body["last_day"] == in_days(49).isoformat()  # the last day, not the day after
    item = f"{URL}/{body['id']}"
    assert client.get(item, headers=world.auth("client2")).status_code == 404
    assert client.get(URL, headers=world.auth("client2")).json()["total"] == 0
    assert client.get(item + "/proposals", headers=world.auth("client")).status_code == 403
    proposals = client.get(item + "/proposals", headers=world.auth("planner")).json()
    assert proposals, "the world's VPs work on Mondays: some time is free"
    assert proposals[0]["trust_person_id"] == world["vp1"]  # the preferred VP first
    assert proposals[0]["preferred"] is True
    first = proposals[0]
    booked = client.post(
        item + "/book",
        json={"trust_person_id": first["trust_person_id"], "starts_at": first["starts_at"]},
        headers=world.auth("planner"),
    )
    assert booked.status_code == 200, booked.text
    assert booked.json()["status"] == "booked"
    assert booked.json()["trust_person_name"].startswith("Anna")
    assert client.get(item, headers=world.auth("trust_person")).status_code == 200
    assert client.get(item, headers=world.auth("trust_person2")).status_code == 404
    own = client.get(URL, headers=world.auth("trust_person")).json()
    assert [s["id"] for s in own["items"]] == [body["id"]]
    again = client.post(
        item + "/book",
        json={"trust_person_id": world["vp3"], "starts_at": first["starts_at"]},
        headers=world.auth("planner"),
    )
    assert again.status_code == 422  # VP 3 has no working hours (and a conflict)
    cancelled = client.post(item + "/cancel", headers=world.auth("client"))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    twice = client.post(item + "/cancel", headers=world.auth("client"))
    assert twice.status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"language": "xx"}, "language"),
        ({"ends_on": in_days(20).isoformat()}, "ends_on"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"site_id": 999_999}, "site_id"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_requests_name_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    refused = client.post(URL, json=_request(world, **change), headers=world.auth("client"))
    assert refused.status_code == 422, refused.text
    assert field in refused.text


def test_a_client_may_not_prefer_someone_elses_vp_or_file_for_another_organisation(
    client: TestClient, world: World
) -> None:
    foreign = client.post(
        URL,
        json=_request(world, preferred_trust_person_id=world["vp2"]),
        headers=world.auth("client"),
    )
    assert foreign.status_code == 422
    assert "preferred_trust_person_id" in foreign.text
    other = client.post(
        URL,
        json=_request(world, organisation_id=world["org2"], site_id=world["site2"]),
        headers=world.auth("client"),
    )
    assert other.status_code == 404
