"""Layout in a real browser: nothing cut off on a laptop, nothing covering anything on a phone.

At 1366 px wide (a common laptop) no page scrolls sideways and no table is wider than its
box, so no column is cut off; at 390 px (a phone) no link, button or field lies on top of
another, so each can be tapped. Every main page of every role is checked; the heat map of
the coverage panel is the one table that may scroll sideways, by design (its own scroll box
with a keyboard focus).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from vppool.vocab import Role
from vppool.web._common import _NAVIGATION

skip_without_a_browser()

from playwright.sync_api import Browser, Page  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def _pages(ids: dict[str, Any]) -> dict[str, list[str]]:
    """Every page of each role's navigation (so a new one is checked too), and the details."""
    nav = {role: [item.href for item in items] for role, items in _NAVIGATION.items()}
    planner = [
        *nav[Role.PLANNER],
        "/needs/new",
        f"/pool/{ids['trust_person']}",
        f"/organisations/{ids['organisation']}",
        "/inbox",
    ]
    return {
        "planner": planner,
        "admin": [href for href in nav[Role.ADMIN] if href not in nav[Role.PLANNER]],
        "client": nav[Role.CLIENT],
        "trust_person": nav[Role.TRUST_PERSON],
    }


#: Tables wider than their box, and whether the page scrolls sideways.
_CUT_OFF = """() => {
  const wide = [];
  for (const table of document.querySelectorAll("main table")) {
    if (table.closest(".heat-scroll")) continue;
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + 1) {
      const head = table.closest("section")?.querySelector("h2, h3")?.textContent?.trim();
      wide.push(`${head || "table"}: ${table.scrollWidth} > ${box.clientWidth}`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    wide.push(`the page: ${root.scrollWidth} > ${window.innerWidth}`);
  }
  return wide;
}"""

#: Pairs of visible controls whose boxes overlap (neither inside the other).
_OVERLAPS = """() => {
  // Each line box of each visible control: a link that wraps onto two lines is two boxes.
  const all = document.querySelectorAll("main :is(a, button, input, select, textarea)");
  const shown = { visibilityProperty: true, contentVisibilityAuto: true };
  const controls = [...all]
    .filter((e) => e.type !== "hidden" && e.checkVisibility(shown))
    .map((e) => [e, [...e.getClientRects()].filter((r) => r.width > 0 && r.height > 0)])
    .filter(([, rects]) => rects.length > 0);
  const name = (e) => (e.textContent || e.name || e.id || e.tagName).trim().slice(0, 40);
  const overlap = (ra, rb) =>
    Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 2 &&
    Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2;
  const found = [];
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const [a, ras] = controls[i], [b, rbs] = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      if (ras.some((ra) => rbs.some((rb) => overlap(ra, rb)))) {
        found.push(`${name(a)} / ${name(b)}`);
      }
    }
  }
  return found.slice(0, 10);
}"""


def _each_page(browser: Browser, live_app: LiveApp, width: int, check: str) -> list[str]:
    ids = live_app.ids()
    problems = []
    for role, paths in _pages(ids).items():
        context = new_context(browser, live_app, viewport={"width": width, "height": 900})
        page: Page = context.new_page()
        log_in(page, live_app, role)
        for path in paths:
            page.goto(live_app.url(path))
            page.wait_for_load_state("networkidle")  # the panels htmx loads after the page
            problems.extend(f"{role} {path}: {found}" for found in page.evaluate(check))
        context.close()
    return problems


def test_no_column_is_cut_off_on_a_laptop(browser: Browser, live_app: LiveApp) -> None:
    problems = _each_page(browser, live_app, 1366, _CUT_OFF)
    assert not problems, "\n".join(problems)


def test_no_control_covers_another_on_a_phone(browser: Browser, live_app: LiveApp) -> None:
    problems = _each_page(browser, live_app, 390, _OVERLAPS)
    assert not problems, "\n".join(problems)
