"""Logins, sessions, bearer tokens and the shape of their errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.api import create_app
from vppool.services import access
from vppool.settings import Settings

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with Session(engine) as session:
        access.create_user(
            session,
            email="planner@example.nl",
            display_name="Pim",
            role="planner",
            password=PASSWORD,
        )
        session.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def test_login_sets_a_session_cookie_that_identifies_the_user(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "Planner@example.nl", "password": PASSWORD}
    )
    assert response.status_code == 201
    assert "vppool_session" in response.cookies
    assert "httponly" in response.headers["set-cookie"].lower()
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["role"] == "planner"
    assert client.post("/api/v1/auth/logout").status_code == 204
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_wrong_password_is_a_401_problem_without_saying_which_part_was_wrong(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "planner@example.nl", "password": "nope"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == "e-mail address or password is wrong"
    assert body["request_id"] == response.headers["x-request-id"]


def test_repeated_failed_logins_are_throttled(client: TestClient) -> None:
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"email": "planner@example.nl", "password": "x"})
    response = client.post(
        "/api/v1/auth/login", json={"email": "planner@example.nl", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


def test_bearer_token_works_until_revoked(client: TestClient) -> None:
    client.post("/api/v1/auth/login", json={"email": "planner@example.nl", "password": PASSWORD})
    created = client.post("/api/v1/auth/tokens", json={"name": "nightly export", "days": 7})
    assert created.status_code == 201
    secret = created.json()["secret"]
    token_id = created.json()["token"]["id"]
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_malformed_login_body_is_a_422_problem_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"email": "planner@example.nl"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(
        "password" in e["field"] or "password" in e["message"] for e in response.json()["errors"]
    )
    garbage = client.post(
        "/api/v1/auth/login", content=b"\xff{not json", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400
