"""Real-browser tests: the app served by uvicorn on 127.0.0.1, driven by Debian's Chromium.

They skip, saying why, where Playwright for Python or ``/usr/bin/chromium`` is missing
(``.ci/run`` installs Chromium). Screenshots go to ``$VPPOOL_SCREENSHOTS`` when it is set,
else to a temporary folder that pytest keeps for the last runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlmodel import Session, col, select

from vppool.db import make_engine
from vppool.db.models import Organisation, TrustPerson, User
from vppool.services.demo import prepare_demo
from vppool.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

#: Debian's Chromium; another build can be named with VPPOOL_CHROMIUM.
CHROMIUM = Path(os.environ.get("VPPOOL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "browser-test-password"


def skip_without_a_browser() -> None:
    """Skip the calling test module, saying why, without Playwright or Chromium."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip(
            "Playwright for Python is not installed (pip install -e '.[test]')",
            allow_module_level=True,
        )
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver)",
            allow_module_level=True,
        )


@dataclass(frozen=True)
class LiveApp:
    """The served application and what the tests need to know about its data."""

    base: str
    logins: dict[str, str]
    database_url: str
    env: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}/app{path}"

    def run_job(self, name: str) -> None:
        """Run one scheduled job now (``vppool run-job``) with the server's settings."""
        subprocess.run(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "vppool", "run-job", name],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def ids(self) -> dict[str, Any]:
        """Ids of the client's organisation, another organisation and a VP not the user's."""
        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                client = session.exec(select(User).where(User.email == self.logins["client"])).one()
                person = session.exec(
                    select(User).where(User.email == self.logins["trust_person"])
                ).one()
                other = session.exec(
                    select(Organisation.id)
                    .where(Organisation.id != client.organisation_id)
                    .order_by(col(Organisation.id))
                ).first()
                other_vp = session.exec(
                    select(TrustPerson.id)
                    .where(TrustPerson.id != person.trust_person_id)
                    .order_by(col(TrustPerson.id))
                ).first()
                return {
                    "organisation": client.organisation_id,
                    "other_organisation": other,
                    "trust_person": person.trust_person_id,
                    "other_trust_person": other_vp,
                }
        finally:
            engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module", name="live_app")
def fx_live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    # Placements confirmed at once, as in the other tests (tests/conftest.py): these
    # journeys are about what a confirmation does; the VP's consent has its own journeys.
    with serve_live_app(tmp_path_factory, {"VPPOOL_VP_CONSENT": "false"}) as app:
        yield app


@contextmanager
def serve_live_app(
    tmp_path_factory: pytest.TempPathFactory, settings: dict[str, str]
) -> Iterator[LiveApp]:
    """The demo dataset (S) served by uvicorn with a worker beside it, as `vppool serve` runs.

    ``settings`` are more ``VPPOOL_*`` variables for the server, the worker and the jobs
    run with :meth:`LiveApp.run_job`.
    """
    folder = tmp_path_factory.mktemp("live")
    path = folder / "browser.sqlite3"
    database_url = f"sqlite:///{path}"
    summary = prepare_demo(
        Settings(data_dir=folder, database_url=database_url),
        path,
        size="S",
        seed=3,
        password=PASSWORD,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VPPOOL_DATABASE_URL": database_url,
        "VPPOOL_DATA_DIR": str(folder),
        "VPPOOL_MATCHING_TIME_LIMIT_S": "3",
        # "{base}" in a value stands for the server's own address (VPPOOL_PUBLIC_URL).
        **{name: value.replace("{base}", base) for name, value in settings.items()},
    }
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "vppool.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The server only queues runs; a worker beside it executes them, as `vppool serve` does.
    worker = subprocess.Popen(
        [sys.executable, "-m", "vppool", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(200):  # up to about 20 s for the server to start
            if server.poll() is not None:
                break
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer in time")
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {(folder / 'server.log').read_text()[-2000:]}")
        yield LiveApp(
            base=base,
            logins={login.role: login.email for login in summary.logins},
            database_url=database_url,
            env=env,
        )
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module", name="browser")
def fx_browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(name="screenshots", scope="session")
def fx_screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("VPPOOL_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_context(browser: Browser, live_app: LiveApp, **options: Any) -> BrowserContext:
    """A fresh browser profile (its own cookies) with the clipboard allowed for the app."""
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 1280, "height": 900}), **options
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.base)
    return context


def log_in(page: Page, live_app: LiveApp, role: str) -> None:
    """Log in through the login form."""
    page.goto(live_app.url("/login"))
    page.get_by_label("E-mailadres").fill(live_app.logins[role])
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login" not in url)
