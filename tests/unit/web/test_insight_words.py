"""Words of planning insight that the API hands out (recruits, scenario errors) have Dutch."""

from __future__ import annotations

import re
from datetime import date

import pytest

from vppool import matching as m
from vppool.errors import FieldError, ValidationFailed
from vppool.services import recruitment, scenarios
from vppool.web._catalogue import DUTCH
from vppool.web._messages import localise_error, localise_words

pytestmark = pytest.mark.unit

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _recruit(languages: set[str], gender: str | None) -> m.TrustPersonInput:
    return m.TrustPersonInput(
        1,
        "",
        frozenset({"integrity"}),
        frozenset(languages),
        m.Location(51.92, 4.48),
        50.0,
        8.0,
        2,
        date(2030, 1, 1),
        frozenset(),
        gender,
    )


def test_every_recruit_message_has_dutch_words_with_the_same_values() -> None:
    for template in recruitment.RECRUIT_TEMPLATES.values():
        assert template in DUTCH, f"add {template!r} to web/catalogue/nl/insight.json"
        assert set(_PLACEHOLDER.findall(DUTCH[template])) == set(_PLACEHOLDER.findall(template))


@pytest.mark.parametrize(
    ("languages", "gender", "dutch"),
    [
        ({"nl"}, None, "een vertrouwenspersoon bij Rotterdam"),
        ({"nl", "tr"}, None, "een vertrouwenspersoon die Turks spreekt, bij Rotterdam"),
        ({"nl"}, "female", "een vertrouwenspersoon (vrouw) bij Rotterdam"),
        (
            {"nl", "tr", "ar"},
            "male",
            "een vertrouwenspersoon (man) die Arabisch, Turks spreekt, bij Rotterdam",
        ),
    ],
)
def test_a_recruit_reads_in_dutch(languages: set[str], gender: str | None, dutch: str) -> None:
    words = recruitment.recruit_message(_recruit(languages, gender), "Rotterdam")
    assert words.template in recruitment.RECRUIT_TEMPLATES.values()
    assert localise_words(words.as_dict(), "nl") == dutch


def test_an_unknown_place_of_a_scenario_is_said_in_dutch() -> None:
    spec = scenarios.ScenarioSpec.model_validate(
        {
            "name": "x",
            "changes": [{"type": "new_client", "name": "X", "sites": [{"place": "Nergenshuizen"}]}],
        }
    )
    with pytest.raises(ValidationFailed) as refused:
        scenarios.check(None, spec)  # type: ignore[arg-type]  # no VP is named: no session read
    (error,) = refused.value.errors
    assert isinstance(error, FieldError)
    assert error.template in DUTCH
    assert refused.value.as_dicts()[0]["params"] == {"place": "Nergenshuizen"}
    assert localise_error(refused.value, "nl") == (
        "onbekende plaats 'Nergenshuizen'; geef de breedtegraad en lengtegraad"
    )
