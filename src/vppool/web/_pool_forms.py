"""The pool's form models: a trust person's profile and their certificates."""

from __future__ import annotations

from datetime import date
from typing import Any

from vppool.db.schemas import (
    CertificationCreate,
    CertificationUpdate,
    TrustPersonCreate,
    TrustPersonUpdate,
)
from vppool.vocab import (
    LANGUAGES,
    NL_LATITUDE_RANGE,
    NL_LONGITUDE_RANGE,
    SECTORS,
    Gender,
    Scope,
)
from vppool.web._forms import Choice, Form, form_field

__all__ = [
    "SECTOR_NAMES",
    "CertificateForm",
    "ProfileChangeForm",
    "ProfileForm",
    "language_choices",
    "sector_choices",
    "tags",
]

#: The sectors in English (message ids; the catalogue holds their Dutch names).
SECTOR_NAMES: dict[str, str] = {
    "zorg": "Health care",
    "onderwijs": "Education (sector)",
    "overheid": "Government",
    "industrie": "Industry",
    "bouw": "Construction",
    "logistiek": "Logistics",
    "retail": "Retail",
    "horeca": "Hospitality",
    "financiele_dienstverlening": "Financial services",
    "ict": "ICT",
    "zakelijke_dienstverlening": "Business services",
    "cultuur": "Culture",
    "sport": "Sport",
    "welzijn": "Social work",
    "landbouw": "Agriculture",
    "energie": "Energy",
    "woningcorporatie": "Housing association",
}


def language_choices() -> list[Choice]:
    """The languages by their (Dutch) name, with their code."""
    by_name = sorted(LANGUAGES.items(), key=lambda item: item[1])
    return [Choice(code, f"{name} ({code})") for code, name in by_name]


def sector_choices() -> list[Choice]:
    """The sectors a VP can have experience in."""
    return [Choice(sector, SECTOR_NAMES.get(sector, sector)) for sector in SECTORS]


def tags(text: str | None) -> list[str]:
    """Words typed as ``a, b; c``: trimmed, lower case, each once, in the order typed."""
    if not text:
        return []
    words = (word.strip().lower() for word in text.replace(";", ",").split(","))
    return list(dict.fromkeys(word for word in words if word))


class _ProfileFields(Form):
    """A trust person's profile as a planner keeps it."""

    first_name: str = form_field("First name", min_length=1, max_length=80)
    last_name: str = form_field(
        "Last name", min_length=1, max_length=120, hint="With its particle: de Jonge."
    )
    email: str = form_field("E-mail", kind="email", min_length=3, max_length=254)
    phone: str | None = form_field("Phone", default=None, max_length=40)
    scopes: list[Scope] = form_field("Scopes", default_factory=list)
    languages: list[str] = form_field("Languages", default_factory=list, choices=language_choices)
    sectors: list[str] = form_field(
        "Sector experience", default_factory=list, choices=sector_choices
    )
    experience_since: date | None = form_field("Trust person since", default=None)
    capacity_hours_per_month: float = form_field("Hours per month", ge=0, le=200)
    capacity_standing_clients: int = form_field("Standing clients at most", ge=0, le=100)
    home_postcode: str | None = form_field("Postcode", default=None, max_length=10)
    home_municipality: str = form_field("Home town", min_length=1, max_length=120)
    home_latitude: float = form_field(
        "Latitude of the home",
        ge=NL_LATITUDE_RANGE[0],
        le=NL_LATITUDE_RANGE[1],
        hint="Degrees north, such as 52.09 for Utrecht (for travel distances).",
    )
    home_longitude: float = form_field(
        "Longitude of the home",
        ge=NL_LONGITUDE_RANGE[0],
        le=NL_LONGITUDE_RANGE[1],
        hint="Degrees east, such as 5.12 for Utrecht.",
    )
    max_travel_km: float = form_field("Travels up to (km)", ge=0, le=400)
    gender: Gender | None = form_field(
        "Gender", default=None, hint="Self-declared and optional (diversity profile)."
    )
    gender_visible_to_clients: bool = form_field("Clients may see the gender", default=False)
    birth_year: int | None = form_field("Birth year", default=None, ge=1930, le=2010)
    background_tags: str | None = form_field(
        "Background",
        default=None,
        max_length=300,
        hint="Self-declared and optional, separated by commas: bicultureel, turks.",
    )

    def _values(self) -> dict[str, Any]:
        values = dict(self)
        values["scopes"] = [scope.value for scope in self.scopes]
        values["background_tags"] = tags(self.background_tags)
        return values


class ProfileForm(_ProfileFields):
    """A new trust person's profile."""

    def to_input(self) -> TrustPersonCreate:
        """The new trust person (empty fields take their defaults)."""
        return self.build(TrustPersonCreate, **self._values())


class ProfileChangeForm(_ProfileFields):
    """All of an existing trust person's profile: an emptied optional field is cleared."""

    def to_input(self) -> TrustPersonUpdate:
        """Every field; the optional ones left empty become empty."""
        values = self._values()
        update = self.build(TrustPersonUpdate, **values)
        cleared = {name: None for name in _CLEARABLE if values.get(name) is None}
        return update.model_copy(update=cleared)


#: The profile's fields that may be empty.
_CLEARABLE = ("phone", "home_postcode", "experience_since", "gender", "birth_year")


class CertificateForm(Form):
    """An LVV certificate: its number, issue date and expiry date."""

    number: str = form_field("Certificate number", min_length=1, max_length=40)
    issued_on: date = form_field("Issued on")
    expires_on: date = form_field(
        "Expires on", hint="The expiry date on the certificate (usually four years on)."
    )

    def to_input(self) -> CertificationCreate:
        """The certificate as recorded."""
        return self.build(CertificationCreate, **dict(self))

    def to_update(self) -> CertificationUpdate:
        """The certificate's new values."""
        return self.build(CertificationUpdate, **dict(self))
