"""The annual report on a real database: periods clipped to the year, hours pro rata by day,
changes of trust person with their reason, scopes, and the documents read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime

import pypdf
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import (
    make_assignment,
    make_certification,
    make_need,
    make_organisation,
    make_trust_person,
)
from vppool.db.models import AuditEntry, TrustPerson
from vppool.errors import NotFound, PermissionDenied, ValidationFailed
from vppool.services import annual_report, assignments, compliance
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, NeedKind, Role
from vppool.web import documents

pytestmark = pytest.mark.integration

TODAY = date(2027, 2, 10)
#: Free text a client wrote: it must never reach a report.
SECRET = "Melding over afdeling Inkoop"


@pytest.fixture(name="clock", autouse=True)
def fx_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Today is ``TODAY`` where the reports read it (``Settings.today``); ``clock`` moves it."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(Settings, "today", lambda _self: day)

    set_today(TODAY)
    return set_today


@pytest.fixture(name="client_year")
def fx_client_year(engine: Engine) -> dict[str, int]:
    """Zorggroep Een in 2026.

    Şebnem Yilmaz (with a dotless i in the data, so every letter must print) holds the
    standing seat until 1 July (ended early), then Pieter de Vries; Anna Aalders serves an
    aftercare need in March; a proposal never counts; another client's VP never shows.
    """
    with Session(engine) as session:
        org = make_organisation(session, name="Zorggroep Een")
        other = make_organisation(session, name="School Twee")
        sebnem = make_trust_person(session, first_name="Şebnem", last_name="Y\u0131lmaz")
        pieter = make_trust_person(session, first_name="Pieter", last_name="de Vries")
        anna = make_trust_person(session, first_name="Anna", last_name="Aalders")
        stranger = make_trust_person(session, first_name="Olga", last_name="Oosting")
        for person in (sebnem, pieter, anna, stranger):
            make_certification(session, trust_person=person)
        standing = make_need(
            session,
            organisation=org,
            title=SECRET,
            description=SECRET,
            starts_on=date(2025, 6, 1),
            expected_hours_per_month=4,
        )
        held = make_assignment(session, need=standing, trust_person=sebnem)
        session.flush()
        assert held.id is not None
        # Ended early by a planner (the audit log records it), then Pieter takes the seat.
        assignments.end_assignment(session, assignment_id=held.id, on=date(2026, 7, 1))
        make_assignment(session, need=standing, trust_person=pieter, starts_on=date(2026, 7, 1))
        aftercare = make_need(
            session,
            organisation=org,
            kind=NeedKind.AFTERCARE,
            title=SECRET,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 4, 1),
            expected_hours_per_month=10,
        )
        make_assignment(session, need=aftercare, trust_person=anna)
        make_assignment(
            session,
            need=aftercare,
            trust_person=stranger,
            seat=2,
            status=AssignmentStatus.PROPOSED,
        )
        elsewhere = make_need(session, organisation=other, starts_on=date(2026, 1, 1))
        make_assignment(session, need=elsewhere, trust_person=stranger)
        session.commit()
        assert org.id is not None and other.id is not None  # noqa: PT018
        return {"org": org.id, "other": other.id}


def _report(
    engine: Engine, settings: Settings, organisation_id: int, **kwargs: object
) -> annual_report.AnnualReport:
    with Session(engine) as session:
        return annual_report.annual_report(
            session,
            settings,
            organisation_id=organisation_id,
            year=2026,
            **kwargs,  # type: ignore[arg-type]
        )


def test_a_clients_year_holds_its_confirmed_periods_clipped_to_the_year(
    engine: Engine, settings: Settings, client_year: dict[str, int]
) -> None:
    report = _report(engine, settings, client_year["org"])
    periods = [
        (p.name, p.need_kind, p.first_day, p.last_day, p.planned_hours) for p in report.periods
    ]
    assert periods == [
        ("Şebnem Y\u0131lmaz", NeedKind.STANDING, date(2026, 1, 1), date(2026, 6, 30), 24.0),
        ("Anna Aalders", NeedKind.AFTERCARE, date(2026, 3, 1), date(2026, 3, 31), 10.0),
        ("Pieter de Vries", NeedKind.STANDING, date(2026, 7, 1), date(2026, 12, 31), 24.0),
    ]
    assert report.planned_hours == 58.0
    assert report.trust_persons == 3
    assert report.covered_days == 365
    (change,) = report.changes
    assert (change.on, change.before, change.after, change.reason) == (
        date(2026, 7, 1),
        "Şebnem Y\u0131lmaz",
        "Pieter de Vries",
        "ended_early",
    )
    assert {s.name for s in report.standings} == {
        "Şebnem Y\u0131lmaz",
        "Pieter de Vries",
        "Anna Aalders",
    }
    assert report.as_of == date(2026, 12, 31)


def test_the_running_year_stops_today(
    engine: Engine, settings: Settings, client_year: dict[str, int], clock: Callable[[date], None]
) -> None:
    clock(date(2026, 3, 15))
    with Session(engine) as session:
        report = annual_report.annual_report(
            session, settings, organisation_id=client_year["org"], year=2026
        )
    assert report.as_of == date(2026, 3, 15)
    assert max(p.last_day for p in report.periods) == date(2026, 3, 15)
    assert report.changes == []


def test_the_pdf_and_csv_name_the_vps_and_hours_and_nothing_a_client_wrote(
    engine: Engine, settings: Settings, client_year: dict[str, int]
) -> None:
    report = _report(engine, settings, client_year["org"])
    text = "\n".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(documents.annual_report_pdf(report))).pages
    )
    flat = " ".join(text.split())
    assert "Jaarverslag 2026: Zorggroep Een" in flat
    for name in ("Şebnem Y\u0131lmaz", "Pieter de Vries", "Anna Aalders"):
        assert name in flat
    assert "Olga" not in flat
    assert "Geplande uren 58,0" in flat
    assert "Eerder beëindigd" in flat
    assert "Inkoop" not in flat
    assert "Melding" not in flat
    rows = list(
        csv.reader(
            io.StringIO(documents.annual_report_csv(report).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Vertrouwenspersoon", "Soort", "Eerste dag", "Laatste dag", "Geplande uren"]
    assert rows[1] == ["Şebnem Y\u0131lmaz", "Vast", "2026-01-01", "2026-06-30", "24.0"]
    assert all(SECRET not in cell for row in rows for cell in row)
    english = " ".join(
        pypdf.PdfReader(io.BytesIO(documents.annual_report_pdf(report, "en")))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Annual report 2026: Zorggroep Een" in english


def test_the_providers_year_has_a_line_per_client_served(
    engine: Engine, settings: Settings, client_year: dict[str, int]
) -> None:
    with Session(engine) as session:
        report = annual_report.provider_report(session, settings, year=2026)
    lines = {line.organisation_name: line for line in report.organisations}
    assert set(lines) == {"Zorggroep Een", "School Twee"}
    assert lines["Zorggroep Een"].planned_hours == 58.0
    assert lines["Zorggroep Een"].changes == 1
    assert lines["School Twee"].trust_persons == 1
    assert sum(report.certification.values()) == 4
    text = " ".join(
        pypdf.PdfReader(io.BytesIO(documents.provider_report_pdf(report)))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Jaarverslag 2026: alle klanten" in text


def test_who_may_read_which_year(
    engine: Engine, settings: Settings, client_year: dict[str, int]
) -> None:
    contact = Viewer(1, Role.CLIENT, "contact", organisation_id=client_year["other"])
    with pytest.raises(NotFound):
        _report(engine, settings, client_year["org"], viewer=contact)
    person = Viewer(2, Role.TRUST_PERSON, "vp", trust_person_id=1)
    with pytest.raises(PermissionDenied):
        _report(engine, settings, client_year["org"], viewer=person)
    own = Viewer(3, Role.CLIENT, "own", organisation_id=client_year["org"])
    assert _report(engine, settings, client_year["org"], viewer=own).trust_persons == 3
    with Session(engine) as session, pytest.raises(PermissionDenied):
        annual_report.provider_report(session, settings, year=2026, viewer=own)
    with Session(engine) as session, pytest.raises(ValidationFailed):
        annual_report.annual_report(
            session, settings, organisation_id=client_year["org"], year=2028
        )


def test_a_change_on_new_years_day_and_offered_time_counted_once(
    engine: Engine, settings: Settings, clock: Callable[[date], None]
) -> None:
    """Bram serves until 31 Dec 2025 (his term ran out), Cora from 1 Jan 2026 on two needs."""
    with Session(engine) as session:
        org = make_organisation(session, name="Gemeente Drie")
        bram = make_trust_person(session, first_name="Bram", last_name="Bos")
        cora = make_trust_person(session, first_name="Cora", last_name="Cox")
        standing = make_need(session, organisation=org, starts_on=date(2025, 1, 1))
        make_assignment(
            session,
            need=standing,
            trust_person=bram,
            ends_on=date(2026, 1, 1),
            status=AssignmentStatus.ENDED,  # as the daily lifecycle leaves a term that ran out
        )
        make_assignment(session, need=standing, trust_person=cora, starts_on=date(2026, 1, 1))
        other = make_need(
            session,
            organisation=org,
            kind=NeedKind.REORGANISATION,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
        )
        make_assignment(session, need=other, trust_person=cora)
        session.commit()
        org_id = org.id
        assert org_id is not None
        report = annual_report.annual_report(session, settings, organisation_id=org_id, year=2026)
        clock(date(2026, 1, 31))
        january = annual_report.annual_report(session, settings, organisation_id=org_id, year=2026)
    (change,) = report.changes
    assert (change.on, change.before, change.after, change.reason) == (
        date(2026, 1, 1),
        "Bram Bos",
        "Cora Cox",
        "period_ended",
    )
    assert all(p.name == "Cora Cox" for p in report.periods)
    # Cora's January counts once although she held two of the client's needs then: the
    # factories give every VP the same weekly hours, so January's offered time is one VP's.
    assert january.offered_hours == pytest.approx(report.offered_hours * 31 / 365, rel=0.2)


def test_csv_cells_a_spreadsheet_would_run_are_text(engine: Engine, settings: Settings) -> None:
    with Session(engine) as session:
        org = make_organisation(session, name="Formules BV")
        person = make_trust_person(session, first_name="=HYPERLINK", last_name="x")
        need = make_need(session, organisation=org, starts_on=date(2026, 1, 1))
        make_assignment(session, need=need, trust_person=person)
        session.commit()
        assert org.id is not None
        report = annual_report.annual_report(session, settings, organisation_id=org.id, year=2026)
    rows = list(
        csv.reader(
            io.StringIO(documents.annual_report_csv(report).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[1][0] == "'=HYPERLINK x"


def test_the_providers_pool_is_the_pool_on_the_last_day_of_the_year(
    engine: Engine, settings: Settings, client_year: dict[str, int]
) -> None:
    """Archived after the year: still counted; archived within it: not; back again: counted."""
    with Session(engine) as session:
        people = {p.first_name: p for p in session.exec(select(TrustPerson)).all()}
        ids = {name: person.id for name, person in people.items()}
        moves = [  # (who, archived or back, when in UTC), as the archive pages record them
            ("Anna", False, datetime(2027, 1, 5, 9, tzinfo=UTC)),
            ("Olga", False, datetime(2026, 11, 2, 9, tzinfo=UTC)),
            ("Pieter", False, datetime(2026, 5, 1, 9, tzinfo=UTC)),
            ("Pieter", True, datetime(2026, 6, 1, 9, tzinfo=UTC)),
            # 00:30 on 1 January 2027 in Amsterdam is still 31 December in UTC: after the year.
            ("Şebnem", False, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)),
        ]
        for name, active, when in moves:
            people[name].active = active
            session.add(people[name])
            session.add(
                AuditEntry(
                    at=when,
                    actor_label="planner",
                    action="trust_person_reactivated" if active else "trust_person_deactivated",
                    entity_type="trust_person",
                    entity_id=ids[name],
                    details={},
                )
            )
        session.commit()
        assert compliance.pool_on(session, settings, date(2026, 12, 31)) == {
            ids["Anna"],
            ids["Pieter"],
            ids["Şebnem"],
        }
        assert compliance.pool_on(session, settings, date(2026, 5, 15)) == set(ids.values()) - {
            ids["Pieter"]
        }
        report = annual_report.provider_report(session, settings, year=2026)
    assert sum(report.certification.values()) == 3  # Olga left in November
