"""What-if scenarios on the web: the form, the comparison beside the plan, adopt or discard."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.integration.api.world import World, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.queue import drain_app

pytestmark = pytest.mark.integration


def test_a_planner_tries_an_absence_sees_it_beside_the_plan_and_adopts_it(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    form = app_client.get(f"{WEB}/insight/scenarios")
    assert form.status_code == 200, form.text[:500]
    assert "<h1>Wat-als-scenario&#39;s</h1>" in form.text
    # Nothing described: the page says what to fix, in Dutch.
    empty = app_client.post(
        f"{WEB}/insight/scenarios", data={"name": "", "_csrf_token": csrf_of(form.text)}
    )
    assert empty.status_code == 422
    assert "Geef het scenario een naam." in empty.text
    backwards = app_client.post(
        f"{WEB}/insight/scenarios",
        data={
            "name": "Achterstevoren",
            "absence_trust_person_id": str(world["vp1"]),
            "absence_first_day": in_days(30).isoformat(),
            "absence_last_day": in_days(7).isoformat(),
            "_csrf_token": csrf_of(form.text),
        },
    )
    assert backwards.status_code == 422
    assert "de laatste niet vóór de eerste" in backwards.text
    assert 'aria-describedby="absence-error"' in backwards.text

    started = app_client.post(
        f"{WEB}/insight/scenarios",
        data={
            "name": "VP 1 drie maanden weg",
            "absence_trust_person_id": str(world["vp1"]),
            "absence_first_day": in_days(7).isoformat(),
            "absence_last_day": in_days(97).isoformat(),
            "_csrf_token": csrf_of(form.text),
        },
    )
    assert started.status_code == 200, started.text[:500]
    assert 'id="progress"' in started.text
    drain_app(app_client.app)
    page = app_client.get(str(started.url))
    assert "De huidige planning en het scenario" in page.text
    assert "Organisaties die het raakt" in page.text
    assert "Vervanging bij afwezigheid" in page.text  # the cover needs' seats
    adopted = app_client.post(str(started.url) + "/adopt", data={"_csrf_token": csrf_of(page.text)})
    assert adopted.status_code == 200, adopted.text[:500]
    assert "Het scenario wordt overgenomen" in adopted.text  # by a worker, not this request
    assert drain_app(app_client.app) == 1
    again = app_client.get(str(started.url))
    assert "Dit scenario is overgenomen." in again.text
    assert "/matching/runs/" in again.text  # its proposals, to confirm

    switched = app_client.post(
        f"{WEB}/language",
        data={"lang": "en", "next_page": "/insight/scenarios", "_csrf_token": csrf_of(again.text)},
    )
    assert "<h1>What-if scenarios</h1>" in switched.text
    assert "VP 1 drie maanden weg" in switched.text


def test_scenarios_are_for_planners_only(app_client: TestClient, world: World) -> None:
    login(app_client, world, "trust_person")
    assert app_client.get(f"{WEB}/insight/scenarios").status_code == 404
