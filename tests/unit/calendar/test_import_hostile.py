"""Malformed and hostile input never crashes or hangs; it gets a clear message or a cap."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from vppool.calendar import CalendarImportError, ImportLimits, Interval, import_ics
from vppool.errors import ValidationFailed

pytestmark = pytest.mark.unit

WINDOW = Interval(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
GOOD_EVENT = (
    "BEGIN:VEVENT\r\nUID:good\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nEND:VEVENT\r\n"
)


def calendar(*components: str, head: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + head
        + "".join(components)
        + "END:VCALENDAR\r\n"
    )


def event(uid: str, *lines: str) -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n{body}END:VEVENT\r\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
        (b"BEGIN:VCALENDAR\r\n\x00\x01\x02", "binary data"),
        (b"<!DOCTYPE html><html><body>Log in</body></html>", "web page"),
        (b'{"events": []}', "JSON"),
        (b"BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n", "vCard"),
        (b"hello world\r\n", "not an iCalendar file"),
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n", "cut off"),
        (calendar(head="CALSCALE:HEBREW\r\n").encode(), "Gregorian"),
    ],
)
def test_garbage_gets_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(CalendarImportError, match=message) as caught:
        import_ics(data, window=WINDOW)
    assert isinstance(caught.value, ValidationFailed)
    assert caught.value.errors[0].field == "calendar"


def test_error_says_where() -> None:
    with pytest.raises(CalendarImportError) as caught:
        import_ics(b"\r\n\r\nnot a calendar\r\n", window=WINDOW)
    assert caught.value.line == 3
    assert "(line 3)" in caught.value.message


def test_fifty_megabytes_is_refused_before_reading() -> None:
    data = b"BEGIN:VCALENDAR\r\n" + b"X" * (50 * 1024 * 1024)
    with pytest.raises(CalendarImportError, match=r"52,428,817 bytes; the limit is 10,485,760"):
        import_ics(data, window=WINDOW)


def test_deep_nesting_is_refused_quickly() -> None:
    data = "BEGIN:VCALENDAR\r\n" + "BEGIN:X-DEEP\r\n" * 200_000 + "END:X-DEEP\r\n" * 200_000
    with pytest.raises(CalendarImportError, match="nested more than 8 deep"):
        import_ics(data, window=WINDOW)


def test_many_unmatched_ends_are_linear_not_quadratic() -> None:
    data = calendar(
        "BEGIN:VEVENT\r\nUID:x\r\n" + "END:X-NOTHING\r\n" * 200_000 + "END:VEVENT\r\n",
        GOOD_EVENT,
    )
    result = import_ics(data, window=WINDOW)
    assert len(result.busy) == 1
    assert "END:X-NOTHING without BEGIN" in result.warnings[0].message


def test_all_events_broken_is_an_error_naming_the_first() -> None:
    data = calendar(event("a", "DTSTART:nonsense"), event("b", "SUMMARY:no start"))
    with pytest.raises(CalendarImportError, match="none of the 2 events") as caught:
        import_ics(data, window=WINDOW)
    assert caught.value.uid == "a"
    assert caught.value.line == 4


def test_one_bad_event_does_not_fail_the_rest() -> None:
    data = calendar(
        event("bad", "DTSTART:20260302T090000Z", "DTEND:2026-03-02", "RRULE:FREQ=WEEKLY"),
        "BEGIN:VEVENT\r\nUID:unfinished\r\nDTSTART:20260303T090000Z\r\n",
        GOOD_EVENT,
    )
    result = import_ics(data, window=WINDOW)
    assert [(b.start.hour, b.end.hour) for b in result.busy] == [(9, 10)]
    assert {w.uid for w in result.warnings} == {"bad", "unfinished"}
    assert "no END:VEVENT" in str(result.warnings[-1])


def test_endlessly_repeating_secondly_rule_with_huge_count_is_left_out() -> None:
    data = calendar(
        event(
            "secondly",
            "DTSTART:20000101T000000Z",
            "DTEND:20000101T000001Z",
            "RRULE:FREQ=SECONDLY;COUNT=1000000000;BYMINUTE=0,1,2",
        ),
        GOOD_EVENT,
    )
    result = import_ics(data, window=WINDOW)
    assert len(result.busy) == 1
    assert result.capped
    assert "repeats too often to expand" in result.warnings[0].message


def test_rule_that_multiplies_instances_with_by_lists_does_not_explode() -> None:
    every = ",".join(str(n) for n in range(60))
    hours = ",".join(str(n) for n in range(24))
    days = ",".join(str(n) for n in range(1, 32))
    data = calendar(
        event(
            "explosion",
            "DTSTART:20200101T000000Z",
            "DTEND:20200101T000001Z",
            f"RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY={days};"
            f"BYHOUR={hours};BYMINUTE={every};BYSECOND={every}",
        ),
        GOOD_EVENT,
    )
    result = import_ics(data, window=WINDOW)
    assert result.capped
    assert result.busy[-1].end <= WINDOW.end


def test_many_rules_in_one_event_are_left_out_together() -> None:
    rules = [f"RRULE:FREQ=MINUTELY;INTERVAL={n}" for n in range(1, 300)]
    data = calendar(
        event("rules", "DTSTART:20100101T000000Z", "DTEND:20100101T000100Z", *rules), GOOD_EVENT
    )
    result = import_ics(data, window=WINDOW)
    assert result.capped
    assert len(result.busy) == 1


@pytest.mark.parametrize(
    "vtimezone",
    [
        "BEGIN:VTIMEZONE\r\nTZID:Bad Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
        "TZOFFSETFROM:+9999\r\nTZOFFSETTO:+9999\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
        "BEGIN:VTIMEZONE\r\nTZID:Bad Zone\r\nEND:VTIMEZONE\r\n",
        "BEGIN:VTIMEZONE\r\nTZID:Bad Zone\r\nBEGIN:DAYLIGHT\r\nDTSTART:garbage\r\n"
        "RRULE:FREQ=YEARLY;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n",
    ],
)
def test_an_invalid_time_zone_falls_back_to_the_vp_zone_with_a_warning(vtimezone: str) -> None:
    data = calendar(
        vtimezone,
        event(
            "in-bad-zone",
            "DTSTART;TZID=Bad Zone:20260302T090000",
            "DTEND;TZID=Bad Zone:20260302T100000",
        ),
    )
    result = import_ics(data, window=WINDOW)
    # 09:00-10:00 in Amsterdam (CET).
    assert [(b.start.hour, b.end.hour) for b in result.busy] == [(8, 9)]
    assert any("Bad Zone" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    "tzid", ["../../../etc/passwd", "/etc/localtime", "localtime", "x" * 5000, "UTC;X=1"]
)
def test_path_like_or_absurd_tzids_are_unknown_zones(tzid: str) -> None:
    data = calendar(
        event(
            "odd", f'DTSTART;TZID="{tzid}":20260302T090000', f'DTEND;TZID="{tzid}":20260302T100000'
        )
    )
    result = import_ics(data, window=WINDOW)
    assert [(b.start.hour, b.end.hour) for b in result.busy] == [(8, 9)]


def test_unknown_x_wr_timezone_is_ignored_with_a_warning() -> None:
    data = calendar(
        event("f", "DTSTART:20260302T090000", "DTEND:20260302T100000"),
        head="X-WR-TIMEZONE:Nowhere\r\n",
    )
    result = import_ics(data, window=WINDOW)
    assert [(b.start.hour, b.end.hour) for b in result.busy] == [(8, 9)]
    assert "X-WR-TIMEZONE 'Nowhere'" in result.warnings[0].message


def test_time_budget_stops_the_import_and_marks_it_capped() -> None:
    ticks = itertools.count(step=1.0)
    events = [
        event(f"e{n}", f"DTSTART:202603{1 + n % 28:02d}T090000Z", "DTEND:20260331T100000Z")
        for n in range(600)
    ]
    result = import_ics(
        calendar(*events),
        window=WINDOW,
        limits=ImportLimits(time_budget_s=2.5),
        clock=lambda: float(next(ticks)),
    )
    assert result.capped
    assert "took longer than 2.5 s" in result.warnings[-1].message


def test_several_calendars_in_one_file_are_all_read() -> None:
    second = GOOD_EVENT.replace("good", "second").replace("0302T", "0303T")
    data = calendar(GOOD_EVENT) + calendar(second)
    assert len(import_ics(data, window=WINDOW).busy) == 2


def test_utf16_and_windows_1252_files_are_read() -> None:
    text = calendar(
        event("é", "SUMMARY:Café", "DTSTART:20260302T090000Z", "DTEND:20260302T100000Z")
    )
    assert len(import_ics(text.encode("utf-16"), window=WINDOW).busy) == 1
    result = import_ics(text.encode("cp1252"), window=WINDOW)
    assert len(result.busy) == 1
    assert "read as Windows-1252" in result.warnings[0].message


def test_size_limit_is_a_parameter() -> None:
    with pytest.raises(CalendarImportError, match="limit is 100 bytes"):
        import_ics(calendar(GOOD_EVENT), window=WINDOW, limits=ImportLimits(max_bytes=100))


def test_ten_megabyte_file_imports_within_the_limits(ten_megabytes: bytes) -> None:
    assert 9.5 * 1024 * 1024 < len(ten_megabytes) <= 10 * 1024 * 1024
    window = Interval(datetime(2026, 10, 24, tzinfo=UTC), datetime(2027, 11, 23, tzinfo=UTC))
    result = import_ics(ten_megabytes, window=window)
    assert result.event_count > 15_000
    assert not result.capped
    assert result.warnings == ()
    assert result.busy
    assert all(window.start <= b.start < b.end <= window.end for b in result.busy)
