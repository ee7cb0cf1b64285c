"""The form models of needs, requests and a trust person's own records.

Each asks for what a person knows (the last day of a period, languages as a list of codes)
and builds the service's typed input from it.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, ClassVar

from vppool.db.schemas import (
    AbsenceCreate,
    CalendarSourceCreate,
    ConsentAnswer,
    EducationRecordCreate,
    NeedDecline,
    NeedRequest,
    NeedSubmit,
    WeeklyAvailabilityCreate,
)
from vppool.errors import FieldError, ValidationFailed
from vppool.vocab import (
    AbsenceKind,
    CalendarSourceKind,
    EducationCategory,
    Gender,
    Locality,
    NeedKind,
    Scope,
    Urgency,
    WishKind,
    WorkMode,
)
from vppool.web._forms import Choice, Form, day_after, form_field, picked
from vppool.web._pool_forms import sector_choices

__all__ = [
    "WISH_FIELDS",
    "AbsenceForm",
    "CalendarLinkForm",
    "DeclineForm",
    "DeclinePlacementForm",
    "EducationForm",
    "NeedForm",
    "RequestForm",
    "codes",
    "on_rows",
    "weekly_ranges",
]


def codes(text: str | None) -> list[str]:
    """Language codes typed as ``nl, en; tr``: lower case, without blanks."""
    if not text:
        return []
    return [code.strip().lower() for code in text.replace(";", ",").split(",") if code.strip()]


_PERIOD = {"ends_on": "last_day"}


class AbsenceForm(Form):
    """An absence, from its first to its last day."""

    renamed: ClassVar[dict[str, str]] = _PERIOD

    kind: AbsenceKind = form_field("Kind")
    starts_on: date = form_field("First day")
    last_day: date = form_field("Last day")
    note: str | None = form_field("Note", default=None, max_length=300)

    def to_input(self) -> AbsenceCreate:
        """The absence as the service stores it (the end is the day after the last day)."""
        values = self.typed_values(leave=["last_day"], ends_on=day_after(self.last_day))
        return self.build(AbsenceCreate, **values)


def _education_choices() -> list[Choice]:
    return [
        Choice(category.value, category.value.replace("_", " ").capitalize())
        for category in (EducationCategory.ACCREDITED_COURSE, EducationCategory.OTHER)
    ]


class EducationForm(Form):
    """A course or another activity a trust person completed, with its hours."""

    category: EducationCategory = form_field("Kind", choices=_education_choices)
    title: str = form_field("Title", min_length=1, max_length=200)
    hours: float = form_field("Hours", gt=0, le=24 * 14)
    completed_on: date = form_field("Completed on")
    evidence_ref: str | None = form_field("Certificate or reference", default=None, max_length=300)

    def to_input(self) -> EducationRecordCreate:
        """The record; a course in the accredited category counts as accredited."""
        accredited = self.category is EducationCategory.ACCREDITED_COURSE
        return self.build(EducationRecordCreate, **self.typed_values(accredited=accredited))


class CalendarLinkForm(Form):
    """A calendar linked by its address."""

    url: str = form_field("Calendar address", min_length=1, max_length=2000)
    label: str | None = form_field("Name", default=None, max_length=80)

    def to_input(self) -> CalendarSourceCreate:
        """The calendar source of kind ``url``."""
        return self.build(CalendarSourceCreate, **self.typed_values(kind=CalendarSourceKind.URL))


class DeclinePlacementForm(Form):
    """Why a trust person declines the assignment they were asked for."""

    reason: str = form_field("Why you decline", min_length=1, max_length=500)

    def to_input(self) -> ConsentAnswer:
        """The answer: declined, with the reason."""
        return self.build(ConsentAnswer, accept=False, reason=self.reason)


class DeclineForm(Form):
    """Why a planner declines a request."""

    reason: str = form_field("Reason", min_length=1, max_length=1000)

    def to_input(self) -> NeedDecline:
        """The decision's reason."""
        return self.build(NeedDecline, reason=self.reason)


def _locality_choices() -> list[Choice]:
    return [
        Choice(Locality.LOCAL.value, "Nearby (local)"),
        Choice(Locality.CENTRAL.value, "From elsewhere (central)"),
    ]


def _condition_choices() -> list[Choice]:
    return [
        Choice(WishKind.GENDER.value, "The gender"),
        Choice(WishKind.LANGUAGES.value, "The languages"),
        Choice(WishKind.SECTOR.value, "The sector"),
        Choice(WishKind.LOCALITY.value, "Where the trust person lives"),
    ]


class _NeedFields(Form):
    """What a need and a request ask alike."""

    renamed: ClassVar[dict[str, str]] = _PERIOD

    kind: NeedKind = form_field("Kind")
    title: str = form_field("Title", min_length=1, max_length=200)
    description: str | None = form_field("Description", default=None, max_length=2000)
    scopes: list[Scope] = form_field("Scopes", default_factory=list)
    languages: str | None = form_field("Languages", default=None, max_length=200)
    starts_on: date = form_field("Starts on")
    expected_hours_per_month: float = form_field("Hours per month per seat", ge=0, le=400)
    seats: int = form_field("Seats", default=1, ge=1, le=10)
    urgency: Urgency = form_field("Urgency", default=Urgency.NORMAL)
    wish_genders: list[Gender] = form_field("Wished gender", default_factory=list)
    wish_languages: str | None = form_field(
        "Wished languages",
        default=None,
        max_length=200,
        hint="ISO codes separated by commas, such as nl, en, tr",
    )
    wish_sectors: list[str] = form_field(
        "Experience in the sector", default_factory=list, choices=sector_choices
    )
    wish_locality: Locality | None = form_field(
        "Where the trust person lives", default=None, choices=_locality_choices
    )
    wish_mode: WorkMode | None = form_field("Way of working", default=None)
    hard_wishes: list[WishKind] = form_field(
        "Conditions",
        default_factory=list,
        choices=_condition_choices,
        hint="A condition must be met; the other wishes are met where the pool allows.",
    )
    client_chooses: bool = form_field(
        "We want to choose",
        default=False,
        hint="We get a shortlist of two or three trust persons and choose one of them.",
    )

    def _values(self, last_day: date | None) -> dict[str, Any]:
        """Every field as the service takes it: the end is the day after ``last_day``."""
        return self.typed_values(
            leave=["last_day"],
            scopes=[scope.value for scope in self.scopes],
            languages=codes(self.languages),
            ends_on=day_after(last_day),
            wish_genders=[gender.value for gender in self.wish_genders],
            wish_languages=codes(self.wish_languages),
            hard_wishes=[kind.value for kind in self.hard_wishes],
        )


#: The wish fields of a need or a request, in the order the forms show them.
WISH_FIELDS = (
    "wish_genders",
    "wish_languages",
    "wish_sectors",
    "wish_locality",
    "wish_mode",
    "hard_wishes",
    "client_chooses",
)


class NeedForm(_NeedFields):
    """A planner's new need of an organisation."""

    organisation_id: int = picked("organisation")
    last_day: date | None = form_field("Last day", default=None)
    requires_gender_mix: bool = form_field("Requires more than one gender", default=False)

    def to_input(self) -> NeedSubmit:
        """The need as the service files it."""
        return self.build(NeedSubmit, **self._values(self.last_day))


class RequestForm(_NeedFields):
    """A client contact's request for temporary help."""

    last_day: date = form_field("Last day")

    def to_input(self) -> NeedRequest:
        """The request as the service files it (which refuses kinds a client cannot ask)."""
        return self.build(NeedRequest, **self._values(self.last_day))


def weekly_ranges(
    form: dict[str, Any], ranges_per_day: int
) -> tuple[list[WeeklyAvailabilityCreate], list[str], list[FieldError]]:
    """The weekly-hours editor's rows as ranges; a row with one time only is an error.

    Rows are named ``start_<weekday>_<row>`` and ``end_<weekday>_<row>``; an error names
    the row as ``<weekday>_<row>``.

    Returns:
        The ranges, the row each range came from, and the errors.
    """
    ranges: list[WeeklyAvailabilityCreate] = []
    rows: list[str] = []
    errors: list[FieldError] = []
    for weekday in range(7):
        for index in range(ranges_per_day):
            row = f"{weekday}_{index}"
            start, end = _text(form, f"start_{row}"), _text(form, f"end_{row}")
            if not start and not end:
                continue
            if not (start and end):
                errors.append(FieldError(row, "Give both a start and an end time, or neither."))
                continue
            try:
                ranges.append(
                    Form.build(
                        WeeklyAvailabilityCreate,
                        weekday=weekday,
                        start_time=time.fromisoformat(start),
                        end_time=time.fromisoformat(end),
                    )
                )
                rows.append(row)
            except ValueError:
                errors.append(FieldError(row, "Enter a time (hours:minutes)."))
            except ValidationFailed as exc:
                errors.extend(FieldError(row, e.template, e.params) for e in exc.errors)
    return ranges, rows, errors


def on_rows(exc: ValidationFailed, rows: list[str]) -> ValidationFailed:
    """The service's errors about ``ranges[i]`` as errors about the editor's rows."""
    errors = []
    for error in exc.errors:
        index = error.field.removeprefix("ranges[").split("]", 1)[0]
        row = rows[int(index)] if index.isdigit() and int(index) < len(rows) else error.field
        errors.append(FieldError(row, error.template, error.params))
    return ValidationFailed(errors, subject=exc.subject)


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()
