"""What-if scenarios on the web: the form, the comparison beside the plan, adopt or discard."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World, break_the_scenario, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.queue import drain_app
from vppool.services import insight_runs

pytestmark = pytest.mark.integration


def test_a_planner_tries_an_absence_sees_it_beside_the_plan_and_adopts_it(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    form = app_client.get(f"{WEB}/insight/scenarios")
    assert form.status_code == 200, form.text[:500]
    assert "<h1>Wat-als-scenario&#39;s</h1>" in form.text
    assert "archiveert het de vertrouwenspersoon vanaf de dag erna" in form.text  # leaving
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


def test_a_refused_adoption_says_why_in_the_page_language_and_stays_adoptable(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    form = app_client.get(f"{WEB}/insight/scenarios")
    started = app_client.post(
        f"{WEB}/insight/scenarios",
        data={
            "name": "VP 1 weg",
            "absence_trust_person_id": str(world["vp1"]),
            "absence_first_day": in_days(7).isoformat(),
            "absence_last_day": in_days(97).isoformat(),
            "_csrf_token": csrf_of(form.text),
        },
    )
    drain_app(app_client.app)
    run_id = int(str(started.url).rstrip("/").rsplit("/", 1)[1])
    with Session(engine) as session:
        result = insight_runs.get_scenario(session, run_id).result
    break_the_scenario(engine, result)
    page = app_client.get(str(started.url))
    adopted = app_client.post(str(started.url) + "/adopt", data={"_csrf_token": csrf_of(page.text)})
    assert adopted.status_code == 200, adopted.text[:500]
    assert drain_app(app_client.app) == 1
    refused = app_client.get(str(started.url))
    assert "Het scenario is niet overgenomen: Het plan is veranderd sinds dit scenario" in (
        refused.text
    )
    assert "belangenconflict" in refused.text.lower()  # the broken rule, in Dutch
    assert "would break hard rules" not in refused.text
    assert "Dit scenario is overgenomen." not in refused.text
    assert "/adopt" in refused.text  # the button is there again

    switched = app_client.post(
        f"{WEB}/language",
        data={
            "lang": "en",
            "next_page": str(started.url).split(WEB, 1)[1],
            "_csrf_token": csrf_of(refused.text),
        },
    )
    assert "The scenario was not adopted: The plan changed since this scenario" in switched.text
