"""The inbox in the web application: the unread count in the top bar, reading, the choices."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import User
from vppool.services import notifications
from vppool.web._inbox import CHOICES

pytestmark = pytest.mark.integration


def _tell(engine: Engine, user_id: int, number: int, link: str | None = None) -> None:
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        notifications.enqueue(
            session,
            kind="assignment_confirmed",
            recipient=user,
            subject=f"Nieuwe opdracht {number}",
            body=f"Regel een\nRegel twee {number}",
            dedupe_key=f"web-test:{number}",
            link=link,
        )
        session.commit()


def _unread_badge(html: str) -> str | None:
    found = re.search(
        r'class="inbox-link"[^>]*>Berichten(?: <span class="count"[^>]*>(\d+)</span>)?', html
    )
    assert found, "every page of a logged-in user links to the inbox"
    return found.group(1)


def test_a_client_contact_reads_their_messages_and_the_count_goes(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "client")
    assert _unread_badge(app_client.get(f"{WEB}/team").text) is None
    _tell(engine, world["user_client"], 1, link="/team")
    _tell(engine, world["user_client"], 2)
    _tell(engine, world["user_client2"], 3)  # another organisation's contact

    team = app_client.get(f"{WEB}/team").text
    assert _unread_badge(team) == "2"
    inbox = app_client.get(f"{WEB}/inbox")
    assert inbox.status_code == 200
    assert "Nieuwe opdracht 1" in inbox.text
    assert "Nieuwe opdracht 3" not in inbox.text
    assert "Alles gelezen" in inbox.text

    # "Naar de pagina" marks the message read and goes where it leads.
    first = re.search(
        r'id="message-(\d+)"[^<]*<div class="row-between">\s*'
        r'<strong><span class="badge">nieuw</span> Nieuwe opdracht 1',
        inbox.text,
    )
    assert first
    opened = app_client.post(
        f"{WEB}/inbox/read",
        data={"id": first.group(1), "open": "/team", "_csrf_token": csrf_of(inbox.text)},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == f"{WEB}/team"
    assert _unread_badge(app_client.get(f"{WEB}/team").text) == "1"

    page = app_client.get(f"{WEB}/inbox").text
    app_client.post(f"{WEB}/inbox/read", data={"_csrf_token": csrf_of(page)})
    assert _unread_badge(app_client.get(f"{WEB}/inbox").text) is None


def test_the_choices_are_saved_and_a_wrong_one_is_refused_in_dutch(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "planner")
    form = app_client.get(f"{WEB}/inbox/settings")
    assert form.status_code == 200
    assert "Ook per e-mail" in form.text
    saved = app_client.post(
        f"{WEB}/inbox/settings",
        data={
            "language": "en",
            "email": ["request_received", "compliance_digest"],
            "_csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with Session(engine) as session:
        user = session.get(User, world["user_planner"])
        assert user is not None
        assert user.language == "en"
        assert "assignment_confirmed" in user.email_off
        assert "request_received" not in user.email_off

    refused = app_client.post(
        f"{WEB}/inbox/settings",
        data={"language": "de", "email": ["request_received"], "_csrf_token": csrf_of(form.text)},
    )
    assert refused.status_code == 422
    assert "Kies Nederlands (nl) of Engels (en)." in refused.text
    # What was ticked stays ticked.
    assert re.search(r'value="request_received" checked', refused.text)
    assert not re.search(r'value="assignment_confirmed" checked', refused.text)


def test_every_kind_a_user_can_choose_has_words_on_the_settings_page() -> None:
    assert set(CHOICES) == set(notifications.EMAIL_KINDS)
