"""A trust person's own records: certificates, education, absences and availability."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbutil import table_counts
from tests.factories import day, make_certification, make_trust_person, make_user, typed, typed_list
from vppool.db.models import User
from vppool.db.schemas import (
    AbsenceCreate,
    AbsenceUpdate,
    CertificationCreate,
    CertificationUpdate,
    DateOverrideCreate,
    EducationRecordCreate,
    WeeklyAvailabilityCreate,
)
from vppool.errors import NotFound, PermissionDenied, ValidationFailed
from vppool.services import trust_persons as service
from vppool.services.access import Viewer

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


# --------------------------------------------------------------------------- certificates


def test_add_certification_and_list_latest_expiry_first(session: Session) -> None:
    person = make_trust_person(session)
    older = service.add_certification(
        session,
        trust_person_id=person.id,
        data=typed(
            CertificationCreate,
            {"number": "LVV-1", "issued_on": day(-3000), "expires_on": day(-1540)},
        ),
    )
    newer = service.add_certification(
        session,
        trust_person_id=person.id,
        data=typed(
            CertificationCreate,
            {"number": "LVV-2", "issued_on": day(-100), "expires_on": day(1360)},
        ),
    )
    listed = service.list_certifications(session, trust_person_id=person.id)
    assert [c.id for c in listed] == [newer.id, older.id]
    assert newer.revision == 0


def test_add_certification_refuses_expiry_before_issue(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_certification(
            session,
            trust_person_id=person.id,
            data=typed(
                CertificationCreate, {"number": "LVV-1", "issued_on": day(0), "expires_on": day(-1)}
            ),
        )
    assert _fields(caught.value) == {"expires_on"}


def test_add_certification_refuses_number_already_used(session: Session) -> None:
    make_certification(session, trust_person=make_trust_person(session), number="LVV-7")
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_certification(
            session,
            trust_person_id=person.id,
            data=typed(
                CertificationCreate,
                {"number": "LVV-7", "issued_on": day(0), "expires_on": day(1461)},
            ),
        )
    assert _fields(caught.value) == {"number"}
    assert "already used" in caught.value.errors[0].message


def test_add_certification_for_unknown_trust_person_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.add_certification(
            session,
            trust_person_id=404,
            data=typed(
                CertificationCreate,
                {"number": "LVV-1", "issued_on": day(0), "expires_on": day(1461)},
            ),
        )


def test_update_certification_bumps_revision_and_updated_at(session: Session) -> None:
    person = make_trust_person(session)
    certificate = make_certification(session, trust_person=person)
    before_update = certificate.updated_at
    updated = service.update_certification(
        session,
        trust_person_id=person.id,
        certification_id=certificate.id,
        data=typed(CertificationUpdate, {"expires_on": day(2000)}),
    )
    assert updated.expires_on == day(2000)
    assert updated.revision == 1
    assert updated.updated_at > before_update


def test_update_certification_checks_the_merged_period(session: Session) -> None:
    """Only the expiry is given; it is checked against the stored issue date."""
    person = make_trust_person(session)
    certificate = make_certification(session, trust_person=person, issued_on=day(0))
    with pytest.raises(ValidationFailed) as caught:
        service.update_certification(
            session,
            trust_person_id=person.id,
            certification_id=certificate.id,
            data=typed(CertificationUpdate, {"expires_on": day(-10)}),
        )
    assert _fields(caught.value) == {"expires_on"}


def test_certificate_of_another_trust_person_is_not_found(session: Session) -> None:
    owner = make_trust_person(session)
    certificate = make_certification(session, trust_person=owner)
    other = make_trust_person(session)
    with pytest.raises(NotFound):
        service.delete_certification(
            session, trust_person_id=other.id, certification_id=certificate.id
        )


def test_delete_certification(session: Session) -> None:
    person = make_trust_person(session)
    certificate = make_certification(session, trust_person=person)
    service.delete_certification(
        session, trust_person_id=person.id, certification_id=certificate.id
    )
    assert service.list_certifications(session, trust_person_id=person.id) == []


# --------------------------------------------------------------------------- education


def test_add_and_delete_education_record(session: Session) -> None:
    person = make_trust_person(session)
    record = service.add_education_record(
        session,
        trust_person_id=person.id,
        data=typed(
            EducationRecordCreate,
            {
                "category": "accredited_course",
                "title": "Omgaan met klokkenluiders",
                "hours": 6,
                "completed_on": day(-10),
                "accredited": True,
            },
        ),
    )
    assert [r.id for r in service.list_education_records(session, trust_person_id=person.id)] == [
        record.id
    ]
    service.delete_education_record(
        session, trust_person_id=person.id, education_record_id=record.id
    )
    assert service.list_education_records(session, trust_person_id=person.id) == []


@pytest.mark.parametrize("hours", [-2, 0])
def test_add_education_record_refuses_hours_that_are_not_positive(
    session: Session, hours: float
) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_education_record(
            session,
            trust_person_id=person.id,
            data=typed(
                EducationRecordCreate,
                {"category": "other", "title": "Lezing", "hours": hours, "completed_on": day(0)},
            ),
        )
    assert _fields(caught.value) == {"hours"}


# --------------------------------------------------------------------------- absences


def test_add_absence_refuses_end_before_start(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_absence(
            session,
            trust_person_id=person.id,
            data=typed(AbsenceCreate, {"kind": "leave", "starts_on": day(10), "ends_on": day(3)}),
        )
    assert _fields(caught.value) == {"ends_on"}
    assert "before the first day" in caught.value.errors[0].message


def test_add_absence_refuses_unknown_kind(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_absence(
            session,
            trust_person_id=person.id,
            data=typed(AbsenceCreate, {"kind": "holiday", "starts_on": day(1), "ends_on": day(3)}),
        )
    assert _fields(caught.value) == {"kind"}


def test_update_absence_bumps_revision_and_checks_the_merged_period(session: Session) -> None:
    person = make_trust_person(session)
    absence = service.add_absence(
        session,
        trust_person_id=person.id,
        data=typed(AbsenceCreate, {"kind": "sick", "starts_on": day(1), "ends_on": day(5)}),
    )
    longer = service.update_absence(
        session,
        trust_person_id=person.id,
        absence_id=absence.id,
        data=typed(AbsenceUpdate, {"ends_on": day(9)}),
    )
    assert (longer.ends_on, longer.revision) == (day(9), 1)
    assert longer.updated_at > absence.updated_at
    with pytest.raises(ValidationFailed) as caught:
        service.update_absence(
            session,
            trust_person_id=person.id,
            absence_id=absence.id,
            data=typed(AbsenceUpdate, {"starts_on": day(9)}),
        )
    assert _fields(caught.value) == {"ends_on"}


def test_list_and_delete_absences(session: Session) -> None:
    person = make_trust_person(session)
    later = service.add_absence(
        session,
        trust_person_id=person.id,
        data=typed(AbsenceCreate, {"kind": "leave", "starts_on": day(20), "ends_on": day(30)}),
    )
    earlier = service.add_absence(
        session,
        trust_person_id=person.id,
        data=typed(AbsenceCreate, {"kind": "training", "starts_on": day(2), "ends_on": day(3)}),
    )
    listed = service.list_absences(session, trust_person_id=person.id)
    assert [a.id for a in listed] == [earlier.id, later.id]
    service.delete_absence(session, trust_person_id=person.id, absence_id=later.id)
    assert [a.id for a in service.list_absences(session, trust_person_id=person.id)] == [earlier.id]


# --------------------------------------------------------------------------- weekly schedule


def _range(weekday: int, start: str, end: str) -> dict[str, object]:
    return {"weekday": weekday, "start_time": start, "end_time": end}


def test_replace_weekly_availability_replaces_the_whole_schedule(session: Session) -> None:
    person = make_trust_person(session)
    service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(WeeklyAvailabilityCreate, [_range(0, "09:00", "17:00")]),
    )
    schedule = service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(
            WeeklyAvailabilityCreate,
            [
                _range(2, "13:00", "17:00"),
                _range(2, "09:00", "12:00"),
                _range(1, "09:00", "12:00"),
            ],
        ),
    )
    assert [(r.weekday, r.start_time) for r in schedule] == [
        (1, time(9)),
        (2, time(9)),
        (2, time(13)),
    ]
    assert service.list_weekly_availability(session, trust_person_id=person.id) == schedule


def test_replace_weekly_availability_allows_touching_ranges(session: Session) -> None:
    person = make_trust_person(session)
    schedule = service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(
            WeeklyAvailabilityCreate, [_range(0, "09:00", "12:00"), _range(0, "12:00", "17:00")]
        ),
    )
    assert len(schedule) == 2


def test_replace_weekly_availability_refuses_overlap_on_the_same_weekday(
    session: Session, engine: Engine
) -> None:
    person = make_trust_person(session)
    service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(WeeklyAvailabilityCreate, [_range(4, "09:00", "12:00")]),
    )
    session.commit()
    before = table_counts(engine)
    with pytest.raises(ValidationFailed) as caught:
        service.replace_weekly_availability(
            session,
            trust_person_id=person.id,
            ranges=typed_list(
                WeeklyAvailabilityCreate,
                [
                    _range(0, "09:00", "17:00"),
                    _range(1, "10:00", "11:00"),
                    _range(0, "10:00", "11:00"),
                    _range(0, "16:00", "18:00"),
                ],
            ),
        )
    assert _fields(caught.value) == {"ranges[2].start_time", "ranges[3].start_time"}
    assert "ranges[0]" in caught.value.errors[0].message
    session.rollback()
    assert table_counts(engine) == before
    kept = service.list_weekly_availability(session, trust_person_id=person.id)
    assert [(r.weekday, r.start_time) for r in kept] == [(4, time(9))]


def test_replace_weekly_availability_names_the_bad_range(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.replace_weekly_availability(
            session,
            trust_person_id=person.id,
            ranges=typed_list(
                WeeklyAvailabilityCreate, [_range(0, "09:00", "12:00"), _range(7, "12:00", "11:00")]
            ),
        )
    assert _fields(caught.value) == {"ranges[1].weekday"}


def test_replace_weekly_availability_with_an_empty_list_clears_it(session: Session) -> None:
    person = make_trust_person(session)
    service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(WeeklyAvailabilityCreate, [_range(0, "09:00", "12:00")]),
    )
    assert (
        service.replace_weekly_availability(
            session, trust_person_id=person.id, ranges=typed_list(WeeklyAvailabilityCreate, [])
        )
        == []
    )


# --------------------------------------------------------------------------- date overrides


def test_add_list_and_delete_date_overrides(session: Session) -> None:
    person = make_trust_person(session)
    day_off = service.add_date_override(
        session, trust_person_id=person.id, data=typed(DateOverrideCreate, {"on_date": day(3)})
    )
    morning = service.add_date_override(
        session,
        trust_person_id=person.id,
        data=typed(
            DateOverrideCreate, {"on_date": day(1), "start_time": "09:00", "end_time": "12:00"}
        ),
    )
    afternoon = service.add_date_override(
        session,
        trust_person_id=person.id,
        data=typed(
            DateOverrideCreate, {"on_date": day(1), "start_time": "13:00", "end_time": "15:00"}
        ),
    )
    listed = service.list_date_overrides(session, trust_person_id=person.id)
    assert [o.id for o in listed] == [morning.id, afternoon.id, day_off.id]
    service.delete_date_override(session, trust_person_id=person.id, date_override_id=day_off.id)
    assert len(service.list_date_overrides(session, trust_person_id=person.id)) == 2


def test_add_date_override_refuses_overlap_on_the_same_date(session: Session) -> None:
    person = make_trust_person(session)
    service.add_date_override(
        session,
        trust_person_id=person.id,
        data=typed(
            DateOverrideCreate, {"on_date": day(1), "start_time": "09:00", "end_time": "12:00"}
        ),
    )
    with pytest.raises(ValidationFailed) as caught:
        service.add_date_override(
            session,
            trust_person_id=person.id,
            data=typed(
                DateOverrideCreate, {"on_date": day(1), "start_time": "11:00", "end_time": "14:00"}
            ),
        )
    assert _fields(caught.value) == {"start_time"}


def test_add_date_override_refuses_hours_on_a_day_off(session: Session) -> None:
    person = make_trust_person(session)
    service.add_date_override(
        session, trust_person_id=person.id, data=typed(DateOverrideCreate, {"on_date": day(1)})
    )
    with pytest.raises(ValidationFailed) as caught:
        service.add_date_override(
            session,
            trust_person_id=person.id,
            data=typed(
                DateOverrideCreate, {"on_date": day(1), "start_time": "09:00", "end_time": "12:00"}
            ),
        )
    assert _fields(caught.value) == {"on_date"}


def test_add_date_override_refuses_only_one_time(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_date_override(
            session,
            trust_person_id=person.id,
            data=typed(DateOverrideCreate, {"on_date": day(1), "start_time": "09:00"}),
        )
    assert _fields(caught.value) == {"end_time"}


# --------------------------------------------------------------------------- scoping


def _viewer(user: User) -> Viewer:
    assert user.id is not None
    return Viewer(
        user_id=user.id,
        role=user.role,
        label=user.display_name,
        organisation_id=user.organisation_id,
        trust_person_id=user.trust_person_id,
    )


def test_a_trust_person_keeps_their_own_absences_hours_and_overrides(session: Session) -> None:
    person = make_trust_person(session)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    absence = service.add_absence(
        session,
        trust_person_id=person.id,
        data=typed(AbsenceCreate, {"kind": "leave", "starts_on": day(1), "ends_on": day(3)}),
        viewer=viewer,
    )
    service.update_absence(
        session,
        trust_person_id=person.id,
        absence_id=absence.id,
        data=typed(AbsenceUpdate, {"note": "x"}),
        viewer=viewer,
    )
    service.replace_weekly_availability(
        session,
        trust_person_id=person.id,
        ranges=typed_list(
            WeeklyAvailabilityCreate, [{"weekday": 0, "start_time": time(9), "end_time": time(12)}]
        ),
        viewer=viewer,
    )
    override = service.add_date_override(
        session,
        trust_person_id=person.id,
        data=typed(DateOverrideCreate, {"on_date": day(4)}),
        viewer=viewer,
    )
    service.add_education_record(
        session,
        trust_person_id=person.id,
        data=typed(
            EducationRecordCreate,
            {"category": "other", "title": "Boek", "hours": 1, "completed_on": day(-3)},
        ),
        viewer=viewer,
    )
    service.delete_date_override(
        session, trust_person_id=person.id, date_override_id=override.id, viewer=viewer
    )
    service.delete_absence(session, trust_person_id=person.id, absence_id=absence.id, viewer=viewer)
    assert service.list_absences(session, trust_person_id=person.id, viewer=viewer) == []
    assert (
        len(service.list_education_records(session, trust_person_id=person.id, viewer=viewer)) == 1
    )


def test_certificates_and_deleting_education_are_for_planners(session: Session) -> None:
    person = make_trust_person(session)
    certificate = make_certification(session, trust_person=person)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    assert [
        c.id for c in service.list_certifications(session, trust_person_id=person.id, viewer=viewer)
    ] == [certificate.id]
    with pytest.raises(PermissionDenied):
        service.add_certification(
            session,
            trust_person_id=person.id,
            data=typed(
                CertificationCreate, {"number": "X-1", "issued_on": day(0), "expires_on": day(9)}
            ),
            viewer=viewer,
        )
    with pytest.raises(PermissionDenied):
        service.update_certification(
            session,
            trust_person_id=person.id,
            certification_id=certificate.id,
            data=typed(CertificationUpdate, {"number": "X-2"}),
            viewer=viewer,
        )


def test_another_trust_persons_records_are_not_found(session: Session) -> None:
    person, other = make_trust_person(session), make_trust_person(session)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    other_absence = service.add_absence(
        session,
        trust_person_id=other.id,
        data=typed(AbsenceCreate, {"kind": "leave", "starts_on": day(1), "ends_on": day(3)}),
    )
    for call in (
        lambda: service.list_absences(session, trust_person_id=other.id, viewer=viewer),
        lambda: service.list_weekly_availability(session, trust_person_id=other.id, viewer=viewer),
        lambda: service.list_certifications(session, trust_person_id=other.id, viewer=viewer),
        lambda: service.add_absence(
            session,
            trust_person_id=other.id,
            data=typed(AbsenceCreate, {"kind": "leave", "starts_on": day(1), "ends_on": day(3)}),
            viewer=viewer,
        ),
        lambda: service.delete_absence(
            session, trust_person_id=person.id, absence_id=other_absence.id, viewer=viewer
        ),
    ):
        with pytest.raises(NotFound):
            call()
