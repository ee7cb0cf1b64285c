"""`vppool serve --workers 2`: several processes on one PostgreSQL database; SQLite refuses.

The server runs as a real subprocess on a free port of 127.0.0.1, the way an operator
starts it: both workers answer from the same database (a change made through one is read
through whichever answers next), and stopping the server ends every worker.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbutil import POSTGRES_ENV, postgres_url
from tests.factories import make_trust_person
from vppool.services import access

pytestmark = pytest.mark.integration

VPPOOL = str(Path(sys.executable).with_name("vppool"))
ON_POSTGRES = pytest.param(
    "postgresql",
    id="postgresql",
    marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(
            postgres_url() is None,
            reason=f"several workers need PostgreSQL: set {POSTGRES_ENV} to run this test",
        ),
    ],
)
#: How long the server may take to start (it imports the app in each worker).
STARTUP_S = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> set[int]:
    """The direct child processes of ``pid`` (Linux)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.fixture(name="server")
def fx_server(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """The server with two workers on this test's database; its URL, a bearer token, its pid."""
    with Session(engine) as session:
        planner = access.create_user(
            session, email="planner@workers.example", display_name="Planner", role="planner"
        )
        _, bearer = access.create_api_token(session, user_id=planner.id, name="workers test")
        session.commit()
    port = _free_port()
    env = {**os.environ, "VPPOOL_DATABASE_URL": db_url, "VPPOOL_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(  # noqa: S603  (our own command)
        [VPPOOL, "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            started = (tmp_path / "serve.log").read_text().count("Application startup complete")
            try:
                if (
                    httpx.get(base + "/api/v1/health", timeout=2).status_code == 200
                    and started == 2
                ):
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        yield base, bearer, process.pid
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.parametrize("backend", [ON_POSTGRES], indirect=True)
def test_two_workers_serve_one_postgresql_database_and_stop_cleanly(
    server: tuple[str, str, int], tmp_path: Path
) -> None:
    base, bearer, pid = server
    log = (tmp_path / "serve.log").read_text()
    workers = {int(worker) for worker in re.findall(r"Started server process \[(\d+)\]", log)}
    assert len(workers) == 2, log
    assert workers <= _children(pid)  # the supervisor's own processes

    headers = {"Authorization": f"Bearer {bearer}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        health = client.get("/api/v1/health").json()
        assert (health["status"], health["database"]) == ("ok", "postgresql")
        created = client.post(
            "/api/v1/organisations",
            json={"name": "Stichting Twee Werkers", "sector": "zorg", "headcount": 80},
        )
        assert created.status_code == 201, created.text
        organisation_id = created.json()["id"]
        # New connections each time, so the kernel spreads them over both workers; every
        # answer must see the organisation, whichever process wrote it.
        for _ in range(20):
            with httpx.Client(base_url=base, headers=headers, timeout=10) as fresh:
                seen = fresh.get(f"/api/v1/organisations/{organisation_id}")
                assert seen.status_code == 200
                assert seen.json()["name"] == "Stichting Twee Werkers"
        listed = client.get("/api/v1/organisations", params={"search": "Twee Werkers"})
        assert [item["id"] for item in listed.json()["items"]] == [organisation_id]
        assert client.get("/api/v1/organisations").status_code == 200
        assert (
            client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )

    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STARTUP_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
    assert not [worker for worker in workers if _alive(worker)]
    assert "Finished server process" in (tmp_path / "serve.log").read_text()


@pytest.mark.parametrize("backend", [ON_POSTGRES], indirect=True)
def test_behind_a_trusted_proxy_links_are_https_and_revocation_holds_in_every_worker(
    server: tuple[str, str, int], engine: Engine
) -> None:
    base, bearer, _ = server
    with Session(engine) as session:
        person = make_trust_person(session, first_name="Proxy")
        access.create_user(
            session,
            email="proxy@workers.example",
            display_name="Proxy",
            role="planner",
            password="proxy password",
        )
        session.commit()
        person_id = person.id
    login = {"email": "proxy@workers.example", "password": "proxy password"}
    with httpx.Client(base_url=base, timeout=10) as plain:
        cookie = plain.post("/api/v1/auth/login", json=login).headers["set-cookie"]
        assert "secure" not in cookie.lower()
    with httpx.Client(base_url=base, headers={"X-Forwarded-Proto": "https"}) as proxied:
        cookie = proxied.post("/api/v1/auth/login", json=login).headers["set-cookie"]
        assert "; secure" in cookie.lower()
    # The proxy (on 127.0.0.1, trusted by default) says the visitor came over https.
    headers = {"Authorization": f"Bearer {bearer}", "X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        link = client.post(
            "/api/v1/feed-tokens", json={"kind": "vp_schedule", "trust_person_id": person_id}
        )
        assert link.status_code == 201, link.text
        assert link.json()["https_url"].startswith("https://127.0.0.1:")
        path = "/feeds/" + link.json()["https_url"].rsplit("/feeds/", 1)[1]
        for _ in range(6):  # both workers have read (and rendered) the feed
            with httpx.Client(base_url=base, timeout=10) as fresh:
                assert fresh.get(path).status_code == 200
        token_id = link.json()["token"]["id"]
        assert client.delete(f"/api/v1/feed-tokens/{token_id}").status_code == 200
        for _ in range(10):  # new connections: the kernel spreads them over both workers
            with httpx.Client(base_url=base, timeout=10) as fresh:
                assert fresh.get(path).status_code == 404


def test_sqlite_refuses_several_workers_with_a_clear_message(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VPPOOL_DATABASE_URL": f"sqlite:///{tmp_path / 'one.sqlite3'}",
        "VPPOOL_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603  (our own command)
        [VPPOOL, "serve", "--workers", "2", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=STARTUP_S,
        check=False,
    )
    assert done.returncode == 2
    message = " ".join((done.stdout + done.stderr).split())
    assert "several worker processes need PostgreSQL" in message
    assert "VPPOOL_DATABASE_URL" in message
