"""Matching runs over HTTP: 202 and polling, confirmation, quick match, overrides, roles.

Also the client's wishes as fields of a need: filed with a request, kept, read by the matcher.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import request_body
from tests.integration.seed import org_with_need, seed_small_pool
from tests.queue import drain_app
from vppool.api import create_app
from vppool.services import access
from vppool.settings import Settings

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


@pytest.fixture(name="ids")
def fx_ids(engine: Engine) -> dict[str, int]:
    ids = seed_small_pool(engine)
    with Session(engine) as session:
        access.create_user(
            session,
            email="planner@example.nl",
            display_name="Pim",
            role="planner",
            password=PASSWORD,
        )
        client = access.create_user(
            session,
            email="hr@zorg.nl",
            display_name="HR",
            role="client",
            password=PASSWORD,
            organisation_id=1,
        )
        ids["client_user"] = client.id
        session.commit()
    return ids


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, ids: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _login(client: TestClient, email: str) -> None:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201


def _wait(client: TestClient, run_id: int) -> dict[str, object]:
    drain_app(client.app)
    body: dict[str, object] = client.get(f"/api/v1/matching-runs/{run_id}").json()
    return body


def test_run_answers_202_then_succeeds_and_confirms(client: TestClient) -> None:
    _login(client, "planner@example.nl")
    started = client.post("/api/v1/matching-runs", json={"time_limit_s": 5, "workers": 1})
    assert started.status_code == 202
    run = _wait(client, started.json()["id"])
    assert run["status"] == "succeeded"
    assert run["seats_filled"] == 3
    assert run["gap"] == 0
    assert run["explanation"]["seats"]
    listed = client.get("/api/v1/matching-runs").json()
    assert listed["total"] == 1
    confirmed = client.post(f"/api/v1/matching-runs/{run['id']}/confirm", json={})
    assert confirmed.status_code == 200
    assert len(confirmed.json()["assignment_ids"]) == 3
    again = client.post(f"/api/v1/matching-runs/{run['id']}/confirm", json={})
    assert again.status_code == 422


def test_quick_match_ranks_candidates_and_counts_the_rest(
    client: TestClient, ids: dict[str, int]
) -> None:
    _login(client, "planner@example.nl")
    body = client.get(f"/api/v1/needs/{ids['school']}/quick-match").json()
    names = [c["name"] for c in body["candidates"]]
    assert names[0] == "Bram Jansen"  # lives next to the site
    assert body["ineligible"] == {"travel_distance": 1}


def test_override_that_breaks_a_rule_answers_422_naming_the_rule(
    client: TestClient, ids: dict[str, int]
) -> None:
    _login(client, "planner@example.nl")
    far = client.post(
        "/api/v1/assignments/override",
        json={"need_id": ids["school"], "seat": 1, "trust_person_id": ids["cees"]},
    )
    assert far.status_code == 422
    assert [v["rule"] for v in far.json()["violations"]] == ["travel_distance"]
    ok = client.post(
        "/api/v1/assignments/override",
        json={"need_id": ids["school"], "seat": 1, "trust_person_id": ids["anna"]},
    )
    assert ok.status_code == 201


def test_clients_and_anonymous_callers_cannot_run_the_matcher(client: TestClient) -> None:
    assert client.post("/api/v1/matching-runs", json={}).status_code == 401
    _login(client, "hr@zorg.nl")
    assert client.post("/api/v1/matching-runs", json={}).status_code == 403
    assert client.get("/api/v1/matching-runs").status_code == 403


def test_cancel_of_an_unknown_run_is_404_and_bad_settings_are_422(client: TestClient) -> None:
    _login(client, "planner@example.nl")
    assert client.delete("/api/v1/matching-runs/999").status_code == 404
    bad = client.post("/api/v1/matching-runs", json={"time_limit_s": -5})
    assert bad.status_code == 422
    assert bad.json()["errors"]


def test_an_open_seat_lists_every_vp_once_by_name_with_rule_and_number(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        turkish = org_with_need(session, "Turks Utrecht", 52.09, 5.12, languages=["nl", "tr"])
        session.commit()
    _login(client, "planner@example.nl")
    run = _wait(client, client.post("/api/v1/matching-runs", json={"time_limit_s": 5}).json()["id"])
    assert {u["need_id"] for u in run["explanation"]["unfilled"]} == {turkish}
    answer = client.get(f"/api/v1/matching-runs/{run['id']}/needs/{turkish}/excluded")
    assert answer.status_code == 200
    body = answer.json()
    people = {p["name"]: p for p in body["trust_persons"]}
    assert sorted(people) == ["Anna Jansen", "Bram Jansen", "Cees Jansen"]
    assert body["total"] == sum(body["counts"].values()) == 3
    assert body["counts"] == {"language": 2, "travel_distance": 1}
    assert people["Anna Jansen"]["detail"] == "does not speak tr"
    assert people["Cees Jansen"]["rule"] == "travel_distance"
    assert people["Cees Jansen"]["detail"].endswith("km away (limit 60 km)")
    assert people["Cees Jansen"]["params"]["km"] > 60
    # The run page's open seat opens on the list, in Dutch: the same people and numbers.
    review = client.get(f"/app/matching/runs/{run['id']}")
    assert f"/matching/runs/{run['id']}/needs/{turkish}/excluded" in review.text
    assert "Wie, en waarom niet?" in review.text
    page = client.get(f"/app/matching/runs/{run['id']}/needs/{turkish}/excluded")
    assert page.status_code == 200
    assert "Anna Jansen</a> — spreekt geen Turks" in page.text
    assert "km ver weg (grens 60 km)" in page.text
    assert client.get(f"/api/v1/matching-runs/{run['id']}/needs/999/excluded").status_code == 404
    assert client.get(f"/api/v1/matching-runs/999/needs/{turkish}/excluded").status_code == 404


# --------------------------------------------------------------------------- wishes

WISHES = {
    "wish_genders": ["female"],
    "wish_languages": ["tr"],
    "wish_sectors": ["zorg"],
    "wish_locality": "local",
    "wish_mode": "in_person",
    "hard_wishes": ["gender"],
    "client_chooses": True,
}


def test_a_client_files_a_request_with_its_wishes_and_reads_them_back(
    client: TestClient,
) -> None:
    _login(client, "hr@zorg.nl")
    filed = client.post("/api/v1/needs", json=request_body(**WISHES))
    assert filed.status_code == 201, filed.text
    need = client.get(f"/api/v1/needs/{filed.json()['id']}").json()
    assert {key: need[key] for key in WISHES} == WISHES


@pytest.mark.parametrize(
    ("wishes", "field"),
    [
        ({"wish_genders": ["robot"]}, "wish_genders"),
        ({"hard_wishes": ["height"]}, "hard_wishes"),
        ({"wish_languages": ["xx"]}, "wish_languages"),
        ({"wish_sectors": ["ruimtevaart"]}, "wish_sectors"),
        ({"wish_locality": "local", "wish_mode": "remote"}, "wish_locality"),
    ],
)
def test_a_wish_that_cannot_be_met_is_refused_naming_its_field(
    client: TestClient, wishes: dict[str, object], field: str
) -> None:
    _login(client, "hr@zorg.nl")
    refused = client.post("/api/v1/needs", json=request_body(**wishes))
    assert refused.status_code == 422, refused.text
    assert [error["field"] for error in refused.json()["errors"]] == [field]


def test_a_hard_gender_wish_leaves_only_that_gender_in_the_quick_match(
    client: TestClient, ids: dict[str, int]
) -> None:
    _login(client, "planner@example.nl")
    url = f"/api/v1/needs/{ids['school']}"
    before = client.get(f"{url}/quick-match").json()
    assert [c["name"] for c in before["candidates"]] == ["Bram Jansen", "Anna Jansen"]
    soft = client.patch(url, json={"wish_genders": ["female"]})
    assert soft.status_code == 200, soft.text
    still = client.get(f"{url}/quick-match").json()
    assert {c["name"] for c in still["candidates"]} == {"Bram Jansen", "Anna Jansen"}
    hard = client.patch(url, json={"hard_wishes": ["gender"]})
    assert hard.status_code == 200, hard.text
    after = client.get(f"{url}/quick-match").json()
    assert [c["name"] for c in after["candidates"]] == ["Anna Jansen"]
    assert after["ineligible"] == {"travel_distance": 1, "hard_wishes": 1}


def test_remote_help_lifts_the_travel_limit(client: TestClient, ids: dict[str, int]) -> None:
    _login(client, "planner@example.nl")
    url = f"/api/v1/needs/{ids['school']}"
    assert client.patch(url, json={"wish_mode": "remote"}).status_code == 200
    after = client.get(f"{url}/quick-match").json()
    assert len(after["candidates"]) == 3
    assert after["ineligible"] == {}
