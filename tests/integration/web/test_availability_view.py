"""The week and team views show free time net of the VP's own calendar and intervision."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World, in_days
from tests.queue import drain
from vppool.services import calendar_sources
from vppool.settings import Settings
from vppool.web._views import day_availability


def test_busy_time_from_the_vps_own_calendar_is_not_shown_as_free(
    engine: Engine, settings: Settings, world: World
) -> None:
    monday = in_days(7 + (7 - in_days(7).weekday()) % 7)  # VP 1 works Mondays 09:00-17:00
    start = datetime.combine(monday, time(9), tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)
    stamp = "%Y%m%dT%H%M%SZ"
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        f"DTSTAMP:20261101T000000Z\r\nDTSTART:{start.strftime(stamp)}\r\n"
        f"DTEND:{(start + timedelta(hours=2)).strftime(stamp)}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    with Session(engine) as session:
        before = day_availability(session, world["vp1"], "Europe/Amsterdam", monday, 1)[0]
        calendar_sources.upload_file(session, settings, trust_person_id=world["vp1"], content=body)
        session.commit()
    drain(engine, settings)
    with Session(engine) as session:
        after = day_availability(session, world["vp1"], "Europe/Amsterdam", monday, 1)[0]
    assert before.free == [(time(9), time(17))]
    assert after.free == [(time(11), time(17))]
    assert after.free_hours == 6.0
