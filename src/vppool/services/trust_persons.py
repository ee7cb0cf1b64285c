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

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, func, select

from vppool.db.models import (
    Absence,
    AbsenceBase,
    Assignment,
    Certification,
    CertificationBase,
    DateOverride,
    EducationRecord,
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
    Page,
    TrustPersonCreate,
    TrustPersonPublic,
    TrustPersonUpdate,
    WeeklyAvailabilityCreate,
    WeeklyAvailabilityPublic,
)
from vppool.errors import FieldError, PermissionDenied, ValidationFailed
from vppool.services import audit
from vppool.services._common import (
    DEFAULT_LIMIT,
    SYSTEM,
    Actor,
    UniqueField,
    acting,
    apply_changes,
    choice,
    contains_text,
    ensure_own_trust_person,
    fetch_page,
    flush,
    get_or_404,
    get_owned_or_404,
    json_list_contains,
    order_by,
    parse_input,
    plain_text,
    refuse_delete_if_used,
    require_role,
    require_staff,
    sees_everything,
    validate_merged,
)
from vppool.services.access import Viewer
from vppool.settings import get_settings
from vppool.vocab import Role, Scope, unknown_languages

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
    "get_trust_person",
    "list_absences",
    "list_certifications",
    "list_date_overrides",
    "list_education_records",
    "list_trust_persons",
    "list_weekly_availability",
    "replace_weekly_availability",
    "update_absence",
    "update_certification",
    "update_trust_person",
]

_EMAIL = UniqueField(TrustPerson, "email", "trust person")
_CERTIFICATE_NUMBER = UniqueField(Certification, "number", "certificate")
_ENTITY = "trust person"
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
    data: TrustPersonCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Add a trust person to the pool (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a field is invalid, or the e-mail address is already used.
    """
    require_staff(viewer, "add trust persons")
    actor = acting(viewer, actor)
    given = parse_input(TrustPersonCreate, data, subject=_ENTITY)
    _EMAIL.ensure_unused(session, given.email, exclude_id=None)
    person = TrustPerson.model_validate(given)
    session.add(person)
    flush(session, {_EMAIL.key: _EMAIL.error(given.email)})
    audit.record_change(
        session,
        actor,
        action="trust_person_created",
        entity_type="trust_person",
        entity_id=person.id,
    )
    return TrustPersonPublic.model_validate(person)


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
    data: TrustPersonUpdate | Mapping[str, Any],
    actor: Actor = SYSTEM,
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
    actor = acting(viewer, actor)
    changes = parse_input(TrustPersonUpdate, data, subject=_ENTITY)
    values = validate_merged(TrustPersonBase, person, changes, subject=_ENTITY)
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
    if "email" in values:
        _EMAIL.ensure_unused(session, values["email"], exclude_id=trust_person_id)
    changed = apply_changes(person, values)
    if changed:
        flush(session, {_EMAIL.key: _EMAIL.error(values.get("email"))})
        audit.record_change(
            session,
            actor,
            action="trust_person_updated",
            entity_type="trust_person",
            entity_id=trust_person_id,
            fields=changed,
        )
    return TrustPersonPublic.model_validate(person)


def list_trust_persons(
    session: Session,
    *,
    active: bool | None = None,
    scope: Scope | str | None = None,
    language: str | None = None,
    municipality: str | None = None,
    search: str | None = None,
    sort: str = "last_name",
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
    viewer: Viewer | None = None,
) -> Page[TrustPersonPublic]:
    """One page of trust persons (for a trust person: only themselves).

    Args:
        session: the database session.
        active: only active (``True``) or inactive (``False``) trust persons.
        scope: only those qualified for this scope.
        language: only those who speak this language (ISO 639 code).
        municipality: only those living in this municipality (any letter case).
        search: words that must each occur in the first or last name or e-mail address.
        sort: ``last_name`` (then first name, ignoring letter case), ``created_at`` or
            ``capacity`` (hours per month); prefix ``-`` to reverse.
        offset: how many trust persons to skip.
        limit: page size, at most 200.
        viewer: who asks; a trust person's page holds only their own record.

    Raises:
        PermissionDenied: the viewer is a client contact.
        ValidationFailed: an unknown scope, language or sort, or a bad offset or limit.
    """
    require_role(viewer, Role.TRUST_PERSON, "list trust persons")
    municipality = plain_text(municipality, field="municipality")
    search = plain_text(search, field="search")
    statement = select(TrustPerson)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        statement = statement.where(TrustPerson.id == viewer.trust_person_id)
    if active is not None:
        statement = statement.where(TrustPerson.active == active)
    if scope is not None:
        statement = statement.where(
            json_list_contains(session, TrustPerson.scopes, choice(Scope, scope, field="scope"))
        )
    if language is not None:
        statement = statement.where(
            json_list_contains(session, TrustPerson.languages, _known_language(language))
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
        sort,
        {
            "last_name": [
                func.lower(TrustPerson.last_name).asc(),
                func.lower(TrustPerson.first_name).asc(),
            ],
            "created_at": [col(TrustPerson.created_at).asc()],
            "capacity": [col(TrustPerson.capacity_hours_per_month).asc()],
        },
        tiebreak=TrustPerson.id,
    )
    return fetch_page(
        session,
        statement,
        public=TrustPersonPublic,
        ordering=ordering,
        offset=offset,
        limit=limit,
    )


def deactivate_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> TrustPersonPublic:
    """Take a trust person out of planning, keeping their history (planners).

    Assignments are left as they are: ending them is a planner's decision per client.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
    """
    require_staff(viewer, "deactivate trust persons")
    actor = acting(viewer, actor)
    person = _person(session, trust_person_id)
    if apply_changes(person, {"active": False}):
        flush(session)
        audit.record_change(
            session,
            actor,
            action="trust_person_deactivated",
            entity_type="trust_person",
            entity_id=trust_person_id,
        )
    return TrustPersonPublic.model_validate(person)


def delete_trust_person(
    session: Session,
    *,
    trust_person_id: int,
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> None:
    """Delete a trust person who never held an assignment nor logged in, with their records.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
        Conflict: the trust person has assignments or a user account; deactivate instead.
    """
    require_staff(viewer, "delete trust persons")
    actor = acting(viewer, actor)
    person = _person(session, trust_person_id)
    refuse_delete_if_used(
        session,
        {"assignments": Assignment.trust_person_id, "a user account": User.trust_person_id},
        trust_person_id,
        entity=_ENTITY,
    )
    session.delete(person)
    flush(session)
    audit.record_change(
        session,
        actor,
        action="trust_person_deleted",
        entity_type="trust_person",
        entity_id=trust_person_id,
    )


def erase_sensitive_attributes(
    session: Session,
    *,
    trust_person_id: int,
    actor: Actor = SYSTEM,
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
    actor = acting(viewer, actor)
    changed = apply_changes(person, _SENSITIVE_EMPTY)
    if changed:
        flush(session)
    audit.record_change(
        session,
        actor,
        action="trust_person_sensitive_attributes_erased",
        entity_type="trust_person",
        entity_id=trust_person_id,
        fields=changed,
    )
    return TrustPersonPublic.model_validate(person)


# --------------------------------------------------------------------------- certificates


def add_certification(
    session: Session,
    *,
    trust_person_id: int,
    data: CertificationCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> CertificationPublic:
    """Record a certificate of a trust person (planners check certificates).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such trust person.
        ValidationFailed: a field is invalid (expiry before issue), or the number is used.
    """
    require_staff(viewer, "record certificates")
    actor = acting(viewer, actor)
    given = parse_input(CertificationCreate, data, subject="certificate")
    _person(session, trust_person_id)
    _CERTIFICATE_NUMBER.ensure_unused(session, given.number, exclude_id=None)
    certificate = Certification.model_validate(given, update={"trust_person_id": trust_person_id})
    session.add(certificate)
    flush(session, {_CERTIFICATE_NUMBER.key: _CERTIFICATE_NUMBER.error(given.number)})
    _record_own(
        session, actor, "created", "certification", certificate.id, trust_person_id=trust_person_id
    )
    return CertificationPublic.model_validate(certificate)


def list_certifications(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[CertificationPublic]:
    """A trust person's certificates, the latest expiry first.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return _records_of(
        session,
        Certification,
        CertificationPublic,
        trust_person_id,
        col(Certification.expires_on).desc(),
        col(Certification.id),
    )


def update_certification(
    session: Session,
    *,
    trust_person_id: int,
    certification_id: int,
    data: CertificationUpdate | Mapping[str, Any],
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> CertificationPublic:
    """Change the given fields of a certificate (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such certificate of this trust person.
        ValidationFailed: a field is invalid, or the number is used by another certificate.
    """
    require_staff(viewer, "change certificates")
    actor = acting(viewer, actor)
    changes = parse_input(CertificationUpdate, data, subject="certificate")
    certificate = _own(session, Certification, certification_id, "certificate", trust_person_id)
    values = validate_merged(CertificationBase, certificate, changes, subject="certificate")
    if "number" in values:
        _CERTIFICATE_NUMBER.ensure_unused(session, values["number"], exclude_id=certification_id)
    changed = apply_changes(certificate, values)
    if changed:
        flush(session, {_CERTIFICATE_NUMBER.key: _CERTIFICATE_NUMBER.error(values.get("number"))})
        _record_own(
            session,
            actor,
            "updated",
            "certification",
            certification_id,
            trust_person_id=trust_person_id,
            fields=changed,
        )
    return CertificationPublic.model_validate(certificate)


def delete_certification(
    session: Session,
    *,
    trust_person_id: int,
    certification_id: int,
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> None:
    """Delete a certificate recorded by mistake (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such certificate of this trust person.
    """
    require_staff(viewer, "delete certificates")
    actor = acting(viewer, actor)
    certificate = _own(session, Certification, certification_id, "certificate", trust_person_id)
    session.delete(certificate)
    flush(session)
    _record_own(
        session,
        actor,
        "deleted",
        "certification",
        certification_id,
        trust_person_id=trust_person_id,
    )


# --------------------------------------------------------------------------- education


def add_education_record(
    session: Session,
    *,
    trust_person_id: int,
    data: EducationRecordCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
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
    actor = acting(viewer, actor)
    given = parse_input(EducationRecordCreate, data, subject="education record")
    _check_education_day(session, trust_person_id, given, today or get_settings().today())
    record = EducationRecord.model_validate(given, update={"trust_person_id": trust_person_id})
    session.add(record)
    flush(session)
    _record_own(
        session, actor, "created", "education_record", record.id, trust_person_id=trust_person_id
    )
    return EducationRecordPublic.model_validate(record)


def _check_education_day(
    session: Session, trust_person_id: int, given: EducationRecordCreate, today: date
) -> None:
    """Refuse a completion date after ``today`` and more than 24 hours on one day.

    Raises:
        ValidationFailed: naming ``completed_on`` and/or ``hours``.
    """
    errors = []
    if given.completed_on > today:
        errors.append(
            FieldError(
                "completed_on",
                f"{given.completed_on.isoformat()} is after today ({today.isoformat()}); "
                "record an activity once it is completed",
            )
        )
    already = session.exec(
        select(func.coalesce(func.sum(EducationRecord.hours), 0.0)).where(
            EducationRecord.trust_person_id == trust_person_id,
            EducationRecord.completed_on == given.completed_on,
        )
    ).one()
    total = float(already) + given.hours
    if total > _HOURS_IN_A_DAY:
        errors.append(
            FieldError(
                "hours",
                f"{given.hours:g} h on {given.completed_on.isoformat()} would make "
                f"{total:g} h that day ({float(already):g} h already recorded); a day has "
                f"{_HOURS_IN_A_DAY} hours, so record a course of several days per day",
            )
        )
    if errors:
        raise ValidationFailed(errors, subject="education record")


def list_education_records(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[EducationRecordPublic]:
    """A trust person's education records, the most recent first.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return _records_of(
        session,
        EducationRecord,
        EducationRecordPublic,
        trust_person_id,
        col(EducationRecord.completed_on).desc(),
        col(EducationRecord.id),
    )


def delete_education_record(
    session: Session,
    *,
    trust_person_id: int,
    education_record_id: int,
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> None:
    """Delete an education record (planners: the hours count towards compliance).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such record of this trust person.
    """
    require_staff(viewer, "delete education records")
    actor = acting(viewer, actor)
    record = _own(
        session, EducationRecord, education_record_id, "education record", trust_person_id
    )
    session.delete(record)
    flush(session)
    _record_own(
        session,
        actor,
        "deleted",
        "education_record",
        education_record_id,
        trust_person_id=trust_person_id,
    )


# --------------------------------------------------------------------------- absences


def add_absence(
    session: Session,
    *,
    trust_person_id: int,
    data: AbsenceCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> AbsencePublic:
    """Record a period ``[starts_on, ends_on)`` in which a trust person is away.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: a field is invalid (such as an end before the start).
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer, actor)
    given = parse_input(AbsenceCreate, data, subject="absence")
    absence = Absence.model_validate(given, update={"trust_person_id": trust_person_id})
    session.add(absence)
    flush(session)
    _record_own(session, actor, "created", "absence", absence.id, trust_person_id=trust_person_id)
    return AbsencePublic.model_validate(absence)


def list_absences(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[AbsencePublic]:
    """A trust person's absences in date order.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    return _records_of(
        session, Absence, AbsencePublic, trust_person_id, col(Absence.starts_on), col(Absence.id)
    )


def update_absence(
    session: Session,
    *,
    trust_person_id: int,
    absence_id: int,
    data: AbsenceUpdate | Mapping[str, Any],
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> AbsencePublic:
    """Change the given fields of an absence (the period is checked as a whole).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such absence of this trust person in the viewer's scope.
        ValidationFailed: a field is invalid, or the changed period ends before it starts.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer, actor)
    changes = parse_input(AbsenceUpdate, data, subject="absence")
    absence = _own(session, Absence, absence_id, "absence", trust_person_id)
    values = validate_merged(AbsenceBase, absence, changes, subject="absence")
    changed = apply_changes(absence, values)
    if changed:
        flush(session)
        _record_own(
            session,
            actor,
            "updated",
            "absence",
            absence_id,
            trust_person_id=trust_person_id,
            fields=changed,
        )
    return AbsencePublic.model_validate(absence)


def delete_absence(
    session: Session,
    *,
    trust_person_id: int,
    absence_id: int,
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> None:
    """Delete an absence.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such absence of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer, actor)
    absence = _own(session, Absence, absence_id, "absence", trust_person_id)
    session.delete(absence)
    flush(session)
    _record_own(session, actor, "deleted", "absence", absence_id, trust_person_id=trust_person_id)


# --------------------------------------------------------------------------- availability


def replace_weekly_availability(
    session: Session,
    *,
    trust_person_id: int,
    ranges: Sequence[WeeklyAvailabilityCreate | Mapping[str, Any]],
    actor: Actor = SYSTEM,
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
    actor = acting(viewer, actor)
    parsed: list[WeeklyAvailabilityCreate] = []
    errors: list[FieldError] = []
    for index, item in enumerate(ranges):
        try:
            parsed.append(
                parse_input(
                    WeeklyAvailabilityCreate,
                    item,
                    subject="weekly availability",
                    prefix=f"ranges[{index}]",
                )
            )
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if not errors:
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
    _record_own(
        session,
        actor,
        "replaced",
        "weekly_availability",
        None,
        trust_person_id=trust_person_id,
        details={"ranges": len(rows)},
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
    return _records_of(
        session,
        WeeklyAvailability,
        WeeklyAvailabilityPublic,
        trust_person_id,
        col(WeeklyAvailability.weekday),
        col(WeeklyAvailability.start_time),
    )


def add_date_override(
    session: Session,
    *,
    trust_person_id: int,
    data: DateOverrideCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
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
    actor = acting(viewer, actor)
    given = parse_input(DateOverrideCreate, data, subject="date override")
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
    override = DateOverride.model_validate(given, update={"trust_person_id": trust_person_id})
    session.add(override)
    flush(session)
    _record_own(
        session, actor, "created", "date_override", override.id, trust_person_id=trust_person_id
    )
    return DateOverridePublic.model_validate(override)


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
    return _records_of(
        session,
        DateOverride,
        DateOverridePublic,
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
    actor: Actor = SYSTEM,
    viewer: Viewer | None = None,
) -> None:
    """Delete a date override.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such override of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer, actor)
    override = _own(session, DateOverride, date_override_id, "date override", trust_person_id)
    session.delete(override)
    flush(session)
    _record_own(
        session,
        actor,
        "deleted",
        "date_override",
        date_override_id,
        trust_person_id=trust_person_id,
    )


# --------------------------------------------------------------------------- helpers


def _person(session: Session, trust_person_id: int) -> TrustPerson:
    return get_or_404(session, TrustPerson, trust_person_id, _ENTITY)


def _visible(session: Session, viewer: Viewer | None, trust_person_id: int) -> TrustPerson:
    """The trust person, if the viewer may see them (staff: all; a trust person: themselves)."""
    require_role(viewer, Role.TRUST_PERSON, "see trust persons' records")
    ensure_own_trust_person(viewer, trust_person_id)
    return _person(session, trust_person_id)


_PublicT = TypeVar("_PublicT", bound=BaseModel)


def _records_of(
    session: Session,
    model: type[SQLModel],
    public: type[_PublicT],
    trust_person_id: int,
    *order: Any,
) -> list[_PublicT]:
    """The rows of one of a VP's record tables, in ``order``, as their public shape."""
    rows = session.exec(
        select(model).where(model.trust_person_id == trust_person_id).order_by(*order)  # type: ignore[attr-defined]
    ).all()
    return [public.model_validate(row) for row in rows]


_OwnT = TypeVar("_OwnT", Certification, EducationRecord, Absence, DateOverride)


def _own(
    session: Session, table: type[_OwnT], key: int, entity: str, trust_person_id: int
) -> _OwnT:
    _person(session, trust_person_id)
    return get_owned_or_404(
        session, table, key, entity, owner="trust_person_id", owner_id=trust_person_id
    )


def _record_own(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    trust_person_id: int,
    fields: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
) -> None:
    audit.record_change(
        session,
        actor,
        action=f"{entity_type}_{action}",
        entity_type=entity_type,
        entity_id=entity_id,
        details={"trust_person_id": trust_person_id, **(details or {})},
        fields=fields,
    )


def _known_language(code: str) -> str:
    if unknown_languages([code]):
        msg = f"unknown language code {code!r}; use an ISO 639 code such as nl, en, tr or ar"
        raise ValidationFailed.single("language", msg)
    return code
