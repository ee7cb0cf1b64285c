"""Staffing advice: proposed from the client's facts, kept and sent by a planner, read by the
client contact; each item against the VPs serving now."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import make_organisation, site_data
from tests.integration.api.world import World, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import (
    Assignment,
    AuditEntry,
    Need,
    Notification,
    Organisation,
    Site,
    TrustPerson,
)
from vppool.services import staffing
from vppool.settings import Settings
from vppool.vocab import Gender

pytestmark = pytest.mark.integration


def _post(client: TestClient, path: str, data: dict[str, str]) -> object:
    form = client.get(WEB + path)
    return client.post(WEB + path, data={"_csrf_token": csrf_of(form.text), **data})


@pytest.mark.parametrize(
    ("headcount", "sites_km_apart", "expected"),
    [(30, None, (1, False, False)), (250, 10, (2, True, False)), (2500, 120, (3, True, True))],
)
def test_the_proposal_follows_headcount_and_spread_of_sites(
    engine: Engine,
    settings: Settings,
    headcount: int,
    sites_km_apart: float | None,
    expected: tuple[int, bool, bool],
) -> None:
    with Session(engine) as session:
        org = make_organisation(session, headcount=headcount, languages=["nl", "tr"])
        if sites_km_apart is not None:
            for offset in (0.0, sites_km_apart / 111.0):  # a degree of latitude is ~111 km
                session.add(
                    Site(**site_data(organisation_id=org.id, latitude=52.0 + offset, longitude=5.1))
                )
            session.flush()
        advice = staffing.proposed_advice(session, settings, org)
    assert (advice.trust_persons, advice.both_genders, advice.local) == expected
    assert advice.languages == ["nl", "tr"]


def test_a_planner_keeps_and_sends_the_advice_and_the_contact_reads_it(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    path = f"/organisations/{world['org1']}/staffing"
    login(app_client, world, "client")
    before = app_client.get(f"{WEB}/team/advice")
    assert "Uw aanbieder heeft nog geen advies gestuurd." in before.text
    app_client.cookies.clear()
    login(app_client, world, "planner")
    page = app_client.get(WEB + path)
    assert page.status_code == 200, page.text[:300]
    assert "Aantal vertrouwenspersonen" in page.text
    refused = _post(app_client, path, {"trust_persons": "0", "languages": "nl, xx"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert re.search(r'id="trust_persons-error"><p>[^<]*1', text)
    assert 'value="nl, xx"' in text
    sent = _post(
        app_client,
        path,
        {"trust_persons": "3", "languages": "nl", "both_genders": "on", "send": "1"},
    )
    assert sent.status_code == 200  # type: ignore[attr-defined]
    assert "verstuurd naar de contactpersonen" in sent.text  # type: ignore[attr-defined]
    with Session(engine) as session:
        mails = session.exec(
            select(Notification).where(Notification.kind == "staffing_advice")
        ).all()
        org = session.get(Organisation, world["org1"])
        assert org is not None
        assert [mail.recipient_email for mail in mails] == [world.emails["client"]]
        assert "aantal externe vertrouwenspersonen: 3" in mails[0].body
        actions = set(
            session.exec(
                select(AuditEntry.action).where(AuditEntry.entity_id == world["org1"])
            ).all()
        )
    assert {"staffing_advice_saved", "staffing_advice_sent"} <= actions
    app_client.cookies.clear()
    login(app_client, world, "client")
    advice = app_client.get(f"{WEB}/team/advice").text
    assert "Advies over uw vertrouwenspersonen" in advice
    assert "nog niet" in advice  # one VP serves, three are advised


@pytest.mark.parametrize("role", ["client2", "trust_person"])
def test_others_do_not_see_the_advice(app_client: TestClient, world: World, role: str) -> None:
    login(app_client, world, "planner")
    _post(
        app_client, f"/organisations/{world['org1']}/staffing", {"trust_persons": "2", "send": "1"}
    )
    app_client.cookies.clear()
    if role == "client2":
        app_client.cookies.set("vppool_session", world.tokens["client2"])
        page = app_client.get(f"{WEB}/team/advice")
        assert "nog geen advies" in page.text
    else:
        login(app_client, world, role)
        page = app_client.get(
            f"{WEB}/organisations/{world['org1']}/staffing", follow_redirects=False
        )
        assert page.status_code in {303, 404}


def test_the_api_keeps_sends_and_shows_the_advice(app_client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world['org1']}/staffing-advice"
    assert app_client.get(url, headers=world.auth("client")).status_code == 404
    body = {"trust_persons": 2, "both_genders": True, "languages": ["nl", "tr"]}
    wrong = app_client.put(url, json={**body, "languages": ["xx"]}, headers=world.auth("planner"))
    assert wrong.status_code == 422
    kept = app_client.post(url + "/send", json=body, headers=world.auth("planner"))
    assert kept.status_code == 200, kept.text
    seen = app_client.get(url, headers=world.auth("client")).json()
    assert seen["advice"]["trust_persons"] == 2
    assert seen["sent_on"] is not None
    assert {check["item"] for check in seen["checks"]} == {
        "trust_persons",
        "both_genders",
        "languages",
    }


def test_the_client_sees_the_version_sent_and_no_genders(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        anna = session.get(TrustPerson, world["vp1"])
        assert anna is not None
        anna.gender = Gender.FEMALE
        # Anna's standing seat began a month ago, so she serves the client today.
        need = session.get(Need, world["need1"])
        held = session.get(Assignment, world["assignment1"])
        assert need is not None
        assert held is not None
        need.starts_on = held.starts_on = in_days(-30)
        session.add_all([anna, need, held])
        session.commit()
    url = f"/api/v1/organisations/{world['org1']}/staffing-advice"
    body = {"trust_persons": 2, "both_genders": True, "languages": ["nl"]}
    sent = app_client.post(url + "/send", json=body, headers=world.auth("planner"))
    assert sent.status_code == 200, sent.text
    edited = app_client.put(url, json={**body, "trust_persons": 5}, headers=world.auth("planner"))
    assert edited.json()["changed_since_sent"] is True
    seen = app_client.get(url, headers=world.auth("client")).json()
    assert seen["advice"]["trust_persons"] == 2  # the version sent, not the later edit
    genders = next(c for c in seen["checks"] if c["item"] == "both_genders")
    assert genders["current"] == ""
    planner = app_client.get(url, headers=world.auth("planner")).json()
    assert next(c for c in planner["checks"] if c["item"] == "both_genders")["current"] == "female"
    page = app_client.get(f"{WEB}/team/advice", headers=world.auth("client")).text
    assert "Vrouw" not in page
    other = app_client.get(url, headers=world.auth("client2"))
    assert other.status_code == 404


def test_a_very_large_client_gets_at_most_fifty_and_no_contact_means_not_sent(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        big = make_organisation(session, headcount=400_000)
        advice = staffing.proposed_advice(session, settings, big)
        assert advice.trust_persons == 50
        session.commit()
        big_id = big.id
    url = f"/api/v1/organisations/{big_id}/staffing-advice"
    assert app_client.get(url, headers=world.auth("planner")).status_code == 200
    refused = app_client.post(
        url + "/send", json={"trust_persons": 3}, headers=world.auth("planner")
    )
    assert refused.status_code == 422
    assert "geen actieve contactpersoon" in refused.text or "no active contact" in refused.text
    kept = app_client.get(url, headers=world.auth("planner")).json()
    assert kept["kept"] is False  # refused as a whole: nothing half-written
