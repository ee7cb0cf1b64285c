from __future__ import annotations

import gc
import threading

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.api import create_app
from vppool.services import access
from vppool.settings import Settings

pytestmark = pytest.mark.integration


def test_health_names_the_database_backend(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == engine.dialect.name


def test_overview_is_for_planners_and_counts_an_empty_database(
    settings: Settings, engine: Engine
) -> None:
    with Session(engine) as session:
        planner = access.create_user(
            session, email="pim@provider.nl", display_name="Pim", role="planner"
        )
        _, secret = access.create_api_token(session, user_id=planner.id, name="test")
        session.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/api/v1/overview").status_code == 401
        body = client.get("/api/v1/overview", headers={"Authorization": f"Bearer {secret}"}).json()
    assert body["trust_persons_active"] == 0
    assert body["needs_open"] == 0


def test_home_page_shows_no_pool_data_to_anonymous_visitors(
    settings: Settings, engine: Engine
) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/")
    assert page.status_code == 200
    assert "trust persons" not in page.text


def test_openapi_schema_is_served(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/health" in schema.json()["paths"]


def test_unknown_route_answers_404_not_500(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/api/v1/nothing-here").status_code == 404


def test_an_application_that_ran_leaves_no_thread_and_the_collector_as_it_was(
    settings: Settings, engine: Engine
) -> None:
    # Each application built used to leave Litestar's logging thread behind, and its
    # lifespan kept the collector frozen and retuned: a process that runs one application
    # after another (as the tests do) ended with a thousand threads and gigabytes frozen.
    threads = set(threading.enumerate())
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert gc.get_freeze_count() > frozen
    assert set(threading.enumerate()) <= threads
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
