"""Assignments (scoped reads, pin, consent, end) and the audit log over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.integration.api.world import World, in_days, seed_world, today
from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def test_planners_see_every_assignment_and_filter_them(client: TestClient, world: World) -> None:
    headers = world.auth("planner")
    everything = client.get("/api/v1/assignments", headers=headers).json()
    assert everything["total"] == 4
    proposals = client.get(
        "/api/v1/assignments", params={"status": "proposed"}, headers=headers
    ).json()
    assert [a["id"] for a in proposals["items"]] == [world["assignment1_proposed"]]
    of_organisation = client.get(
        "/api/v1/assignments",
        params={"organisation_id": world["org1"], "sort": "created_at", "limit": 2},
        headers=headers,
    ).json()
    assert of_organisation["total"] == 3
    assert [a["id"] for a in of_organisation["items"]] == [
        world["assignment1"],
        world["assignment1_aftercare"],
    ]
    of_need = client.get(
        "/api/v1/assignments", params={"need_id": world["need2"]}, headers=headers
    ).json()
    assert [a["id"] for a in of_need["items"]] == [world["assignment2"]]


def test_a_client_contact_sees_only_agreed_assignments_of_their_organisation(
    client: TestClient, world: World
) -> None:
    headers = world.auth("client")
    seen = client.get("/api/v1/assignments", headers=headers).json()
    assert {a["id"] for a in seen["items"]} == {
        world["assignment1"],
        world["assignment1_aftercare"],
    }
    proposals = client.get("/api/v1/assignments", params={"status": "proposed"}, headers=headers)
    assert proposals.json()["total"] == 0


def test_pinning_and_releasing(client: TestClient, world: World) -> None:
    url = f"/api/v1/assignments/{world['assignment1']}/pin"
    headers = world.auth("planner")
    assert client.put(url, headers=headers).json()["pinned"] is True
    assert client.delete(url, headers=headers).json()["pinned"] is False
    client.post(
        f"/api/v1/assignments/{world['assignment1_aftercare']}/end",
        json={"on": in_days(30).isoformat()},
        headers=headers,
    )
    ended = client.put(f"/api/v1/assignments/{world['assignment1_aftercare']}/pin", headers=headers)
    assert ended.status_code == 409


def test_works_council_consent_is_for_standing_assignments(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    consent = {"consent_on": today().isoformat()}
    recorded = client.post(
        f"/api/v1/assignments/{world['assignment1']}/works-council-consent",
        json=consent,
        headers=headers,
    )
    assert recorded.json()["works_council_consent_on"] == today().isoformat()
    aftercare = client.post(
        f"/api/v1/assignments/{world['assignment1_aftercare']}/works-council-consent",
        json=consent,
        headers=headers,
    )
    assert aftercare.status_code == 422
    not_a_date = client.post(
        f"/api/v1/assignments/{world['assignment1']}/works-council-consent",
        json={"consent_on": "yesterday"},
        headers=headers,
    )
    assert not_a_date.status_code == 422
    assert not_a_date.json()["errors"][0]["field"] == "consent_on"


def test_ending_an_assignment(client: TestClient, world: World) -> None:
    url = f"/api/v1/assignments/{world['assignment1_aftercare']}/end"
    headers = world.auth("planner")
    too_early = client.post(url, json={"on": in_days(1).isoformat()}, headers=headers)
    assert too_early.status_code == 422
    assert too_early.json()["errors"][0]["field"] == "on"
    ended = client.post(url, json={"on": in_days(30).isoformat()}, headers=headers)
    assert (ended.json()["status"], ended.json()["ends_on"]) == ("ended", in_days(30).isoformat())
    again = client.post(url, json={"on": in_days(31).isoformat()}, headers=headers)
    assert again.status_code == 409
    missing = client.post(url, json={}, headers=headers)
    assert missing.status_code == 422


# --------------------------------------------------------------------------- audit log


def test_the_audit_log_lists_newest_first_with_filters_and_pages(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    client.put(f"/api/v1/assignments/{world['assignment1']}/pin", headers=headers)
    client.delete(f"/api/v1/assignments/{world['assignment1']}/pin", headers=headers)
    client.post(f"/api/v1/needs/{world['request1']}/accept", headers=headers)

    newest = client.get("/api/v1/audit-entries", params={"limit": 3}, headers=headers).json()
    assert [e["action"] for e in newest["items"]] == [
        "need_accepted",
        "assignment_unpinned",
        "assignment_pinned",
    ]
    assert newest["total"] > 3
    assert newest["items"][0]["actor_user_id"] == world["user_planner"]
    pinned = client.get(
        "/api/v1/audit-entries",
        params={
            "action": "assignment_pinned",
            "entity_type": "assignment",
            "entity_id": world["assignment1"],
        },
        headers=headers,
    ).json()
    assert pinned["total"] == 1
    assert pinned["items"][0]["details"]["need_id"] == world["need1"]
    second_page = client.get(
        "/api/v1/audit-entries", params={"offset": 1, "limit": 1}, headers=headers
    ).json()
    assert second_page["items"][0]["action"] == "assignment_unpinned"


def test_the_audit_log_is_for_planners_and_admins_only(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/audit-entries", headers=world.auth("admin")).status_code == 200
    for role in ("client", "trust_person"):
        assert client.get("/api/v1/audit-entries", headers=world.auth(role)).status_code == 403
    assert client.get("/api/v1/audit-entries").status_code == 401
