from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration


def test_health_names_the_database_backend(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == engine.dialect.name


def test_overview_counts_an_empty_database(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        body = client.get("/api/v1/overview").json()
    assert body["trust_persons_active"] == 0
    assert body["needs_open"] == 0


def test_openapi_schema_is_served(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/health" in schema.json()["paths"]


def test_unknown_route_answers_404_not_500(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/api/v1/nothing-here").status_code == 404
