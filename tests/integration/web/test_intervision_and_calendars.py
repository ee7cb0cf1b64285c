"""Intervision attendance and the trust person's own calendars, through the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.queue import drain_app
from vppool.db.models import (
    CalendarSource,
    EducationRecord,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
)
from vppool.vocab import SessionStatus

pytestmark = pytest.mark.integration

ICS = Path(__file__).parents[2] / "data" / "ics"


def _group(engine: Engine, world: World) -> tuple[int, int]:
    """A group of VP 1 and VP 2 with one meeting last week."""
    held = datetime.now(UTC).replace(microsecond=0) - timedelta(days=7)
    with Session(engine) as session:
        group = IntervisionGroup(name="Groep Noord", year=held.year, meeting_place="Zwolle")
        session.add(group)
        session.flush()
        assert group.id is not None
        for vp in ("vp1", "vp2"):
            session.add(IntervisionMember(group_id=group.id, trust_person_id=world[vp]))
        meeting = IntervisionSession(
            group_id=group.id,
            starts_at=held,
            ends_at=held + timedelta(hours=2),
            status=SessionStatus.PLANNED,
        )
        session.add(meeting)
        session.commit()
        assert meeting.id is not None
        return group.id, meeting.id


def test_a_planner_records_attendance_which_gives_intervision_hours(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    group_id, meeting_id = _group(engine, world)
    login(app_client, world, "planner")
    overview = app_client.get(f"{WEB}/intervision")
    assert "Groep Noord" in overview.text
    path = f"{WEB}/intervision/groups/{group_id}/sessions/{meeting_id}"
    form = app_client.get(path)
    saved = app_client.post(
        path, data={"attended": [str(world["vp1"])], "_csrf_token": csrf_of(form.text)}
    )
    assert saved.status_code == 200
    assert "De aanwezigheid is vastgelegd." in saved.text
    with Session(engine) as session:
        hours = session.exec(
            select(EducationRecord).where(EducationRecord.intervision_session_id == meeting_id)
        ).all()
    assert [(r.trust_person_id, r.hours) for r in hours] == [(world["vp1"], 2.0)]


def test_a_trust_person_records_only_their_own_attendance(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    group_id, meeting_id = _group(engine, world)
    login(app_client, world, "trust_person")
    path = f"{WEB}/intervision/groups/{group_id}/sessions/{meeting_id}"
    form = app_client.get(path)
    assert f'value="{world["vp1"]}"' in form.text
    assert f'value="{world["vp2"]}"' not in form.text  # the other member is not theirs
    app_client.post(
        path,
        data={
            "attended": [str(world["vp1"]), str(world["vp2"])],
            "_csrf_token": csrf_of(form.text),
        },
    )
    with Session(engine) as session:
        people = {
            r.trust_person_id
            for r in session.exec(
                select(EducationRecord).where(EducationRecord.intervision_session_id == meeting_id)
            ).all()
        }
    assert people == {world["vp1"]}


def test_a_client_has_no_intervision_pages(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    assert app_client.get(f"{WEB}/intervision").status_code == 404


def test_a_trust_person_links_a_calendar_and_a_bad_address_keeps_the_form(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "trust_person")
    page = app_client.get(f"{WEB}/me/calendars")
    refused = app_client.post(
        f"{WEB}/me/calendars",
        data={
            "url": "ftp://agenda.example/kalender",
            "label": "Werk",
            "_csrf_token": csrf_of(page.text),
        },
    )
    assert refused.status_code == 422
    assert 'value="ftp://agenda.example/kalender"' in refused.text
    assert 'id="url-error"' in refused.text
    linked = app_client.post(
        f"{WEB}/me/calendars",
        data={
            "url": "https://agenda.example/werk.ics",
            "label": "Werk",
            "_csrf_token": csrf_of(page.text),
        },
    )
    assert linked.status_code == 200
    assert "https://agenda.example/werk.ics" in linked.text
    with Session(engine) as session:
        urls = session.exec(
            select(CalendarSource.url).where(CalendarSource.trust_person_id == world["vp1"])
        ).all()
    assert "https://agenda.example/werk.ics" in urls


def test_a_trust_person_uploads_a_calendar_file(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "trust_person")
    page = app_client.get(f"{WEB}/me/calendars")
    content = (ICS / "google_busy_only.ics").read_bytes()
    uploaded = app_client.post(
        f"{WEB}/me/calendars/upload",
        data={"label": "Export", "_csrf_token": csrf_of(page.text)},
        files={"file": ("export.ics", content, "text/calendar")},
    )
    assert uploaded.status_code == 200, uploaded.text[:500]
    assert "Het bestand wordt gelezen" in uploaded.text
    assert "wordt gelezen</span>" in uploaded.text  # the source's badge, until a worker read it
    assert drain_app(app_client.app) == 1
    read = app_client.get(f"{WEB}/me/calendars")
    assert "wordt gelezen</span>" not in read.text
    assert "in orde</span>" in read.text
    # Refused in the request, with the reason by the field, in the page's language.
    picture = app_client.post(
        f"{WEB}/me/calendars/upload",
        data={"label": "Foto", "_csrf_token": csrf_of(page.text)},
        files={"file": ("foto.png", b"\x89PNG\r\n\x1a\n", "image/png")},
    )
    assert picture.status_code == 422
    assert 'id="upload_file-error"' in picture.text
    assert 'value="Foto"' in picture.text
    # Read by the worker and refused: the source says so and why.
    garbage = app_client.post(
        f"{WEB}/me/calendars/upload",
        data={"label": "Kapot", "_csrf_token": csrf_of(page.text)},
        files={"file": ("kapot.ics", b"dit is geen agenda", "text/calendar")},
    )
    assert garbage.status_code == 200
    assert drain_app(app_client.app) == 1
    failed = app_client.get(f"{WEB}/me/calendars")
    assert "Het bestand kon niet worden gelezen." in failed.text
    assert "geen iCalendar-bestand" in failed.text  # the reason in Dutch too
    assert "not an iCalendar" not in failed.text
    assert "mislukt</span>" in failed.text


def test_a_calendar_file_over_the_limit_is_refused_in_the_pages_language(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "trust_person")
    page = app_client.get(f"{WEB}/me/calendars")
    large = b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    refused = app_client.post(
        f"{WEB}/me/calendars/upload",
        data={"label": "Groot", "_csrf_token": csrf_of(page.text)},
        files={"file": ("groot.ics", large, "text/calendar")},
    )
    assert refused.status_code == 422
    assert "het bestand is groter dan de grens van 10 MB" in refused.text
    assert drain_app(app_client.app) == 0
