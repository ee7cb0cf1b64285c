"""Import of an ICS text (a VP's own calendar) as busy time within a window.

The steps, each bounded:

1. decode and scan the text (:mod:`._scan`): size limit, binary and non-calendar input
   refused with a message that says what and where;
2. normalise time zones (:mod:`._zones`): Windows and vendor names to IANA names, home-made
   VTIMEZONEs to content-addressed names, unknown names to the VP's zone (with a warning);
3. parse each event on its own, reduced to the properties busy time depends on, so one
   broken event is skipped (and reported) without failing the rest; events that clearly
   lie outside the window are counted but not parsed;
4. apply Google's X-WR-TIMEZONE (``x_wr_timezone``);
5. expand per UID with recurring-ical-events (RRULE, RDATE, EXDATE, moved instances, also
   moved instances without their master), after :mod:`._recurrence` has bounded each rule;
6. map each occurrence to busy, tentative or free (:func:`busy_kind`) and merge.

VFREEBUSY components are read too (their FREEBUSY periods, by FBTYPE).

Limits: the file size, the number of occurrences in the window and the time spent. Hitting
the occurrence or time limit gives a result marked ``capped`` (busy time may be missing),
not an error. Dates of all-day and floating events are taken in the VP's zone.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import x_wr_timezone  # type: ignore[import-untyped]
from icalendar import Calendar, Event, FreeBusy, Timezone
from recurring_ical_events import EventAdapter, Series

from vppool.calendar._intervals import BusyBlock, Interval, merge_busy
from vppool.calendar._recurrence import plan_rules
from vppool.calendar._scan import Block, CalendarImportError, Line, decode, scan, split_line
from vppool.calendar._zones import custom_tzid, known_zone, rewrite_tzid

__all__ = [
    "BusyKind",
    "ImportLimits",
    "ImportProblem",
    "ImportResult",
    "busy_kind",
    "import_ics",
]

#: The properties busy time depends on; everything else of an event is dropped unparsed.
_KEPT = frozenset(
    {"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
    | {"SEQUENCE"}
)
_STATUS_PROPS = frozenset(
    {"TRANSP", "STATUS", "X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INTENDEDSTATUS"}
)
_WITH_TZID = frozenset({"DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID"})
_RECURRING = frozenset({"RRULE", "RDATE", "RECURRENCE-ID", "DURATION"})
_KIND_PROP = "X-VPPOOL-BUSY"
#: Dates are compared before zones are known; no zone is further than this from UTC.
_MARGIN = timedelta(days=2)
_MAX_CUSTOM_ZONES = 50
_CHECK_EVERY = 256


class BusyKind(StrEnum):
    """How an event counts for availability (RFC 4791 section 7.10)."""

    BUSY = "busy"
    TENTATIVE = "tentative"
    FREE = "free"


_CDO = {
    "FREE": BusyKind.FREE,
    "TENTATIVE": BusyKind.TENTATIVE,
    "BUSY": BusyKind.BUSY,
    "OOF": BusyKind.BUSY,
    "WORKINGELSEWHERE": BusyKind.BUSY,  # working, but not available for a visit
}


def busy_kind(properties: dict[str, str]) -> BusyKind:
    """Map an event's TRANSP, STATUS and Outlook busy status to busy, tentative or free.

    ``STATUS:CANCELLED`` is free. Outlook's ``X-MICROSOFT-CDO-BUSYSTATUS`` (or, without it,
    ``X-MICROSOFT-CDO-INTENDEDSTATUS``) decides next: FREE, TENTATIVE, BUSY, OOF. Otherwise
    RFC 4791's table: ``TRANSP:TRANSPARENT`` is free, ``STATUS:TENTATIVE`` tentative, the
    rest (opaque is the default) busy.

    Args:
        properties: Property names (upper case) to their raw values.

    Returns:
        The kind.
    """
    status = properties.get("STATUS", "").strip().upper()
    if status == "CANCELLED":
        return BusyKind.FREE
    outlook = (
        properties.get("X-MICROSOFT-CDO-BUSYSTATUS")
        or properties.get("X-MICROSOFT-CDO-INTENDEDSTATUS")
        or ""
    )
    if (kind := _CDO.get(outlook.strip().upper())) is not None:
        return kind
    if properties.get("TRANSP", "").strip().upper() == "TRANSPARENT":
        return BusyKind.FREE
    if status == "TENTATIVE":
        return BusyKind.TENTATIVE
    return BusyKind.BUSY


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Bounds on one import.

    Attributes:
        max_bytes: Larger files are refused.
        max_occurrences: At most this many occurrences in the window are used.
        time_budget_s: Work stops after this many seconds (parsing a file of the maximum
            size fits well within it); the result is then capped.
        max_rule_steps: The most candidate instances one recurring event may cost.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_occurrences: int = 10_000
    time_budget_s: float = 20.0
    max_rule_steps: int = 100_000


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something in the file that was skipped or read in a particular way."""

    message: str
    line: int | None = None
    uid: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.uid is not None:
            where.append(f"UID {self.uid}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Busy time read from a calendar.

    Attributes:
        busy: Merged busy blocks in UTC, clipped to the window; firm time wins over
            tentative time where they overlap.
        event_count: Events (VEVENTs and VFREEBUSY periods) read, in or out of the window.
        warnings: What was skipped or read specially, with line numbers and UIDs.
        capped: Whether a limit stopped the import early (busy time may be missing).
        occurrence_count: Occurrences in the window (busy or not).
    """

    busy: tuple[BusyBlock, ...]
    event_count: int
    warnings: tuple[ImportProblem, ...]
    capped: bool
    occurrence_count: int = 0


class _Stop(Exception):
    """A limit was reached; what was found so far is the result."""


@dataclass(slots=True)
class _Parsed:
    event: Event
    uid: str
    line: int
    kind: BusyKind


@dataclass(slots=True)
class _Import:
    window: Interval
    zone: ZoneInfo
    limits: ImportLimits
    clock: Callable[[], float]
    deadline: float = 0.0
    warnings: list[ImportProblem] = field(default_factory=list)
    blocks: list[BusyBlock] = field(default_factory=list)
    zones: dict[str, str | None] = field(default_factory=dict)
    unknown_zones: set[str] = field(default_factory=set)
    event_count: int = 0
    occurrences: int = 0
    capped: bool = False
    failed: int = 0
    first_failure: ImportProblem | None = None
    skip_uid_suffix: str | None = None
    skipped_own: int = 0
    x_wr_failed: bool = False

    # ------------------------------------------------------------------ bookkeeping

    def warn(self, message: str, line: int | None = None, uid: str | None = None) -> None:
        self.warnings.append(ImportProblem(message, line, uid))

    def fail(self, message: str, line: int | None, uid: str | None) -> None:
        problem = ImportProblem(f"event skipped: {message}", line, uid)
        self.warnings.append(problem)
        self.failed += 1
        self.first_failure = self.first_failure or problem

    def check_time(self) -> None:
        if self.clock() > self.deadline:
            self.capped = True
            self.warn(
                f"the import took longer than {self.limits.time_budget_s:g} s and was "
                "stopped; busy time after this point is missing"
            )
            raise _Stop

    def add(self, start: datetime, end: datetime, kind: BusyKind) -> None:
        start, end = max(start, self.window.start), min(end, self.window.end)
        if start >= end:
            return
        if self.occurrences >= self.limits.max_occurrences:
            self.capped = True
            self.warn(
                f"more than {self.limits.max_occurrences:,} occurrences in the window; "
                "the rest was left out"
            )
            raise _Stop
        self.occurrences += 1
        if self.occurrences % _CHECK_EVERY == 0:
            self.check_time()
        if kind is not BusyKind.FREE:
            self.blocks.append(BusyBlock(start, end, tentative=kind is BusyKind.TENTATIVE))

    def instant(self, value: date | datetime) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=self.zone)
        return datetime.combine(value, time(0), tzinfo=self.zone)

    # ------------------------------------------------------------------ time zones

    def read_timezones(self, blocks: Iterable[Block]) -> None:
        custom = 0
        for block in blocks:
            tzid = next((_value(x) for x in block.lines if x.text[:5].upper() == "TZID:"), None)
            if not tzid or tzid in self.zones:
                continue
            if block.problem:
                self.warn(f"time zone {tzid!r} skipped: {block.problem}", block.line)
                self.zones[tzid] = None
                continue
            if (name := known_zone(tzid)) is not None:
                self.zones[tzid] = name
                continue
            custom += 1
            if custom > _MAX_CUSTOM_ZONES:
                self.warn(f"too many home-made time zones; {tzid!r} ignored", block.line)
                self.zones[tzid] = None
                continue
            self.zones[tzid] = self.define_zone(tzid, block)

    def define_zone(self, tzid: str, block: Block) -> str | None:
        new = custom_tzid(block.lines)
        lines = [f"TZID:{new}" if x.text[:5].upper() == "TZID:" else x.text for x in block.lines]
        text = "\r\n".join(["BEGIN:VTIMEZONE", *lines, "END:VTIMEZONE", ""])
        try:
            component = Timezone.from_ical(text)
            if not isinstance(component, Timezone) or component.errors:
                raise ValueError(component.errors if component.errors else "not a VTIMEZONE")
            component.to_tz()  # parsing cached it under ``new``; this checks it works
        except Exception as error:
            self.warn(
                f"time zone {tzid!r} could not be read ({_short(error)}); times in it are "
                f"read in {self.zone.key}",
                block.line,
            )
            return None
        return new

    def resolve(self, tzid: str) -> str | None:
        if tzid not in self.zones:
            self.zones[tzid] = known_zone(tzid)
        resolved = self.zones[tzid]
        if resolved is None and tzid not in self.unknown_zones:
            self.unknown_zones.add(tzid)
            self.warn(f"unknown time zone {tzid!r} without a definition; read in {self.zone.key}")
        return resolved

    # ------------------------------------------------------------------ events

    def outside_window(self, properties: dict[str, Line], rules: list[Line]) -> bool:
        """Whether an event surely lies outside the window, judged by its raw dates.

        A series counts only when each rule ends (by UNTIL, or by COUNT without BY-parts)
        before the window; RDATEs, moved instances and DURATION are never judged here.
        """
        if any(name in properties for name in ("RDATE", "RECURRENCE-ID", "DURATION")):
            return False
        days = []
        for name in ("DTSTART", "DTEND"):
            if name in properties:
                if (day := _raw_date(_value(properties[name]))) is None:
                    return False
                days.append(day)
        if not days:
            return False
        first = self.window.start.date() - _MARGIN
        last = self.window.end.date() + _MARGIN
        if min(days) > last:
            return True  # repetitions never come before DTSTART
        length = max(days) - min(days)
        for rule in rules:
            end = _rule_end(_value(rule), min(days))
            if end is None or end + length >= first:
                return False
        return max(days) < first

    def read_event(self, block: Block) -> _Parsed | None:
        properties: dict[str, Line] = {}
        multi: list[Line] = []
        status: dict[str, str] = {}
        depth = 0
        for line in block.lines:
            upper = line.text[:6].upper()
            if upper.startswith("BEGIN:"):
                depth += 1
                continue
            if upper.startswith("END:"):
                depth -= 1
                continue
            if depth:
                continue  # VALARM and other sub-components do not matter for busy time
            name, _, value = split_line(line.text)
            if name in _STATUS_PROPS:
                status[name] = value
            elif name in ("RDATE", "EXDATE", "RRULE"):
                multi.append(line)
                properties.setdefault(name, line)
            elif name in _KEPT:
                properties.setdefault(name, line)
        uid_line = properties.get("UID")
        uid = _value(uid_line) if uid_line else None
        if uid is not None and self.skip_uid_suffix and uid.endswith(self.skip_uid_suffix):
            self.skipped_own += 1
            return None
        if block.problem:
            self.fail(block.problem, block.line, uid)
            return None
        if "DTSTART" not in properties:
            self.fail("it has no DTSTART", block.line, uid)
            return None
        if self.outside_window(properties, [x for x in multi if x.text[:5].upper() == "RRULE"]):
            self.event_count += 1
            return None
        kind = busy_kind(status)
        key = uid if uid is not None else f"vppool-line-{block.line}"
        text = ["BEGIN:VEVENT", f"UID:{key}", f"{_KIND_PROP}:{kind.value}"]
        single = [v for k, v in properties.items() if k not in ("UID", "RRULE", "RDATE", "EXDATE")]
        for line in [*single, *multi]:
            name = split_line(line.text)[0]
            if name in _WITH_TZID:
                new, _ = rewrite_tzid(line.text, self.resolve)
                text.append(new)
            else:
                text.append(line.text)
        text += ["END:VEVENT", ""]
        try:
            event = Event.from_ical("\r\n".join(text))
        except Exception as error:
            self.fail(_short(error), block.line, uid)
            return None
        if not isinstance(event, Event):
            self.fail("it is not an event", block.line, uid)
            return None
        if event.errors:
            prop, message = event.errors[0]
            self.fail(f"{prop or 'a line'} is invalid: {_short(message)}", block.line, uid)
            return None
        if "DTEND" in event and self.instant(event.DTEND) < self.instant(event.DTSTART):
            # recurring-ical-events would swap them; a reversed event is a broken event.
            self.fail("DTEND is before DTSTART", block.line, uid)
            return None
        self.event_count += 1
        return _Parsed(event, key, block.line, kind)

    def read_freebusy(self, block: Block) -> None:
        if block.problem:
            self.fail(block.problem, block.line, None)
            return
        lines = [x.text for x in block.lines if split_line(x.text)[0] in ("FREEBUSY", "UID")]
        text = "\r\n".join(["BEGIN:VFREEBUSY", *lines, "END:VFREEBUSY", ""])
        try:
            component = FreeBusy.from_ical(text)
        except Exception as error:
            self.fail(_short(error), block.line, None)
            return
        values = component.get("FREEBUSY", [])
        for value in values if isinstance(values, list) else [values]:
            fbtype = str(value.params.get("FBTYPE", "BUSY")).upper()
            kind = {"FREE": BusyKind.FREE, "BUSY-TENTATIVE": BusyKind.TENTATIVE}.get(
                fbtype, BusyKind.BUSY
            )
            try:
                start, end_or_duration = value.dt
                start = self.instant(start)
                end = (
                    start + end_or_duration
                    if isinstance(end_or_duration, timedelta)
                    else self.instant(end_or_duration)
                )
            except (TypeError, ValueError) as error:
                self.fail(f"a FREEBUSY period is invalid: {_short(error)}", block.line, None)
                continue
            self.event_count += 1
            if end > start:
                self.add(start, end, kind)

    # ------------------------------------------------------------------ expansion

    def expand(self, group: list[_Parsed]) -> None:
        kinds = {parsed.kind for parsed in group}
        if kinds == {BusyKind.FREE}:
            return
        uid = group[0].uid
        span_start = self.window.start - _MARGIN
        span_end = self.window.end + _MARGIN
        for parsed in group:
            if "RRULE" in parsed.event and "RECURRENCE-ID" not in parsed.event:
                plan = plan_rules(
                    parsed.event,
                    window_start=span_start,
                    window_end=span_end,
                    budget=self.limits.max_rule_steps,
                    zone=self.zone,
                )
                if plan.note:
                    self.capped = True
                    self.warn(plan.note, parsed.line, uid)
                if plan.skip:
                    return
                span_end = min(span_end, plan.expand_until)
        try:
            series = Series([EventAdapter(parsed.event) for parsed in group])
            for occurrence in series.between(span_start, span_end):
                kind = (
                    group[0].kind
                    if len(kinds) == 1
                    else BusyKind(str(occurrence.as_component(False).get(_KIND_PROP)))
                )
                start = self.instant(occurrence.start)
                end = self.instant(occurrence.end)
                if end > start:
                    self.add(start, end, kind)
        except _Stop:
            raise
        except Exception as error:
            self.fail(f"its repetition cannot be read: {_short(error)}", group[0].line, uid)

    # ------------------------------------------------------------------ the whole

    def run(self, data: bytes | str) -> ImportResult:
        self.deadline = self.clock() + self.limits.time_budget_s
        text, notes = decode(data, self.limits.max_bytes)
        for note in notes:
            self.warn(note)
        scanned = scan(
            text, {"VEVENT": _KEPT | _STATUS_PROPS, "VFREEBUSY": frozenset({"FREEBUSY", "UID"})}
        )
        for line, note in scanned.notes:
            self.warn(note, line)
        calendar_props = {split_line(x.text)[0]: split_line(x.text)[2] for x in scanned.properties}
        calscale = calendar_props.get("CALSCALE", "GREGORIAN").strip().upper()
        if calscale != "GREGORIAN":
            msg = "only Gregorian calendars can be read, this one is CALSCALE:{calscale}"
            raise CalendarImportError(msg, calscale=calscale)
        self.read_timezones(b for b in scanned.blocks if b.name == "VTIMEZONE")
        wr_zone = self.x_wr_zone(calendar_props.get("X-WR-TIMEZONE"))
        event_blocks = [b for b in scanned.blocks if b.name == "VEVENT"]
        shared = _shared_uids(event_blocks)
        groups: dict[str, list[_Parsed]] = {}
        try:
            for number, block in enumerate(event_blocks):
                if number % _CHECK_EVERY == 0:
                    self.check_time()
                if (event := self.read_event(block)) is None:
                    continue
                if event.uid in shared:
                    groups.setdefault(event.uid, []).append(event)
                else:
                    # Expanded at once and let go: a file of 50,000 single events never
                    # holds 50,000 parsed events, so memory stays near the file's size.
                    self.expand(self.apply_x_wr_timezone([event], wr_zone))
            for block in scanned.blocks:
                if block.name == "VFREEBUSY":
                    self.read_freebusy(block)
            for group in groups.values():
                self.check_time()
                self.expand(self.apply_x_wr_timezone(group, wr_zone))
        except _Stop:
            pass
        if self.skipped_own:
            self.warn(
                f"{self.skipped_own} events come from vppool's own feed and were left out "
                "(vppool already knows them)"
            )
        if self.first_failure and self.event_count == 0:  # nothing at all could be read
            msg = "none of the {failed} events could be read; the first: {first}"
            raise CalendarImportError(
                msg,
                line=self.first_failure.line,
                uid=self.first_failure.uid,
                failed=self.failed,
                first=self.first_failure.message.removeprefix("event skipped: "),
            )
        return ImportResult(
            busy=tuple(merge_busy(self.blocks)),
            event_count=self.event_count,
            warnings=tuple(self.warnings),
            capped=self.capped,
            occurrence_count=self.occurrences,
        )

    def x_wr_zone(self, value: str | None) -> str | None:
        """The zone of Google's X-WR-TIMEZONE, if the calendar has a known one."""
        if not value:
            return None
        zone_name = known_zone(value.strip())
        if zone_name is None:
            self.warn(f"X-WR-TIMEZONE {value.strip()!r} is not a known time zone; ignored")
        return zone_name

    def apply_x_wr_timezone(self, parsed: list[_Parsed], zone_name: str | None) -> list[_Parsed]:
        """The events of one UID with X-WR-TIMEZONE applied (as Google means it)."""
        if zone_name is None or not parsed:
            return parsed
        calendar = Calendar()
        calendar.add("X-WR-TIMEZONE", zone_name)
        for item in parsed:
            calendar.add_component(item.event)
        try:
            standard: Any = x_wr_timezone.to_standard(calendar)
            events = standard.walk("VEVENT")
        except Exception as error:  # the package raises what icalendar raises
            if not self.x_wr_failed:
                self.x_wr_failed = True
                self.warn(f"X-WR-TIMEZONE {zone_name!r} could not be applied: {_short(error)}")
            return parsed
        return [
            _Parsed(event, item.uid, item.line, item.kind)
            for event, item in zip(events, parsed, strict=True)
        ]


def _shared_uids(blocks: list[Block]) -> set[str]:
    """UIDs that more than one event carries (a series and its moved instances)."""
    seen: set[str] = set()
    shared: set[str] = set()
    for block in blocks:
        uid = next((_value(x) for x in block.lines if split_line(x.text)[0] == "UID"), None)
        if uid is None:
            continue
        if uid in seen:
            shared.add(uid)
        seen.add(uid)
    return shared


_PERIOD_DAYS = {
    "SECONDLY": 1 / 86400,
    "MINUTELY": 1 / 1440,
    "HOURLY": 1 / 24,
    "DAILY": 1,
    "WEEKLY": 7,
    "MONTHLY": 31,
    "YEARLY": 366,
}


def _raw_date(value: str) -> date | None:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _rule_end(rule: str, start: date) -> date | None:
    """The latest date a raw RRULE can reach, if that is clear without expanding it."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    if "UNTIL" in parts:
        return _raw_date(parts["UNTIL"])
    if "COUNT" in parts and not any(key.startswith("BY") for key in parts):
        try:
            count, interval = int(parts["COUNT"]), int(parts.get("INTERVAL", "1"))
            days = math.ceil(count * max(interval, 1) * _PERIOD_DAYS[parts.get("FREQ", "")])
            return start + timedelta(days=days)
        except (KeyError, ValueError, OverflowError):
            return None
    return None


def _value(line: Line) -> str:
    return split_line(line.text)[2].strip()


def _short(error: object) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def import_ics(
    data: bytes | str,
    *,
    window: Interval,
    timezone: str = "Europe/Amsterdam",
    limits: ImportLimits = ImportLimits(),
    clock: Callable[[], float] = _time.monotonic,
    skip_uid_suffix: str | None = None,
) -> ImportResult:
    """Read the busy time of an iCalendar file within a window.

    Args:
        data: The file or fetched body (bytes, or already decoded text).
        window: Only busy time in this period is returned (e.g. 30 days back, a year ahead).
        timezone: The VP's zone: all-day and floating times are local times there.
        limits: Size, occurrence, rule and time limits.
        clock: A monotonic clock in seconds (tests pass a fake one).
        skip_uid_suffix: Events whose UID ends with this are left out (``"@vppool"``: a
            VP who subscribed to their vppool feed in the calendar they link must not have
            vppool's own items read back as busy time).

    Returns:
        The merged busy blocks, the number of events read, warnings and whether a limit
        was hit.

    Raises:
        CalendarImportError: If the input is not a readable calendar at all (too large,
            binary, a web page, cut off, nested too deep, or none of its events readable).
    """
    job = _Import(
        window=window,
        zone=ZoneInfo(timezone),
        limits=limits,
        clock=clock,
        skip_uid_suffix=skip_uid_suffix,
    )
    return job.run(data)
