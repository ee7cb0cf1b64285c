"""Certification state and permanent-education status per four-year cycle (pure).

Numbers come from :class:`ComplianceRules` (filled from settings by the services); ``today``
is always a parameter. The cycle is the current certificate's validity ``[issued_on,
expires_on)``; the LVV asks for the education hours within it, spread reasonably evenly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "CATEGORIES",
    "CertificationState",
    "CertificationStatus",
    "ComplianceRules",
    "EducationHours",
    "EducationState",
    "EducationStatus",
    "certification_state",
    "education_state",
    "policy_exclusion",
]

CATEGORIES = ("accredited_course", "intervision", "other")


class CertificationStatus(StrEnum):
    """Where a certificate stands on a given day."""

    VALID = "valid"
    RENEWAL_WINDOW_OPEN = "renewal_window_open"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"
    MISSING = "missing"


class EducationStatus(StrEnum):
    """Where a VP stands with the education hours of the current cycle."""

    COMPLIANT = "compliant"
    AT_RISK = "at_risk"
    NON_COMPLIANT = "non_compliant"


@dataclass(frozen=True, slots=True)
class ComplianceRules:
    """The rule numbers (DESIGN.md §3)."""

    renewal_window_days: int = 365
    expiring_soon_days: int = 90
    min_total_hours: float = 72
    min_hours: dict[str, float] = field(
        default_factory=lambda: {"accredited_course": 24, "intervision": 32, "other": 16}
    )
    yearly_cap_hours: float | None = None
    #: Before this share of the cycle has passed, nobody is flagged at risk.
    grace_share: float = 0.25
    #: An education shortfall blocks new assignments (otherwise it only warns).
    shortfall_blocks: bool = False


class EducationHours(NamedTuple):
    """One completed activity (a named tuple: the pool's thousands are built per request)."""

    category: str
    hours: float
    completed_on: date


@dataclass(frozen=True, slots=True)
class CertificationState:
    """A certificate's status with the days left until it expires."""

    status: CertificationStatus
    expires_on: date | None
    days_left: int | None
    renewal_opens_on: date | None


@dataclass(frozen=True, slots=True)
class EducationState:
    """Hours per category counted in the cycle, the shortfalls and the status."""

    status: EducationStatus
    cycle_start: date
    cycle_end: date
    hours: dict[str, float]
    total: float
    shortfall: dict[str, float]
    total_shortfall: float
    projected: dict[str, float]
    per_year: list[float]
    deadline: date


def certification_state(
    expires_on: date | None, today: date, rules: ComplianceRules
) -> CertificationState:
    """``valid``, ``renewal_window_open`` (≤ 1 year), ``expiring_soon`` (≤ 90 days), ``expired``.

    A certificate is valid on the days before ``expires_on``.
    """
    if expires_on is None:
        return CertificationState(CertificationStatus.MISSING, None, None, None)
    days_left = (expires_on - today).days
    opens = date.fromordinal(expires_on.toordinal() - rules.renewal_window_days)
    if days_left <= 0:
        status = CertificationStatus.EXPIRED
    elif days_left <= rules.expiring_soon_days:
        status = CertificationStatus.EXPIRING_SOON
    elif days_left <= rules.renewal_window_days:
        status = CertificationStatus.RENEWAL_WINDOW_OPEN
    else:
        status = CertificationStatus.VALID
    return CertificationState(status, expires_on, days_left, opens)


def _cycle_years(start: date, end: date) -> list[tuple[date, date]]:
    years = []
    current = start
    while current < end:
        try:
            following = current.replace(year=current.year + 1)
        except ValueError:  # 29 February: the cycle year ends on 1 March
            following = date(current.year + 1, 3, 1)
        years.append((current, min(following, end)))
        current = following
    return years


def education_state(
    records: Iterable[EducationHours],
    cycle_start: date,
    cycle_end: date,
    today: date,
    rules: ComplianceRules,
) -> EducationState:
    """Hours per category within ``[cycle_start, cycle_end)`` up to ``today``, and the status.

    ``non_compliant``: the cycle has ended (or ends today) with a shortfall. ``at_risk``:
    past the grace share of the cycle, the present pace projects a shortfall by its end.
    Yearly caps, when set, limit the hours counted per cycle year (all categories).
    """
    years = _cycle_years(cycle_start, cycle_end)
    year_starts = [start for start, _ in years]
    per_year_category: list[dict[str, float]] = [dict.fromkeys(CATEGORIES, 0.0) for _ in years]
    counted_until = min(cycle_end, today + timedelta(days=1))  # nothing after today counts
    for category, spent, completed_on in records:
        if cycle_start <= completed_on < counted_until:
            bucket = per_year_category[bisect_right(year_starts, completed_on) - 1]
            bucket[category if category in CATEGORIES else "other"] += spent
    if rules.yearly_cap_hours is not None:
        for bucket in per_year_category:
            total = sum(bucket.values())
            if total > rules.yearly_cap_hours:
                scale = rules.yearly_cap_hours / total
                for category in bucket:
                    bucket[category] *= scale
    hours = {c: round(sum(y[c] for y in per_year_category), 2) for c in CATEGORIES}
    total = round(sum(hours.values()), 2)
    shortfall = {c: round(max(0.0, rules.min_hours.get(c, 0) - hours[c]), 2) for c in CATEGORIES}
    total_shortfall = round(max(sum(shortfall.values()), rules.min_total_hours - total, 0.0), 2)
    length = max(1, (cycle_end - cycle_start).days)
    elapsed = min(length, max(0, (today - cycle_start).days))
    share = elapsed / length
    projected = {c: round(hours[c] / share, 1) if share > 0 else 0.0 for c in CATEGORIES}
    if today >= cycle_end or elapsed >= length:
        status = EducationStatus.NON_COMPLIANT if total_shortfall > 0 else EducationStatus.COMPLIANT
    elif total_shortfall == 0 or share < rules.grace_share:
        status = EducationStatus.COMPLIANT
    else:
        behind = (
            any(projected[c] + 1e-9 < rules.min_hours.get(c, 0) for c in CATEGORIES)
            or sum(projected.values()) + 1e-9 < rules.min_total_hours
        )
        status = EducationStatus.AT_RISK if behind else EducationStatus.COMPLIANT
    return EducationState(
        status=status,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        hours=hours,
        total=total,
        shortfall=shortfall,
        total_shortfall=total_shortfall,
        projected=projected,
        per_year=[round(sum(y.values()), 2) for y in per_year_category],
        deadline=date.fromordinal(cycle_end.toordinal() - 1),
    )


def policy_exclusion(
    certification: CertificationState,
    education: EducationState | None,
    rules: ComplianceRules,
) -> str | None:
    """Why the compliance policy keeps a VP from new assignments, or ``None``.

    An expired or missing certificate always excludes (the matcher checks validity through
    each need's period itself); an education shortfall excludes only when the policy says so.
    """
    if certification.status in (CertificationStatus.EXPIRED, CertificationStatus.MISSING):
        return f"certificate {certification.status.value}"
    if (
        rules.shortfall_blocks
        and education is not None
        and education.status is not EducationStatus.COMPLIANT
    ):
        missing = ", ".join(
            f"{hours:g} h {category}" for category, hours in education.shortfall.items() if hours
        )
        return f"education {education.status.value}: short of {missing or 'total hours'}"
    return None
