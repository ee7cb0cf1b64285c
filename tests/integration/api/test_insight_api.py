"""Planning insight over HTTP: the gaps at once, the recruitment analysis in the background."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_need, make_organisation, make_site
from tests.integration.api.world import World, seed_world, today
from tests.queue import drain_app
from vppool.api import create_app
from vppool.services import recruitment
from vppool.settings import Settings
from vppool.web._messages import localise_words

pytestmark = pytest.mark.integration


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    world = seed_world(engine)
    with Session(engine) as session:  # a need in Groningen asking Turkish: nobody can take it
        org = make_organisation(session, name="Stadsbeheer Groningen")
        make_site(session, organisation=org, latitude=53.22, longitude=6.57, is_main=True)
        make_need(session, organisation=org, languages=["tr"], starts_on=today())
        session.commit()
    return world


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def test_the_gaps_answer_per_dimension_and_the_analysis_runs_in_the_background(
    client: TestClient, world: World
) -> None:
    headers = world.auth("planner")
    gaps = client.get("/api/v1/insight/gaps", params={"months": 6}, headers=headers)
    assert gaps.status_code == 200, gaps.text
    body = gaps.json()
    assert body["recruitment"]["id"] == world["insight_done"]  # the world's finished one
    assert set(body["coverage"]["gaps"]) == {"province", "language", "scope", "sector", "gender"}
    turkish = next(g for g in body["coverage"]["gaps"]["language"] if g["key"] == "tr")
    assert turkish == {
        "key": "tr",
        "seats": 1,
        "filled": 0,
        "open": 1,
        "trust_persons": 0,
        "reaching": None,
        "spare_hours_per_month": 0.0,
    }

    started = client.post("/api/v1/insight/recruitment", json={"months": 6}, headers=headers)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    assert started.json()["spec"] == {"months": 6, "today": today().isoformat()}
    drain_app(client.app)
    run = client.get(f"/api/v1/insight-runs/{started.json()['id']}", headers=headers).json()
    assert run["status"] == "succeeded", run
    result = run["result"]
    open_needs = {u["organisation"]: u for u in result["unfilled"]}
    assert open_needs["Stadsbeheer Groningen"]["reasons"] == {"travel_distance": 3}  # all far
    top = result["suggestions"][0]
    assert "tr" in top["languages"]
    assert top["province"] == "Groningen"
    assert top["seats"] >= 1
    assert "Stadsbeheer Groningen" in top["organisations"]
    assert top["text"] == "a Turkish-speaking VP near Groningen"
    # The words to say it in another language: a message id and its values.
    assert top["words"]["message_id"] in recruitment.RECRUIT_TEMPLATES.values()
    assert top["words"]["params"]["place"] == "Groningen"
    assert "tr" in top["words"]["params"]["languages"]
    dutch = localise_words(top["words"], "nl")
    assert dutch.startswith("een vertrouwenspersoon")
    assert "Turks" in dutch
    assert dutch.endswith("bij Groningen")
    # The gaps now carry the newest analysis.
    latest = client.get("/api/v1/insight/gaps", headers=headers).json()["recruitment"]
    assert latest["id"] == run["id"]


@pytest.mark.parametrize("body", [{"months": 0}, {"months": 25}, {"months": "x"}, {"other": 1}])
def test_a_bad_recruitment_request_is_refused_with_a_reason(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    refused = client.post("/api/v1/insight/recruitment", json=body, headers=world.auth("planner"))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] in {"months", "other"}


def test_an_unknown_run_answers_404(client: TestClient, world: World) -> None:
    missing = client.get("/api/v1/insight-runs/999999", headers=world.auth("planner"))
    assert missing.status_code == 404
