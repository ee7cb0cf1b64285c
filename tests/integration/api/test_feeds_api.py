"""Feeds over HTTP: the VP sees a confirmed assignment, the client team feed shows the VP,
304 on unchanged data, revoked links answer 404, short https and webcal links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.seed import seed_small_pool
from vppool.api import create_app
from vppool.db.models import WeeklyAvailability
from vppool.services import access, matching
from vppool.settings import Settings

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


@pytest.fixture(name="ids")
def fx_ids(engine: Engine, settings: Settings) -> dict[str, int]:
    ids = seed_small_pool(engine)
    with Session(engine) as session:
        for vp_id in (ids["anna"], ids["bram"], ids["cees"]):
            for weekday in range(5):
                session.add(
                    WeeklyAvailability(
                        trust_person_id=vp_id,
                        weekday=weekday,
                        start_time=time(9, 0),
                        end_time=time(17, 0),
                    )
                )
        access.create_user(
            session, email="pim@provider.nl", display_name="Pim", role="planner", password=PASSWORD
        )
        access.create_user(
            session,
            email="anna@vp.nl",
            display_name="Anna",
            role="trust_person",
            trust_person_id=ids["anna"],
            password=PASSWORD,
        )
        access.create_user(
            session,
            email="hr@school.nl",
            display_name="HR",
            role="client",
            organisation_id=2,
            password=PASSWORD,
        )
        session.commit()
    return ids


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, ids: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _login(client: TestClient, email: str) -> None:
    client.cookies.clear()
    assert (
        client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code
        == 201
    )


def _summaries(body: bytes) -> list[str]:
    return [str(event.get("SUMMARY")) for event in Calendar.from_ical(body).walk("VEVENT")]


def test_request_to_feed_workflow(
    client: TestClient, engine: Engine, settings: Settings, ids: dict[str, int]
) -> None:
    _login(client, "anna@vp.nl")
    mine = client.post(
        "/api/v1/feed-tokens", json={"kind": "vp_schedule", "trust_person_id": ids["anna"]}
    )
    assert mine.status_code == 201
    link = mine.json()
    assert link["webcal_url"].startswith("webcal://")
    path = "/" + link["https_url"].split("/", 3)[3]
    assert len(link["https_url"]) < 100
    before = client.get(path)
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/calendar")
    assert not [s for s in _summaries(before.content) if "School" in s]

    # A planner matches and confirms; Anna's own feed then shows the assignment.
    _login(client, "pim@provider.nl")
    with Session(engine) as session:
        run = matching.start_run(session, settings, overrides={"time_limit_s": 5, "workers": 1})
        session.commit()
    matching.execute_run(engine, settings, run.id)
    assert client.post(f"/api/v1/matching-runs/{run.id}/confirm", json={}).status_code == 200
    after = client.get(path)
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert any("Zorg Utrecht" in s for s in _summaries(after.content))

    # Unchanged data: 304 by ETag and by date.
    assert client.get(path, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    since = {"If-Modified-Since": after.headers["last-modified"]}
    assert client.get(path, headers=since).status_code == 304

    # The client's team feed shows their VP by first name, never another client.
    _login(client, "hr@school.nl")
    team = client.post(
        "/api/v1/feed-tokens", json={"kind": "organisation_availability", "organisation_id": 2}
    )
    assert team.status_code == 201
    team_body = client.get("/" + team.json()["https_url"].split("/", 3)[3]).content
    summaries = _summaries(team_body)
    assert summaries
    assert {s.split(":")[0] for s in summaries} == {"Bram"}
    assert all("Zorg" not in s for s in summaries)

    # A revoked link answers 404.
    _login(client, "anna@vp.nl")
    token_id = link["token"]["id"]
    assert client.delete(f"/api/v1/feed-tokens/{token_id}").status_code == 200
    assert client.get(path).status_code == 404


def test_unknown_feed_answers_404_not_500(client: TestClient) -> None:
    assert client.get("/feeds/unknown.ics").status_code == 404
    assert client.get("/feeds/" + "x" * 500 + ".ics").status_code == 400  # absurd length
    assert client.get("/feeds/no-suffix").status_code == 404
