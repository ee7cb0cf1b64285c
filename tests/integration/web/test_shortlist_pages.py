"""The shortlist pages: the planner builds, corrects and sends; the client chooses or asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World, seed_shortlists, today
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import Assignment, AuditEntry, Need, Shortlist
from vppool.vocab import ShortlistStatus

pytestmark = pytest.mark.integration


@pytest.fixture(name="shortlisted")
def fx_shortlisted(engine: Engine, world: World) -> World:
    seed_shortlists(engine, world)
    return world


def _shortlist_of(engine: Engine, need_id: int) -> Shortlist:
    with Session(engine) as session:
        row = session.exec(select(Shortlist).where(Shortlist.need_id == need_id)).first()
        assert row is not None
        return row


def test_planner_builds_corrects_and_sends_a_shortlist_in_dutch(
    app_client: TestClient, shortlisted: World, engine: Engine
) -> None:
    need_id = shortlisted["need1_chooses"]
    login(app_client, shortlisted, "planner")
    page = app_client.get(f"{WEB}/needs/{need_id}/shortlist")
    assert page.status_code == 200
    assert "Shortlist samenstellen" in page.text
    built = app_client.post(
        f"{WEB}/needs/{need_id}/shortlist/build", data={"_csrf_token": csrf_of(page.text)}
    )
    assert built.status_code == 200
    assert "De shortlist is samengesteld" in built.text
    assert "Anna Aalders" in built.text
    assert "Bram Bakker" in built.text
    token = csrf_of(built.text)
    past = (today() - timedelta(days=1)).isoformat()
    wrong = app_client.post(
        f"{WEB}/needs/{need_id}/shortlist",
        data={
            "_csrf_token": token,
            "candidates": [str(shortlisted["vp1"])],
            "deadline": past,
        },
    )
    assert wrong.status_code == 422
    assert "Controleer de gemarkeerde velden" in wrong.text or "field-error" in wrong.text
    assert 'id="candidates-error"' in wrong.text
    last_day = (today() + timedelta(days=3)).isoformat()
    saved = app_client.post(
        f"{WEB}/needs/{need_id}/shortlist",
        data={
            "_csrf_token": token,
            "candidates": [str(shortlisted["vp2"]), str(shortlisted["vp1"])],
            "first_choice_id": str(shortlisted["vp2"]),
            "deadline": last_day,
            "note": "Beiden ervaren in de zorg",
        },
    )
    assert saved.status_code == 200
    assert "De shortlist is bewaard." in saved.text
    sent = app_client.post(
        f"{WEB}/needs/{need_id}/shortlist/send", data={"_csrf_token": csrf_of(saved.text)}
    )
    assert "De shortlist is verstuurd" in sent.text
    row = _shortlist_of(engine, need_id)
    assert row.status is ShortlistStatus.SENT
    assert row.first_choice_id == shortlisted["vp2"]
    assert row.deadline is not None
    assert row.deadline.isoformat() == last_day
    queue = app_client.get(f"{WEB}/needs?status=open").text
    assert f"/needs/{need_id}/shortlist" in queue


def test_the_shortlist_page_shows_the_clients_note_and_wishes(
    app_client: TestClient, shortlisted: World, engine: Engine
) -> None:
    need_id = shortlisted["need1_chooses"]
    with Session(engine) as session:
        need = session.get(Need, need_id)
        assert need is not None
        need.description = "Liefst iemand die de zorg kent"
        need.wish_languages = ["tr"]
        session.add(need)
        session.commit()
    login(app_client, shortlisted, "planner")
    page = app_client.get(f"{WEB}/needs/{need_id}/shortlist").text
    assert "Toelichting van de klant" in page
    assert "Liefst iemand die de zorg kent" in page
    assert "Turks" in page


def test_client_chooses_on_kies_uw_vertrouwenspersoon(
    app_client: TestClient, shortlisted: World, engine: Engine
) -> None:
    shortlist_id = shortlisted["shortlist1"]
    login(app_client, shortlisted, "client")
    listing = app_client.get(f"{WEB}/shortlists")
    assert "Kies uw vertrouwenspersoon" in listing.text
    assert f"/shortlists/{shortlist_id}" in listing.text
    assert f"/shortlists/{shortlisted['shortlist2']}" not in listing.text
    page = app_client.get(f"{WEB}/shortlists/{shortlist_id}")
    assert page.status_code == 200
    assert "Kiezen" in page.text
    assert "Andere kandidaten vragen" in page.text
    assert "Laatste dag" in page.text or "uiterlijk op" in page.text
    assert "home_municipality" not in page.text
    token = csrf_of(page.text)
    empty = app_client.post(
        f"{WEB}/shortlists/{shortlist_id}/ask-others", data={"_csrf_token": token, "note": " "}
    )
    assert empty.status_code == 422
    assert 'id="note-error"' in empty.text
    assert "Vul dit veld in." in empty.text  # a blank note: the field is empty
    blank = app_client.post(
        f"{WEB}/shortlists/{shortlist_id}/ask-others", data={"_csrf_token": token, "note": ""}
    )
    assert blank.status_code == 422
    assert "Vul dit veld in." in blank.text
    stranger = app_client.post(
        f"{WEB}/shortlists/{shortlist_id}/choose",
        data={"_csrf_token": token, "trust_person_id": str(shortlisted["vp3"])},
    )
    assert stranger.status_code == 422
    assert "Kies een van de kandidaten op de shortlist." in stranger.text
    chosen = app_client.post(
        f"{WEB}/shortlists/{shortlist_id}/choose",
        data={"_csrf_token": token, "trust_person_id": str(shortlisted["vp2"])},
    )
    assert chosen.status_code == 200
    assert "uw keuze is doorgegeven" in chosen.text
    assert "Bram Bakker" in chosen.text
    assert "Anna Aalders" not in chosen.text  # the candidate not chosen is no longer shown
    with Session(engine) as session:
        row = session.get(Shortlist, shortlist_id)
        assert row is not None
        placed = session.get(Assignment, row.assignment_id)
        assert placed is not None
        assert (placed.need_id, placed.trust_person_id) == (row.need_id, shortlisted["vp2"])
        seen = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == shortlist_id)
        ).all()
    assert "shortlist_viewed" in seen
    assert "shortlist_chosen" in seen


def test_a_trust_person_and_another_client_do_not_see_the_page(
    app_client: TestClient, shortlisted: World
) -> None:
    login(app_client, shortlisted, "trust_person")
    assert app_client.get(f"{WEB}/shortlists/{shortlisted['shortlist1']}").status_code == 404
    login(app_client, shortlisted, "client2")
    assert app_client.get(f"{WEB}/shortlists/{shortlisted['shortlist1']}").status_code == 404


def test_the_client_page_speaks_english_when_asked(
    app_client: TestClient, shortlisted: World
) -> None:
    login(app_client, shortlisted, "client")
    app_client.cookies.set("vppool_lang", "en")
    page = app_client.get(f"{WEB}/shortlists/{shortlisted['shortlist1']}").text
    assert "Choose your trust person" in page
    assert "Ask for other candidates" in page
    assert "Kies uw vertrouwenspersoon" not in page
