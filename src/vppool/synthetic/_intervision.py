"""Intervision groups of last year and this year, their sessions, attendance and hours."""

from __future__ import annotations

import random
from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vppool.settings import RuleDefaults
from vppool.synthetic._geo import haversine_km
from vppool.synthetic._places import Place
from vppool.synthetic._records import Tables, TrustPerson, iso

__all__ = ["SESSION_HOURS", "SESSION_MONTHS", "add_intervision", "group_sizes"]

#: Months the groups meet in, and how long a meeting lasts (5 x 2 h = 10 h a year, a little
#: above the 8 h a year that 32 h per 4-year cycle asks).
SESSION_MONTHS = (2, 4, 6, 9, 11)
SESSION_HOURS = 2.0
SESSION_START = time(13, 30)


def group_sizes(count: int, smallest: int, largest: int) -> list[int]:
    """Sizes of groups, each between ``smallest`` and ``largest``, that hold ``count`` people.

    As many groups as a size near 5 gives; fewer people than ``smallest`` make no group,
    and numbers that cannot be split exactly (7 with sizes 4-6) leave the rest out.
    """
    if count < smallest:
        return []
    target = min(max(5, smallest), largest)
    groups = max(1, round(count / target))
    while count > largest * groups:
        groups += 1
    while groups > 1 and count < smallest * groups:
        groups -= 1
    placed = min(count, largest * groups)
    base, rest = divmod(placed, groups)
    return [base + 1] * rest + [base] * (groups - rest)


def _clash(person: TrustPerson, group: list[TrustPerson]) -> bool:
    return any(person.organisation_ids & member.organisation_ids for member in group)


def _groups(
    people: list[TrustPerson], sizes: list[int], smallest: int, largest: int
) -> list[list[TrustPerson]]:
    """Fill groups in the given order, keeping apart VPs who serve the same organisation.

    Whoever does not fit where their turn came goes to any group with room; a group left
    too small is shared out the same way (what cannot be placed stays out this year).
    """
    queue = deque(people)
    groups: list[list[TrustPerson]] = []
    for size in sizes:
        group: list[TrustPerson] = []
        skipped: list[TrustPerson] = []
        while queue and len(group) < size:
            person = queue.popleft()
            (skipped if _clash(person, group) else group).append(person)
        queue.extendleft(reversed(skipped))
        groups.append(group)
    left = list(queue)
    small = [group for group in groups if len(group) < smallest]
    groups = [group for group in groups if len(group) >= smallest]
    for person in left + [person for group in small for person in group]:
        for group in groups:
            if len(group) < largest and not _clash(person, group):
                group.append(person)
                break
    return groups


def _meeting_place(group: list[TrustPerson]) -> Place:
    """The home town of the member nearest the group's centre (never a home address)."""
    latitude = sum(p.latitude for p in group) / len(group)
    longitude = sum(p.longitude for p in group) / len(group)
    nearest = min(
        group, key=lambda p: (haversine_km(latitude, longitude, p.latitude, p.longitude), p.id)
    )
    return nearest.place


def _session_days(rng: random.Random, year: int) -> list[date]:
    days = []
    for month in SESSION_MONTHS:
        first = date(year, month, 1)
        tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
        days.append(tuesday + timedelta(days=7 * rng.randint(0, 2) + rng.randint(0, 2)))
    return days


def add_intervision(
    tables: Tables,
    rng: random.Random,
    people: list[TrustPerson],
    today: date,
    rules: RuleDefaults,
    *,
    zone: str,
) -> None:
    """Groups for last year and this year; held sessions with attendance and hours.

    Members who attend a held session get an intervision education record linked to it;
    future sessions are planned, a few past ones were cancelled. Keen VPs (on pace with
    their education) attend more often than those falling behind.
    """
    local = ZoneInfo(zone)
    for year in (today.year - 1, today.year):
        members = [p for p in people if p.active and p.certified_since <= date(year, 12, 31)]
        # A sweep across the country in bands of latitude; bands shift by year, so groups
        # of last year and this year differ.
        offset = 0.0 if year % 2 else 0.25
        members.sort(key=lambda p: (round((p.latitude + offset) / 0.5), p.longitude, p.id))
        sizes = group_sizes(len(members), rules.intervision_group_min, rules.intervision_group_max)
        groups = _groups(members, sizes, rules.intervision_group_min, rules.intervision_group_max)
        for number, group in enumerate(groups, start=1):
            place = _meeting_place(group)
            group_id = tables.add(
                "intervision_group",
                {
                    "name": f"Intervisiegroep {number:02d} {place.name}",
                    "year": year,
                    "meeting_place": place.name,
                    "meeting_latitude": place.latitude,
                    "meeting_longitude": place.longitude,
                    "created_at": tables.stamp,
                },
            )
            for person in group:
                tables.add(
                    "intervision_member", {"group_id": group_id, "trust_person_id": person.id}
                )
            for day in _session_days(rng, year):
                starts = datetime.combine(day, SESSION_START, tzinfo=local).astimezone(UTC)
                held = day < today
                status = "held" if held else "planned"
                if held and rng.random() < 0.04:
                    status = "cancelled"
                session_id = tables.add(
                    "intervision_session",
                    {
                        "group_id": group_id,
                        "starts_at": iso(starts),
                        "ends_at": iso(starts + timedelta(hours=SESSION_HOURS)),
                        "location": place.name,
                        "status": status,
                        "revision": 0,
                        "updated_at": tables.stamp,
                    },
                )
                if status != "held":
                    continue
                for person in group:
                    attended = rng.random() < min(0.97, 0.55 + 0.4 * person.education_pace)
                    tables.add(
                        "intervision_attendance",
                        {
                            "session_id": session_id,
                            "trust_person_id": person.id,
                            "attended": attended,
                        },
                    )
                    if attended:
                        tables.add(
                            "education_record",
                            {
                                "trust_person_id": person.id,
                                "category": "intervision",
                                "title": f"Intervisie {place.name} {day:%d-%m-%Y}",
                                "hours": SESSION_HOURS,
                                "completed_on": iso(day),
                                "accredited": False,
                                "evidence_ref": None,
                                "intervision_session_id": session_id,
                                "created_at": tables.stamp,
                            },
                        )
