"""Calendar sources over HTTP: upload and link, refused files, health, and the busy time
reaching the VP's availability feed and the client team's feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar
from litestar.testing import TestClient
from pytest_httpserver import HTTPServer
from sqlalchemy.engine import Engine

from tests.integration.api.world import World, in_days, seed_world
from tests.queue import drain_app
from vppool.api import create_app
from vppool.settings import Settings

pytestmark = pytest.mark.integration


def ics_with_block(day: datetime, hours: int = 2) -> bytes:
    start = day.strftime("%Y%m%dT%H%M%SZ")
    end = (day + timedelta(hours=hours)).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:b1\r\n"
        f"DTSTAMP:20261101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:Tandarts\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


#: A Monday morning 9 days ahead (VP 1 works Mondays 09:00-17:00 in the world).
MONDAY = in_days(9 + (7 - in_days(9).weekday()) % 7)
BLOCK_START = datetime(MONDAY.year, MONDAY.month, MONDAY.day, 9, 0, tzinfo=UTC)


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    local = settings.model_copy(
        update={"calendar_fetch_allow": ["127.0.0.1"], "calendar_refresh_cooldown_s": 0}
    )
    with TestClient(create_app(local, engine=engine)) as client:
        yield client


def upload(
    client: TestClient, world: World, content: bytes, kind: str = "text/calendar", **form: str
) -> httpx.Response:
    return client.post(
        f"/api/v1/trust-persons/{world['vp1']}/calendar-sources/upload",
        files={"file": ("agenda.ics", content, kind)},
        data=form,
        headers=world.auth("trust_person"),
    )


def busy_events(body: bytes) -> list[tuple[datetime, datetime, str]]:
    return [
        (e.decoded("DTSTART"), e.decoded("DTEND"), str(e.get("SUMMARY")))
        for e in Calendar.from_ical(body).walk("VEVENT")
    ]


def test_an_uploaded_calendar_blocks_time_in_the_vp_and_team_feeds(
    client: TestClient, world: World
) -> None:
    response = upload(client, world, ics_with_block(BLOCK_START), label="Privé")
    assert response.status_code == 202, response.text
    queued = response.json()
    assert (queued["health"], queued["reading"], queued["event_count"]) == ("pending", True, 0)
    where = f"/api/v1/trust-persons/{world['vp1']}/calendar-sources/{queued['id']}"
    assert response.headers["Location"] == where
    assert drain_app(client.app) == 1  # what `vppool worker` does
    source = client.get(where, headers=world.auth("trust_person")).json()
    assert (source["label"], source["kind"], source["health"]) == ("Privé", "upload", "ok")
    assert (source["event_count"], source["reading"]) == (1, False)

    own = client.post(
        "/api/v1/feed-tokens",
        json={"kind": "vp_availability", "trust_person_id": world["vp1"]},
        headers=world.auth("trust_person"),
    ).json()
    body = client.get("/" + own["https_url"].split("/", 3)[3]).content
    busy = [(s, e) for s, e, summary in busy_events(body) if summary == "Bezet"]
    assert (BLOCK_START, BLOCK_START + timedelta(hours=2)) in busy
    assert b"Tandarts" not in body  # only busy/free, never what it is

    team = client.post(
        "/api/v1/feed-tokens",
        json={"kind": "organisation_availability", "organisation_id": world["org1"]},
        headers=world.auth("client"),
    ).json()
    team_body = client.get("/" + team["https_url"].split("/", 3)[3]).content
    anna_busy = [(s, e) for s, e, summary in busy_events(team_body) if summary == "Anna: bezet"]
    assert (BLOCK_START, BLOCK_START + timedelta(hours=2)) in anna_busy
    assert b"Tandarts" not in team_body


def uploaded(client: TestClient, world: World) -> dict[str, object]:
    """A file uploaded and read: the source as the API shows it after."""
    first = upload(client, world, ics_with_block(BLOCK_START)).json()
    drain_app(client.app)
    return first


def source_of(client: TestClient, world: World, source_id: object) -> dict[str, object]:
    return client.get(  # type: ignore[no-any-return]
        f"/api/v1/trust-persons/{world['vp1']}/calendar-sources/{source_id}",
        headers=world.auth("trust_person"),
    ).json()


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (b"%PDF-1.7 not a calendar", "application/pdf", "application/pdf, not a calendar"),
        (b"", "text/calendar", "empty"),
    ],
    ids=["pdf", "empty"],
)
def test_an_upload_refused_at_once_says_why_and_keeps_the_previous_one(
    client: TestClient, world: World, content: bytes, kind: str, message: str
) -> None:
    first = uploaded(client, world)
    response = upload(client, world, content, kind, source_id=str(first["id"]))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "file"
    assert message in problem["errors"][0]["message"]
    assert drain_app(client.app) == 0  # nothing was queued
    kept = source_of(client, world, first["id"])
    assert (kept["event_count"], kept["health"]) == (1, "ok")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\x03" * 1000, "binary data"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261", "looks cut off"),
    ],
    ids=["binary", "cut-off"],
)
def test_a_file_the_worker_cannot_read_shows_why_and_keeps_the_previous_one(
    client: TestClient, world: World, content: bytes, message: str
) -> None:
    first = uploaded(client, world)
    response = upload(client, world, content, source_id=str(first["id"]))
    assert response.status_code == 202, response.text
    assert response.json()["reading"] is True
    assert drain_app(client.app) == 1
    kept = source_of(client, world, first["id"])
    assert (kept["event_count"], kept["health"], kept["reading"]) == (1, "error", False)
    assert message in str(kept["last_error"])


def test_a_file_over_the_limit_is_refused_with_the_limit_named(
    client: TestClient, world: World
) -> None:
    content = b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    response = upload(client, world, content)
    assert response.status_code == 422, response.text
    assert "larger than the limit of 10 MB" in response.text


def test_link_refresh_and_health_over_http(
    client: TestClient, world: World, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/anna.ics").respond_with_data(
        ics_with_block(BLOCK_START), content_type="text/calendar"
    )
    base = f"/api/v1/trust-persons/{world['vp1']}/calendar-sources"
    headers = world.auth("trust_person")
    refused = client.post(base, json={"kind": "url", "url": "file:///etc/passwd"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "url"
    linked = client.post(
        base,
        json={"kind": "url", "url": httpserver.url_for("/anna.ics"), "label": "Outlook"},
        headers=headers,
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["health"] == "pending"
    drain_app(client.app)  # its first read was queued with it
    url = f"{base}/{linked.json()['id']}"
    refreshed = client.get(url, headers=headers).json()
    assert refreshed["health"] == "ok"
    assert refreshed["event_count"] == 1
    assert refreshed["last_success_at"] is not None

    httpserver.clear()
    httpserver.expect_request("/anna.ics").respond_with_data("gone", status=410)
    asked = client.post(f"{url}/refresh", headers=headers)
    assert asked.status_code == 202, asked.text
    assert len(httpserver.log) == 0  # read by a worker, not in the request
    drain_app(client.app)
    failed = client.get(url, headers=headers).json()
    assert failed["health"] == "error"
    assert "410" in failed["last_error"]
    assert failed["last_error_words"] == {
        "message_id": "the calendar server answered {status} {reason}",
        "params": {"status": 410, "reason": "GONE"},  # as the test server words it
    }
    listed = client.get(base, headers=headers).json()
    assert {s["id"]: s["health"] for s in listed}[linked.json()["id"]] == "error"


def test_asking_for_a_refresh_twice_within_a_minute_answers_429(
    settings: Settings, engine: Engine, world: World, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(
        ics_with_block(BLOCK_START), content_type="text/calendar"
    )
    local = settings.model_copy(update={"calendar_fetch_allow": ["127.0.0.1"]})
    base = f"/api/v1/trust-persons/{world['vp1']}/calendar-sources"
    headers = world.auth("trust_person")
    with TestClient(create_app(local, engine=engine)) as client:
        source = client.post(
            base, json={"kind": "url", "url": httpserver.url_for("/a.ics")}, headers=headers
        ).json()
        drain_app(client.app)  # the first read, queued when it was linked
        again = client.post(f"{base}/{source['id']}/refresh", headers=headers)
    assert again.status_code == 429
    assert 0 < int(again.headers["Retry-After"]) <= 60
    assert "try again in" in again.json()["detail"]
    assert len(httpserver.log) == 1


def test_odd_multipart_input_answers_4xx(client: TestClient, world: World) -> None:
    url = f"/api/v1/trust-persons/{world['vp1']}/calendar-sources/upload"
    headers = world.auth("trust_person")
    good = ics_with_block(BLOCK_START)
    boundary = "xyz"
    latin1 = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\n'.encode()
        + "Privé".encode("latin-1")
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="a.ics"\r\nContent-Type: text/calendar\r\n\r\n'.encode()
        + good
        + f"\r\n--{boundary}--\r\n".encode()
    )
    cases = {
        "no file": client.post(url, data={"label": "x"}, headers=headers),
        "source id not a number": client.post(
            url, files={"file": ("a.ics", good, "text/calendar")}, data={"source_id": "x"},
            headers=headers,
        ),
        "label with NUL": client.post(
            url, files={"file": ("a.ics", good, "text/calendar")}, data={"label": "a\x00b"},
            headers=headers,
        ),
        "label not UTF-8": client.post(
            url,
            content=latin1,
            headers=headers | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        ),
    }  # fmt: skip
    for name, response in cases.items():
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), name
