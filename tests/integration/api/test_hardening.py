"""What a probe of ``vppool serve`` found, each as a regression test on SQLite and PostgreSQL.

Bad input answers 4xx on every JSON route (JSON nested a thousand levels deep, a NUL in
text); a database that is briefly gone answers 503 with ``Retry-After``; the login throttle
is shared by every process and counts per account and per client address without locking
the right password out; the web's CSRF token is bound to the login session; cookies are
``Secure`` under an https public address; feeds answer ``HEAD`` and gzip, a revoked link is
refused at once by every process, and feed links follow the address the request came to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import PASSWORD, World, seed_world
from vppool.api import create_app
from vppool.db import make_engine
from vppool.errors import TooManyAttempts, Unauthenticated
from vppool.services import access
from vppool.settings import Settings

pytestmark = pytest.mark.integration

DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture(name="world")
def fx_world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture(name="client")
def fx_client(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _json_routes(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) of the JSON API that takes a body, path ids filled in with 1."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for method in sorted(route.methods & {"POST", "PUT", "PATCH"}):
            found.append((method, re.sub(r"\{[^}]+\}", "1", route.path)))
    return found


# --------------------------------------------------------------------------- bad input


def test_json_nested_a_thousand_levels_deep_answers_400_on_every_json_route(
    client: TestClient, world: World
) -> None:
    routes = _json_routes(client.app)
    assert ("POST", "/api/v1/auth/login") in routes
    assert len(routes) > 20
    for method, path in routes:
        for headers in ({}, world.auth("admin")):
            response = client.request(
                method,
                path,
                content=DEEP,
                headers={**headers, "content-type": "application/json"},
            )
            # Routes without a body ignore it; the others refuse it. None fails.
            assert response.status_code < 500, (method, path, response.text)
    login = client.post(
        "/api/v1/auth/login", content=DEEP, headers={"content-type": "application/json"}
    )
    assert login.status_code == 400
    assert "nested too deeply" in login.json()["detail"]


def test_a_nul_in_the_login_email_answers_422_without_touching_the_database(
    client: TestClient, world: World
) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "planner\u0000@example.nl", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_a_nul_in_stored_text_answers_4xx(client: TestClient, world: World) -> None:
    # SQLite stores the character; PostgreSQL refuses it as data (then 422, never 500).
    response = client.post(
        "/api/v1/organisations",
        json={"name": "Stichting \u0000 Nul", "sector": "zorg", "headcount": 40},
        headers=world.auth("admin"),
    )
    assert response.status_code < 500, response.text


def test_a_period_ending_on_the_first_day_there_is_answers_422(
    client: TestClient, world: World
) -> None:
    # Found by Schemathesis: the message's last day (the day before the end) overflowed.
    response = client.post(
        f"/api/v1/trust-persons/{world['vp1']}/absences",
        json={"kind": "leave", "starts_on": "2027-01-04", "ends_on": "0001-01-01"},
        headers=world.auth("planner"),
    )
    assert response.status_code == 422, response.text
    assert "ends_on" in _fields(response)


def test_an_unreachable_database_answers_503_with_retry_after(
    settings: Settings, world: World
) -> None:
    gone = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    try:
        with TestClient(create_app(settings, engine=gone)) as client:
            response = client.get("/api/v1/needs", headers=world.auth("planner"))
    finally:
        gone.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_connections_a_database_restart_ended_are_replaced_unnoticed(
    client: TestClient, world: World, engine: Engine, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("a server restart ends connections on PostgreSQL only")
    assert client.get("/api/v1/needs", headers=world.auth("planner")).status_code == 200
    admin = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with admin.connect() as connection:
            ended = connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": engine.url.database},
            ).all()
    finally:
        admin.dispose()
    assert ended  # the application's pooled connections
    for _ in range(3):
        assert client.get("/api/v1/needs", headers=world.auth("planner")).status_code == 200


# --------------------------------------------------------------------------- login throttle


def _login(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return response.status_code


def test_failed_logins_in_one_process_count_in_every_other(
    settings: Settings, engine: Engine, world: World
) -> None:
    email = world.emails["planner"]
    with (
        TestClient(create_app(settings, engine=engine)) as first,
        TestClient(create_app(settings, engine=engine)) as second,
    ):
        for attempt in range(5):
            assert _login(first if attempt % 2 else second, email, "wrong") == 401
        assert _login(first, email, PASSWORD) == 429
        refused = second.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0


def test_one_guess_each_over_many_accounts_is_throttled_per_client_address(
    client: TestClient, world: World
) -> None:
    for number in range(20):
        assert _login(client, f"nobody{number}@example.nl", "guess") == 401
    assert _login(client, "yet-another@example.nl", "guess") == 429
    assert _login(client, world.emails["planner"], PASSWORD) == 429


def test_spraying_from_a_shared_address_stops_strangers_not_its_known_accounts(
    engine: Engine, world: World
) -> None:
    throttle = access.LoginThrottle()
    office = "192.0.2.20"
    planner, client = world.emails["planner"], "second@example.nl"
    with Session(engine) as session:
        access.create_user(
            session, email=client, display_name="Second", role="planner", password=PASSWORD
        )
        session.commit()
        # The planner logged in from the office before; the second user never did.
        access.authenticate_password(
            session, planner, PASSWORD, throttled=access.Throttled(throttle, office)
        )
        for number in range(throttle.max_failures_per_address):
            with pytest.raises(Unauthenticated):
                access.authenticate_password(
                    session,
                    f"guess{number}@example.nl",
                    "guess",
                    throttled=access.Throttled(throttle, office),
                )
        with pytest.raises(TooManyAttempts):
            access.authenticate_password(
                session,
                "guess-again@example.nl",
                "guess",
                throttled=access.Throttled(throttle, office),
            )
        with pytest.raises(TooManyAttempts):
            access.authenticate_password(
                session, client, PASSWORD, throttled=access.Throttled(throttle, office)
            )
        viewer = access.authenticate_password(
            session, planner, PASSWORD, throttled=access.Throttled(throttle, office)
        )
        assert viewer.user_id == world["user_planner"]
        # Known or not, guessing one account from the address still stops at five.
        for _ in range(throttle.max_failures):
            with pytest.raises(Unauthenticated):
                access.authenticate_password(
                    session, planner, "guess", throttled=access.Throttled(throttle, office)
                )
        with pytest.raises(TooManyAttempts):
            access.authenticate_password(
                session, planner, PASSWORD, throttled=access.Throttled(throttle, office)
            )


def test_the_right_password_from_a_known_address_works_while_an_account_is_attacked(
    engine: Engine, world: World
) -> None:
    throttle = access.LoginThrottle()
    email = world.emails["planner"]
    with Session(engine) as session:
        access.authenticate_password(
            session, email, PASSWORD, throttled=access.Throttled(throttle, "192.0.2.10")
        )
        for number in range(throttle.max_failures_per_account):
            with pytest.raises(Unauthenticated):
                access.authenticate_password(
                    session,
                    email,
                    "guess",
                    throttled=access.Throttled(throttle, f"198.51.100.{number}"),
                )
        viewer = access.authenticate_password(
            session, email, PASSWORD, throttled=access.Throttled(throttle, "192.0.2.10")
        )
        assert viewer.user_id == world["user_planner"]
        with pytest.raises(TooManyAttempts):
            access.authenticate_password(
                session, email, PASSWORD, throttled=access.Throttled(throttle, "203.0.113.7")
            )


# --------------------------------------------------------------------------- web session


def _csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, "the page has a CSRF field"
    return found.group(1)


def _web_login(client: TestClient, email: str) -> str:
    """Log in through the login form; returns a CSRF token of the new session's pages."""
    token = _csrf(client.get("/app/login").text)
    response = client.post(
        "/app/login",
        data={"email": email, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return _csrf(client.get("/app/dashboard").text)


def test_a_csrf_token_is_refused_under_another_login_session(
    settings: Settings, engine: Engine, world: World
) -> None:
    with Session(engine) as session:
        access.create_user(
            session,
            email="second-planner@example.nl",
            display_name="Second",
            role="planner",
            password=PASSWORD,
        )
        session.commit()
    with (
        TestClient(create_app(settings, engine=engine)) as mine,
        TestClient(create_app(settings, engine=engine)) as theirs,
    ):
        my_token = _web_login(mine, world.emails["planner"])
        _web_login(theirs, "second-planner@example.nl")
        # Their session, with my token and my CSRF cookie planted: refused.
        theirs.cookies.set("vppool_csrf", mine.cookies["vppool_csrf"])
        planted = theirs.post("/app/logout", data={"_csrf_token": my_token}, follow_redirects=False)
        assert planted.status_code == 403
        # My own token in my own session passes.
        own = mine.post("/app/logout", data={"_csrf_token": my_token}, follow_redirects=False)
        assert own.status_code == 303


def test_the_token_of_the_login_page_does_not_outlive_the_login(
    client: TestClient, world: World
) -> None:
    before = _csrf(client.get("/app/login").text)
    after = _web_login(client, world.emails["planner"])
    assert before != after
    stale = client.post("/app/logout", data={"_csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403


def test_cookies_are_secure_when_the_public_address_is_https(
    settings: Settings, engine: Engine, world: World
) -> None:
    secure = settings.model_copy(update={"public_url": "https://vppool.example.nl"})
    with TestClient(create_app(secure, engine=engine)) as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": world.emails["planner"], "password": PASSWORD}
        )
        assert "secure" in login.headers["set-cookie"].lower()
        page = client.get("/app/login")
        assert "secure" in page.headers["set-cookie"].lower()
    with TestClient(create_app(settings, engine=engine)) as plain:
        login = plain.post(
            "/api/v1/auth/login", json={"email": world.emails["planner"], "password": PASSWORD}
        )
        assert "secure" not in login.headers["set-cookie"].lower()


def _set_cookies(response: Any) -> dict[str, str]:
    """Each cookie a response sets, by name: its whole Set-Cookie line in lower case."""
    return {line.split("=", 1)[0]: line.lower() for line in response.headers.get_list("set-cookie")}


def test_cookies_are_secure_on_a_request_that_came_over_https(
    settings: Settings, engine: Engine, world: World
) -> None:
    # No public address: a request over https (behind a trusted proxy, what its
    # X-Forwarded-Proto says; `vppool serve` sets the scheme from it) gets Secure cookies.
    app = create_app(settings, engine=engine)
    with TestClient(app, base_url="https://vppool.test") as client:
        page = _set_cookies(client.get("/app/login"))
        assert "; secure" in page["vppool_csrf"]
        token = _csrf(client.get("/app/login").text)
        web = client.post(
            "/app/login",
            data={"email": world.emails["planner"], "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert web.status_code == 303, web.text
        assert "; secure" in _set_cookies(web)["vppool_session"]
        api = client.post(
            "/api/v1/auth/login", json={"email": world.emails["planner"], "password": PASSWORD}
        )
        session = _set_cookies(api)["vppool_session"]
        assert "; secure" in session
        assert "; httponly" in session
        assert "samesite=lax" in session
        language = client.post(
            "/app/language",
            data={"lang": "en", "_csrf_token": _csrf(client.get("/app/dashboard").text)},
            follow_redirects=False,
        )
        assert language.status_code == 303, language.text
        assert "; secure" in _set_cookies(language)["vppool_lang"]
        ended = _set_cookies(client.post("/api/v1/auth/logout"))["vppool_session"]
        assert "; secure" in ended
        assert "max-age=0" in ended
    with TestClient(app, base_url="http://vppool.test") as client:
        assert "; secure" not in _set_cookies(client.get("/app/login"))["vppool_csrf"]


# --------------------------------------------------------------------------- feeds


def test_a_feed_answers_head_and_gzip(client: TestClient, world: World) -> None:
    url = f"/feeds/{world.feed_secret}.ics"
    plain = client.get(url, headers={"accept-encoding": "identity"})
    assert plain.status_code == 200
    head = client.head(url, headers={"accept-encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == plain.headers["etag"]
    assert head.headers["content-length"] == str(len(plain.content))
    zipped = client.get(url, headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert zipped.content == plain.content  # the test client decodes it
    revalidated = client.get(
        url, headers={"accept-encoding": "gzip", "if-none-match": zipped.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert client.head("/feeds/not-a-token.ics").status_code == 404


def test_a_revoked_feed_link_is_refused_at_once_by_every_process(
    settings: Settings, engine: Engine, world: World
) -> None:
    url = f"/feeds/{world.feed_secret}.ics"
    with (
        TestClient(create_app(settings, engine=engine)) as first,
        TestClient(create_app(settings, engine=engine)) as second,
    ):
        assert second.get(url).status_code == 200
        assert second.get(url).status_code == 200
        revoked = first.delete(
            f"/api/v1/feed-tokens/{world['feed_vp1']}", headers=world.auth("planner")
        )
        assert revoked.status_code == 200
        assert second.get(url).status_code == 404
        assert second.head(url).status_code == 404


def test_feed_links_follow_the_address_the_request_came_to(
    settings: Settings, engine: Engine, world: World
) -> None:
    body = {"kind": "vp_availability", "trust_person_id": world["vp1"]}
    with TestClient(create_app(settings, engine=engine), base_url="https://vppool.test") as client:
        link = client.post("/api/v1/feed-tokens", json=body, headers=world.auth("planner"))
    assert link.status_code == 201, link.text
    assert link.json()["https_url"].startswith("https://vppool.test/feeds/")
    assert link.json()["webcal_url"].startswith("webcal://vppool.test/feeds/")
    public = settings.model_copy(update={"public_url": "https://plan.example.nl/"})
    with TestClient(create_app(public, engine=engine)) as client:
        link = client.post("/api/v1/feed-tokens", json=body, headers=world.auth("planner"))
    assert link.json()["https_url"].startswith("https://plan.example.nl/feeds/")


# --------------------------------------------------------------------------- text


#: Text that shows nothing: spaces, a no-break space, zero-width and other invisible ones.
BLANKS = ("   ", "\u00a0", "\u200b", " \u2060\ufeff ", "\u3164")


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json().get("errors", [])}


def test_a_name_that_shows_nothing_is_refused_as_empty(client: TestClient, world: World) -> None:
    def calls(blank: str) -> list[tuple[str, str, dict[str, Any], str]]:
        return [
            (
                "POST",
                "/api/v1/organisations",
                {"name": blank, "sector": "zorg", "headcount": 40},
                "name",
            ),
            ("PATCH", f"/api/v1/trust-persons/{world['vp1']}", {"first_name": blank}, "first_name"),
            (
                "POST",
                "/api/v1/users",
                {"email": "nieuw@example.nl", "display_name": blank, "role": "planner"},
                "display_name",
            ),
            ("POST", "/api/v1/auth/tokens", {"name": blank}, "name"),
        ]

    for blank in BLANKS:
        for method, path, body, field in calls(blank):
            response = client.request(method, path, json=body, headers=world.auth("admin"))
            assert response.status_code == 422, (blank, path, response.text)
            assert field in _fields(response), (blank, path, response.text)
    # An optional text of only spaces is cleared, not kept as invisible text.
    cleared = client.patch(
        f"/api/v1/trust-persons/{world['vp1']}",
        json={"phone": "\u200b "},
        headers=world.auth("planner"),
    )
    assert cleared.status_code == 200, cleared.text
    assert not cleared.json()["phone"]


def test_a_control_character_in_text_answers_422_naming_the_field(
    client: TestClient, world: World
) -> None:
    for text, shown in (("a\x01b", "U+0001"), ("\x1b[31mrood", "U+001B"), ("x\x7f", "U+007F")):
        response = client.post(
            "/api/v1/organisations",
            json={"name": text, "sector": "zorg", "headcount": 40},
            headers=world.auth("planner"),
        )
        assert response.status_code == 422, response.text
        assert _fields(response) == {"name": f"May not contain control characters ({shown})."}
    login = client.post(
        "/api/v1/auth/login", json={"email": "planner\x08@example.nl", "password": PASSWORD}
    )
    assert login.status_code == 422
    # Tabs and line breaks belong in longer text.
    wishes = client.patch(
        f"/api/v1/organisations/{world['org1']}",
        json={"wishes": "Eerste regel\r\nTweede\tregel"},
        headers=world.auth("planner"),
    )
    assert wishes.status_code == 200, wishes.text
    assert wishes.json()["wishes"] == "Eerste regel\r\nTweede\tregel"
