"""Conflicts of interest and preferences between VPs and organisations."""

from __future__ import annotations

import random
from datetime import date, timedelta

from vppool.synthetic._geo import Grid
from vppool.synthetic._records import Organisation, Tables, TrustPerson, iso

__all__ = ["add_conflicts", "add_preferences"]

#: reason -> (weight, chance the tie has ended, notes)
CONFLICTS: dict[str, tuple[int, float, tuple[str | None, ...]]] = {
    "employment": (35, 0.7, ("Voormalig werkgever", "Werkt hier parttime", None)),
    "works_council": (12, 0.5, ("Was lid van de ondernemingsraad", None)),
    "personal_tie": (20, 0.0, ("Partner werkt hier", "Familielid in het management", None)),
    "hr_role": (8, 0.8, ("Eerder HR-adviseur", None)),
    "management": (6, 0.8, ("Eerder leidinggevende", None)),
    "company_doctor": (3, 0.3, ("Bedrijfsarts voor deze organisatie", None)),
    "company_social_worker": (4, 0.3, ("Bedrijfsmaatschappelijk werk", None)),
    "other": (12, 0.2, ("Eerder als trainer ingehuurd", "Adviesopdracht", None)),
}
#: Conflicts are with organisations about this close to home, where VPs live and work.
CONFLICT_RADIUS_KM = 25.0


def add_conflicts(
    tables: Tables,
    rng: random.Random,
    *,
    people: list[TrustPerson],
    organisations: list[Organisation],
    today: date,
    planner_ids: list[int],
) -> set[tuple[int, int]]:
    """A sprinkling of conflicts with organisations near the VP's home.

    Some ties have ended, many within the look-back, so the matcher's period rules matter.

    Returns:
        The ``(trust_person_id, organisation_id)`` pairs with a recorded conflict.
    """
    grid = Grid(organisations)
    reasons = list(CONFLICTS)
    weights = [CONFLICTS[reason][0] for reason in reasons]
    pairs: set[tuple[int, int]] = set()
    for person in people:
        count = rng.choices((0, 1, 2), weights=(62, 30, 8))[0]
        if count == 0:
            continue
        nearby = grid.around(person.latitude, person.longitude, CONFLICT_RADIUS_KM)
        for _ in range(min(count, len(nearby))):
            org = rng.choice(nearby)
            if (person.id, org.id) in pairs:
                continue
            pairs.add((person.id, org.id))
            reason = rng.choices(reasons, weights)[0]
            _, ended_chance, notes = CONFLICTS[reason]
            ends = (
                today - timedelta(days=rng.randint(30, 6 * 365))
                if rng.random() < ended_chance
                else None
            )
            starts: date | None = (ends or today) - timedelta(days=rng.randint(365, 12 * 365))
            if reason == "personal_tie" and rng.random() < 0.6:
                starts = None
            tables.add(
                "conflict_of_interest",
                {
                    "trust_person_id": person.id,
                    "organisation_id": org.id,
                    "reason": reason,
                    "note": rng.choice(notes),
                    "starts_on": iso(starts),
                    "ends_on": iso(ends),
                    "recorded_by_user_id": rng.choice(planner_ids)
                    if planner_ids and rng.random() < 0.8
                    else None,
                    "created_at": tables.stamp,
                },
            )
    return pairs


def add_preferences(
    tables: Tables,
    rng: random.Random,
    people: list[TrustPerson],
    organisations: list[Organisation],
    conflicts: set[tuple[int, int]],
) -> None:
    """Clients who want to keep (or avoid) a VP, and VPs drawn to nearby organisations.

    At most one preference per VP, organisation and party; none where a conflict exists.
    """
    by_id = {person.id: person for person in people}
    grid = Grid([person for person in people if person.active])
    seen: set[tuple[int, int, str]] = set()

    def add(person: TrustPerson, org: Organisation, party: str, strength: int, note: str) -> None:
        key = (person.id, org.id, party)
        if key in seen or (person.id, org.id) in conflicts:
            return
        seen.add(key)
        tables.add(
            "preference",
            {
                "trust_person_id": person.id,
                "organisation_id": org.id,
                "party": party,
                "strength": strength,
                "note": note,
            },
        )

    served = [org for org in organisations if org.served_by]
    for org in rng.sample(served, k=round(0.08 * len(served))):
        person = by_id[rng.choice(sorted(org.served_by))]
        add(person, org, "client", rng.choice((1, 2, 2)), "Tevreden; graag dezelfde VP houden")
    for org in rng.sample(organisations, k=round(0.01 * len(organisations))):
        near = grid.nearest(org.latitude, org.longitude, max_km=40, enough=5)
        others = [person for _, person in near if person.id not in org.served_by]
        if others:
            add(rng.choice(others), org, "client", rng.choice((-1, -2)), "Liever een andere VP")
    org_grid = Grid([org for org in organisations if org.active])
    for person in rng.sample(people, k=round(0.1 * len(people))):
        around = org_grid.around(person.latitude, person.longitude, 20)
        fitting = [org for org in around if org.sector in person.sectors]
        if fitting:
            org = rng.choice(fitting)
            add(person, org, "trust_person", rng.choice((1, 1, 2)), "Affiniteit met de sector")
        if around and rng.random() < 0.2:
            org = rng.choice(around)
            add(person, org, "trust_person", -1, "Liever niet: te dicht bij eigen netwerk")
