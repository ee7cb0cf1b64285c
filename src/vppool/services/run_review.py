"""Reviewing a matching run before it is confirmed: is it still current, and what would change.

A run proposes a plan for the data as it was when the run started. Two things make it out of
date: a newer run that succeeded (its proposal supersedes this one), and a change to the data
the plan rests on (a VP, an absence, a certificate, a need, a conflict of interest, ...), which
the audit log records with its time. An out-of-date run can still be read but not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from vppool.db.models import (
    Assignment,
    AuditEntry,
    MatchingRun,
    Need,
    Organisation,
    TrustPerson,
)
from vppool.db.schemas import AssignmentPublic, NeedPublic, OrganisationPublic
from vppool.errors import Conflict, NotFound
from vppool.services import needs, organisations
from vppool.vocab import AssignmentStatus, MatchingRunStatus

if TYPE_CHECKING:  # the matching service imports this module
    from vppool.services.access import Viewer
    from vppool.services.matching import RunSummary

__all__ = [
    "PLANNING_RECORDS",
    "OutOfDate",
    "PlanningRecord",
    "ProposalLine",
    "RunPage",
    "open_proposals",
    "out_of_date",
    "refuse_out_of_date",
    "run_assignments",
    "run_page",
]


ZONE = ZoneInfo("Europe/Amsterdam")


class PlanningRecord(StrEnum):
    """The audited records a plan rests on (their audit ``entity_type``).

    A change to any of them after a run started makes the run out of date. Assignments are not
    here: confirming re-checks every seat against the assignments as they are.
    """

    TRUST_PERSON = "trust_person"
    CERTIFICATION = "certification"
    ABSENCE = "absence"
    DATE_OVERRIDE = "date_override"
    WEEKLY_AVAILABILITY = "weekly_availability"
    PREFERENCE = "preference"
    ORGANISATION = "organisation"
    SITE = "site"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    NEED = "need"


PLANNING_RECORDS = frozenset(record.value for record in PlanningRecord)


@dataclass(frozen=True, slots=True)
class OutOfDate:
    """Why a run can no longer be confirmed: a newer run, or data changed since it started."""

    newer_run_id: int | None = None
    changed_record: PlanningRecord | None = None
    changed_at: datetime | None = None

    def error(self) -> Conflict:
        """The refusal a planner reads (in their language on the web pages)."""
        if self.newer_run_id is not None:
            return Conflict(
                "This run is out of date: run #{newer} is newer. Review and confirm that one.",
                newer=self.newer_run_id,
            )
        return Conflict(
            "This run is out of date: the planning data changed after it started ({record}, "
            "{at}). Start a new matching run.",
            record=self.changed_record,
            at=""
            if self.changed_at is None
            else f"{self.changed_at.astimezone(ZONE):%Y-%m-%d %H:%M}",
        )


def _run(session: Session, run_id: int) -> MatchingRun:
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound("matching run", run_id)
    return run


def out_of_date(session: Session, run_id: int) -> OutOfDate | None:
    """Why run ``run_id`` is out of date, or ``None`` while it is current."""
    run = _run(session, run_id)
    newer = session.exec(
        select(MatchingRun.id)
        .where(col(MatchingRun.id) > run_id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
        .order_by(col(MatchingRun.id).desc())
        .limit(1)
    ).first()
    if newer is not None:
        return OutOfDate(newer_run_id=newer)
    since = run.started_at or run.created_at
    change = session.exec(
        select(AuditEntry.entity_type, AuditEntry.at)
        .where(
            col(AuditEntry.at) >= since,
            col(AuditEntry.entity_type).in_(sorted(PLANNING_RECORDS)),
        )
        .order_by(col(AuditEntry.at))
        .limit(1)
    ).first()
    if change is not None:
        return OutOfDate(changed_record=PlanningRecord(change[0]), changed_at=change[1])
    return None


def refuse_out_of_date(session: Session, run_id: int) -> None:
    """Raise :class:`Conflict` if run ``run_id`` is out of date (before confirming it)."""
    if (reason := out_of_date(session, run_id)) is not None:
        raise reason.error()


def run_assignments(session: Session, run_id: int) -> list[AssignmentPublic]:
    """The assignments run ``run_id`` proposed that are still proposed or now confirmed."""
    rows = session.exec(
        select(Assignment)
        .where(
            Assignment.matching_run_id == run_id,
            col(Assignment.status).in_([AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED]),
        )
        .order_by(col(Assignment.need_id), col(Assignment.seat))
    ).all()
    return [AssignmentPublic.model_validate(row) for row in rows]


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """One proposal of a run as the "confirm all" review lists it."""

    need_id: int
    need_title: str
    organisation: str
    seat: int
    trust_person_id: int
    trust_person: str
    starts_on: date
    ends_on: date | None


def open_proposals(session: Session, run_id: int) -> list[ProposalLine]:
    """The run's proposals still waiting for confirmation, by organisation and need."""
    _run(session, run_id)
    rows = session.exec(
        select(Assignment, Need.title, Organisation.name, TrustPerson)
        .join(Need, col(Need.id) == Assignment.need_id)
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .join(TrustPerson, col(TrustPerson.id) == Assignment.trust_person_id)
        .where(
            Assignment.matching_run_id == run_id,
            Assignment.status == AssignmentStatus.PROPOSED,
        )
        .order_by(col(Organisation.name), col(Need.id), col(Assignment.seat))
    ).all()
    return [
        ProposalLine(
            need_id=assignment.need_id,
            need_title=title,
            organisation=organisation,
            seat=assignment.seat,
            trust_person_id=assignment.trust_person_id,
            trust_person=f"{person.first_name} {person.last_name}",
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
        )
        for assignment, title, organisation, person in rows
    ]


@dataclass(frozen=True, slots=True)
class RunPage:
    """What a finished run's page shows: one page of its seats with what a planner needs.

    Attributes:
        seats: the seats of the chosen view (every seat, or the new proposals only), in the
            run's order; the page shows ``offset`` to ``offset + page_size`` of them.
        proposals: the run's assignments (still proposed, or confirmed since) of the shown
            seats, by (need, seat).
        waiting: how many of the run's proposals wait for confirmation (any seat).
        needs: the needs of the shown seats and of the first open seats, by id.
        organisations: their organisations, by id.
        stale: why the run is out of date, or ``None`` while it is current.
    """

    seats: list[dict[str, Any]]
    proposals: dict[tuple[int, int], AssignmentPublic]
    waiting: int
    needs: dict[int, NeedPublic]
    organisations: dict[int, OrganisationPublic]
    stale: OutOfDate | None


def run_page(
    session: Session,
    run: RunSummary,
    *,
    offset: int,
    page_size: int,
    every_seat: bool,
    viewer: Viewer,
) -> RunPage:
    """One page of the finished run ``run``: a handful of queries whatever the pool's size."""
    explanation = run.explanation or {}
    seats = [s for s in explanation.get("seats", []) if every_seat or not s.get("fixed")]
    shown = seats[offset : offset + page_size]
    wanted = {(s["need_id"], s["seat"]) for s in shown}
    rows = session.exec(
        select(Assignment).where(
            Assignment.matching_run_id == run.id,
            col(Assignment.status).in_([AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED]),
            col(Assignment.need_id).in_({need_id for need_id, _ in wanted}),
        )
    ).all()
    proposals = {
        (row.need_id, row.seat): AssignmentPublic.model_validate(row)
        for row in rows
        if (row.need_id, row.seat) in wanted
    }
    waiting = session.exec(
        select(func.count()).where(
            Assignment.matching_run_id == run.id, Assignment.status == AssignmentStatus.PROPOSED
        )
    ).one()
    need_ids = {s["need_id"] for s in shown}
    need_ids |= {u["need_id"] for u in explanation.get("unfilled", [])[:page_size]}
    by_id = needs.needs_by_id(session, need_ids, viewer=viewer)
    return RunPage(
        seats=seats,
        proposals=proposals,
        waiting=waiting,
        needs=by_id,
        organisations=organisations.organisations_by_id(
            session, (need.organisation_id for need in by_id.values()), viewer=viewer
        ),
        stale=out_of_date(session, run.id),
    )
