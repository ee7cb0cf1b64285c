"""Feeds: RFC 5545 properties, stable identity, windows, privacy and HTTP validators."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.unit.calendar.samples import CHANGED, TODAY, assignment, session, team, utc, vp_year
from vppool.calendar import (
    BusyBlock,
    FeedOptions,
    FeedWindow,
    Interval,
    TeamMember,
    _feeds,
    feed_response,
    render_availability_feed,
    render_team_feed,
    render_vp_feed,
    team_labels,
)
from vppool.vocab import AssignmentStatus, SessionStatus

pytestmark = pytest.mark.unit


def vp_feed(today: date = TODAY, **items: object) -> bytes:
    return render_vp_feed(
        trust_person_id=7,
        display_name="Anna Bakker",
        timezone="Europe/Amsterdam",
        today=today,
        **items,  # type: ignore[arg-type]
    )


def events(body: bytes) -> dict[str, dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.events}  # type: ignore[misc]


def test_vp_feed_has_the_calendar_properties_subscribers_need() -> None:
    text = vp_feed(assignments=[assignment(42)]).decode()
    for line in (
        "VERSION:2.0",
        "PRODID:-//vppool//vppool feeds 1.0//NL",
        "METHOD:PUBLISH",
        "NAME:vppool: Anna Bakker",
        "X-WR-CALNAME:vppool: Anna Bakker",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "UID:trust-person-7-schedule@vppool",
    ):
        assert f"\r\n{line}\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VCALENDAR") == 1


def test_assignment_is_an_all_day_event_with_an_exclusive_end() -> None:
    event = events(vp_feed(assignments=[assignment(42)]))["assignment-42@vppool"]
    assert event["DTSTART"].dt == date(2026, 12, 1)
    assert event["DTEND"].dt == date(2027, 3, 1)  # last day is 28 February
    assert str(event["SUMMARY"]) == "VP-inzet: Zorggroep Noorderlicht (vast)"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_uid_sequence_and_stamps_come_from_the_stored_entity() -> None:
    item = assignment(42, revision=5, updated_at=utc(2026, 10, 1, 8, 30, 15))
    event = events(vp_feed(assignments=[item]))["assignment-42@vppool"]
    assert event["SEQUENCE"] == 5
    assert event["DTSTAMP"].dt == utc(2026, 10, 1, 8, 30, 15)
    assert event["LAST-MODIFIED"].dt == utc(2026, 10, 1, 8, 30, 15)


def test_two_renders_of_unchanged_data_are_byte_identical_with_or_without_cache() -> None:
    data = vp_year()
    first = vp_feed(**data)
    second = vp_feed(**data)
    _feeds._session_event.cache_clear()
    _feeds._assignment_event.cache_clear()
    third = vp_feed(**data)
    assert first == second == third


def test_proposed_assignment_is_tentative_and_says_so() -> None:
    event = events(vp_feed(assignments=[assignment(42, status=AssignmentStatus.PROPOSED)]))[
        "assignment-42@vppool"
    ]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]).startswith("Voorstel: ")


def test_open_ended_assignment_runs_past_the_window_to_a_yearly_horizon() -> None:
    item = assignment(42, starts_on=date(2026, 1, 1), ends_on=None)
    event = events(vp_feed(assignments=[item]))["assignment-42@vppool"]
    assert event["DTEND"].dt == date(2028, 1, 1)
    assert event["DTEND"].dt > TODAY + timedelta(days=365)
    assert "zonder einddatum" in str(event["DESCRIPTION"])


def _event_block(body: bytes, uid: str) -> bytes:
    return next(b for b in body.split(b"BEGIN:VEVENT") if uid.encode() in b)


def test_open_ended_event_is_the_same_every_day_and_moves_with_a_new_sequence_yearly() -> None:
    """Regression: the end moved with today, so the event changed daily under one SEQUENCE."""
    item = assignment(42, starts_on=date(2026, 1, 1), ends_on=None)

    def rendered(today: date) -> bytes:
        return _event_block(vp_feed(assignments=[item], today=today), "assignment-42@vppool")

    assert (
        rendered(date(2026, 11, 23)) == rendered(date(2026, 11, 24)) == rendered(date(2026, 12, 31))
    )
    this_year = events(vp_feed(assignments=[item], today=date(2026, 12, 31)))
    next_year = events(vp_feed(assignments=[item], today=date(2027, 1, 1)))
    before, after = this_year["assignment-42@vppool"], next_year["assignment-42@vppool"]
    assert after["DTEND"].dt == date(2029, 1, 1)
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt


def test_setting_an_end_on_an_open_assignment_never_lowers_its_sequence() -> None:
    opened = assignment(42, starts_on=date(2026, 1, 1), ends_on=None, revision=1)
    shown = events(vp_feed(assignments=[opened], today=date(2027, 3, 1)))["assignment-42@vppool"]
    closed = assignment(
        42,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 6, 1),
        revision=2,
        updated_at=datetime(2027, 3, 2, 9, tzinfo=UTC),
    )
    later = events(vp_feed(assignments=[closed], today=date(2027, 3, 2)))["assignment-42@vppool"]
    assert int(later["SEQUENCE"]) > int(shown["SEQUENCE"])


def test_cancelled_items_stay_as_cancelled_for_the_retention_period_then_go() -> None:
    cancelled = assignment(
        42, status=AssignmentStatus.CANCELLED, cancelled_at=utc(2026, 11, 1), revision=3
    )
    kept = events(vp_feed(assignments=[cancelled]))["assignment-42@vppool"]
    assert str(kept["STATUS"]) == "CANCELLED"
    assert kept["LAST-MODIFIED"].dt == utc(2026, 11, 1)
    late = render_vp_feed(
        trust_person_id=7,
        display_name="A",
        timezone="Europe/Amsterdam",
        today=date(2026, 12, 1),
        assignments=[cancelled],
    )
    assert b"assignment-42@vppool" not in late


def test_cancelled_session_without_a_cancel_time_uses_its_last_change() -> None:
    recent = session(
        9, utc(2026, 12, 3, 9), status=SessionStatus.CANCELLED, updated_at=utc(2026, 11, 15)
    )
    event = events(vp_feed(sessions=[recent]))["intervision-session-9@vppool"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    long_ago = session(
        9, utc(2026, 12, 3, 9), status=SessionStatus.CANCELLED, updated_at=utc(2026, 9, 1)
    )
    assert b"intervision-session-9@vppool" not in vp_feed(sessions=[long_ago])


def test_items_outside_the_window_are_left_out_and_the_window_is_a_parameter() -> None:
    old = assignment(1, starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 1))
    far = session(2, utc(2028, 1, 1, 9))
    near = session(3, TODAY_AT(10))
    body = vp_feed(assignments=[old], sessions=[far, near])
    assert set(events(body)) == {"intervision-session-3@vppool"}
    short = render_vp_feed(
        trust_person_id=7,
        display_name="A",
        timezone="Europe/Amsterdam",
        today=TODAY,
        sessions=[near],
        options=FeedOptions(window=FeedWindow(days_back=0, days_ahead=0 + 1)),
    )
    assert b"intervision-session-3@vppool" in short


def TODAY_AT(hour: int) -> datetime:  # noqa: N802 - reads like the constant it extends
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, tzinfo=UTC)


def test_timed_items_are_written_in_the_vp_zone_with_its_vtimezone() -> None:
    body = vp_feed(**vp_year())
    calendar = Calendar.from_ical(body)
    assert calendar.get_missing_tzids() == set()
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    for event in calendar.events:
        start = event["DTSTART"].dt
        assert isinstance(start, date)
        if isinstance(start, datetime):
            assert start.tzinfo is not None, "no floating times"
    assert b"DTSTART;TZID=Europe/Amsterdam:20261124T083000" in body  # 07:30Z in CET


def test_vtimezone_covers_only_the_years_of_the_window() -> None:
    text = vp_feed(sessions=[session(1, TODAY_AT(9))]).decode()
    vtimezone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    years = {int(y) for y in re.findall(r"(?:DTSTART|RDATE):(\d{4})", vtimezone)}
    assert years <= {2026, 2027}


def test_a_feed_without_timed_items_needs_no_vtimezone() -> None:
    assert b"BEGIN:VTIMEZONE" not in vp_feed(assignments=[assignment(1)])


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    name = "Stichting Ëigen Kracht 😀 voor Zorg, Welzijn en Coöperatie in Noord-Brabant"
    body = vp_feed(assignments=[assignment(42, organisation_name=name)])
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    assert name in str(events(body)["assignment-42@vppool"]["SUMMARY"])


def test_english_texts() -> None:
    body = render_vp_feed(
        trust_person_id=7,
        display_name="Anna",
        timezone="Europe/Amsterdam",
        today=TODAY,
        assignments=[assignment(1)],
        options=FeedOptions(language="en"),
    )
    assert "VP assignment: Zorggroep Noorderlicht (standing)" in body.decode()


def test_availability_feed_shows_only_busy_and_free_blocks_in_utc() -> None:
    body = render_availability_feed(
        trust_person_id=7,
        display_name="Anna Bakker",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        busy=[
            BusyBlock(utc(2026, 11, 24, 8), utc(2026, 11, 24, 9)),
            BusyBlock(utc(2026, 11, 24, 10), utc(2026, 11, 24, 11), tentative=True),
        ],
        free=[Interval(utc(2026, 11, 24, 12), utc(2026, 11, 24, 16))],
    )
    calendar = Calendar.from_ical(body)
    found = sorted(
        (e["DTSTART"].dt, str(e["SUMMARY"]), str(e["TRANSP"]), str(e["CLASS"]))
        for e in calendar.events
    )
    assert found == [
        (utc(2026, 11, 24, 8), "Bezet", "OPAQUE", "PUBLIC"),
        (utc(2026, 11, 24, 10), "Mogelijk bezet", "OPAQUE", "PUBLIC"),
        (utc(2026, 11, 24, 12), "Beschikbaar", "TRANSPARENT", "PUBLIC"),
    ]
    assert b"BEGIN:VTIMEZONE" not in body
    assert all(e["DTSTAMP"].dt == CHANGED.replace(microsecond=0) for e in calendar.events)


def test_availability_block_uids_are_stable_and_distinct() -> None:
    def render(busy: list[BusyBlock]) -> set[str]:
        body = render_availability_feed(
            trust_person_id=7,
            display_name="A",
            timezone="Europe/Amsterdam",
            today=TODAY,
            changed_at=CHANGED,
            busy=busy,
        )
        return set(events(body))

    a = BusyBlock(utc(2026, 11, 24, 8), utc(2026, 11, 24, 9))
    b = BusyBlock(utc(2026, 11, 25, 8), utc(2026, 11, 25, 9))
    assert render([a, b]) == render([b, a])
    assert len(render([a, b])) == 2
    assert render([a]) <= render([a, b])


def test_team_feed_labels_each_vp_by_first_name_and_never_merges_vps() -> None:
    body = render_team_feed(
        organisation_id=3,
        organisation_name="Gemeente Zwolle",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        members=team(),
    )
    summaries = sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(body).events)
    assert summaries == [
        "Anna B.: beschikbaar",
        "Anna B.: bezet",
        "Anna B.: mogelijk bezet",
        "Anna d.: bezet",
        "Mohammed: beschikbaar",
        "Mohammed: bezet",
    ]
    text = body.decode()
    assert "NAME:Vertrouwenspersonen van Gemeente Zwolle" in text
    for private in ("Bakker", "de Vries", "El Amrani", "trust-person-1"):
        assert private not in text
    # The two overlapping busy blocks of the two Annas stay two events.
    assert text.count("DTSTART:20261124T080000Z") == 2


def test_team_feed_can_leave_out_free_time() -> None:
    body = render_team_feed(
        organisation_id=3,
        organisation_name="Gemeente Zwolle",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        members=team(),
        include_free=False,
    )
    assert b"beschikbaar" not in body


def test_team_feed_shows_a_vp_only_in_the_period_they_serve_the_client() -> None:
    """Regression: a cover VP's busy time showed for the whole window around a short cover."""
    cover = TeamMember(
        trust_person_id=21,
        first_name="Sanne",
        last_name="Jansen",
        busy=(
            BusyBlock(utc(2026, 11, 24, 8), utc(2026, 11, 24, 9)),  # before the cover
            BusyBlock(utc(2026, 12, 31, 22), utc(2027, 1, 2, 10)),  # across its start
            BusyBlock(utc(2027, 2, 10, 8), utc(2027, 2, 10, 9)),  # during it
            BusyBlock(utc(2027, 6, 1, 8), utc(2027, 6, 1, 9)),  # after it
        ),
        serving=(Interval(utc(2026, 12, 31, 23), utc(2027, 3, 31, 22)),),
    )
    body = render_team_feed(
        organisation_id=3,
        organisation_name="Gemeente Zwolle",
        timezone="Europe/Amsterdam",
        today=TODAY,
        changed_at=CHANGED,
        members=[cover],
    )
    starts = sorted(e["DTSTART"].dt for e in Calendar.from_ical(body).events)
    assert starts == [utc(2026, 12, 31, 23), utc(2027, 2, 10, 8)]


def test_team_labels_disambiguate_step_by_step() -> None:
    members = team()
    assert team_labels(members) == {11: "Anna B.", 12: "Anna d.", 13: "Mohammed"}
    twins = [
        *members[:1],
        members[0].__class__(trust_person_id=14, first_name="Anna", last_name="Bos"),
        members[0].__class__(trust_person_id=15, first_name="anna", last_name="bakker"),
    ]
    assert team_labels(twins) == {11: "Anna Bakker (1)", 14: "Anna Bos", 15: "anna bakker (2)"}


def test_feed_response_has_a_strong_etag_and_a_last_modified_that_moves_with_the_day() -> None:
    body = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    response = feed_response(body, changed_at=CHANGED, today=TODAY)
    assert re.fullmatch(r'"[0-9a-f]{40}"', response.etag)
    # 23 Nov 2026 starts at 23:00 UTC on the 22nd, later than the change on the 20th.
    assert response.last_modified == utc(2026, 11, 22, 23)
    later = feed_response(body, changed_at=utc(2026, 11, 23, 10, 0, 0, 500), today=TODAY)
    assert later.last_modified == utc(2026, 11, 23, 10)
    assert feed_response(body + b"x", changed_at=CHANGED, today=TODAY).etag != response.etag
    assert response.headers() == {
        "ETag": response.etag,
        "Last-Modified": "Sun, 22 Nov 2026 23:00:00 GMT",
        "Content-Type": "text/calendar; charset=utf-8",
        "Vary": "Accept-Encoding",
    }


def test_feed_response_offers_a_gzip_variant_with_its_own_etag() -> None:
    body = b"BEGIN:VCALENDAR\r\n" + b"X-FILL:0123456789\r\n" * 500 + b"END:VCALENDAR\r\n"
    response = feed_response(body, changed_at=CHANGED, today=TODAY)
    sent, headers = response.variant("br, gzip;q=0.8")
    assert gzip.decompress(sent) == body
    assert len(sent) < len(body) / 10
    assert headers["Content-Encoding"] == "gzip"
    assert headers["ETag"] == response.gzip_etag != response.etag
    assert response.variant("gzip;q=0")[0] == body
    assert response.variant(None)[1]["ETag"] == response.etag
    # A client revalidates with whichever ETag it got.
    assert response.is_not_modified(if_none_match=response.gzip_etag)
    assert response.is_not_modified(if_none_match=response.etag)


def test_last_modified_never_moves_backwards_as_days_pass_or_data_changes() -> None:
    body = b"x"
    moments = [CHANGED + timedelta(hours=h) for h in range(0, 24 * 10, 7)]
    values = [
        feed_response(
            body, changed_at=m, today=m.astimezone(ZoneInfo("Europe/Amsterdam")).date()
        ).last_modified
        for m in moments
    ]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        (None, None, False),
        ("same", None, True),
        ('W/"other", same', None, True),
        ("*", None, True),
        ('"other"', "Sun, 22 Nov 2026 23:00:00 GMT", False),  # If-None-Match wins
        (None, "Sun, 22 Nov 2026 23:00:00 GMT", True),
        (None, "Mon, 23 Nov 2026 08:00:00 GMT", True),
        (None, "Sun, 22 Nov 2026 22:59:59 GMT", False),
        (None, "not a date", False),
    ],
)
def test_conditional_get(
    if_none_match: str | None, if_modified_since: str | None, expected: bool
) -> None:
    response = feed_response(b"feed", changed_at=CHANGED, today=TODAY)
    tag = response.etag if if_none_match == "same" else if_none_match
    if if_none_match and "same" in if_none_match and if_none_match != "same":
        tag = if_none_match.replace("same", f"W/{response.etag}")
    assert (
        response.is_not_modified(if_none_match=tag, if_modified_since=if_modified_since) is expected
    )


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        assignment(1, updated_at=datetime(2026, 1, 1))
