"""Half-open time intervals on aware datetimes and the algebra on sorted sets of them.

A *set* here is a list of intervals sorted by start, pairwise disjoint and not touching;
:func:`merge` turns any collection into one. All results are in UTC, so intervals that
arrive in different zones compare and print alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "BusyBlock",
    "Interval",
    "clip",
    "intersect",
    "intersect_all",
    "merge",
    "merge_busy",
    "subtract",
    "total_duration",
]


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} must be timezone-aware, got the naive datetime {moment.isoformat()}"
        raise ValueError(msg)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """The half-open period ``[start, end)`` between two aware instants, stored in UTC.

    Raises:
        ValueError: If a bound is naive or ``end`` is not after ``start``.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start = _utc(self.start, "start")
        end = _utc(self.end, "end")
        if end <= start:
            msg = f"an interval must end after it starts: {start.isoformat()} .. {end.isoformat()}"
            raise ValueError(msg)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def duration(self) -> timedelta:
        """How long the interval lasts."""
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        """Whether the two intervals share some time (touching is not overlapping)."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True, order=True)
class BusyBlock:
    """A busy period ``[start, end)`` in UTC; ``tentative`` marks time that may still free up.

    Raises:
        ValueError: If a bound is naive or ``end`` is not after ``start``.
    """

    start: datetime
    end: datetime
    tentative: bool = False

    def __post_init__(self) -> None:
        interval = Interval(self.start, self.end)
        object.__setattr__(self, "start", interval.start)
        object.__setattr__(self, "end", interval.end)

    @property
    def interval(self) -> Interval:
        """The period without the tentative flag."""
        return Interval(self.start, self.end)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort the intervals and join those that overlap or touch.

    Args:
        intervals: Any intervals, in any order.

    Returns:
        The same time as a sorted list of disjoint, non-touching intervals.
    """
    result: list[Interval] = []
    for current in sorted(intervals):
        if result and current.start <= result[-1].end:
            if current.end > result[-1].end:
                result[-1] = Interval(result[-1].start, current.end)
        else:
            result.append(current)
    return result


def intersect(first: Sequence[Interval], second: Sequence[Interval]) -> list[Interval]:
    """The time that lies in both sets.

    Args:
        first: A merged set (see :func:`merge`).
        second: Another merged set.

    Returns:
        A merged set.
    """
    result: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i].start, second[j].start)
        end = min(first[i].end, second[j].end)
        if start < end:
            result.append(Interval(start, end))
        if first[i].end <= second[j].end:
            i += 1
        else:
            j += 1
    return result


def intersect_all(sets: Iterable[Sequence[Interval]]) -> list[Interval]:
    """The time that lies in every one of the sets (nothing when there are none).

    Args:
        sets: Merged sets.

    Returns:
        A merged set.
    """
    iterator = iter(sets)
    try:
        result = list(next(iterator))
    except StopIteration:
        return []
    for other in iterator:
        result = intersect(result, other)
        if not result:
            break
    return result


def subtract(base: Sequence[Interval], removed: Sequence[Interval]) -> list[Interval]:
    """The time in ``base`` that is not in ``removed``.

    Args:
        base: A merged set.
        removed: A merged set.

    Returns:
        A merged set.
    """
    result: list[Interval] = []
    j = 0
    for interval in base:
        start = interval.start
        while j < len(removed) and removed[j].end <= start:
            j += 1
        k = j
        while k < len(removed) and removed[k].start < interval.end:
            if removed[k].start > start:
                result.append(Interval(start, removed[k].start))
            start = max(start, removed[k].end)
            if start >= interval.end:
                break
            k += 1
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def clip(intervals: Sequence[Interval], window: Interval) -> list[Interval]:
    """A merged set cut to the window."""
    return intersect(intervals, [window])


def total_duration(intervals: Iterable[Interval]) -> timedelta:
    """The summed length of the intervals (merge first if they may overlap)."""
    return sum((interval.duration for interval in intervals), timedelta(0))


def merge_busy(blocks: Iterable[BusyBlock]) -> list[BusyBlock]:
    """Merge busy blocks; where firm and tentative time overlap, the firm block wins.

    Args:
        blocks: Any busy blocks, in any order.

    Returns:
        Sorted, disjoint blocks: merged firm time, and merged tentative time minus firm
        time. Adjacent firm and tentative blocks stay separate.
    """
    firm: list[Interval] = []
    tentative: list[Interval] = []
    for block in blocks:
        (tentative if block.tentative else firm).append(block.interval)
    firm = merge(firm)
    only_tentative = subtract(merge(tentative), firm)
    result = [BusyBlock(i.start, i.end) for i in firm]
    result += [BusyBlock(i.start, i.end, tentative=True) for i in only_tentative]
    result.sort()
    return result
