"""Interval algebra, checked against a model of sets of minutes (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vppool.calendar import (
    BusyBlock,
    Interval,
    intersect,
    intersect_all,
    merge,
    merge_busy,
    subtract,
    total_duration,
)

pytestmark = pytest.mark.unit

BASE = datetime(2026, 3, 29, tzinfo=UTC)


def minutes(a: int, b: int) -> Interval:
    return Interval(BASE + timedelta(minutes=a), BASE + timedelta(minutes=b))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = draw(st.integers(0, 300))
    return minutes(start, start + draw(st.integers(1, 60)))


interval_lists = st.lists(intervals(), max_size=12)


def as_minutes(items: list[Interval]) -> set[int]:
    result: set[int] = set()
    for i in items:
        first = int((i.start - BASE).total_seconds() // 60)
        result.update(range(first, first + int(i.duration.total_seconds() // 60)))
    return result


def is_merged(items: list[Interval]) -> bool:
    return all(a.end < b.start for a, b in itertools.pairwise(items))


@given(interval_lists)
def test_merge_keeps_the_time_and_leaves_sorted_disjoint_intervals(items: list[Interval]) -> None:
    merged = merge(items)
    assert as_minutes(merged) == as_minutes(items)
    assert is_merged(merged)
    assert merge(merged) == merged


@given(interval_lists, interval_lists)
def test_intersect_is_the_common_time(a: list[Interval], b: list[Interval]) -> None:
    result = intersect(merge(a), merge(b))
    assert as_minutes(result) == as_minutes(a) & as_minutes(b)
    assert is_merged(merge(result))
    assert result == intersect(merge(b), merge(a))


@given(interval_lists, interval_lists)
def test_subtract_removes_exactly_the_other_time(a: list[Interval], b: list[Interval]) -> None:
    result = subtract(merge(a), merge(b))
    assert as_minutes(result) == as_minutes(a) - as_minutes(b)
    assert is_merged(result)


@given(st.lists(interval_lists, min_size=1, max_size=4))
def test_intersect_all_is_the_time_everyone_shares(sets: list[list[Interval]]) -> None:
    expected = set.intersection(*(as_minutes(s) for s in sets))
    assert as_minutes(intersect_all([merge(s) for s in sets])) == expected


@given(interval_lists, interval_lists)
def test_merge_busy_gives_firm_time_priority_over_tentative(
    firm: list[Interval], tentative: list[Interval]
) -> None:
    blocks = [BusyBlock(i.start, i.end) for i in firm]
    blocks += [BusyBlock(i.start, i.end, tentative=True) for i in tentative]
    result = merge_busy(blocks)
    firm_minutes = as_minutes([b.interval for b in result if not b.tentative])
    tentative_minutes = as_minutes([b.interval for b in result if b.tentative])
    assert firm_minutes == as_minutes(firm)
    assert tentative_minutes == as_minutes(tentative) - as_minutes(firm)
    assert result == sorted(result)


@given(interval_lists)
def test_total_duration_of_merged_set_counts_each_minute_once(items: list[Interval]) -> None:
    assert total_duration(merge(items)) == timedelta(minutes=len(as_minutes(items)))


def test_intersect_all_of_nothing_is_nothing() -> None:
    assert intersect_all([]) == []


def test_interval_is_stored_in_utc_whatever_zone_it_came_in() -> None:
    cet = timezone(timedelta(hours=1))
    interval = Interval(datetime(2026, 1, 5, 9, tzinfo=cet), datetime(2026, 1, 5, 10, tzinfo=cet))
    assert interval.start == datetime(2026, 1, 5, 8, tzinfo=UTC)
    assert interval.start.tzinfo is UTC


def test_touching_intervals_merge_but_do_not_overlap() -> None:
    a, b = minutes(0, 10), minutes(10, 20)
    assert not a.overlaps(b)
    assert merge([b, a]) == [minutes(0, 20)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11, tzinfo=UTC)),
        (datetime(2026, 1, 1, 11, tzinfo=UTC), datetime(2026, 1, 1, 10, tzinfo=UTC)),
        (datetime(2026, 1, 1, 10, tzinfo=UTC), datetime(2026, 1, 1, 10, tzinfo=UTC)),
    ],
)
def test_naive_or_empty_intervals_are_refused(start: datetime, end: datetime) -> None:
    with pytest.raises(ValueError, match=r"aware|after"):
        Interval(start, end)
