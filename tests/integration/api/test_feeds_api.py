"""Feeds over HTTP, end to end: a client requests cover, a planner accepts it, runs the
matcher and confirms; the covering VP's own feed shows the assignment and the client's team
feed shows that VP's busy time. Also 304 on unchanged data, revoked links answer 404, short
https and webcal links. Every step goes through the API, as the three users would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.seed import seed_small_pool
from tests.queue import drain_app
from vppool.api import create_app
from vppool.db.models import WeeklyAvailability
from vppool.services import access
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
                        start_time=clock(9, 0),
                        end_time=clock(17, 0),
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


def _feed_path(link: dict[str, object]) -> str:
    return "/" + str(link["https_url"]).split("/", 3)[3]


def _events(body: bytes) -> list[tuple[str, date, date]]:
    """Each event's summary with its first day and its (exclusive) last day."""
    found = []
    for event in Calendar.from_ical(body).walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        first = start.date() if isinstance(start, datetime) else start
        last = end.date() if isinstance(end, datetime) else end
        found.append((str(event.get("SUMMARY")), first, last))
    return found


def _timed_events(body: bytes) -> list[tuple[str, datetime, datetime]]:
    """Each event's summary with its start and end as UTC instants."""
    return [
        (
            str(event.get("SUMMARY")),
            event.decoded("DTSTART").astimezone(UTC),
            event.decoded("DTEND").astimezone(UTC),
        )
        for event in Calendar.from_ical(body).walk("VEVENT")
    ]


def _one_appointment(start: datetime, end: datetime) -> bytes:
    """A VP's own calendar with one private appointment."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//agenda//NL\r\n"
        "BEGIN:VEVENT\r\nUID:afspraak-1@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
        "SUMMARY:Afspraak tandarts\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _run_matching(client: TestClient) -> int:
    """Start a run over HTTP, poll it until it is done and return its id."""
    started = client.post("/api/v1/matching-runs", json={"time_limit_s": 5, "workers": 1})
    assert started.status_code == 202, started.text
    run_id = int(started.json()["id"])
    drain_app(client.app)
    status = client.get(f"/api/v1/matching-runs/{run_id}").json()["status"]
    assert status == "succeeded"
    return run_id


def test_request_to_feed_workflow(client: TestClient, ids: dict[str, int]) -> None:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    names = {ids["anna"]: "Anna", ids["bram"]: "Bram", ids["cees"]: "Cees"}

    # The VP subscribes to their own feed: short https and webcal links.
    _login(client, "anna@vp.nl")
    mine = client.post(
        "/api/v1/feed-tokens", json={"kind": "vp_schedule", "trust_person_id": ids["anna"]}
    )
    assert mine.status_code == 201
    link = mine.json()
    assert link["webcal_url"].startswith("webcal://")
    assert len(link["https_url"]) < 100
    anna_before = client.get(_feed_path(link))
    assert anna_before.status_code == 200
    assert anna_before.headers["content-type"].startswith("text/calendar")

    # The school's contact subscribes to their team feed and requests absence cover.
    _login(client, "hr@school.nl")
    team_link = client.post(
        "/api/v1/feed-tokens", json={"kind": "organisation_availability", "organisation_id": 2}
    ).json()
    team_before = client.get(_feed_path(team_link))
    assert team_before.status_code == 200
    assert _events(team_before.content) == []  # nobody serves the school yet
    requested = client.post(
        "/api/v1/needs",
        json={
            "kind": "absence_cover",
            "title": "Vervanging interne vertrouwenspersoon",
            "scopes": ["unwanted_behaviour"],
            "languages": ["nl"],
            "starts_on": (today + timedelta(days=14)).isoformat(),
            "ends_on": (today + timedelta(days=75)).isoformat(),
            "expected_hours_per_month": 4,
            "seats": 1,
        },
    )
    assert requested.status_code == 201, requested.text
    request_id = requested.json()["id"]
    assert requested.json()["status"] == "requested"

    # The planner accepts it, uploads each VP's own calendar (one appointment after the
    # cover period), takes schedule links for every VP, runs the matcher and confirms.
    _login(client, "pim@provider.nl")
    accepted = client.post(f"/api/v1/needs/{request_id}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "open"
    day = today + timedelta(days=100)
    appointment = (
        datetime.combine(day, clock(10), tzinfo=UTC),
        datetime.combine(day, clock(12), tzinfo=UTC),
    )
    schedules = {}
    for vp_id in names:
        uploaded = client.post(
            f"/api/v1/trust-persons/{vp_id}/calendar-sources/upload",
            files={"file": ("agenda.ics", _one_appointment(*appointment), "text/calendar")},
            data={"label": "Eigen agenda"},
        )
        assert uploaded.status_code == 202, uploaded.text
        drain_app(client.app)  # the worker reads the file
        token = client.post(
            "/api/v1/feed-tokens", json={"kind": "vp_schedule", "trust_person_id": vp_id}
        )
        schedules[vp_id] = _feed_path(token.json())
    before = {vp_id: client.get(path) for vp_id, path in schedules.items()}
    run_id = _run_matching(client)
    confirmed = client.post(f"/api/v1/matching-runs/{run_id}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    seats = client.get(
        "/api/v1/assignments", params={"need_id": request_id, "status": "confirmed"}
    ).json()["items"]
    assert len(seats) == 1
    cover = seats[0]["trust_person_id"]

    # The covering VP's own feed shows the assignment, as a new version of the feed.
    after = client.get(schedules[cover])
    assert after.status_code == 200
    assert after.headers["etag"] != before[cover].headers["etag"]
    cover_events = [e for e in _events(after.content) if "School Amersfoort" in e[0]]
    assert ("VP-inzet: School Amersfoort (vervanging)", today + timedelta(days=14)) in [
        (summary, first) for summary, first, _ in cover_events
    ]
    assert not [e for e in _events(before[cover].content) if "School Amersfoort" in e[0]]

    # Unchanged data: 304 by ETag and by date.
    assert (
        client.get(schedules[cover], headers={"If-None-Match": after.headers["etag"]}).status_code
        == 304
    )
    since = {"If-Modified-Since": after.headers["last-modified"]}
    assert client.get(schedules[cover], headers=since).status_code == 304

    # The school's team feed now shows the new VP's busy time (their appointment), by
    # first name only, and nothing of another client.
    _login(client, "hr@school.nl")
    team_after = client.get(_feed_path(team_link))
    assert team_after.headers["etag"] != team_before.headers["etag"]
    events = _timed_events(team_after.content)
    busy = [(start, end) for summary, start, end in events if summary == f"{names[cover]}: bezet"]
    assert appointment in busy, busy
    assert {summary.split(":")[0] for summary, _, _ in events} <= set(names.values())
    assert all("Zorg" not in summary and "Afspraak" not in summary for summary, _, _ in events)

    # A revoked link answers 404.
    _login(client, "anna@vp.nl")
    token_id = link["token"]["id"]
    assert client.delete(f"/api/v1/feed-tokens/{token_id}").status_code == 200
    assert client.get(_feed_path(link)).status_code == 404


def test_unknown_feed_answers_404_not_500(client: TestClient) -> None:
    assert client.get("/feeds/unknown.ics").status_code == 404
    assert client.get("/feeds/" + "x" * 500 + ".ics").status_code == 400  # absurd length
    assert client.get("/feeds/no-suffix").status_code == 404
