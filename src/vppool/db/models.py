"""SQLModel tables: the domain of DESIGN.md in storage, with integrity in the database itself.

Families follow the SQLModel template: ``XBase`` holds the shared fields, their limits and
the domain validators, ``X(XBase, table=True)`` is the table; the ``XCreate``/``XUpdate``/
``XPublic`` shapes services accept and return live in :mod:`vppool.db.schemas`.
Periods are half-open ``[start, end)``; times are aware UTC.
No table holds anything about a reporter (melder) or a case: vppool never stores them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pydantic import field_validator, model_validator
from sqlmodel import JSON, Field, SQLModel

from vppool.db.types import UTCDateTime, enum_type, utc_now
from vppool.errors import InvalidValue
from vppool.names import person_sort_key
from vppool.vocab import (
    NL_LATITUDE_RANGE,
    NL_LONGITUDE_RANGE,
    AbsenceKind,
    AssignmentStatus,
    CalendarSourceKind,
    ConflictReason,
    EducationCategory,
    FeedKind,
    Gender,
    InfoSessionKind,
    InfoSessionStatus,
    InsightRunKind,
    IntervisionRunKind,
    JobStatus,
    Locality,
    MatchingRunStatus,
    NeedKind,
    NeedStatus,
    PreferenceParty,
    Role,
    Scope,
    SessionStatus,
    ShortlistStatus,
    Urgency,
    WishKind,
    WorkMode,
    unknown_languages,
    unknown_sectors,
)

__all__ = [
    "Absence",
    "AbsenceBase",
    "ApiToken",
    "Assignment",
    "AssignmentBase",
    "AuditEntry",
    "BusyInterval",
    "CalendarSource",
    "CalendarSourceBase",
    "Certification",
    "CertificationBase",
    "ConflictOfInterest",
    "ConflictOfInterestBase",
    "DateOverride",
    "DateOverrideBase",
    "EducationRecord",
    "EducationRecordBase",
    "EmployeePage",
    "FeedState",
    "FeedToken",
    "InfoSession",
    "InfoSessionBase",
    "InsightRun",
    "IntervisionAttendance",
    "IntervisionGroup",
    "IntervisionMember",
    "IntervisionRun",
    "IntervisionSession",
    "Job",
    "MatchingRun",
    "Need",
    "NeedBase",
    "Notification",
    "Organisation",
    "OrganisationBase",
    "Preference",
    "PreferenceBase",
    "PublicProfile",
    "PublicProfileBase",
    "RuleWeight",
    "RuleWeightsBase",
    "Shortlist",
    "ShortlistCandidate",
    "Site",
    "SiteBase",
    "StaffingAdvice",
    "StaffingAdviceBase",
    "TrustPerson",
    "TrustPersonBase",
    "User",
    "UserLink",
    "WeeklyAvailability",
    "WeeklyAvailabilityBase",
]

# Stable constraint names on every backend, so Alembic migrations can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _created_at() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


_OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def _fk(target: str, *, nullable: bool = False, ondelete: _OnDelete = "CASCADE") -> Any:
    if nullable:
        return Field(default=None, foreign_key=target, ondelete=ondelete, index=True)
    return Field(foreign_key=target, ondelete=ondelete, index=True)


def _strings() -> Any:
    return Field(default_factory=list, sa_type=JSON, nullable=False)


def _check_period(start: date | None, end: date | None) -> None:
    """A half-open period ``[start, end)`` must hold at least one day.

    The message speaks of the last day (``end`` minus one), as people count periods.
    """
    if start is not None and end is not None and end <= start:
        raise InvalidValue(
            "The last day ({last_day}) is before the first day ({first_day}).",
            field="ends_on",
            last_day=end - timedelta(days=1) if end > date.min else end,
            first_day=start,
        )


def _known_languages(codes: list[str]) -> list[str]:
    unknown = unknown_languages(codes)
    if unknown:
        raise InvalidValue(
            "Unknown language code(s) {codes}; use ISO 639 codes such as nl, en, tr or ar.",
            codes=", ".join(unknown),
        )
    return list(dict.fromkeys(codes))


_SCOPES = frozenset(s.value for s in Scope)


def _known_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in _SCOPES]
    if unknown:
        raise InvalidValue(
            "Unknown scope(s) {scopes}; use unwanted_behaviour or integrity.",
            scopes=", ".join(unknown),
        )
    return list(dict.fromkeys(scopes))


def _known_sectors(sectors: list[str]) -> list[str]:
    unknown = unknown_sectors(sectors)
    if unknown:
        raise InvalidValue(
            "Unknown sector(s) {sectors}; choose one of the list.", sectors=", ".join(unknown)
        )
    return list(dict.fromkeys(sectors))


def _known_codes(codes: list[str], vocabulary: type[StrEnum], template: str) -> list[str]:
    """``codes``, each once, if all are values of ``vocabulary``; else ``template`` names them."""
    known = {member.value for member in vocabulary}
    if unknown := [code for code in codes if code not in known]:
        raise InvalidValue(template, codes=", ".join(unknown))
    return list(dict.fromkeys(codes))


def _in_netherlands(value: float, axis: str) -> float:
    low, high = NL_LATITUDE_RANGE if axis == "latitude" else NL_LONGITUDE_RANGE
    if not low <= value <= high:
        template = (
            "This latitude lies outside the Netherlands (between {low} and {high})."
            if axis == "latitude"
            else "This longitude lies outside the Netherlands (between {low} and {high})."
        )
        raise InvalidValue(template, low=low, high=high)
    return value


def _valid_email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise InvalidValue("Enter an e-mail address such as name@example.nl.")
    return value.lower()


def _valid_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(
            "Unknown time zone {zone}; use a name such as Europe/Amsterdam.", zone=value
        ) from exc
    return value


# --------------------------------------------------------------------------- trust persons


class TrustPersonBase(SQLModel):
    """A trust person (vertrouwenspersoon) in the provider's pool."""

    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(min_length=1, max_length=120)
    email: str = Field(min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    # Sensitive, self-declared and optional (AVG/GDPR): visible to planners only.
    gender: Gender | None = Field(default=None, sa_type=enum_type(Gender, "gender"))
    gender_visible_to_clients: bool = False
    birth_year: int | None = Field(default=None, ge=1930, le=2010)
    background_tags: list[str] = _strings()
    languages: list[str] = _strings()
    scopes: list[str] = _strings()
    sectors: list[str] = _strings()
    home_municipality: str = Field(min_length=1, max_length=120)
    home_postcode: str | None = Field(default=None, max_length=10)
    home_latitude: float = Field(ge=-90, le=90)
    home_longitude: float = Field(ge=-180, le=180)
    max_travel_km: float = Field(default=60, ge=0, le=400)
    capacity_hours_per_month: float = Field(default=16, ge=0, le=200)
    capacity_standing_clients: int = Field(default=6, ge=0, le=100)
    timezone: str = Field(default="Europe/Amsterdam", max_length=64)
    experience_since: date | None = None
    active: bool = True

    _languages = field_validator("languages")(_known_languages)
    _scopes = field_validator("scopes")(_known_scopes)
    _sectors = field_validator("sectors")(_known_sectors)
    _email = field_validator("email")(_valid_email)
    _timezone = field_validator("timezone")(_valid_timezone)

    @field_validator("home_latitude")
    @classmethod
    def _latitude(cls, value: float) -> float:
        return _in_netherlands(value, "latitude")

    @field_validator("home_longitude")
    @classmethod
    def _longitude(cls, value: float) -> float:
        return _in_netherlands(value, "longitude")


class TrustPerson(TrustPersonBase, table=True):
    """Table of trust persons."""

    __tablename__ = "trust_person"
    __table_args__ = (
        sa.UniqueConstraint("email"),
        sa.CheckConstraint("max_travel_km >= 0", name="travel_nonnegative"),
        sa.CheckConstraint("capacity_hours_per_month >= 0", name="hours_nonnegative"),
        sa.CheckConstraint("capacity_standing_clients >= 0", name="clients_nonnegative"),
        sa.CheckConstraint(
            "home_latitude BETWEEN -90 AND 90 AND home_longitude BETWEEN -180 AND 180",
            name="coordinates",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: The family name without its particle, then the first name, folded: "de Jonge" sorts
    #: under J. Kept by the listeners below (and by the dataset import); never typed.
    sort_name: str = Field(default="", max_length=400, index=True)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


@sa.event.listens_for(TrustPerson, "before_insert")
@sa.event.listens_for(TrustPerson, "before_update")
def _keep_sort_name(_mapper: Any, _connection: Any, person: TrustPerson) -> None:
    person.sort_name = person_sort_key(person.first_name, person.last_name)


class CertificationBase(SQLModel):
    """An LVV certificate: number, issue date and expiry date (exclusive of validity)."""

    number: str = Field(min_length=1, max_length=40)
    issued_on: date
    expires_on: date

    @model_validator(mode="after")
    def _period(self) -> CertificationBase:
        if self.expires_on <= self.issued_on:
            raise InvalidValue(
                "The expiry date ({expires_on}) must be after the issue date ({issued_on}).",
                field="expires_on",
                expires_on=self.expires_on,
                issued_on=self.issued_on,
            )
        return self


class Certification(CertificationBase, table=True):
    """Table of certificates; a VP keeps the history of all their certificates."""

    __table_args__ = (
        sa.UniqueConstraint("number"),
        sa.CheckConstraint("expires_on > issued_on", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    revision: int = Field(default=0, ge=0)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class EducationRecordBase(SQLModel):
    """Hours of permanent education (bij- en nascholing, intervision, other activities)."""

    category: EducationCategory = Field(sa_type=enum_type(EducationCategory, "education_category"))
    title: str = Field(min_length=1, max_length=200)
    hours: float = Field(gt=0, le=24 * 14)
    completed_on: date
    accredited: bool = False
    evidence_ref: str | None = Field(default=None, max_length=300)


class EducationRecord(EducationRecordBase, table=True):
    """Table of education records."""

    __tablename__ = "education_record"
    __table_args__ = (sa.CheckConstraint("hours > 0", name="hours_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    intervision_session_id: int | None = _fk(
        "intervision_session.id", nullable=True, ondelete="SET NULL"
    )
    created_at: datetime = _created_at()


class AbsenceBase(SQLModel):
    """A period a VP is away, in whole days ``[starts_on, ends_on)``."""

    kind: AbsenceKind = Field(sa_type=enum_type(AbsenceKind, "absence_kind"))
    starts_on: date
    ends_on: date
    note: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _period(self) -> AbsenceBase:
        _check_period(self.starts_on, self.ends_on)
        return self


class Absence(AbsenceBase, table=True):
    """Table of absences."""

    __table_args__ = (sa.CheckConstraint("ends_on > starts_on", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    revision: int = Field(default=0, ge=0)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class WeeklyAvailabilityBase(SQLModel):
    """A recurring weekly range in the VP's own time zone (weekday 0 = Monday)."""

    weekday: int = Field(ge=0, le=6)
    start_time: time
    end_time: time

    @model_validator(mode="after")
    def _range(self) -> WeeklyAvailabilityBase:
        if self.end_time <= self.start_time:
            raise InvalidValue(
                "The end ({end}) must be after the start ({start}).",
                field="end_time",
                end=self.end_time,
                start=self.start_time,
            )
        return self


class WeeklyAvailability(WeeklyAvailabilityBase, table=True):
    """Table of weekly availability ranges (several per day allowed)."""

    __tablename__ = "weekly_availability"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("end_time > start_time", name="range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")


class DateOverrideBase(SQLModel):
    """Replaces the weekly hours of one date; no times means not available that day."""

    on_date: date
    start_time: time | None = None
    end_time: time | None = None

    @model_validator(mode="after")
    def _range(self) -> DateOverrideBase:
        if (self.start_time is None) != (self.end_time is None):
            raise InvalidValue(
                "Give both a start and an end time, or neither for a day off.", field="end_time"
            )
        if (
            self.start_time is not None
            and self.end_time is not None
            and self.end_time <= self.start_time
        ):
            raise InvalidValue(
                "The end ({end}) must be after the start ({start}).",
                field="end_time",
                end=self.end_time,
                start=self.start_time,
            )
        return self


class DateOverride(DateOverrideBase, table=True):
    """Table of date overrides of weekly availability."""

    __tablename__ = "date_override"
    __table_args__ = (
        sa.CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL) OR end_time > start_time", name="range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")


class CalendarSourceBase(SQLModel):
    """A VP's own calendar, linked by URL or uploaded, whose busy time blocks planning."""

    kind: CalendarSourceKind = Field(sa_type=enum_type(CalendarSourceKind, "calendar_kind"))
    label: str = Field(default="Agenda", max_length=80)
    url: str | None = Field(default=None, max_length=2000)
    filename: str | None = Field(default=None, max_length=255)
    refresh_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    enabled: bool = True

    @model_validator(mode="after")
    def _origin(self) -> CalendarSourceBase:
        if self.kind is CalendarSourceKind.URL and not self.url:
            raise InvalidValue("Give the calendar's address.", field="url")
        return self


class CalendarSource(CalendarSourceBase, table=True):
    """Table of calendar sources with their fetch health."""

    __tablename__ = "calendar_source"
    __table_args__ = (
        sa.CheckConstraint("kind <> 'url' OR url IS NOT NULL", name="url_given"),
        sa.CheckConstraint("refresh_minutes >= 5", name="refresh"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    etag: str | None = Field(default=None, max_length=300)
    last_modified_header: str | None = Field(default=None, max_length=100)
    last_fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=2000)
    #: ``last_error`` as a message id with its values (``{"message_id", "params"}``), so
    #: that a page says it in the reader's language.
    last_error_words: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    event_count: int = Field(default=0, ge=0)
    byte_count: int = Field(default=0, ge=0)
    created_at: datetime = _created_at()


class BusyInterval(SQLModel, table=True):
    """Busy time imported from a calendar source (replaced whole on each good import)."""

    __tablename__ = "busy_interval"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    calendar_source_id: int = _fk("calendar_source.id")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    tentative: bool = False


# --------------------------------------------------------------------------- organisations


class OrganisationBase(SQLModel):
    """A client organisation (opdrachtgever) with its wishes."""

    name: str = Field(min_length=1, max_length=200)
    sector: str = Field(max_length=60)
    headcount: int = Field(ge=1, le=1_000_000)
    languages: list[str] = _strings()
    requires_gender_mix: bool = False
    wishes: str | None = Field(default=None, max_length=2000)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    max_travel_km: float | None = Field(default=None, ge=0, le=400)
    active: bool = True

    _languages = field_validator("languages")(_known_languages)
    _email = field_validator("contact_email")(_valid_email)

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str) -> str:
        return _known_sectors([value])[0]


class Organisation(OrganisationBase, table=True):
    """Table of client organisations."""

    __table_args__ = (
        sa.UniqueConstraint("name"),
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class SiteBase(SQLModel):
    """A location of an organisation."""

    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10)
    municipality: str = Field(min_length=1, max_length=120)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    is_main: bool = False

    @field_validator("latitude")
    @classmethod
    def _latitude(cls, value: float) -> float:
        return _in_netherlands(value, "latitude")

    @field_validator("longitude")
    @classmethod
    def _longitude(cls, value: float) -> float:
        return _in_netherlands(value, "longitude")


class Site(SiteBase, table=True):
    """Table of sites."""

    __table_args__ = (
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="coordinates"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = _fk("organisation.id")


class ConflictOfInterestBase(SQLModel):
    """A VP may not serve an organisation during ``[starts_on, ends_on)`` (open end: ongoing)."""

    reason: ConflictReason = Field(sa_type=enum_type(ConflictReason, "conflict_reason"))
    note: str | None = Field(default=None, max_length=500)
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _period(self) -> ConflictOfInterestBase:
        _check_period(self.starts_on, self.ends_on)
        return self


class ConflictOfInterest(ConflictOfInterestBase, table=True):
    """Table of conflicts of interest."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on > starts_on", name="period"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    organisation_id: int = _fk("organisation.id")
    recorded_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = _created_at()


class PreferenceBase(SQLModel):
    """A soft wish between a VP and an organisation, from either side (-2 avoid .. +2 prefer)."""

    party: PreferenceParty = Field(sa_type=enum_type(PreferenceParty, "preference_party"))
    strength: int = Field(ge=-2, le=2)
    note: str | None = Field(default=None, max_length=300)


class Preference(PreferenceBase, table=True):
    """Table of preferences."""

    __table_args__ = (
        sa.UniqueConstraint("trust_person_id", "organisation_id", "party"),
        sa.CheckConstraint("strength BETWEEN -2 AND 2", name="strength"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    organisation_id: int = _fk("organisation.id")


# --------------------------------------------------------------------------- needs and plans


class NeedBase(SQLModel):
    """A demand for ``seats`` VPs at an organisation during ``[starts_on, ends_on)``.

    ``ends_on`` may be empty for a standing need without an agreed end.
    """

    kind: NeedKind = Field(sa_type=enum_type(NeedKind, "need_kind"))
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    scopes: list[str] = _strings()
    languages: list[str] = _strings()
    starts_on: date
    ends_on: date | None = None
    expected_hours_per_month: float = Field(ge=0, le=400)
    seats: int = Field(default=1, ge=1, le=10)
    urgency: Urgency = Field(default=Urgency.NORMAL, sa_type=enum_type(Urgency, "urgency"))
    requires_gender_mix: bool = False
    max_travel_km: float | None = Field(default=None, ge=0, le=400)
    # The client's wishes: a kind named in ``hard_wishes`` is a condition (a hard rule of the
    # matcher), the others weigh as costs. Empty wishes ask for nothing.
    wish_genders: list[str] = _strings()
    wish_languages: list[str] = _strings()
    wish_sectors: list[str] = _strings()
    wish_locality: Locality | None = Field(
        default=None, sa_type=enum_type(Locality, "wish_locality")
    )
    wish_mode: WorkMode | None = Field(default=None, sa_type=enum_type(WorkMode, "wish_mode"))
    hard_wishes: list[str] = _strings()
    #: The client wants to choose among a shortlist of VPs.
    client_chooses: bool = False

    _languages = field_validator("languages", "wish_languages")(_known_languages)
    _wished_sectors = field_validator("wish_sectors")(_known_sectors)

    @field_validator("wish_genders")
    @classmethod
    def _genders(cls, value: list[str]) -> list[str]:
        return _known_codes(
            value, Gender, "Unknown gender(s) {codes}; use female, male or non_binary."
        )

    @field_validator("hard_wishes")
    @classmethod
    def _wish_kinds(cls, value: list[str]) -> list[str]:
        return _known_codes(
            value, WishKind, "Unknown wish(es) {codes}; use gender, languages, sector or locality."
        )

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        if not value:
            raise InvalidValue("Choose at least one scope (unwanted behaviour and/or integrity).")
        return _known_scopes(value)

    @model_validator(mode="after")
    def _period(self) -> NeedBase:
        _check_period(self.starts_on, self.ends_on)
        if self.wish_mode is WorkMode.REMOTE and self.wish_locality is not None:
            raise InvalidValue(
                "Remote help has no site to live near; choose in person for a local or "
                "central trust person.",
                field="wish_locality",
            )
        return self


class Need(NeedBase, table=True):
    """Table of needs (inzet)."""

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="period"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
        sa.CheckConstraint("expected_hours_per_month >= 0", name="hours_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = _fk("organisation.id")
    site_id: int | None = _fk("site.id", nullable=True, ondelete="SET NULL")
    status: NeedStatus = Field(
        default=NeedStatus.OPEN, sa_type=enum_type(NeedStatus, "need_status"), index=True
    )
    requested_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    decision_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class AssignmentBase(SQLModel):
    """One VP on one seat of a need for ``[starts_on, ends_on)``."""

    seat: int = Field(ge=1, le=10)
    starts_on: date
    ends_on: date | None = None
    status: AssignmentStatus = Field(
        default=AssignmentStatus.PROPOSED, sa_type=enum_type(AssignmentStatus, "assignment_status")
    )
    pinned: bool = False
    works_council_consent_on: date | None = None

    @model_validator(mode="after")
    def _period(self) -> AssignmentBase:
        _check_period(self.starts_on, self.ends_on)
        return self


class Assignment(AssignmentBase, table=True):
    """Table of assignments (koppelingen); proposals carry the matching run that made them."""

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="period"),
        sa.CheckConstraint("seat >= 1", name="seat_positive"),
        # One confirmed VP per seat, and a VP at most once among a need's confirmed seats.
        sa.Index(
            "uq_assignment_confirmed_seat",
            "need_id",
            "seat",
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        ),
        sa.Index(
            "uq_assignment_confirmed_person",
            "need_id",
            "trust_person_id",
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = _fk("need.id")
    trust_person_id: int = _fk("trust_person.id")
    matching_run_id: int | None = _fk("matching_run.id", nullable=True, ondelete="SET NULL")
    revision: int = Field(default=0, ge=0)
    #: Why the VP declined (they give it; the planners read it).
    decline_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class Shortlist(SQLModel, table=True):
    """Two or three VPs a client chooses from for a need (at most one open per need).

    ``deadline`` is the last day (inclusive) the client may choose; after it the planner's
    ``first_choice_id`` is placed. ``client_note`` is what the client wrote when asking for
    other candidates (the shortlist is a draft again then).
    """

    __table_args__ = (
        sa.Index(
            "uq_shortlist_open_need",
            "need_id",
            unique=True,
            sqlite_where=sa.text("status IN ('draft', 'sent')"),
            postgresql_where=sa.text("status IN ('draft', 'sent')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = _fk("need.id")
    status: ShortlistStatus = Field(
        default=ShortlistStatus.DRAFT,
        sa_type=enum_type(ShortlistStatus, "shortlist_status"),
        index=True,
    )
    first_choice_id: int | None = _fk("trust_person.id", nullable=True, ondelete="SET NULL")
    deadline: date | None = None
    note: str | None = Field(default=None, max_length=1000)
    client_note: str | None = Field(default=None, max_length=1000)
    chosen_id: int | None = _fk("trust_person.id", nullable=True, ondelete="SET NULL")
    assignment_id: int | None = _fk("assignment.id", nullable=True, ondelete="SET NULL")
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    revision: int = Field(default=0, ge=0)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class ShortlistCandidate(SQLModel, table=True):
    """A VP on a shortlist, in the planner's order, with the matcher's cost when added."""

    __tablename__ = "shortlist_candidate"
    __table_args__ = (sa.UniqueConstraint("shortlist_id", "trust_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    shortlist_id: int = _fk("shortlist.id")
    trust_person_id: int = _fk("trust_person.id")
    position: int = Field(default=0, ge=0)
    cost: int = 0


class MatchingRun(SQLModel, table=True):
    """A run of the matcher: its settings, how it went and its explanation."""

    __tablename__ = "matching_run"

    id: int | None = Field(default=None, primary_key=True)
    status: MatchingRunStatus = Field(
        default=MatchingRunStatus.QUEUED,
        sa_type=enum_type(MatchingRunStatus, "matching_run_status"),
        index=True,
    )
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    solver_status: str | None = Field(default=None, max_length=20)
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    seats_total: int | None = Field(default=None, ge=0)
    seats_filled: int | None = Field(default=None, ge=0)
    first_feasible_s: float | None = Field(default=None, ge=0)
    wall_s: float | None = Field(default=None, ge=0)
    progress: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    explanation: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    error: str | None = Field(default=None, max_length=4000)
    created_at: datetime = _created_at()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- intervision


class IntervisionGroup(SQLModel, table=True):
    """A fixed intervision group for one year."""

    __tablename__ = "intervision_group"
    __table_args__ = (sa.UniqueConstraint("name", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(min_length=1, max_length=120)
    year: int = Field(ge=2000, le=2200)
    meeting_place: str | None = Field(default=None, max_length=200)
    meeting_latitude: float | None = None
    meeting_longitude: float | None = None
    created_at: datetime = _created_at()


class IntervisionMember(SQLModel, table=True):
    """Membership of a VP in an intervision group."""

    __tablename__ = "intervision_member"
    __table_args__ = (sa.UniqueConstraint("group_id", "trust_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = _fk("intervision_group.id")
    trust_person_id: int = _fk("trust_person.id")


class IntervisionSession(SQLModel, table=True):
    """One meeting of an intervision group."""

    __tablename__ = "intervision_session"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = _fk("intervision_group.id")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    location: str | None = Field(default=None, max_length=200)
    status: SessionStatus = Field(
        default=SessionStatus.PLANNED, sa_type=enum_type(SessionStatus, "session_status")
    )
    revision: int = Field(default=0, ge=0)
    updated_at: datetime = _created_at()


class IntervisionAttendance(SQLModel, table=True):
    """Whether a member attended a session."""

    __tablename__ = "intervision_attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "trust_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = _fk("intervision_session.id")
    trust_person_id: int = _fk("trust_person.id")
    attended: bool = True


class IntervisionRun(SQLModel, table=True):
    """Forming a year's groups or planning its sessions, run in the background (202 + id)."""

    __tablename__ = "intervision_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: IntervisionRunKind = Field(sa_type=enum_type(IntervisionRunKind, "intervision_run_kind"))
    year: int = Field(ge=2000, le=2200)
    status: MatchingRunStatus = Field(
        default=MatchingRunStatus.QUEUED,
        sa_type=enum_type(MatchingRunStatus, "intervision_run_status"),
        index=True,
    )
    time_limit_s: float | None = Field(default=None, gt=0)
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    created_by_label: str | None = Field(default=None, max_length=200)
    report: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    error: str | None = Field(default=None, max_length=4000)
    error_status: int | None = None
    created_at: datetime = _created_at()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- information sessions


class InfoSessionBase(SQLModel):
    """A client's request for an information session at one of its sites.

    The preferred period is whole days ``[starts_on, ends_on)``; the session lasts
    ``duration_minutes`` and is held in ``language`` for about ``audience`` people.
    """

    kind: InfoSessionKind = Field(sa_type=enum_type(InfoSessionKind, "info_session_kind"))
    starts_on: date
    ends_on: date
    duration_minutes: int = Field(ge=15, le=480)
    audience: int = Field(default=10, ge=1, le=10_000)
    language: str = Field(default="nl", min_length=2, max_length=8)
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return _known_languages([value])[0]

    @field_validator("note", mode="before")
    @classmethod
    def _blank_note(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value

    @model_validator(mode="after")
    def _period(self) -> InfoSessionBase:
        _check_period(self.starts_on, self.ends_on)
        return self


class InfoSession(InfoSessionBase, table=True):
    """Table of information sessions: requested, then booked with a VP and a time."""

    __tablename__ = "info_session"
    __table_args__ = (
        sa.CheckConstraint("ends_on > starts_on", name="period"),
        sa.CheckConstraint("starts_at IS NULL OR ends_at > starts_at", name="times"),
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration"),
        sa.CheckConstraint("travel_minutes >= 0", name="travel_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = _fk("organisation.id")
    site_id: int | None = _fk("site.id", nullable=True, ondelete="SET NULL")
    preferred_trust_person_id: int | None = _fk(
        "trust_person.id", nullable=True, ondelete="SET NULL"
    )
    status: InfoSessionStatus = Field(
        default=InfoSessionStatus.REQUESTED,
        sa_type=enum_type(InfoSessionStatus, "info_session_status"),
        index=True,
    )
    #: The VP who holds it, from its booking on.
    trust_person_id: int | None = _fk("trust_person.id", nullable=True, ondelete="SET NULL")
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Minutes from the VP's home to the site (and as many back): busy time too.
    travel_minutes: int = Field(default=0, ge=0)
    requested_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    revision: int = Field(default=0, ge=0)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class RuleWeightsBase(SQLModel):
    """The soft rules' weights the provider sets (cost units; a seat's travel is ~1 per km).

    The matcher reads them over its defaults; a planner changes them on the rule weights
    page, with the API, or by adopting a what-if scenario that changed one.
    """

    travel_per_km: float = Field(ge=0, le=1000)
    # Whole numbers, as the matcher counts them: a fraction would be stored but not used.
    continuity: int = Field(ge=0, le=1000)
    sector_mismatch: int = Field(ge=0, le=1000)
    preference_per_step: int = Field(ge=0, le=1000)


class RuleWeight(SQLModel, table=True):
    """One soft rule's weight as the provider set it (a rule not stored keeps its default)."""

    __tablename__ = "rule_weight"

    name: str = Field(primary_key=True, max_length=40)
    value: float = Field(ge=0, le=1000)
    updated_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    updated_at: datetime = _created_at()


class InsightRun(SQLModel, table=True):
    """A recruitment analysis or a what-if scenario, worked out in the background (202 + id).

    ``spec`` is what the planner asked (the months looked ahead, the scenario's changes),
    ``result`` what the worker found. A scenario is adopted (its changes made real and its
    seats stored as a matching run's proposals) or discarded: ``decision``.
    """

    __tablename__ = "insight_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: InsightRunKind = Field(sa_type=enum_type(InsightRunKind, "insight_run_kind"))
    status: MatchingRunStatus = Field(
        default=MatchingRunStatus.QUEUED,
        sa_type=enum_type(MatchingRunStatus, "insight_run_status"),
        index=True,
    )
    spec: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    progress: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    error: str | None = Field(default=None, max_length=4000)
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    created_by_label: str | None = Field(default=None, max_length=200)
    created_at: datetime = _created_at()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=20)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    matching_run_id: int | None = _fk("matching_run.id", nullable=True, ondelete="SET NULL")


# --------------------------------------------------------------------------- access and audit


class User(SQLModel, table=True):
    """Someone who logs in: clients are bound to an organisation, VPs to their own record."""

    __tablename__ = "app_user"
    __table_args__ = (
        sa.UniqueConstraint("email"),
        sa.CheckConstraint(
            "(role <> 'client' OR organisation_id IS NOT NULL) AND "
            "(role <> 'trust_person' OR trust_person_id IS NOT NULL)",
            name="binding",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = Field(sa_type=enum_type(Role, "role"))
    organisation_id: int | None = _fk("organisation.id", nullable=True)
    trust_person_id: int | None = _fk("trust_person.id", nullable=True)
    password_hash: str | None = Field(default=None, max_length=300)
    active: bool = True
    created_at: datetime = _created_at()
    #: The language of their messages and e-mails ("nl" or "en").
    language: str = Field(default="nl", max_length=2, sa_column_kwargs={"server_default": "nl"})
    #: Kinds of message they get in the inbox only, not by e-mail.
    email_off: list[str] = Field(
        default_factory=list,
        sa_type=JSON,
        nullable=False,
        sa_column_kwargs={"server_default": "[]"},
    )


class ApiToken(SQLModel, table=True):
    """A bearer token for scripts; only its hash is stored."""

    __tablename__ = "api_token"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id")
    name: str = Field(min_length=1, max_length=100)
    token_hash: str = Field(max_length=128)
    created_at: datetime = _created_at()
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserLink(SQLModel, table=True):
    """A one-time link to set a password: an invitation or a reset; only its hash is stored.

    A link works once (``used_at``) and until ``expires_at``; issuing a new one for the same
    user, or deactivating the user, ends it (``used_at`` without a password being set).
    """

    __tablename__ = "user_link"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id")
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=128)
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = _created_at()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmployeePage(SQLModel, table=True):
    """An organisation's unlisted page for its employees: who their trust persons are.

    The page opens with the token in its address and without a login, so the organisation
    can put the link (or its QR code) on its intranet and notice boards; rotating it makes a
    new token and the old address stops at once. The token is kept as it is (not hashed):
    it only keeps the page unlisted, the page shows what the organisation publishes anyway,
    and its contact must be able to show the link again for a new poster.
    """

    __tablename__ = "employee_page"
    __table_args__ = (sa.UniqueConstraint("organisation_id"), sa.UniqueConstraint("token"))

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = _fk("organisation.id")
    token: str = Field(max_length=64)
    created_at: datetime = _created_at()


class PublicProfileBase(SQLModel):
    """What a VP chooses to show the employees of the organisations they serve.

    Blank text counts as not given (the page then shows nothing for it).
    """

    introduction: str | None = Field(default=None, max_length=800)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)

    @field_validator("introduction", "phone", "email", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    _email = field_validator("email")(_valid_email)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = sum(c.isdigit() for c in value)
        if digits < 6 or any(not (c.isdigit() or c in " +-()") for c in value):
            raise InvalidValue("Enter a phone number such as 06 1234 5678 or +31 30 123 4567.")
        return value


class PublicProfile(PublicProfileBase, table=True):
    """A VP's public profile (one per VP; absent until they fill it in)."""

    __tablename__ = "public_profile"
    __table_args__ = (sa.UniqueConstraint("trust_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    trust_person_id: int = _fk("trust_person.id")
    updated_at: datetime = _created_at()
    #: The VP's photo as re-encoded on upload (JPEG, at most 400x400, no metadata), if any.
    photo: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    #: Counts the photo's changes (a new upload or its removal).
    photo_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Job(SQLModel, table=True):
    """Work for `vppool worker`: a task name and its arguments, held under a lease while it runs.

    ``lane`` says which of a worker's threads take it (``cpu``: one solve at a time;
    ``io``: fetches and e-mail, several at once); ``limit_key`` groups jobs of which only a
    few may run at once over all workers (the host of a calendar). ``unique_key`` keeps one
    queued or running job per key (one refresh of a calendar at a time). ``data`` carries
    bytes the task reads (an uploaded file), deleted with the job's ending.
    """

    __tablename__ = "job"
    __table_args__ = (
        sa.Index("ix_job_status_run_after", "status", "run_after"),
        sa.Index(
            "ix_job_active_unique_key",
            "unique_key",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    task: str = Field(min_length=1, max_length=60)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    data: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=enum_type(JobStatus, "job_status"))
    lane: str = Field(default="cpu", max_length=10)
    limit_key: str | None = Field(default=None, max_length=200, index=True)
    unique_key: str | None = Field(default=None, max_length=200)
    attempts: int = Field(default=0, ge=0)
    max_attempts: int = Field(default=1, ge=1)
    run_after: datetime = _created_at()
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    worker: str | None = Field(default=None, max_length=120)
    error: str | None = Field(default=None, max_length=4000)
    created_at: datetime = _created_at()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffingAdviceBase(SQLModel):
    """The provider's advice on how a client staffs its trust-person function."""

    trust_persons: int = Field(ge=1, le=50)
    both_genders: bool = False
    languages: list[str] = _strings()
    local: bool = False
    internal_backup: bool = False
    note: str | None = Field(default=None, max_length=2000)

    _languages = field_validator("languages")(_known_languages)

    @field_validator("note", mode="before")
    @classmethod
    def _blank_note(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value


class StaffingAdvice(StaffingAdviceBase, table=True):
    """The advice kept for a client (one per organisation), and when it was sent."""

    __tablename__ = "staffing_advice"
    __table_args__ = (sa.UniqueConstraint("organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = _fk("organisation.id")
    updated_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    updated_at: datetime = _created_at()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The advice as it was sent: what the client contact reads, whatever is edited since.
    sent_version: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class LoginAttempt(SQLModel, table=True):
    """One login try, for the throttle every server process shares (kept for a day)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(max_length=64)
    succeeded: bool = False
    at: datetime = _created_at()


class FeedToken(SQLModel, table=True):
    """A secret token in a feed URL, bound to one feed; only its hash is stored."""

    __tablename__ = "feed_token"
    __table_args__ = (
        sa.UniqueConstraint("token_hash"),
        sa.CheckConstraint(
            "(kind = 'organisation_availability' AND organisation_id IS NOT NULL) OR "
            "(kind <> 'organisation_availability' AND trust_person_id IS NOT NULL)",
            name="target",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: FeedKind = Field(sa_type=enum_type(FeedKind, "feed_kind"))
    trust_person_id: int | None = _fk("trust_person.id", nullable=True)
    organisation_id: int | None = _fk("organisation.id", nullable=True)
    token_hash: str = Field(max_length=128)
    created_by_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = _created_at()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """An append-only record of who did what, when (never about reporters or cases)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created_at()
    # RESTRICT: the log never changes, so users who acted are deactivated, not deleted.
    actor_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="RESTRICT")
    actor_label: str = Field(default="system", max_length=200)
    action: str = Field(min_length=1, max_length=80, index=True)
    entity_type: str = Field(max_length=60)
    entity_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class Notification(SQLModel, table=True):
    """A message to a user: in their inbox, and sent by SMTP when configured (else logged).

    ``dedupe_key`` makes scheduled reminders idempotent: a job that runs twice (or is
    retried) cannot send the same reminder twice.
    """

    __table_args__ = (
        sa.UniqueConstraint("dedupe_key"),
        sa.Index("ix_notification_inbox", "recipient_user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(min_length=1, max_length=60, index=True)
    recipient_user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL")
    recipient_email: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=10_000)
    dedupe_key: str = Field(max_length=200)
    created_at: datetime = _created_at()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0, ge=0)
    last_error: str | None = Field(default=None, max_length=2000)
    #: Whether it goes out by e-mail too (the recipient chose, per kind); always in the inbox.
    by_email: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    #: When the recipient read it in the inbox.
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Where in the web application it leads (a path below /app).
    link: str | None = Field(default=None, max_length=300)


class FeedState(SQLModel, table=True):
    """When a calendar feed's content last changed: only ever moves forward.

    One row per feed subject (``vp:<id>``, ``org:<id>``), raised on every insert, update
    and deletion of what the feed shows (see :mod:`vppool.db.feed_changes`), so the feed's
    Last-Modified never moves backwards, not even when the newest item is deleted.
    """

    __tablename__ = "feed_state"

    key: str = Field(primary_key=True, max_length=40)
    changed_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
