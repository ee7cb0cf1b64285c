"""No input makes the resource API answer 500: malformed ids, wrong types, unknown values.

Every resource route of the authorisation matrix is called as a planner (who reaches every
service) and as the client contact and trust person (whose scoping code runs) with broken
paths, query strings and bodies; every answer must be a 2xx or a 4xx problem, never a server
error. (The auth and matching routes belong to their own controllers' tests.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from tests.integration.api.test_authorization_matrix import CASES, Case
from tests.integration.api.world import World, seed_world
from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration

BAD_IDS = ("0", "-1", "2147483648", "99999999999999999999999999", "abc", "1.5", "%00")
BAD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "nul\x00byte",
    10**30,
    -(10**30),
    1e308,
    [],
    {},
    "x" * 5000,
    True,
    "2026-02-30",
    "unknown_value",
)
BAD_QUERIES = (
    {"limit": "0"},
    {"limit": "201"},
    {"limit": str(10**30)},
    {"offset": "-1"},
    {"offset": str(10**30)},
    {"sort": "nonsense"},
    {"sort": "-"},
    {"status": "bogus"},
    {"kind": "bogus"},
    {"urgency": "bogus"},
    {"scope": "bogus"},
    {"active": "maybe"},
    {"search": "a\x00b"},
    {"municipality": "%_\\"},
    {"language": "xx"},
    {"sector": "bogus"},
    {"organisation_id": "abc"},
    {"trust_person_id": str(10**20)},
    {"need_id": "0"},
    {"entity_id": "-5"},
    {"action": "x" * 500},
)
RAW_BODIES = (b"", b"not json", b"null", b"[]", b"{}", b'"text"', b"[1, 2]", b"{" * 50)
RESOURCES = (
    "/api/v1/trust-persons",
    "/api/v1/organisations",
    "/api/v1/conflicts-of-interest",
    "/api/v1/preferences",
    "/api/v1/needs",
    "/api/v1/assignments",
    "/api/v1/audit-entries",
    "/api/v1/me",
)
NOT_RESOURCES = ("/api/v1/needs/{need_id:int}/quick-match", "/api/v1/assignments/override")
RESOURCE_CASES = [
    case for case in CASES if case.path.startswith(RESOURCES) and case.path not in NOT_RESOURCES
]


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _variants(case: Case, world: World, role: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Broken calls of one route: (url, keyword arguments for ``client.request``)."""
    url = case.concrete_url(world, role)
    for match in re.finditer(r"/(\d+)(?=/|$|\?)", url):
        for bad in BAD_IDS:
            yield url[: match.start(1)] + bad + url[match.end(1) :], {}
    if case.method == "GET":
        for query in BAD_QUERIES:
            yield url, {"params": query}
        return
    for raw in RAW_BODIES:
        yield url, {"content": raw, "headers": {"content-type": "application/json"}}
    body = case.concrete_body(world)
    items = body if isinstance(body, list) else [body]
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in [*item, "unexpected_field"]:
            for bad in BAD_VALUES:
                changed = {**item, key: bad}
                yield url, {"json": [changed] if isinstance(body, list) else changed}


@pytest.mark.parametrize("role", ["planner", "client", "trust_person"])
def test_no_broken_request_gets_a_server_error(client: TestClient, world: World, role: str) -> None:
    failures = []
    calls = 0
    for case in RESOURCE_CASES:
        for url, arguments in _variants(case, world, role):
            headers = {**arguments.pop("headers", {}), **world.auth(role)}
            response = client.request(case.method, url, headers=headers, **arguments)
            client.cookies.clear()
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {url} {arguments}: {response.text[:300]}")
            elif response.status_code >= 400:
                assert response.headers["content-type"].startswith("application/problem+json")
    assert calls > 1000
    assert not failures, "\n".join(failures[:40])


def test_pages_refuse_limits_outside_1_to_200_and_negative_offsets(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    for query in ({"limit": 0}, {"limit": 201}, {"limit": 10**12}, {"offset": -1}):
        response = client.get("/api/v1/trust-persons", params=query, headers=headers)
        assert response.status_code == 400, query
        assert response.json()["errors"]
    page = client.get("/api/v1/trust-persons", params={"limit": 200}, headers=headers).json()
    assert page["limit"] == 200


def test_unknown_enum_and_sort_values_say_what_to_use(client: TestClient, world: World) -> None:
    headers = world.auth("planner")
    bad_status = client.get("/api/v1/needs", params={"status": "bogus"}, headers=headers)
    assert bad_status.status_code == 400
    bad_sort = client.get("/api/v1/needs", params={"sort": "colour"}, headers=headers)
    assert bad_sort.status_code == 422
    assert "choose one of" in bad_sort.json()["errors"][0]["message"]


def test_a_nul_character_is_a_field_error_not_a_database_error(
    client: TestClient, world: World
) -> None:
    response = client.patch(
        f"/api/v1/trust-persons/{world['vp1']}",
        json={"phone": "06\x001"},
        headers=world.auth("planner"),
    )
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("phone", "May not contain NUL characters (\\u0000).")
    ]
