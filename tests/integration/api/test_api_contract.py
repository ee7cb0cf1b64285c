"""The API keeps to its schema: what Schemathesis found, each as a regression test.

* A body field of the wrong JSON type was coerced (``{"starts_on": 0}`` became 1 January
  1970, ``{"accredited": 0}`` false); now 422 naming the field.
* An undeclared or repeated query parameter was ignored (a misspelt filter answered the
  unfiltered list); now 400 naming the parameter.
* Error answers were documented in Litestar's shape, not as the problem details they are;
  public operations asked for a bearer token; 204s were documented with a JSON body;
  times were documented as ISO durations; OPTIONS listed only one of a path's methods.
* Under more concurrent requests than the connection pool holds, the server stalled for
  the pool's timeout and answered 500 (sessions were ended on the handlers' threads).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import uvicorn
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.integration.api.world import World, seed_world
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


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/trust-persons/{vp1}/absences", {"starts_on": 0}, "starts_on"),
        ("/api/v1/trust-persons/{vp1}/education-records", {"accredited": 0}, "accredited"),
        ("/api/v1/preferences", {"strength": False}, "strength"),
        (
            "/api/v1/assignments/{assignment1}/works-council-consent",
            {"consent_on": 0},
            "consent_on",
        ),
        ("/api/v1/needs", {"seats": "2"}, "seats"),
    ],
)
def test_a_body_field_of_the_wrong_json_type_is_refused_by_name(
    client: TestClient, world: World, path: str, body: dict[str, Any], field: str
) -> None:
    url = path.format(vp1=world["vp1"], assignment1=world["assignment1"])
    method = client.put if url.endswith("preferences") else client.post
    answer = method(url, json=body, headers=world.auth("planner"))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in answer.json()["errors"]}


def test_a_weekly_schedule_item_of_the_wrong_type_is_named_with_its_index(
    client: TestClient, world: World
) -> None:
    answer = client.put(
        f"/api/v1/trust-persons/{world['vp1']}/weekly-availability",
        json=[
            {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": True, "start_time": "13:00", "end_time": "17:00"},
        ],
        headers=world.auth("planner"),
    )
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["ranges[1].weekday"]


def test_text_forms_of_numbers_still_reach_the_services_from_the_web_forms(
    client: TestClient, world: World
) -> None:
    # JSON callers must send numbers; the check is the API's, so the services stay lenient.
    valid = client.post(
        f"/api/v1/trust-persons/{world['vp1']}/education-records",
        json={
            "category": "other",
            "title": "Vakliteratuur",
            "hours": 2,
            "completed_on": "2026-04-02",
        },
        headers=world.auth("planner"),
    )
    assert valid.status_code == 201, valid.text


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"statuss": "open"}, "statuss"),
        ({"limit": "5", "": "x"}, "(no name)"),
        ([("status", "open"), ("status", "declined")], "status"),
    ],
)
def test_an_unknown_or_repeated_query_parameter_is_refused_by_name(
    client: TestClient, world: World, query: Any, parameter: str
) -> None:
    answer = client.get("/api/v1/needs", params=query, headers=world.auth("planner"))
    assert answer.status_code == 400, answer.text
    assert parameter in {error["field"] for error in answer.json()["errors"]}
    assert "status" in answer.json()["detail"]  # the parameters it does take


def test_feeds_take_the_parameters_calendar_apps_append(client: TestClient, world: World) -> None:
    answer = client.get(f"/feeds/{world.feed_secret}.ics", params={"nocache": "17"})
    assert answer.status_code == 200


def test_the_schema_documents_problem_answers_and_public_operations(client: TestClient) -> None:
    schema = client.get("/schema/openapi.json").json()
    needs = schema["paths"]["/api/v1/needs"]["post"]["responses"]
    for status in ("400", "401", "403", "404", "409", "422"):
        assert needs[status]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
    assert schema["paths"]["/api/v1/health"]["get"]["security"] == [{}]
    assert schema["paths"]["/feeds/{name}"]["get"]["security"] == [{}]
    assert "304" in schema["paths"]["/feeds/{name}"]["get"]["responses"]
    assert "security" not in schema["paths"]["/api/v1/needs"]["get"]  # the default: bearer
    logout = schema["paths"]["/api/v1/auth/logout"]["post"]["responses"]["204"]
    assert "content" not in logout
    login = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login)
    weekly = schema["components"]["schemas"]["WeeklyAvailabilityPublic"]["properties"]
    assert "format" not in weekly["start_time"]
    assert weekly["start_time"]["pattern"].startswith("^")


def test_options_lists_every_method_of_the_path(client: TestClient) -> None:
    answer = client.options("/api/v1/auth/tokens")
    assert answer.status_code == 204
    assert answer.headers["allow"] == "GET, OPTIONS, POST"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_more_concurrent_requests_than_pooled_connections_all_answer(
    settings: Settings, engine: Engine, world: World
) -> None:
    # The engine's pool holds 5 + 10 connections; 60 requests at once used to take them
    # all, each waiting for a worker thread that was itself waiting for a connection.
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.05)

        async def one() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            bearer = world.tokens["planner"]
            request = (
                f"GET /api/v1/needs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {bearer}\r\n\r\n"
            )
            writer.write(request.encode())
            status = await reader.readline()
            writer.close()
            return status

        async def many() -> list[bytes]:
            return await asyncio.gather(*(one() for _ in range(60)))

        statuses = asyncio.run(many())
        assert [line.split()[1] for line in statuses] == [b"200"] * 60
    finally:
        server.should_exit = True
        thread.join()


def test_a_cached_feed_shows_a_renamed_organisation_and_a_changed_need_kind(
    client: TestClient, world: World
) -> None:
    # Feeds are served from a cache keyed by the subject's stored "changed at"; names shown
    # from other rows (an organisation, a need) must move it too.
    url = f"/feeds/{world.feed_secret}.ics"
    first = client.get(url)
    assert b"Zorggroep Een (vast)" in first.content
    assert client.get(url).headers["etag"] == first.headers["etag"]  # served again
    renamed = client.patch(
        f"/api/v1/organisations/{world['org1']}",
        json={"name": "Zorggroep Noord"},
        headers=world.auth("planner"),
    )
    assert renamed.status_code == 200, renamed.text
    second = client.get(url)
    assert b"Zorggroep Noord (vast)" in second.content
    assert b"Zorggroep Een" not in second.content
    assert second.headers["etag"] != first.headers["etag"]
    assert parsedate_to_datetime(second.headers["last-modified"]) >= parsedate_to_datetime(
        first.headers["last-modified"]
    )
    changed = client.patch(
        f"/api/v1/needs/{world['need1_aftercare']}",
        json={"kind": "reorganisation"},
        headers=world.auth("planner"),
    )
    assert changed.status_code == 200, changed.text
    assert b"Zorggroep Noord (reorganisatie)" in client.get(url).content
