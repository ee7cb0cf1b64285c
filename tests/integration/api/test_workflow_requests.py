"""The request workflow: a client contact requests help, a planner accepts or declines it.

Also what each side sees afterwards: the client the status and reason of their requests and
the team serving them, the trust person their own assignments.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World, in_days, request_body, seed_world
from vppool.api import create_app
from vppool.db.models import AuditEntry, Need, Notification
from vppool.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _fields(response: Response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _file(client: TestClient, world: World, **body: object) -> Response:
    return client.post("/api/v1/needs", json=request_body(**body), headers=world.auth("client"))


# --------------------------------------------------------------------------- filing


def test_a_client_request_is_requested_for_their_own_organisation_by_them(
    client: TestClient, world: World
) -> None:
    response = _file(client, world, kind="reorganisation", seats=2)
    assert response.status_code == 201
    need = response.json()
    assert (need["status"], need["organisation_id"], need["requested_by_user_id"]) == (
        "requested",
        world["org1"],
        world["user_client"],
    )
    assert need["decision_reason"] is None


def test_an_empty_request_names_everything_that_is_missing(
    client: TestClient, world: World
) -> None:
    response = client.post("/api/v1/needs", json={}, headers=world.auth("client"))
    assert response.status_code == 422
    assert _fields(response) == {
        "kind",
        "title",
        "scopes",
        "starts_on",
        "expected_hours_per_month",
    }
    # What a need has, given: a request also needs its end.
    body = {key: value for key, value in request_body().items() if key != "ends_on"}
    response = client.post("/api/v1/needs", json=body, headers=world.auth("client"))
    assert response.status_code == 422
    assert _fields(response) == {"ends_on"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "standing"}, "kind"),
        ({"kind": "holiday"}, "kind"),
        ({"starts_on": in_days(-1).isoformat()}, "starts_on"),
        ({"ends_on": in_days(5).isoformat()}, "ends_on"),
        ({"expected_hours_per_month": 0}, "expected_hours_per_month"),
        ({"seats": 0}, "seats"),
        ({"seats": 11}, "seats"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["gardening"]}, "scopes"),
        ({"languages": ["xx"]}, "languages"),
        ({"site_id": 10**12}, "site_id"),
        ({"urgent": True}, "urgent"),
    ],
)
def test_an_invalid_request_names_the_field_to_fix(
    client: TestClient, world: World, change: dict[str, object], field: str
) -> None:
    response = _file(client, world, **change)
    assert response.status_code == 422
    assert _fields(response) == {field}


def test_a_request_at_another_organisations_site_is_refused(
    client: TestClient, world: World
) -> None:
    response = _file(client, world, site_id=world["site2"])
    assert response.status_code == 422
    assert _fields(response) == {"site_id"}


def test_a_planner_files_an_open_need_and_must_name_the_organisation(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    nameless = client.post("/api/v1/needs", json=request_body(kind="standing"), headers=headers)
    assert nameless.status_code == 422
    assert _fields(nameless) == {"organisation_id"}
    filed = client.post(
        "/api/v1/needs",
        json=request_body(kind="standing", organisation_id=world["org2"], ends_on=None),
        headers=headers,
    )
    assert filed.status_code == 201
    assert (filed.json()["status"], filed.json()["requested_by_user_id"]) == ("open", None)


def test_trust_persons_file_no_needs(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/needs", json=request_body(), headers=world.auth("trust_person"))
    assert response.status_code == 403


# --------------------------------------------------------------------------- double submit


def test_the_same_request_twice_files_one_need(
    client: TestClient, world: World, engine: Engine
) -> None:
    first = _file(client, world)
    again = _file(client, world)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other_title = _file(client, world, title="Vervanging tweede vestiging")
    assert other_title.status_code == 201
    with Session(engine) as session:
        filed = session.exec(
            select(Need).where(Need.requested_by_user_id == world["user_client"])
        ).all()
    assert len(filed) == 2 + 2  # the two seeded requests and the two distinct ones


# --------------------------------------------------------------------------- deciding


def test_planner_accepts_a_request_once(client: TestClient, world: World, engine: Engine) -> None:
    url = f"/api/v1/needs/{world['request1']}"
    headers = world.auth("planner")
    accepted = client.post(f"{url}/accept", headers=headers)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "open"
    assert client.post(f"{url}/accept", headers=headers).status_code == 409
    late_decline = client.post(f"{url}/decline", json={"reason": "toch niet"}, headers=headers)
    assert late_decline.status_code == 409
    seen = client.get(url, headers=world.auth("client")).json()
    assert seen["status"] == "open"
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "need_accepted")).one()
        message = session.exec(select(Notification)).one()
    assert (entry.entity_id, entry.actor_user_id) == (world["request1"], world["user_planner"])
    assert message.recipient_user_id == world["user_client"]
    assert message.kind == "request_accepted"
    assert "geaccepteerd" in message.subject  # in the contact's language, Dutch by default


def test_planner_declines_with_a_reason_the_client_reads(
    client: TestClient, world: World, engine: Engine
) -> None:
    url = f"/api/v1/needs/{world['request2']}"
    headers = world.auth("planner")
    assert client.post(f"{url}/decline", json={}, headers=headers).status_code == 422
    blank = client.post(f"{url}/decline", json={"reason": "   "}, headers=headers)
    assert blank.status_code == 422
    assert _fields(blank) == {"reason"}
    reason = "In die periode is er geen vertrouwenspersoon met Arabisch beschikbaar"
    declined = client.post(f"{url}/decline", json={"reason": reason}, headers=headers)
    assert declined.status_code == 200
    mine = client.get(
        "/api/v1/needs", params={"status": "declined"}, headers=world.auth("client")
    ).json()
    assert [(n["id"], n["decision_reason"]) for n in mine["items"]] == [(world["request2"], reason)]
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "need_declined")).one()
        message = session.exec(select(Notification)).one()
    assert reason not in str(entry.details)  # the reason stays on the need
    assert reason in message.body


def test_only_requested_needs_are_decided_and_only_by_planners(
    client: TestClient, world: World
) -> None:
    standing = f"/api/v1/needs/{world['need1']}"
    assert client.post(f"{standing}/accept", headers=world.auth("planner")).status_code == 409
    request = f"/api/v1/needs/{world['request1']}/accept"
    assert client.post(request, headers=world.auth("client")).status_code == 403
    assert (
        client.post("/api/v1/needs/999999/accept", headers=world.auth("planner")).status_code == 404
    )


# --------------------------------------------------------------------------- what each side sees


def test_the_client_sees_the_team_and_the_trust_person_their_assignments(
    client: TestClient, world: World
) -> None:
    team = client.get("/api/v1/me/team", headers=world.auth("client")).json()
    assert [m["trust_person"]["id"] for m in team] == [world["vp1"]]
    assert "birth_year" not in team[0]["trust_person"]

    own = client.get("/api/v1/me/assignments", headers=world.auth("trust_person")).json()
    assert own["total"] == 2
    kinds = {(a["organisation_name"], a["need_kind"]) for a in own["items"]}
    assert kinds == {("Zorggroep Een", "standing"), ("Zorggroep Een", "aftercare")}
    assert all("trust_person_id" not in a for a in own["items"])

    ended = client.post(
        f"/api/v1/assignments/{world['assignment1_aftercare']}/end",
        json={"on": in_days(20).isoformat()},
        headers=world.auth("planner"),
    )
    assert ended.status_code == 200
    only_ended = client.get(
        "/api/v1/me/assignments", params={"status": "ended"}, headers=world.auth("trust_person")
    ).json()
    assert [a["id"] for a in only_ended["items"]] == [world["assignment1_aftercare"]]
    team = client.get("/api/v1/me/team", headers=world.auth("client")).json()
    assert [a["assignment_id"] for a in team[0]["assignments"]] == [world["assignment1"]]


def test_planners_have_no_team_or_assignments_of_their_own(
    client: TestClient, world: World
) -> None:
    for url in ("/api/v1/me/team", "/api/v1/me/assignments"):
        assert client.get(url, headers=world.auth("planner")).status_code == 403
    assert client.get("/api/v1/me/team", headers=world.auth("trust_person")).status_code == 403
    assert client.get("/api/v1/me/assignments", headers=world.auth("client")).status_code == 403
