"""The planners' overview: monthly load per VP and organisations without a standing VP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from tests.factories import (
    make_assignment,
    make_certification,
    make_need,
    make_organisation,
    make_trust_person,
)
from vppool.services import overview
from vppool.vocab import NeedKind

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)


def test_monthly_load_counts_every_confirmed_seat_pro_rata(session: Session) -> None:
    anna = make_trust_person(session, first_name="Anna", capacity_hours_per_month=20)
    bram = make_trust_person(session, first_name="Bram", last_name="Bos", active=False)
    org = make_organisation(session)
    standing = make_need(
        session, organisation=org, starts_on=date(2026, 11, 16), expected_hours_per_month=6
    )
    cover = make_need(
        session,
        organisation=org,
        kind=NeedKind.AFTERCARE,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 11),
        expected_hours_per_month=31,
    )
    make_assignment(session, need=standing, trust_person=anna)
    make_assignment(session, need=cover, trust_person=anna)
    make_assignment(session, need=cover, trust_person=bram, seat=2)
    session.commit()

    loads = overview.monthly_load(session, [date(2026, 11, 1), date(2026, 12, 1)])
    assert [load.trust_person_id for load in loads] == [anna.id]  # only active VPs
    (load,) = loads
    assert load.capacity_hours_per_month == 20
    # November: 6 h x 15 of 30 days; December: 6 h whole month + 31 h x 10 of 31 days.
    assert load.hours == [3.0, 16.0]


def test_uncovered_organisations_need_a_current_certified_vp(session: Session) -> None:
    covered, lapsed, empty, cover_only = (
        make_organisation(session, name=name) for name in ("Covered", "Lapsed", "Empty", "Cover")
    )
    valid = make_trust_person(session)
    make_certification(session, trust_person=valid)
    expired = make_trust_person(session)
    make_certification(
        session, trust_person=expired, issued_on=date(2018, 1, 1), expires_on=date(2022, 1, 1)
    )
    start = date(2026, 1, 1)
    make_assignment(
        session, need=make_need(session, organisation=covered, starts_on=start), trust_person=valid
    )
    make_assignment(
        session, need=make_need(session, organisation=lapsed, starts_on=start), trust_person=expired
    )
    make_need(session, organisation=empty, starts_on=start)
    make_need(
        session, organisation=cover_only, kind=NeedKind.AFTERCARE, starts_on=start,
        ends_on=date(2027, 1, 1),
    )  # fmt: skip
    session.commit()

    found = overview.uncovered_organisations(session, TODAY)
    assert [(o.name, o.reason) for o in found] == [
        ("Empty", "no VP on the standing need"),
        ("Lapsed", "certificate of the VP expired"),
    ]
