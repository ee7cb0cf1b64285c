"""A VP's free and busy time in a window, computed in the VP's own wall time.

Working hours are local times of day (several ranges per weekday), so a range of 09:00-17:00
stays 09:00-17:00 on the Sundays the clocks change; each local date is converted to UTC
on its own. Per date the most specific rule applies:

1. an absence (whole days, ``[starts_on, ends_on)``) removes the whole day;
2. a date override replaces the weekly hours of that date (no ranges: a day off), also on a
   public holiday: whoever sets hours on a holiday means to work then;
3. a Dutch public holiday (the ``holidays`` package, NL) removes the weekly hours;
4. otherwise the weekly hours of that weekday.

Busy time (imported from the VP's own calendars, and vppool's own commitments) is subtracted
from the working time to give the free time. Tentative busy time counts as busy unless the
caller says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from vppool.calendar._intervals import (
    BusyBlock,
    Interval,
    clip,
    intersect_all,
    merge,
    merge_busy,
    subtract,
)

__all__ = [
    "Availability",
    "AvailabilityProfile",
    "Commitment",
    "CommitmentKind",
    "DateOverride",
    "DayRange",
    "TimeRange",
    "WeeklyHours",
    "availability",
    "booked_days",
    "common_free_time",
    "dutch_public_holidays",
    "local_day",
]

#: An end of day given as 23:59 or later means midnight, as people write it in forms.
_END_OF_DAY_FROM = time(23, 59)
_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


def _is_end_of_day(moment: time) -> bool:
    return moment == time(0) or moment >= _END_OF_DAY_FROM


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A local time-of-day range ``[start, end)``; an end of 00:00 or 23:59+ means midnight.

    Raises:
        ValueError: If the end is not after the start.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            msg = "working hours are local wall times: give times without tzinfo"
            raise ValueError(msg)
        if not _is_end_of_day(self.end) and self.end <= self.start:
            msg = f"end {self.end.isoformat()} must be after start {self.start.isoformat()}"
            raise ValueError(msg)

    def on(self, day: date, zone: ZoneInfo) -> Interval | None:
        """This range on a local date as UTC instants, or ``None`` when DST swallows it."""
        start = datetime.combine(day, self.start, tzinfo=zone)
        end = (
            local_day(day + _ONE_DAY, zone)
            if _is_end_of_day(self.end)
            else datetime.combine(day, self.end, tzinfo=zone)
        )
        # Compare in UTC: aware datetimes that share a tzinfo compare by wall time, and a
        # range inside the hour skipped in spring has no real time at all.
        utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
        return Interval(utc_start, utc_end) if utc_start < utc_end else None


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Working hours on one weekday (0 = Monday ... 6 = Sunday) in the VP's zone.

    Raises:
        ValueError: If the weekday is not 0-6 or the range is empty.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            msg = f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}"
            raise ValueError(msg)
        TimeRange(self.start, self.end)

    @property
    def range(self) -> TimeRange:
        """The hours as a time range."""
        return TimeRange(self.start, self.end)


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Replaces the weekly hours of one local date; no ranges means a day off."""

    on: date
    ranges: tuple[TimeRange, ...] = ()


@dataclass(frozen=True, slots=True)
class DayRange:
    """Whole local days ``[starts_on, ends_on)``, e.g. an absence.

    Raises:
        ValueError: If ``ends_on`` is not after ``starts_on``.
    """

    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on <= self.starts_on:
            msg = f"ends_on {self.ends_on} must be after starts_on {self.starts_on} (exclusive)"
            raise ValueError(msg)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.starts_on <= day < self.ends_on


class CommitmentKind(StrEnum):
    """What a VP has already committed to in vppool."""

    ON_SITE = "on_site"  # a day at a client for an assignment
    INTERVISION = "intervision"
    INFO_SESSION = "info_session"  # an information session at a client's site
    TRAINING = "training"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Commitment:
    """A vppool commitment ``[start, end)`` that makes the VP busy.

    Raises:
        ValueError: If a bound is naive or the end is not after the start.
    """

    start: datetime
    end: datetime
    kind: CommitmentKind
    tentative: bool = False

    def __post_init__(self) -> None:
        interval = Interval(self.start, self.end)
        object.__setattr__(self, "start", interval.start)
        object.__setattr__(self, "end", interval.end)

    @classmethod
    def whole_days(
        cls,
        starts_on: date,
        ends_on: date,
        timezone: str,
        kind: CommitmentKind,
        *,
        tentative: bool = False,
    ) -> Commitment:
        """Whole local days ``[starts_on, ends_on)`` in ``timezone``, e.g. on-site days."""
        zone = ZoneInfo(timezone)
        days = DayRange(starts_on, ends_on)
        return cls(
            local_day(days.starts_on, zone),
            local_day(days.ends_on, zone),
            kind,
            tentative=tentative,
        )

    def as_busy(self) -> BusyBlock:
        """The commitment as busy time."""
        return BusyBlock(self.start, self.end, tentative=self.tentative)


@dataclass(frozen=True, slots=True)
class AvailabilityProfile:
    """Everything about a VP's regular availability, in the VP's own time zone."""

    timezone: str = "Europe/Amsterdam"
    weekly: tuple[WeeklyHours, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    absences: tuple[DayRange, ...] = ()
    public_holidays: bool = True

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fails early with ZoneInfoNotFoundError on a bad name
        seen: set[date] = set()
        for override in self.overrides:
            if override.on in seen:
                msg = f"two overrides for {override.on}; give one with all its ranges"
                raise ValueError(msg)
            seen.add(override.on)


@dataclass(frozen=True, slots=True)
class Availability:
    """A VP's time in a window, as merged sets of UTC intervals.

    Attributes:
        window: The window everything is clipped to.
        working: Working time by the weekly hours, overrides, absences and holidays.
        busy: Busy time (imported and commitments), firm and tentative, clipped.
        free: Working time that is not busy.
        away: Whole local days of absence or public holiday.
    """

    window: Interval
    working: tuple[Interval, ...]
    busy: tuple[BusyBlock, ...]
    free: tuple[Interval, ...]
    away: tuple[Interval, ...] = field(default=())


def local_day(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight at the start of ``day`` in ``zone`` (an aware datetime)."""
    return datetime.combine(day, time(0), tzinfo=zone)


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> tuple[tuple[date, str], ...]:
    calendar = holidays.country_holidays("NL", years=year)
    return tuple(sorted(calendar.items()))


def dutch_public_holidays(first: date, last: date) -> dict[date, str]:
    """Dutch public holidays from ``first`` up to and including ``last``.

    This is the ``holidays`` package's list for NL as it stands: it includes Good Friday
    and the Sundays of Easter and Whitsun, and Liberation Day only in the lustrum years.
    Whether Good Friday is a day off depends on the VP's contract; a VP who works then sets
    a date override, which wins over a holiday.
    """
    result: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _holidays_of_year(year):
            if first <= day <= last:
                result[day] = name
    return result


def _to_busy(busy: Iterable[BusyBlock], commitments: Iterable[Commitment]) -> list[BusyBlock]:
    blocks = list(busy)
    blocks.extend(commitment.as_busy() for commitment in commitments)
    return merge_busy(blocks)


def availability(
    profile: AvailabilityProfile,
    window: Interval,
    *,
    busy: Iterable[BusyBlock] = (),
    commitments: Iterable[Commitment] = (),
    tentative_is_busy: bool = True,
) -> Availability:
    """Compute a VP's working, busy, free and away time in ``window``.

    Args:
        profile: Weekly hours, overrides, absences, holidays and the VP's zone.
        window: The period to compute, e.g. the next four weeks.
        busy: Busy time imported from the VP's own calendars.
        commitments: vppool's own commitments (on-site days, intervision, trainings).
        tentative_is_busy: Whether tentative busy time is subtracted from free time.

    Returns:
        The merged sets, all clipped to the window.
    """
    zone = ZoneInfo(profile.timezone)
    first = window.start.astimezone(zone).date() - _ONE_DAY
    last = window.end.astimezone(zone).date() + _ONE_DAY
    holidays_in_window = dutch_public_holidays(first, last) if profile.public_holidays else {}
    overrides = {override.on: override.ranges for override in profile.overrides}
    weekly: dict[int, list[TimeRange]] = {}
    for hours in profile.weekly:
        weekly.setdefault(hours.weekday, []).append(hours.range)

    working: list[Interval] = []
    away: list[Interval] = []
    day = first
    while day <= last:
        if any(day in absence for absence in profile.absences):
            away.append(Interval(local_day(day, zone), local_day(day + _ONE_DAY, zone)))
        elif day in overrides:
            working.extend(_on_day(overrides[day], day, zone))
        elif day in holidays_in_window:
            away.append(Interval(local_day(day, zone), local_day(day + _ONE_DAY, zone)))
        else:
            working.extend(_on_day(weekly.get(day.weekday(), ()), day, zone))
        day += _ONE_DAY

    working_set = clip(merge(working), window)
    busy_blocks = _clip_busy(_to_busy(busy, commitments), window)
    blocking = merge(b.interval for b in busy_blocks if tentative_is_busy or not b.tentative)
    return Availability(
        window=window,
        working=tuple(working_set),
        busy=tuple(busy_blocks),
        free=tuple(subtract(working_set, blocking)),
        away=tuple(clip(merge(away), window)),
    )


def booked_days(state: Availability, timezone: str) -> tuple[DayRange, ...]:
    """Local days on which the VP would work but has no free time left, as day ranges.

    A day counts when it has working time and busy time covers all of it (e.g. a
    whole-day "on leave" event in the VP's own calendar). Days of absence or public holiday
    are not working days and so never count; consecutive days form one range.

    Args:
        state: The VP's availability (compute it with ``tentative_is_busy=False`` to let
            only firm busy time book a day).
        timezone: The VP's zone, which decides where a local day starts.

    Returns:
        The booked days in date order.
    """
    zone = ZoneInfo(timezone)

    def days_of(intervals: Iterable[Interval]) -> set[date]:
        days: set[date] = set()
        for interval in intervals:
            day = interval.start.astimezone(zone).date()
            last = (interval.end - _TICK).astimezone(zone).date()
            while day <= last:
                days.add(day)
                day += _ONE_DAY
        return days

    booked = sorted(days_of(state.working) - days_of(state.free))
    ranges: list[DayRange] = []
    for day in booked:
        if ranges and ranges[-1].ends_on == day:
            ranges[-1] = DayRange(ranges[-1].starts_on, day + _ONE_DAY)
        else:
            ranges.append(DayRange(day, day + _ONE_DAY))
    return tuple(ranges)


def _on_day(ranges: Iterable[TimeRange], day: date, zone: ZoneInfo) -> list[Interval]:
    return [interval for r in ranges if (interval := r.on(day, zone)) is not None]


def _clip_busy(blocks: Sequence[BusyBlock], window: Interval) -> list[BusyBlock]:
    result = []
    for block in blocks:
        start = max(block.start, window.start)
        end = min(block.end, window.end)
        if start < end:
            result.append(BusyBlock(start, end, tentative=block.tentative))
    return result


def common_free_time(
    free_sets: Iterable[Sequence[Interval]], *, min_duration: timedelta
) -> list[Interval]:
    """The periods in which everyone is free, at least ``min_duration`` long.

    Args:
        free_sets: One merged set of free time per person (e.g. ``Availability.free``).
        min_duration: The shortest period worth returning (e.g. a 3-hour intervision).

    Returns:
        A merged set; empty when there are no people.
    """
    if min_duration <= timedelta(0):
        msg = f"min_duration must be positive, got {min_duration}"
        raise ValueError(msg)
    return [i for i in intersect_all(free_sets) if i.duration >= min_duration]
