"""Trust persons over HTTP: the pool for planners, one's own record for a trust person."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import trust_person_data
from tests.integration.api.world import World, in_days, seed_world
from vppool.api import create_app
from vppool.db.models import AuditEntry
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


def test_planner_creates_lists_filters_sorts_and_pages_trust_persons(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    created = client.post(
        "/api/v1/trust-persons",
        json=trust_person_data(
            first_name="Dilara",
            last_name="Demir",
            languages=["nl", "tr"],
            scopes=["integrity"],
            home_municipality="Amersfoort",
        ),
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["languages"] == ["nl", "tr"]

    everyone = client.get("/api/v1/trust-persons", headers=headers).json()
    assert everyone["total"] == 4
    assert [p["last_name"] for p in everyone["items"]] == ["Aalders", "Bakker", "Claassen", "Demir"]
    turkish = client.get("/api/v1/trust-persons", params={"language": "tr"}, headers=headers)
    assert [p["last_name"] for p in turkish.json()["items"]] == ["Demir"]
    found = client.get(
        "/api/v1/trust-persons",
        params={"scope": "integrity", "municipality": "amersfoort", "search": "dila"},
        headers=headers,
    ).json()
    assert [p["id"] for p in found["items"]] == [created.json()["id"]]
    page = client.get(
        "/api/v1/trust-persons",
        params={"sort": "-last_name", "offset": 1, "limit": 2},
        headers=headers,
    ).json()
    assert (page["total"], page["offset"], page["limit"]) == (4, 1, 2)
    assert [p["last_name"] for p in page["items"]] == ["Claassen", "Bakker"]


def test_invalid_trust_person_is_one_422_naming_every_field(
    client: TestClient, world: World
) -> None:
    response = client.post(
        "/api/v1/trust-persons",
        json={
            "first_name": "Eva",
            "email": "not-an-address",
            "languages": ["nl", "klingon"],
            "home_latitude": 40.0,
            "home_longitude": 5.0,
            "home_municipality": "Utrecht",
            "colour": "blue",
        },
        headers=world.auth("planner"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _fields(response) == {
        "last_name",
        "email",
        "languages",
        "home_latitude",
        "colour",
    }


def test_an_e_mail_address_in_use_is_refused_on_its_field(client: TestClient, world: World) -> None:
    taken = client.get(
        f"/api/v1/trust-persons/{world['vp2']}", headers=world.auth("planner")
    ).json()["email"]
    response = client.patch(
        f"/api/v1/trust-persons/{world['vp1']}",
        json={"email": taken},
        headers=world.auth("planner"),
    )
    assert response.status_code == 422
    assert _fields(response) == {"email"}


def test_a_trust_person_sees_and_edits_their_own_contact_details_and_capacity(
    client: TestClient, world: World
) -> None:
    headers = world.auth("trust_person")
    url = f"/api/v1/trust-persons/{world['vp1']}"
    own = client.get(url, headers=headers).json()
    assert own["birth_year"] == 1975  # their own self-declared attributes
    changed = client.patch(
        url,
        json={"phone": "06-11112222", "capacity_hours_per_month": 24, "max_travel_km": 30},
        headers=headers,
    )
    assert changed.status_code == 200
    assert (changed.json()["phone"], changed.json()["capacity_hours_per_month"]) == (
        "06-11112222",
        24,
    )


def test_a_trust_person_may_not_change_what_planners_keep(client: TestClient, world: World) -> None:
    headers = world.auth("trust_person")
    url = f"/api/v1/trust-persons/{world['vp1']}"
    refused = client.patch(url, json={"scopes": ["integrity"], "active": False}, headers=headers)
    assert refused.status_code == 403
    assert "active, scopes" in refused.json()["detail"]
    # a whole profile form sends unchanged kept fields along: that is fine
    form = client.get(url, headers=headers).json()
    editable = {
        key: value for key, value in form.items() if key not in {"id", "created_at", "updated_at"}
    }
    assert client.patch(url, json={**editable, "phone": "0301"}, headers=headers).status_code == 200


def test_erasing_sensitive_attributes_keeps_their_values_out_of_the_audit_log(
    client: TestClient, world: World, engine: Engine
) -> None:
    response = client.delete(
        f"/api/v1/trust-persons/{world['vp1']}/sensitive-attributes",
        headers=world.auth("trust_person"),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["gender"], body["birth_year"], body["background_tags"]) == (None, None, [])
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "trust_person_sensitive_attributes_erased"
            )
        ).one()
    assert entry.actor_user_id == world["user_trust_person"]
    assert entry.details["fields"] == ["background_tags", "birth_year", "gender"]
    assert "1975" not in str(entry.details)


def test_deactivating_and_deleting_a_trust_person(client: TestClient, world: World) -> None:
    headers = world.auth("planner")
    deactivated = client.post(f"/api/v1/trust-persons/{world['vp3']}/deactivate", headers=headers)
    assert deactivated.json()["active"] is False
    inactive = client.get("/api/v1/trust-persons", params={"active": False}, headers=headers)
    assert [p["id"] for p in inactive.json()["items"]] == [world["vp3"]]
    back = client.post(f"/api/v1/trust-persons/{world['vp3']}/reactivate", headers=headers)
    assert (back.status_code, back.json()["active"]) == (200, True)
    client.post(f"/api/v1/trust-persons/{world['vp3']}/deactivate", headers=headers)
    used = client.delete(f"/api/v1/trust-persons/{world['vp1']}", headers=headers)
    assert used.status_code == 409
    assert "deactivate" in used.json()["detail"]
    assert (
        client.delete(f"/api/v1/trust-persons/{world['vp3']}", headers=headers).status_code == 204
    )
    gone = client.get(f"/api/v1/trust-persons/{world['vp3']}", headers=headers)
    assert gone.status_code == 404


def test_weekly_availability_is_replaced_as_a_whole(client: TestClient, world: World) -> None:
    url = f"/api/v1/trust-persons/{world['vp1']}/weekly-availability"
    headers = world.auth("trust_person")
    schedule = [
        {"weekday": 2, "start_time": "13:00", "end_time": "17:00"},
        {"weekday": 2, "start_time": "09:00", "end_time": "13:00"},
    ]
    replaced = client.put(url, json=schedule, headers=headers)
    assert replaced.status_code == 200
    assert [(r["weekday"], r["start_time"]) for r in replaced.json()] == [
        (2, "09:00:00"),
        (2, "13:00:00"),
    ]
    overlapping = client.put(
        url,
        json=[*schedule, {"weekday": 2, "start_time": "12:00", "end_time": "14:00"}],
        headers=headers,
    )
    assert overlapping.status_code == 422
    assert _fields(overlapping) == {"ranges[2].start_time", "ranges[0].start_time"}
    assert len(client.get(url, headers=headers).json()) == 2  # left as it was
    assert client.put(url, json=[], headers=headers).json() == []


def test_records_of_a_trust_person(client: TestClient, world: World) -> None:
    base = f"/api/v1/trust-persons/{world['vp1']}"
    headers = world.auth("trust_person")
    certificates = client.get(f"{base}/certifications", headers=headers).json()
    assert [c["id"] for c in certificates] == [world["cert1"], world["cert1_spare"]]
    absence = client.post(
        f"{base}/absences",
        json={
            "kind": "sick",
            "starts_on": in_days(3).isoformat(),
            "ends_on": in_days(5).isoformat(),
        },
        headers=headers,
    )
    assert absence.status_code == 201
    backwards = client.patch(
        f"{base}/absences/{absence.json()['id']}",
        json={"ends_on": in_days(2).isoformat()},
        headers=headers,
    )
    assert backwards.status_code == 422
    assert _fields(backwards) == {"ends_on"}
    day_off = client.post(
        f"{base}/date-overrides", json={"on_date": in_days(20).isoformat()}, headers=headers
    )
    assert day_off.status_code == 422  # the seeded override already makes it a day off
    education = client.post(
        f"{base}/education-records",
        json={"category": "other", "title": "Boek", "hours": 0, "completed_on": "2026-01-01"},
        headers=headers,
    )
    assert education.status_code == 422
    assert _fields(education) == {"hours"}
    refused = client.delete(f"{base}/education-records/{world['edu1']}", headers=headers)
    assert refused.status_code == 403  # planners keep the hours that count for compliance


def test_clients_see_no_trust_person_records(client: TestClient, world: World) -> None:
    headers = world.auth("client")
    assert client.get("/api/v1/trust-persons", headers=headers).status_code == 403
    response = client.get(f"/api/v1/trust-persons/{world['vp1']}", headers=headers)
    assert response.status_code == 403
