"""Golden files of real-world quirks: the exact busy intervals, worked out by hand (UTC).

Amsterdam is UTC+1 (CET) until 29 March 2026 01:00 UTC, UTC+2 (CEST) until 25 October 2026
01:00 UTC, then UTC+1 again. All-day and floating times are read in the VP's zone,
Europe/Amsterdam, unless the file says otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.unit.calendar.conftest import ICS
from vppool.calendar import BusyBlock, ImportResult, Interval, import_ics

pytestmark = pytest.mark.unit

YEAR_2026 = Interval(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def read(name: str, window: Interval = YEAR_2026) -> ImportResult:
    return import_ics((ICS / name).read_bytes(), window=window)


def busy(result: ImportResult) -> list[tuple[str, str, str]]:
    return [
        (b.start.strftime("%Y-%m-%dT%H:%MZ"), b.end.strftime("%Y-%m-%dT%H:%MZ"), _kind(b))
        for b in result.busy
    ]


def _kind(block: BusyBlock) -> str:
    return "tentative" if block.tentative else "busy"


def test_outlook_export_with_windows_zone_names() -> None:
    result = read("outlook_windows_zones.ics")
    assert busy(result) == [
        # 09:30-11:00 "W. Europe Standard Time" (= Europe/Berlin), 2 March: CET.
        ("2026-03-02T08:30Z", "2026-03-02T10:00Z", "busy"),
        # Weekly on Mondays 13:00-14:00 CET, COUNT=3: 2, 9 and 16 March.
        ("2026-03-02T12:00Z", "2026-03-02T13:00Z", "busy"),
        ("2026-03-09T12:00Z", "2026-03-09T13:00Z", "busy"),
        ("2026-03-16T12:00Z", "2026-03-16T13:00Z", "busy"),
        # 15:00-16:30 in "Customized Time Zone", defined in the file as +05:30.
        ("2026-04-10T09:30Z", "2026-04-10T11:00Z", "busy"),
        # 14:00-15:00 CEST, X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE.
        ("2026-06-15T12:00Z", "2026-06-15T13:00Z", "tentative"),
        # The FREE event of 16 June is left out. OOF all-day 20-21 July (DTEND 22 July
        # exclusive): Amsterdam midnight 20 July CEST to midnight 22 July.
        ("2026-07-19T22:00Z", "2026-07-21T22:00Z", "busy"),
    ]
    assert result.event_count == 6
    assert result.warnings == ()
    assert not result.capped


def test_regression_a_foreign_definition_of_a_windows_zone_does_not_leak_into_imports() -> None:
    # icalendar caches VTIMEZONEs by TZID for the whole process. A file that defines
    # "W. Europe Standard Time" as +05:00, parsed by anyone, must not shift the next import.
    hostile = (
        (ICS / "outlook_windows_zones.ics")
        .read_bytes()
        .decode()
        .replace("TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100", "TZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500")
    )
    hostile = hostile.replace(
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200", "TZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500"
    )
    assert hostile.count("+0500") == 4
    Calendar.from_ical(hostile)  # someone else's parse fills icalendar's global cache
    import_ics(hostile, window=YEAR_2026)
    assert busy(read("outlook_windows_zones.ics"))[0] == (
        "2026-03-02T08:30Z",
        "2026-03-02T10:00Z",
        "busy",
    )


def test_regression_two_different_customized_time_zones_do_not_collide() -> None:
    # Both files call their zone "Customized Time Zone"; each is read with its own offsets.
    original = (ICS / "outlook_windows_zones.ics").read_bytes().decode()
    other = original.replace(
        "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530", "TZOFFSETFROM:-0300\r\nTZOFFSETTO:-0300"
    )
    assert other != original
    window = Interval(datetime(2026, 4, 10, tzinfo=UTC), datetime(2026, 4, 11, tzinfo=UTC))
    first = import_ics(original, window=window)
    second = import_ics(other, window=window)
    assert busy(first) == [("2026-04-10T09:30Z", "2026-04-10T11:00Z", "busy")]
    # 15:00-16:30 at -03:00.
    assert busy(second) == [("2026-04-10T18:00Z", "2026-04-10T19:30Z", "busy")]


def test_google_busy_only_feed_with_x_wr_timezone_and_orphan_moved_instances() -> None:
    result = read("google_busy_only.ics")
    assert busy(result) == [
        # Weekly Mondays from 23 March, DTSTART 08:00Z = 09:00 CET. X-WR-TIMEZONE keeps the
        # local 09:00 after the DST change: 30 March and 6 April at 07:00Z (not 08:00Z).
        ("2026-03-23T08:00Z", "2026-03-23T09:00Z", "busy"),
        ("2026-03-30T07:00Z", "2026-03-30T08:00Z", "busy"),
        ("2026-04-06T07:00Z", "2026-04-06T08:00Z", "busy"),
        # Two moved instances whose master is not in the feed: standalone busy blocks.
        ("2026-04-15T12:00Z", "2026-04-15T13:00Z", "busy"),
        ("2026-04-22T12:00Z", "2026-04-22T13:30Z", "busy"),
        # Floating 10:00-11:00 on 1 May, in the X-WR-TIMEZONE (CEST).
        ("2026-05-01T08:00Z", "2026-05-01T09:00Z", "busy"),
    ]
    assert result.event_count == 4
    assert result.warnings == ()


def test_icloud_tzid_without_vtimezone() -> None:
    result = read("icloud_tzid_without_vtimezone.ics")
    assert busy(result) == [
        # Europe/Amsterdam 14:00-15:30 CEST, resolved without a VTIMEZONE.
        ("2026-05-12T12:00Z", "2026-05-12T13:30Z", "busy"),
        # America/New_York 09:00-10:00 EDT (-4).
        ("2026-05-13T13:00Z", "2026-05-13T14:00Z", "busy"),
        # Unknown zone: read in the VP's zone, 09:00-10:00 CEST, with a warning.
        ("2026-05-14T07:00Z", "2026-05-14T08:00Z", "busy"),
    ]
    assert [str(w) for w in result.warnings] == [
        "unknown time zone 'Mars/Olympus_Mons' without a definition; read in Europe/Amsterdam"
    ]


def test_amsterdam_dst_weeks() -> None:
    result = read("amsterdam_dst_weeks.ics")
    assert busy(result) == [
        # Daily 09:00-10:00 local from Friday 27 March: CET on 27 and 28, CEST from 29 March.
        ("2026-03-27T08:00Z", "2026-03-27T09:00Z", "busy"),
        ("2026-03-28T08:00Z", "2026-03-28T09:00Z", "busy"),
        # 01:00 CET to 04:00 CEST on 29 March: two real hours.
        ("2026-03-29T00:00Z", "2026-03-29T02:00Z", "busy"),
        ("2026-03-29T07:00Z", "2026-03-29T08:00Z", "busy"),
        ("2026-03-30T07:00Z", "2026-03-30T08:00Z", "busy"),
        # Daily 09:00-10:00 local from Friday 23 October: CEST on 23 and 24, CET from 25th.
        ("2026-10-23T07:00Z", "2026-10-23T08:00Z", "busy"),
        ("2026-10-24T07:00Z", "2026-10-24T08:00Z", "busy"),
        # 01:00 CEST to 04:00 CET on 25 October: four real hours.
        ("2026-10-24T23:00Z", "2026-10-25T03:00Z", "busy"),
        ("2026-10-25T08:00Z", "2026-10-25T09:00Z", "busy"),
        ("2026-10-26T08:00Z", "2026-10-26T09:00Z", "busy"),
    ]


def test_exdate_and_recurrence_id_in_another_zone_than_dtstart() -> None:
    result = read("exdate_other_zone.ics")
    assert busy(result) == [
        # Weekly Mondays 10:00-11:00 CEST from 1 June, COUNT=5: 1, 8, 15, 22, 29 June.
        # EXDATE 08:00Z removes 8 June; EXDATE 04:00 New York (EDT, = 08:00Z) removes 15 June.
        ("2026-06-01T08:00Z", "2026-06-01T09:00Z", "busy"),
        # RECURRENCE-ID 22 June 08:00Z (in UTC) moves that instance to 23 June 14:00 CEST.
        ("2026-06-23T12:00Z", "2026-06-23T13:00Z", "busy"),
        ("2026-06-29T08:00Z", "2026-06-29T09:00Z", "busy"),
    ]


def test_all_day_and_multi_day_events() -> None:
    result = read("allday_multiday.ics")
    assert busy(result) == [
        # 10-12 April (DTEND 13 April exclusive), Amsterdam midnights in CEST.
        ("2026-04-09T22:00Z", "2026-04-12T22:00Z", "busy"),
        # All-day 20 April without DTEND: one day.
        ("2026-04-19T22:00Z", "2026-04-20T22:00Z", "busy"),
        # The transparent birthday on 25 April is free. Timed 27 April 18:00Z to 29 April.
        ("2026-04-27T18:00Z", "2026-04-29T08:00Z", "busy"),
        # 24-25 October over the DST change: midnight CEST to midnight CET, 49 hours.
        ("2026-10-23T22:00Z", "2026-10-25T23:00Z", "busy"),
    ]


def test_all_day_events_follow_the_vp_zone() -> None:
    result = import_ics(
        (ICS / "allday_multiday.ics").read_bytes(),
        window=Interval(datetime(2026, 4, 20, tzinfo=UTC), datetime(2026, 4, 21, 12, tzinfo=UTC)),
        timezone="America/Curacao",
    )
    # 20 April in Curaçao (-4) runs 04:00Z to 04:00Z the next day.
    assert busy(result) == [("2026-04-20T04:00Z", "2026-04-21T04:00Z", "busy")]


def test_lf_only_line_endings() -> None:
    result = read("lf_only.ics")
    assert busy(result) == [
        ("2026-02-10T10:00Z", "2026-02-10T11:00Z", "busy"),
        # 09:00-10:00 CET.
        ("2026-02-11T08:00Z", "2026-02-11T09:00Z", "busy"),
    ]
    assert result.warnings == ()


def test_cr_only_line_endings() -> None:
    text = (ICS / "lf_only.ics").read_bytes().replace(b"\n", b"\r")
    assert busy(import_ics(text, window=YEAR_2026)) == busy(read("lf_only.ics"))


def test_bad_folding() -> None:
    result = read("bad_folding.ics")
    assert busy(result) == [
        # A DESCRIPTION continued without the leading space is joined, the event is kept.
        ("2026-03-05T13:00Z", "2026-03-05T14:00Z", "busy"),
        # DTSTART/DTEND folded inside the TZID (with a tab and a space): 10:00-11:30 CET.
        ("2026-03-06T09:00Z", "2026-03-06T10:30Z", "busy"),
        # SUMMARY folded inside the two octets of 'é': unfolded before decoding.
        ("2026-03-07T08:00Z", "2026-03-07T08:30Z", "busy"),
    ]
    assert result.event_count == 3
    messages = [w.message for w in result.warnings]
    assert "a folded line without its leading space was joined" in messages
    assert "a line was folded inside a character; line numbers count unfolded lines" in messages


def test_invalid_dates_skip_only_their_event_with_line_and_uid() -> None:
    result = read("invalid_dates.ics")
    # Only valid-1 (10:00-11:00Z, 10 March) is busy. "date-with-time" has a DATE-TIME
    # value under VALUE=DATE and no DTEND: read as a moment of zero length, not busy.
    assert busy(result) == [("2026-03-10T10:00Z", "2026-03-10T11:00Z", "busy")]
    assert [(w.line, w.uid) for w in result.warnings] == [
        (11, "month-13"),
        (18, "end-before-start"),
        (31, "february-30"),
    ]
    assert "DTSTART is invalid" in result.warnings[0].message
    assert "DTEND is before DTSTART" in result.warnings[1].message
    assert result.event_count == 2


def test_unbounded_minutely_rule_is_expanded_lazily_up_to_the_cap() -> None:
    window = Interval(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC))
    result = read("minutely_unbounded.ics", window)
    # One-minute events every minute since 2020; the first 10,000 in the window run from
    # 1 March 00:00Z for 10,000 minutes = 6 days 22 h 40 min.
    assert busy(result) == [("2026-03-01T00:00Z", "2026-03-07T22:40Z", "busy")]
    assert result.capped
    assert result.occurrence_count == 10_000
    assert "more than 10,000 occurrences" in result.warnings[-1].message


def test_unbounded_minutely_rule_over_a_year_window_is_cut_not_hung() -> None:
    window = Interval(datetime(2026, 10, 24, tzinfo=UTC), datetime(2027, 11, 23, tzinfo=UTC))
    result = read("minutely_unbounded.ics", window)
    assert result.capped
    assert result.busy[0].start == window.start
    assert result.occurrence_count == 10_000


def test_vfreebusy_only_file() -> None:
    result = read("vfreebusy_only.ics")
    assert busy(result) == [
        ("2026-03-02T09:00Z", "2026-03-02T10:00Z", "busy"),
        # 09:00Z for PT2H, and 10:00-12:00Z: merged.
        ("2026-03-03T09:00Z", "2026-03-03T12:00Z", "busy"),
        ("2026-03-04T13:00Z", "2026-03-04T14:00Z", "tentative"),
        # FBTYPE=FREE on 5 March is not busy; BUSY-UNAVAILABLE is.
        ("2026-03-06T00:00Z", "2026-03-07T00:00Z", "busy"),
    ]
    assert result.event_count == 6


@pytest.mark.parametrize("path", sorted(ICS.glob("*.ics")), ids=lambda p: p.name)
def test_every_golden_file_imports_the_same_from_bytes_and_text(path: Path) -> None:
    window = Interval(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not valid UTF-8 as a whole (folded inside a character)")
    assert import_ics(text, window=window).busy == import_ics(data, window=window).busy
