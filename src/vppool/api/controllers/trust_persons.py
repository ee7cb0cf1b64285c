"""Trust persons and the records they keep: profile, certificates, education, absences, hours.

Planners and admins manage every trust person; a trust person reaches only their own record
(another trust person's id answers 404). What a trust person may change of their own is the
service's rule (:mod:`vppool.services.trust_persons`). Client contacts see the trust persons
who serve them through ``GET /api/v1/me/team``, never here.
"""

from __future__ import annotations

from typing import Annotated

from litestar import delete, post, put
from litestar.di import NamedDependency
from litestar.params import Body, QueryParameter
from sqlmodel import Session

from vppool.api.auth import trust_person_or_staff
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import (
    Id,
    Resource,
    TextFilter,
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
    TrustPersonCreate,
    TrustPersonPublic,
    TrustPersonUpdate,
    WeeklyAvailabilityPublic,
    WeeklySchedule,
)
from vppool.services import trust_persons
from vppool.services.access import Viewer
from vppool.vocab import Scope

__all__ = ["TrustPersonController", "TrustPersonRecordsController"]

_PERSON = "/{trust_person_id:int}"
_OWNER = "trust_person_id"
_PEOPLE = RecordRoutes(
    "/", TrustPersonPublic, key=_OWNER, create=TrustPersonCreate, update=TrustPersonUpdate
)
_CERTIFICATIONS = RecordRoutes(
    "/certifications",
    CertificationPublic,
    key="certification_id",
    owner=_OWNER,
    create=CertificationCreate,
    update=CertificationUpdate,
)
_EDUCATION = RecordRoutes(
    "/education-records",
    EducationRecordPublic,
    key="education_record_id",
    owner=_OWNER,
    create=EducationRecordCreate,
)
_ABSENCES = RecordRoutes(
    "/absences",
    AbsencePublic,
    key="absence_id",
    owner=_OWNER,
    create=AbsenceCreate,
    update=AbsenceUpdate,
)
_WEEKLY = RecordRoutes("/weekly-availability", WeeklyAvailabilityPublic, owner=_OWNER)
_DATE_OVERRIDES = RecordRoutes(
    "/date-overrides",
    DateOverridePublic,
    key="date_override_id",
    owner=_OWNER,
    create=DateOverrideCreate,
)


class TrustPersonController(
    Resource, path="/api/v1/trust-persons", tag="trust persons", guard=trust_person_or_staff
):
    """The pool: trust persons' profiles."""

    list_trust_persons = _PEOPLE.paging(
        trust_persons.list_trust_persons,
        """List trust persons.

        Filters: active, scope, language (ISO 639 code), municipality, search (words in the
        name or e-mail address). Sort by last_name, created_at or capacity ('-' reverses).
        A trust person sees only their own record.
        """,
        filters={
            "active": bool | None,
            "scope": Annotated[
                Scope | None, QueryParameter(name="scope", description="Only those with this scope")
            ],
            "language": TextFilter,
            "municipality": TextFilter,
            "search": TextFilter,
        },
        sort="last_name",
    )

    create_trust_person = _PEOPLE.staff.creating(
        trust_persons.create_trust_person,
        "Add a trust person to the pool.",
    )
    get_trust_person = _PEOPLE.reading(
        trust_persons.get_trust_person, "Get a trust person, sensitive attributes included."
    )
    update_trust_person = _PEOPLE.changing(
        trust_persons.update_trust_person,
        """Change a trust person's given fields.

        A trust person may change their own e-mail address, phone, capacity, travel radius,
        time zone and self-declared attributes; a change to another field answers 403.
        """,
    )
    delete_trust_person = _PEOPLE.staff.deleting(
        trust_persons.delete_trust_person,
        "Delete a trust person who never held an assignment nor had a login (else 409).",
    )
    deactivate_trust_person = _PEOPLE.staff.acting(
        post,
        "/deactivate",
        trust_persons.deactivate_trust_person,
        "Take a trust person out of planning, keeping their history; placements still "
        "waiting for their answer are withdrawn (the seats open again).",
        status_code=200,
    )
    reactivate_trust_person = _PEOPLE.staff.acting(
        post,
        "/reactivate",
        trust_persons.reactivate_trust_person,
        "Take an archived trust person back into planning.",
        status_code=200,
    )
    erase_sensitive_attributes = _PEOPLE.acting(
        delete,
        "/sensitive-attributes",
        trust_persons.erase_sensitive_attributes,
        "Erase gender, birth year and background (AVG/GDPR), by the person or a planner.",
        status_code=200,
    )


class TrustPersonRecordsController(
    Resource,
    path="/api/v1/trust-persons" + _PERSON,
    tag="trust persons",
    guard=trust_person_or_staff,
):
    """What a trust person keeps: certificates, education, absences and available hours."""

    # ------------------------------------------------------------------ certificates

    list_certifications = _CERTIFICATIONS.listing(
        trust_persons.list_certifications,
        "List a trust person's certificates, the latest expiry first.",
    )
    add_certification = _CERTIFICATIONS.staff.creating(
        trust_persons.add_certification,
        "Record a certificate (planners check certificates).",
    )
    update_certification = _CERTIFICATIONS.staff.changing(
        trust_persons.update_certification,
        "Change a certificate's given fields.",
    )
    delete_certification = _CERTIFICATIONS.staff.deleting(
        trust_persons.delete_certification,
        "Delete a certificate recorded by mistake.",
    )

    # ------------------------------------------------------------------ education

    list_education_records = _EDUCATION.listing(
        trust_persons.list_education_records,
        "List a trust person's education records, the most recent first.",
    )
    add_education_record = _EDUCATION.creating(
        trust_persons.add_education_record,
        "Record hours of permanent education (the person themselves or a planner).",
    )
    delete_education_record = _EDUCATION.staff.deleting(
        trust_persons.delete_education_record,
        "Delete an education record (planners: the hours count towards compliance).",
    )

    # ------------------------------------------------------------------ absences

    list_absences = _ABSENCES.listing(
        trust_persons.list_absences, "List a trust person's absences in date order."
    )
    add_absence = _ABSENCES.creating(
        trust_persons.add_absence, "Record an absence [starts_on, ends_on)."
    )
    update_absence = _ABSENCES.changing(
        trust_persons.update_absence,
        "Change an absence's given fields (the period is checked as a whole).",
    )
    delete_absence = _ABSENCES.deleting(trust_persons.delete_absence, "Delete an absence.")

    # ------------------------------------------------------------------ availability

    list_weekly_availability = _WEEKLY.listing(
        trust_persons.list_weekly_availability,
        "List a trust person's weekly hours, by weekday (0 = Monday) and start time.",
    )

    @put("/weekly-availability", sync_to_thread=True)
    def replace_weekly_availability(
        self,
        trust_person_id: Id,
        data: Annotated[
            WeeklySchedule,
            Body(
                description=(
                    "The whole weekly schedule: an array of ranges (weekday 0 = Monday); "
                    "ranges on one weekday may touch but not overlap; [] clears it"
                ),
            ),
        ],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[WeeklyAvailabilityPublic]:
        """Replace a trust person's whole weekly schedule."""
        return trust_persons.replace_weekly_availability(
            db_session, trust_person_id=trust_person_id, ranges=data.root, viewer=viewer
        )

    list_date_overrides = _DATE_OVERRIDES.listing(
        trust_persons.list_date_overrides, "List a trust person's date overrides in date order."
    )
    add_date_override = _DATE_OVERRIDES.creating(
        trust_persons.add_date_override,
        "Replace the weekly hours of one date (no times: a day off).",
    )
    delete_date_override = _DATE_OVERRIDES.deleting(
        trust_persons.delete_date_override, "Delete a date override."
    )
