"""Compliance of the pool: per-VP status, the daily sweep and certification reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from vppool.compliance import (
    CertificationStatus,
    ComplianceRules,
    EducationHours,
    EducationStatus,
    certification_state,
    education_state,
    policy_exclusion,
)
from vppool.db.models import AuditEntry, Certification, EducationRecord, TrustPerson, User
from vppool.errors import NotFound
from vppool.services import notifications
from vppool.services._common import plain_rows
from vppool.settings import Settings
from vppool.vocab import Role

__all__ = [
    "REMINDER_DAYS",
    "ComplianceReport",
    "CurrentCertificate",
    "SweepReport",
    "certification_reminders",
    "compliance_exclusions",
    "compliance_report",
    "compliance_reports",
    "compliance_rules",
    "current_certificates",
    "pool_on",
    "sweep",
]

#: Certification reminders go out this many days before expiry.
REMINDER_DAYS = (365, 90, 30)


class ComplianceReport(BaseModel):
    """A VP's certification and education standing on a day."""

    trust_person_id: int
    name: str
    certification_status: CertificationStatus
    certification_expires_on: date | None
    days_left: int | None
    education_status: EducationStatus | None
    cycle_start: date | None
    cycle_end: date | None
    hours: dict[str, float]
    minimums: dict[str, float]
    shortfall: dict[str, float]
    total: float
    total_shortfall: float


class SweepReport(BaseModel):
    """What a sweep found and how many messages it queued."""

    checked: int
    by_certification: dict[str, int]
    by_education: dict[str, int]
    notifications_queued: int


class CurrentCertificate(NamedTuple):
    """The certificate that counts for a VP on a day."""

    id: int
    number: str
    issued_on: date
    expires_on: date


def current_certificates(session: Session, today: date) -> dict[int, CurrentCertificate]:
    """Each VP's current certificate: issued by ``today``, the latest expiry.

    Reads plain columns (no ORM objects): the dashboard and the matcher read every VP's.
    """
    current: dict[int, CurrentCertificate] = {}
    for vp_id, cert_id, number, issued_on, expires_on in plain_rows(
        session,
        sa.select(
            col(Certification.trust_person_id),
            col(Certification.id),
            col(Certification.number),
            col(Certification.issued_on),
            col(Certification.expires_on),
        ).where(col(Certification.issued_on) <= today),
    ):
        held = current.get(vp_id)
        if cert_id is not None and (held is None or expires_on > held.expires_on):
            current[vp_id] = CurrentCertificate(cert_id, number, issued_on, expires_on)
    return current


def _education_hours(
    session: Session, only: int | None = None
) -> defaultdict[int, list[EducationHours]]:
    """Every VP's education records (or one VP's) as the compliance rules read them."""
    query = sa.select(
        col(EducationRecord.trust_person_id),
        col(EducationRecord.category),
        col(EducationRecord.hours),
        col(EducationRecord.completed_on),
    )
    if only is not None:
        query = query.where(col(EducationRecord.trust_person_id) == only)
    hours: defaultdict[int, list[EducationHours]] = defaultdict(list)
    for vp_id, category, spent, completed_on in plain_rows(session, query):
        hours[vp_id].append(EducationHours(category.value, spent, completed_on))
    return hours


def compliance_rules(settings: Settings) -> ComplianceRules:
    """The compliance rule numbers from the settings."""
    return ComplianceRules(
        renewal_window_days=settings.renewal_window_days,
        expiring_soon_days=settings.expiring_soon_days,
        min_total_hours=settings.education_min_total_hours,
        min_hours={
            "accredited_course": settings.education_min_accredited_hours,
            "intervision": settings.education_min_intervision_hours,
            "other": settings.education_min_other_hours,
        },
        yearly_cap_hours=settings.education_yearly_cap_hours,
        shortfall_blocks=settings.education_shortfall_blocks,
    )


def compliance_exclusions(
    session: Session,
    settings: Settings,
    certificates: dict[int, CurrentCertificate],
    today: date,
) -> dict[int, str]:
    """VPs the compliance policy keeps from new assignments, with the reason.

    Certificate validity through each need's period is the matcher's own rule; here only
    an education shortfall counts, and only when the policy is set to block.
    """
    rules = compliance_rules(settings)
    if not rules.shortfall_blocks:
        return {}
    hours = _education_hours(session)
    result = {}
    for vp_id, cert in certificates.items():
        state = certification_state(cert.expires_on, today, rules)
        education = education_state(hours[vp_id], cert.issued_on, cert.expires_on, today, rules)
        reason = policy_exclusion(state, education, rules)
        if reason is not None and state.status.value not in ("expired", "missing"):
            result[vp_id] = reason
    return result


#: Whose standing to read: one VP's id, the ids of a pool, or ``None`` for today's pool.
Who = int | Collection[int] | None


def _reports(session: Session, settings: Settings, today: date, who: Who) -> list[ComplianceReport]:
    rules = compliance_rules(settings)
    if isinstance(who, int):
        which, only = col(TrustPerson.id) == who, who
    else:
        which = col(TrustPerson.active).is_(True) if who is None else col(TrustPerson.id).in_(who)
        only = None
    query = sa.select(
        col(TrustPerson.id), col(TrustPerson.first_name), col(TrustPerson.last_name)
    ).where(which)
    people = plain_rows(session, query.order_by(col(TrustPerson.id)))
    certificates = current_certificates(session, today)
    records = _education_hours(session, only)
    reports = []
    for person_id, first_name, last_name in people:
        assert person_id is not None  # noqa: S101  (read from the database)
        cert = certificates.get(person_id)
        state = certification_state(cert.expires_on if cert else None, today, rules)
        education = (
            education_state(records[person_id], cert.issued_on, cert.expires_on, today, rules)
            if cert
            else None
        )
        reports.append(
            ComplianceReport(
                trust_person_id=person_id,
                name=f"{first_name} {last_name}",
                certification_status=state.status,
                certification_expires_on=state.expires_on,
                days_left=state.days_left,
                education_status=education.status if education else None,
                cycle_start=education.cycle_start if education else None,
                cycle_end=education.cycle_end if education else None,
                hours=education.hours if education else {},
                minimums=dict(rules.min_hours),
                shortfall=education.shortfall if education else {},
                total=education.total if education else 0.0,
                total_shortfall=education.total_shortfall if education else rules.min_total_hours,
            )
        )
    return reports


def compliance_reports(
    session: Session, settings: Settings, today: date, *, pool: Collection[int] | None = None
) -> list[ComplianceReport]:
    """Every active VP's standing (certification and education), in id order.

    ``pool`` names the VPs instead (for a day in the past: :func:`pool_on`). For planners'
    overviews; reads the pool in three queries.
    """
    return _reports(session, settings, today, pool)


def pool_on(session: Session, settings: Settings, day: date) -> set[int]:
    """The VPs who were in the pool (not archived) at the end of ``day``, local time.

    Read from today's state and the audit log's archive and reactivate entries: a VP
    archived after ``day`` was still in the pool then, one reactivated after it was not.
    """
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=settings.zone).astimezone(UTC)
    pool = set(session.exec(select(TrustPerson.id).where(col(TrustPerson.active).is_(True))).all())
    later = session.exec(
        select(AuditEntry.entity_id, AuditEntry.action)
        .where(
            AuditEntry.entity_type == "trust_person",
            col(AuditEntry.action).in_(["trust_person_deactivated", "trust_person_reactivated"]),
            col(AuditEntry.at) >= end,
        )
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    ).all()
    for trust_person_id, action in later:  # undo the changes after the day, newest first
        if trust_person_id is None:
            continue
        if action == "trust_person_deactivated":
            pool.add(trust_person_id)
        else:
            pool.discard(trust_person_id)
    return {i for i in pool if i is not None}


def compliance_report(
    session: Session, settings: Settings, trust_person_id: int, today: date
) -> ComplianceReport:
    """One VP's standing."""
    reports = _reports(session, settings, today, trust_person_id)
    if not reports:
        raise NotFound("trust person", trust_person_id)
    return reports[0]


def _users(session: Session) -> tuple[dict[int, User], list[User]]:
    own: dict[int, User] = {}
    planners: list[User] = []
    for user in session.exec(select(User).where(col(User.active))).all():
        if user.role is Role.TRUST_PERSON and user.trust_person_id is not None:
            own[user.trust_person_id] = user
        elif user.role in (Role.PLANNER, Role.ADMIN):
            planners.append(user)
    return own, planners


def sweep(session: Session, settings: Settings, today: date) -> SweepReport:
    """Check every active VP; queue a message for each VP newly at risk or non-compliant.

    Each (VP, status, cycle) is notified once; planners get one digest per day when any VP
    is at risk or non-compliant.
    """
    reports = _reports(session, settings, today, None)
    own, planners = _users(session)
    by_cert: dict[str, int] = defaultdict(int)
    by_education: dict[str, int] = defaultdict(int)
    queued = 0
    flagged = []
    for report in reports:
        by_cert[report.certification_status.value] += 1
        status = report.education_status
        if status is not None:
            by_education[status.value] += 1
        if status in (EducationStatus.AT_RISK, EducationStatus.NON_COMPLIANT):
            flagged.append(report)
            user = own.get(report.trust_person_id)
            if user is not None:
                missing = ", ".join(f"{h:g} h {c}" for c, h in report.shortfall.items() if h)
                queued += notifications.enqueue(
                    session,
                    kind="education_status",
                    recipient=user,
                    subject=f"Permanente educatie: {status.value.replace('_', ' ')}",
                    body=(
                        f"Beste {report.name},\n\nVoor je LVV-cyclus tot "
                        f"{report.cycle_end} ontbreekt nog: {missing or 'totaal aantal uren'}."
                        "\n\nvppool"
                    ),
                    dedupe_key=f"education:{report.trust_person_id}:{status.value}:"
                    f"{report.cycle_start}",
                )
    if flagged:
        lines = "\n".join(
            f"- {r.name}: {r.education_status.value if r.education_status else '-'}"
            for r in flagged[:200]
        )
        for planner in planners:
            queued += notifications.enqueue(
                session,
                kind="compliance_digest",
                recipient=planner,
                subject=f"Compliance {today.isoformat()}: {len(flagged)} VP(s) behind",
                body=f"Achter op permanente educatie:\n{lines}\n",
                dedupe_key=f"digest:{planner.id}:{today.isoformat()}",
            )
    return SweepReport(
        checked=len(reports),
        by_certification=dict(by_cert),
        by_education=dict(by_education),
        notifications_queued=queued,
    )


def certification_reminders(session: Session, settings: Settings, today: date) -> int:
    """Queue reminders 1 year, 90 and 30 days before a certificate expires; returns how many.

    Only the tightest threshold reached is sent, each once per certificate; a VP without a
    login is reminded through the planners.
    """
    own, planners = _users(session)
    people = {p.id: p for p in session.exec(select(TrustPerson)).all()}
    queued = 0
    for vp_id, cert in current_certificates(session, today).items():
        person = people.get(vp_id)
        if person is None or not person.active:
            continue
        days_left = (cert.expires_on - today).days
        reached = [d for d in REMINDER_DAYS if 0 < days_left <= d]
        if not reached:
            continue
        threshold = min(reached)
        recipients = [own[vp_id]] if vp_id in own else planners
        for recipient in recipients:
            queued += notifications.enqueue(
                session,
                kind="certification_reminder",
                recipient=recipient,
                subject=f"LVV-certificaat verloopt over {days_left} dagen",
                body=(
                    f"Het LVV-certificaat {cert.number} van {person.first_name} "
                    f"{person.last_name} verloopt op {cert.expires_on.isoformat()}. "
                    "Hercertificering kan tot een jaar voor de vervaldatum worden aangevraagd."
                ),
                dedupe_key=f"cert:{cert.id}:{threshold}:{recipient.id}",
            )
    return queued
