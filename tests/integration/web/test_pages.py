"""Every page renders for the roles that may see it, in Dutch and in English."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import Need, Organisation

pytestmark = pytest.mark.integration

PLANNER_PAGES = [
    "/dashboard",
    "/dashboard/coverage",
    "/needs",
    "/needs?status=open",
    "/needs/new",
    "/matching",
    "/pool",
    "/pool?search=a",
    "/organisations",
    "/insight",
    "/insight/gaps",
    "/insight/gaps?months=x",
    "/insight/scenarios",
    "/inbox",
    "/inbox/settings",
    "/audit",
]


def test_a_visitor_is_sent_to_the_login_page(app_client: TestClient) -> None:
    page = app_client.get(f"{WEB}/dashboard")
    assert page.url.path == f"{WEB}/login"
    assert '<html lang="nl">' in page.text
    assert "Inloggen" in page.text


@pytest.mark.parametrize("path", PLANNER_PAGES)
def test_planner_pages_render(app_client: TestClient, world: World, path: str) -> None:
    login(app_client, world, "planner")
    page = app_client.get(WEB + path)
    assert page.status_code == 200, page.text[:500]
    assert "<main" in page.text


def test_planner_sees_vp_and_organisation_pages(app_client: TestClient, world: World) -> None:
    login(app_client, world, "planner")
    vp = app_client.get(f"{WEB}/pool/{world['vp1']}")
    assert vp.status_code == 200, vp.text[:500]
    org = app_client.get(f"{WEB}/organisations/{world['org2']}")
    assert org.status_code == 200, org.text[:500]
    quick = app_client.get(f"{WEB}/needs/{world['need2_free']}/quick-match")
    assert quick.status_code == 200, quick.text[:500]


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("client", ["/team", "/requests", "/feeds"]),
        ("trust_person", ["/me", "/me/availability", "/me/education", "/me/calendars", "/feeds"]),
    ],
)
def test_own_pages_render(
    app_client: TestClient, world: World, role: str, paths: list[str]
) -> None:
    login(app_client, world, role)
    for path in paths:
        page = app_client.get(WEB + path)
        assert page.status_code == 200, (path, page.text[:500])


def test_the_language_switch_shows_english(app_client: TestClient, world: World) -> None:
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/dashboard")
    assert '<html lang="nl">' in page.text
    switched = app_client.post(
        f"{WEB}/language",
        data={"lang": "en", "next_page": "/dashboard", "_csrf_token": csrf_of(page.text)},
    )
    assert '<html lang="en">' in switched.text
    assert "Dashboard" in switched.text


@pytest.mark.parametrize(("query", "chosen"), [("", "2"), ("?seat=1", "1"), ("?seat=9", "2")])
def test_quick_match_offers_the_seat_being_filled(
    app_client: TestClient, world: World, query: str, chosen: str
) -> None:
    """From "replace" (``?seat=``) that seat; otherwise the first seat nobody holds."""
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/needs/{world['need1']}/quick-match{query}")
    assert page.status_code == 200, page.text[:500]
    selected = re.findall(r'<option value="(\d+)" selected>', page.text)
    assert selected, "no candidate to place"
    assert set(selected) == {chosen}


def _note_and_wishes(engine: Engine, need_id: int, note: str, wishes: str) -> None:
    """Give the need the client's note and its organisation these wishes."""
    with Session(engine) as session:
        need = session.get(Need, need_id)
        assert need is not None
        org = session.get(Organisation, need.organisation_id)
        assert org is not None
        need.description = note
        org.wishes = wishes
        session.add_all([need, org])
        session.commit()


def test_quick_match_shows_the_clients_note_and_wishes(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    _note_and_wishes(
        engine,
        world["need1"],
        "Liefst iemand met ervaring in de zorg",
        "Een vrouw die Turks spreekt",
    )
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/needs/{world['need1']}/quick-match").text
    assert "Toelichting van de klant" in page
    assert "Liefst iemand met ervaring in de zorg" in page
    assert "Een vrouw die Turks spreekt" in page


def test_the_needs_queue_shows_the_clients_note(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        need = session.get(Need, world["need2_free"])
        assert need is not None
        need.description = "Graag iemand die de sector kent"
        session.add(need)
        session.commit()
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/needs?status=open").text
    assert "Toelichting van de klant: Graag iemand die de sector kent" in page


def test_the_insight_page_draws_each_chart_with_its_table_for_planners_only(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/insight")
    assert page.status_code == 200
    assert "<h1>Inzicht</h1>" in page.text
    # The world's standing needs start in the future: no province chart, a sentence instead.
    assert page.text.count('role="img"') == 1
    assert page.text.count('<details class="chart-table"><summary>Tabel</summary>') == 1
    assert "Vandaag lopen er geen vaste plaatsen." in page.text
    # The education chart loads right after the page (htmx), or on its own page.
    assert 'hx-get="/app/insight/education"' in page.text
    fragment = app_client.get(f"{WEB}/insight/education", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.count('role="img"') == 1
    alone = app_client.get(f"{WEB}/insight/education")
    assert "<html" in alone.text
    assert "Scholing van de actieve vertrouwenspersonen" in alone.text
    assert "Geplande uren tegenover capaciteit, per maand" in page.text
    app_client.cookies.clear()
    login(app_client, world, "client")
    assert app_client.get(f"{WEB}/insight").status_code == 404
    assert app_client.get(f"{WEB}/insight/education").status_code == 404


def test_the_clients_note_and_wishes_are_in_the_queue_and_on_the_organisation_page(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    _note_and_wishes(
        engine,
        world["need2_free"],
        "Graag na vijf uur bereikbaar",
        "Iemand met ervaring in het onderwijs",
    )
    login(app_client, world, "planner")
    for path in ("/needs?status=open", f"/organisations/{world['org2']}"):
        page = app_client.get(WEB + path).text
        assert "Toelichting van de klant: Graag na vijf uur bereikbaar" in page, path
    queue = app_client.get(f"{WEB}/needs?status=open").text
    assert "Wensen: Iemand met ervaring in het onderwijs" in queue
