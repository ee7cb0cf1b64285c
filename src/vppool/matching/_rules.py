"""The rules of the matcher, one named unit each, registered as hard or soft.

Pair rules decide whether one VP may take one need at all; they run before the model is
built (and again in the validator). Plan rules (capacity, distinct VPs, gender mix, kept
assignments) constrain combinations and live in the model and the validator under the same
names. Soft rules are cost terms; level 1 (filling seats, by urgency) comes strictly before
level 2 (everything else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from vppool.matching._types import SHORT_TERM_KINDS, NeedInput, Period, TrustPersonInput

if TYPE_CHECKING:
    from vppool.matching._context import Context

__all__ = [
    "HARD_RULES",
    "PAIR_RULES",
    "RULES",
    "SOFT_RULES",
    "Rule",
    "rule_named",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its stable name, hard or soft, and what it means to a planner."""

    name: str
    kind: Literal["hard", "soft"]
    description: str
    #: How an exclusion by this rule reads in an explanation ("3 excluded by language").
    excluded_as: str = ""
    level: int = 0


PairCheck = Callable[["Context", NeedInput, TrustPersonInput], "str | None"]


def active(_ctx: Context, _need: NeedInput, vp: TrustPersonInput) -> str | None:
    """An inactive VP is not placed."""
    return None if vp.active else "inactive"


def compliance_policy(_ctx: Context, _need: NeedInput, vp: TrustPersonInput) -> str | None:
    """The compliance policy may exclude a VP (e.g. an education shortfall set to block)."""
    return vp.excluded_reason


def certification_valid(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
    """The certificate must be valid through the rest of the period (open ends: the horizon)."""
    expires = vp.certification_expires_on
    if expires is None:
        return "no LVV certificate"
    remaining = ctx.remaining(need)
    last_needed = remaining.end_within(ctx.instance.horizon_end)
    if expires <= remaining.starts_on:
        return f"certificate expired on {expires.isoformat()}"
    if expires < last_needed:
        return f"certificate expires {expires.isoformat()}, before the need ends"
    return None


def scope_qualification(_ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
    """The VP holds every scope the need requires (unwanted behaviour, integrity)."""
    missing = need.scopes - vp.scopes
    return f"not qualified for {', '.join(sorted(missing))}" if missing else None


def language(_ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
    """The VP speaks every language the need requires."""
    missing = need.languages - vp.languages
    return f"does not speak {', '.join(sorted(missing))}" if missing else None


def conflict_of_interest(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
    """No recorded conflict of interest with the organisation during the rest of the period.

    A conflict that ended before the planning date (look-back included) no longer excludes.
    """
    remaining = ctx.remaining(need)
    for conflict in ctx.conflicts.get((vp.id, need.organisation_id), ()):
        if conflict.period is None or conflict.period.overlaps(remaining):
            return f"conflict of interest ({conflict.reason})"
    return None


def travel_distance(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
    """The nearest site lies within both the VP's and the need's travel limit."""
    distance = ctx.distance_km(need, vp)
    limit = (
        vp.max_travel_km
        if need.max_travel_km is None
        else min(vp.max_travel_km, need.max_travel_km)
    )
    return f"{distance:.0f} km away (limit {limit:.0f} km)" if distance > limit else None


def absence_overlap(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> str | None:
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
        return f"absent {absent} of {length} days"
    return None


def _overlap_days(periods: tuple[Period, ...], start: date, end: date) -> int:
    days: set[int] = set()
    for period in periods:
        lo = max(period.starts_on, start)
        hi = end if period.ends_on is None else min(period.ends_on, end)
        days.update(range(lo.toordinal(), hi.toordinal()))
    return len(days)


#: Pair rules in the order an explanation blames them (the first failing one counts).
PAIR_RULES: tuple[tuple[str, PairCheck], ...] = (
    ("active", active),
    ("compliance_policy", compliance_policy),
    ("travel_distance", travel_distance),
    ("scope_qualification", scope_qualification),
    ("language", language),
    ("certification_valid", certification_valid),
    ("conflict_of_interest", conflict_of_interest),
    ("absence_overlap", absence_overlap),
)

HARD_RULES: tuple[Rule, ...] = (
    Rule("active", "hard", "only active VPs are placed", "inactive"),
    Rule("compliance_policy", "hard", "the compliance policy may exclude a VP", "by policy"),
    Rule(
        "certification_valid",
        "hard",
        "an LVV certificate valid through the whole period",
        "by certification",
    ),
    Rule("scope_qualification", "hard", "qualified for every required scope", "by scope"),
    Rule("language", "hard", "speaks every required language", "by language"),
    Rule("conflict_of_interest", "hard", "no conflict of interest", "by conflict of interest"),
    Rule(
        "travel_distance",
        "hard",
        "the organisation's nearest site within the VP's and the need's travel limit",
        "by distance",
    ),
    Rule(
        "absence_overlap",
        "hard",
        "not absent for more than the allowed share of a short-term need",
        "by absence",
    ),
    Rule(
        "capacity_hours",
        "hard",
        "hours per calendar month within the VP's capacity",
        "by capacity",
    ),
    Rule(
        "capacity_standing_clients",
        "hard",
        "standing clients per month within the VP's maximum",
        "by standing-client maximum",
    ),
    Rule(
        "distinct_trust_persons",
        "hard",
        "different VPs on the seats of one need",
        "already on another seat of this need",
    ),
    Rule("gender_mix", "hard", "at least two genders where a need requires a mix", "by gender mix"),
    Rule(
        "fixed_assignments_kept",
        "hard",
        "pinned and confirmed assignments stay",
        "held by a confirmed assignment",
    ),
)

SOFT_RULES: tuple[Rule, ...] = (
    Rule("unfilled_seats", "soft", "every seat left empty (level 1)", level=1),
    Rule("urgency", "soft", "extra weight of urgent seats left empty (level 1)", level=1),
    Rule("travel", "soft", "kilometres between home and site", level=2),
    Rule("continuity", "soft", "changing a current or previous assignment", level=2),
    Rule("fair_workload", "soft", "utilisation above 50/75/90 % (convex)", level=2),
    Rule("sector_experience", "soft", "no experience in the organisation's sector", level=2),
    Rule("preferences", "soft", "client and VP preferences (negative = wished)", level=2),
)

RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def rule_named(name: str) -> Rule:
    """The registered rule with this name."""
    for rule in RULES:
        if rule.name == name:
            return rule
    msg = f"unknown rule {name!r}"
    raise KeyError(msg)
