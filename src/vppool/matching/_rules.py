"""The rules of the matcher: one registry, one object per rule.

Each hard rule carries its words (what it means to a planner, how an exclusion by it reads in
an explanation) and its code: a *pair check* for rules that decide whether one VP may take one
need at all (run before the model is built, they keep the pair out of it), or a *model
constraint* for plan rules that bind combinations (capacity, distinct VPs, gender mix). Kept
assignments hold by construction (their seats are not open). Each soft rule carries its words,
its level (1: filling seats, by urgency, strictly before 2: everything else) and, for terms
of one VP on one need, its pair cost. The independent validator (``_validate``) does not use
this code: it reads the rules as docs/domain.md states them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from ortools.sat.python import cp_model

from vppool.matching._types import (
    SHORT_TERM_KINDS,
    NeedInput,
    Period,
    TrustPersonInput,
    Words,
    message_id,
)

if TYPE_CHECKING:
    from vppool.matching._candidates import Candidates
    from vppool.matching._context import Context
    from vppool.matching._model import ModelParts

__all__ = [
    "HARD_RULES",
    "PAIR_COSTS",
    "PAIR_RULES",
    "RULES",
    "SOFT_RULES",
    "PairCheck",
    "PairCost",
    "Rule",
    "rule_named",
]

PairCheck = Callable[["Context", NeedInput, TrustPersonInput], "Words | None"]
PairCost = Callable[["Context", NeedInput, TrustPersonInput], int]
ModelConstraint = Callable[["Context", "Candidates", "ModelParts"], None]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its stable name, hard or soft, its words and its code."""

    name: str
    kind: Literal["hard", "soft"]
    description: str
    #: How an exclusion by this rule reads in an explanation ("3 excluded by language").
    excluded_as: str = ""
    level: int = 0
    #: Hard pair rules: why this VP may not take this need, or ``None``.
    check: PairCheck | None = None
    #: Hard plan rules: add the rule's constraints to the model.
    constrain: ModelConstraint | None = None
    #: Soft pair terms: the cost of this VP on this need.
    pair_cost: PairCost | None = None


# How a pair rule words its finding (message ids; the web says them in the page's language).
INACTIVE = message_id("inactive")
BY_POLICY = message_id("compliance policy: {reason}")
NO_CERTIFICATE = message_id("no LVV certificate")
CERTIFICATE_EXPIRED = message_id("certificate expired on {expires_on}")
CERTIFICATE_EXPIRES = message_id("certificate expires {expires_on}, before the need ends")
NOT_QUALIFIED = message_id("not qualified for {scopes}")
DOES_NOT_SPEAK = message_id("does not speak {languages}")
CONFLICT = message_id("conflict of interest ({conflict})")
TOO_FAR = message_id("{km} km away (limit {limit_km} km)")
ABSENT = message_id("absent {absent} of {days} days")
NOT_WISHED_GENDER = message_id("not of the wished gender ({wished_genders})")
NO_WISHED_LANGUAGE = message_id("does not speak the wished {languages}")
NO_WISHED_SECTOR = message_id("no experience in the wished sector ({sectors})")
NOT_LOCAL = message_id("{km} km from the site; a local VP lives within {limit_km} km")
NOT_CENTRAL = message_id("{km} km from the site; a central VP lives over {limit_km} km away")


def active(_ctx: Context, _need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """An inactive VP is not placed."""
    return None if vp.active else Words(INACTIVE)


def compliance_policy(_ctx: Context, _need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The compliance policy may exclude a VP (e.g. an education shortfall set to block)."""
    reason = vp.excluded_reason
    return None if reason is None else Words(BY_POLICY, {"reason": reason})


def certification_valid(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The certificate must be valid through the rest of the period (open ends: the horizon)."""
    expires = vp.certification_expires_on
    if expires is None:
        return Words(NO_CERTIFICATE)
    remaining = ctx.remaining(need)
    last_needed = remaining.end_within(ctx.instance.horizon_end)
    if expires <= remaining.starts_on:
        return Words(CERTIFICATE_EXPIRED, {"expires_on": expires.isoformat()})
    if expires < last_needed:
        return Words(CERTIFICATE_EXPIRES, {"expires_on": expires.isoformat()})
    return None


def scope_qualification(_ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The VP holds every scope the need requires (unwanted behaviour, integrity)."""
    missing = need.scopes - vp.scopes
    return Words(NOT_QUALIFIED, {"scopes": tuple(sorted(missing))}) if missing else None


def language(_ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The VP speaks every language the need requires."""
    missing = need.languages - vp.languages
    return Words(DOES_NOT_SPEAK, {"languages": tuple(sorted(missing))}) if missing else None


def conflict_of_interest(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """No recorded conflict of interest with the organisation during the rest of the period.

    A conflict that ended before the planning date (look-back included) no longer excludes.
    """
    remaining = ctx.remaining(need)
    for conflict in ctx.conflicts.get((vp.id, need.organisation_id), ()):
        if conflict.period is None or conflict.period.overlaps(remaining):
            return Words(CONFLICT, {"conflict": conflict.reason})
    return None


def travel_distance(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The nearest site lies within both the VP's and the need's travel limit."""
    distance = ctx.distance_km(need, vp)
    limit = (
        vp.max_travel_km
        if need.max_travel_km is None
        else min(vp.max_travel_km, need.max_travel_km)
    )
    if distance <= limit:
        return None
    shown = round(distance) if round(distance) > limit else round(distance, 1)
    return Words(TOO_FAR, {"km": shown, "limit_km": limit})


def absence_overlap(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """Absent for more than the allowed share of the rest of a short-term need's period.

    Days already past (before the planning date) do not count, absent or not.
    """
    if need.kind not in SHORT_TERM_KINDS or not vp.absences:
        return None
    remaining = ctx.remaining(need)
    start = remaining.starts_on
    end = remaining.end_within(ctx.instance.horizon_end)
    length = (end - start).days
    if length <= 0:
        return None
    absent = _overlap_days(vp.absences, start, end)
    share = absent / length
    if share > ctx.instance.rules.max_absence_share:
        return Words(ABSENT, {"absent": absent, "days": length})
    return None


def unmet_wishes(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> list[tuple[str, Words]]:
    """The client's wishes (hard and soft) this VP does not meet: the kind and the words."""
    wishes = need.wishes
    unmet: list[tuple[str, Words]] = []
    if wishes.genders and vp.gender not in wishes.genders:
        unmet.append(
            ("gender", Words(NOT_WISHED_GENDER, {"wished_genders": tuple(sorted(wishes.genders))}))
        )
    if missing := wishes.languages - vp.languages:
        unmet.append(
            ("languages", Words(NO_WISHED_LANGUAGE, {"languages": tuple(sorted(missing))}))
        )
    if wishes.sectors and not wishes.sectors & vp.sectors:
        unmet.append(
            ("sector", Words(NO_WISHED_SECTOR, {"sectors": tuple(sorted(wishes.sectors))}))
        )
    if wishes.locality is not None and need.sites:
        km = ctx.distance_km(need, vp)
        near = km <= wishes.local_km
        if near != (wishes.locality == "local"):
            template = NOT_LOCAL if wishes.locality == "local" else NOT_CENTRAL
            unmet.append(
                ("locality", Words(template, {"km": round(km, 1), "limit_km": wishes.local_km}))
            )
    return unmet


def hard_wishes(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> Words | None:
    """The client's hard wishes (gender, languages, sector, local or central) all hold."""
    if not need.wishes.hard:
        return None
    for kind, words in unmet_wishes(ctx, need, vp):
        if kind in need.wishes.hard:
            return words
    return None


def _overlap_days(periods: tuple[Period, ...], start: date, end: date) -> int:
    days: set[int] = set()
    for period in periods:
        lo = max(period.starts_on, start)
        hi = end if period.ends_on is None else min(period.ends_on, end)
        days.update(range(lo.toordinal(), hi.toordinal()))
    return len(days)


# ------------------------------------------------------------ plan rules (model)


def distinct_trust_persons_model(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """At most the open seats per need; one variable per VP and need makes VPs distinct."""
    for need_id, vp_ids in candidates.by_need.items():
        chosen = [parts.serve[(need_id, vp_id)] for vp_id in vp_ids]
        if chosen:
            parts.model.add(sum(chosen) <= len(ctx.open_seats(ctx.needs[need_id])))


def _binding_rows(rows: dict[int, tuple[dict[int, int], int]]) -> list[tuple[dict[int, int], int]]:
    """The rows ``sum(coefficient * serve) <= room`` that another row does not imply.

    A row is implied by another that holds at least its coefficients on every variable with
    no more room: a standing need loads every month alike, so most of a VP's monthly rows
    are implied by the tightest month's (M, seed 1: 218 of 524 hour rows, 361 of 435 client
    rows). Dropping them leaves the same plans and a smaller LP for both solvers. Rows are
    taken tightest first (least room, most terms, most load), so a row implied by one that
    is dropped is implied by a kept row too.
    """
    order = sorted(rows.values(), key=lambda row: (row[1], -len(row[0]), -sum(row[0].values())))
    kept: list[tuple[dict[int, int], int]] = []
    for terms, room in order:
        implied = any(
            other_room <= room
            and all(other.get(index, 0) >= value for index, value in terms.items())
            for other, other_room in kept
        )
        if not implied:
            kept.append((terms, room))
    return kept


def _add_rows(
    parts: ModelParts, vp_id: int, need_ids: list[int], rows: dict[int, tuple[dict[int, int], int]]
) -> None:
    """Add a VP's rows that bind (terms by need id)."""
    by_index = {need_id: parts.serve[(need_id, vp_id)] for need_id in need_ids}
    for terms, room in _binding_rows(rows):
        indices = sorted(terms)
        parts.model.add(
            cp_model.LinearExpr.weighted_sum(
                [by_index[i] for i in indices], [terms[i] for i in indices]
            )
            <= max(0, room)
        )


def capacity_hours_model(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """Per VP and calendar month, hours within capacity (after kept ones)."""
    for vp_id, need_ids in candidates.needs_of().items():
        vp = ctx.vps[vp_id]
        room = [ctx.capacity_minutes(vp) - used for used in ctx.fixed_hours[vp_id]]
        per_month: dict[int, dict[int, int]] = defaultdict(dict)
        for need_id in need_ids:
            for month, minutes in ctx.loads[need_id].per_month.items():
                per_month[month][need_id] = minutes
        rows = {
            month: (terms, room[month])
            for month, terms in per_month.items()
            if sum(terms.values()) > room[month]  # else it cannot bind: left out
        }
        _add_rows(parts, vp_id, need_ids, rows)


def capacity_standing_clients_model(
    ctx: Context, candidates: Candidates, parts: ModelParts
) -> None:
    """Standing needs per VP and month within the maximum."""
    for vp_id, need_ids in candidates.needs_of().items():
        vp = ctx.vps[vp_id]
        room = [vp.capacity_standing_clients - used for used in ctx.fixed_clients[vp_id]]
        per_month: dict[int, dict[int, int]] = defaultdict(dict)
        for need_id in need_ids:
            for month in ctx.standing_months[need_id]:
                per_month[month][need_id] = 1
        rows = {
            month: (terms, room[month])
            for month, terms in per_month.items()
            if len(terms) > room[month]
        }
        _add_rows(parts, vp_id, need_ids, rows)


def gender_mix_model(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """Where required, two or more VPs on a need include two known genders.

    Written on the serve variables alone, one row per known gender ``g``: the members who are
    of gender ``g`` or of no known gender may number at most one unless someone of another
    known gender serves too,

        |members in A_g| - 1  <=  M_g * |members of a known gender other than g|,

    with ``M_g`` the most members ``A_g`` can hold beside one of another gender, less one. A
    team of two or more that lacks a second known gender breaks the row of its one gender (or
    of any gender, when no member's is known); a team with two known genders keeps every row.
    For the common two-seat need ``M_g`` is 1: the LP relaxation may no longer seat two VPs
    of one gender, as the indicator "two or more serve" of the earlier rows allowed (M, seed
    1: level 1's LP bound 777.7 with those rows, 774.4 with these, optimum 773; level 2's LP
    bound 18,651 then, 19,145 now).
    """
    model = parts.model
    for need_id, vp_ids in candidates.by_need.items():
        need = ctx.needs[need_id]
        if not need.requires_gender_mix or need.seats < 2 or not vp_ids:
            continue
        fixed = [ctx.vps[v].gender for v in ctx.fixed_by_need.get(need_id, {}).values()]
        fixed_known = {g for g in fixed if g is not None}
        if len(fixed) >= 2 and len(fixed_known) < 2:
            continue  # already broken by kept assignments: the validator reports it
        if len(fixed_known) >= 2:
            continue  # the mix is there whoever joins
        open_seats = len(ctx.open_seats(need))
        by_gender: dict[str | None, list[cp_model.IntVar]] = defaultdict(list)
        for vp_id in vp_ids:
            by_gender[ctx.vps[vp_id].gender].append(parts.serve[(need_id, vp_id)])
        known = sorted({g for g in by_gender if g is not None} | fixed_known)
        if not known:  # nobody's gender is known: one member at most
            model.add(sum(by_gender[None]) + len(fixed) <= 1)
            continue
        for gender in known:
            alike = by_gender[gender] + by_gender[None]
            alike_fixed = sum(1 for g in fixed if g in (gender, None))
            others = [v for g, vs in by_gender.items() if g not in (gender, None) for v in vs]
            others_fixed = len(fixed) - alike_fixed
            if others_fixed or min(len(alike), open_seats) + alike_fixed <= 1:
                continue  # a kept member of another gender already, or never two alike
            # With someone of another gender on a seat, the alike fill the others at most.
            most = max(0, min(len(alike), open_seats - 1) + alike_fixed - 1)
            model.add(sum(alike) + alike_fixed - 1 <= most * sum(others))


# ------------------------------------------------------------ soft pair terms


def travel(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> int:
    """About one cost unit per kilometre to the nearest site."""
    return round(ctx.distance_km(need, vp) * ctx.instance.weights.travel_per_km)


def sector_experience(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> int:
    """A fixed cost when the VP has no experience in the organisation's sector."""
    missing = need.sector is not None and need.sector not in vp.sectors
    return ctx.instance.weights.sector_mismatch if missing else 0


def preferences(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> int:
    """Wishes lower the cost (negative), objections raise it, per step of strength."""
    strength = ctx.preference.get((vp.id, need.organisation_id), 0)
    return -ctx.instance.weights.preference_per_step * strength


def soft_wishes(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> int:
    """A fixed cost per soft wish of the client the VP does not meet."""
    if not set(need.wishes.stated()) - need.wishes.hard:
        return 0
    unmet = [kind for kind, _ in unmet_wishes(ctx, need, vp) if kind not in need.wishes.hard]
    return ctx.instance.weights.unmet_wish * len(unmet)


#: Hard rules, pair rules in the order an explanation blames them (the first failing counts).
#: Distance comes first: candidate generation skips VPs far out of reach without checking
#: them one by one, and blames the distance, so every explanation blames it first too.
HARD_RULES: tuple[Rule, ...] = (
    Rule(
        "travel_distance",
        "hard",
        "the organisation's nearest site within the VP's and the need's travel limit",
        "by distance",
        check=travel_distance,
    ),
    Rule("active", "hard", "only active VPs are placed", "inactive", check=active),
    Rule(
        "compliance_policy",
        "hard",
        "the compliance policy may exclude a VP",
        "by policy",
        check=compliance_policy,
    ),
    Rule(
        "scope_qualification",
        "hard",
        "qualified for every required scope",
        "by scope",
        check=scope_qualification,
    ),
    Rule("language", "hard", "speaks every required language", "by language", check=language),
    Rule(
        "hard_wishes",
        "hard",
        "meets every wish the client made a condition (gender, languages, sector, locality)",
        "by the client's wishes",
        check=hard_wishes,
    ),
    Rule(
        "certification_valid",
        "hard",
        "an LVV certificate valid through the whole period",
        "by certification",
        check=certification_valid,
    ),
    Rule(
        "conflict_of_interest",
        "hard",
        "no conflict of interest",
        "by conflict of interest",
        check=conflict_of_interest,
    ),
    Rule(
        "absence_overlap",
        "hard",
        "not absent for more than the allowed share of a short-term need",
        "by absence",
        check=absence_overlap,
    ),
    Rule(
        "capacity_hours",
        "hard",
        "hours per calendar month within the VP's capacity",
        "by capacity",
        constrain=capacity_hours_model,
    ),
    Rule(
        "capacity_standing_clients",
        "hard",
        "standing clients per month within the VP's maximum",
        "by standing-client maximum",
        constrain=capacity_standing_clients_model,
    ),
    Rule(
        "distinct_trust_persons",
        "hard",
        "different VPs on the seats of one need",
        "already on another seat of this need",
        constrain=distinct_trust_persons_model,
    ),
    Rule(
        "gender_mix",
        "hard",
        "at least two genders where a need requires a mix",
        "by gender mix",
        constrain=gender_mix_model,
    ),
    Rule(
        "fixed_assignments_kept",
        "hard",
        "pinned and confirmed assignments stay",
        "held by a confirmed assignment",
    ),
)

#: Pair rules in the order an explanation blames them (the first failing one counts).
PAIR_RULES: tuple[tuple[str, PairCheck], ...] = tuple(
    (rule.name, rule.check) for rule in HARD_RULES if rule.check is not None
)

SOFT_RULES: tuple[Rule, ...] = (
    Rule("unfilled_seats", "soft", "every seat left empty (level 1)", level=1),
    Rule("urgency", "soft", "extra weight of urgent seats left empty (level 1)", level=1),
    Rule("travel", "soft", "kilometres between home and site", level=2, pair_cost=travel),
    Rule("continuity", "soft", "changing a current or previous assignment", level=2),
    Rule("fair_workload", "soft", "utilisation above 50/75/90 % (convex)", level=2),
    Rule(
        "sector_experience",
        "soft",
        "no experience in the organisation's sector",
        level=2,
        pair_cost=sector_experience,
    ),
    Rule(
        "preferences",
        "soft",
        "client and VP preferences (negative = wished)",
        level=2,
        pair_cost=preferences,
    ),
    Rule(
        "soft_wishes",
        "soft",
        "each wish of the client the VP does not meet (where not a condition)",
        level=2,
        pair_cost=soft_wishes,
    ),
)

#: Soft terms of one VP on one need, by name.
PAIR_COSTS: tuple[tuple[str, PairCost], ...] = tuple(
    (rule.name, rule.pair_cost) for rule in SOFT_RULES if rule.pair_cost is not None
)

RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def rule_named(name: str) -> Rule:
    """The registered rule with this name."""
    for rule in RULES:
        if rule.name == name:
            return rule
    msg = f"unknown rule {name!r}"
    raise KeyError(msg)
