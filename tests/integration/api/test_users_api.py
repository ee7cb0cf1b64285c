"""Users over HTTP: the administrator invites, changes scope, deactivates and resets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import make_certification, make_trust_person, make_weekly_hours
from tests.integration.api.world import World, seed_world
from tests.queue import drain_app
from vppool.api import create_app
from vppool.db.models import ApiToken
from vppool.security import hash_token
from vppool.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _as(world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def _fields(response: Response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_an_invitation_answers_with_a_one_time_link_to_the_web_page(
    client: TestClient, world: World
) -> None:
    answer = client.post(
        "/api/v1/users",
        json={
            "email": "VP.Nieuw@example.nl",
            "display_name": "VP Nieuw",
            "role": "trust_person",
            "trust_person_id": world["vp3"],
        },
        headers=_as(world, "admin"),
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["user"]["email"] == "vp.nieuw@example.nl"
    assert body["user"]["trust_person_id"] == world["vp3"]
    assert "/app/link/" in body["url"]
    link_page = client.get(body["url"].split("testserver.local", 1)[1])
    assert "VP Nieuw" in link_page.text
    listed = client.get(
        "/api/v1/users", params={"q": "nieuw", "role": "trust_person"}, headers=_as(world, "admin")
    ).json()
    assert [u["email"] for u in listed["items"]] == ["vp.nieuw@example.nl"]


def test_a_wrong_invitation_names_every_field_in_one_problem(
    client: TestClient, world: World
) -> None:
    answer = client.post(
        "/api/v1/users",
        json={"email": "geen adres", "display_name": "", "role": "client"},
        headers=_as(world, "admin"),
    )
    assert answer.status_code == 422
    assert set(_fields(answer)) >= {"email", "display_name"}
    unbound = client.post(
        "/api/v1/users",
        json={"email": "x@example.nl", "display_name": "X", "role": "client"},
        headers=_as(world, "admin"),
    )
    assert unbound.status_code == 422
    assert "organisation_id" in _fields(unbound)


def test_the_admin_keeps_their_own_account_and_the_last_admin_stays_one(
    client: TestClient, world: World
) -> None:
    own = f"/api/v1/users/{world['user_admin']}"
    assert client.post(f"{own}/deactivate", headers=_as(world, "admin")).status_code == 409
    demoted = client.put(f"{own}/scope", json={"role": "planner"}, headers=_as(world, "admin"))
    assert demoted.status_code == 422
    assert "role" in _fields(demoted)


def test_a_deactivated_users_token_stops_at_once(client: TestClient, world: World) -> None:
    user = f"/api/v1/users/{world['user_planner']}"
    assert client.get("/api/v1/auth/me", headers=_as(world, "planner")).status_code == 200
    off = client.post(f"{user}/deactivate", headers=_as(world, "admin"))
    assert off.status_code == 200
    assert off.json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=_as(world, "planner")).status_code == 401
    again = client.post(f"{user}/deactivate", headers=_as(world, "admin"))
    assert again.status_code == 409
    reset = client.post(f"{user}/password-reset", headers=_as(world, "admin"))
    assert reset.status_code == 409


def test_a_proposal_run_stores_nothing_until_it_is_stored(
    client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        for index in range(9):
            vp = make_trust_person(session, first_name=f"Api{index}")
            make_certification(session, trust_person=vp)
            make_weekly_hours(session, vp)  # groups need common weekly time
        session.commit()
    year = settings.today().year + 1
    started = client.post(
        "/api/v1/intervision-groups/formations",
        json={"year": year, "time_limit_s": 5, "propose": True},
        headers=_as(world, "planner"),
    )
    assert started.status_code == 202, started.text
    run_url = f"/api/v1/intervision-runs/{started.json()['id']}"
    drain_app(client.app)
    run = client.get(run_url, headers=_as(world, "planner")).json()
    assert run["status"] == "succeeded", run
    assert run["report"]["proposal"] is True
    groups = client.get(
        "/api/v1/intervision-groups", params={"year": year}, headers=_as(world, "planner")
    ).json()
    assert groups["total"] == 0
    stored = client.post(f"{run_url}/store", headers=_as(world, "planner"))
    assert stored.status_code == 201, stored.text
    after = client.get(
        "/api/v1/intervision-groups", params={"year": year}, headers=_as(world, "planner")
    ).json()
    assert after["total"] == len(run["report"]["groups"])
    assert client.post(f"{run_url}/store", headers=_as(world, "planner")).status_code == 409


def test_a_tokens_last_use_is_noted_at_most_every_few_minutes(
    client: TestClient, world: World, engine: Engine
) -> None:
    def last_used() -> object:
        with Session(engine) as session:
            row = session.exec(
                select(ApiToken).where(ApiToken.token_hash == hash_token(world.tokens["client"]))
            ).one()
            return row.last_used_at

    assert last_used() is None
    assert client.get("/api/v1/auth/me", headers=_as(world, "client")).status_code == 200
    first = last_used()
    assert first is not None
    assert client.get("/api/v1/auth/me", headers=_as(world, "client")).status_code == 200
    assert last_used() == first


def test_the_admin_lists_every_token_with_its_owner(client: TestClient, world: World) -> None:
    api = client.get("/api/v1/tokens", headers=_as(world, "admin")).json()
    owners = {row["owner"] for row in api["items"] if row["name"] == "to revoke"}
    assert "Client <client@example.nl>" in owners
    assert all(row["name"] != "web session" for row in api["items"])
    feeds = client.get(
        "/api/v1/tokens", params={"kind": "feed"}, headers=_as(world, "admin")
    ).json()
    assert world["feed_vp1"] in {row["id"] for row in feeds["items"]}
    assert client.get("/api/v1/tokens", headers=_as(world, "planner")).status_code == 403
