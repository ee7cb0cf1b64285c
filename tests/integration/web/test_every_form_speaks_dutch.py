"""No English reaches a Dutch page: every form, submitted empty, answers in Dutch.

The test walks the application as each role would (every link inside ``/app`` it can reach
from the start page), submits each data-entry form it finds with its hidden fields kept and
every visible field empty, and reads every error shown: the field errors, the alerts and the
error page's message. Each must be a Dutch text of the catalogue (with its values filled in);
an English framework message ("Field required", "Input should be ...") or an untranslated
service message fails the test, naming the form.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from litestar.testing import TestClient

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, login
from vppool.web._catalogue import DUTCH

pytestmark = pytest.mark.integration

#: Links not to follow: they sign out, switch language, download or leave the pages.
_SKIP = re.compile(r"/logout|/language|\.csv|\.ics|/static/|/feeds/[^/]+$|/pick/")
_MAX_PAGES = 160


@dataclass
class _Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    visible: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    """The links and the forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = _Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                self._form.hidden[a["name"]] = a.get("value", "")
            elif kind not in ("submit", "button", "checkbox", "radio", "file"):
                self._form.visible.append(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _dutch_patterns() -> list[re.Pattern[str]]:
    patterns = []
    for text in DUTCH.values():
        pieces = re.split(r"\{\w+\}", text)
        patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in pieces) + "$", re.S))
    return patterns


_ERRORS = re.compile(
    r'<(?:p|div)[^>]*class="(?:field-error|alert alert-error)"[^>]*>(.*?)</(?:p|div)>', re.S
)
_ERROR_PAGE = re.compile(r'<section class="panel narrow">\s*<h1>.*?</h1>\s*<p>(.*?)</p>', re.S)


def _shown_errors(page: str) -> Iterator[str]:
    for pattern in (_ERRORS, _ERROR_PAGE):
        for found in pattern.findall(page):
            text = html.unescape(re.sub(r"<[^>]+>", "\n", found))
            for line in text.split("\n"):
                for part in line.split("; "):
                    if part.strip():
                        yield part.strip()


def _inside(href: str, here: str) -> str | None:
    target = urlsplit(urljoin(here, href))
    if target.netloc not in ("", "testserver", "testserver.local") or not target.path.startswith(
        WEB + "/"
    ):
        return None
    path = target.path + (f"?{target.query}" if target.query else "")
    return None if _SKIP.search(path) else path


def _walk(client: TestClient) -> tuple[list[tuple[str, _Form]], int]:
    """Every data-entry form reachable from the start page, with the page it is on."""
    seen: set[str] = set()
    queue = [f"{WEB}/"]
    forms: list[tuple[str, _Form]] = []
    while queue and len(seen) < _MAX_PAGES:
        path = queue.pop(0)
        if re.sub(r"\d+", "N", path) in seen:
            continue  # one page of each shape is enough
        seen.add(re.sub(r"\d+", "N", path))
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code < 500, (path, answer.status_code)
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        parsed = _Page()
        parsed.feed(answer.text)
        here = str(answer.url)
        forms.extend(
            (urlsplit(here).path, form)
            for form in parsed.forms
            if form.method == "post" and form.visible
        )
        queue.extend(p for href in parsed.links if (p := _inside(href, here)))
    return forms, len(seen)


@pytest.mark.parametrize("role", ["admin", "planner", "client", "trust_person"])
def test_every_form_submitted_empty_answers_in_dutch(
    app_client: TestClient, world: World, role: str
) -> None:
    login(app_client, world, role)
    forms, pages = _walk(app_client)
    assert pages > 3, "the walk found almost no pages"
    assert forms, "the walk found no form to submit"
    dutch = _dutch_patterns()
    english: list[str] = []
    checked = 0
    for page, form in forms:
        if _inside(form.action or page, f"http://testserver.local{page}") is None:
            continue
        data = dict(form.hidden) | dict.fromkeys(form.visible, "")
        answer = app_client.post(
            urljoin(page, form.action or page), data=data, follow_redirects=True
        )
        assert answer.status_code < 500, (page, form.action, answer.text[:300])
        for message in _shown_errors(answer.text):
            checked += 1
            if not any(p.match(message) for p in dutch):
                english.append(f"{page} → {form.action}: {message!r}")
    assert checked, "no form answered with an error to check"
    assert not english, "not in Dutch:\n" + "\n".join(sorted(set(english)))
