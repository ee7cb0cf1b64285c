"""The existing plan keeps the hard rules, checked here with code of its own."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from vppool.dataset import Dataset
from vppool.settings import Settings

pytestmark = pytest.mark.unit

RULES = Settings().rules()
SETTINGS = Settings()


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(a))


def _horizon_end(today: date) -> date:
    month = today.month - 1 + SETTINGS.matching_horizon_months
    return date(today.year + month // 12, month % 12 + 1, 1)


class _Plan:
    def __init__(self, dataset: Dataset) -> None:
        tables = dataset.tables
        self.people = {p["id"]: p for p in tables["trust_person"]}
        self.needs = {n["id"]: n for n in tables["need"]}
        self.organisations = {o["id"]: o for o in tables["organisation"]}
        self.sites: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for site in tables["site"]:
            self.sites[site["organisation_id"]].append(site)
        self.site_by_id = {s["id"]: s for s in tables["site"]}
        self.conflicts = {
            (c["trust_person_id"], c["organisation_id"]) for c in tables["conflict_of_interest"]
        }
        self.certificates: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for cert in tables["certification"]:
            self.certificates[cert["trust_person_id"]].append(
                (_day(cert["issued_on"]), _day(cert["expires_on"]))
            )
        self.confirmed = [a for a in tables["assignment"] if a["status"] == "confirmed"]
        self.all = tables["assignment"]

    def distance(self, person: dict[str, Any], need: dict[str, Any]) -> float:
        sites = (
            [self.site_by_id[need["site_id"]]]
            if need["site_id"] is not None
            else self.sites[need["organisation_id"]]
        )
        return min(
            _km(person["home_latitude"], person["home_longitude"], s["latitude"], s["longitude"])
            for s in sites
        )


@pytest.fixture(scope="module", name="plan")
def fx_plan(medium: Dataset) -> _Plan:
    return _Plan(medium)


def test_confirmed_vps_hold_every_scope_and_language_of_the_need(plan: _Plan) -> None:
    for a in plan.confirmed:
        person, need = plan.people[a["trust_person_id"]], plan.needs[a["need_id"]]
        assert set(need["scopes"]) <= set(person["scopes"])
        assert set(need["languages"]) <= set(person["languages"])


def test_confirmed_vps_have_no_conflict_of_interest_with_the_organisation(plan: _Plan) -> None:
    for a in plan.confirmed:
        need = plan.needs[a["need_id"]]
        assert (a["trust_person_id"], need["organisation_id"]) not in plan.conflicts


def test_confirmed_vps_are_active_and_live_within_travel_distance(plan: _Plan) -> None:
    for a in plan.confirmed:
        person, need = plan.people[a["trust_person_id"]], plan.needs[a["need_id"]]
        org = plan.organisations[need["organisation_id"]]
        limits = [person["max_travel_km"], need["max_travel_km"], org["max_travel_km"]]
        assert person["active"]
        assert plan.distance(person, need) <= min(x for x in limits if x is not None)


def test_confirmed_vps_are_certified_from_the_start_through_the_horizon(
    plan: _Plan, today: date
) -> None:
    horizon = _horizon_end(today)
    for a in plan.confirmed:
        need = plan.needs[a["need_id"]]
        chain = plan.certificates[a["trust_person_id"]]
        starts = _day(a["starts_on"])
        assert any(issued <= starts < expires for issued, expires in chain)
        last_needed = horizon if need["ends_on"] is None else min(_day(need["ends_on"]), horizon)
        assert max(expires for _, expires in chain) >= last_needed


def test_each_need_has_distinct_vps_on_distinct_seats_within_its_seats(plan: _Plan) -> None:
    teams: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a in plan.confirmed:
        teams[a["need_id"]].append((a["seat"], a["trust_person_id"]))
    for need_id, team in teams.items():
        seats = [seat for seat, _ in team]
        vps = [vp for _, vp in team]
        assert len(set(seats)) == len(seats)
        assert len(set(vps)) == len(vps)
        assert max(seats) <= plan.needs[need_id]["seats"]


def test_capacity_in_hours_and_standing_clients_is_not_exceeded(plan: _Plan) -> None:
    # Exact arithmetic: the hours as the decimals they are written as, never rounded.
    hours: dict[int, Fraction] = defaultdict(Fraction)
    clients: Counter[int] = Counter()
    for a in plan.confirmed:
        need = plan.needs[a["need_id"]]
        hours[a["trust_person_id"]] += Fraction(str(need["expected_hours_per_month"]))
        clients[a["trust_person_id"]] += need["kind"] == "standing"
    for vp, used in hours.items():
        assert used <= Fraction(str(plan.people[vp]["capacity_hours_per_month"]))
        assert clients[vp] <= plan.people[vp]["capacity_standing_clients"]
    assert any(
        clients[vp] == plan.people[vp]["capacity_standing_clients"] for vp in clients
    ) or any(plan.people[vp]["capacity_hours_per_month"] - used < 4 for vp, used in hours.items())


def test_teams_that_must_mix_genders_do(plan: _Plan) -> None:
    teams: dict[int, list[str | None]] = defaultdict(list)
    for a in plan.confirmed:
        teams[a["need_id"]].append(plan.people[a["trust_person_id"]]["gender"])
    mixed = 0
    for need_id, genders in teams.items():
        need = plan.needs[need_id]
        org = plan.organisations[need["organisation_id"]]
        must_mix = need["requires_gender_mix"] or (
            org["requires_gender_mix"] and need["kind"] == "standing" and need["seats"] > 1
        )
        if must_mix:
            assert None not in genders
            assert len(genders) == len(set(genders))
            mixed += len(genders) == 2
    assert mixed > 0


def test_short_term_vps_are_not_away_for_too_much_of_the_need(
    medium: Dataset, plan: _Plan, today: date
) -> None:
    absences: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for absence in medium.tables["absence"]:
        absences[absence["trust_person_id"]].append(
            (_day(absence["starts_on"]), _day(absence["ends_on"]))
        )
    horizon = _horizon_end(today)
    for a in plan.confirmed:
        need = plan.needs[a["need_id"]]
        if need["kind"] == "standing":
            continue
        # Over the days still to serve, from the planning date.
        start = max(_day(need["starts_on"]), today)
        end = min(_day(need["ends_on"]), horizon)
        away = {
            day
            for lo, hi in absences[a["trust_person_id"]]
            for day in range(max(lo, start).toordinal(), min(hi, end).toordinal())
        }
        assert len(away) <= SETTINGS.max_absence_share * (end - start).days


def test_plan_fills_many_seats_but_leaves_plenty_open(plan: _Plan, today: date) -> None:
    open_standing = [
        n for n in plan.needs.values() if n["kind"] == "standing" and n["status"] == "open"
    ]
    seats = sum(n["seats"] for n in open_standing)
    filled = sum(1 for a in plan.confirmed if plan.needs[a["need_id"]]["kind"] == "standing")
    assert 0.3 * seats < filled < 0.8 * seats
    assert any(plan.needs[a["need_id"]]["kind"] != "standing" for a in plan.confirmed)
    for a in plan.confirmed:
        assert _day(a["starts_on"]) <= today
        assert plan.needs[a["need_id"]]["status"] == "open"


def test_consent_pins_and_history_appear_as_a_planner_records_them(
    plan: _Plan, today: date
) -> None:
    standing = [a for a in plan.confirmed if plan.needs[a["need_id"]]["kind"] == "standing"]
    consented = [a for a in standing if a["works_council_consent_on"] is not None]
    assert 0.5 * len(standing) < len(consented) < len(standing)
    assert all(_day(a["works_council_consent_on"]) <= today for a in consented)
    assert 0 < sum(a["pinned"] for a in plan.confirmed) < 0.2 * len(plan.confirmed)
    ended = [a for a in plan.all if a["status"] == "ended"]
    assert ended
    for a in ended:
        assert a["ends_on"] is not None
        assert _day(a["starts_on"]) < _day(a["ends_on"]) <= today
        assert not a["pinned"]
