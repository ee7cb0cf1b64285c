"""Intervision over HTTP: forming groups, planning sessions, attendance and education input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbutil import table_counts
from tests.factories import make_certification, make_trust_person, make_weekly_hours
from tests.integration.api.world import World, in_days, seed_world, today
from tests.queue import drain_app
from vppool.api import create_app
from vppool.db.models import IntervisionGroup, IntervisionMember
from vppool.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _fields(response: Response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _finished(client: TestClient, started: Response, headers: dict[str, str]) -> dict[str, Any]:
    """Run the queued intervision run to its end and read it."""
    assert started.status_code == 202, started.text
    url = f"/api/v1/intervision-runs/{started.json()['id']}"
    drain_app(client.app)
    body: dict[str, Any] = client.get(url, headers=headers).json()
    return body


def test_a_planner_forms_next_years_groups_and_gets_the_explanation(
    client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        for number in range(7):
            vp = make_trust_person(session, first_name=f"Extra{number}")
            make_certification(session, trust_person=vp)
            make_weekly_hours(session, vp, weekdays=(0,))
        session.commit()
    headers = world.auth("planner")
    year = today().year + 1
    started = client.post(
        "/api/v1/intervision-groups/formations",
        json={"year": year, "time_limit_s": 5},
        headers=headers,
    )
    assert started.json()["status"] == "queued"
    run = _finished(client, started, headers)
    assert run["status"] == "succeeded", run
    body = run["report"]
    assert body["status"] in {"OPTIMAL", "FEASIBLE"}
    assert body["best_bound"] <= body["objective"]
    assert body["members"] == 9  # VP 1 and 2 of the world and the seven above
    assert {left["trust_person_id"] for left in body["left_out"]} == {world["vp3"]}
    sizes = [len(g["group"]["members"]) for g in body["groups"]]
    assert sum(sizes) == 9
    assert all(4 <= size <= 6 for size in sizes)
    assert {"mean_travel_km", "seasoned_members", "genders", "repeated_pairs"} <= set(
        body["groups"][0]
    )
    listed = client.get("/api/v1/intervision-groups", params={"year": year}, headers=headers)
    assert listed.json()["total"] == len(body["groups"])


def test_a_planner_stops_a_queued_formation_and_nothing_of_it_runs_or_is_kept(
    client: TestClient, world: World, engine: Engine
) -> None:
    headers = world.auth("planner")
    started = client.post(
        "/api/v1/intervision-groups/formations",
        json={"year": today().year + 1, "time_limit_s": 5},
        headers=headers,
    )
    url = f"/api/v1/intervision-runs/{started.json()['id']}"
    assert client.delete(url, headers=world.auth("trust_person")).status_code == 403
    before = table_counts(engine)
    stopped = client.delete(url, headers=headers)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["status"] == "cancelled"
    assert drain_app(client.app) == 0  # its job was cancelled with it
    assert client.get(url, headers=headers).json()["status"] == "cancelled"
    after = table_counts(engine)
    assert after["intervision_group"] == before["intervision_group"]
    again = client.delete(url, headers=headers)
    assert again.status_code == 409
    assert "only a queued or running run stops" in again.json()["detail"]


def test_forming_again_after_the_groups_met_keeps_their_rows_and_says_what_changed(
    client: TestClient, world: World
) -> None:
    headers = world.auth("admin")
    run = _finished(
        client,
        client.post(
            "/api/v1/intervision-groups/formations", json={"year": today().year}, headers=headers
        ),
        headers,
    )
    assert run["status"] == "succeeded", run
    report = run["report"]
    # Both groups met with two members; the pool is too small to top them up to four, so
    # they are dissolved: their rows and the sessions they held stay, and it is said why.
    assert sorted(report["dissolved_group_ids"]) == sorted([world["ig1"], world["ig2"]])
    said = [change["reason"] for change in report["changes"]]
    assert "Intervisiegroep ig1 dissolved: 0 of 2 members left" in said
    assert all(change["message"] for change in report["changes"])
    group = client.get(f"/api/v1/intervision-groups/{world['ig1']}", headers=headers)
    assert group.status_code == 200
    assert group.json()["members"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({"year": 1999}, "year"), ({"year": 2027, "colour": "red"}, "colour"), ({}, "year")],
)
def test_a_bad_formation_request_answers_422_naming_the_field(
    client: TestClient, world: World, body: dict[str, object], field: str
) -> None:
    response = client.post(
        "/api/v1/intervision-groups/formations", json=body, headers=world.auth("planner")
    )
    assert response.status_code == 422
    assert field in _fields(response)


def test_a_trust_person_sees_their_own_group_only(client: TestClient, world: World) -> None:
    headers = world.auth("trust_person")
    groups = client.get("/api/v1/intervision-groups", headers=headers).json()
    assert [g["id"] for g in groups["items"]] == [world["ig1"]]
    assert {m["trust_person_id"] for m in groups["items"][0]["members"]} == {
        world["vp1"],
        world["vp2"],
    }
    assert (
        client.get(f"/api/v1/intervision-groups/{world['ig2']}", headers=headers).status_code == 404
    )
    sessions = client.get("/api/v1/intervision-sessions", headers=headers).json()
    assert [s["id"] for s in sessions["items"]] == [world["ig1_session"]]
    other = client.get(
        f"/api/v1/intervision-sessions/{world['ig2_session']}/attendance", headers=headers
    )
    assert other.status_code == 404
    client_view = client.get("/api/v1/intervision-groups", headers=world.auth("client"))
    assert client_view.status_code == 403


def test_attendance_gives_intervision_hours_in_the_education_records(
    client: TestClient, world: World
) -> None:
    headers = world.auth("trust_person")
    url = f"/api/v1/intervision-sessions/{world['ig1_session']}/attendance/{world['vp1']}"
    recorded = client.put(url, json={"attended": True}, headers=headers)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["hours"] == 2.0
    records = client.get(
        f"/api/v1/trust-persons/{world['vp1']}/education-records", headers=headers
    ).json()
    intervision = [r for r in records if r["category"] == "intervision"]
    assert len(intervision) == 1
    assert intervision[0]["hours"] == 2.0
    assert intervision[0]["intervision_session_id"] == world["ig1_session"]
    assert intervision[0]["completed_on"] == in_days(-7).isoformat()
    # Recording for another member is the planner's job: the trust person gets 404.
    other = f"/api/v1/intervision-sessions/{world['ig1_session']}/attendance/{world['vp2']}"
    assert client.put(other, json={"attended": True}, headers=headers).status_code == 404


def test_attendance_for_a_vp_outside_the_group_answers_422_and_stores_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = table_counts(engine)
    response = client.put(
        f"/api/v1/intervision-sessions/{world['ig1_session']}/attendance/{world['vp3']}",
        json={"attended": True},
        headers=world.auth("planner"),
    )
    assert response.status_code == 422
    assert _fields(response) == {"trust_person_id"}
    assert "not a member" in response.json()["detail"]
    assert table_counts(engine) == before


def test_scheduling_a_group_answers_each_window_with_a_session_or_a_reason(
    client: TestClient, world: World, engine: Engine
) -> None:
    headers = world.auth("planner")
    response = client.post(f"/api/v1/intervision-groups/{world['ig2']}/schedule", headers=headers)
    assert response.status_code == 200, response.text
    windows = response.json()["groups"][0]["windows"]
    assert len(windows) == 4
    for window in windows:
        assert (window["session"] is None) != (window["reason"] is None)
    # The session of a week ago took place and stays; the windows before it are over.
    assert windows[-1]["kept"]
    assert windows[-1]["session"]["id"] == world["ig2_session"]
    assert "ended before planning" in windows[0]["reason"]

    with Session(engine) as session:
        group = IntervisionGroup(name="Volgend jaar", year=today().year + 1)
        session.add(group)
        session.flush()
        for vp in ("vp2", "vp3"):
            session.add(IntervisionMember(group_id=group.id, trust_person_id=world[vp]))
        session.commit()
        group_id = group.id
    response = client.post(f"/api/v1/intervision-groups/{group_id}/schedule", headers=headers)
    body = response.json()
    assert (body["planned"], body["without_time"]) == (0, 4)
    # VP 3 keeps no weekly hours, so no window has common time.
    assert all("has no free 2 h at all" in w["reason"] for w in body["groups"][0]["windows"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": -1}, "hours"),
        ({"hours": 25}, "hours"),
        ({"hours": 17, "completed_on": "2026-03-01"}, "hours"),  # 8 h already that day
        ({"completed_on": "FUTURE"}, "completed_on"),
    ],
)
def test_bad_education_input_answers_422_naming_the_field_and_stores_nothing(
    client: TestClient, world: World, engine: Engine, body: dict[str, object], field: str
) -> None:
    record: dict[str, object] = {
        "category": "other",
        "title": "Vakliteratuur",
        "hours": 2,
        "completed_on": in_days(-1).isoformat(),
        **body,
    }
    if record["completed_on"] == "FUTURE":
        record["completed_on"] = (today() + timedelta(days=2)).isoformat()
    before = table_counts(engine)
    response = client.post(
        f"/api/v1/trust-persons/{world['vp1']}/education-records",
        json=record,
        headers=world.auth("trust_person"),
    )
    assert response.status_code == 422, response.text
    assert _fields(response) == {field}
    assert table_counts(engine) == before
