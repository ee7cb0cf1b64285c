"""The annual report downloads of the web application: who gets which file, and bad input."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, login


@pytest.mark.parametrize(("kind", "media"), [("pdf", "application/pdf"), ("csv", "text/csv")])
def test_a_planner_downloads_a_clients_year_as_the_asked_file(
    app_client: TestClient, world: World, kind: str, media: str
) -> None:
    login(app_client, world, "planner")
    got = app_client.get(
        f"{WEB}/organisations/{world['org1']}/annual-report?year=2026&format={kind}"
    )
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(media)
    assert got.headers["cache-control"] == "no-store"
    disposition = got.headers["content-disposition"]
    assert disposition == f'attachment; filename="jaarverslag-2026-{world["org1"]}.{kind}"'


def test_a_planner_downloads_the_providers_year(app_client: TestClient, world: World) -> None:
    login(app_client, world, "planner")
    got = app_client.get(f"{WEB}/reports/annual?year=2026&format=csv")
    assert got.status_code == 200
    assert 'filename="jaarverslag-2026-alle-klanten.csv"' in got.headers["content-disposition"]


def test_a_client_contact_downloads_their_own_year_and_does_not_see_the_providers(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "client")
    own = app_client.get(f"{WEB}/team/annual-report?year=2026")
    assert own.status_code == 200
    assert f'filename="jaarverslag-2026-{world["org1"]}.pdf"' in own.headers["content-disposition"]
    # a staff page does not exist for anyone else
    assert app_client.get(f"{WEB}/reports/annual?year=2026").status_code == 404


@pytest.mark.parametrize(
    ("query", "words"),
    [("year=twintig", "Vul een jaartal in zoals"), ("year=2026&format=docx", "pdf, csv")],
)
def test_a_wrong_year_or_kind_of_file_is_said_in_dutch(
    app_client: TestClient, world: World, query: str, words: str
) -> None:
    login(app_client, world, "planner")
    got = app_client.get(f"{WEB}/organisations/{world['org1']}/annual-report?{query}")
    assert got.status_code == 422
    assert words in got.text
