"""Text a form cannot take is refused next to its field, in Dutch: a name that shows nothing
(spaces, zero-width characters) is empty, a control character is named."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login

pytestmark = pytest.mark.integration


def _new_vp(client: TestClient, **changes: str) -> str:
    form = client.get(f"{WEB}/pool/new")
    assert form.status_code == 200
    values = {
        "first_name": "Fatima",
        "last_name": "el Amrani",
        "email": "fatima@vp.example",
        "capacity_hours_per_month": "20",
        "capacity_standing_clients": "5",
        "home_postcode": "3511 AB",
        "home_municipality": "Utrecht",
        "home_latitude": "52.09",
        "home_longitude": "5.12",
        "max_travel_km": "45",
        **changes,
    }
    answer = client.post(f"{WEB}/pool/new", data={**values, "_csrf_token": csrf_of(form.text)})
    assert answer.status_code == 422, answer.text[:500]
    return answer.text


def test_a_name_of_only_spaces_or_invisible_characters_is_refused_next_to_it(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    for blank in ("   ", "\u200b", "\u00a0\u2060"):
        page = _new_vp(app_client, first_name=blank)
        assert re.search(r'id="first_name-error"[^>]*><p>Vul dit veld in\.', page), blank
    page = _new_vp(app_client, last_name="de\x07Vries")
    assert re.search(
        r'id="last_name-error"[^>]*><p>Mag geen stuurtekens \(U\+0007\) bevatten\.', page
    )
