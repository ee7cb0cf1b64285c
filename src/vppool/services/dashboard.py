"""The planner's dashboard as data: what needs attention now, and the pool-wide coverage.

The web page only renders these view-models; everything here is computed in a handful of
queries for the whole pool (the L preset: 2,000 VPs, 4,000 organisations), never per VP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from vppool.compliance import CertificationStatus, EducationStatus
from vppool.db.schemas import REQUESTABLE_KINDS, NeedPublic, OrganisationPublic, Page
from vppool.services import matching, needs, organisations, overview
from vppool.services.access import Viewer
from vppool.services.compliance import ComplianceReport, compliance_reports
from vppool.services.overview import MonthlyLoad, Overview, UncoveredOrganisation
from vppool.settings import Settings
from vppool.vocab import NeedStatus

__all__ = [
    "Coverage",
    "HeatCell",
    "HeatRow",
    "PlannerDashboard",
    "coverage",
    "heat_map",
    "month_starts",
    "planner_dashboard",
]

#: Rows per dashboard list; the full lists are one click away.
ROWS = 12


@dataclass(frozen=True, slots=True)
class PlannerDashboard:
    """What needs the planner's attention now.

    Attributes:
        overview: the pool's key figures.
        requested: requests waiting for a decision, most urgent first (first :data:`ROWS`).
        urgent: open short-term needs, most urgent first (first :data:`ROWS`), and
            ``urgent_total`` of them in all.
        expiring: active VPs whose certificate is missing, expired or in its renewal window,
            soonest first.
        education: active VPs behind on their education hours, furthest behind first.
        last_run: the newest matching run, if any.
        organisations: the organisations the listed needs belong to, by id.
    """

    overview: Overview
    requested: Page[NeedPublic]
    urgent: list[NeedPublic]
    urgent_total: int
    expiring: list[ComplianceReport]
    education: list[ComplianceReport]
    last_run: matching.RunSummary | None
    organisations: dict[int, OrganisationPublic]


def planner_dashboard(
    session: Session, settings: Settings, viewer: Viewer, today: date
) -> PlannerDashboard:
    """The dashboard for ``viewer`` (a planner or administrator) on ``today``."""
    requested = needs.list_needs(
        session, needs.NeedQuery(status=NeedStatus.REQUESTED, limit=ROWS), viewer=viewer
    )
    urgent: list[NeedPublic] = []
    urgent_total = 0
    for kind in REQUESTABLE_KINDS:
        query = needs.NeedQuery(status=NeedStatus.OPEN, kind=kind, limit=ROWS)
        found = needs.list_needs(session, query, viewer=viewer)
        urgent.extend(found.items)
        urgent_total += found.total
    urgent.sort(key=lambda n: (-n.urgency.rank, n.starts_on))
    urgent = urgent[:ROWS]
    reports = compliance_reports(session, settings, today)
    expiring = [r for r in reports if r.certification_status is not CertificationStatus.VALID]
    expiring.sort(key=lambda r: (-10_000 if r.days_left is None else r.days_left, r.name))
    education = [r for r in reports if r.education_status not in (None, EducationStatus.COMPLIANT)]
    education.sort(key=lambda r: (-r.total_shortfall, r.name))
    shown = {n.organisation_id for n in (*requested.items, *urgent)}
    return PlannerDashboard(
        overview=overview.pool_overview(session),
        requested=requested,
        urgent=urgent,
        urgent_total=urgent_total,
        expiring=expiring,
        education=education,
        last_run=matching.latest_run(session),
        organisations=organisations.organisations_by_id(session, shown, viewer=viewer),
    )


# --------------------------------------------------------------------------- coverage


def month_starts(today: date, count: int) -> list[date]:
    """The first days of this month and the ``count - 1`` months after it."""
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One VP's load in one month."""

    hours: float
    percent: int

    @property
    def level(self) -> int:
        """0 (free) to 4 (full) and 5 (over capacity), for the colour of the cell."""
        for level, upto in enumerate((0, 50, 75, 90, 100)):
            if self.percent <= upto:
                return level
        return 5


@dataclass(frozen=True, slots=True)
class HeatRow:
    """One VP's row of the utilisation heat map."""

    trust_person_id: int
    name: str
    capacity: float
    cells: list[HeatCell]


def heat_map(loads: list[MonthlyLoad]) -> list[HeatRow]:
    """Confirmed hours per VP per month against their monthly capacity, busiest first."""
    rows = []
    for load in loads:
        capacity = load.capacity_hours_per_month
        cells = [HeatCell(h, round(100 * h / capacity) if capacity > 0 else 0) for h in load.hours]
        rows.append(HeatRow(load.trust_person_id, load.name, capacity, cells))
    rows.sort(key=lambda r: (-max((c.percent for c in r.cells), default=0), r.name))
    return rows


@dataclass(frozen=True, slots=True)
class Coverage:
    """Organisations without a valid standing VP, and one page of the load heat map.

    Attributes:
        uncovered: the first :data:`ROWS` organisations; ``uncovered_total`` in all.
        months: the first days of the months the heat map shows.
        heat: the rows ``offset`` to ``offset + limit`` of the heat map, busiest first;
            ``heat_total`` rows in all.
    """

    uncovered: list[UncoveredOrganisation]
    uncovered_total: int
    months: list[date]
    heat: list[HeatRow]
    heat_total: int
    offset: int
    limit: int


def coverage(
    session: Session, today: date, *, months: int = 6, offset: int = 0, limit: int = 50
) -> Coverage:
    """The coverage panels for ``today``: who lacks a standing VP, who is how busy."""
    uncovered = overview.uncovered_organisations(session, today)
    starts = month_starts(today, months)
    rows = heat_map(overview.monthly_load(session, starts))
    offset = max(offset, 0)
    return Coverage(
        uncovered=uncovered[:ROWS],
        uncovered_total=len(uncovered),
        months=starts,
        heat=rows[offset : offset + limit],
        heat_total=len(rows),
        offset=offset,
        limit=limit,
    )
