"""The matcher: needs to trust persons with CP-SAT, explained, validated (pure: ortools only).

Typical use::

    result = solve(instance, MatchingConfig(time_limit_s=30, workers=2, seed=1))
    assert not result.violations
    for gap in result.unfilled:
        print(gap.seat, gap.message)
"""

from __future__ import annotations

from vppool.matching._diagnostics import diagnose
from vppool.matching._explain import excluded_from, utilisation
from vppool.matching._geo import haversine_km
from vppool.matching._greedy import greedy_plan
from vppool.matching._input import MatchingInputError
from vppool.matching._intervision import (
    SLOTS_PER_DAY,
    SLOTS_PER_WEEK,
    GroupOutcome,
    IntervisionConfig,
    IntervisionMemberInput,
    IntervisionResult,
    LeftOutMember,
    WeeklySpan,
    common_weekly_time,
    describe_group,
    form_groups,
    validate_groups,
)
from vppool.matching._objective import objective_terms
from vppool.matching._quick import QuickMatch, QuickMatcher, RankedCandidate, quick_match
from vppool.matching._rules import HARD_RULES, PAIR_RULES, RULES, SOFT_RULES, Rule, rule_named
from vppool.matching._shortlist import (
    SHORTLIST_SIZE,
    ShortlistCandidate,
    ShortlistChoice,
    VpProfile,
    age_band,
    choose_shortlist,
    shortlist_of,
)
from vppool.matching._solve import cost_model, solve
from vppool.matching._stability import PlanChange, compare_plans
from vppool.matching._types import (
    MESSAGE_IDS,
    MONTH_NAMES,
    PARAM_KINDS,
    WISH_KINDS,
    Alternative,
    ConflictInput,
    ExcludedTrustPerson,
    ExistingAssignment,
    Findings,
    Location,
    MatchingConfig,
    MatchingInstance,
    MatchingResult,
    NeedInput,
    Period,
    Plan,
    PreferenceInput,
    ProgressEvent,
    RuleSettings,
    SeatOutcome,
    SeatRef,
    Shortage,
    TrustPersonInput,
    UnfilledSeat,
    Violation,
    Weights,
    Wishes,
    Words,
)
from vppool.matching._validate import new_violations, validate

__all__ = [
    "HARD_RULES",
    "MESSAGE_IDS",
    "MONTH_NAMES",
    "PAIR_RULES",
    "PARAM_KINDS",
    "RULES",
    "SHORTLIST_SIZE",
    "SLOTS_PER_DAY",
    "SLOTS_PER_WEEK",
    "SOFT_RULES",
    "WISH_KINDS",
    "Alternative",
    "ConflictInput",
    "ExcludedTrustPerson",
    "ExistingAssignment",
    "Findings",
    "GroupOutcome",
    "IntervisionConfig",
    "IntervisionMemberInput",
    "IntervisionResult",
    "LeftOutMember",
    "Location",
    "MatchingConfig",
    "MatchingInputError",
    "MatchingInstance",
    "MatchingResult",
    "NeedInput",
    "Period",
    "Plan",
    "PlanChange",
    "PreferenceInput",
    "ProgressEvent",
    "QuickMatch",
    "QuickMatcher",
    "RankedCandidate",
    "Rule",
    "RuleSettings",
    "SeatOutcome",
    "SeatRef",
    "Shortage",
    "ShortlistCandidate",
    "ShortlistChoice",
    "TrustPersonInput",
    "UnfilledSeat",
    "Violation",
    "VpProfile",
    "WeeklySpan",
    "Weights",
    "Wishes",
    "Words",
    "age_band",
    "choose_shortlist",
    "common_weekly_time",
    "compare_plans",
    "cost_model",
    "describe_group",
    "diagnose",
    "excluded_from",
    "form_groups",
    "greedy_plan",
    "haversine_km",
    "new_violations",
    "objective_terms",
    "quick_match",
    "rule_named",
    "shortlist_of",
    "solve",
    "utilisation",
    "validate",
    "validate_groups",
]
