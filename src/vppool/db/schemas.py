"""API-facing shapes of the core entities, derived from the ``XBase`` classes of the tables.

The SQLModel template's family per entity:

* ``XCreate(XBase)``: what a caller gives to create one (plus foreign keys that are not a
  path parameter). Every field limit and domain validator of the base runs.
* ``XUpdate``: every field optional; only the fields a caller gives change. The given fields
  are validated by the base (limits and domain validators), so a bad value is refused here
  already; checks that span several fields run on the merged result in the service.
* ``XPublic(XBase)``: what a service returns, with ``id`` and the read-only fields.
* :class:`Page`: one page of a list with the total count.

Create and update shapes refuse unknown fields, so a misspelt field is an error instead of a
silently ignored change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    RootModel,
    ValidationError,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig  # the config type SQLModel declares

from vppool.db.models import (
    AbsenceBase,
    AssignmentBase,
    CalendarSourceBase,
    CertificationBase,
    ConflictOfInterestBase,
    DateOverrideBase,
    EducationRecordBase,
    NeedBase,
    OrganisationBase,
    PreferenceBase,
    RuleWeightsBase,
    SiteBase,
    TrustPersonBase,
    WeeklyAvailabilityBase,
)
from vppool.errors import InvalidValue
from vppool.vocab import (
    AbsenceKind,
    AssignmentStatus,
    CalendarSourceKind,
    EducationCategory,
    Gender,
    Locality,
    NeedKind,
    NeedStatus,
    Urgency,
    WorkMode,
)

#: The largest id a caller may name: ids are 32-bit integers on every backend, and a larger
#: number would make PostgreSQL refuse the query instead of answering "not found".
MAX_ID = 2_147_483_647
#: The largest page a list returns, and the page size when a caller gives none.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _id(*, optional: bool = False) -> Any:
    """An id given by a caller (a foreign key in a body): 1 up to :data:`MAX_ID`."""
    if optional:
        return Field(default=None, ge=1, le=MAX_ID)
    return Field(ge=1, le=MAX_ID)


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_ID",
    "MAX_LIMIT",
    "AbsenceCreate",
    "AbsencePublic",
    "AbsenceUpdate",
    "AssignmentCreate",
    "AssignmentEnd",
    "AssignmentPublic",
    "AssignmentView",
    "AuditEntryPublic",
    "AuditQuery",
    "CalendarSourceCreate",
    "CalendarSourcePublic",
    "CalendarSourceUpdate",
    "CertificationCreate",
    "CertificationPublic",
    "CertificationUpdate",
    "ConflictOfInterestCreate",
    "ConflictOfInterestPublic",
    "DateOverrideCreate",
    "DateOverridePublic",
    "EducationRecordCreate",
    "EducationRecordPublic",
    "EducationRecordUpdate",
    "NeedCreate",
    "NeedDecline",
    "NeedPublic",
    "NeedRequest",
    "NeedSubmit",
    "NeedUpdate",
    "OrganisationCreate",
    "OrganisationPublic",
    "OrganisationUpdate",
    "Page",
    "PageQuery",
    "PartialUpdate",
    "PreferenceCreate",
    "PreferencePublic",
    "RuleWeightsInput",
    "ShortlistAskOthers",
    "ShortlistBuild",
    "ShortlistChange",
    "ShortlistChoose",
    "SiteCreate",
    "SitePublic",
    "SiteUpdate",
    "TeamAssignment",
    "TeamMember",
    "TrustPersonClientView",
    "TrustPersonCreate",
    "TrustPersonPublic",
    "TrustPersonUpdate",
    "WeeklyAvailabilityCreate",
    "WeeklyAvailabilityPublic",
    "WeeklySchedule",
    "WorksCouncilConsent",
    "client_view",
]

#: Input shapes refuse unknown fields and trim surrounding white space from text (a name of
#: only spaces is then empty, and refused as such).
_FORBID_EXTRA = SQLModelConfig(extra="forbid", str_strip_whitespace=True)

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list: the items from ``offset`` on, at most ``limit``, of ``total``."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int


class PageQuery(BaseModel):
    """Which page of a list to show: the base of every list's query (its filters, its sort).

    The list checks the bounds (``offset`` 0 up to :data:`MAX_ID`, ``limit`` 1 up to
    :data:`MAX_LIMIT`) and names the field that is out of them.
    """

    offset: int = 0
    limit: int = DEFAULT_LIMIT


class PartialUpdate(SQLModel):
    """Base of the ``XUpdate`` shapes: all fields optional, given fields validated by the base.

    A subclass names its base in ``base_model`` and declares the base's fields as optional;
    fields that are not in the base (such as a foreign key) are listed in ``own_fields`` and
    checked by the service. A ``null`` for a field the base does not allow to be empty is
    refused, since leaving the field out is how a caller keeps its value.
    """

    model_config = _FORBID_EXTRA

    base_model: ClassVar[type[SQLModel]]
    own_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse update fields that the base does not know (a typo would change nothing)."""
        super().__pydantic_init_subclass__(**kwargs)
        if not hasattr(cls, "base_model"):
            msg = f"{cls.__name__} must name the base class it updates in base_model"
            raise TypeError(msg)
        strangers = set(cls.model_fields) - set(cls.base_model.model_fields) - cls.own_fields
        if strangers:
            msg = (
                f"{cls.__name__} declares {sorted(strangers)}, which {cls.base_model.__name__} "
                "does not have; add them to own_fields if the service handles them"
            )
            raise TypeError(msg)

    @model_validator(mode="after")
    def _given_fields_valid_in_base(self) -> Self:
        given = {
            name: value
            for name, value in self.model_dump(exclude_unset=True).items()
            if name not in self.own_fields
        }
        try:
            self.base_model.model_validate(given)
        except ValidationError as exc:
            details = [_detail(error) for error in exc.errors() if _blames(error, given)]
            if details:
                raise ValidationError.from_exception_data(type(self).__name__, details) from exc
        return self


def _blames(error: Any, given: dict[str, Any]) -> bool:
    """Whether a base validation error is about a field the caller gave.

    Errors about fields left out (``missing``) are not, nor are checks across fields that
    blame a field left out: the service re-checks those on the merged result.
    """
    location = error["loc"]
    if location:
        return bool(location[0] in given and error["type"] != "missing")
    blamed = getattr((error.get("ctx") or {}).get("error"), "field", None)
    return blamed in given


def _detail(error: Any) -> InitErrorDetails:
    if error["input"] is None and error["type"].endswith("_type"):
        refusal = PydanticCustomError(
            "null_not_allowed",
            "May not be empty (null); leave the field out to keep its current value.",
        )
        return InitErrorDetails(type=refusal, loc=error["loc"], input=None)
    return InitErrorDetails(
        type=error["type"], loc=error["loc"], input=error["input"], ctx=error.get("ctx") or {}
    )


# --------------------------------------------------------------------------- trust persons


class TrustPersonCreate(TrustPersonBase):
    """A new trust person."""

    model_config = _FORBID_EXTRA


class TrustPersonUpdate(PartialUpdate):
    """Changes to a trust person; only given fields change."""

    base_model = TrustPersonBase

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    gender: Gender | None = None
    gender_visible_to_clients: bool | None = None
    birth_year: int | None = None
    background_tags: list[str] | None = None
    languages: list[str] | None = None
    scopes: list[str] | None = None
    sectors: list[str] | None = None
    home_municipality: str | None = None
    home_postcode: str | None = None
    home_latitude: float | None = None
    home_longitude: float | None = None
    max_travel_km: float | None = None
    capacity_hours_per_month: float | None = None
    capacity_standing_clients: int | None = None
    timezone: str | None = None
    experience_since: date | None = None
    active: bool | None = None


class TrustPersonPublic(TrustPersonBase):
    """A trust person as planners see them, sensitive attributes included."""

    id: int
    created_at: datetime
    updated_at: datetime


class TrustPersonClientView(SQLModel):
    """What a client contact may see of a trust person; gender only if the VP allows it."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    languages: list[str]
    gender: Gender | None


def client_view(person: TrustPersonPublic) -> TrustPersonClientView:
    """The client contact's view of ``person``: no sensitive attributes they did not share."""
    return TrustPersonClientView(
        id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        phone=person.phone,
        languages=list(person.languages),
        gender=person.gender if person.gender_visible_to_clients else None,
    )


class CertificationCreate(CertificationBase):
    """A new certificate of a trust person (the trust person comes from the path)."""

    model_config = _FORBID_EXTRA


class CertificationUpdate(PartialUpdate):
    """Changes to a certificate."""

    base_model = CertificationBase

    number: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None


class CertificationPublic(CertificationBase):
    """A certificate."""

    id: int
    trust_person_id: int
    revision: int
    created_at: datetime
    updated_at: datetime


class EducationRecordCreate(EducationRecordBase):
    """A new education record of a trust person."""

    model_config = _FORBID_EXTRA


class EducationRecordUpdate(PartialUpdate):
    """Changes to an education record."""

    base_model = EducationRecordBase

    category: EducationCategory | None = None
    title: str | None = None
    hours: float | None = None
    completed_on: date | None = None
    accredited: bool | None = None
    evidence_ref: str | None = None


class EducationRecordPublic(EducationRecordBase):
    """An education record."""

    id: int
    trust_person_id: int
    intervision_session_id: int | None
    created_at: datetime


class AbsenceCreate(AbsenceBase):
    """A new absence of a trust person."""

    model_config = _FORBID_EXTRA


class AbsenceUpdate(PartialUpdate):
    """Changes to an absence."""

    base_model = AbsenceBase

    kind: AbsenceKind | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = None


class AbsencePublic(AbsenceBase):
    """An absence."""

    id: int
    trust_person_id: int
    revision: int
    created_at: datetime
    updated_at: datetime


class WeeklyAvailabilityCreate(WeeklyAvailabilityBase):
    """One weekly range; a trust person's schedule is replaced as a whole list of these."""

    model_config = _FORBID_EXTRA


class WeeklySchedule(RootModel[list[WeeklyAvailabilityCreate]]):
    """A trust person's whole weekly schedule: the list of ranges replaces the stored one."""

    #: Errors name the list's items ``ranges[i]``.
    error_prefix: ClassVar[str] = "ranges"


class WeeklyAvailabilityPublic(WeeklyAvailabilityBase):
    """One weekly range of a trust person."""

    id: int
    trust_person_id: int


class DateOverrideCreate(DateOverrideBase):
    """A new date override of a trust person."""

    model_config = _FORBID_EXTRA


class DateOverridePublic(DateOverrideBase):
    """A date override."""

    id: int
    trust_person_id: int


class CalendarSourceCreate(CalendarSourceBase):
    """A new calendar source of a trust person."""

    model_config = _FORBID_EXTRA


class CalendarSourceUpdate(PartialUpdate):
    """Changes to a calendar source."""

    base_model = CalendarSourceBase

    kind: CalendarSourceKind | None = None
    label: str | None = None
    url: str | None = None
    filename: str | None = None
    refresh_minutes: int | None = None
    enabled: bool | None = None


class CalendarSourcePublic(CalendarSourceBase):
    """A calendar source with its fetch health (HTTP caching fields stay internal)."""

    id: int
    trust_person_id: int
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_words: dict[str, Any] | None = Field(
        default=None,
        description=(
            "last_error as a message id (the English template) with its values, "
            '{"message_id": ..., "params": {...}}, for a client that words it itself.'
        ),
    )
    last_error_at: datetime | None
    event_count: int
    byte_count: int
    created_at: datetime
    reading: bool = Field(
        default=False,
        description=(
            "A read is queued or running: the linked address is being fetched, or the "
            "uploaded file is being read; its outcome shows in health and last_error."
        ),
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def health(self) -> Literal["off", "pending", "ok", "warning", "error"]:
        """The source's state in one word.

        ``off``: switched off; ``pending``: never read yet; ``ok``: the last read worked;
        ``warning``: it worked but only in part (see ``last_error``); ``error``: the last
        attempt failed (see ``last_error``) and the busy time of the last good read stays.
        """
        if not self.enabled:
            return "off"
        if self.last_error_at is not None and (
            self.last_success_at is None or self.last_error_at > self.last_success_at
        ):
            return "error"
        if self.last_success_at is None:
            return "pending"
        if self.last_error_at == self.last_success_at:
            return "warning"
        return "ok"


# --------------------------------------------------------------------------- organisations


class OrganisationCreate(OrganisationBase):
    """A new client organisation."""

    model_config = _FORBID_EXTRA


class OrganisationUpdate(PartialUpdate):
    """Changes to an organisation."""

    base_model = OrganisationBase

    name: str | None = None
    sector: str | None = None
    headcount: int | None = None
    languages: list[str] | None = None
    requires_gender_mix: bool | None = None
    wishes: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    max_travel_km: float | None = None
    active: bool | None = None


class OrganisationPublic(OrganisationBase):
    """A client organisation."""

    id: int
    created_at: datetime
    updated_at: datetime


class SiteCreate(SiteBase):
    """A new site of an organisation (the organisation comes from the path)."""

    model_config = _FORBID_EXTRA


class SiteUpdate(PartialUpdate):
    """Changes to a site."""

    base_model = SiteBase

    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    is_main: bool | None = None


class SitePublic(SiteBase):
    """A site."""

    id: int
    organisation_id: int


class ConflictOfInterestCreate(ConflictOfInterestBase):
    """A new conflict of interest between a trust person and an organisation."""

    model_config = _FORBID_EXTRA

    trust_person_id: int = _id()
    organisation_id: int = _id()


class ConflictOfInterestPublic(ConflictOfInterestBase):
    """A conflict of interest."""

    id: int
    trust_person_id: int
    organisation_id: int
    recorded_by_user_id: int | None
    created_at: datetime


class PreferenceCreate(PreferenceBase):
    """A preference to set (replacing the same party's earlier one for the same pair)."""

    model_config = _FORBID_EXTRA

    trust_person_id: int = _id()
    organisation_id: int = _id()


class PreferencePublic(PreferenceBase):
    """A preference."""

    id: int
    trust_person_id: int
    organisation_id: int


# --------------------------------------------------------------------------- needs and plans


class NeedCreate(NeedBase):
    """A new need (the organisation comes from the path; the site must be one of its own).

    Scopes are required here: a need without one could never be matched.
    """

    model_config = _FORBID_EXTRA

    scopes: list[str]
    site_id: int | None = _id(optional=True)


class NeedSubmit(NeedCreate):
    """A need filed over the API: a planner names the organisation, a client contact may not.

    A client contact's need is filed for their own organisation (see :class:`NeedRequest`).
    """

    organisation_id: int | None = _id(optional=True)


#: The kinds of need a client contact may request; standing needs are agreed in a contract.
REQUESTABLE_KINDS = (NeedKind.ABSENCE_COVER, NeedKind.REORGANISATION, NeedKind.AFTERCARE)


class NeedRequest(NeedSubmit):
    """A client contact's request for temporary help: a period with an end, and hours."""

    ends_on: date
    expected_hours_per_month: float = Field(gt=0, le=400)

    @field_validator("kind")
    @classmethod
    def _requestable(cls, value: NeedKind) -> NeedKind:
        if value not in REQUESTABLE_KINDS:
            raise InvalidValue(
                "This kind of help is agreed with your planner; request cover, support during "
                "a reorganisation or aftercare."
            )
        return value


class NeedDecline(SQLModel):
    """Why a planner declines a request; the client contact sees this reason."""

    model_config = _FORBID_EXTRA

    reason: str = Field(min_length=1, max_length=1000)

    @field_validator("reason")
    @classmethod
    def _said_something(cls, value: str) -> str:
        if not value.strip():
            raise InvalidValue("Give the reason the client contact will read.")
        return value.strip()


class NeedUpdate(PartialUpdate):
    """Changes to a need; its status changes through its own use cases."""

    base_model = NeedBase
    own_fields = frozenset({"site_id"})

    kind: NeedKind | None = None
    title: str | None = None
    description: str | None = None
    scopes: list[str] | None = None
    languages: list[str] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    expected_hours_per_month: float | None = None
    seats: int | None = None
    urgency: Urgency | None = None
    requires_gender_mix: bool | None = None
    max_travel_km: float | None = None
    wish_genders: list[str] | None = None
    wish_languages: list[str] | None = None
    wish_sectors: list[str] | None = None
    wish_locality: Locality | None = None
    wish_mode: WorkMode | None = None
    hard_wishes: list[str] | None = None
    client_chooses: bool | None = None
    site_id: int | None = _id(optional=True)


class NeedPublic(NeedBase):
    """A need with its status."""

    id: int
    organisation_id: int
    site_id: int | None
    status: NeedStatus
    requested_by_user_id: int | None
    decision_reason: str | None
    created_at: datetime
    updated_at: datetime


class AssignmentCreate(AssignmentBase):
    """A manual placement: one trust person on one seat of a need.

    It is asked of the VP first while the VP's consent is on (``VPPOOL_VP_CONSENT``), else
    confirmed at once. Without ``ends_on`` the placement ends with the need. Proposals come
    from the matcher.
    """

    model_config = _FORBID_EXTRA

    need_id: int = _id()
    trust_person_id: int = _id()
    status: AssignmentStatus = AssignmentStatus.CONFIRMED

    @field_validator("status")
    @classmethod
    def _confirmed_only(cls, value: AssignmentStatus) -> AssignmentStatus:
        if value is not AssignmentStatus.CONFIRMED:
            raise InvalidValue(
                "A placement by hand is confirmed (or asked of the VP first); proposals come "
                "from the matcher."
            )
        return value


class AssignmentPublic(AssignmentBase):
    """An assignment."""

    id: int
    need_id: int
    trust_person_id: int
    matching_run_id: int | None
    revision: int
    decline_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class ConsentAnswer(SQLModel):
    """A trust person's answer to the placement they were asked for; a decline says why."""

    model_config = _FORBID_EXTRA

    accept: bool
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _declined_with_reason(self) -> Self:
        self.reason = (self.reason or "").strip() or None
        if not self.accept and self.reason is None:
            raise InvalidValue(
                "Say why you decline; the planner reads it when looking for someone else.",
                field="reason",
            )
        return self


class ShortlistBuild(SQLModel):
    """The need whose shortlist a planner builds (or builds again, while it is a draft)."""

    model_config = _FORBID_EXTRA

    need_id: int = _id()


class ShortlistChange(SQLModel):
    """A planner's changes to a draft shortlist; only the fields given change.

    ``candidates``: the VPs on it in the planner's order (two or three, each eligible);
    ``first_choice_id``: the one placed if the client does not choose (one of them);
    ``deadline``: the last day the client may choose; ``note``: what the client reads.
    """

    model_config = _FORBID_EXTRA

    candidates: list[int] | None = Field(default=None, min_length=2, max_length=3)
    first_choice_id: int | None = _id(optional=True)
    deadline: date | None = None
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("candidates")
    @classmethod
    def _distinct_ids(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if any(not 1 <= item <= MAX_ID for item in value):
            raise InvalidValue("Name each candidate by the id of a trust person.")
        if len(set(value)) != len(value):
            raise InvalidValue("Name each candidate once.")
        return value


class ShortlistChoose(SQLModel):
    """The client's choice: one of the shortlist's candidates."""

    model_config = _FORBID_EXTRA

    trust_person_id: int = _id()


class ShortlistAskOthers(SQLModel):
    """The client asks for other candidates and says what they look for."""

    model_config = _FORBID_EXTRA

    # No min_length: the validator's own message says what to write (a blank note too).
    note: str = Field(max_length=1000)

    @field_validator("note")
    @classmethod
    def _said_something(cls, value: str) -> str:
        if not value.strip():
            raise InvalidValue("Say what the other candidates should bring; the planner reads it.")
        return value.strip()


class AssignmentView(SQLModel):
    """An assignment with the organisation and the kind of need it serves (a VP's own view)."""

    id: int
    need_id: int
    need_kind: NeedKind
    need_title: str
    organisation_id: int
    organisation_name: str
    seat: int
    starts_on: date
    ends_on: date | None
    status: AssignmentStatus
    works_council_consent_on: date | None
    decline_reason: str | None = None
    #: What the VP needs to know: the site's address, the client's contact person (name,
    #: e-mail) and the hours a month.
    site: str | None = None
    contact: str | None = None
    hours_per_month: float | None = None


class TeamAssignment(SQLModel):
    """One confirmed seat a team member holds for the organisation."""

    assignment_id: int
    need_id: int
    need_kind: NeedKind
    need_title: str
    starts_on: date
    ends_on: date | None


class TeamMember(SQLModel):
    """A trust person serving an organisation, as its client contact sees them."""

    trust_person: TrustPersonClientView
    assignments: list[TeamAssignment]


class WorksCouncilConsent(SQLModel):
    """The date the works council consented to a standing assignment."""

    model_config = _FORBID_EXTRA

    consent_on: date


class AssignmentEnd(SQLModel):
    """The day an assignment ends (exclusive: the trust person serves until the day before)."""

    model_config = _FORBID_EXTRA

    on: date


# --------------------------------------------------------------------------- audit


class AuditEntryPublic(SQLModel):
    """One entry of the audit log."""

    id: int
    at: datetime
    actor_user_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: int | None
    details: dict[str, Any]


class AuditQuery(PageQuery):
    """A page of the audit log, of one action, kind of entity or entity (each if given)."""

    action: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None


# --------------------------------------------------------------------------- rule weights


class RuleWeightsInput(RuleWeightsBase):
    """The soft rules' weights a planner sets (each 0 to 1000)."""

    model_config = _FORBID_EXTRA
