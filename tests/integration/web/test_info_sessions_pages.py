"""Information sessions on the web: the client contact requests one (errors next to their
fields), the planner books a proposed time, the VP sees it; Dutch by default, English too."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import InfoSession
from vppool.vocab import InfoSessionKind, InfoSessionStatus

pytestmark = pytest.mark.integration


def _request(client: TestClient, world: World, **overrides: str) -> object:
    page = client.get(f"{WEB}/sessions")
    form = {
        "_csrf_token": csrf_of(page.text),
        "form_key": re.search(r'name="form_key" value="([^"]+)"', page.text).group(1),  # type: ignore[union-attr]
        "kind": "information",
        "site_id": str(world["site1"]),
        "starts_on": in_days(22).isoformat(),
        "last_day": in_days(49).isoformat(),
        "duration_minutes": "60",
        "audience": "30",
        "language": "nl",
        "preferred_trust_person_id": str(world["vp1"]),
        **overrides,
    }
    return client.post(f"{WEB}/sessions", data=form)


def test_a_client_requests_and_a_planner_books_a_proposed_time(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "client")
    page = app_client.get(f"{WEB}/sessions")
    assert "Een bijeenkomst aanvragen" in page.text
    assert f'<option value="{world["vp1"]}" selected>' in page.text  # their own VP by default
    for field, value in (("last_day", in_days(10).isoformat()), ("duration_minutes", "5")):
        refused = _request(app_client, world, **{field: value})
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert f'id="{field}-error"' in refused.text  # type: ignore[attr-defined]
        assert f'value="{value}"' in refused.text  # type: ignore[attr-defined]
    filed = _request(app_client, world)
    assert filed.status_code == 200  # type: ignore[attr-defined]
    assert "Uw aanvraag is verstuurd" in filed.text  # type: ignore[attr-defined]
    found = re.search(r'id="session-(\d+)"', filed.text)  # type: ignore[attr-defined]
    assert found
    item = f"{WEB}/sessions/{found.group(1)}"
    assert "Voorgestelde tijden" not in app_client.get(item).text  # the planner picks
    app_client.cookies.clear()
    login(app_client, world, "planner")
    detail = app_client.get(item)
    assert detail.status_code == 200
    assert "Voorgestelde tijden" in detail.text
    vp = re.search(r'name="trust_person_id" value="(\d+)"', detail.text)
    start = re.search(r'name="starts_at" value="([^"]+)"', detail.text)
    assert vp
    assert start
    assert vp.group(1) == str(world["vp1"])  # the preferred VP first
    booked = app_client.post(
        item + "/book",
        data={
            "_csrf_token": csrf_of(detail.text),
            "trust_person_id": vp.group(1),
            "starts_at": start.group(1),
        },
    )
    assert booked.status_code == 200
    assert "De bijeenkomst is ingepland" in booked.text
    assert "Anna Aalders" in booked.text
    again = app_client.post(
        item + "/book",
        data={"_csrf_token": csrf_of(detail.text), "trust_person_id": vp.group(1)},
    )
    assert again.status_code == 422
    assert "Kies een van de voorgestelde tijden." in again.text
    app_client.cookies.clear()
    login(app_client, world, "trust_person")
    mine = app_client.get(f"{WEB}/sessions")
    assert f'id="session-{found.group(1)}"' in mine.text
    app_client.cookies.set("vppool_lang", "en")
    english = app_client.get(item)
    assert "Information session" in english.text
    assert "Cancel the session" not in english.text  # a VP does not cancel


def test_another_client_does_not_see_the_session(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    filed = _request(app_client, world)
    found = re.search(r'id="session-(\d+)"', filed.text)  # type: ignore[attr-defined]
    assert found
    app_client.cookies.clear()
    app_client.cookies.set("vppool_session", world.tokens["client2"])
    assert app_client.get(f"{WEB}/sessions/{found.group(1)}").status_code == 404
    assert f'id="session-{found.group(1)}"' not in app_client.get(f"{WEB}/sessions").text


def test_the_vps_week_lists_a_booked_session(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    starts_at = datetime.combine(in_days(2), time(14), tzinfo=ZoneInfo("Europe/Amsterdam"))
    with Session(engine) as session:
        session.add(
            InfoSession(
                kind=InfoSessionKind.TEAM_MEETING,
                organisation_id=world["org1"],
                site_id=world["site1"],
                starts_on=in_days(1),
                ends_on=in_days(5),
                duration_minutes=45,
                status=InfoSessionStatus.BOOKED,
                trust_person_id=world["vp1"],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=45),
                travel_minutes=20,
            )
        )
        session.commit()
    login(app_client, world, "trust_person")
    week = app_client.get(f"{WEB}/me").text
    assert "Teamoverleg, Zorggroep Een" in week
    assert "20 minuten reistijd per kant" in week
    app_client.cookies.clear()
    login(app_client, world, "trust_person2")
    assert "Teamoverleg, Zorggroep Een" not in app_client.get(f"{WEB}/me").text
