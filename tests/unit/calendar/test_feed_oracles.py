"""Every feed kind, read by parsers nobody on this team wrote, gives the intended instants.

The oracles are the Python ``ical`` package (allenporter, strict by default) and Mozilla's
ical.js in Node (only the VTIMEZONEs inside the feed are used, so a missing one shows up as
a floating time). Each is compared with what the inputs say, as sets of (UID, start, end) in
UTC; all-day items as dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from ical.calendar_stream import IcsCalendarStream

from tests.unit.calendar.conftest import IcalJs
from tests.unit.calendar.samples import CHANGED, TODAY, team, vp_year
from vppool.calendar import (
    BusyBlock,
    FeedOptions,
    render_availability_feed,
    render_team_feed,
    render_vp_feed,
)

pytestmark = pytest.mark.unit

Key = tuple[str, object, object]
WINDOW_END = datetime(2027, 11, 22, 23, tzinfo=UTC)  # 23 Nov 2027 00:00 in Amsterdam
OPEN_END_DATE = date(2028, 1, 1)  # open-ended assignments end on 1 January two years on


def vp_feed() -> tuple[bytes, set[Key]]:
    data = vp_year()
    body = render_vp_feed(
        trust_person_id=7,
        display_name="Anna Bakker",
        timezone="Europe/Amsterdam",
        today=TODAY,
        **data,
    )
    expected: set[Key] = set()
    for a in data["assignments"]:
        expected.add((f"assignment-{a.id}@vppool", a.starts_on, a.ends_on or OPEN_END_DATE))
    for s in data["sessions"]:
        if s.starts_at < WINDOW_END:
            expected.add((f"intervision-session-{s.id}@vppool", s.starts_at, s.ends_at))
    for t in data["trainings"]:
        expected.add((f"training-{t.id}@vppool", t.starts_at, t.ends_at))
    for d in data["deadlines"]:
        suffix = "expires" if d.kind == "certification_expires" else "renewal-opens"
        expected.add((f"certification-31-{suffix}@vppool", d.on, d.on + timedelta(days=1)))
    assert len(expected) >= 500
    return body, expected


def availability_feed() -> tuple[bytes, set[Key]]:
    member = team()[0]
    body = render_availability_feed(
        trust_person_id=11,
        display_name="Anna Bakker",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        busy=member.busy,
        free=member.free,
    )
    blocks = [(b.start, b.end) for b in member.busy] + [(i.start, i.end) for i in member.free]
    return body, {("*", start, end) for start, end in blocks}


def team_feed() -> tuple[bytes, set[Key]]:
    members = team()
    body = render_team_feed(
        organisation_id=3,
        organisation_name="Gemeente Zwolle",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        members=members,
        options=FeedOptions(language="en"),
    )
    expected: set[Key] = set()
    for m in members:
        expected |= {("*", b.start, b.end) for b in m.busy}
        expected |= {("*", i.start, i.end) for i in m.free}
    return body, expected


FEEDS = {"vp": vp_feed, "availability": availability_feed, "team": team_feed}


def normalise(keys: set[Key], with_uid: bool) -> set[Key]:
    return keys if with_uid else {("*", start, end) for _, start, end in keys}


def as_utc(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


@pytest.mark.parametrize("kind", sorted(FEEDS))
def test_ical_package_reads_the_same_instants(kind: str) -> None:
    body, expected = FEEDS[kind]()
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    found = {(e.uid, as_utc(e.dtstart), as_utc(e.dtend)) for e in calendar.events}
    with_uid = kind == "vp"
    assert normalise(found, with_uid) == expected
    assert len(found) == len(calendar.events), "UIDs are unique"


def from_ical_js(value: dict[str, Any]) -> date | datetime:
    if "date" in value:
        return date.fromisoformat(value["date"])
    assert value["zone"] in ("UTC", "Europe/Amsterdam"), f"unresolved zone {value['zone']}"
    return datetime.fromtimestamp(value["utc"], tz=UTC)


@pytest.mark.parametrize("kind", sorted(FEEDS))
def test_ical_js_reads_the_same_instants(kind: str, ical_js: IcalJs) -> None:
    body, expected = FEEDS[kind]()
    parsed = ical_js(body)
    assert parsed["calendar"]["method"] == "PUBLISH"
    assert parsed["calendar"]["version"] == "2.0"
    found = {(e["uid"], from_ical_js(e["start"]), from_ical_js(e["end"])) for e in parsed["events"]}
    assert normalise(found, kind == "vp") == expected
    assert len({e["uid"] for e in parsed["events"]}) == len(parsed["events"])


def test_ical_js_sees_status_sequence_and_stamps_of_the_vp_feed(ical_js: IcalJs) -> None:
    body, _ = vp_feed()
    by_uid = {e["uid"]: e for e in ical_js(body)["events"]}
    session = by_uid["intervision-session-5007@vppool"]  # cancelled in the sample
    assert session["status"] == "CANCELLED"
    assert session["sequence"] == 1
    assert session["dtstamp"] == int(CHANGED.replace(microsecond=0).timestamp())
    assert by_uid["assignment-1000@vppool"]["status"] == "TENTATIVE"


def test_ical_js_reads_dst_week_sessions_at_the_local_time(ical_js: IcalJs) -> None:
    # A session every day at 07:30 UTC: 08:30 local in winter, 09:30 after 28 March 2027.
    body, _ = vp_feed()
    by_uid = {e["uid"]: e for e in ical_js(body)["events"]}
    day = (
        datetime(2027, 3, 28, 7, 30, tzinfo=UTC) - datetime(2026, 10, 24, 7, 30, tzinfo=UTC)
    ).days
    uid = f"intervision-session-{5000 + day}@vppool"
    assert by_uid[uid]["start"]["utc"] == int(datetime(2027, 3, 28, 7, 30, tzinfo=UTC).timestamp())
    assert b"DTSTART;TZID=Europe/Amsterdam:20270328T093000" in body
    assert b"DTSTART;TZID=Europe/Amsterdam:20270327T083000" in body


def test_busy_blocks_are_plain_values_without_a_source() -> None:
    # The privacy of the team feed rests on this: a block cannot carry a client's name.
    assert set(BusyBlock.__dataclass_fields__) == {"start", "end", "tentative"}


def test_regression_ical_js_ignores_an_observance_dtstart_next_to_rdates(ical_js: IcalJs) -> None:
    # icalendar writes later onsets as RDATEs beside DTSTART; ical.js then skips DTSTART and
    # read the whole first summer of the window an hour off. Each onset is now its own
    # observance with only a DTSTART.
    body = render_vp_feed(
        trust_person_id=7,
        display_name="A",
        timezone="Europe/Amsterdam",
        today=date(2026, 7, 1),
        sessions=[vp_year()["sessions"][0]],  # 24 Oct 2026 07:30 UTC, still summer time
    )
    vtimezone = body[body.index(b"BEGIN:VTIMEZONE") : body.index(b"END:VTIMEZONE")]
    assert b"RDATE" not in vtimezone
    (event,) = ical_js(body)["events"]
    assert event["start"]["utc"] == int(datetime(2026, 10, 24, 7, 30, tzinfo=UTC).timestamp())
