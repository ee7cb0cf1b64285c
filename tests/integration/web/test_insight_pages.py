"""The coverage and recruitment page: map, tables, and the analysis started from the page."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_need, make_organisation, make_site
from tests.integration.api.world import World, today
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.queue import drain_app

pytestmark = pytest.mark.integration


def _turkish_need_in_groningen(engine: Engine) -> None:
    with Session(engine) as session:
        org = make_organisation(session, name="Stadsbeheer Groningen")
        make_site(session, organisation=org, latitude=53.22, longitude=6.57, is_main=True)
        make_need(session, organisation=org, languages=["tr"], starts_on=today())
        session.commit()


def test_a_planner_sees_the_gaps_and_works_out_whom_to_recruit(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    _turkish_need_in_groningen(engine)
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/insight/gaps?months=6")
    assert page.status_code == 200, page.text[:500]
    assert "<h1>Dekking en werving</h1>" in page.text
    # The map with its table, then a table per dimension.
    assert page.text.count('role="img"') == 1
    assert 'class="site-open"' in page.text
    assert "Vertrouwenspersonen die er komen" in page.text
    assert "<td>Turks</td>" in page.text
    assert "Per gender" in page.text

    started = app_client.post(
        f"{WEB}/insight/recruitment", data={"months": "6", "_csrf_token": csrf_of(page.text)}
    )
    assert started.status_code == 200, started.text[:500]
    assert 'id="progress"' in started.text  # the run waits for a worker
    drain_app(app_client.app)
    done = app_client.get(f"{WEB}/insight/gaps?months=6")
    assert 'id="progress"' not in done.text
    assert "Te werven vertrouwenspersonen" in done.text
    assert "een vertrouwenspersoon die Turks spreekt, bij Groningen" in done.text
    assert "te ver weg" in done.text  # why the seat stays open
    assert "Stadsbeheer Groningen" in done.text

    switched = app_client.post(
        f"{WEB}/language",
        data={
            "lang": "en",
            "next_page": "/insight/gaps?months=6",
            "_csrf_token": csrf_of(done.text),
        },
    )
    assert '<html lang="en">' in switched.text
    assert "<h1>Coverage and recruitment</h1>" in switched.text
    assert "a trust person who speaks Turkish, near Groningen" in switched.text


def test_the_gaps_page_is_for_planners_only(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    assert app_client.get(f"{WEB}/insight/gaps").status_code == 404


def test_a_planner_sees_and_changes_the_rule_weights(app_client: TestClient, world: World) -> None:
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/insight/weights")
    assert page.status_code == 200, page.text[:500]
    assert "<h1>Regelgewichten</h1>" in page.text
    assert 'id="weight-continuity">60<' in page.text
    values = {
        "travel_per_km": "1.5",  # a number field sends a point whatever the language
        "continuity": "120",
        "sector_mismatch": "15",
        "preference_per_step": "20",
    }
    refused = app_client.post(
        f"{WEB}/insight/weights",
        data={**values, "continuity": "-3", "_csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 422
    assert 'aria-describedby="continuity-error"' in refused.text
    assert "Voer een getal in van ten minste 0" in refused.text or "minstens 0" in refused.text
    saved = app_client.post(
        f"{WEB}/insight/weights", data={**values, "_csrf_token": csrf_of(page.text)}
    )
    assert saved.status_code == 200, saved.text[:500]
    assert "De regelgewichten zijn opgeslagen." in saved.text
    assert 'id="weight-continuity">120<' in saved.text
    assert 'id="weight-travel_per_km">1,5<' in saved.text


def test_rule_weights_are_for_planners_only(app_client: TestClient, world: World) -> None:
    login(app_client, world, "trust_person")
    assert app_client.get(f"{WEB}/insight/weights").status_code == 404
