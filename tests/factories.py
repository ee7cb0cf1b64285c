"""Builders of valid test data: plain functions with sensible defaults and keyword overrides.

Each builder validates its row like the services would (``Model.model_validate``), adds it to
the session and flushes, so the row has its id; the test decides when to commit. Defaults
are unique where the database needs them to be (e-mail addresses, names, numbers).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel

from tests.conftest import REFERENCE_DATE
from vppool.db.models import (
    Assignment,
    Certification,
    IntervisionSession,
    Need,
    Organisation,
    Site,
    TrustPerson,
    User,
    WeeklyAvailability,
)
from vppool.errors import FieldError, ValidationFailed
from vppool.inputs import field_errors_from
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus, NeedKind, Role, Scope, SessionStatus

#: Utrecht, in the middle of the country.
UTRECHT = (52.09, 5.12)

_sequence = itertools.count(1)


RowT = TypeVar("RowT", bound=SQLModel)


def _save(session: Session, model: type[RowT], values: dict[str, Any]) -> RowT:
    row = model.model_validate(values)
    session.add(row)
    session.flush()
    return row


def trust_person_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for creating a trust person (unique e-mail address)."""
    number = next(_sequence)
    return {
        "first_name": "Anna",
        "last_name": f"Jansen {number}",
        "email": f"vp{number}@example.nl",
        "languages": ["nl"],
        "scopes": [Scope.UNWANTED_BEHAVIOUR.value, Scope.INTEGRITY.value],
        "home_municipality": "Utrecht",
        "home_latitude": UTRECHT[0],
        "home_longitude": UTRECHT[1],
        **overrides,
    }


def organisation_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for creating an organisation (unique name)."""
    return {
        "name": f"Gemeente Test {next(_sequence)}",
        "sector": "overheid",
        "headcount": 250,
        "languages": ["nl"],
        **overrides,
    }


def site_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for a site in Utrecht."""
    return {
        "name": f"Stadskantoor {next(_sequence)}",
        "municipality": "Utrecht",
        "latitude": UTRECHT[0],
        "longitude": UTRECHT[1],
        **overrides,
    }


def need_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for a standing need of one seat, starting a month after the reference date."""
    return {
        "kind": NeedKind.STANDING.value,
        "title": "Externe vertrouwenspersoon",
        "scopes": [Scope.UNWANTED_BEHAVIOUR.value],
        "languages": ["nl"],
        "starts_on": REFERENCE_DATE + timedelta(days=30),
        "expected_hours_per_month": 4,
        **overrides,
    }


def make_trust_person(session: Session, **overrides: Any) -> TrustPerson:
    """A trust person in Utrecht, qualified for both scopes, speaking Dutch."""
    return _save(session, TrustPerson, trust_person_data(**overrides))


def make_weekly_hours(
    session: Session,
    trust_person: TrustPerson,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    start: time = time(9),
    end: time = time(17),
) -> None:
    """Weekly hours for a VP: ``start`` to ``end`` on each of ``weekdays`` (0 = Monday)."""
    for weekday in weekdays:
        session.add(
            WeeklyAvailability(
                trust_person_id=trust_person.id, weekday=weekday, start_time=start, end_time=end
            )
        )
    session.flush()


def make_organisation(session: Session, **overrides: Any) -> Organisation:
    """A municipality with 250 employees."""
    return _save(session, Organisation, organisation_data(**overrides))


def make_site(session: Session, *, organisation: Organisation, **overrides: Any) -> Site:
    """A site of ``organisation`` in Utrecht."""
    return _save(session, Site, site_data(organisation_id=organisation.id, **overrides))


def make_need(
    session: Session, *, organisation: Organisation | None = None, **overrides: Any
) -> Need:
    """An open standing need (of a new organisation unless one is given)."""
    owner = organisation if organisation is not None else make_organisation(session)
    return _save(session, Need, need_data(organisation_id=owner.id, **overrides))


def make_assignment(
    session: Session, *, need: Need, trust_person: TrustPerson, **overrides: Any
) -> Assignment:
    """A confirmed assignment on seat 1 of ``need`` for its whole period."""
    values: dict[str, Any] = {
        "need_id": need.id,
        "trust_person_id": trust_person.id,
        "seat": 1,
        "starts_on": need.starts_on,
        "ends_on": need.ends_on,
        "status": AssignmentStatus.CONFIRMED,
        **overrides,
    }
    return _save(session, Assignment, values)


def make_certification(
    session: Session, *, trust_person: TrustPerson, **overrides: Any
) -> Certification:
    """A four-year certificate issued a year before the reference date."""
    issued = REFERENCE_DATE - timedelta(days=365)
    values: dict[str, Any] = {
        "trust_person_id": trust_person.id,
        "number": f"LVV-{next(_sequence):05d}",
        "issued_on": issued,
        "expires_on": issued.replace(year=issued.year + 4),
        **overrides,
    }
    return _save(session, Certification, values)


def make_held_session(session: Session, *, group_id: int | None, day: date) -> IntervisionSession:
    """An intervision session of ``group_id`` held on ``day`` (11:00 to 13:00 UTC)."""
    starts = datetime.combine(day, time(11), tzinfo=UTC)
    values = {
        "group_id": group_id,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "status": SessionStatus.HELD,
    }
    return _save(session, IntervisionSession, values)


def make_user(session: Session, **overrides: Any) -> User:
    """A planner who can log in."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"planner{number}@provider.nl",
        "display_name": f"Planner {number}",
        "role": Role.PLANNER,
        **overrides,
    }
    return _save(session, User, values)


def viewer_of(user: User) -> Viewer:
    """How the services see ``user`` when they call."""
    assert user.id is not None
    return Viewer(
        user.id,
        user.role,
        user.email,
        organisation_id=user.organisation_id,
        trust_person_id=user.trust_person_id,
    )


def day(offset: int) -> date:
    """The reference date plus ``offset`` days."""
    return REFERENCE_DATE + timedelta(days=offset)


InputT = TypeVar("InputT", bound=BaseModel)


def typed(model: type[InputT], data: InputT | Mapping[str, Any]) -> InputT:
    """``data`` as the typed input a service takes, refused as the API would refuse it.

    Tests write inputs as dictionaries; a bad one raises the same ``ValidationFailed`` (with
    the same field names) that a request body or a form with those values gets.
    """
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(dict(data))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc), subject="input") from exc


def typed_list(model: type[InputT], items: list[Any]) -> list[InputT]:
    """Each item typed (see :func:`typed`), errors named ``ranges[i].<field>``."""
    result, errors = [], []
    for index, item in enumerate(items):
        try:
            result.append(typed(model, item))
        except ValidationFailed as exc:
            errors.extend(
                FieldError(f"ranges[{index}].{error.field}", error.template, error.params)
                for error in exc.errors
            )
    if errors:
        raise ValidationFailed(errors, subject="input")
    return result
