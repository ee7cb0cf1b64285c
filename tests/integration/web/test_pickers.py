"""Pickers search as you type: a few matches among thousands, for planners only."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, login
from vppool.db.models import Organisation, TrustPerson


def test_the_organisation_picker_finds_active_organisations_by_every_typed_word(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        name = session.get(Organisation, world["org2"]).name  # type: ignore[union-attr]
    login(app_client, world, "planner")
    word = name.split()[-1]
    found = app_client.get(f"{WEB}/pick/organisations", params={"q": word.lower()}).json()
    assert {"id": world["org2"], "label": name} in [
        {"id": item["id"], "label": item["label"]} for item in found
    ]
    assert app_client.get(f"{WEB}/pick/organisations", params={"q": ""}).json() == []
    nothing = app_client.get(f"{WEB}/pick/organisations", params={"q": "zzzz-no-such"}).json()
    assert nothing == []


def test_the_trust_person_picker_finds_by_name(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        person = session.get(TrustPerson, world["vp1"])
        assert person is not None
        first, last = person.first_name, person.last_name
    login(app_client, world, "planner")
    found = app_client.get(f"{WEB}/pick/trust-persons", params={"q": f"{first} {last}"}).json()
    assert [item["id"] for item in found] == [world["vp1"]]
    assert found[0]["label"] == f"{first} {last}"


def test_only_planners_and_admins_pick(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    answer = app_client.get(f"{WEB}/pick/trust-persons", params={"q": "a"})
    assert answer.status_code == 404
