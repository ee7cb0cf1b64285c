"""Planning insight in Chromium: the gaps on a map, whom to recruit worked out in the background."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)
from sqlmodel import Session  # noqa: E402

from tests.integration.api.world import break_the_scenario  # noqa: E402
from vppool.db import make_engine  # noqa: E402
from vppool.services import insight_runs  # noqa: E402

pytestmark = pytest.mark.slow


def test_a_planner_finds_the_gaps_and_whom_to_recruit(browser: Browser, live_app: LiveApp) -> None:
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url("/insight"))
    planner.get_by_role("link", name="Dekking en werving").click()
    expect(planner.get_by_role("heading", name="Dekking en werving", exact=True)).to_be_visible()
    expect(
        planner.get_by_role("img", name="Vertrouwenspersonen en klanten op de kaart")
    ).to_be_visible()
    # The table behind the map.
    planner.locator("#h-map ~ details summary").click()
    expect(
        planner.get_by_role("columnheader", name="Vertrouwenspersonen die er komen")
    ).to_be_visible()
    planner.get_by_role("button", name="Bereken wie te werven").click()
    # The analysis runs on the worker; the page polls and shows the ranked list when done.
    expect(planner.get_by_role("heading", name="Te werven vertrouwenspersonen")).to_be_visible(
        timeout=90_000
    )
    first = planner.locator("#suggestions li").first
    expect(first).to_contain_text("plaatsen")
    expect(planner.get_by_role("heading", name="Waarom plaatsen open blijven")).to_be_visible()


def _solved_scenario(browser: Browser, live_app: LiveApp) -> Page:
    """A planner describes a VP three months away and waits for the comparison."""
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url("/insight"))
    planner.get_by_role("link", name="Wat-als-scenario's").click()
    expect(planner.get_by_role("heading", name="Wat-als-scenario's", exact=True)).to_be_visible()
    planner.get_by_label("Naam van het scenario").fill("Drie maanden weg")
    away = planner.locator("#absence_trust_person_id")
    away.select_option(index=1)
    first = date.today() + timedelta(days=7)
    planner.get_by_label("Eerste dag afwezig").fill(first.isoformat())
    planner.get_by_label("Laatste dag afwezig").fill((first + timedelta(days=90)).isoformat())
    planner.get_by_role("button", name="Scenario doorrekenen").click()
    # Solved on the worker; the page shows the comparison when it is done.
    expect(
        planner.get_by_role("heading", name="De huidige planning en het scenario")
    ).to_be_visible(timeout=90_000)
    expect(planner.get_by_role("heading", name="Organisaties die het raakt")).to_be_visible()
    return planner


def test_a_planner_tries_a_scenario_and_adopts_it(browser: Browser, live_app: LiveApp) -> None:
    planner = _solved_scenario(browser, live_app)
    planner.get_by_role("button", name="Scenario overnemen").click()
    # A worker makes it real; the page follows it and then links the run's proposals.
    expect(planner.get_by_text("Dit scenario is overgenomen.")).to_be_visible(timeout=90_000)
    planner.get_by_role("link", name="De voorstellen").click()
    expect(planner).to_have_url(re.compile(r"/app/matching/runs/\d+"))


def test_a_refused_adoption_says_why_and_the_scenario_stays_adoptable(
    browser: Browser, live_app: LiveApp
) -> None:
    planner = _solved_scenario(browser, live_app)
    run_id = int(planner.url.rstrip("/").rsplit("/", 1)[1])
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            result = insight_runs.get_scenario(session, run_id).result
        break_the_scenario(engine, result)  # the data change after the solve
    finally:
        engine.dispose()
    planner.get_by_role("button", name="Scenario overnemen").click()
    expect(planner.get_by_text("Het scenario is niet overgenomen")).to_be_visible(timeout=90_000)
    expect(planner.get_by_text("belangenconflict", exact=False)).to_be_visible()
    expect(planner.get_by_role("button", name="Scenario overnemen")).to_be_visible()


def test_a_planner_changes_a_rule_weight(browser: Browser, live_app: LiveApp) -> None:
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url("/insight"))
    planner.get_by_role("link", name="Regelgewichten").click()
    expect(planner.get_by_role("heading", name="Regelgewichten", exact=True)).to_be_visible()
    expect(planner.locator("#weight-continuity")).to_have_text("60")
    planner.get_by_label("Continuïteit: dezelfde vertrouwenspersoon opnieuw").fill("120")
    planner.get_by_role("button", name="Opslaan").click()
    expect(planner.get_by_text("De regelgewichten zijn opgeslagen.")).to_be_visible()
    expect(planner.locator("#weight-continuity")).to_have_text("120")
