"""The employees' page: made and rotated by the client contact (or a planner), opened by
anyone with the link, without a login or a cookie, showing only the confirmed VPs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import make_assignment, make_need, make_trust_person
from tests.integration.api.world import World, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.api import create_app
from vppool.db.models import AuditEntry, Organisation, PublicProfile
from vppool.settings import Settings
from vppool.vocab import NeedKind

pytestmark = pytest.mark.integration


@pytest.fixture(name="settings_client")
def fx_stranger(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    """A browser that has never been to vppool: no cookies."""
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _make_link(client: TestClient, path: str) -> str:
    """Press "make the link" on ``path``; the page's address of the employees' page."""
    form = client.get(WEB + path)
    assert form.status_code == 200, form.text[:300]
    done = client.post(f"{WEB}{path}/rotate", data={"_csrf_token": csrf_of(form.text)})
    assert done.status_code == 200, done.text[:300]
    found = re.search(r'id="employee-page-address">([^<]+)<', done.text)
    assert found, "the link page shows no address"
    assert "<svg" in done.text  # the QR code
    return found.group(1)


def _path(address: str) -> str:
    return address[address.index(WEB) :]


def test_the_contact_makes_a_link_that_opens_without_login_or_cookie(
    app_client: TestClient, world: World, settings_client: TestClient
) -> None:
    login(app_client, world, "client")
    address = _make_link(app_client, "/team/employee-page")
    page = settings_client.get(_path(address))  # a browser with no cookies at all
    assert page.status_code == 200, page.text[:300]
    assert "set-cookie" not in page.headers
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "Zorggroep Een" in page.text
    assert "Anna Aalders" in page.text  # confirmed here
    assert "Bram Bakker" not in page.text  # only proposed here (confirmed elsewhere)
    assert "<form" not in page.text
    assert "<script" not in page.text
    assert '<html lang="nl">' in page.text
    english = settings_client.get(_path(address) + "?lang=en")
    assert "Your external trust persons" in english.text
    assert '<html lang="en">' in english.text


def test_a_new_link_stops_the_old_one_and_is_audited(
    app_client: TestClient, world: World, settings_client: TestClient, engine: Engine
) -> None:
    login(app_client, world, "client")
    old = _make_link(app_client, "/team/employee-page")
    new = _make_link(app_client, "/team/employee-page")
    assert old != new
    gone = settings_client.get(_path(old))
    assert gone.status_code == 404
    assert "Deze pagina bestaat niet (meer)" in gone.text
    assert "Anna" not in gone.text
    assert settings_client.get(_path(new)).status_code == 200
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == world["org1"])
        ).all()
    assert "employee_page_made" in actions
    assert "employee_page_rotated" in actions


def test_a_planner_keeps_the_link_of_any_organisation(
    app_client: TestClient, world: World, settings_client: TestClient
) -> None:
    login(app_client, world, "planner")
    address = _make_link(app_client, f"/organisations/{world['org2']}/employee-page")
    page = settings_client.get(_path(address))
    assert "School Twee" in page.text
    assert "Bram Bakker" in page.text
    assert "Anna Aalders" not in page.text


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("trust_person", "/team/employee-page"),
        ("client", "/organisations/{org2}/employee-page"),
        ("client", "/organisations/{org1}/employee-page"),
    ],
)
def test_others_cannot_keep_the_link(
    app_client: TestClient, world: World, role: str, path: str
) -> None:
    login(app_client, world, role)
    response = app_client.get(
        WEB + path.format(org1=world["org1"], org2=world["org2"]), follow_redirects=False
    )
    assert response.status_code in {303, 404}


def test_the_vp_shows_an_introduction_and_a_phone_number(
    app_client: TestClient, world: World, settings_client: TestClient, engine: Engine
) -> None:
    login(app_client, world, "planner")
    address = _make_link(app_client, f"/organisations/{world['org1']}/employee-page")
    app_client.cookies.clear()
    login(app_client, world, "trust_person")
    form = app_client.get(f"{WEB}/me/profile")
    assert form.status_code == 200
    saved = app_client.post(
        f"{WEB}/me/profile",
        data={
            "_csrf_token": csrf_of(form.text),
            "introduction": "Ik luister eerst.",
            "phone": "06 1234 5678",
            "email": "",
        },
    )
    assert saved.status_code == 200, saved.text[:300]
    page = settings_client.get(_path(address)).text
    assert "Ik luister eerst." in page
    assert 'href="tel:0612345678"' in page
    with Session(engine) as session:
        profile = session.exec(
            select(PublicProfile).where(PublicProfile.trust_person_id == world["vp1"])
        ).one_or_none()
        assert profile is not None
        assert profile.email is None  # an empty field shows nothing


def test_a_too_long_introduction_is_refused_next_to_its_field(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "trust_person")
    form = app_client.get(f"{WEB}/me/profile")
    typed = "x" * 801
    refused = app_client.post(
        f"{WEB}/me/profile",
        data={"_csrf_token": csrf_of(form.text), "introduction": typed, "phone": "0612"},
    )
    assert refused.status_code == 422
    error = re.search(r'id="introduction-error"><p>([^<]+)</p>', refused.text)
    assert error, refused.text[:2000]
    assert "800" in error.group(1)
    assert "Field" not in error.group(1)
    assert 'value="0612"' in refused.text
    assert typed in refused.text


def test_only_assignments_running_now_or_starting_soon_are_shown(
    app_client: TestClient, world: World, settings_client: TestClient, engine: Engine
) -> None:
    """Cees served until yesterday, Dirk starts in ten days, Eva only in sixty."""
    with Session(engine) as session:
        org = session.get(Organisation, world["org1"])
        assert org is not None
        for first, last, start, end in (
            ("Cees", "Claassen", in_days(-100), in_days(0)),
            ("Dirk", "Dekker", in_days(10), None),
            ("Eva", "Evers", in_days(60), None),
        ):
            person = make_trust_person(session, first_name=first, last_name=last)
            need = make_need(session, organisation=org, kind=NeedKind.STANDING, starts_on=start)
            make_assignment(session, need=need, trust_person=person, ends_on=end)
        session.commit()
    login(app_client, world, "client")
    page = settings_client.get(_path(_make_link(app_client, "/team/employee-page"))).text
    assert "Anna Aalders" in page
    assert "Cees Claassen" not in page
    assert "Dirk Dekker" in page
    assert "Uw vertrouwenspersoon vanaf" in page
    assert "Eva Evers" not in page


def test_a_former_clients_page_is_gone_without_a_cookie(
    app_client: TestClient, world: World, settings_client: TestClient, engine: Engine
) -> None:
    login(app_client, world, "client")
    address = _make_link(app_client, "/team/employee-page")
    with Session(engine) as session:
        org = session.get(Organisation, world["org1"])
        assert org is not None
        org.active = False
        session.add(org)
        session.commit()
    gone = settings_client.get(_path(address) + "?lang=en")
    assert gone.status_code == 404
    assert "set-cookie" not in gone.headers
    assert "Anna" not in gone.text
