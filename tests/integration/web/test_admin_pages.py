"""The administrator's pages: users (invite, scope, deactivate, reset), the one-time link."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import (
    make_certification,
    make_held_session,
    make_trust_person,
    make_weekly_hours,
)
from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.queue import drain_app
from vppool.db.models import (
    AuditEntry,
    IntervisionGroup,
    IntervisionMember,
    Notification,
    TrustPerson,
    User,
)
from vppool.settings import Settings

NEW_PASSWORD = "een-nieuw-wachtwoord"


def _post(client: TestClient, page: str, target: str, data: dict[str, str]) -> object:
    form = client.get(f"{WEB}{page}")
    assert form.status_code == 200, form.text[:300]
    return client.post(f"{WEB}{target}", data={**data, "_csrf_token": csrf_of(form.text)})


def _link_of(html: str) -> str:
    found = re.search(r'id="one-time-link" class="copy-source" readonly value="([^"]+)"', html)
    assert found, "the page shows no one-time link"
    return found.group(1)


def _log_in(client: TestClient, email: str, password: str) -> int:
    form = client.get(f"{WEB}/login")
    answer = client.post(
        f"{WEB}/login",
        data={
            "email": email,
            "password": password,
            "_csrf_token": csrf_of(form.text),
            "next_page": "/",
        },
        follow_redirects=False,
    )
    return answer.status_code


def _path(url: str) -> str:
    """The link's address inside the web application."""
    return urlsplit(url).path.removeprefix(WEB)


def _choose_password(client: TestClient, url: str, password: str, repeat: str) -> object:
    path = _path(url)
    return _post(client, path, path, {"password": password, "repeat": repeat})


def test_the_admin_navigation_shows_the_admin_pages_and_the_planners_does_not(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "admin")
    assert f'href="{WEB}/admin/users"' in app_client.get(f"{WEB}/dashboard").text
    app_client.cookies.clear()
    login(app_client, world, "planner")
    assert f'href="{WEB}/admin/users"' not in app_client.get(f"{WEB}/dashboard").text
    assert app_client.get(f"{WEB}/admin/users").status_code == 404


def test_the_user_list_filters_by_role_and_text(app_client: TestClient, world: World) -> None:
    login(app_client, world, "admin")
    clients = app_client.get(f"{WEB}/admin/users", params={"role": "client"}).text
    assert "client@example.nl" in clients
    assert "planner@example.nl" not in clients
    found = app_client.get(f"{WEB}/admin/users", params={"search": "PLANNER@"}).text
    assert "planner@example.nl" in found
    assert "client@example.nl" not in found
    assert (
        "Geen gebruikers gevonden."
        in app_client.get(f"{WEB}/admin/users", params={"search": "zzz-nobody"}).text
    )


def test_an_invited_user_chooses_a_password_with_the_link_once_and_logs_in(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "admin")
    answer = _post(
        app_client,
        "/admin/users/new",
        "/admin/users/new",
        {
            "display_name": "Nieuwe Contactpersoon",
            "email": "Nieuw@Example.nl",
            "role": "client",
            "organisation_id": str(world["org1"]),
        },
    )
    assert answer.status_code == 200, answer.text[:500]  # type: ignore[attr-defined]
    url = _link_of(answer.text)  # type: ignore[attr-defined]
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == "nieuw@example.nl")).one()
        assert user.password_hash is None
        assert user.organisation_id == world["org1"]
        mail = session.exec(
            select(Notification).where(Notification.recipient_email == "nieuw@example.nl")
        ).one()
        assert url in mail.body
        assert "user_invitation_issued" in session.exec(select(AuditEntry.action)).all()
    app_client.cookies.clear()
    opened = app_client.get(f"{WEB}{_path(url)}")
    assert "Nieuwe Contactpersoon" in opened.text
    done = _choose_password(app_client, url, NEW_PASSWORD, NEW_PASSWORD)
    assert "Wachtwoord opgeslagen" in done.text  # type: ignore[attr-defined]
    assert _log_in(app_client, "nieuw@example.nl", NEW_PASSWORD) == 303
    app_client.cookies.clear()
    again = app_client.get(f"{WEB}{_path(url)}")
    assert again.status_code == 404
    assert "Deze link werkt niet (meer)" in again.text


def test_the_invitation_form_shows_each_wrong_field_in_dutch_and_keeps_the_values(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "admin")
    answer = _post(
        app_client,
        "/admin/users/new",
        "/admin/users/new",
        {"display_name": "Iemand", "email": "planner@example.nl", "role": "client"},
    )
    assert answer.status_code == 422  # type: ignore[attr-defined]
    html = answer.text  # type: ignore[attr-defined]
    assert "Een andere gebruiker heeft dit e-mailadres al." in html
    assert "Een contactpersoon hoort bij een organisatie." in html
    assert 'value="Iemand"' in html
    assert 'value="planner@example.nl"' in html
    app_client.cookies.set("vppool_lang", "en")
    english = _post(
        app_client,
        "/admin/users/new",
        "/admin/users/new",
        {"display_name": "", "email": "geen-adres", "role": "planner"},
    )
    text = english.text  # type: ignore[attr-defined]
    assert "Enter an e-mail address such as name@example.nl." in text
    assert 'value="geen-adres"' in text


def test_role_and_scope_change_and_the_last_admin_keeps_the_role(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "admin")
    user_id = world["user_planner"]
    page = f"/admin/users/{user_id}/scope"
    moved = _post(
        app_client,
        page,
        page,
        {"role": "trust_person", "trust_person_id": str(world["vp2"])},
    )
    assert "De rol en het bereik zijn opgeslagen." in moved.text  # type: ignore[attr-defined]
    wrong = _post(app_client, page, page, {"role": "client"})
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "Een contactpersoon hoort bij een organisatie." in wrong.text  # type: ignore[attr-defined]
    own = f"/admin/users/{world['user_admin']}/scope"
    refused = _post(app_client, own, own, {"role": "planner"})
    assert "Uw eigen rol wijzigt een andere beheerder." in refused.text  # type: ignore[attr-defined]
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        assert user.role == "trust_person"
        assert user.trust_person_id == world["vp2"]


def test_a_deactivated_user_cannot_log_in_and_their_tokens_stop(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "admin")
    user_id = world["user_client"]
    page = f"/admin/users/{user_id}"
    asked = app_client.get(f"{WEB}{page}/deactivate")
    assert "Inloggen kan dan niet meer." in asked.text
    off = _post(app_client, f"{page}/deactivate", f"{page}/deactivate", {})
    assert "De gebruiker is gedeactiveerd" in off.text  # type: ignore[attr-defined]
    own = f"/admin/users/{world['user_admin']}"
    assert "Deactiveren" not in app_client.get(f"{WEB}{own}").text
    refused = _post(app_client, own, f"{own}/deactivate", {})
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "U kunt uw eigen account niet deactiveren" in refused.text  # type: ignore[attr-defined]
    app_client.cookies.clear()
    client_token = world.tokens["client"]
    api = app_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {client_token}"})
    assert api.status_code == 401
    app_client.cookies.clear()
    login(app_client, world, "admin")
    back = _post(app_client, page, f"{page}/reactivate", {})
    assert "De gebruiker kan weer inloggen." in back.text  # type: ignore[attr-defined]
    again = app_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {client_token}"})
    assert again.status_code == 401  # revoked tokens stay revoked


def test_a_password_reset_ends_the_old_password_and_the_link_sets_a_new_one(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "admin")
    page = f"/admin/users/{world['user_planner']}"
    asked = app_client.get(f"{WEB}{page}/reset-password")
    assert "Het huidige wachtwoord werkt dan niet meer" in asked.text
    answer = _post(app_client, f"{page}/reset-password", f"{page}/reset-password", {})
    url = _link_of(answer.text)  # type: ignore[attr-defined]
    app_client.cookies.clear()
    assert _log_in(app_client, world.emails["planner"], "correct horse battery") == 401
    short = _choose_password(app_client, url, "kort", "anders")
    html = short.text  # type: ignore[attr-defined]
    assert short.status_code == 422  # type: ignore[attr-defined]
    assert "Gebruik minstens 10 teken(s)." in html
    assert "De twee wachtwoorden verschillen." in html
    assert 'value="kort"' not in html  # a password is never sent back
    _choose_password(app_client, url, NEW_PASSWORD, NEW_PASSWORD)
    assert _log_in(app_client, world.emails["planner"], NEW_PASSWORD) == 303
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(col(AuditEntry.entity_id) == world["user_planner"])
        ).all()
        assert "user_password_reset_issued" in actions
        assert "user_password_set" in actions


def test_the_user_list_exports_the_filtered_users_as_csv(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "admin")
    export = app_client.get(f"{WEB}/admin/users.csv", params={"role": "client"})
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Naam;E-mailadres;Rol;Actief"
    assert sorted(line.split(";")[1] for line in lines[1:]) == [
        "client2@example.nl",
        "client@example.nl",
    ]


def test_the_admin_sees_every_token_with_its_owner_and_revokes_one(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        person = session.get(TrustPerson, world["vp1"])
        assert person is not None
        vp_name = f"{person.first_name} {person.last_name}"
    login(app_client, world, "admin")
    listing = app_client.get(f"{WEB}/admin/tokens").text
    assert "to revoke" in listing
    assert "Client &lt;client@example.nl&gt;" in listing
    assert "web session" not in listing
    spare = world.spare_tokens["client"]
    answer = _post(app_client, "/admin/tokens", f"/admin/tokens/api/{spare}/revoke", {})
    assert "Het token is ingetrokken." in answer.text  # type: ignore[attr-defined]
    revoked = app_client.get(f"{WEB}/admin/tokens", params={"status": "inactive"}).text
    assert f'/admin/tokens/api/{spare}/revoke"' not in revoked
    assert "Ingetrokken op" in revoked
    feeds = app_client.get(f"{WEB}/admin/tokens", params={"kind": "feed"}).text
    assert vp_name in feeds
    assert "to revoke" not in feeds
    feed = world["feed_vp1"]
    _post(app_client, "/admin/tokens?kind=feed", f"/admin/tokens/feed/{feed}/revoke", {})
    assert app_client.get(f"/feeds/{world.feed_secret}.ics").status_code == 404
    app_client.cookies.clear()
    login(app_client, world, "planner")
    assert app_client.get(f"{WEB}/admin/tokens").status_code == 404


def _certified_pool(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        for index in range(count):
            vp = make_trust_person(session, first_name=f"Intervisie{index}")
            make_certification(session, trust_person=vp)
            make_weekly_hours(session, vp)
        session.commit()


def _run_page(started: object) -> str:
    """The intervision run page a start redirected to."""
    run_page = urlsplit(str(started.url)).path.removeprefix(WEB)  # type: ignore[attr-defined]
    assert run_page.startswith("/intervision/formations/")
    return run_page


def _finished(client: TestClient, started: object) -> tuple[str, str]:
    """The run page a start redirected to and its text once the run has ended."""
    run_page = _run_page(started)
    drain_app(client.app)
    answer = client.get(f"{WEB}{run_page}/progress", headers={"HX-Request": "true"})
    assert answer.headers.get("HX-Refresh") == "true", answer.text[:300]
    return run_page, client.get(f"{WEB}{run_page}").text


def _planner_and_pool(
    client: TestClient, world: World, engine: Engine, settings: Settings, count: int = 9
) -> int:
    """A pool of ``count`` certified VPs and a planner logged in; next year."""
    _certified_pool(engine, count)
    login(client, world, "planner")
    return settings.today().year + 1


def test_a_planner_forms_next_years_groups_sees_them_explained_and_stores_them(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    year = _planner_and_pool(app_client, world, engine, settings)
    started = _post(
        app_client,
        "/intervision/formations",
        "/intervision/formations",
        {"year": str(year), "time_limit_s": "5"},
    )
    run_page, shown = _finished(app_client, started)
    assert "Deze groepen opslaan" in shown
    assert "Gezamenlijke weektijd" in shown
    assert "uur per week" in shown
    assert "Intervisie0" in shown
    with Session(engine) as session:
        assert (
            session.exec(select(IntervisionGroup).where(IntervisionGroup.year == year)).all() == []
        )
    stored = _post(app_client, run_page, f"{run_page}/store", {})
    assert "De groepen zijn opgeslagen." in stored.text  # type: ignore[attr-defined]
    with Session(engine) as session:
        groups = session.exec(select(IntervisionGroup).where(IntervisionGroup.year == year)).all()
        assert len(groups) >= 2
    again = _post(app_client, run_page, f"{run_page}/store", {})
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "Deze groepen zijn al opgeslagen." in again.text  # type: ignore[attr-defined]


def test_a_planner_stops_a_formation_from_its_page_and_it_says_so_in_dutch(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    _certified_pool(engine, 9)
    login(app_client, world, "planner")
    started = _post(
        app_client,
        "/intervision/formations",
        "/intervision/formations",
        {"year": str(settings.today().year + 1), "time_limit_s": "5"},
    )
    run_page = _run_page(started)
    assert f'action="{WEB}{run_page}/cancel"' in started.text  # type: ignore[attr-defined]
    stopped = _post(app_client, run_page, f"{run_page}/cancel", {})
    assert "Deze run is gestopt; er is niets van bewaard." in stopped.text  # type: ignore[attr-defined]
    assert f"{run_page}/cancel" not in stopped.text  # type: ignore[attr-defined]
    assert drain_app(app_client.app) == 0


def test_forming_again_after_a_group_met_shows_it_kept_and_the_changes_in_dutch(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    year = _planner_and_pool(app_client, world, engine, settings)
    form = {"year": str(year), "time_limit_s": "5"}
    run_page, _ = _finished(
        app_client, _post(app_client, "/intervision/formations", "/intervision/formations", form)
    )
    _post(app_client, run_page, f"{run_page}/store", {})
    with Session(engine) as session:
        group = session.exec(select(IntervisionGroup).where(IntervisionGroup.year == year)).first()
        assert group is not None
        make_held_session(session, group_id=group.id, day=date(year, 1, 12))
        session.commit()
    _certified_pool(engine, 1)  # someone new
    _, shown = _finished(
        app_client, _post(app_client, "/intervision/formations", "/intervision/formations", form)
    )
    assert "Behouden: deze groep kwam al bijeen" in shown
    assert "Wijzigingen in de groepen die al bijeen waren" in shown
    assert " is nieuw: " in shown  # the other group, formed again with the newcomer


def test_a_planner_plans_the_meetings_and_sees_in_dutch_who_blocks_a_window(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    year = settings.today().year + 1
    with Session(engine) as session:
        people = []
        for index, weekday in enumerate((0, 0, 1, 1)):  # two on Mondays, two on Tuesdays
            vp = make_trust_person(session, first_name=f"Splits{index}")
            make_certification(session, trust_person=vp)
            make_weekly_hours(session, vp, weekdays=(weekday,))
            people.append(vp)
        group = IntervisionGroup(name="Groep zonder tijd", year=year)
        session.add(group)
        session.flush()
        for vp in people:
            session.add(IntervisionMember(group_id=group.id, trust_person_id=vp.id))
        session.commit()
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/intervision", params={"year": str(year)})
    action = f"{WEB}/intervision/formations/plan/{year}"
    assert f'action="{action}"' in page.text
    started = app_client.post(action, data={"_csrf_token": csrf_of(page.text)})
    _, shown = _finished(app_client, started)
    assert "Perioden zonder bijeenkomst" in shown
    assert "Groep zonder tijd" in shown
    assert "zonder een van deze paren hadden de anderen samen tijd" in shown
    assert "Splits0" in shown
    assert "never all together" not in shown
    # The window's last day is shown, not the day after it.
    assert f"31 dec {year}" in shown
    assert f"1 jan {year + 1}" not in shown


def test_the_forming_form_shows_wrong_input_next_to_its_field_and_keeps_it(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    wrong = _post(
        app_client,
        "/intervision/formations",
        "/intervision/formations",
        {"year": "volgend jaar", "time_limit_s": "900"},
    )
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    html = wrong.text  # type: ignore[attr-defined]
    assert "Vul een heel getal in." in html
    assert "Mag hoogstens 600 zijn." in html
    assert 'value="volgend jaar"' in html
    assert 'value="900"' in html
    app_client.cookies.set("vppool_lang", "en")
    english = _post(
        app_client, "/intervision/formations", "/intervision/formations", {"year": "1999"}
    )
    assert "Must be at least 2000." in english.text  # type: ignore[attr-defined]


def test_every_admin_form_sent_empty_answers_in_dutch_next_to_its_fields(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "admin")
    scope = f"/admin/users/{world['user_planner']}/scope"
    forms = {
        "/admin/users/new": ("display_name", "email", "role"),
        scope: ("role",),
        "/intervision/formations": ("year",),
    }
    for address, fields in forms.items():
        answer = _post(app_client, address, address, {})
        html = answer.text  # type: ignore[attr-defined]
        assert answer.status_code == 422, address  # type: ignore[attr-defined]
        for name in fields:
            assert f'<div class="field-error" id="{name}-error"><p>Vul dit veld in.</p>' in html
        for english in ("Field required", "This field is required", "Input should"):
            assert english not in html, (address, english)
    page = f"/admin/users/{world['user_client']}"
    url = _link_of(_post(app_client, page, f"{page}/reset-password", {}).text)  # type: ignore[attr-defined]
    app_client.cookies.clear()
    empty = _choose_password(app_client, url, "", "")
    assert 'id="password-error"><p>Vul dit veld in.</p>' in empty.text  # type: ignore[attr-defined]
