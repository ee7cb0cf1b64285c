"""Fixtures of the web application's tests: the API tests' small world, a browser-like client."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.integration.api.world import PASSWORD, World, seed_world
from vppool.api import create_app
from vppool.settings import Settings

WEB = "/app"


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="app_client")
def fx_app_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def login(client: TestClient, world: World, role: str) -> None:
    """Log in: the planner through the login form; the others (who have no password in the
    world) by the session cookie holding their token, which the web resolves the same way."""
    if role != "planner":
        client.cookies.set("vppool_session", world.tokens[role])
        return
    form = client.get(f"{WEB}/login")
    response = client.post(
        f"{WEB}/login",
        data={
            "email": world.emails[role],
            "password": PASSWORD,
            "_csrf_token": csrf_of(form.text),
            "next_page": "/",
        },
    )
    assert response.status_code == 200, response.text[:300]
