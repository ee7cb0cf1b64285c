"""The insight page's figures: use per month, standing seats by province, education."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import (
    make_assignment,
    make_certification,
    make_need,
    make_organisation,
    make_site,
    make_trust_person,
)
from vppool.services import insight
from vppool.services.insight import EducationCount, ProvinceFill
from vppool.settings import Settings

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 3)


def test_a_point_lies_in_the_province_of_its_nearest_place() -> None:
    assert insight.province_of(52.09, 5.12) == "Utrecht"
    assert insight.province_of(53.22, 6.57) == "Groningen"
    assert insight.province_of(51.44, 5.48) == "Noord-Brabant"  # Eindhoven


def test_the_figures_count_seats_by_province_hours_per_month_and_education(
    engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        utrecht = make_organisation(session)
        make_site(session, organisation=utrecht, is_main=True)
        groningen = make_organisation(session)
        make_site(session, organisation=groningen, latitude=53.22, longitude=6.57, is_main=True)
        certified = make_trust_person(session, capacity_hours_per_month=20)
        make_certification(
            session,
            trust_person=certified,
            issued_on=TODAY - timedelta(days=400),
            expires_on=TODAY + timedelta(days=1000),
        )
        make_trust_person(session, capacity_hours_per_month=10)  # no certificate
        make_trust_person(session, active=False)  # not counted anywhere
        running = {"starts_on": TODAY - timedelta(days=60), "ends_on": None}
        two_seats = make_need(
            session, organisation=utrecht, seats=2, expected_hours_per_month=4, **running
        )
        make_need(session, organisation=groningen, **running)
        make_need(session, organisation=groningen, starts_on=TODAY + timedelta(days=30))
        make_assignment(session, need=two_seats, trust_person=certified)
        session.commit()

        found = insight.insight(session, TODAY)
        education = insight.education_counts(session, settings, TODAY)

    assert found.provinces == [ProvinceFill("Utrecht", 2, 1), ProvinceFill("Groningen", 1, 0)]
    assert len(found.use) == 12
    assert found.use[0].month == date(2026, 12, 1)
    assert {m.capacity_hours for m in found.use} == {30.0}
    # The assignment runs through every month of the year ahead: 4 hours each.
    assert [m.planned_hours for m in found.use] == [4.0] * 12
    assert found.use[0].percent == 13
    counts = {e.status: e.people for e in education}
    assert counts["no_certificate"] == 1
    assert sum(counts.values()) == 2
    assert [e.status for e in education] == [
        "compliant",
        "at_risk",
        "non_compliant",
        "no_certificate",
    ]
    assert EducationCount("no_certificate", 1) in education
