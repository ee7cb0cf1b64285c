"""An address naming a record id that no database can hold is "page does not exist", not a 500.

Such ids reached the database on several pages (the answer link, the shortlists) and failed
there; every page is guarded by one hook now, so these addresses stand for all of them.
"""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, login

pytestmark = pytest.mark.integration

HUGE = 2**70

PAGES = [
    ("anonymous", "GET", f"/answer/{HUGE}/secret"),
    ("anonymous", "POST", f"/answer/{HUGE}/secret/accept"),
    ("planner", "GET", f"/needs/{HUGE}/shortlist"),
    ("planner", "GET", f"/needs/{HUGE}"),
    ("planner", "GET", f"/organisations/{HUGE}"),
    ("planner", "GET", "/needs/0"),
    ("client", "GET", f"/shortlists/{HUGE}"),
]


@pytest.mark.parametrize(("role", "method", "path"), PAGES)
def test_an_id_beyond_any_database_is_a_page_that_does_not_exist(
    app_client: TestClient, world: World, role: str, method: str, path: str
) -> None:
    if role != "anonymous":
        login(app_client, world, role)
    response = app_client.request(method, f"{WEB}{path}", follow_redirects=False)
    assert response.status_code == 404, (response.status_code, response.text[:300])
    assert "bestaat niet" in response.text
