"""Fixtures for the calendar tests: the golden files and the ical.js oracle in Node."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.node_packages import NODE_DIR, node_package

ROOT = Path(__file__).resolve().parents[3]
ICS = ROOT / "tests" / "data" / "ics"

IcalJs = Callable[[bytes], dict[str, Any]]


@pytest.fixture(scope="session", name="ical_js")
def fx_ical_js(tmp_path_factory: pytest.TempPathFactory) -> IcalJs:
    """Parse iCalendar bytes with Mozilla's ical.js (installed from the lock file if needed)."""
    node_package("ical.js")
    node = shutil.which("node")
    assert node is not None
    folder = tmp_path_factory.mktemp("ical-js")

    def parse(body: bytes) -> dict[str, Any]:
        path = folder / "feed.ics"
        path.write_bytes(body)
        done = subprocess.run(  # noqa: S603 - our own script on our own file
            [node, str(NODE_DIR / "expand.mjs"), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"ical.js could not read the feed: {done.stderr}"
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return parse


def ten_megabyte_calendar(limit: int = 10 * 1024 * 1024) -> bytes:
    """An Outlook-like export of ten years just under ``limit`` bytes (1 in 10 recurring)."""
    head = (
        b"BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
        b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n"
        b"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n"
        b"DTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        b"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        b"DTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
        b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    )
    tail = b"END:VCALENDAR\r\n"
    parts = [head]
    size = len(head) + len(tail)
    for n in itertools.count():
        year = 2017 + n % 11
        day = f"{year}{1 + n % 12:02d}{1 + n % 28:02d}"
        hour = 8 + n % 9
        rule = f"RRULE:FREQ=WEEKLY;COUNT={4 + n % 20}\r\n" if n % 10 == 0 else ""
        text = (
            "BEGIN:VEVENT\r\nCLASS:PUBLIC\r\nCREATED:20160101T000000Z\r\n"
            f"DESCRIPTION:Overleg {n} over de voortgang\\, de planning en de begroting.\\n\r\n"
            f"DTEND;TZID=W. Europe Standard Time:{day}T{hour + 1:02d}0000\r\n"
            "DTSTAMP:20260101T000000Z\r\n"
            f"DTSTART;TZID=W. Europe Standard Time:{day}T{hour:02d}0000\r\n"
            f"{rule}LOCATION:Kantoor Utrecht\r\nPRIORITY:5\r\nSEQUENCE:0\r\n"
            f"SUMMARY;LANGUAGE=nl:Afspraak {n}\r\nTRANSP:OPAQUE\r\n"
            f"UID:040000008200E00074C5B7101A82E008{n:032X}\r\n"
            "ATTENDEE;CN=Jan de Vries;RSVP=TRUE:mailto:jan@example.nl\r\n"
            f"X-MICROSOFT-CDO-BUSYSTATUS:{'TENTATIVE' if n % 7 == 0 else 'BUSY'}\r\n"
            "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n"
            "END:VALARM\r\nEND:VEVENT\r\n"
        ).encode()
        if size + len(text) > limit:
            break
        parts.append(text)
        size += len(text)
    parts.append(tail)
    return b"".join(parts)


@pytest.fixture(scope="session", name="ten_megabytes")
def fx_ten_megabytes() -> bytes:
    """A 10 MB calendar, generated rather than committed."""
    return ten_megabyte_calendar()
