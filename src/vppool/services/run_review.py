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
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from vppool.db.models import (
    Assignment,
    AuditEntry,
    MatchingRun,
    Need,
    Organisation,
    TrustPerson,
)
from vppool.db.schemas import AssignmentPublic
from vppool.errors import Conflict, NotFound
from vppool.vocab import AssignmentStatus, MatchingRunStatus

__all__ = [
    "PLANNING_RECORDS",
    "OutOfDate",
    "PlanningRecord",
    "ProposalLine",
    "open_proposals",
    "out_of_date",
    "refuse_out_of_date",
    "run_assignments",
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
