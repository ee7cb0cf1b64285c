"""View models the pages need, built only from service calls (scoping stays in the services).

The services answer one page of at most 200 items; :func:`all_pages` reads a whole list
through them. Pure calculations for display (a month's load, a day's free hours) live here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from vppool import calendar as cal
from vppool.db.schemas import (
    NeedPublic,
    OrganisationPublic,
    Page,
    PageQuery,
    TeamMember,
)
from vppool.services import organisations
from vppool.services._common import MAX_LIMIT
from vppool.services.access import Viewer
from vppool.services.availability import availability_by_id

__all__ = [
    "DayAvailability",
    "all_pages",
    "day_availability",
    "need_with_client",
]

ItemT = TypeVar("ItemT")
QueryT = TypeVar("QueryT", bound=PageQuery)


def all_pages(fetch: Callable[[QueryT], Page[ItemT]], query: QueryT) -> list[ItemT]:
    """Every item of a paged service list: ``fetch`` of the ``query``, page after page."""
    items: list[ItemT] = []
    while True:
        page = fetch(query.model_copy(update={"offset": len(items), "limit": MAX_LIMIT}))
        items.extend(page.items)
        if not page.items or len(items) >= page.total:
            return items


def need_with_client(
    session: Session, need: NeedPublic, viewer: Viewer | None
) -> dict[str, NeedPublic | OrganisationPublic]:
    """The need and its organisation (as ``viewer`` may see it), as a page about a need shows.

    For the template's ``need`` and ``organisation``.
    """
    client = organisations.get_organisation(
        session, organisation_id=need.organisation_id, viewer=viewer
    )
    return {"need": need, "organisation": client}


# --------------------------------------------------------------------------- availability


@dataclass(frozen=True, slots=True)
class DayAvailability:
    """One local day of a VP: free time ranges, or away (absence or public holiday)."""

    day: date
    free: list[tuple[time, time]] = field(default_factory=list)
    away: bool = False

    @property
    def free_hours(self) -> float:
        """Free hours that day."""
        total = 0.0
        for start, end in self.free:
            end_minutes = 24 * 60 if end == time(0) else end.hour * 60 + end.minute
            total += (end_minutes - start.hour * 60 - start.minute) / 60
        return round(total, 1)


def day_availability(
    session: Session, trust_person_id: int, timezone: str, first: date, days: int
) -> list[DayAvailability]:
    """A VP's free hours per day.

    From weekly hours, overrides, absences, public holidays, the busy time of their own
    calendars and their intervision sessions. Call it only for a VP the viewer may see (the
    caller has checked the scope with a scoped service call first): the records are read on
    the system's behalf.
    """
    return _days_of(session, [trust_person_id], timezone, first, days).get(trust_person_id, [])


def _days_of(
    session: Session, ids: list[int], timezone: str, first: date, days: int
) -> dict[int, list[DayAvailability]]:
    zone = ZoneInfo(timezone)
    window = cal.Interval(
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone),
    )
    states = availability_by_id(session, ids, window)
    result: dict[int, list[DayAvailability]] = {}
    for person_id, state in states.items():
        by_day: dict[date, list[tuple[time, time]]] = defaultdict(list)
        for interval in state.free:
            start = interval.start.astimezone(zone)
            end = interval.end.astimezone(zone)
            by_day[start.date()].append((start.time(), end.time()))
        away_days = set()
        for interval in state.away:
            day = interval.start.astimezone(zone).date()
            while datetime.combine(day, time(0), tzinfo=zone) < interval.end:
                away_days.add(day)
                day += timedelta(days=1)
        result[person_id] = [
            DayAvailability(
                first + timedelta(days=offset),
                by_day.get(first + timedelta(days=offset), []),
                (first + timedelta(days=offset)) in away_days,
            )
            for offset in range(days)
        ]
    return result


def team_availability(
    session: Session, team: list[TeamMember], first: date, days: int, timezone: str
) -> dict[int, list[DayAvailability]]:
    """The free hours of each member of a client's team (the team came from a scoped call)."""
    return _days_of(session, [member.trust_person.id for member in team], timezone, first, days)
