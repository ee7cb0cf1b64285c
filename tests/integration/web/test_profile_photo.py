"""The VP's optional photo: uploaded, replaced and removed on "Mijn profiel", refused with
the reason by the field (nothing stored), and shown only where the profile may be seen."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pytest
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.api.world import World, seed_shortlists
from tests.integration.web.conftest import WEB, csrf_of, login
from tests.unit.test_profile_photos import GPS_IFD, photo_with_gps
from vppool.api import create_app
from vppool.db.models import AuditEntry, PublicProfile
from vppool.settings import Settings

pytestmark = pytest.mark.integration

IMG = re.compile(
    r'<img class="avatar avatar-photo" src="data:image/jpeg;base64,[^"]+" alt="([^"]+)"'
)


@pytest.fixture(name="stranger")
def fx_stranger(settings: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    """A browser with no cookies."""
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def _stored(engine: Engine, world: World) -> PublicProfile | None:
    with Session(engine) as session:
        return session.exec(
            select(PublicProfile).where(PublicProfile.trust_person_id == world["vp1"])
        ).one_or_none()


def _upload(
    client: TestClient, content: bytes, name: str = "foto.jpg", kind: str = "image/jpeg"
) -> httpx.Response:
    page = client.get(f"{WEB}/me/profile")
    assert page.status_code == 200, page.text[:300]
    return client.post(
        f"{WEB}/me/profile/photo",
        data={"_csrf_token": csrf_of(page.text)},
        files={"photo": (name, content, kind)},
    )


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 60), colour).save(out, format="PNG")
    return out.getvalue()


def test_the_vp_uploads_replaces_and_removes_a_photo(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, world, "trust_person")
    saved = _upload(app_client, photo_with_gps())
    assert saved.status_code == 200, saved.text[:500]
    assert "Uw foto is bewaard" in saved.text
    assert 'alt="Foto van Anna Aalders"' in saved.text
    first = _stored(engine, world)
    assert first is not None
    assert first.photo is not None
    assert first.photo_version == 1
    with Image.open(io.BytesIO(first.photo)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 400
        assert GPS_IFD not in image.getexif()
        assert len(image.getexif()) == 0
    replaced = _upload(app_client, _png("green"), "nieuw.png", "image/png")
    assert replaced.status_code == 200
    second = _stored(engine, world)
    assert second is not None
    assert second.photo is not None
    assert second.photo != first.photo
    assert second.photo_version == 2
    page = app_client.get(f"{WEB}/me/profile")
    removed = app_client.post(
        f"{WEB}/me/profile/photo/delete", data={"_csrf_token": csrf_of(page.text)}
    )
    assert removed.status_code == 200
    assert "Uw foto is verwijderd" in removed.text
    assert "Foto van Anna Aalders" not in removed.text
    gone = _stored(engine, world)
    assert gone is not None
    assert gone.photo is None
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "trust_person", AuditEntry.entity_id == world["vp1"]
            )
        ).all()
    assert actions.count("trust_person_photo_changed") == 2
    assert actions.count("trust_person_photo_removed") == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "het bestand is leeg"),
        (b"dit is geen foto", "geen foto die gelezen kan worden"),
        (b"\xff\xd8\xff" + b"x" * 5_000_000, "groter dan de grens van 5 MB"),
    ],
)
def test_a_refused_file_is_named_by_the_field_and_nothing_is_stored(
    app_client: TestClient, world: World, engine: Engine, content: bytes, words: str
) -> None:
    login(app_client, world, "trust_person")
    refused = _upload(app_client, content)
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="photo-error">([^<]+)</p>', refused.text)
    assert error, refused.text[-3000:]
    assert words in error.group(1)
    assert 'aria-describedby="photo-error"' in refused.text
    stored = _stored(engine, world)
    assert stored is None or stored.photo is None


def test_a_decompression_bomb_is_refused(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    side = int((Image.MAX_IMAGE_PIXELS or 0) ** 0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    login(app_client, world, "trust_person")
    refused = _upload(app_client, out.getvalue(), "bom.png", "image/png")
    assert refused.status_code == 422
    assert "de afbeelding heeft te veel pixels; gebruik een kleinere foto" in refused.text
    stored = _stored(engine, world)
    assert stored is None or stored.photo is None


def test_others_cannot_upload_or_remove_a_photo(app_client: TestClient, world: World) -> None:
    for role in ("client", "planner"):
        login(app_client, world, role)
        page = app_client.get(f"{WEB}/")
        token = csrf_of(page.text) if "_csrf_token" in page.text else ""
        for action in ("photo", "photo/delete"):
            sent = app_client.post(f"{WEB}/me/profile/{action}", data={"_csrf_token": token})
            assert sent.status_code in (403, 404), (role, action, sent.status_code)
        app_client.cookies.clear()


def _employees_page(app_client: TestClient, world: World) -> str:
    login(app_client, world, "client")
    form = app_client.get(f"{WEB}/team/employee-page")
    done = app_client.post(
        f"{WEB}/team/employee-page/rotate", data={"_csrf_token": csrf_of(form.text)}
    )
    found = re.search(r'id="employee-page-address">([^<]+)<', done.text)
    assert found
    address = found.group(1)
    app_client.cookies.clear()
    return address[address.index(WEB) :]


def test_the_employees_page_shows_the_photo_without_a_cookie(
    app_client: TestClient, world: World, stranger: TestClient
) -> None:
    login(app_client, world, "trust_person")
    assert _upload(app_client, photo_with_gps()).status_code == 200
    app_client.cookies.clear()
    path = _employees_page(app_client, world)
    page = stranger.get(path)
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert IMG.findall(page.text) == ["Foto van Anna Aalders"]  # Bram has no photo
    assert "<form" not in page.text
    english = stranger.get(path + "?lang=en")
    assert IMG.findall(english.text) == ["Photo of Anna Aalders"]
    wrong = stranger.get(f"{WEB}/employees/not-the-token")
    assert wrong.status_code == 404
    assert "data:image" not in wrong.text


def test_the_shortlist_card_shows_the_photo_only_to_its_own_client(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    seed_shortlists(engine, world)
    login(app_client, world, "trust_person")
    assert _upload(app_client, _png("blue"), "f.png", "image/png").status_code == 200
    app_client.cookies.clear()
    login(app_client, world, "client")
    card = app_client.get(f"{WEB}/shortlists/{world['shortlist1']}")
    assert card.status_code == 200
    assert IMG.findall(card.text) == ["Foto van Anna Aalders"]
    app_client.cookies.clear()
    login(app_client, world, "client2")
    other = app_client.get(f"{WEB}/shortlists/{world['shortlist1']}")
    assert other.status_code == 404
    assert "data:image" not in other.text
    app_client.cookies.clear()
    anonymous = app_client.get(f"{WEB}/shortlists/{world['shortlist1']}")
    assert "data:image" not in anonymous.text
