"""What people do in the web application: forms, their validation, scope, CSRF, double submits."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.integration.api.world import World, in_days, request_body
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import (
    Absence,
    Assignment,
    EducationRecord,
    MatchingRun,
    Need,
    WeeklyAvailability,
)
from vppool.vocab import MatchingRunStatus, NeedStatus

pytestmark = pytest.mark.integration


def _post(client: TestClient, page: str, action: str, data: dict[str, object]) -> Response:
    """Open ``page`` and post ``data`` to ``action`` with the page's CSRF token."""
    token = csrf_of(client.get(WEB + page).text)
    return client.post(WEB + action, data={**data, "_csrf_token": token})


def _request_form(**overrides: object) -> dict[str, object]:
    body = request_body()
    return {
        "kind": body["kind"],
        "title": body["title"],
        "scopes": body["scopes"],
        "languages": "nl",
        "starts_on": body["starts_on"],
        "last_day": (date.fromisoformat(body["ends_on"]) - timedelta(days=1)).isoformat(),
        "expected_hours_per_month": "6",
        "seats": "1",
        "urgency": "high",
        "form_key": "key-1",
        **overrides,
    }


def _needs_titled(engine: Engine, title: str) -> list[Need]:
    with Session(engine) as session:
        return list(session.exec(select(Need).where(Need.title == title)).all())


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("client", "/organisations/{org2}"),
        ("client", "/pool/{vp1}"),
        ("client", "/dashboard"),
        ("client", "/needs/{need1}/quick-match"),
        ("client", "/matching"),
        ("client", "/me"),
        ("trust_person", "/pool/{vp2}"),
        ("trust_person", "/organisations/{org1}"),
        ("trust_person", "/team"),
        ("trust_person", "/audit"),
    ],
)
def test_pages_outside_the_scope_do_not_exist(
    app_client: TestClient, world: World, role: str, path: str
) -> None:
    login(app_client, world, role)
    page = app_client.get(WEB + path.format(**world.ids))
    assert page.status_code == 404
    assert "Niet gevonden" in page.text


def test_a_client_sees_their_own_organisation_but_not_another(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "client")
    own = app_client.get(f"{WEB}/organisations/{world['org1']}")
    assert own.status_code == 200
    assert app_client.get(f"{WEB}/organisations/{world['org2']}").status_code == 404


def test_the_client_team_shows_only_their_own_vps(app_client: TestClient, world: World) -> None:
    login(app_client, world, "planner")
    with_names = app_client.get(f"{WEB}/pool/{world['vp2']}").text
    vp2_name = re.search(r"<h1>([^<]+)", with_names).group(1).strip()
    app_client.cookies.clear()
    login(app_client, world, "client")
    team = app_client.get(f"{WEB}/team").text
    assert vp2_name not in team  # VP 2 serves organisation two only


# --------------------------------------------------------------------------- CSRF


def test_a_form_post_without_the_csrf_token_is_refused(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    app_client.get(f"{WEB}/requests")
    refused = app_client.post(f"{WEB}/requests", data=_request_form(title="Zonder token"))
    assert refused.status_code == 403
    assert _needs_titled(engine, "Zonder token") == []


def test_the_json_api_with_a_bearer_token_needs_no_csrf_token(
    app_client: TestClient, world: World
) -> None:
    filed = app_client.post(
        "/api/v1/needs", json=request_body(title="Via de API"), headers=world.auth("client")
    )
    assert filed.status_code == 201


# --------------------------------------------------------------------------- requests


def test_a_client_files_a_request_and_sees_its_status(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    done = _post(app_client, "/requests", "/requests", _request_form(title="Extra steun"))
    assert done.status_code == 200
    assert done.url.path == f"{WEB}/requests"
    assert "Extra steun" in done.text
    (need,) = _needs_titled(engine, "Extra steun")
    assert need.status is NeedStatus.REQUESTED
    assert need.organisation_id == world["org1"]


def test_a_client_states_wishes_and_every_planner_page_with_the_need_shows_them(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    wishes = {
        "wish_genders": ["female"],
        "wish_languages": "tr",
        "wish_sectors": ["zorg"],
        "wish_locality": "local",
        "hard_wishes": ["gender", "languages"],
        "client_chooses": "on",
    }
    done = _post(app_client, "/requests", "/requests", _request_form(title="Met wensen", **wishes))
    assert done.status_code == 200
    (need,) = _needs_titled(engine, "Met wensen")
    assert (need.wish_genders, need.wish_languages, need.wish_sectors) == (
        ["female"],
        ["tr"],
        ["zorg"],
    )
    assert (need.wish_locality, need.hard_wishes, need.client_chooses) == (
        "local",
        ["gender", "languages"],
        True,
    )
    app_client.cookies.clear()
    login(app_client, world, "planner")
    said = (
        "Wensen van de opdrachtgever: gender vrouw (voorwaarde); spreekt Turks (voorwaarde); "
        "ervaring in zorg; woont dichtbij (lokaal); de opdrachtgever wil kiezen"
    )
    for page in ("/needs?status=requested", f"/organisations/{world['org1']}"):
        assert said in app_client.get(WEB + page).text, page
    app_client.post(
        f"{WEB}/needs/{need.id}/accept",
        data={"_csrf_token": csrf_of(app_client.get(f"{WEB}/needs?status=requested").text)},
    )
    quick = app_client.get(f"{WEB}/needs/{need.id}/quick-match").text
    assert "gender vrouw (voorwaarde); spreekt Turks (voorwaarde)" in quick
    edit = app_client.get(f"{WEB}/needs/{need.id}/edit").text
    assert re.search(r'name="hard_wishes" value="gender" checked', edit)
    assert 'value="tr"' in edit


def test_remote_help_with_a_local_wish_is_refused_next_to_the_wish(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    form = _request_form(title="Op afstand", wish_locality="local", wish_mode="remote")
    answer = _post(app_client, "/requests", "/requests", form)
    assert answer.status_code == 422
    assert 'id="wish_locality-error"' in answer.text
    assert "Hulp op afstand heeft geen locatie" in answer.text
    assert _needs_titled(engine, "Op afstand") == []


def test_request_validation_shows_errors_next_to_fields_and_keeps_values(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    answer = _post(
        app_client,
        "/requests",
        "/requests",
        _request_form(
            title="Te vroeg begonnen",
            starts_on=in_days(-3).isoformat(),
            expected_hours_per_month="",
        ),
    )
    assert answer.status_code == 422
    assert 'value="Te vroeg begonnen"' in answer.text
    assert (
        'id="starts_on-error"' in answer.text
        or 'id="expected_hours_per_month-error"' in answer.text
    )
    assert 'aria-invalid="true"' in answer.text
    assert _needs_titled(engine, "Te vroeg begonnen") == []


def test_a_double_submit_files_one_request(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    token = csrf_of(app_client.get(f"{WEB}/requests").text)
    form = {**_request_form(title="Dubbel geklikt", form_key="same-key"), "_csrf_token": token}
    first = app_client.post(f"{WEB}/requests", data=form)
    second = app_client.post(f"{WEB}/requests", data=form)
    assert first.status_code == second.status_code == 200
    assert len(_needs_titled(engine, "Dubbel geklikt")) == 1


def test_the_same_request_from_two_forms_is_filed_once(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    for key in ("form-a", "form-b"):
        _post(app_client, "/requests", "/requests", _request_form(title="Twee tabs", form_key=key))
    assert len(_needs_titled(engine, "Twee tabs")) == 1


# --------------------------------------------------------------------------- planner


def test_a_planner_accepts_and_declines_requests(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    queue = app_client.get(f"{WEB}/needs?status=requested")
    assert f'id="need-{world["request1"]}"' in queue.text
    accepted = _post(app_client, "/needs", f"/needs/{world['request1']}/accept", {})
    assert accepted.status_code == 200
    declined = _post(
        app_client,
        "/needs",
        f"/needs/{world['request2']}/decline",
        {"reason": "Geen capaciteit in die periode"},
    )
    assert declined.status_code == 200
    with Session(engine) as session:
        assert session.get(Need, world["request1"]).status is NeedStatus.OPEN
        refused = session.get(Need, world["request2"])
        assert refused.status is NeedStatus.DECLINED
        assert refused.decision_reason == "Geen capaciteit in die periode"


def test_a_planner_creates_a_need_and_errors_keep_the_form(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    form = {
        "organisation_id": str(world["org2"]),
        "kind": "reorganisation",
        "title": "Reorganisatie 2027",
        "starts_on": in_days(10).isoformat(),
        "last_day": in_days(99).isoformat(),
        "expected_hours_per_month": "8",
        "seats": "1",
        "urgency": "normal",
        "form_key": "need-1",
    }
    missing_scope = _post(app_client, "/needs/new", "/needs/new", form)
    assert missing_scope.status_code == 422
    assert 'id="scopes-error"' in missing_scope.text
    assert 'value="Reorganisatie 2027"' in missing_scope.text
    created = _post(
        app_client, "/needs/new", "/needs/new", {**form, "scopes": ["integrity"], "form_key": "k2"}
    )
    assert created.status_code == 200
    (need,) = _needs_titled(engine, "Reorganisatie 2027")
    assert need.status is NeedStatus.OPEN
    assert need.scopes == ["integrity"]


# --------------------------------------------------------------------------- trust person


def test_a_trust_person_edits_weekly_hours(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "trust_person")
    saved = _post(
        app_client,
        "/me/availability",
        "/me/availability",
        {"start_0_0": "09:00", "end_0_0": "12:30", "start_2_0": "13:00", "end_2_0": "17:00"},
    )
    assert saved.status_code == 200
    assert 'value="12:30"' in saved.text
    with Session(engine) as session:
        rows = session.exec(
            select(WeeklyAvailability).where(WeeklyAvailability.trust_person_id == world["vp1"])
        ).all()
    assert sorted((r.weekday, r.start_time.isoformat()) for r in rows) == [
        (0, "09:00:00"),
        (2, "13:00:00"),
    ]


def test_a_weekly_range_with_one_time_is_refused_with_the_values_kept(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "trust_person")
    refused = _post(app_client, "/me/availability", "/me/availability", {"start_1_0": "10:00"})
    assert refused.status_code == 422
    assert 'value="10:00"' in refused.text
    assert "begin- én eindtijd" in refused.text


def test_a_trust_person_records_an_absence_and_a_course(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "trust_person")
    first, last = in_days(140), in_days(144)
    _post(
        app_client,
        "/me/availability",
        "/me/absences",
        {
            "kind": "leave",
            "starts_on": first.isoformat(),
            "last_day": last.isoformat(),
            "note": "Vakantie",
        },
    )
    course = _post(
        app_client,
        "/me/education",
        "/me/education",
        {
            "category": "accredited_course",
            "title": "Gespreksvoering",
            "hours": "6",
            "completed_on": in_days(-2).isoformat(),
        },
    )
    assert course.status_code == 200
    with Session(engine) as session:
        absence = session.exec(
            select(Absence).where(Absence.note == "Vakantie").order_by(col(Absence.id))
        ).first()
        record = session.exec(
            select(EducationRecord).where(EducationRecord.title == "Gespreksvoering")
        ).one()
    assert absence is not None
    assert (absence.starts_on, absence.ends_on) == (
        first,
        in_days(145),
    )  # the form's last day is inclusive
    assert record.hours == 6


def test_a_trust_person_makes_and_rotates_a_feed_link(app_client: TestClient, world: World) -> None:
    login(app_client, world, "trust_person")
    made = _post(app_client, "/feeds", "/feeds", {"kind": "vp_schedule"})
    https = re.search(r'id="link-https"[^>]*value="([^"]+)"', made.text).group(1)
    assert https.endswith(".ics")
    assert 'value="webcal://' in made.text
    feed = app_client.get("/" + https.split("/", 3)[3])
    assert feed.status_code == 200
    assert "BEGIN:VCALENDAR" in feed.text
    token_id = max(int(i) for i in re.findall(r"/feeds/(\d+)/rotate", made.text))
    rotated = _post(app_client, "/feeds", f"/feeds/{token_id}/rotate", {})
    new_https = re.search(r'id="link-https"[^>]*value="([^"]+)"', rotated.text).group(1)
    assert new_https != https
    assert app_client.get("/" + https.split("/", 3)[3]).status_code == 404


def test_placing_a_vp_against_the_rules_lists_each_broken_rule(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    refused = _post(
        app_client,
        f"/needs/{world['need2_free']}/quick-match",
        f"/needs/{world['need2_free']}/place",
        {"trust_person_id": str(world["vp3"]), "seat": "1", "back": "/matching/runs/1"},
    )
    assert refused.status_code == 422
    assert "Deze plaatsing breekt harde regels" in refused.text
    # VP 3 holds no certificate: the rule is named, with the matcher's detail in Dutch.
    assert "<strong>Certificaat niet geldig</strong>: geen LVV-certificaat" in refused.text
    assert "no LVV certificate" not in refused.text
    app_client.cookies.set("vppool_lang", "en")
    english = _post(
        app_client,
        f"/needs/{world['need2_free']}/quick-match",
        f"/needs/{world['need2_free']}/place",
        {"trust_person_id": str(world["vp3"]), "seat": "1"},
    )
    assert english.status_code == 422
    assert ": no LVV certificate" in english.text


def test_a_planner_pins_a_proposal(app_client: TestClient, world: World, engine: Engine) -> None:
    login(app_client, world, "planner")
    _post(
        app_client,
        "/matching",
        f"/assignments/{world['assignment1_proposed']}/pin",
        {"pinned": "1", "back": "/matching"},
    )
    with Session(engine) as session:
        assert session.get(Assignment, world["assignment1_proposed"]).pinned is True


def test_the_progress_panel_polls_while_a_run_is_queued_and_reloads_when_it_ends(
    app_client: TestClient, world: World
) -> None:
    login(app_client, world, "planner")
    queued = app_client.get(
        f"{WEB}/matching/runs/{world['run_queued']}/progress", headers={"HX-Request": "true"}
    )
    assert 'hx-trigger="every 1s"' in queued.text
    done = app_client.get(
        f"{WEB}/matching/runs/{world['run_done']}/progress", headers={"HX-Request": "true"}
    )
    assert done.headers["HX-Refresh"] == "true"


def test_confirm_all_shows_what_it_confirms_and_an_older_run_says_it_is_out_of_date(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    review = app_client.get(f"{WEB}/matching/runs/{world['run_done']}/confirm")
    assert review.status_code == 200
    assert "Deze 1 voorstellen bevestigen" in review.text
    assert "verouderd" not in review.text
    with Session(engine) as session:
        newer = MatchingRun(status=MatchingRunStatus.SUCCEEDED)
        session.add(newer)
        session.commit()
        newer_id = newer.id
    run_page = app_client.get(f"{WEB}/matching/runs/{world['run_done']}")
    assert f"Deze run is verouderd: run #{newer_id} is nieuwer" in run_page.text
    assert 'name="seat"' not in run_page.text  # no boxes to tick on an out-of-date run
    review = app_client.get(f"{WEB}/matching/runs/{world['run_done']}/confirm")
    assert f"run #{newer_id} is nieuwer" in review.text
    assert "bevestigen</button>" not in review.text
    refused = _post(
        app_client,
        f"/matching/runs/{newer_id}",
        f"/matching/runs/{world['run_done']}/confirm",
        {"all": "1"},
    )
    assert refused.status_code == 409
    assert f"run #{newer_id} is nieuwer" in refused.text
    with Session(engine) as session:
        proposal = session.get(Assignment, world["assignment1_proposed"])
        assert proposal is not None
        assert proposal.status.value == "proposed"


def test_a_run_that_may_have_left_seats_open_tells_the_planner_on_its_page(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    page = app_client.get(f"{WEB}/matching/runs/{world['run_done']}")
    assert page.status_code == 200
    assert 'id="fill-open"' not in page.text  # the world's run records no open fill
    with Session(engine) as session:
        run = session.get(MatchingRun, world["run_done"])
        assert run is not None
        run.explanation = {**run.explanation, "fill_objective": 763.0, "fill_bound": 765.0}
        session.add(run)
        session.commit()
    page = app_client.get(f"{WEB}/matching/runs/{world['run_done']}")
    assert (
        "Misschien zijn er nog plaatsen te vullen: gewogen naar urgentie tellen de gevulde "
        "plaatsen van dit plan 763 punten, die van het best mogelijke plan hoogstens 765."
        in page.text
    )
