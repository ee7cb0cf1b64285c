"""Duplicate unique values end as a field error, also when only the database notices them.

Each test switches off the up-front query, as if a concurrent request had inserted the same
value between the check and the write, so the unique constraint itself must be mapped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbutil import table_counts
from tests.factories import (
    day,
    make_certification,
    make_organisation,
    make_trust_person,
    organisation_data,
    trust_person_data,
    typed,
)
from vppool.db.schemas import (
    CertificationCreate,
    OrganisationCreate,
    OrganisationUpdate,
    TrustPersonCreate,
    TrustPersonUpdate,
)
from vppool.errors import ValidationFailed
from vppool.services import _common as common
from vppool.services import organisations, trust_persons

pytestmark = pytest.mark.integration

Attempt = Callable[[Session], Any]


def _create_person_with_taken_email(session: Session) -> Any:
    make_trust_person(session, email="taken@example.nl")
    session.commit()
    return lambda s: trust_persons.create_trust_person(
        s, data=typed(TrustPersonCreate, trust_person_data(email="taken@example.nl"))
    )


def _update_person_to_taken_email(session: Session) -> Any:
    make_trust_person(session, email="taken@example.nl")
    person = make_trust_person(session)
    session.commit()
    return lambda s: trust_persons.update_trust_person(
        s, trust_person_id=person.id, data=typed(TrustPersonUpdate, {"email": "taken@example.nl"})
    )


def _add_certificate_with_taken_number(session: Session) -> Any:
    person = make_trust_person(session)
    make_certification(session, trust_person=person, number="LVV-1")
    session.commit()
    return lambda s: trust_persons.add_certification(
        s,
        trust_person_id=person.id,
        data=typed(
            CertificationCreate, {"number": "LVV-1", "issued_on": day(0), "expires_on": day(1461)}
        ),
    )


def _create_organisation_with_taken_name(session: Session) -> Any:
    make_organisation(session, name="Gemeente Utrecht")
    session.commit()
    return lambda s: organisations.create_organisation(
        s, data=typed(OrganisationCreate, organisation_data(name="Gemeente Utrecht"))
    )


def _rename_organisation_to_taken_name(session: Session) -> Any:
    make_organisation(session, name="Gemeente Utrecht")
    other = make_organisation(session)
    session.commit()
    return lambda s: organisations.update_organisation(
        s, organisation_id=other.id, data=typed(OrganisationUpdate, {"name": "Gemeente Utrecht"})
    )


@pytest.mark.parametrize(
    ("arrange", "field"),
    [
        (_create_person_with_taken_email, "email"),
        (_update_person_to_taken_email, "email"),
        (_add_certificate_with_taken_number, "number"),
        (_create_organisation_with_taken_name, "name"),
        (_rename_organisation_to_taken_name, "name"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else value,
)
def test_unique_violation_found_by_the_database_names_the_field(
    session: Session,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    arrange: Callable[[Session], Attempt],
    field: str,
) -> None:
    attempt = arrange(session)
    before = table_counts(engine)
    monkeypatch.setattr(common.UniqueField, "ensure_unused", lambda *_a, **_k: None)
    with pytest.raises(ValidationFailed) as caught:
        attempt(session)
    assert [e.field for e in caught.value.errors] == [field]
    assert "already used" in caught.value.errors[0].message
    session.rollback()
    assert table_counts(engine) == before
