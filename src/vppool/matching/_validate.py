"""The validator: the hard rules as docs/domain.md states them, re-checked on any plan.

``validate`` checks a plan, whatever produced it (the solver, the greedy baseline, a planner's
manual override, an imported schedule, a confirmation), and returns the violations as data.

It is written apart from the model on purpose and shares nothing with it but the input and
output types: its own calendar arithmetic, its own distance, **exact decimals** for hours
(the hours as the decimals they were entered as; no minutes, no rounding, no division) and
its own reading of each rule's dates. A mistake in the model's reading of a rule is
therefore not repeated here, and ``tests/unit/matching/test_validator_independence.py``
keeps it that way (it fails if this module imports any other part of the matcher than the
types and the input check).

The rules, as stated (a need's *rest* is the part still to be served: from the planning date,
or the need's start if later, to its end; an open end is read up to the planning horizon
where a date is needed):

- active: only active VPs; compliance_policy: no VP the compliance policy excludes;
- certification_valid: a certificate, valid on every day of the need's rest (up to the
  horizon); it is no longer valid on its expiry date;
- scope_qualification, language: every scope and language of the need;
- conflict_of_interest: no recorded conflict whose period (``None``: always) shares a day with
  the need's rest;
- travel_distance: the need's nearest site within the VP's and the need's limit (great-circle
  kilometres times the road factor);
- absence_overlap: on a short-term need, absent on at most the allowed share of the days of
  its rest (up to the horizon);
- capacity_hours: in every calendar month from the planning date's month to the horizon, the
  hours of the VP's needs — a need's monthly hours times the share of the month's days it
  runs — at most the VP's monthly capacity;
- capacity_standing_clients: in every such month, at most the VP's maximum of standing needs
  that run on at least one day of it;
- distinct_trust_persons, gender_mix (two or more VPs on a need that requires a mix include
  two known genders), fixed_assignments_kept (pinned ones, and confirmed ones unless a
  re-optimisation lets them go, stay on their seat);
- hard_wishes: every wish the client made a condition: a wished gender, every wished
  language, experience in a wished sector, a home within the local distance of the nearest
  site (local) or beyond it (central).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from vppool.matching._input import check_input
from vppool.matching._types import (
    SHORT_TERM_KINDS,
    ConflictInput,
    MatchingInstance,
    NeedInput,
    Plan,
    SeatRef,
    TrustPersonInput,
    Violation,
    Words,
    message_id,
)

__all__ = ["new_violations", "validate"]

#: The mean radius of the Earth in kilometres (the great-circle distance's definition).
_EARTH_KM = 6371.0
#: Distances from two formulas differ in the last bits; this much is no violation.
_KM_SLACK = 1e-6

# The validator's words (message ids; the web application says them in the page's language).
_UNKNOWN_VP = message_id("unknown trust person {trust_person}")
_UNKNOWN_SEAT = message_id("unknown need or seat")
_KEPT_MISSING = message_id(
    "the kept assignment of trust person {trust_person} is missing or changed"
)
_INACTIVE = message_id("inactive")
_POLICY = message_id("compliance policy: {reason}")
_NO_CERTIFICATE = message_id("no LVV certificate")
_CERTIFICATE_EXPIRED = message_id(
    "certificate expired on {expires_on}, before the need ends (needed through {needed_through})"
)
_CERTIFICATE_EXPIRES = message_id(
    "certificate expires {expires_on}, before the need ends (needed through {needed_through})"
)
_SCOPES = message_id("not qualified for {scopes}")
_LANGUAGES = message_id("does not speak {languages}")
_CONFLICT = message_id("conflict of interest ({conflict})")
_DISTANCE = message_id("{km} km away (limit {limit_km} km)")
_ABSENT = message_id("absent {absent} of {days} days")
_ALSO_ON = message_id("also on seat {seat} of this need")
_NO_MIX = message_id("{count} VPs but {genders} known gender(s); a mix is required")
_HOURS = message_id("{hours} h in {month}, capacity {capacity} h")
_STANDING = message_id("{standing} standing clients in {month}, maximum {maximum}")
_WISHED_GENDER = message_id("not of the wished gender ({wished_genders})")
_WISHED_LANGUAGE = message_id("does not speak the wished {languages}")
_WISHED_SECTOR = message_id("no experience in the wished sector ({sectors})")
_NOT_LOCAL = message_id("{km} km from the site; a local VP lives within {limit_km} km")
_NOT_CENTRAL = message_id("{km} km from the site; a central VP lives over {limit_km} km away")


def validate(instance: MatchingInstance, plan: Plan) -> list[Violation]:
    """Every hard-rule violation in ``plan``."""
    return _Checker(instance).check(plan)


def new_violations(instance: MatchingInstance, plan: Plan) -> list[Violation]:
    """Violations of ``plan`` that the kept (fixed) assignments alone do not already have."""
    checker = _Checker(instance)
    existing = {_key(v) for v in checker.check(Plan(checker.kept))}
    return [v for v in checker.check(plan) if _key(v) not in existing]


def _key(violation: Violation) -> tuple[str, SeatRef | None, int | None, str]:
    detail = violation.detail if violation.seat is None else ""
    return (violation.rule, violation.seat, violation.trust_person_id, detail)


# ------------------------------------------------------------------- dates and numbers


def _exact(value: float) -> Decimal:
    """A float as the decimal it was written as (1.1 is 1.1, not 1.100000000000000088...)."""
    return Decimal(repr(value))


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _hours(value: Decimal) -> float:
    """Hours for the words (two decimals, rounded up: a load over capacity never reads equal)."""
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_CEILING))


def _great_circle_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance from the chord between the two points on the unit sphere."""

    def unit(lat: float, lon: float) -> tuple[float, float, float]:
        phi, lam = math.radians(lat), math.radians(lon)
        return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))

    chord = math.dist(unit(a_lat, a_lon), unit(b_lat, b_lon))
    return _EARTH_KM * 2 * math.asin(min(1.0, chord / 2))


class _Checker:
    """One instance's facts, read from the input types only."""

    def __init__(self, instance: MatchingInstance) -> None:
        check_input(instance)
        self.instance = instance
        self.today = instance.today
        self.horizon = instance.horizon_end
        self.vps = {vp.id: vp for vp in instance.trust_persons}
        self.needs = {need.id: need for need in instance.needs}
        self.conflicts_of: dict[tuple[int, int], list[ConflictInput]] = defaultdict(list)
        for conflict in instance.conflicts:
            self.conflicts_of[(conflict.trust_person_id, conflict.organisation_id)].append(conflict)
        keep_confirmed = instance.rules.keep_confirmed
        self.kept: dict[SeatRef, int] = {
            SeatRef(a.need_id, a.seat): a.trust_person_id
            for a in instance.assignments
            if a.pinned or (keep_confirmed and a.status == "confirmed")
        }
        self.months: list[date] = []
        month = _first_of_month(self.today)
        while month < self.horizon or not self.months:
            self.months.append(month)
            month = _first_of_next_month(month)
        self.month_ends = [*self.months[1:], _first_of_next_month(self.months[-1])]

    # --------------------------------------------------------------------- the plan

    def check(self, plan: Plan) -> list[Violation]:
        violations: list[Violation] = []
        teams: dict[int, list[tuple[SeatRef, int]]] = defaultdict(list)
        for seat, vp_id in sorted(plan.assignments.items()):
            need = self.needs.get(seat.need_id)
            vp = self.vps.get(vp_id)
            if vp is None:
                violations.append(
                    Violation(
                        "fixed_assignments_kept",
                        Words(_UNKNOWN_VP, {"trust_person": vp_id}),
                        seat,
                        vp_id,
                    )
                )
                continue
            if need is None or not 1 <= seat.seat <= need.seats:
                violations.append(
                    Violation("fixed_assignments_kept", Words(_UNKNOWN_SEAT), seat, vp_id)
                )
                continue
            teams[need.id].append((seat, vp_id))
            violations.extend(
                Violation(rule, detail, seat, vp_id) for rule, detail in self.pair(need, vp)
            )
        violations.extend(
            Violation(
                "fixed_assignments_kept",
                Words(_KEPT_MISSING, {"trust_person": vp_id}),
                seat,
                vp_id,
            )
            for seat, vp_id in sorted(self.kept.items())
            if plan.assignments.get(seat) != vp_id
        )
        for need_id, team in sorted(teams.items()):
            violations.extend(self.team(self.needs[need_id], team))
        violations.extend(self.capacity(teams))
        return violations

    # -------------------------------------------------------------- one VP, one need

    def rest(self, need: NeedInput) -> tuple[date, date | None]:
        """The need's days still to serve: ``[first, end)``, ``end`` ``None`` if open."""
        return max(need.period.starts_on, self.today), need.period.ends_on

    def rest_within_horizon(self, need: NeedInput) -> tuple[date, date]:
        first, end = self.rest(need)
        return first, self.horizon if end is None else min(end, self.horizon)

    def pair(self, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
        """Every pair rule this VP breaks on this need, with the numbers that break it."""
        broken: list[tuple[str, Words]] = []
        if not vp.active:
            broken.append(("active", Words(_INACTIVE)))
        if vp.excluded_reason is not None:
            broken.append(("compliance_policy", Words(_POLICY, {"reason": vp.excluded_reason})))
        first, last_exclusive = self.rest_within_horizon(need)
        expires = vp.certification_expires_on
        if expires is None:
            broken.append(("certification_valid", Words(_NO_CERTIFICATE)))
        elif first < last_exclusive and expires < last_exclusive:
            needed = (last_exclusive - timedelta(days=1)).isoformat()
            template = _CERTIFICATE_EXPIRED if expires <= first else _CERTIFICATE_EXPIRES
            broken.append(
                (
                    "certification_valid",
                    Words(template, {"expires_on": expires.isoformat(), "needed_through": needed}),
                )
            )
        if missing := sorted(need.scopes - vp.scopes):
            broken.append(("scope_qualification", Words(_SCOPES, {"scopes": tuple(missing)})))
        if missing := sorted(need.languages - vp.languages):
            broken.append(("language", Words(_LANGUAGES, {"languages": tuple(missing)})))
        broken.extend(self.conflicts(need, vp))
        broken.extend(self.distance(need, vp))
        broken.extend(self.absence(need, vp))
        broken.extend(self.wishes(need, vp))
        return broken

    def wishes(self, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
        """Each hard wish of the client the VP does not meet."""
        wishes, hard = need.wishes, need.wishes.hard
        broken: list[Words] = []
        if "gender" in hard and wishes.genders and vp.gender not in wishes.genders:
            genders = tuple(sorted(wishes.genders))
            broken.append(Words(_WISHED_GENDER, {"wished_genders": genders}))
        if "languages" in hard and (missing := sorted(wishes.languages - vp.languages)):
            broken.append(Words(_WISHED_LANGUAGE, {"languages": tuple(missing)}))
        if "sector" in hard and wishes.sectors and not wishes.sectors & vp.sectors:
            sectors = tuple(sorted(wishes.sectors))
            broken.append(Words(_WISHED_SECTOR, {"sectors": sectors}))
        if "locality" in hard and wishes.locality is not None and need.sites:
            km = self.km(need, vp)
            limit = wishes.local_km
            if wishes.locality == "local" and km > limit + _KM_SLACK:
                broken.append(Words(_NOT_LOCAL, {"km": round(km, 1), "limit_km": limit}))
            if wishes.locality == "central" and km <= limit - _KM_SLACK:
                broken.append(Words(_NOT_CENTRAL, {"km": round(km, 1), "limit_km": limit}))
        return [("hard_wishes", words) for words in broken]

    def km(self, need: NeedInput, vp: TrustPersonInput) -> float:
        """Great-circle kilometres to the need's nearest site, times the road factor."""
        crow = min(
            _great_circle_km(vp.home.latitude, vp.home.longitude, site.latitude, site.longitude)
            for site in need.sites
        )
        return crow * self.instance.weights.road_factor

    def conflicts(self, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
        first, end = self.rest(need)
        for conflict in self.conflicts_of.get((vp.id, need.organisation_id), ()):
            period = conflict.period
            if period is None or (
                (period.ends_on is None or period.ends_on > first)
                and (end is None or period.starts_on < end)
            ):
                return [("conflict_of_interest", Words(_CONFLICT, {"conflict": conflict.reason}))]
        return []

    def distance(self, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
        if not need.sites:
            return []
        km = self.km(need, vp)
        limit = vp.max_travel_km
        if need.max_travel_km is not None:
            limit = min(limit, need.max_travel_km)
        if km > limit + _KM_SLACK:
            shown = round(km) if round(km) > limit else round(km, 1)  # never "40 km, limit 40"
            return [("travel_distance", Words(_DISTANCE, {"km": shown, "limit_km": limit}))]
        return []

    def absence(self, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
        if need.kind not in SHORT_TERM_KINDS:
            return []
        first, end = self.rest_within_horizon(need)
        days = (end - first).days
        if days <= 0:
            return []
        away: set[date] = set()
        for absence in vp.absences:
            day = max(absence.starts_on, first)
            stop = end if absence.ends_on is None else min(absence.ends_on, end)
            while day < stop:
                away.add(day)
                day += timedelta(days=1)
        if Decimal(len(away)) > _exact(self.instance.rules.max_absence_share) * days:
            return [("absence_overlap", Words(_ABSENT, {"absent": len(away), "days": days}))]
        return []

    # ------------------------------------------------------------------ one need

    def team(self, need: NeedInput, team: list[tuple[SeatRef, int]]) -> list[Violation]:
        violations = []
        seen: dict[int, SeatRef] = {}
        for seat, vp_id in team:
            if vp_id in seen:
                violations.append(
                    Violation(
                        "distinct_trust_persons",
                        Words(_ALSO_ON, {"seat": seen[vp_id].seat}),
                        seat,
                        vp_id,
                    )
                )
            else:
                seen[vp_id] = seat
        if need.requires_gender_mix and len(team) >= 2:
            genders = {self.vps[vp_id].gender for _, vp_id in team} - {None}
            if len(genders) < 2:
                violations.append(
                    Violation(
                        "gender_mix",
                        Words(_NO_MIX, {"count": len(team), "genders": len(genders)}),
                        min(seat for seat, _ in team),
                        None,
                    )
                )
        return violations

    # ------------------------------------------------------------------ one VP

    def hour_days(self, need: NeedInput) -> list[tuple[Decimal, bool]]:
        """Per month: the need's hours times its days in it, exactly; and whether it runs."""
        hours = _exact(need.hours_per_month)
        end = min(self.horizon, need.period.ends_on or self.horizon)
        days = [
            max(0, (min(end, next_month) - max(need.period.starts_on, month)).days)
            for month, next_month in zip(self.months, self.month_ends, strict=True)
        ]
        return [(hours * d, d > 0) for d in days]

    def capacity(self, teams: dict[int, list[tuple[SeatRef, int]]]) -> list[Violation]:
        """Hours and standing clients per VP and calendar month.

        A need's hours in a month are its monthly hours times the share of the month's days it
        runs; with every term over the same month's days, the comparison is made on hours
        times days, in exact decimals (no division, no rounding).
        """
        needs_of: dict[int, set[int]] = defaultdict(set)
        for need_id, team in teams.items():
            for _, vp_id in team:
                needs_of[vp_id].add(need_id)
        violations = []
        loads = {need_id: self.hour_days(self.needs[need_id]) for need_id in teams}
        month_days = [(e - m).days for m, e in zip(self.months, self.month_ends, strict=True)]
        for vp_id, need_ids in sorted(needs_of.items()):
            vp = self.vps[vp_id]
            capacity = _exact(vp.capacity_hours_per_month)
            for index, month in enumerate(self.months):
                hour_days = Decimal(0)
                standing = 0
                for need_id in need_ids:
                    load, runs = loads[need_id][index]
                    hour_days += load
                    standing += runs and self.needs[need_id].is_standing
                hours = hour_days / month_days[index]
                label = f"{month:%Y-%m}"
                if hour_days > capacity * month_days[index]:
                    violations.append(
                        Violation(
                            "capacity_hours",
                            Words(
                                _HOURS,
                                {
                                    "hours": _hours(hours),
                                    "month": label,
                                    "capacity": _hours(capacity),
                                },
                            ),
                            None,
                            vp_id,
                        )
                    )
                if standing > vp.capacity_standing_clients:
                    violations.append(
                        Violation(
                            "capacity_standing_clients",
                            Words(
                                _STANDING,
                                {
                                    "standing": standing,
                                    "month": label,
                                    "maximum": vp.capacity_standing_clients,
                                },
                            ),
                            None,
                            vp_id,
                        )
                    )
        return violations
