"""Keeping clients in the web application: organisations, sites, conflicts of interest, needs
and assignments, each with a wrong-input case (the message in the page's language next to its
field, the values as typed)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import organisation_data
from tests.integration.api.world import World, in_days
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import (
    Assignment,
    AuditEntry,
    ConflictOfInterest,
    Need,
    Organisation,
    Site,
)
from vppool.vocab import AssignmentStatus, NeedStatus

pytestmark = pytest.mark.integration


def _post(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Response:
    """Open ``page`` and post ``data`` to ``action`` with the page's CSRF token."""
    token = csrf_of(client.get(WEB + page).text)
    return client.post(WEB + action, data={**data, "_csrf_token": token})


def _submit(client: TestClient, path: str, data: dict[str, Any]) -> Response:
    """Post ``data`` to the form page ``path`` (the form posts to itself)."""
    return _post(client, path, path, data)


def _field_error(html: str, field: str) -> str:
    """The message shown next to ``field``."""
    found = re.search(rf'id="{field}-error">(.*?)</div>', html, re.S)
    assert found, f"no message next to {field}"
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def _english(client: TestClient) -> None:
    client.cookies.set("vppool_lang", "en")


def _audited(engine: Engine, action: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def make_organisation_row(name: str, **overrides: Any) -> Organisation:
    """An organisation row to add (many at once)."""
    return Organisation.model_validate(organisation_data(name=name, **overrides))


@pytest.fixture(name="planner")
def fx_planner(app_client: TestClient, world: World) -> TestClient:
    login(app_client, world, "planner")
    return app_client


_ORGANISATION = {
    "name": "Stichting Nieuw",
    "sector": "onderwijs",
    "headcount": "120",
    "languages": "nl, en",
    "contact_name": "Els de Vries",
    "contact_email": "els@nieuw.nl",
    "wishes": "Liefst iemand met ervaring in het onderwijs",
    "active": "on",
    "form_key": "org-1",
}


# --------------------------------------------------------------------------- organisations


def test_a_planner_adds_an_organisation(planner: TestClient, engine: Engine) -> None:
    response = _submit(planner, "/organisations/new", _ORGANISATION)
    assert response.status_code == 200
    assert "De organisatie is toegevoegd." in response.text
    assert "Liefst iemand met ervaring in het onderwijs" in response.text
    with Session(engine) as session:
        created = session.exec(
            select(Organisation).where(Organisation.name == "Stichting Nieuw")
        ).one()
        assert created.languages == ["nl", "en"]
        assert created.contact_email == "els@nieuw.nl"
        assert created.active
    assert _audited(engine, "organisation_created") == 1


def test_a_new_organisation_with_wrong_input_says_so_next_to_each_field(
    planner: TestClient, engine: Engine
) -> None:
    response = _submit(
        planner,
        "/organisations/new",
        {**_ORGANISATION, "name": "Zorggroep Een", "headcount": "nul", "languages": "xx"},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "headcount") == "Vul een heel getal in."
    assert "Onbekende taalcode" in _field_error(response.text, "languages")
    assert 'value="nul"' in response.text  # the values as typed
    assert 'value="xx"' in response.text
    response = _submit(planner, "/organisations/new", {**_ORGANISATION, "name": "Zorggroep Een"})
    assert response.status_code == 422
    assert _field_error(response.text, "name") == "Deze naam hoort al bij een andere organisatie."
    with Session(engine) as session:
        assert session.exec(select(Organisation).where(Organisation.sector == "onderwijs")).all()
        assert not session.exec(
            select(Organisation).where(Organisation.name == "Stichting Nieuw")
        ).all()


def test_an_empty_organisation_form_speaks_english_when_asked(planner: TestClient) -> None:
    _english(planner)
    response = _submit(planner, "/organisations/new", {"form_key": "org-2"})
    assert response.status_code == 422
    assert _field_error(response.text, "name") == "This field is required."
    assert "Vul dit veld in." not in response.text


def test_a_planner_changes_an_organisation_and_clears_its_contact(
    planner: TestClient, world: World, engine: Engine
) -> None:
    path = f"/organisations/{world['org1']}/edit"
    form = planner.get(WEB + path).text
    assert 'value="Zorggroep Een"' in form
    response = _submit(
        planner,
        path,
        {**_ORGANISATION, "name": "Zorggroep Eén", "contact_name": "", "contact_email": ""},
    )
    assert response.status_code == 200
    assert "De wijzigingen zijn opgeslagen." in response.text
    with Session(engine) as session:
        changed = session.get(Organisation, world["org1"])
        assert changed is not None
        assert changed.name == "Zorggroep Eén"
        assert changed.contact_name is None
    assert _audited(engine, "organisation_updated") == 1


def test_a_changed_organisation_with_wrong_input_keeps_the_values(
    planner: TestClient, world: World
) -> None:
    path = f"/organisations/{world['org1']}/edit"
    response = _submit(planner, path, {**_ORGANISATION, "headcount": "0", "name": "Andere naam"})
    assert response.status_code == 422
    assert _field_error(response.text, "headcount") == "Moet minstens 1 zijn."
    assert 'value="Andere naam"' in response.text


def test_client_contacts_cannot_keep_organisations(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    assert app_client.get(f"{WEB}/organisations/{world['org1']}/edit").status_code == 404
    assert app_client.get(f"{WEB}/organisations/new").status_code == 404


# --------------------------------------------------------------------------- sites

_SITE = {
    "name": "Locatie Noord",
    "address": "Kerkstraat 1",
    "postcode": "3511 AB",
    "municipality": "Utrecht",
    "latitude": "52.09",
    "longitude": "5.12",
    "form_key": "site-1",
}


def test_a_planner_adds_changes_and_removes_a_site(
    planner: TestClient, world: World, engine: Engine
) -> None:
    base = f"/organisations/{world['org1']}"
    response = _submit(planner, base + "/sites/new", _SITE)
    assert "De vestiging is toegevoegd." in response.text
    assert "Kerkstraat 1" in response.text
    with Session(engine) as session:
        site = session.exec(select(Site).where(Site.name == "Locatie Noord")).one()
        site_id = site.id
    response = _submit(
        planner, f"{base}/sites/{site_id}/edit", {**_SITE, "address": "Kerkstraat 2"}
    )
    assert "De vestiging is gewijzigd." in response.text
    assert "Kerkstraat 2" in response.text
    confirm = planner.get(f"{WEB}{base}/sites/{site_id}/remove")
    assert "De vestiging Locatie Noord verwijderen?" in confirm.text
    response = _post(
        planner, f"{base}/sites/{site_id}/remove", f"{base}/sites/{site_id}/remove", {}
    )
    assert "De vestiging is verwijderd." in response.text
    with Session(engine) as session:
        assert session.get(Site, site_id) is None
    for action in ("site_created", "site_updated", "site_deleted"):
        assert _audited(engine, action) == 1


def test_a_site_with_wrong_input_says_so_next_to_each_field(
    planner: TestClient, world: World
) -> None:
    response = _submit(
        planner,
        f"/organisations/{world['org1']}/sites/new",
        {**_SITE, "municipality": "", "latitude": "52,1"},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "municipality") == "Vul dit veld in."
    assert _field_error(response.text, "latitude") == "Vul een getal in."
    assert 'value="52,1"' in response.text
    assert 'value="Kerkstraat 1"' in response.text


def test_another_organisations_site_does_not_exist_here(planner: TestClient, world: World) -> None:
    page = planner.get(f"{WEB}/organisations/{world['org2']}/sites/{world['site1']}/edit")
    assert page.status_code == 404


# --------------------------------------------------------------------------- conflicts


def test_a_planner_records_and_ends_a_conflict_of_interest(
    planner: TestClient, world: World, engine: Engine
) -> None:
    base = f"/organisations/{world['org1']}"
    form = planner.get(WEB + base + "/conflicts/new").text
    assert 'data-picker="/app/pick/trust-persons"' in form
    response = _submit(
        planner,
        base + "/conflicts/new",
        {"trust_person_id": str(world["vp2"]), "reason": "works_council", "note": "Was OR-lid"},
    )
    assert "Het belangenconflict is vastgelegd." in response.text
    assert "Bram Bakker" in response.text
    with Session(engine) as session:
        conflict = session.exec(
            select(ConflictOfInterest).where(ConflictOfInterest.trust_person_id == world["vp2"])
        ).one()
        conflict_id = conflict.id
    last_day = in_days(30)
    response = _submit(
        planner, f"{base}/conflicts/{conflict_id}/end", {"last_day": last_day.isoformat()}
    )
    assert "Het belangenconflict is beëindigd." in response.text
    with Session(engine) as session:
        ended = session.get(ConflictOfInterest, conflict_id)
        assert ended is not None
        assert ended.ends_on == in_days(31)  # the day after the last day
    assert _audited(engine, "conflict_of_interest_created") == 1
    assert _audited(engine, "conflict_of_interest_ended") == 1


def test_a_conflict_with_wrong_input_keeps_the_chosen_vp(planner: TestClient, world: World) -> None:
    base = f"/organisations/{world['org1']}"
    response = _submit(
        planner,
        base + "/conflicts/new",
        {
            "trust_person_id": str(world["vp2"]),
            "reason": "",
            "starts_on": in_days(10).isoformat(),
            "last_day": in_days(5).isoformat(),
        },
    )
    assert response.status_code == 422
    assert _field_error(response.text, "reason") == "Vul dit veld in."
    assert 'value="Bram Bakker"' in response.text  # the picker still shows the VP chosen
    response = _submit(
        planner,
        base + "/conflicts/new",
        {
            "trust_person_id": str(world["vp2"]),
            "reason": "management",
            "starts_on": in_days(10).isoformat(),
            "last_day": in_days(5).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "ligt vóór de eerste dag" in _field_error(response.text, "last_day")
    assert 'value="Bram Bakker"' in response.text


def test_ending_a_conflict_before_it_began_is_refused_in_english_too(
    planner: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        conflict = session.get(ConflictOfInterest, world["conflict_spare"])
        assert conflict is not None
        conflict.starts_on = in_days(10)
        session.add(conflict)
        session.commit()
    _english(planner)
    path = f"/organisations/{world['org1']}/conflicts/{world['conflict_spare']}/end"
    response = _submit(planner, path, {"last_day": in_days(5).isoformat()})
    assert response.status_code == 422
    assert "is before the first day" in _field_error(response.text, "last_day")
    assert f'value="{in_days(5).isoformat()}"' in response.text


def test_another_organisations_conflict_cannot_be_ended_here(
    planner: TestClient, world: World
) -> None:
    path = f"{WEB}/organisations/{world['org1']}/conflicts/{world['conflict']}/end"
    assert planner.get(path).status_code == 404


# --------------------------------------------------------------------------- needs


def _need_form(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "aftercare",
        "title": "Nazorg na incident",
        "scopes": ["unwanted_behaviour"],
        "languages": "nl",
        "starts_on": in_days(7).isoformat(),
        "last_day": in_days(89).isoformat(),
        "expected_hours_per_month": "4",
        "seats": "1",
        "urgency": "high",
        **overrides,
    }


def test_a_planner_changes_a_need(planner: TestClient, world: World, engine: Engine) -> None:
    path = f"/needs/{world['need1_aftercare']}/edit"
    form = planner.get(WEB + path).text
    assert 'value="Nazorg na incident"' in form
    assert f'value="{in_days(89).isoformat()}"' in form  # the last day, not the stored end
    response = _submit(
        planner, path, _need_form(title="Nazorg na het incident", last_day=in_days(119).isoformat())
    )
    assert response.status_code == 200
    assert "De inzet is gewijzigd." in response.text
    with Session(engine) as session:
        need = session.get(Need, world["need1_aftercare"])
        assert need is not None
        assert need.title == "Nazorg na het incident"
        assert need.ends_on == in_days(120)
    assert _audited(engine, "need_updated") == 1


def test_a_changed_need_that_would_strand_an_assignment_says_so_next_to_the_last_day(
    planner: TestClient, world: World
) -> None:
    path = f"/needs/{world['need1_aftercare']}/edit"
    response = _submit(
        planner,
        path,
        _need_form(title="Korter", last_day=in_days(29).isoformat(), seats="0"),
    )
    assert response.status_code == 422
    assert _field_error(response.text, "seats") == "Moet minstens 1 zijn."
    response = _submit(planner, path, _need_form(title="Korter", last_day=in_days(29).isoformat()))
    assert response.status_code == 422
    message = _field_error(response.text, "last_day")
    assert "Een bevestigde koppeling loopt van" in message
    assert "buiten de gewijzigde periode" in message
    assert 'value="Korter"' in response.text


def test_cancelling_a_need_says_what_it_stops_and_then_stops_it(
    planner: TestClient, world: World, engine: Engine
) -> None:
    path = f"/needs/{world['need1']}/cancel"
    confirm = planner.get(WEB + path)
    assert "1 voorstel(len) vervallen." in confirm.text
    assert "1 bevestigde koppeling(en) die nog niet begonnen zijn, vervallen." in confirm.text
    response = _post(planner, path, path, {})
    assert response.status_code == 200
    assert "De inzet is geannuleerd." in response.text
    with Session(engine) as session:
        need = session.get(Need, world["need1"])
        assert need is not None
        assert need.status is NeedStatus.CANCELLED
        for key in ("assignment1", "assignment1_proposed"):
            assignment = session.get(Assignment, world[key])
            assert assignment is not None
            assert assignment.status is AssignmentStatus.CANCELLED
    assert _audited(engine, "need_cancelled") == 1
    assert _audited(engine, "assignment_cancelled") == 2
    again = _post(planner, f"/organisations/{world['org1']}", path, {})
    assert again.status_code == 409
    assert "Alleen openstaande inzet kan worden geannuleerd" in again.text


def test_cancelling_a_need_ends_an_assignment_under_way_after_yesterday(
    planner: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        need = session.get(Need, world["need1_aftercare"])
        assignment = session.get(Assignment, world["assignment1_aftercare"])
        assert need is not None
        assert assignment is not None
        need.starts_on = assignment.starts_on = in_days(-10)
        session.add_all([need, assignment])
        session.commit()
    _english(planner)
    path = f"/needs/{world['need1_aftercare']}/cancel"
    confirm = planner.get(WEB + path).text
    assert "1 assignment(s) under way end; their last day is" in confirm
    _post(planner, path, path, {})
    with Session(engine) as session:
        ended = session.get(Assignment, world["assignment1_aftercare"])
        assert ended is not None
        assert ended.status is AssignmentStatus.ENDED
        assert ended.ends_on == in_days(0)


def test_a_planner_duplicates_a_need(planner: TestClient, world: World, engine: Engine) -> None:
    path = f"/needs/{world['need1_aftercare']}/duplicate"
    form = planner.get(WEB + path).text
    assert 'value="Nazorg na incident"' in form
    assert 'value="Zorggroep Een"' in form  # the organisation picker shows the name
    response = _submit(
        planner,
        path,
        _need_form(
            organisation_id=str(world["org1"]),
            title="Nazorg na tweede incident",
            starts_on=in_days(100).isoformat(),
            last_day=in_days(150).isoformat(),
            form_key="dup-1",
        ),
    )
    assert response.status_code == 200
    assert "De inzet is aangemaakt." in response.text
    with Session(engine) as session:
        copy = session.exec(select(Need).where(Need.title == "Nazorg na tweede incident")).one()
        assert copy.organisation_id == world["org1"]
        assert copy.status is NeedStatus.OPEN
        assert copy.ends_on == in_days(151)


def test_a_duplicate_with_wrong_input_keeps_the_organisation_and_the_values(
    planner: TestClient, world: World
) -> None:
    path = f"/needs/{world['need1_aftercare']}/duplicate"
    response = _submit(
        planner,
        path,
        _need_form(organisation_id=str(world["org1"]), title="", expected_hours_per_month="veel"),
    )
    assert response.status_code == 422
    assert _field_error(response.text, "title") == "Vul dit veld in."
    assert _field_error(response.text, "expected_hours_per_month") == "Vul een getal in."
    assert 'value="Zorggroep Een"' in response.text
    assert 'value="veel"' in response.text


def test_client_contacts_cannot_keep_needs(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    for action in ("edit", "duplicate", "cancel"):
        assert app_client.get(f"{WEB}/needs/{world['need1']}/{action}").status_code == 404


# --------------------------------------------------------------------------- assignments


def test_the_organisation_page_links_to_keeping_its_assignments(
    planner: TestClient, world: World
) -> None:
    page = planner.get(f"{WEB}/organisations/{world['org1']}").text
    assert f"/assignments/{world['assignment1']}/end" in page
    assert f"/assignments/{world['assignment1']}/replace" in page
    assert f"/assignments/{world['assignment1']}/consent" in page  # a standing need
    assert f"/assignments/{world['assignment1_aftercare']}/consent" not in page


def test_a_planner_ends_an_assignment_early_and_returns_to_the_vp(
    planner: TestClient, world: World, engine: Engine
) -> None:
    path = f"/assignments/{world['assignment1_aftercare']}/end?back=/pool/{world['vp1']}"
    form = planner.get(WEB + path).text
    assert "Anna Aalders / Zorggroep Een: Nazorg na incident" in form
    assert f'href="/app/pool/{world["vp1"]}"' in form
    response = _submit(planner, path, {"last_day": in_days(30).isoformat()})
    assert response.status_code == 200
    assert str(response.url).endswith(f"/pool/{world['vp1']}?done=ended")
    with Session(engine) as session:
        ended = session.get(Assignment, world["assignment1_aftercare"])
        assert ended is not None
        assert ended.status is AssignmentStatus.ENDED
        assert ended.ends_on == in_days(31)  # the day after the last day
    assert _audited(engine, "assignment_ended") == 1


@pytest.mark.parametrize(
    ("lang", "last_day", "expected"),
    [
        ("nl", "", "Vul dit veld in."),
        ("nl", in_days(3).isoformat(), "De laatste dag kan niet vóór de eerste dag"),
        ("nl", in_days(120).isoformat(), "De koppeling eindigt al na"),
        ("en", in_days(3).isoformat(), "The last day can be no earlier than the first day"),
    ],
)
def test_ending_an_assignment_with_a_wrong_last_day_says_why(
    planner: TestClient, world: World, lang: str, last_day: str, expected: str
) -> None:
    if lang == "en":
        _english(planner)
    path = f"/assignments/{world['assignment1_aftercare']}/end"
    response = _submit(planner, path, {"last_day": last_day})
    assert response.status_code == 422
    assert _field_error(response.text, "last_day").startswith(expected)
    assert f'value="{last_day}"' in response.text


def test_replacing_an_assignment_not_yet_begun_opens_the_quick_match(
    planner: TestClient, world: World, engine: Engine
) -> None:
    path = f"/assignments/{world['assignment1']}/replace"
    confirm = planner.get(WEB + path).text
    assert "Deze koppeling is nog niet begonnen" in confirm
    response = _post(planner, path, path, {})
    assert response.status_code == 200
    assert f"/needs/{world['need1']}/quick-match" in str(response.url)
    with Session(engine) as session:
        kept = session.get(Assignment, world["assignment1"])
        assert kept is not None
        assert kept.status is AssignmentStatus.CONFIRMED  # until the successor is placed


def test_replacing_an_assignment_under_way_ends_it_yesterday(
    planner: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        need = session.get(Need, world["need1_aftercare"])
        assignment = session.get(Assignment, world["assignment1_aftercare"])
        assert need is not None
        assert assignment is not None
        need.starts_on = assignment.starts_on = in_days(-10)
        session.add_all([need, assignment])
        session.commit()
    _english(planner)
    path = f"/assignments/{world['assignment1_aftercare']}/replace"
    assert "The trust person serves until" in planner.get(WEB + path).text
    _post(planner, path, path, {})
    with Session(engine) as session:
        ended = session.get(Assignment, world["assignment1_aftercare"])
        assert ended is not None
        assert ended.status is AssignmentStatus.ENDED
        assert ended.ends_on == in_days(0)


def test_a_planner_records_the_works_councils_consent(
    planner: TestClient, world: World, engine: Engine
) -> None:
    path = f"/assignments/{world['assignment1']}/consent"
    response = _submit(planner, path, {"works_council_consent_on": in_days(-3).isoformat()})
    assert response.status_code == 200
    assert "De instemming van de ondernemingsraad is vastgelegd." in response.text
    with Session(engine) as session:
        assignment = session.get(Assignment, world["assignment1"])
        assert assignment is not None
        assert assignment.works_council_consent_on == in_days(-3)
    assert planner.get(WEB + path).text.count(f'value="{in_days(-3).isoformat()}"') == 1


def test_consent_with_wrong_input_says_why_next_to_the_date(
    planner: TestClient, world: World
) -> None:
    path = f"/assignments/{world['assignment1']}/consent"
    response = _submit(planner, path, {"works_council_consent_on": "gisteren"})
    assert response.status_code == 422
    assert _field_error(response.text, "works_council_consent_on") == "Vul een datum in."
    assert 'value="gisteren"' in response.text
    path = f"/assignments/{world['assignment1_aftercare']}/consent"
    response = _submit(planner, path, {"works_council_consent_on": in_days(-3).isoformat()})
    assert response.status_code == 422
    message = _field_error(response.text, "works_council_consent_on")
    assert message.startswith("OR-instemming wordt alleen vastgelegd")
    assert "deze inzet is nazorg, geen vaste inzet" in message  # a kind mid-sentence: lower case


def test_client_contacts_cannot_keep_assignments(app_client: TestClient, world: World) -> None:
    login(app_client, world, "client")
    for action in ("end", "replace", "consent"):
        page = app_client.get(f"{WEB}/assignments/{world['assignment1']}/{action}")
        assert page.status_code == 404


# --------------------------------------------------------------------------- the list


def test_the_organisation_list_filters_by_sector_and_status(
    planner: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        three = session.get(Organisation, world["org3"])
        assert three is not None
        three.active = False
        session.add(three)
        session.commit()
    page = planner.get(f"{WEB}/organisations?sector=onderwijs").text
    assert "School Twee" in page
    assert "Zorggroep Een" not in page
    page = planner.get(f"{WEB}/organisations").text  # active ones by default
    assert "Zorggroep Een" in page
    assert "Lege Stichting" not in page
    page = planner.get(f"{WEB}/organisations?active=no").text
    assert "Lege Stichting" in page
    assert "School Twee" not in page


def test_the_organisation_list_sorts_and_pages_keeping_the_filters(
    planner: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        for number in range(55):
            session.add(make_organisation_row(f"Stichting {number:02d}", headcount=100 + number))
        session.commit()
    first = planner.get(f"{WEB}/organisations?search=stichting&sort=-headcount").text
    assert first.index("Stichting 54") < first.index("Stichting 53")
    assert "Stichting 04" not in first  # on the second page
    assert "/app/organisations?search=stichting&amp;sort=-headcount&amp;offset=50" in first
    second = planner.get(f"{WEB}/organisations?search=stichting&sort=-headcount&offset=50").text
    assert "Stichting 04" in second
    assert "Stichting 54" not in second


def test_the_organisation_list_exports_every_match_as_csv(planner: TestClient) -> None:
    response = planner.get(f"{WEB}/organisations.csv?sector=zorg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Naam;Sector;Medewerkers;Contactpersoon")
    assert any(line.startswith("Zorggroep Een;zorg;") for line in lines[1:])
    assert not any("School Twee" in line for line in lines)
    _english(planner)
    english = planner.get(f"{WEB}/organisations.csv").content.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Name,Sector,Employees,Contact")


def test_a_search_the_service_refuses_says_so_next_to_the_filter(planner: TestClient) -> None:
    response = planner.get(f"{WEB}/organisations", params={"search": "a\x00b"})
    assert response.status_code == 422
    assert 'id="f-search-error"' in response.text
    assert "NUL" in response.text


# --------------------------------------------------------------------------- every form


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/new",
        "/organisations/{org1}/edit",
        "/organisations/{org1}/sites/new",
        "/organisations/{org1}/sites/{site1}/edit",
        "/organisations/{org1}/conflicts/new",
        "/organisations/{org1}/conflicts/{conflict_spare}/end",
        "/needs/{need1_aftercare}/edit",
        "/needs/{need1_aftercare}/duplicate",
        "/assignments/{assignment1_aftercare}/end",
        "/assignments/{assignment1}/consent",
    ],
)
def test_every_client_form_sent_empty_speaks_dutch_next_to_its_fields(
    planner: TestClient, world: World, path: str
) -> None:
    response = _submit(planner, path.format(**world.ids), {})
    assert response.status_code == 422
    assert "Vul dit veld in." in response.text
    assert 'class="field-error"' in response.text
    for english in ("This field is required", "Field required", "Input should", "String should"):
        assert english not in response.text
