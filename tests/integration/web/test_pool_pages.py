"""The pool's maintenance pages: the list (filters, sort, pages, CSV) and a VP's records."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_trust_person
from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, login
from vppool.web import _pool

pytestmark = pytest.mark.integration


def _names(html: str) -> list[str]:
    """The VPs listed on a pool page, in order ("Surname, First name")."""
    return re.findall(r'<a href="/app/pool/\d+">([^<]+)</a>', html)


def _english(client: TestClient) -> None:
    client.cookies.set("vppool_lang", "en")


@pytest.fixture(name="planner")
def fx_planner(app_client: TestClient, world: World, engine: Engine) -> TestClient:
    """A logged-in planner; the pool also holds two VPs whose surnames have a particle."""
    with Session(engine) as session:
        make_trust_person(
            session, first_name="Pieter", last_name="de Jonge", languages=["nl", "tr"]
        )
        make_trust_person(
            session,
            first_name="Anna",
            last_name="van den Berg",
            scopes=["integrity"],
            active=False,
        )
        session.commit()
    login(app_client, world, "planner")
    return app_client


# --------------------------------------------------------------------------- the list


def test_the_pool_sorts_dutch_surnames_by_the_name_not_the_particle(planner: TestClient) -> None:
    page = planner.get(f"{WEB}/pool?active=")
    assert page.status_code == 200, page.text[:500]
    assert _names(page.text) == [
        "Aalders, Anna",
        "Bakker, Bram",
        "van den Berg, Anna",
        "Claassen, Cees",
        "de Jonge, Pieter",
    ]
    backwards = planner.get(f"{WEB}/pool?active=&sort=-last_name")
    assert _names(backwards.text) == list(reversed(_names(page.text)))


def test_the_pool_shows_active_vps_unless_asked_for_archived_ones(planner: TestClient) -> None:
    assert "van den Berg, Anna" not in _names(planner.get(f"{WEB}/pool").text)
    archived = planner.get(f"{WEB}/pool?active=no")
    assert _names(archived.text) == ["van den Berg, Anna"]
    assert "gearchiveerd" in archived.text


def test_the_pool_filters_by_name_scope_and_language(planner: TestClient) -> None:
    assert _names(planner.get(f"{WEB}/pool?search=jonge").text) == ["de Jonge, Pieter"]
    assert _names(planner.get(f"{WEB}/pool?language=tr").text) == ["de Jonge, Pieter"]
    by_scope = planner.get(f"{WEB}/pool?scope=integrity&active=")
    assert "van den Berg, Anna" in _names(by_scope.text)
    # The chosen filters are kept in the form.
    assert '<option value="tr" selected>' in planner.get(f"{WEB}/pool?language=tr").text


def test_unknown_filter_values_fall_back_to_no_filter(planner: TestClient) -> None:
    page = planner.get(f"{WEB}/pool?scope=nonsense&language=xx&sort=evil&offset=-4")
    assert page.status_code == 200
    assert len(_names(page.text)) == 4


def test_the_pool_pages_and_the_pager_keeps_the_filters(
    planner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pool, "POOL", dataclasses.replace(_pool.POOL, page_size=2))
    first = planner.get(f"{WEB}/pool?language=nl")
    assert _names(first.text) == ["Aalders, Anna", "Bakker, Bram"]
    assert "1\N{EN DASH}2 van 4" in first.text
    assert 'href="/app/pool?language=nl&amp;offset=2"' in first.text
    second = planner.get(f"{WEB}/pool?language=nl&offset=2")
    assert _names(second.text) == ["Claassen, Cees", "de Jonge, Pieter"]


def test_the_csv_export_holds_every_matching_vp_in_the_pages_language(
    planner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pool, "POOL", dataclasses.replace(_pool.POOL, page_size=1))
    page = planner.get(f"{WEB}/pool?scope=unwanted_behaviour")
    assert 'href="/app/pool.csv?scope=unwanted_behaviour"' in page.text
    export = planner.get(f"{WEB}/pool.csv?scope=unwanted_behaviour")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert 'filename="pool.csv"' in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Achternaam", "Voornaam", "E-mail"]
    assert [row[0] for row in rows[1:]] == ["Aalders", "Bakker", "Claassen", "de Jonge"]

    _english(planner)
    english = planner.get(f"{WEB}/pool.csv?search=jonge")
    rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Surname", "First name"]
    assert rows[1][:2] == ["de Jonge", "Pieter"]
    assert rows[1][rows[0].index("Languages")] == "nl, tr"


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(
    planner: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        make_trust_person(session, first_name="=HYPERLINK(1)", last_name="Zwart")
        session.commit()
    export = planner.get(f"{WEB}/pool.csv?search=zwart")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Zwart", "'=HYPERLINK(1)"]


def test_only_planners_see_the_pool_and_its_export(app_client: TestClient, world: World) -> None:
    for role in ("client", "trust_person"):
        login(app_client, world, role)
        assert app_client.get(f"{WEB}/pool").status_code == 404
        assert app_client.get(f"{WEB}/pool.csv").status_code == 404
