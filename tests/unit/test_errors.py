from __future__ import annotations

import pytest

from vppool.errors import FieldError, NotFound, ValidationFailed

pytestmark = pytest.mark.unit


def test_validation_failed_names_every_field_in_its_message() -> None:
    error = ValidationFailed(
        [FieldError("ends_on", "must be after starts_on"), FieldError("languages", "unknown 'xx'")],
        subject="need",
    )
    assert error.message == (
        "invalid need: ends_on: must be after starts_on; languages: unknown 'xx'"
    )
    assert error.as_dicts()[1] == {
        "field": "languages",
        "message": "unknown 'xx'",
        "message_id": "unknown 'xx'",
        "params": {},
    }


def test_a_field_error_carries_its_message_id_and_values() -> None:
    error = ValidationFailed.single("place", "unknown place {place}", place="Nergens")
    assert error.as_dicts() == [
        {
            "field": "place",
            "message": "unknown place Nergens",
            "message_id": "unknown place {place}",
            "params": {"place": "Nergens"},
        }
    ]


def test_validation_failed_needs_at_least_one_field_error() -> None:
    with pytest.raises(ValueError, match="at least one FieldError"):
        ValidationFailed([])


def test_not_found_says_what_was_missing() -> None:
    assert NotFound("trust person", 42).message == "trust person 42 was not found"
