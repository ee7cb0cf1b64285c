from __future__ import annotations

from datetime import date

import pytest

from vppool.compliance import (
    CertificationStatus,
    ComplianceRules,
    EducationHours,
    EducationStatus,
    certification_state,
    education_state,
    policy_exclusion,
)

pytestmark = pytest.mark.unit

RULES = ComplianceRules()
START = date(2024, 2, 29)  # a leap day: the cycle years end on 1 March
END = date(2028, 2, 29)


def _full(hours_short: float = 0.0) -> list[EducationHours]:
    return [
        EducationHours("accredited_course", 24, date(2025, 3, 1)),
        EducationHours("intervision", 32 - hours_short, date(2026, 3, 1)),
        EducationHours("other", 16, date(2027, 3, 1)),
    ]


def test_exact_minimums_on_the_last_day_are_compliant() -> None:
    state = education_state(_full(), START, END, date(2028, 2, 28), RULES)
    assert state.status is EducationStatus.COMPLIANT
    assert state.total == 72
    assert state.deadline == date(2028, 2, 28)


def test_one_hour_short_when_the_cycle_ends_is_non_compliant_with_the_exact_shortfall() -> None:
    state = education_state(_full(hours_short=1), START, END, END, RULES)
    assert state.status is EducationStatus.NON_COMPLIANT
    assert state.shortfall == {"accredited_course": 0, "intervision": 1, "other": 0}
    assert state.total_shortfall == 1


def test_leap_day_cycle_has_four_years() -> None:
    state = education_state(_full(), START, END, date(2027, 6, 1), RULES)
    assert len(state.per_year) == 4
    assert state.per_year == [0, 24, 32, 16]


def test_falling_behind_halfway_is_at_risk() -> None:
    records = [EducationHours("intervision", 8, date(2025, 1, 1))]
    state = education_state(records, START, END, date(2026, 3, 1), RULES)
    assert state.status is EducationStatus.AT_RISK
    assert state.projected["intervision"] == 16.0


def test_early_in_the_cycle_nobody_is_flagged() -> None:
    state = education_state([], START, END, date(2024, 6, 1), RULES)
    assert state.status is EducationStatus.COMPLIANT


def test_activities_outside_the_cycle_or_in_the_future_do_not_count() -> None:
    records = [
        EducationHours("other", 10, date(2023, 12, 31)),
        EducationHours("other", 5, date(2030, 1, 1)),
        EducationHours("other", 3, date(2026, 6, 1)),
    ]
    state = education_state(records, START, END, date(2026, 1, 1), RULES)
    assert state.hours["other"] == 0
    state = education_state(records, START, END, date(2026, 7, 1), RULES)
    assert state.hours["other"] == 3


def test_yearly_cap_limits_counted_hours() -> None:
    capped = ComplianceRules(yearly_cap_hours=20)
    records = [EducationHours("other", 30, date(2025, 3, 1))]
    assert education_state(records, START, END, date(2026, 1, 1), capped).total == 20


def test_policy_excludes_expired_certificates_and_shortfalls_only_when_set() -> None:
    expired = certification_state(date(2026, 1, 1), date(2026, 1, 1), RULES)
    assert expired.status is CertificationStatus.EXPIRED
    assert policy_exclusion(expired, None, RULES) == "certificate expired"
    valid = certification_state(END, date(2026, 1, 1), RULES)
    behind = education_state([], START, END, date(2026, 3, 1), RULES)
    assert policy_exclusion(valid, behind, RULES) is None
    strict = ComplianceRules(shortfall_blocks=True)
    assert policy_exclusion(valid, behind, strict) == (
        "education at_risk: short of 24 h accredited_course, 32 h intervision, 16 h other"
    )
