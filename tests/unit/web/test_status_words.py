"""A status named in the middle of a sentence is written in lower case, in either language."""

from __future__ import annotations

import pytest

from vppool.errors import Conflict
from vppool.vocab import AssignmentStatus, ShortlistStatus
from vppool.web._messages import localise_error

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "dutch", "english"),
    [
        (
            Conflict(
                "This shortlist is {status}; only a draft can be changed or sent.",
                status=ShortlistStatus.CHOSEN,
            ),
            "Deze shortlist is gekozen;",
            "This shortlist is chosen;",
        ),
        (
            Conflict(
                "This placement is {status}; only one waiting for your answer can be accepted "
                "or declined.",
                status=AssignmentStatus.CONFIRMED,
            ),
            "Deze koppeling is bevestigd;",
            "This placement is confirmed;",
        ),
    ],
)
def test_a_status_inside_a_sentence_is_not_capitalised(
    error: Conflict, dutch: str, english: str
) -> None:
    assert localise_error(error, "nl").startswith(dutch)
    assert localise_error(error, "en").startswith(english)
