"""The form models of the client side, as a planner keeps it.

Organisations, sites, conflicts of interest, needs and assignments.

Each asks for what a planner knows (the last day of a period, languages as codes) and builds
the service's typed input. An edit form replaces every value it shows, so an emptied field
clears the value (:func:`replacing`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError

from vppool.db.models import ConflictOfInterestBase
from vppool.db.schemas import (
    ConflictOfInterestCreate,
    NeedUpdate,
    OrganisationCreate,
    OrganisationUpdate,
    SiteCreate,
    SiteUpdate,
)
from vppool.errors import ValidationFailed
from vppool.inputs import field_errors_from
from vppool.vocab import SECTORS, ConflictReason
from vppool.web._forms import Choice, Form, day_after, form_field, picked
from vppool.web._record_forms import _NeedFields, codes

__all__ = [
    "ConflictEndForm",
    "ConflictForm",
    "ConsentForm",
    "EndForm",
    "NeedEditForm",
    "OrganisationForm",
    "SiteForm",
    "replacing",
    "sector_choices",
]

InputT = TypeVar("InputT", bound=BaseModel)

_LANGUAGES_HINT = "ISO codes separated by commas, such as nl, en, tr"


def replacing(model: type[InputT], **values: Any) -> InputT:
    """``model`` (an ``XUpdate``) with every value given, empty ones included (they clear).

    Raises:
        ValidationFailed: naming the fields the values break.
    """
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc), subject="form") from exc


def sector_choices() -> list[Choice]:
    return [Choice(sector, sector.replace("_", " ").capitalize()) for sector in SECTORS]


class OrganisationForm(Form):
    """A client organisation: its name, sector, size, contact and wishes."""

    name: str = form_field("Name", min_length=1, max_length=200)
    sector: str = form_field("Sector", choices=sector_choices)
    headcount: int = form_field("Employees", ge=1, le=1_000_000)
    languages: str | None = form_field(
        "Languages", default=None, max_length=200, hint=_LANGUAGES_HINT
    )
    contact_name: str | None = form_field("Contact person", default=None, max_length=200)
    contact_email: str | None = form_field(
        "Contact's e-mail address", default=None, kind="email", max_length=254
    )
    max_travel_km: float | None = form_field(
        "Furthest a VP travels (km)", default=None, ge=0, le=400
    )
    wishes: str | None = form_field("Wishes", default=None, max_length=2000, kind="textarea")
    requires_gender_mix: bool = form_field("Wants a choice of gender", default=False)
    active: bool = form_field(
        "Active", default=False, hint="An inactive organisation gets no new needs or matches."
    )

    def _values(self) -> dict[str, Any]:
        return self.typed_values(languages=codes(self.languages))

    def to_input(self) -> OrganisationCreate:
        """The new organisation."""
        return self.build(OrganisationCreate, **self._values())

    def changes(self) -> OrganisationUpdate:
        """The organisation's values as the form shows them (an emptied field clears)."""
        return replacing(OrganisationUpdate, **self._values())


class SiteForm(Form):
    """A site of an organisation: where it is, and whether it is the main site."""

    name: str = form_field("Name", min_length=1, max_length=200)
    address: str | None = form_field("Street and number", default=None, max_length=300)
    postcode: str | None = form_field("Postcode", default=None, max_length=10)
    municipality: str = form_field("Municipality", min_length=1, max_length=120)
    latitude: float = form_field(
        "Latitude", ge=-90, le=90, hint="From a map, such as 52.09 for Utrecht."
    )
    longitude: float = form_field(
        "Longitude", ge=-180, le=180, hint="From a map, such as 5.12 for Utrecht."
    )
    is_main: bool = form_field("Main site", default=False)

    def to_input(self) -> SiteCreate:
        """The new site."""
        return self.build(SiteCreate, **self.typed_values())

    def changes(self) -> SiteUpdate:
        """The site's values as the form shows them (an emptied field clears)."""
        return replacing(SiteUpdate, **self.typed_values())


_PERIOD = {"ends_on": "last_day"}


class ConflictForm(Form):
    """Why a VP may not serve this organisation, and during which days if not for good."""

    renamed: ClassVar[dict[str, str]] = _PERIOD

    trust_person_id: int = picked("trust person")
    reason: ConflictReason = form_field("Reason")
    note: str | None = form_field("Note", default=None, max_length=500)
    starts_on: date | None = form_field("First day", default=None)
    last_day: date | None = form_field(
        "Last day", default=None, hint="Leave empty while the conflict lasts."
    )

    def to_input(self) -> ConflictOfInterestBase:
        """The conflict's own values (the organisation comes from the page)."""
        return self.build(ConflictOfInterestBase, **self._values())

    def _values(self) -> dict[str, Any]:
        """The conflict's own values: the VP's id left out, the end the day after the last."""
        return self.typed_values(
            leave=["trust_person_id", "last_day"], ends_on=day_after(self.last_day)
        )

    def for_organisation(self, organisation_id: int) -> ConflictOfInterestCreate:
        """The conflict between the chosen VP and the organisation."""
        return self.build(
            ConflictOfInterestCreate,
            **self._values(),
            trust_person_id=self.trust_person_id,
            organisation_id=organisation_id,
        )


class _LastDay(BaseModel):
    last_day: date


class ConflictEndForm(Form):
    """The last day a conflict of interest holds."""

    renamed: ClassVar[dict[str, str]] = _PERIOD

    last_day: date = form_field("Last day")

    def to_input(self) -> _LastDay:
        """The last day."""
        return self.build(_LastDay, last_day=self.last_day)


class EndForm(Form):
    """The last day a VP serves on an assignment that ends early."""

    renamed: ClassVar[dict[str, str]] = {"on": "last_day"}

    last_day: date = form_field("Last day")

    def to_input(self) -> _LastDay:
        """The last day."""
        return self.build(_LastDay, last_day=self.last_day)


class _ConsentDay(BaseModel):
    works_council_consent_on: date


class ConsentForm(Form):
    """The day the works council consented to a standing assignment."""

    works_council_consent_on: date = form_field("Day of the works council's consent")

    def to_input(self) -> _ConsentDay:
        """The day."""
        return self.build(_ConsentDay, works_council_consent_on=self.works_council_consent_on)


class NeedEditForm(_NeedFields):
    """A need as a planner changes it (its organisation and status stay)."""

    last_day: date | None = form_field(
        "Last day", default=None, hint="Leave empty for a standing need without an agreed end"
    )
    requires_gender_mix: bool = form_field("Requires more than one gender", default=False)

    def to_input(self) -> NeedUpdate:
        """The need's values as the form shows them (an emptied field clears)."""
        return replacing(NeedUpdate, **self._values(self.last_day))
