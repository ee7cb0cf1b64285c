"""Use cases of the pool: trust persons and the records they keep.

A trust person's profile, certificates, education records, absences, weekly availability and
date overrides. Trust persons who ever held an assignment are deactivated, never deleted;
their sensitive attributes (gender, birth year, background) can be erased at any time.

Scoping (``viewer``; ``None`` is the system): planners and admins see and change every trust
person. A trust person sees only their own record and records, and may change their contact
details, capacity, travel radius, time zone and self-declared attributes (or erase those),
their absences, weekly availability and date overrides, and add education records; the
rest (qualifications, certificates, deactivation) is a planner's. Client contacts see trust
persons only through their organisation's team (:mod:`vppool.services.assignments`).
Another trust person's id answers :class:`~vppool.errors.NotFound`, like an unknown id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select

from vppool.db.engine import serialise_writes
from vppool.db.models import (
    Absence,
    AbsenceBase,
    Assignment,
    Certification,
    CertificationBase,
    DateOverride,
    EducationRecord,
    EducationRecordBase,
    TrustPerson,
    TrustPersonBase,
    User,
    WeeklyAvailability,
)
from vppool.db.schemas import (
    AbsenceCreate,
    AbsencePublic,
    AbsenceUpdate,
    CertificationCreate,
    CertificationPublic,
    CertificationUpdate,
    DateOverrideCreate,
    DateOverridePublic,
    EducationRecordCreate,
    EducationRecordPublic,
    EducationRecordUpdate,
    Page,
    PageQuery,
    TrustPersonCreate,
    TrustPersonPublic,
    TrustPersonUpdate,
    WeeklyAvailabilityCreate,
    WeeklyAvailabilityPublic,
)
from vppool.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from vppool.services import audit
from vppool.services._common import (
    Actor,
    UniqueField,
    acting,
    apply_changes,
    choice,
    contains_text,
    ensure_own_trust_person,
    fetch_page,
    flush,
    json_list_contains,
    order_by,
    plain_text,
    require_role,
    require_staff,
    sees_everything,
    where_given,
)
from vppool.services._records import Records
from vppool.services.access import Viewer
from vppool.settings import get_settings
from vppool.vocab import AssignmentStatus, Role, Scope, unknown_languages

__all__ = [
    "SELF_EDITABLE_FIELDS",
    "add_absence",
    "add_certification",
    "add_date_override",
    "add_education_record",
    "create_trust_person",
    "deactivate_trust_person",
    "delete_absence",
    "delete_certification",
    "delete_date_override",
    "delete_education_record",
    "delete_trust_person",
    "erase_sensitive_attributes",
    "get_certification",
    "get_education_record",
    "get_trust_person",
    "list_absences",
    "list_certifications",
    "list_date_overrides",
    "list_education_records",
    "list_trust_persons",
    "list_weekly_availability",
    "reactivate_trust_person",
    "replace_weekly_availability",
    "update_absence",
    "update_certification",
    "update_education_record",
    "update_trust_person",
]

_EMAIL = UniqueField(
    TrustPerson, "email", "trust person", "This e-mail address is already used by another VP."
)
_CERTIFICATE_NUMBER = UniqueField(
    Certification,
    "number",
    "certificate",
    "This certificate number is already used by another certificate.",
)
_ENTITY = "trust person"

PEOPLE = Records(
    TrustPerson,
    TrustPersonPublic,
    entity=_ENTITY,
    record="trust_person",
    base=TrustPersonBase,
    unique=(_EMAIL,),
)
CERTIFICATES = Records(
    Certification,
    CertificationPublic,
    entity="certificate",
    record="certification",
    base=CertificationBase,
    unique=(_CERTIFICATE_NUMBER,),
    owner="trust_person_id",
    context=("trust_person_id",),
)
EDUCATION = Records(
    EducationRecord,
    EducationRecordPublic,
    entity="education record",
    record="education_record",
    base=EducationRecordBase,
    owner="trust_person_id",
    context=("trust_person_id",),
)
ABSENCES = Records(
    Absence,
    AbsencePublic,
    entity="absence",
    record="absence",
    base=AbsenceBase,
    owner="trust_person_id",
    context=("trust_person_id",),
)
OVERRIDES = Records(
    DateOverride,
    DateOverridePublic,
    entity="date override",
    record="date_override",
    owner="trust_person_id",
    context=("trust_person_id",),
)
#: No one studies more hours in a day than it has.
_HOURS_IN_A_DAY = 24
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The self-declared attributes an AVG/GDPR erasure removes, with their empty values.
_SENSITIVE_EMPTY: dict[str, Any] = {
    "gender": None,
    "gender_visible_to_clients": False,
    "birth_year": None,
    "background_tags": [],
}

#: What a trust person may change in their own profile: how to reach them, how much and how
#: far they work, the zone of their weekly hours, and what they declare about themselves.
#: Names, qualifications (scopes, languages, sectors), home location and status are checked
#: and kept by planners.
SELF_EDITABLE_FIELDS = frozenset(
    {
        "email",
        "phone",
        "capacity_hours_per_month",
        "capacity_standing_clients",
        "max_travel_km",
        "timezone",
        *_SENSITIVE_EMPTY,
    }
)


# --------------------------------------------------------------------------- profile


def create_trust_person(
    session: Session,
    *,
    data: TrustPersonCreate,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Add a trust person to the pool (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: the e-mail address is already used.
    """
    require_staff(viewer, "add trust persons")
    return PEOPLE.show(PEOPLE.create(session, acting(viewer), data))


def get_trust_person(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> TrustPersonPublic:
    """One trust person, sensitive attributes included (for planners and the person).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    return TrustPersonPublic.model_validate(_visible(session, viewer, trust_person_id))


def update_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    data: TrustPersonUpdate,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Change the given fields of a trust person.

    A trust person may change only :data:`SELF_EDITABLE_FIELDS` of their own profile.

    Raises:
        PermissionDenied: the viewer is a client contact, or a trust person changing a field
            that planners keep.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: a field is invalid, or the e-mail address is already used.
    """
    person = _visible(session, viewer, trust_person_id)
    values = PEOPLE.merged(person, data)
    if not sees_everything(viewer):
        # A full profile form sends every field: only changes to kept fields are refused.
        kept = sorted(
            name
            for name, value in values.items()
            if name not in SELF_EDITABLE_FIELDS and getattr(person, name) != value
        )
        if kept:
            msg = (
                f"a planner keeps {', '.join(kept)}; you may change "
                f"{', '.join(sorted(SELF_EDITABLE_FIELDS))}"
            )
            raise PermissionDenied(msg)
    # Archiving or taking back goes the one way it always goes (asks withdrawn, audited as
    # such), whichever route asked for it.
    active = values.pop("active", person.active)
    PEOPLE.update(session, acting(viewer), person, values)
    if active != person.active:
        return _set_active(session, trust_person_id, active, acting(viewer), viewer)
    return PEOPLE.show(person)


class TrustPersonQuery(PageQuery):
    """A page of trust persons, filtered by each field given.

    Attributes:
        active: only active (``True``) or inactive (``False``) trust persons.
        scope: only those qualified for this scope.
        language: only those who speak this language (ISO 639 code).
        municipality: only those living in this municipality (any letter case).
        search: words that must each occur in the first or last name or e-mail address.
        sort: ``last_name`` (the family name without its particle, "de Jonge" under J,
            then the first name, ignoring letter case and accents), ``created_at`` or
            ``capacity`` (hours per month); prefix ``-`` to reverse.
    """

    active: bool | None = None
    scope: Scope | str | None = None
    language: str | None = None
    municipality: str | None = None
    search: str | None = None
    sort: str = "last_name"


def list_trust_persons(
    session: Session, query: TrustPersonQuery, *, viewer: Viewer | None = None
) -> Page[TrustPersonPublic]:
    """One page of trust persons (for a trust person: only themselves).

    Args:
        session: the database session.
        query: the filters, the sort and the page (offset, limit at most 200).
        viewer: who asks; a trust person's page holds only their own record.

    Raises:
        PermissionDenied: the viewer is a client contact.
        ValidationFailed: an unknown scope, language or sort, or a bad offset or limit.
    """
    require_role(viewer, Role.TRUST_PERSON, "list trust persons")
    municipality = plain_text(query.municipality, field="municipality")
    search = plain_text(query.search, field="search")
    statement = select(TrustPerson)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        statement = statement.where(TrustPerson.id == viewer.trust_person_id)
    statement = where_given(statement, (TrustPerson.active, query.active))
    if query.scope is not None:
        scope = choice(Scope, query.scope, field="scope")
        statement = statement.where(json_list_contains(session, TrustPerson.scopes, scope))
    if query.language is not None:
        statement = statement.where(
            json_list_contains(session, TrustPerson.languages, _known_language(query.language))
        )
    if municipality:
        statement = statement.where(
            func.lower(TrustPerson.home_municipality) == municipality.strip().lower()
        )
    if search:
        statement = statement.where(
            contains_text(search, TrustPerson.first_name, TrustPerson.last_name, TrustPerson.email)
        )
    ordering = order_by(
        query.sort,
        {
            "last_name": [col(TrustPerson.sort_name).asc()],
            "created_at": [col(TrustPerson.created_at).asc()],
            "capacity": [col(TrustPerson.capacity_hours_per_month).asc()],
        },
        tiebreak=TrustPerson.id,
    )
    return fetch_page(
        session,
        statement,
        query,
        public=TrustPersonPublic,
        ordering=ordering,
    )


def deactivate_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Take a trust person out of planning (archive), keeping their history (planners).

    Placements still waiting for their answer (asked) are withdrawn, so their seats are
    open again: an archived VP can no longer answer. Assignments are left as they are:
    ending them is a planner's decision per client. Each change is audited.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
    """
    return _set_active(session, trust_person_id, False, acting(viewer), viewer)


def reactivate_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Take an archived trust person back into planning (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
    """
    return _set_active(session, trust_person_id, True, acting(viewer), viewer)


def _set_active(
    session: Session, trust_person_id: int, active: bool, actor: Actor, viewer: Viewer | None
) -> TrustPersonPublic:
    require_staff(viewer, "archive trust persons" if not active else "reactivate trust persons")
    serialise_writes(session)  # an answer to an ask at the same moment waits, then sees it
    person = PEOPLE.find(session, trust_person_id)
    changed = apply_changes(person, {"active": active})
    # Archived: asks wait for an answer that cannot come (also those of a VP archived
    # before asks were withdrawn): the seats open again.
    asked = [] if active else _withdraw_asks(session, trust_person_id)
    if changed or asked:
        flush(session)
        if changed:
            PEOPLE.audit(session, actor, "deactivated" if not active else "reactivated", person)
        for assignment in asked:
            audit.record_change(
                session,
                actor,
                action="assignment_cancelled",
                entity_type="assignment",
                entity_id=assignment.id,
                details={
                    "need_id": assignment.need_id,
                    "trust_person_id": trust_person_id,
                    "because": "trust_person_archived",
                },
            )
    return PEOPLE.show(person)


def _withdraw_asks(session: Session, trust_person_id: int) -> list[Assignment]:
    """Withdraw the VP's placements that wait for their answer; the seats open again."""
    asked = session.exec(
        select(Assignment)
        .where(
            Assignment.trust_person_id == trust_person_id,
            Assignment.status == AssignmentStatus.ASKED,
        )
        .with_for_update()  # PostgreSQL: an answer at the same moment comes first or after
    ).all()
    for assignment in asked:
        apply_changes(assignment, {"status": AssignmentStatus.CANCELLED})
    return list(asked)


def delete_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete a trust person who never held an assignment nor logged in, with their records.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
        Conflict: the trust person has assignments or a user account; deactivate instead.
    """
    require_staff(viewer, "delete trust persons")
    PEOPLE.delete(
        session,
        acting(viewer),
        PEOPLE.find(session, trust_person_id),
        used_by={"assignments": Assignment.trust_person_id, "a user account": User.trust_person_id},
    )


def erase_sensitive_attributes(
    session: Session,
    *,
    trust_person_id: int,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Erase gender, birth year and background tags (AVG/GDPR right to erasure).

    The person themselves or a planner may erase them. The audit entry names the erased
    fields, never their values.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    person = _visible(session, viewer, trust_person_id)
    changed = apply_changes(person, _SENSITIVE_EMPTY)
    if changed:
        flush(session)
    PEOPLE.audit(session, acting(viewer), "sensitive_attributes_erased", person, fields=changed)
    return PEOPLE.show(person)


# --------------------------------------------------------------------------- certificates


def add_certification(
    session: Session,
    *,
    trust_person_id: int,
    data: CertificationCreate,
    viewer: Viewer | None = None,
) -> CertificationPublic:
    """Record a certificate of a trust person (planners check certificates).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
        ValidationFailed: the number is already recorded.
    """
    require_staff(viewer, "record certificates")
    _person(session, trust_person_id)
    certificate = CERTIFICATES.create(
        session, acting(viewer), data, trust_person_id=trust_person_id
    )
    return CERTIFICATES.show(certificate)


def get_certification(
    session: Session, *, trust_person_id: int, certification_id: int, viewer: Viewer | None = None
) -> CertificationPublic:
    """One certificate of a trust person.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such certificate of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return CERTIFICATES.show(_own(session, CERTIFICATES, certification_id, trust_person_id))


def list_certifications(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[CertificationPublic]:
    """A trust person's certificates, the latest expiry first.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return CERTIFICATES.of_owner(
        session, trust_person_id, col(Certification.expires_on).desc(), col(Certification.id)
    )


def update_certification(
    session: Session,
    *,
    trust_person_id: int,
    certification_id: int,
    data: CertificationUpdate,
    viewer: Viewer | None = None,
) -> CertificationPublic:
    """Change the given fields of a certificate (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such certificate of this trust person.
        ValidationFailed: a field is invalid, or the number is used by another certificate.
    """
    require_staff(viewer, "change certificates")
    certificate = _own(session, CERTIFICATES, certification_id, trust_person_id)
    CERTIFICATES.update(session, acting(viewer), certificate, data)
    return CERTIFICATES.show(certificate)


def delete_certification(
    session: Session,
    *,
    trust_person_id: int,
    certification_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete a certificate recorded by mistake (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such certificate of this trust person.
    """
    require_staff(viewer, "delete certificates")
    certificate = _own(session, CERTIFICATES, certification_id, trust_person_id)
    CERTIFICATES.delete(session, acting(viewer), certificate)


# --------------------------------------------------------------------------- education


def add_education_record(
    session: Session,
    *,
    trust_person_id: int,
    data: EducationRecordCreate,
    viewer: Viewer | None = None,
    today: date | None = None,
) -> EducationRecordPublic:
    """Record hours of permanent education (the person themselves or a planner).

    A record is for a completed activity on one day: not after ``today``, and the VP's
    records of that day (this one included) add up to at most 24 hours.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: a field is invalid (such as hours of 0 or less, more than 24 hours
            on one day, or a date after today); nothing is stored.
    """
    _visible(session, viewer, trust_person_id)
    _check_education_day(session, trust_person_id, data, today or get_settings().today())
    record = EDUCATION.create(session, acting(viewer), data, trust_person_id=trust_person_id)
    return EDUCATION.show(record)


def update_education_record(
    session: Session,
    *,
    trust_person_id: int,
    education_record_id: int,
    data: EducationRecordUpdate,
    viewer: Viewer | None = None,
) -> EducationRecordPublic:
    """Correct an education record (planners: the hours count towards compliance).

    The changed record is checked like a new one: not after today, at most 24 hours on
    its day with the VP's other records of that day. A record of an intervision meeting is
    kept by the meeting's attendance, not here.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such record of this trust person.
        Conflict: the record belongs to an intervision meeting.
        ValidationFailed: a field is invalid; nothing is changed.
    """
    require_staff(viewer, "change education records")
    record = _own(session, EDUCATION, education_record_id, trust_person_id)
    if record.intervision_session_id is not None:
        msg = "This record comes from an intervision meeting; change the meeting's attendance."
        raise Conflict(msg)
    values = EDUCATION.merged(record, data)
    changed = EducationRecordCreate.model_validate(
        {name: values.get(name, getattr(record, name)) for name in EducationRecordBase.model_fields}
    )
    _check_education_day(
        session, trust_person_id, changed, get_settings().today(), other_than=record.id
    )
    EDUCATION.update(session, acting(viewer), record, values)
    return EDUCATION.show(record)


def _check_education_day(
    session: Session,
    trust_person_id: int,
    given: EducationRecordCreate,
    today: date,
    *,
    other_than: int | None = None,
) -> None:
    """Refuse a completion date after ``today`` and more than 24 hours on one day.

    ``other_than`` is the record being changed, whose current hours do not count.

    Raises:
        ValidationFailed: naming ``completed_on`` and/or ``hours``.
    """
    errors = []
    if given.completed_on > today:
        errors.append(
            FieldError(
                "completed_on",
                "{completed_on} is after today ({today}); record an activity once it is completed",
                {"completed_on": given.completed_on, "today": today},
            )
        )
    same_day = select(func.coalesce(func.sum(EducationRecord.hours), 0.0)).where(
        EducationRecord.trust_person_id == trust_person_id,
        EducationRecord.completed_on == given.completed_on,
    )
    if other_than is not None:
        same_day = same_day.where(EducationRecord.id != other_than)
    already = float(session.exec(same_day).one())
    total = already + given.hours
    if total > _HOURS_IN_A_DAY:
        errors.append(
            FieldError(
                "hours",
                "{hours} h on {day} would make {total} h that day ({already} h already "
                "recorded); a day has {limit} hours, so record a course of several days per day",
                {
                    "hours": _hours(given.hours),
                    "day": given.completed_on,
                    "total": _hours(total),
                    "already": _hours(already),
                    "limit": _HOURS_IN_A_DAY,
                },
            )
        )
    if errors:
        raise ValidationFailed(errors, subject="education record")


def _hours(value: float) -> float | int:
    """Hours as a whole number when they are whole (16, not 16.0)."""
    return int(value) if value.is_integer() else value


def get_education_record(
    session: Session,
    *,
    trust_person_id: int,
    education_record_id: int,
    viewer: Viewer | None = None,
) -> EducationRecordPublic:
    """One education record of a trust person.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such record of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return EDUCATION.show(_own(session, EDUCATION, education_record_id, trust_person_id))


def list_education_records(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[EducationRecordPublic]:
    """A trust person's education records, the most recent first.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return EDUCATION.of_owner(
        session, trust_person_id, col(EducationRecord.completed_on).desc(), col(EducationRecord.id)
    )


def delete_education_record(
    session: Session,
    *,
    trust_person_id: int,
    education_record_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete an education record (planners: the hours count towards compliance).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such record of this trust person.
    """
    require_staff(viewer, "delete education records")
    record = _own(session, EDUCATION, education_record_id, trust_person_id)
    EDUCATION.delete(session, acting(viewer), record)


# --------------------------------------------------------------------------- absences


def add_absence(
    session: Session,
    *,
    trust_person_id: int,
    data: AbsenceCreate,
    viewer: Viewer | None = None,
) -> AbsencePublic:
    """Record a period ``[starts_on, ends_on)`` in which a trust person is away.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: a field is invalid (such as an end before the start).
    """
    _visible(session, viewer, trust_person_id)
    absence = ABSENCES.create(session, acting(viewer), data, trust_person_id=trust_person_id)
    return ABSENCES.show(absence)


def list_absences(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[AbsencePublic]:
    """A trust person's absences in date order.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return ABSENCES.of_owner(session, trust_person_id, col(Absence.starts_on), col(Absence.id))


def update_absence(
    session: Session,
    *,
    trust_person_id: int,
    absence_id: int,
    data: AbsenceUpdate,
    viewer: Viewer | None = None,
) -> AbsencePublic:
    """Change the given fields of an absence (the period is checked as a whole).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such absence of this trust person in the viewer's scope.
        ValidationFailed: a field is invalid, or the changed period ends before it starts.
    """
    _visible(session, viewer, trust_person_id)
    absence = _own(session, ABSENCES, absence_id, trust_person_id)
    ABSENCES.update(session, acting(viewer), absence, data)
    return ABSENCES.show(absence)


def delete_absence(
    session: Session,
    *,
    trust_person_id: int,
    absence_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete an absence.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such absence of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    absence = _own(session, ABSENCES, absence_id, trust_person_id)
    ABSENCES.delete(session, acting(viewer), absence)


# --------------------------------------------------------------------------- availability


def replace_weekly_availability(
    session: Session,
    *,
    trust_person_id: int,
    ranges: Sequence[WeeklyAvailabilityCreate],
    viewer: Viewer | None = None,
) -> list[WeeklyAvailabilityPublic]:
    """Replace a trust person's whole weekly schedule with ``ranges``.

    Ranges on one weekday may touch (09:00-12:00 and 12:00-17:00) but not overlap. An empty
    list clears the schedule.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: naming ``ranges[i].<field>`` for an invalid or overlapping range;
            the stored schedule is then left as it was.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer)
    parsed = list(ranges)
    errors = _overlapping_ranges(parsed)
    if errors:
        raise ValidationFailed(errors, subject="weekly availability")
    for old in session.exec(
        select(WeeklyAvailability).where(WeeklyAvailability.trust_person_id == trust_person_id)
    ).all():
        session.delete(old)
    rows = [
        WeeklyAvailability.model_validate(item, update={"trust_person_id": trust_person_id})
        for item in parsed
    ]
    session.add_all(rows)
    flush(session)
    audit.record_event(
        session,
        actor,
        ("weekly_availability", None),
        "replaced",
        {"trust_person_id": trust_person_id, "ranges": len(rows)},
    )
    return list_weekly_availability(session, trust_person_id=trust_person_id, viewer=viewer)


def _overlapping_ranges(ranges: list[WeeklyAvailabilityCreate]) -> list[FieldError]:
    """Field errors for ranges that overlap an earlier-starting range on the same weekday."""
    errors = []
    ordered = sorted(enumerate(ranges), key=lambda pair: (pair[1].weekday, pair[1].start_time))
    reaching: tuple[int, WeeklyAvailabilityCreate] | None = None  # the latest end so far
    for index, later in ordered:
        if reaching is None or reaching[1].weekday != later.weekday:
            reaching = (index, later)
            continue
        earlier_index, earlier = reaching
        if later.end_time > earlier.end_time:
            reaching = (index, later)
        if later.start_time < earlier.end_time:
            errors.append(
                FieldError(
                    f"ranges[{index}].start_time",
                    f"{_WEEKDAYS[later.weekday]} {later.start_time:%H:%M}-{later.end_time:%H:%M} "
                    f"overlaps ranges[{earlier_index}] "
                    f"({earlier.start_time:%H:%M}-{earlier.end_time:%H:%M}) on the same weekday",
                )
            )
    return errors


def list_weekly_availability(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[WeeklyAvailabilityPublic]:
    """A trust person's weekly schedule, by weekday and start time.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    rows = session.exec(
        select(WeeklyAvailability)
        .where(WeeklyAvailability.trust_person_id == trust_person_id)
        .order_by(col(WeeklyAvailability.weekday), col(WeeklyAvailability.start_time))
    ).all()
    return [WeeklyAvailabilityPublic.model_validate(row) for row in rows]


def add_date_override(
    session: Session,
    *,
    trust_person_id: int,
    data: DateOverrideCreate,
    viewer: Viewer | None = None,
) -> DateOverridePublic:
    """Replace the weekly hours of one date: a range of hours, or no times for a day off.

    A date may hold several ranges that do not overlap, or one day off.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: a field is invalid, or the override clashes with another override
            of the same date.
    """
    _visible(session, viewer, trust_person_id)
    given = data
    same_day = session.exec(
        select(DateOverride).where(
            DateOverride.trust_person_id == trust_person_id,
            DateOverride.on_date == given.on_date,
        )
    ).all()
    for other in same_day:
        clash = _override_clash(given, other)
        if clash is not None:
            raise ValidationFailed([clash], subject="date override")
    override = OVERRIDES.create(session, acting(viewer), given, trust_person_id=trust_person_id)
    return OVERRIDES.show(override)


def _override_clash(new: DateOverrideCreate, old: DateOverride) -> FieldError | None:
    day = new.on_date.isoformat()
    if old.start_time is None or old.end_time is None:
        return FieldError("on_date", f"{day} is already a day off (override {old.id})")
    if new.start_time is None or new.end_time is None:
        return FieldError(
            "on_date",
            f"{day} already has hours {old.start_time:%H:%M}-{old.end_time:%H:%M} "
            f"(override {old.id}); delete them to make it a day off",
        )
    if new.start_time < old.end_time and old.start_time < new.end_time:
        return FieldError(
            "start_time",
            f"{new.start_time:%H:%M}-{new.end_time:%H:%M} overlaps "
            f"{old.start_time:%H:%M}-{old.end_time:%H:%M} on {day} (override {old.id})",
        )
    return None


def list_date_overrides(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[DateOverridePublic]:
    """A trust person's date overrides in date order.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return OVERRIDES.of_owner(
        session,
        trust_person_id,
        col(DateOverride.on_date),
        col(DateOverride.start_time),
        col(DateOverride.id),
    )


def delete_date_override(
    session: Session,
    *,
    trust_person_id: int,
    date_override_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete a date override.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such override of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    override = _own(session, OVERRIDES, date_override_id, trust_person_id)
    OVERRIDES.delete(session, acting(viewer), override)


# --------------------------------------------------------------------------- helpers


def _person(session: Session, trust_person_id: int) -> TrustPerson:
    return PEOPLE.find(session, trust_person_id)


def _visible(session: Session, viewer: Viewer | None, trust_person_id: int) -> TrustPerson:
    """The trust person, if the viewer may see them (staff: all; a trust person: themselves)."""
    require_role(viewer, Role.TRUST_PERSON, "see trust persons' records")
    ensure_own_trust_person(viewer, trust_person_id)
    return _person(session, trust_person_id)


_OwnT = TypeVar("_OwnT", Certification, EducationRecord, Absence, DateOverride)


def _own(session: Session, records: Records[_OwnT, Any], key: int, trust_person_id: int) -> _OwnT:
    """A record of a trust person who exists; another person's record looks absent."""
    _person(session, trust_person_id)
    return records.find_owned(session, key, trust_person_id)


def _known_language(code: str) -> str:
    if unknown_languages([code]):
        msg = f"unknown language code {code!r}; use an ISO 639 code such as nl, en, tr or ar"
        raise ValidationFailed.single("language", msg)
    return code
