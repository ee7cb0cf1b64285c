"""A trust person answers a placement they were asked for: on their page, or over the API."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_assignment
from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import Assignment, Need, TrustPerson
from vppool.vocab import AssignmentStatus

pytestmark = pytest.mark.integration


def _asked(engine: Engine, world: World) -> int:
    """VP 1 asked for the free seat of organisation two."""
    with Session(engine) as session:
        need = session.get(Need, world["need2_free"])
        person = session.get(TrustPerson, world["vp1"])
        assert need is not None
        assert person is not None
        row = make_assignment(
            session, need=need, trust_person=person, status=AssignmentStatus.ASKED
        )
        session.commit()
        assert row.id is not None
        return row.id


def _status(engine: Engine, assignment_id: int) -> tuple[AssignmentStatus, str | None]:
    with Session(engine) as session:
        row = session.get(Assignment, assignment_id)
        assert row is not None
        return row.status, row.decline_reason


def test_the_vp_takes_an_assignment_from_their_page(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    assignment_id = _asked(engine, world)
    login(app_client, world, "trust_person")
    page = app_client.get(f"{WEB}/me").text
    assert "Gevraagd voor een opdracht" in page
    assert "Tweede VP" in page
    done = app_client.post(
        f"{WEB}/me/assignments/{assignment_id}/accept", data={"_csrf_token": csrf_of(page)}
    )
    assert done.status_code == 200
    assert "U heeft de opdracht aangenomen; die is bevestigd." in done.text
    assert _status(engine, assignment_id) == (AssignmentStatus.CONFIRMED, None)


def test_the_vp_declines_with_a_reason_or_is_asked_for_one(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    assignment_id = _asked(engine, world)
    login(app_client, world, "trust_person")
    token = csrf_of(app_client.get(f"{WEB}/me").text)
    url = f"{WEB}/me/assignments/{assignment_id}/decline"
    bare = app_client.post(url, data={"_csrf_token": token, "reason": " "})
    assert bare.status_code == 422
    assert 'id="reason-error"' in bare.text
    assert _status(engine, assignment_id)[0] is AssignmentStatus.ASKED
    done = app_client.post(url, data={"_csrf_token": token, "reason": "Te ver weg"})
    assert done.status_code == 200
    assert "de planner zoekt iemand anders" in done.text
    assert _status(engine, assignment_id) == (AssignmentStatus.DECLINED, "Te ver weg")


def test_the_api_answers_for_the_vp_asked_only(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    assignment_id = _asked(engine, world)
    url = f"/api/v1/assignments/{assignment_id}/answer"
    other = app_client.post(url, json={"accept": True}, headers=world.auth("trust_person2"))
    assert other.status_code == 404
    planner = app_client.post(url, json={"accept": True}, headers=world.auth("planner"))
    assert planner.status_code == 403
    no_reason = app_client.post(url, json={"accept": False}, headers=world.auth("trust_person"))
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    taken = app_client.post(url, json={"accept": True}, headers=world.auth("trust_person"))
    assert taken.status_code == 200
    assert taken.json()["status"] == "confirmed"
    again = app_client.post(url, json={"accept": True}, headers=world.auth("trust_person"))
    assert again.status_code == 409
