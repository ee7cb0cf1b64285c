"""Trust persons and the records they keep: profile, certificates, education, absences, hours.

Planners and admins manage every trust person; a trust person reaches only their own record
(another trust person's id answers 404). What a trust person may change of their own is the
service's rule (:mod:`vppool.services.trust_persons`). Client contacts see the trust persons
who serve them through ``GET /api/v1/me/team``, never here.
"""

from __future__ import annotations

from typing import Annotated

from litestar import delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import Body, FromQuery, JSONBody, QueryParameter
from sqlmodel import Session

from vppool.api.auth import staff_only, trust_person_or_staff
from vppool.api.controllers._shared import (
    DEFAULT_LIMIT,
    Id,
    Limit,
    Offset,
    Resource,
    SortKey,
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
    Page,
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


class TrustPersonController(Resource):
    """The pool: trust persons' profiles."""

    path = "/api/v1/trust-persons"
    tags = ["trust persons"]  # noqa: RUF012  (Litestar reads class attributes)
    guards = [trust_person_or_staff]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_trust_persons(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        active: FromQuery[bool | None] = None,
        qualified_for: Annotated[
            Scope | None, QueryParameter(name="scope", description="Only those with this scope")
        ] = None,
        language: TextFilter = None,
        municipality: TextFilter = None,
        search: TextFilter = None,
        sort: SortKey = "last_name",
        offset: Offset = 0,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Page[TrustPersonPublic]:
        """List trust persons.

        Filters: active, scope, language (ISO 639 code), municipality, search (words in the
        name or e-mail address). Sort by last_name, created_at or capacity ('-' reverses).
        A trust person sees only their own record.
        """
        return trust_persons.list_trust_persons(
            db_session,
            active=active,
            scope=qualified_for,
            language=language,
            municipality=municipality,
            search=search,
            sort=sort,
            offset=offset,
            limit=limit,
            viewer=viewer,
        )

    @post("/", guards=[staff_only], sync_to_thread=True)
    def create_trust_person(
        self,
        data: JSONBody[TrustPersonCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> TrustPersonPublic:
        """Add a trust person to the pool."""
        return trust_persons.create_trust_person(db_session, data=data, viewer=viewer)

    @get(_PERSON, sync_to_thread=True)
    def get_trust_person(
        self,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> TrustPersonPublic:
        """Get a trust person, sensitive attributes included."""
        return trust_persons.get_trust_person(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @patch(_PERSON, sync_to_thread=True)
    def update_trust_person(
        self,
        trust_person_id: Id,
        data: JSONBody[TrustPersonUpdate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> TrustPersonPublic:
        """Change a trust person's given fields.

        A trust person may change their own e-mail address, phone, capacity, travel radius,
        time zone and self-declared attributes; a change to another field answers 403.
        """
        return trust_persons.update_trust_person(
            db_session, trust_person_id=trust_person_id, data=data, viewer=viewer
        )

    @delete(_PERSON, guards=[staff_only], sync_to_thread=True)
    def delete_trust_person(
        self,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete a trust person who never held an assignment nor had a login (else 409)."""
        trust_persons.delete_trust_person(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @post(_PERSON + "/deactivate", guards=[staff_only], status_code=200, sync_to_thread=True)
    def deactivate_trust_person(
        self,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> TrustPersonPublic:
        """Take a trust person out of planning, keeping their history."""
        return trust_persons.deactivate_trust_person(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @delete(_PERSON + "/sensitive-attributes", status_code=200, sync_to_thread=True)
    def erase_sensitive_attributes(
        self,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> TrustPersonPublic:
        """Erase gender, birth year and background (AVG/GDPR), by the person or a planner."""
        return trust_persons.erase_sensitive_attributes(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )


class TrustPersonRecordsController(Resource):
    """What a trust person keeps: certificates, education, absences and available hours."""

    path = "/api/v1/trust-persons" + _PERSON
    tags = ["trust persons"]  # noqa: RUF012
    guards = [trust_person_or_staff]  # noqa: RUF012

    # ------------------------------------------------------------------ certificates

    @get("/certifications", sync_to_thread=True)
    def list_certifications(
        self,
        *,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[CertificationPublic]:
        """List a trust person's certificates, the latest expiry first."""
        return trust_persons.list_certifications(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @post("/certifications", guards=[staff_only], sync_to_thread=True)
    def add_certification(
        self,
        trust_person_id: Id,
        data: JSONBody[CertificationCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> CertificationPublic:
        """Record a certificate (planners check certificates)."""
        return trust_persons.add_certification(
            db_session, trust_person_id=trust_person_id, data=data, viewer=viewer
        )

    @patch("/certifications/{certification_id:int}", guards=[staff_only], sync_to_thread=True)
    def update_certification(
        self,
        trust_person_id: Id,
        certification_id: Id,
        data: JSONBody[CertificationUpdate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> CertificationPublic:
        """Change a certificate's given fields."""
        return trust_persons.update_certification(
            db_session,
            trust_person_id=trust_person_id,
            certification_id=certification_id,
            data=data,
            viewer=viewer,
        )

    @delete("/certifications/{certification_id:int}", guards=[staff_only], sync_to_thread=True)
    def delete_certification(
        self,
        trust_person_id: Id,
        certification_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete a certificate recorded by mistake."""
        trust_persons.delete_certification(
            db_session,
            trust_person_id=trust_person_id,
            certification_id=certification_id,
            viewer=viewer,
        )

    # ------------------------------------------------------------------ education

    @get("/education-records", sync_to_thread=True)
    def list_education_records(
        self,
        *,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[EducationRecordPublic]:
        """List a trust person's education records, the most recent first."""
        return trust_persons.list_education_records(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @post("/education-records", sync_to_thread=True)
    def add_education_record(
        self,
        trust_person_id: Id,
        data: JSONBody[EducationRecordCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> EducationRecordPublic:
        """Record hours of permanent education (the person themselves or a planner)."""
        return trust_persons.add_education_record(
            db_session, trust_person_id=trust_person_id, data=data, viewer=viewer
        )

    @delete(
        "/education-records/{education_record_id:int}", guards=[staff_only], sync_to_thread=True
    )
    def delete_education_record(
        self,
        trust_person_id: Id,
        education_record_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete an education record (planners: the hours count towards compliance)."""
        trust_persons.delete_education_record(
            db_session,
            trust_person_id=trust_person_id,
            education_record_id=education_record_id,
            viewer=viewer,
        )

    # ------------------------------------------------------------------ absences

    @get("/absences", sync_to_thread=True)
    def list_absences(
        self,
        *,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[AbsencePublic]:
        """List a trust person's absences in date order."""
        return trust_persons.list_absences(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @post("/absences", sync_to_thread=True)
    def add_absence(
        self,
        trust_person_id: Id,
        data: JSONBody[AbsenceCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> AbsencePublic:
        """Record an absence [starts_on, ends_on)."""
        return trust_persons.add_absence(
            db_session, trust_person_id=trust_person_id, data=data, viewer=viewer
        )

    @patch("/absences/{absence_id:int}", sync_to_thread=True)
    def update_absence(
        self,
        trust_person_id: Id,
        absence_id: Id,
        data: JSONBody[AbsenceUpdate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> AbsencePublic:
        """Change an absence's given fields (the period is checked as a whole)."""
        return trust_persons.update_absence(
            db_session,
            trust_person_id=trust_person_id,
            absence_id=absence_id,
            data=data,
            viewer=viewer,
        )

    @delete("/absences/{absence_id:int}", sync_to_thread=True)
    def delete_absence(
        self,
        trust_person_id: Id,
        absence_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete an absence."""
        trust_persons.delete_absence(
            db_session, trust_person_id=trust_person_id, absence_id=absence_id, viewer=viewer
        )

    # ------------------------------------------------------------------ availability

    @get("/weekly-availability", sync_to_thread=True)
    def list_weekly_availability(
        self,
        *,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[WeeklyAvailabilityPublic]:
        """List a trust person's weekly hours, by weekday (0 = Monday) and start time."""
        return trust_persons.list_weekly_availability(
            db_session, trust_person_id=trust_person_id, viewer=viewer
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

    @get("/date-overrides", sync_to_thread=True)
    def list_date_overrides(
        self,
        *,
        trust_person_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[DateOverridePublic]:
        """List a trust person's date overrides in date order."""
        return trust_persons.list_date_overrides(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )

    @post("/date-overrides", sync_to_thread=True)
    def add_date_override(
        self,
        trust_person_id: Id,
        data: JSONBody[DateOverrideCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> DateOverridePublic:
        """Replace the weekly hours of one date (no times: a day off)."""
        return trust_persons.add_date_override(
            db_session, trust_person_id=trust_person_id, data=data, viewer=viewer
        )

    @delete("/date-overrides/{date_override_id:int}", sync_to_thread=True)
    def delete_date_override(
        self,
        trust_person_id: Id,
        date_override_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete a date override."""
        trust_persons.delete_date_override(
            db_session,
            trust_person_id=trust_person_id,
            date_override_id=date_override_id,
            viewer=viewer,
        )
