"""A VP's free and busy time: weekly hours in wall time, overrides, absences, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from vppool.calendar import (
    AvailabilityProfile,
    BusyBlock,
    Commitment,
    CommitmentKind,
    DateOverride,
    DayRange,
    Interval,
    TimeRange,
    WeeklyHours,
    availability,
    common_free_time,
    dutch_public_holidays,
)

pytestmark = pytest.mark.unit


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def week(start: time = time(9), end: time = time(17), days: range = range(7)) -> tuple:
    return tuple(WeeklyHours(day, start, end) for day in days)


def test_weekly_hours_stay_at_nine_local_across_the_spring_dst_change() -> None:
    # Sat 28 March 2026 is CET (+1), Sun 29 March CEST (+2): 09:00-17:00 local both days.
    profile = AvailabilityProfile(weekly=week())
    result = availability(profile, Interval(utc(2026, 3, 28), utc(2026, 3, 30)))
    assert result.working == (
        Interval(utc(2026, 3, 28, 8), utc(2026, 3, 28, 16)),
        Interval(utc(2026, 3, 29, 7), utc(2026, 3, 29, 15)),
    )


def test_weekly_hours_stay_at_nine_local_across_the_autumn_dst_change() -> None:
    # Sat 24 Oct 2026 is CEST (+2), Sun 25 Oct CET (+1).
    profile = AvailabilityProfile(weekly=week())
    result = availability(profile, Interval(utc(2026, 10, 24), utc(2026, 10, 26)))
    assert result.working == (
        Interval(utc(2026, 10, 24, 7), utc(2026, 10, 24, 15)),
        Interval(utc(2026, 10, 25, 8), utc(2026, 10, 25, 16)),
    )


def test_several_ranges_per_day_and_days_without_hours() -> None:
    profile = AvailabilityProfile(
        weekly=(
            WeeklyHours(0, time(9), time(12)),
            WeeklyHours(0, time(13), time(17)),
            WeeklyHours(2, time(19), time(21)),
        )
    )
    # Mon 12 Jan 2026 to Thu 15 Jan (CET, +1).
    result = availability(profile, Interval(utc(2026, 1, 12), utc(2026, 1, 15)))
    assert result.working == (
        Interval(utc(2026, 1, 12, 8), utc(2026, 1, 12, 11)),
        Interval(utc(2026, 1, 12, 12), utc(2026, 1, 12, 16)),
        Interval(utc(2026, 1, 14, 18), utc(2026, 1, 14, 20)),
    )


def test_override_replaces_the_day_and_an_empty_override_is_a_day_off() -> None:
    profile = AvailabilityProfile(
        weekly=week(),
        overrides=(
            DateOverride(date(2026, 1, 12), (TimeRange(time(13), time(15)),)),
            DateOverride(date(2026, 1, 13)),
        ),
    )
    result = availability(profile, Interval(utc(2026, 1, 12), utc(2026, 1, 15)))
    assert result.working == (
        Interval(utc(2026, 1, 12, 12), utc(2026, 1, 12, 14)),
        Interval(utc(2026, 1, 14, 8), utc(2026, 1, 14, 16)),
    )


def test_absence_removes_whole_days_with_exclusive_end_and_counts_as_away() -> None:
    profile = AvailabilityProfile(
        weekly=week(), absences=(DayRange(date(2026, 1, 13), date(2026, 1, 15)),)
    )
    result = availability(profile, Interval(utc(2026, 1, 12), utc(2026, 1, 16)))
    assert result.working == (
        Interval(utc(2026, 1, 12, 8), utc(2026, 1, 12, 16)),
        Interval(utc(2026, 1, 15, 8), utc(2026, 1, 15, 16)),
    )
    # Local midnight 13 Jan to local midnight 15 Jan.
    assert result.away == (Interval(utc(2026, 1, 12, 23), utc(2026, 1, 14, 23)),)


def test_dutch_public_holiday_removes_the_weekly_hours() -> None:
    # King's Day, Monday 27 April 2026.
    profile = AvailabilityProfile(weekly=week(days=range(5)))
    result = availability(profile, Interval(utc(2026, 4, 26), utc(2026, 4, 29)))
    assert result.working == (Interval(utc(2026, 4, 28, 7), utc(2026, 4, 28, 15)),)
    assert result.away == (Interval(utc(2026, 4, 26, 22), utc(2026, 4, 27, 22)),)


def test_holidays_can_be_switched_off_and_an_override_wins_over_a_holiday() -> None:
    window = Interval(utc(2026, 4, 27), utc(2026, 4, 28))
    off = AvailabilityProfile(weekly=week(), public_holidays=False)
    assert availability(off, window).working == (
        Interval(utc(2026, 4, 27, 7), utc(2026, 4, 27, 15)),
    )
    worked = AvailabilityProfile(
        weekly=week(),
        overrides=(DateOverride(date(2026, 4, 27), (TimeRange(time(10), time(12)),)),),
    )
    assert availability(worked, window).working == (
        Interval(utc(2026, 4, 27, 8), utc(2026, 4, 27, 10)),
    )


def test_dutch_public_holidays_of_2026() -> None:
    days = dutch_public_holidays(date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 4, 27) in days  # King's Day
    assert date(2026, 5, 14) in days  # Ascension Day
    assert date(2026, 12, 25) in days
    assert date(2026, 5, 5) not in days  # Liberation Day: only in lustrum years


def test_busy_and_commitments_are_subtracted_and_tentative_counts_as_busy() -> None:
    profile = AvailabilityProfile(weekly=week())
    window = Interval(utc(2026, 1, 12), utc(2026, 1, 13))  # working 08:00-16:00 UTC
    busy = [
        BusyBlock(utc(2026, 1, 12, 9), utc(2026, 1, 12, 10)),
        BusyBlock(utc(2026, 1, 12, 12), utc(2026, 1, 12, 13), tentative=True),
    ]
    session = Commitment(utc(2026, 1, 12, 14), utc(2026, 1, 12, 15), CommitmentKind.INTERVISION)
    result = availability(profile, window, busy=busy, commitments=[session])
    assert result.free == (
        Interval(utc(2026, 1, 12, 8), utc(2026, 1, 12, 9)),
        Interval(utc(2026, 1, 12, 10), utc(2026, 1, 12, 12)),
        Interval(utc(2026, 1, 12, 13), utc(2026, 1, 12, 14)),
        Interval(utc(2026, 1, 12, 15), utc(2026, 1, 12, 16)),
    )
    assert [b.tentative for b in result.busy] == [False, True, False]
    loose = availability(profile, window, busy=busy, tentative_is_busy=False)
    assert Interval(utc(2026, 1, 12, 10), utc(2026, 1, 12, 16)) in loose.free


def test_on_site_day_blocks_the_whole_local_day() -> None:
    profile = AvailabilityProfile(weekly=week())
    on_site = Commitment.whole_days(
        date(2026, 7, 1), date(2026, 7, 2), "Europe/Amsterdam", CommitmentKind.ON_SITE
    )
    result = availability(
        profile, Interval(utc(2026, 7, 1), utc(2026, 7, 3)), commitments=[on_site]
    )
    assert on_site.start == utc(2026, 6, 30, 22)
    assert result.free == (Interval(utc(2026, 7, 2, 7), utc(2026, 7, 2, 15)),)


def test_busy_time_is_clipped_to_the_window() -> None:
    profile = AvailabilityProfile(weekly=week())
    window = Interval(utc(2026, 1, 12, 10), utc(2026, 1, 12, 11))
    result = availability(
        profile, window, busy=[BusyBlock(utc(2026, 1, 12, 6), utc(2026, 1, 12, 10, 30))]
    )
    assert result.busy == (BusyBlock(utc(2026, 1, 12, 10), utc(2026, 1, 12, 10, 30)),)
    assert result.free == (Interval(utc(2026, 1, 12, 10, 30), utc(2026, 1, 12, 11)),)


def test_end_of_day_written_as_midnight_or_2359_runs_to_midnight() -> None:
    profile = AvailabilityProfile(
        weekly=(WeeklyHours(0, time(20), time(0)), WeeklyHours(1, time(20), time(23, 59)))
    )
    result = availability(profile, Interval(utc(2026, 1, 12), utc(2026, 1, 14)))
    assert result.working == (
        Interval(utc(2026, 1, 12, 19), utc(2026, 1, 12, 23)),
        Interval(utc(2026, 1, 13, 19), utc(2026, 1, 13, 23)),
    )


def test_a_range_inside_the_skipped_spring_hour_has_no_time() -> None:
    profile = AvailabilityProfile(weekly=(WeeklyHours(6, time(2), time(3)),))
    result = availability(profile, Interval(utc(2026, 3, 29), utc(2026, 3, 30)))
    assert result.working == ()


def test_other_zones_use_their_own_wall_time() -> None:
    profile = AvailabilityProfile(timezone="America/Curacao", weekly=week())
    result = availability(profile, Interval(utc(2026, 1, 12, 12), utc(2026, 1, 12, 23)))
    assert result.working == (Interval(utc(2026, 1, 12, 13), utc(2026, 1, 12, 21)),)


def test_common_free_time_of_three_vps_with_a_minimum_duration() -> None:
    day = utc(2026, 1, 12)

    def free(*ranges: tuple[int, int]) -> list[Interval]:
        return [Interval(day + timedelta(hours=a), day + timedelta(hours=b)) for a, b in ranges]

    slots = common_free_time(
        [free((8, 12), (13, 17)), free((9, 16)), free((8, 10), (11, 17))],
        min_duration=timedelta(hours=2),
    )
    assert slots == [Interval(day + timedelta(hours=13), day + timedelta(hours=16))]
    assert common_free_time([], min_duration=timedelta(hours=1)) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda: WeeklyHours(7, time(9), time(17)),
        lambda: TimeRange(time(17), time(9)),
        lambda: DayRange(date(2026, 1, 2), date(2026, 1, 2)),
        lambda: AvailabilityProfile(
            overrides=(DateOverride(date(2026, 1, 2)), DateOverride(date(2026, 1, 2)))
        ),
        lambda: common_free_time([], min_duration=timedelta(0)),
    ],
)
def test_invalid_inputs_are_refused_with_a_message(build: object) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        build()  # type: ignore[operator]
