"""Planning insight as data for charts: use, standing seats by province, education.

The pool's planned hours against its capacity month by month, standing seats filled per
province, and where the pool stands with its education.

Each figure is what a chart draws and what the table behind it lists (the web page shows
both, so the numbers are readable without the picture).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, or_

from vppool.compliance import CertificationStatus
from vppool.db.models import Assignment, Need, Site, TrustPerson
from vppool.services import compliance
from vppool.services._common import plain_rows
from vppool.services.dashboard import month_starts
from vppool.services.overview import add_pro_rata, month_spans
from vppool.settings import Settings
from vppool.synthetic import load_places
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus

__all__ = [
    "EducationCount",
    "Insight",
    "MonthUse",
    "ProvinceFill",
    "education_counts",
    "insight",
    "province_of",
]

#: The education statuses in the order the chart shows them; ``no_certificate``: a VP
#: without a valid certificate (their education is not counted).
EDUCATION_ORDER = ("compliant", "at_risk", "non_compliant", "no_certificate")


@dataclass(frozen=True, slots=True)
class MonthUse:
    """The pool in one month: confirmed hours against the active VPs' capacity."""

    month: date
    planned_hours: float
    capacity_hours: float

    @property
    def percent(self) -> int:
        """Planned hours as a share of capacity, in whole percents."""
        return round(100 * self.planned_hours / self.capacity_hours) if self.capacity_hours else 0


@dataclass(frozen=True, slots=True)
class ProvinceFill:
    """Standing seats running today in one province, and how many hold a VP."""

    province: str
    seats: int
    filled: int

    @property
    def open(self) -> int:
        """Seats without a VP."""
        return self.seats - self.filled


class EducationCount(NamedTuple):
    """How many active VPs have this education status."""

    status: str
    people: int


@dataclass(frozen=True, slots=True)
class Insight:
    """The insight page's first two figures (its education: :func:`education_counts`)."""

    use: list[MonthUse]
    provinces: list[ProvinceFill]


@cache
def _province_near(latitude: float, longitude: float) -> str:
    """The province of the nearest place in the package's table of Dutch places."""
    scale = math.cos(math.radians(latitude))
    nearest = min(
        load_places(),
        key=lambda p: (p.latitude - latitude) ** 2 + ((p.longitude - longitude) * scale) ** 2,
    )
    return nearest.province


def province_of(latitude: float, longitude: float) -> str:
    """The province a point lies in (by the nearest known place, to about a kilometre)."""
    return _province_near(round(latitude, 2), round(longitude, 2))


def _use(session: Session, today: date, months: int) -> list[MonthUse]:
    """Confirmed hours per month (pro rata to the days each assignment covers) and capacity.

    The pool's totals only: assignments are summed per distinct period in the database, so
    the months are walked once per period, not once per assignment.
    """
    firsts = month_starts(today, months)
    spans = month_spans(firsts)
    first_day, last_day = spans[0][0], spans[-1][1]
    planned = [0.0] * len(firsts)
    for starts_on, ends_on, hours in plain_rows(
        session,
        sa.select(
            col(Assignment.starts_on),
            col(Assignment.ends_on),
            sa.func.sum(col(Need.expected_hours_per_month)),
        )
        .join(Need, col(Need.id) == Assignment.need_id)
        .join(TrustPerson, col(TrustPerson.id) == Assignment.trust_person_id)
        .where(
            col(TrustPerson.active).is_(True),
            col(Assignment.status) == AssignmentStatus.CONFIRMED,
            col(Assignment.starts_on) < last_day,
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > first_day),
        )
        .group_by(col(Assignment.starts_on), col(Assignment.ends_on)),
    ):
        add_pro_rata(planned, hours, (starts_on, ends_on), spans)
    capacity = plain_rows(
        session,
        sa.select(
            sa.func.coalesce(sa.func.sum(col(TrustPerson.capacity_hours_per_month)), 0)
        ).where(col(TrustPerson.active).is_(True)),
    )[0][0]
    return [
        MonthUse(month, round(hours, 1), round(float(capacity), 1))
        for month, hours in zip(firsts, planned, strict=True)
    ]


def _provinces(session: Session, today: date) -> list[ProvinceFill]:
    """Standing seats running today, by the province of the need's site (or the main site)."""
    running = sa.and_(
        col(Need.kind) == NeedKind.STANDING,
        col(Need.status) == NeedStatus.OPEN,
        col(Need.starts_on) <= today,
        or_(col(Need.ends_on).is_(None), col(Need.ends_on) > today),
    )
    needs = plain_rows(
        session,
        sa.select(
            col(Need.id), col(Need.organisation_id), col(Need.site_id), col(Need.seats)
        ).where(running),
    )
    # Each site's province once; a need without its own site counts at the main site.
    province_at: dict[int | None, str] = {}
    main: dict[int, str] = {}
    for site_id, organisation_id, latitude, longitude in plain_rows(
        session,
        sa.select(
            col(Site.id), col(Site.organisation_id), col(Site.latitude), col(Site.longitude)
        ).order_by(col(Site.organisation_id), col(Site.is_main).desc(), col(Site.id)),
    ):
        province_at[site_id] = province_of(latitude, longitude)
        main.setdefault(organisation_id, province_at[site_id])
    held: Counter[int | None] = Counter(
        need_id
        for (need_id,) in plain_rows(
            session,
            sa.select(col(Assignment.need_id))
            .join(Need, col(Need.id) == Assignment.need_id)
            .where(
                running,
                col(Assignment.status) == AssignmentStatus.CONFIRMED,
                col(Assignment.starts_on) <= today,
                or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
            ),
        )
    )
    seats: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    for need_id, organisation_id, site_id, count in needs:
        province = province_at.get(site_id) or main.get(organisation_id, "?")
        seats[province] += count
        filled[province] += min(count, held[need_id])
    return sorted(
        (ProvinceFill(name, seats[name], filled[name]) for name in seats),
        key=lambda fill: (-fill.seats, fill.province),
    )


def education_counts(session: Session, settings: Settings, today: date) -> list[EducationCount]:
    """How many active VPs stand where with their education (every VP's state worked out)."""
    counts: Counter[str] = Counter()
    for report in compliance.compliance_reports(session, settings, today):
        valid = report.certification_status not in (
            CertificationStatus.MISSING,
            CertificationStatus.EXPIRED,
        )
        status = report.education_status
        counts[status.value if valid and status is not None else "no_certificate"] += 1
    return [EducationCount(status, counts[status]) for status in EDUCATION_ORDER]


def insight(session: Session, today: date, *, months: int = 12) -> Insight:
    """The pool's use over ``months`` months and the standing seats by province."""
    return Insight(use=_use(session, today, months), provinces=_provinces(session, today))
