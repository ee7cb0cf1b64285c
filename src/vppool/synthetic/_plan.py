"""The existing plan: confirmed assignments a careful planner made, nearest VP first.

It keeps the matcher's hard rules (active, certificate valid through the planning horizon,
scope, language, no recorded conflict of interest at all, travel limit to the nearest site,
hours and standing clients within capacity, distinct VPs, gender mix, absences on
short-term needs) and leaves many seats open, so the matcher has work to do.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from vppool.synthetic._geo import Grid
from vppool.synthetic._records import Need, Tables, TrustPerson, iso

__all__ = ["PlanRules", "add_existing_plan", "horizon_end"]

#: Shares of the started needs a planner has already staffed (a provider keeps most of its
#: standing clients served; the rest are vacancies and new clients for the matcher).
STAFFED_STANDING = 0.85
STAFFED_SHORT_TERM = 0.5


@dataclass(frozen=True, slots=True)
class PlanRules:
    """The numbers the existing plan keeps to."""

    today: date
    horizon_end: date
    max_absence_share: float
    min_hours: float


def horizon_end(today: date, months: int) -> date:
    """The first day of the month ``months`` after today's (the matching horizon's end)."""
    index = today.month - 1 + months
    return date(today.year + index // 12, index % 12 + 1, 1)


def _minutes_up(hours: float) -> int:
    """A load in whole minutes, rounded up (as the matcher counts it)."""
    return math.ceil(hours * 60 - 1e-6)


def _minutes_down(hours: float) -> int:
    """A capacity in whole minutes, rounded down (as the matcher counts it)."""
    return math.floor(hours * 60 + 1e-6)


def _absent_share(person: TrustPerson, need: Need, rules: PlanRules) -> float:
    """Absent days over the days of the need still to serve (from the planning date)."""
    start = max(need.starts_on, rules.today)
    end = rules.horizon_end if need.ends_on is None else min(need.ends_on, rules.horizon_end)
    length = (end - start).days
    if length <= 0:
        return 0.0
    days: set[int] = set()
    for absent_from, absent_until in person.absences:
        days.update(range(max(absent_from, start).toordinal(), min(absent_until, end).toordinal()))
    return len(days) / length


class _Planner:
    def __init__(
        self,
        tables: Tables,
        rng: random.Random,
        people: list[TrustPerson],
        conflicts: set[tuple[int, int]],
        rules: PlanRules,
    ) -> None:
        self.tables = tables
        self.rng = rng
        self.conflicts = conflicts
        self.rules = rules
        self.available = [p for p in people if p.active and p.certificate_expires > rules.today]
        self.grid: Grid[TrustPerson] = Grid(self.available)
        self.reach = max((p.max_travel_km for p in self.available), default=0.0)

    def candidates(
        self, need: Need, *, enough: int, check: Callable[[TrustPerson], bool]
    ) -> list[tuple[float, TrustPerson]]:
        """VPs that pass ``check`` within travel reach of the need's nearest site.

        Nearest first; at least the ``enough`` nearest of them (when there are that many).
        """
        limits = [x for x in (need.max_travel_km, need.organisation.max_travel_km) if x is not None]
        reach = min([self.reach, *limits])

        def limit(person: TrustPerson) -> float:
            return person.max_travel_km

        best: dict[int, tuple[float, TrustPerson]] = {}
        for site in need.sites:
            for distance, person in self.grid.nearest(
                site.latitude,
                site.longitude,
                max_km=reach,
                enough=enough,
                accept=check,
                limit=limit,
            ):
                known = best.get(person.id)
                if known is None or distance < known[0]:
                    best[person.id] = (distance, person)
        return sorted(best.values(), key=lambda entry: (entry[0], entry[1].id))

    def qualified(self, person: TrustPerson, need: Need) -> bool:
        """Scope, language and no conflict of interest."""
        return (
            need.scopes <= person.scopes
            and need.languages <= person.languages
            and (person.id, need.organisation.id) not in self.conflicts
        )

    def may_serve(self, person: TrustPerson, need: Need) -> bool:
        """Every hard rule for one VP on one need, capacity included."""
        last_day_needed = self.rules.horizon_end
        if need.ends_on is not None:
            last_day_needed = min(need.ends_on, last_day_needed)
        standing = need.kind == "standing"
        return (
            self.qualified(person, need)
            and person.certificate_expires >= last_day_needed
            and person.minutes_used + _minutes_up(need.hours)
            <= _minutes_down(person.capacity_hours)
            and (not standing or person.clients_used < person.capacity_clients)
            and (
                standing or _absent_share(person, need, self.rules) <= self.rules.max_absence_share
            )
        )

    def team(self, need: Need) -> list[TrustPerson]:
        """The nearest VPs who may serve, up to the seats, with a gender mix if required."""
        if need.requires_gender_mix:
            found = self.candidates(
                need,
                enough=need.seats + 3,
                check=lambda p: p.gender is not None and self.may_serve(p, need),
            )
        else:
            found = self.candidates(
                need, enough=need.seats, check=lambda p: self.may_serve(p, need)
            )
        team: list[TrustPerson] = []
        for _, person in found:
            if len(team) == need.seats:
                break
            if need.requires_gender_mix and team and person.gender == team[0].gender:
                continue
            team.append(person)
        return team

    def assign(
        self,
        need: Need,
        seat: int,
        person: TrustPerson,
        period: tuple[date, date | None],
        status: str,
    ) -> None:
        consent = None
        if need.kind == "standing" and self.rng.random() < 0.75:
            consent = period[0] - timedelta(days=self.rng.randint(7, 60))
        self.tables.add(
            "assignment",
            {
                "need_id": need.id,
                "trust_person_id": person.id,
                "seat": seat,
                "starts_on": iso(period[0]),
                "ends_on": iso(period[1]),
                "status": status,
                "pinned": status == "confirmed" and self.rng.random() < 0.05,
                "works_council_consent_on": iso(consent),
                "matching_run_id": None,
                "revision": 0,
                "created_at": self.tables.stamp,
                "updated_at": self.tables.stamp,
            },
        )

    def staff(self, need: Need) -> None:
        """Confirm the nearest fitting team; a predecessor ended where the VP came later."""
        for seat, person in enumerate(self.team(need), start=1):
            starts = need.starts_on
            if need.kind == "standing":
                starts = max(need.starts_on, person.certified_since)
                self._predecessor(need, seat, person, starts)
            self.assign(need, seat, person, (starts, need.ends_on), "confirmed")
            person.minutes_used += _minutes_up(need.hours)
            if need.kind == "standing":
                person.clients_used += 1
            person.organisation_ids.add(need.organisation.id)
            need.organisation.served_by.add(person.id)
            if person.clients_used >= person.capacity_clients or _minutes_down(
                person.capacity_hours
            ) - person.minutes_used < _minutes_up(self.rules.min_hours):
                self.grid.remove(person)

    def _predecessor(self, need: Need, seat: int, successor: TrustPerson, starts: date) -> None:
        """Who held the seat before a VP certified later than the need began."""
        if (starts - need.starts_on).days < 60 or self.rng.random() < 0.4:
            return
        found = self.candidates(
            need,
            enough=1,
            check=lambda p: (
                p is not successor
                and p.certified_since <= need.starts_on
                and self.qualified(p, need)
            ),
        )
        if found:
            self.assign(need, seat, found[0][1], (need.starts_on, starts), "ended")

    def history(self, need: Need) -> None:
        """Ended assignments on a closed need (over, so they use no capacity now)."""
        found = self.candidates(need, enough=need.seats, check=lambda p: self.qualified(p, need))
        for seat, (_, person) in enumerate(found[: need.seats], start=1):
            self.assign(need, seat, person, (need.starts_on, need.ends_on), "ended")


def add_existing_plan(
    tables: Tables,
    rng: random.Random,
    *,
    people: list[TrustPerson],
    needs: list[Need],
    conflicts: set[tuple[int, int]],
    rules: PlanRules,
) -> None:
    """Staff most standing needs that have started and half the running short-term ones."""
    planner = _Planner(tables, rng, people, conflicts, rules)
    today = rules.today
    to_staff = [
        need
        for need in needs
        if need.status == "open"
        and need.starts_on <= today
        and rng.random() < (STAFFED_STANDING if need.kind == "standing" else STAFFED_SHORT_TERM)
    ]
    rng.shuffle(to_staff)
    for need in to_staff:
        planner.staff(need)
    for need in needs:
        if need.status == "closed" and rng.random() < 0.8:
            planner.history(need)
