"""The pool's maintenance pages: the list (filters, sort, pages, CSV) and a VP's records."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from httpx import Response
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import make_trust_person
from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.db.models import AuditEntry, Certification, EducationRecord, TrustPerson
from vppool.web import _pool
from vppool.web._catalogue import DUTCH

pytestmark = pytest.mark.integration


def _names(html: str) -> list[str]:
    """The VPs listed on a pool page, in order ("Surname, First name")."""
    return re.findall(r'<a href="/app/pool/\d+">([^<]+)</a>', html)


def _english(client: TestClient) -> None:
    client.cookies.set("vppool_lang", "en")


@pytest.fixture(name="planner")
def fx_planner(app_client: TestClient, world: World, engine: Engine) -> TestClient:
    """A logged-in planner; the pool also holds two VPs whose surnames have a particle."""
    with Session(engine) as session:
        make_trust_person(
            session, first_name="Pieter", last_name="de Jonge", languages=["nl", "tr"]
        )
        make_trust_person(
            session,
            first_name="Anna",
            last_name="van den Berg",
            scopes=["integrity"],
            active=False,
        )
        session.commit()
    login(app_client, world, "planner")
    return app_client


# --------------------------------------------------------------------------- the list


def test_the_pool_sorts_dutch_surnames_by_the_name_not_the_particle(planner: TestClient) -> None:
    page = planner.get(f"{WEB}/pool?active=")
    assert page.status_code == 200, page.text[:500]
    assert _names(page.text) == [
        "Aalders, Anna",
        "Bakker, Bram",
        "van den Berg, Anna",
        "Claassen, Cees",
        "de Jonge, Pieter",
    ]
    backwards = planner.get(f"{WEB}/pool?active=&sort=-last_name")
    assert _names(backwards.text) == list(reversed(_names(page.text)))


def test_the_pool_shows_active_vps_unless_asked_for_archived_ones(planner: TestClient) -> None:
    assert "van den Berg, Anna" not in _names(planner.get(f"{WEB}/pool").text)
    archived = planner.get(f"{WEB}/pool?active=no")
    assert _names(archived.text) == ["van den Berg, Anna"]
    assert "gearchiveerd" in archived.text


def test_the_pool_filters_by_name_scope_and_language(planner: TestClient) -> None:
    assert _names(planner.get(f"{WEB}/pool?search=jonge").text) == ["de Jonge, Pieter"]
    assert _names(planner.get(f"{WEB}/pool?language=tr").text) == ["de Jonge, Pieter"]
    by_scope = planner.get(f"{WEB}/pool?scope=integrity&active=")
    assert "van den Berg, Anna" in _names(by_scope.text)
    # The chosen filters are kept in the form.
    assert '<option value="tr" selected>' in planner.get(f"{WEB}/pool?language=tr").text


def test_unknown_filter_values_fall_back_to_no_filter(planner: TestClient) -> None:
    page = planner.get(f"{WEB}/pool?scope=nonsense&language=xx&sort=evil&offset=-4")
    assert page.status_code == 200
    assert len(_names(page.text)) == 4


def test_the_pool_pages_and_the_pager_keeps_the_filters(
    planner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_pool.POOL.__dict__, "page_size", 2)  # a frozen declaration
    first = planner.get(f"{WEB}/pool?language=nl")
    assert _names(first.text) == ["Aalders, Anna", "Bakker, Bram"]
    assert "1\N{EN DASH}2 van 4" in first.text
    assert 'href="/app/pool?language=nl&amp;offset=2"' in first.text
    second = planner.get(f"{WEB}/pool?language=nl&offset=2")
    assert _names(second.text) == ["Claassen, Cees", "de Jonge, Pieter"]


def test_the_csv_export_holds_every_matching_vp_in_the_pages_language(
    planner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_pool.POOL.__dict__, "page_size", 1)
    page = planner.get(f"{WEB}/pool?scope=unwanted_behaviour")
    assert 'href="/app/pool.csv?scope=unwanted_behaviour"' in page.text
    export = planner.get(f"{WEB}/pool.csv?scope=unwanted_behaviour")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert 'filename="pool.csv"' in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Achternaam", "Voornaam", "E-mail"]
    assert [row[0] for row in rows[1:]] == ["Aalders", "Bakker", "Claassen", "de Jonge"]

    _english(planner)
    english = planner.get(f"{WEB}/pool.csv?search=jonge")
    rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Surname", "First name"]
    assert rows[1][:2] == ["de Jonge", "Pieter"]
    assert rows[1][rows[0].index("Languages")] == "nl, tr"


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(
    planner: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        make_trust_person(session, first_name="=HYPERLINK(1)", last_name="Zwart")
        session.commit()
    export = planner.get(f"{WEB}/pool.csv?search=zwart")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Zwart", "'=HYPERLINK(1)"]


def test_only_planners_see_the_pool_and_its_export(app_client: TestClient, world: World) -> None:
    for role in ("client", "trust_person"):
        login(app_client, world, role)
        assert app_client.get(f"{WEB}/pool").status_code == 404
        assert app_client.get(f"{WEB}/pool.csv").status_code == 404


# --------------------------------------------------------------------------- a VP's profile


def _profile(**changes: object) -> dict[str, object]:
    """A new VP's profile as the form sends it."""
    values: dict[str, object] = {
        "first_name": "Fatima",
        "last_name": "el Amrani",
        "email": "fatima@vp.example",
        "phone": "",
        "scopes": ["unwanted_behaviour", "integrity"],
        "languages": ["nl", "ar"],
        "sectors": ["zorg"],
        "capacity_hours_per_month": "20",
        "capacity_standing_clients": "5",
        "home_postcode": "3511 AB",
        "home_municipality": "Utrecht",
        "home_latitude": "52.09",
        "home_longitude": "5.12",
        "max_travel_km": "45",
        "gender": "female",
        "birth_year": "1980",
        "background_tags": "Bicultureel, marokkaans",
    }
    values.update(changes)
    return values


def _post(client: TestClient, path: str, data: dict[str, object]) -> Response:
    form = client.get(WEB + path)
    assert form.status_code == 200, form.text[:500]
    return client.post(WEB + path, data={**data, "_csrf_token": csrf_of(form.text)})


def test_a_planner_adds_a_trust_person(planner: TestClient, engine: Engine) -> None:
    added = _post(planner, "/pool/new", _profile())
    assert added.status_code == 200, added.text[:800]
    assert "De vertrouwenspersoon is aan de pool toegevoegd." in added.text
    assert "Fatima el Amrani" in added.text
    with Session(engine) as session:
        person = session.exec(
            select(TrustPerson).where(TrustPerson.email == "fatima@vp.example")
        ).one()
        assert person.languages == ["nl", "ar"]
        assert person.background_tags == ["bicultureel", "marokkaans"]
        assert person.capacity_hours_per_month == 20
        assert person.phone is None
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "trust_person_created")
        ).one()
        assert entry.entity_id == person.id


def test_a_wrong_profile_is_shown_again_with_dutch_messages_and_the_values_kept(
    planner: TestClient,
) -> None:
    answer = _post(
        planner,
        "/pool/new",
        _profile(
            first_name="", email="fatima@vp", home_latitude="48.1", capacity_hours_per_month="veel"
        ),
    )
    assert answer.status_code == 422
    text = answer.text
    assert "Verbeter de gemarkeerde velden hieronder." in text
    assert re.search(r'id="first_name-error"[^>]*><p>Vul dit veld in\.', text)
    assert 'id="capacity_hours_per_month-error"><p>Vul een getal in.' in text
    assert 'id="home_latitude-error"' in text
    assert 'id="email-error"' in text
    # What was typed stays.
    assert 'value="veel"' in text
    assert 'value="el Amrani"' in text
    assert 'value="ar" checked' in text
    assert 'value="Bicultureel, marokkaans"' in text
    assert "Field required" not in text


def test_the_same_profile_form_in_english(planner: TestClient) -> None:
    _english(planner)
    answer = _post(planner, "/pool/new", _profile(last_name=""))
    assert answer.status_code == 422
    assert 'id="last_name-error"><p>This field is required.' in answer.text
    assert "New trust person" in answer.text


def test_an_e_mail_address_in_use_is_refused_next_to_its_field(
    planner: TestClient, world: World, engine: Engine
) -> None:
    with Session(engine) as session:
        taken = session.get(TrustPerson, world["vp2"])
        assert taken is not None
        email = taken.email
    answer = _post(planner, "/pool/new", _profile(email=email))
    assert answer.status_code == 422
    assert 'id="email-error"><p>Dit e-mailadres hoort al bij een andere' in answer.text


def test_a_planner_edits_a_profile_and_clears_optional_fields(
    planner: TestClient, world: World, engine: Engine
) -> None:
    vp1 = world["vp1"]
    form = planner.get(f"{WEB}/pool/{vp1}/edit")
    assert 'value="Aalders"' in form.text
    assert 'value="030-1234567"' in form.text
    assert 'value="bicultureel"' in form.text
    saved = _post(
        planner,
        f"/pool/{vp1}/edit",
        _profile(
            first_name="Anna",
            last_name="Aalders-de Wit",
            email="anna@vp.example",
            phone="",
            gender="",
            birth_year="",
            background_tags="",
        ),
    )
    assert saved.status_code == 200, saved.text[:800]
    assert "Het profiel is opgeslagen." in saved.text
    with Session(engine) as session:
        person = session.get(TrustPerson, vp1)
        assert person is not None
        assert (person.last_name, person.phone, person.gender, person.birth_year) == (
            "Aalders-de Wit",
            None,
            None,
            None,
        )
        assert person.background_tags == []
        assert session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "trust_person_updated", AuditEntry.entity_id == vp1
            )
        ).first()


def test_a_wrong_edit_keeps_the_typed_values(planner: TestClient, world: World) -> None:
    answer = _post(
        planner,
        f"/pool/{world['vp1']}/edit",
        _profile(max_travel_km="900", birth_year="1800", capacity_hours_per_month=""),
    )
    assert answer.status_code == 422
    assert 'id="max_travel_km-error"><p>Mag hoogstens 400 zijn.' in answer.text
    assert 'id="birth_year-error"><p>Moet minstens 1930 zijn.' in answer.text
    assert 'value="900"' in answer.text
    # An emptied capacity is missing, not silently the default.
    assert 'id="capacity_hours_per_month-error"><p>Vul dit veld in.' in answer.text
    assert "Anna Aalders" in answer.text  # the subject above the heading


def test_a_planner_archives_and_reactivates_a_trust_person(
    planner: TestClient, world: World, engine: Engine
) -> None:
    vp2 = world["vp2"]
    page = planner.get(f"{WEB}/pool/{vp2}")
    archived = planner.post(f"{WEB}/pool/{vp2}/archive", data={"_csrf_token": csrf_of(page.text)})
    assert "De vertrouwenspersoon is gearchiveerd" in archived.text
    assert "Weer actief maken" in archived.text
    assert "Bakker, Bram" not in _names(planner.get(f"{WEB}/pool").text)
    back = planner.post(
        f"{WEB}/pool/{vp2}/reactivate", data={"_csrf_token": csrf_of(archived.text)}
    )
    assert "De vertrouwenspersoon doet weer mee in de planning." in back.text
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == vp2).order_by(AuditEntry.id)
        ).all()
        assert actions[-2:] == ["trust_person_deactivated", "trust_person_reactivated"]


def test_only_planners_keep_the_pool(app_client: TestClient, world: World) -> None:
    login(app_client, world, "trust_person")
    assert app_client.get(f"{WEB}/pool/new").status_code == 404
    assert app_client.get(f"{WEB}/pool/{world['vp1']}/edit").status_code == 404


def test_archiving_asks_once_and_says_what_happens(planner: TestClient, world: World) -> None:
    asked = planner.get(f"{WEB}/pool/{world['vp2']}/archive")
    assert asked.status_code == 200
    assert "Bram Bakker archiveren?" in asked.text
    assert "De geschiedenis blijft bewaard" in asked.text
    _english(planner)
    assert "Archive Bram Bakker?" in planner.get(f"{WEB}/pool/{world['vp2']}/archive").text


# --------------------------------------------------------------------------- certificates


def test_a_planner_records_changes_and_deletes_a_certificate(
    planner: TestClient, world: World, engine: Engine
) -> None:
    vp3 = world["vp3"]
    added = _post(
        planner,
        f"/pool/{vp3}/certificates/new",
        {"number": "LVV-2026-0042", "issued_on": "2026-01-15", "expires_on": "2030-01-15"},
    )
    assert added.status_code == 200, added.text[:800]
    assert "Het certificaat is vastgelegd." in added.text
    assert "LVV-2026-0042" in added.text
    with Session(engine) as session:
        certificate = session.exec(
            select(Certification).where(Certification.number == "LVV-2026-0042")
        ).one()
        key = certificate.id
    form = planner.get(f"{WEB}/pool/{vp3}/certificates/{key}/edit")
    assert 'value="2030-01-15"' in form.text
    saved = _post(
        planner,
        f"/pool/{vp3}/certificates/{key}/edit",
        {"number": "LVV-2026-0042", "issued_on": "2026-01-15", "expires_on": "2030-02-01"},
    )
    assert "Het certificaat is opgeslagen." in saved.text
    asked = planner.get(f"{WEB}/pool/{vp3}/certificates/{key}/delete")
    assert "Certificaat LVV-2026-0042 verwijderen?" in asked.text
    deleted = planner.post(
        f"{WEB}/pool/{vp3}/certificates/{key}/delete", data={"_csrf_token": csrf_of(asked.text)}
    )
    assert "Het certificaat is verwijderd." in deleted.text
    with Session(engine) as session:
        assert session.get(Certification, key) is None
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "certification", AuditEntry.entity_id == key)
            .order_by(AuditEntry.id)
        ).all()
        assert actions == [
            "certification_created",
            "certification_updated",
            "certification_deleted",
        ]


def test_a_wrong_certificate_shows_the_message_next_to_its_field(
    planner: TestClient, world: World
) -> None:
    answer = _post(
        planner,
        f"/pool/{world['vp3']}/certificates/new",
        {"number": "LVV-9", "issued_on": "2026-01-15", "expires_on": "2025-01-15"},
    )
    assert answer.status_code == 422
    assert 'id="expires_on-error"><p>De vervaldatum' in answer.text
    assert 'value="LVV-9"' in answer.text
    assert 'value="2025-01-15"' in answer.text
    _english(planner)
    english = _post(
        planner,
        f"/pool/{world['vp3']}/certificates/new",
        {"number": "", "issued_on": "15-01-2026", "expires_on": "2030-01-15"},
    )
    assert 'id="number-error"><p>This field is required.' in english.text
    assert 'id="issued_on-error"><p>Enter a date' in english.text


def test_another_vps_certificate_looks_absent(planner: TestClient, world: World) -> None:
    page = planner.get(f"{WEB}/pool/{world['vp3']}/certificates/{world['cert1']}/edit")
    assert page.status_code == 404


# --------------------------------------------------------------------------- education


def test_a_planner_adds_changes_and_deletes_an_education_record(
    planner: TestClient, world: World, engine: Engine
) -> None:
    vp3 = world["vp3"]
    added = _post(
        planner,
        f"/pool/{vp3}/education/new",
        {
            "category": "accredited_course",
            "title": "Omgaan met agressie",
            "hours": "6.5",
            "completed_on": "2026-02-10",
        },
    )
    assert added.status_code == 200, added.text[:800]
    assert "De scholing is toegevoegd." in added.text
    assert "Omgaan met agressie" in added.text
    with Session(engine) as session:
        record = session.exec(
            select(EducationRecord).where(EducationRecord.trust_person_id == vp3)
        ).one()
        key = record.id
    form = planner.get(f"{WEB}/pool/{vp3}/education/{key}/edit")
    assert 'value="Omgaan met agressie"' in form.text
    saved = _post(
        planner,
        f"/pool/{vp3}/education/{key}/edit",
        {
            "category": "other",
            "title": "Omgaan met agressie",
            "hours": "8",
            "completed_on": "2026-02-10",
        },
    )
    assert "De scholing is opgeslagen." in saved.text
    with Session(engine) as session:
        record = session.get(EducationRecord, key)
        assert record is not None
        assert (record.hours, record.accredited) == (8, False)
    asked = planner.get(f"{WEB}/pool/{vp3}/education/{key}/delete")
    assert "De scholing Omgaan met agressie verwijderen?" in asked.text
    deleted = planner.post(
        f"{WEB}/pool/{vp3}/education/{key}/delete", data={"_csrf_token": csrf_of(asked.text)}
    )
    assert "De scholing is verwijderd." in deleted.text
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "education_record", AuditEntry.entity_id == key)
            .order_by(AuditEntry.id)
        ).all()
        assert actions == [
            "education_record_created",
            "education_record_updated",
            "education_record_deleted",
        ]


def test_a_changed_education_record_is_checked_like_a_new_one(
    planner: TestClient, world: World
) -> None:
    vp1, key = world["vp1"], world["edu1_spare"]
    # 8 h are already recorded on 1 March 2026; this record would add 20 h that day.
    answer = _post(
        planner,
        f"/pool/{vp1}/education/{key}/edit",
        {
            "category": "other",
            "title": "Vakliteratuur",
            "hours": "20",
            "completed_on": "2026-03-01",
        },
    )
    assert answer.status_code == 422
    assert (
        'id="hours-error"><p>20 uur op 1 mrt 2026 maakt 28 uur die dag (8 uur al vastgelegd)'
        in answer.text
    )
    assert 'value="20"' in answer.text
    # Its own hours do not count against it.
    same_day = _post(
        planner,
        f"/pool/{vp1}/education/{world['edu1']}/edit",
        {
            "category": "accredited_course",
            "title": "Training",
            "hours": "16",
            "completed_on": "2026-03-01",
        },
    )
    assert "De scholing is opgeslagen." in same_day.text


def test_a_wrong_education_record_is_refused_in_english_too(
    planner: TestClient, world: World
) -> None:
    _english(planner)
    answer = _post(
        planner,
        f"/pool/{world['vp3']}/education/new",
        {"category": "other", "title": "", "hours": "0", "completed_on": "2026-02-10"},
    )
    assert answer.status_code == 422
    assert 'id="title-error"><p>This field is required.' in answer.text
    assert 'id="hours-error"><p>Must be more than 0.' in answer.text


_FORMS = [
    "/pool/new",
    "/pool/{vp1}/edit",
    "/pool/{vp1}/certificates/new",
    "/pool/{vp1}/certificates/{cert1}/edit",
    "/pool/{vp1}/education/new",
    "/pool/{vp1}/education/{edu1_spare}/edit",
]


def _dutch_text(message: str) -> bool:
    """Whether ``message`` is one of the catalogue's Dutch texts (values filled in)."""
    for dutch in DUTCH.values():
        pattern = re.escape(dutch)
        pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
        if re.fullmatch(pattern, message):
            return True
    return False


@pytest.mark.parametrize("path", _FORMS)
def test_every_pool_form_sent_empty_answers_in_dutch_next_to_the_fields(
    planner: TestClient, world: World, path: str
) -> None:
    answer = _post(planner, path.format(**world.ids), {})
    assert answer.status_code == 422
    messages = re.findall(r'class="field-error" id="[^"]+"><p>([^<]+)</p>', answer.text)
    assert messages
    assert all(_dutch_text(html.unescape(message)) for message in messages), messages


def test_a_planner_erases_a_diversity_profile_after_asking_once(
    planner: TestClient, world: World, engine: Engine
) -> None:
    vp1 = world["vp1"]
    page = planner.get(f"{WEB}/pool/{vp1}")
    assert f'href="/app/pool/{vp1}/erase-diversity-profile"' in page.text
    asked = planner.get(f"{WEB}/pool/{vp1}/erase-diversity-profile")
    assert "Het diversiteitsprofiel van Anna Aalders wissen?" in asked.text
    erased = planner.post(
        f"{WEB}/pool/{vp1}/erase-diversity-profile", data={"_csrf_token": csrf_of(asked.text)}
    )
    assert "Het diversiteitsprofiel is gewist." in erased.text
    assert "erase-diversity-profile" not in erased.text
    with Session(engine) as session:
        person = session.get(TrustPerson, vp1)
        assert person is not None
        assert (person.gender, person.birth_year, person.background_tags) == (None, None, [])
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "trust_person_sensitive_attributes_erased"
            )
        ).one()
        assert "bicultureel" not in str(entry.details)
