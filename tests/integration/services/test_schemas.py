"""The create/update/public shapes stay in step with the tables' base classes.

No database is needed; the module sits with the service tests because it guards the shapes
the services accept and return.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vppool.db import schemas
from vppool.db.models import TrustPersonBase
from vppool.vocab import Gender

pytestmark = pytest.mark.integration

UPDATES = [
    getattr(schemas, name)
    for name in schemas.__all__
    if name.endswith("Update") and name != "PartialUpdate"
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda cls: cls.__name__)
def test_update_shape_offers_every_field_of_its_base(update: type[schemas.PartialUpdate]) -> None:
    assert set(update.model_fields) - update.own_fields == set(update.base_model.model_fields)


@pytest.mark.parametrize("update", UPDATES, ids=lambda cls: cls.__name__)
def test_update_shape_is_empty_when_nothing_is_given(update: type[schemas.PartialUpdate]) -> None:
    assert update.model_validate({}).model_fields_set == set()


def test_update_shape_leaves_cross_field_checks_to_the_merged_result() -> None:
    """Only the end is given; whether it is after the stored start is the service's check."""
    update = schemas.NeedUpdate.model_validate({"ends_on": "2027-01-01"})
    assert update.model_fields_set == {"ends_on"}


def test_partial_update_refuses_a_field_its_base_does_not_have() -> None:
    with pytest.raises(TypeError, match="does not have"):

        class _Misspelt(schemas.PartialUpdate):
            base_model = TrustPersonBase
            frist_name: str | None = None


def test_update_shape_names_the_bad_field() -> None:
    with pytest.raises(ValidationError) as caught:
        schemas.SiteUpdate.model_validate({"latitude": 60.0, "name": "Hal 2"})
    assert [error["loc"] for error in caught.value.errors()] == [("latitude",)]


def test_client_view_leaves_out_sensitive_attributes() -> None:
    fields = set(schemas.TrustPersonClientView.model_fields)
    assert {"birth_year", "background_tags", "gender_visible_to_clients"}.isdisjoint(fields)
    assert schemas.TrustPersonClientView.model_fields["gender"].annotation == Gender | None
