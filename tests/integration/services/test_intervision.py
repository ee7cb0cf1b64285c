"""Intervision from the database: forming groups, planning sessions, attendance, bad input."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.dbutil import table_counts
from tests.factories import (
    make_assignment,
    make_certification,
    make_held_session,
    make_need,
    make_trust_person,
    make_user,
    typed,
)
from vppool.calendar import dutch_public_holidays
from vppool.db.models import (
    Absence,
    Assignment,
    BusyInterval,
    CalendarSource,
    EducationRecord,
    IntervisionAttendance,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Need,
    TrustPerson,
    WeeklyAvailability,
)
from vppool.db.schemas import EducationRecordCreate
from vppool.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from vppool.services import intervision, trust_persons
from vppool.services.access import Viewer
from vppool.services.compliance import current_certificates
from vppool.services.dataset import import_dataset
from vppool.settings import Settings
from vppool.synthetic import generate
from vppool.vocab import (
    AbsenceKind,
    AssignmentStatus,
    CalendarSourceKind,
    EducationCategory,
    Role,
    SessionStatus,
)

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
YEAR = 2027
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_numbers = itertools.count(1)
PLANNER = Viewer(user_id=1, role=Role.PLANNER, label="planner")
CLIENT = Viewer(user_id=2, role=Role.CLIENT, label="client", organisation_id=1)


def _certified(
    session: Session, count: int, *, weekly: bool = False, **person: Any
) -> list[TrustPerson]:
    """``count`` VPs in Utrecht with a certificate valid through the year.

    ``weekly``: each works Monday to Friday, 9:00 to 17:00 (groups need common weekly time).
    """
    people = []
    for index in range(count):
        vp = make_trust_person(session, first_name=f"VP{index}", **person)
        make_certification(session, trust_person=vp)
        if weekly:
            _hours(session, vp, *((day, time(9), time(17)) for day in range(5)))
        people.append(vp)
    return people


def _hours(session: Session, vp: TrustPerson, *ranges: tuple[int, time, time]) -> None:
    for weekday, start, end in ranges:
        session.add(
            WeeklyAvailability(
                trust_person_id=vp.id, weekday=weekday, start_time=start, end_time=end
            )
        )


def _group(session: Session, people: list[TrustPerson], year: int = YEAR) -> IntervisionGroup:
    group = IntervisionGroup(name=f"Groep {next(_numbers)}", year=year, meeting_place="Utrecht")
    session.add(group)
    session.flush()
    for vp in people:
        session.add(IntervisionMember(group_id=group.id, trust_person_id=vp.id))
    session.flush()
    return group


def _local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


# --------------------------------------------------------------------------- forming


@pytest.mark.slow
def test_groups_of_the_l_preset_honour_every_hard_rule(engine: Engine, settings: Settings) -> None:
    with Session(engine) as session:
        import_dataset(session, generate("L", 1, today=TODAY, settings=settings))
        session.commit()
        report = intervision.form_groups_for_year(
            session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=10
        )
        session.commit()

        assert report.status in {"OPTIMAL", "FEASIBLE"}
        assert report.best_bound <= report.objective
        # Every active VP with a certificate valid on 1 January is placed exactly once.
        first_day = date(YEAR, 1, 1)
        active = set(session.exec(select(TrustPerson.id).where(col(TrustPerson.active))).all())
        eligible = {
            vp_id
            for vp_id, cert in current_certificates(session, first_day).items()
            if cert.expires_on > first_day and vp_id in active
        }
        members: dict[int, list[int]] = defaultdict(list)
        for group_id, vp_id in session.exec(
            select(IntervisionMember.group_id, IntervisionMember.trust_person_id)
            .join(IntervisionGroup, col(IntervisionGroup.id) == IntervisionMember.group_id)
            .where(IntervisionGroup.year == YEAR)
        ).all():
            members[group_id].append(vp_id)
        placed = [vp for vps in members.values() for vp in vps]
        # ... or left out, with the reason, for lack of weekly time shared with others.
        no_time = {
            left.trust_person_id
            for left in report.left_out
            if "every week" in left.reason or "common weekly time" in left.reason
        }
        assert sorted(placed + list(no_time)) == sorted(eligible)
        assert len(no_time) < len(eligible) / 50
        assert {left.trust_person_id for left in report.left_out} - no_time == active - eligible
        # Every group's members share at least a session's time every week.
        assert all(g.common_weekly_hours >= 2 for g in report.groups)
        # Sizes within 4 to 6.
        assert all(4 <= len(vps) <= 6 for vps in members.values())
        # No two members of a group serve the same organisation in the year.
        group_of = {vp: g for g, vps in members.items() for vp in vps}
        serving: dict[int, set[int]] = defaultdict(set)
        for vp_id, organisation_id, ends_on in session.exec(
            select(Assignment.trust_person_id, Need.organisation_id, Assignment.ends_on)
            .join(Need, col(Need.id) == Assignment.need_id)
            .where(
                col(Assignment.status).in_([AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED]),
                col(Assignment.starts_on) < date(YEAR + 1, 1, 1),
            )
        ).all():
            if ends_on is None or ends_on > first_day:
                serving[organisation_id].add(vp_id)
        clashes = [
            (org, vps)
            for org, vps in serving.items()
            if len([group_of[v] for v in vps if v in group_of])
            != len({group_of[v] for v in vps if v in group_of})
        ]
        assert serving, "the preset should have VPs serving organisations"
        assert clashes == []
        # The explanation covers every stored group.
        assert {g.group.id for g in report.groups} == set(members)
        assert all(g.mean_travel_km <= g.max_travel_km for g in report.groups)


def test_vps_serving_the_same_organisation_are_put_in_different_groups(
    session: Session, settings: Settings
) -> None:
    people = _certified(session, 8, weekly=True)
    shared = make_need(session, starts_on=TODAY, ends_on=None, seats=2)
    for vp in people[:2]:
        make_assignment(session, need=shared, trust_person=vp, seat=people.index(vp) + 1)
    session.commit()
    report = intervision.form_groups_for_year(
        session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
    )
    group_of = {m.trust_person_id: g.group.id for g in report.groups for m in g.group.members}
    assert len(report.groups) == 2
    assert group_of[people[0].id] != group_of[people[1].id]


def test_inactive_and_uncertified_vps_are_left_out_with_the_reason(
    session: Session, settings: Settings
) -> None:
    people = _certified(session, 8, weekly=True)
    lapsed = make_trust_person(session, first_name="Verlopen")
    old = make_certification(
        session, trust_person=lapsed, issued_on=date(2022, 1, 1), expires_on=date(2026, 12, 1)
    )
    never = make_trust_person(session, first_name="Nooit")
    inactive = make_trust_person(session, first_name="Gestopt", active=False)
    make_certification(session, trust_person=inactive)
    report = intervision.form_groups_for_year(
        session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
    )
    placed = {m.trust_person_id for g in report.groups for m in g.group.members}
    assert placed == {vp.id for vp in people}
    reasons = {left.trust_person_id: left.reason for left in report.left_out}
    assert reasons == {
        lapsed.id: f"certificate {old.number} expired on 2026-12-01",
        never.id: "no LVV certificate",
    }


def test_reforming_replaces_groups_that_have_not_met(session: Session, settings: Settings) -> None:
    for vp in _certified(session, 9):
        _hours(session, vp, (1, time(9), time(17)))
    first = intervision.form_groups_for_year(
        session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
    )
    planned = intervision.schedule_sessions(session, settings, year=YEAR, now=NOW)
    assert planned.planned == 4 * len(first.groups)
    again = intervision.form_groups_for_year(
        session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
    )
    assert again.replaced_groups == len(first.groups)
    stored = session.exec(select(IntervisionGroup).where(IntervisionGroup.year == YEAR)).all()
    assert {g.id for g in stored} == {g.group.id for g in again.groups}
    assert session.exec(select(IntervisionSession)).all() == []
    assert len(session.exec(select(IntervisionMember)).all()) == 9


def _held(session: Session, group: IntervisionGroup) -> IntervisionSession:
    return make_held_session(session, group_id=group.id, day=date(2026, 10, 6))


def _named(vp: TrustPerson) -> str:
    return f"{vp.first_name} {vp.last_name}"


def test_reforming_mid_year_keeps_groups_that_met_and_explains_each_change(
    session: Session, settings: Settings
) -> None:
    tuesday = (1, time(9), time(17))
    kept = _certified(session, 4)  # met; one of them leaves the pool
    for vp in kept:
        _hours(session, vp, tuesday)
    small = _certified(session, 4)  # met on Wednesdays; two leave: nobody can top it up
    for vp in small:
        _hours(session, vp, (2, time(9), time(17)))
    newcomers = _certified(session, 3)  # in no group yet
    unmet = _certified(session, 4)  # in a group that had not met
    for vp in newcomers + unmet:
        _hours(session, vp, tuesday)
    met_group = _group(session, kept, year=2026)
    dissolved = _group(session, small, year=2026)
    waiting_name = _group(session, unmet, year=2026).name
    held = _held(session, met_group)
    dissolved_held = _held(session, dissolved)
    for vp in (kept[3], small[1], small[2]):
        vp.active = False
    session.flush()

    report = intervision.form_groups_for_year(
        session, settings, year=2026, today=TODAY, now=NOW, time_limit_s=5
    )

    # The group that met stays, minus the member who left, topped up by the nearest
    # newcomer who keeps the rules.
    assert report.kept_groups == 1
    members = {
        g.group.id: sorted(m.trust_person_id for m in g.group.members) for g in report.groups
    }
    assert members[met_group.id] == sorted(vp.id for vp in [*kept[:3], newcomers[0]])
    assert next(g for g in report.groups if g.group.id == met_group.id).kept
    # The Wednesday group fell to 2 of 4 and was dissolved: its row and held session stay,
    # without members; its two members fit nowhere (nobody else shares their time).
    assert report.dissolved_group_ids == [dissolved.id]
    assert session.get(IntervisionGroup, dissolved.id) is not None
    assert session.get(IntervisionSession, dissolved_held.id) is not None
    assert session.get(IntervisionSession, held.id) is not None
    assert (
        session.exec(
            select(IntervisionMember).where(IntervisionMember.group_id == dissolved.id)
        ).all()
        == []
    )
    assert {left.trust_person_id for left in report.left_out} == {small[0].id, small[3].id}
    # The group that had not met is formed again with the other newcomers.
    assert (
        session.exec(select(IntervisionGroup).where(IntervisionGroup.name == waiting_name)).all()
        == []
    )
    (new,) = [g for g in report.groups if not g.kept]
    assert sorted(m.trust_person_id for m in new.group.members) == sorted(
        vp.id for vp in unmet + newcomers[1:]
    )
    assert report.replaced_groups == 1
    # Each change, in words with a message id.
    said = [change.reason for change in report.changes]
    assert f"{_named(kept[3])} leaves {met_group.name}: no longer in the pool " in said[0]
    assert f"{_named(newcomers[0])} joins {met_group.name}: new in the pool" in said
    assert f"{dissolved.name} dissolved: 2 of 4 members left" in said
    assert any(line.startswith(f"{new.group.name} is new: ") for line in said)
    assert all(c.message.format(**c.values) == c.reason for c in report.changes)
    # Planning the year skips the dissolved group and keeps the held session.
    planned = intervision.schedule_sessions(session, settings, year=2026, now=NOW)
    assert {g.group_id for g in planned.groups} == {met_group.id, new.group.id}


def test_reforming_again_after_the_groups_met_keeps_them_as_they_are(
    engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        people = _certified(session, 8)
        for vp in people:
            _hours(session, vp, (1, time(9), time(17)))
        groups = [_group(session, people[:4], year=2026), _group(session, people[4:], year=2026)]
        for group in groups:
            _held(session, group)
        ids = sorted(g.id for g in groups)
        session.commit()
    before = table_counts(engine)
    with Session(engine) as session:
        report = intervision.form_groups_for_year(
            session, settings, year=2026, today=TODAY, now=NOW, time_limit_s=5
        )
        session.commit()
    assert (report.kept_groups, report.replaced_groups, report.changes) == (2, 0, [])
    assert sorted(g.group.id for g in report.groups) == ids
    assert table_counts(engine) == {**before, "audit_entry": before["audit_entry"] + 1}


def test_too_small_a_pool_is_a_rule_violation_and_nothing_is_stored(
    engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        _certified(session, 3)
        session.commit()
    before = table_counts(engine)
    with Session(engine) as session, pytest.raises(RuleViolation) as caught:
        intervision.form_groups_for_year(
            session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
        )
    assert "3 VPs cannot form groups of 4 to 6" in caught.value.message
    assert table_counts(engine) == before


def test_forming_is_for_staff_and_for_this_year_or_later(
    session: Session, settings: Settings
) -> None:
    trust_person = Viewer(user_id=3, role=Role.TRUST_PERSON, label="vp", trust_person_id=1)
    with pytest.raises(PermissionDenied):
        intervision.form_groups_for_year(session, settings, year=YEAR, viewer=trust_person)
    with pytest.raises(ValidationFailed) as caught:
        intervision.form_groups_for_year(session, settings, year=2025, today=TODAY)
    assert caught.value.errors[0].field == "year"


# --------------------------------------------------------------------------- scheduling


def test_sessions_are_planned_when_every_member_is_free_spread_over_the_year(
    session: Session, settings: Settings
) -> None:
    people = _certified(session, 4)
    # Everyone works Tuesday afternoons; one only from 14:00 to 16:00, another is away
    # for most of February (the first window's middle) and busy on one Tuesday in May.
    for vp in people:
        _hours(session, vp, (1, time(13), time(17)))
    _hours(session, people[0], (3, time(9), time(12)))
    narrow = people[1]
    for row in session.exec(
        select(WeeklyAvailability).where(WeeklyAvailability.trust_person_id == narrow.id)
    ).all():
        row.start_time, row.end_time = time(14), time(16)
    session.add(
        Absence(
            trust_person_id=people[2].id,
            kind=AbsenceKind.LEAVE,
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 2, 26),
        )
    )
    source = CalendarSource(trust_person_id=people[3].id, kind=CalendarSourceKind.UPLOAD)
    session.add(source)
    session.flush()
    busy_day = datetime(2027, 5, 18, 12, tzinfo=UTC)  # a Tuesday, 14:00 local
    session.add(
        BusyInterval(
            calendar_source_id=source.id, starts_at=busy_day, ends_at=busy_day + timedelta(hours=1)
        )
    )
    group = _group(session, people)

    report = intervision.schedule_sessions(session, settings, group_id=group.id, now=NOW)

    assert (report.planned, report.without_time, report.kept) == (4, 0, 0)
    windows = report.groups[0].windows
    assert [(w.starts_on, w.ends_on) for w in windows] == [
        (date(2027, 1, 1), date(2027, 4, 2)),
        (date(2027, 4, 2), date(2027, 7, 2)),
        (date(2027, 7, 2), date(2027, 10, 2)),
        (date(2027, 10, 2), date(2028, 1, 1)),
    ]
    holidays = dutch_public_holidays(date(2027, 1, 1), date(2027, 12, 31))
    for window in windows:
        planned = window.session
        assert planned is not None
        start, end = _local(planned.starts_at), _local(planned.ends_at)
        assert window.starts_on <= start.date() < window.ends_on
        # Tuesday 14:00-16:00 is the only time all four are free.
        assert (start.weekday(), start.time(), end.time()) == (1, time(14), time(16))
        assert start.date() not in holidays
        assert not date(2027, 2, 1) <= start.date() < date(2027, 2, 26)
        assert start.date() != date(2027, 5, 18)
        assert planned.location == "Utrecht"
    stored = session.exec(select(IntervisionSession)).all()
    assert len(stored) == 4


def test_a_members_session_in_another_group_blocks_that_time(
    session: Session, settings: Settings
) -> None:
    people = _certified(session, 4)
    for vp in people:
        _hours(session, vp, (1, time(14), time(16)))  # Tuesdays 14:00-16:00 only
    elsewhere = _group(session, [people[0]])
    middle_tuesday = datetime(2027, 2, 16, 14, tzinfo=AMSTERDAM)  # nearest the window's middle
    session.add(
        IntervisionSession(
            group_id=elsewhere.id,
            starts_at=middle_tuesday.astimezone(UTC),
            ends_at=(middle_tuesday + timedelta(hours=2)).astimezone(UTC),
        )
    )
    group = _group(session, people)
    report = intervision.schedule_sessions(session, settings, group_id=group.id, now=NOW)
    first = report.groups[0].windows[0].session
    assert first is not None
    assert _local(first.starts_at).date() in {date(2027, 2, 9), date(2027, 2, 23)}


def test_a_window_without_common_time_says_why(session: Session, settings: Settings) -> None:
    monday, tuesday, none = _certified(session, 3)
    _hours(session, monday, (0, time(9), time(17)))
    _hours(session, tuesday, (1, time(9), time(17)))
    split = _group(session, [monday, tuesday])
    report = intervision.schedule_sessions(session, settings, group_id=split.id, now=NOW)
    assert (report.planned, report.without_time) == (0, 4)
    reason = report.groups[0].windows[0].reason or ""
    assert "never all together for 2 h" in reason
    assert f"{monday.first_name} {monday.last_name}" in reason

    idle = _group(session, [monday, none])
    report = intervision.schedule_sessions(session, settings, group_id=idle.id, now=NOW)
    reason = report.groups[0].windows[0].reason or ""
    assert reason.startswith(f"{none.first_name} {none.last_name} has no free 2 h at all")
    assert session.exec(select(IntervisionSession)).all() == []


def test_public_holidays_are_avoided(session: Session, settings: Settings) -> None:
    people = _certified(session, 4)
    for vp in people:
        _hours(session, vp, (0, time(9), time(17)))  # Mondays only
    group = _group(session, people)
    weekly = settings.model_copy(update={"intervision_sessions_per_year": 52})
    report = intervision.schedule_sessions(session, weekly, group_id=group.id, now=NOW)
    holidays = dutch_public_holidays(date(2027, 1, 1), date(2027, 12, 31))
    windows = report.groups[0].windows
    days = [_local(w.session.starts_at).date() for w in windows if w.session is not None]
    assert len(days) >= 48
    assert not set(days) & set(holidays)
    for holiday in (date(2027, 3, 29), date(2027, 5, 17)):  # Easter and Whit Monday
        window = next(w for w in windows if w.starts_on <= holiday < w.ends_on)
        mondays = [
            window.starts_on + timedelta(days=d)
            for d in range((window.ends_on - window.starts_on).days)
            if (window.starts_on + timedelta(days=d)).weekday() == 0
        ]
        if mondays == [holiday]:
            assert window.session is None
            assert "have no free 2 h at all" in (window.reason or "")


def test_scheduling_again_keeps_sessions_that_took_place(
    session: Session, settings: Settings
) -> None:
    people = _certified(session, 4)
    for vp in people:
        _hours(session, vp, (2, time(9), time(17)))
    group = _group(session, people)
    first = intervision.schedule_sessions(session, settings, group_id=group.id, now=NOW)
    held = first.groups[0].windows[0].session
    assert held is not None
    later = held.ends_at + timedelta(days=1)
    intervision.record_attendance(
        session, session_id=held.id, trust_person_id=people[0].id or 0, now=later
    )
    again = intervision.schedule_sessions(session, settings, group_id=group.id, now=later)
    windows = again.groups[0].windows
    assert windows[0].kept
    assert windows[0].session is not None
    assert windows[0].session.id == held.id
    assert (again.kept, again.planned) == (1, 3)
    assert len(session.exec(select(IntervisionSession)).all()) == 4


# --------------------------------------------------------------------------- attendance


def _held_session(session: Session, people: list[TrustPerson]) -> IntervisionSession:
    group = _group(session, people, year=2026)
    meeting = IntervisionSession(
        group_id=group.id,
        starts_at=datetime(2026, 11, 10, 12, 30, tzinfo=UTC),
        ends_at=datetime(2026, 11, 10, 14, 45, tzinfo=UTC),
        location="Utrecht",
    )
    session.add(meeting)
    session.flush()
    return meeting


def test_attendance_creates_intervision_hours_and_absence_removes_them(
    session: Session,
) -> None:
    people = _certified(session, 4)
    meeting = _held_session(session, people)
    vp = people[0]
    assert meeting.id is not None
    assert vp.id is not None

    first = intervision.record_attendance(
        session, session_id=meeting.id, trust_person_id=vp.id, now=NOW
    )
    again = intervision.record_attendance(
        session, session_id=meeting.id, trust_person_id=vp.id, now=NOW
    )
    records = session.exec(
        select(EducationRecord).where(EducationRecord.trust_person_id == vp.id)
    ).all()
    assert len(records) == 1
    record = records[0]
    assert record.category is EducationCategory.INTERVISION
    assert record.hours == 2.25
    assert record.completed_on == date(2026, 11, 10)
    assert record.intervision_session_id == meeting.id
    assert first.education_record_id == again.education_record_id == record.id
    assert first.hours == 2.25
    session.refresh(meeting)
    assert meeting.status is SessionStatus.HELD

    absent = intervision.record_attendance(
        session, session_id=meeting.id, trust_person_id=vp.id, attended=False, now=NOW
    )
    assert (absent.attended, absent.education_record_id, absent.hours) == (False, None, 0.0)
    assert session.exec(select(EducationRecord)).all() == []
    listed = intervision.list_attendance(session, session_id=meeting.id)
    assert [(a.trust_person_id, a.attended) for a in listed] == [(vp.id, False)]


def test_attendance_for_a_vp_outside_the_group_is_refused_and_nothing_is_stored(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        people = _certified(session, 5)
        meeting = _held_session(session, people[:4])
        session_id, outsider = meeting.id or 0, people[4].id or 0
        session.commit()
    before = table_counts(engine)
    with Session(engine) as session, pytest.raises(ValidationFailed) as caught:
        intervision.record_attendance(
            session, session_id=session_id, trust_person_id=outsider, now=NOW
        )
    assert [e.field for e in caught.value.errors] == ["trust_person_id"]
    assert "is not a member of" in caught.value.message
    assert table_counts(engine) == before


def test_attendance_before_the_session_or_for_a_cancelled_one_is_refused(
    session: Session,
) -> None:
    people = _certified(session, 4)
    meeting = _held_session(session, people)
    assert meeting.id is not None
    assert people[0].id is not None
    with pytest.raises(ValidationFailed, match="once it has taken place"):
        intervision.record_attendance(
            session,
            session_id=meeting.id,
            trust_person_id=people[0].id,
            now=meeting.starts_at - timedelta(minutes=1),
        )
    meeting.status = SessionStatus.CANCELLED
    session.add(meeting)
    with pytest.raises(ValidationFailed, match="was cancelled"):
        intervision.record_attendance(
            session, session_id=meeting.id, trust_person_id=people[0].id, now=NOW
        )
    assert session.exec(select(IntervisionAttendance)).all() == []


# --------------------------------------------------------------------------- scoping


def test_a_trust_person_sees_only_their_own_groups_and_records_only_their_own_attendance(
    session: Session,
) -> None:
    people = _certified(session, 8)
    mine = _held_session(session, people[:4])
    other = _group(session, people[4:], year=2026)
    user = make_user(session, role=Role.TRUST_PERSON, trust_person_id=people[0].id)
    me = Viewer(
        user_id=user.id or 0, role=Role.TRUST_PERSON, label="vp", trust_person_id=people[0].id
    )
    page = intervision.list_groups(session, intervision.GroupQuery(), viewer=me)
    assert [g.id for g in page.items] == [mine.group_id]
    assert intervision.get_group(session, mine.group_id, viewer=me).year == 2026
    with pytest.raises(NotFound):
        intervision.get_group(session, other.id or 0, viewer=me)
    sessions = intervision.list_sessions(session, intervision.SessionQuery(), viewer=me)
    assert [s.id for s in sessions.items] == [mine.id]
    with pytest.raises(NotFound):
        intervision.record_attendance(
            session, session_id=mine.id or 0, trust_person_id=people[1].id or 0, viewer=me, now=NOW
        )
    own = intervision.record_attendance(
        session, session_id=mine.id or 0, trust_person_id=people[0].id or 0, viewer=me, now=NOW
    )
    assert own.attended
    assert intervision.list_groups(session, intervision.GroupQuery(), viewer=PLANNER).total == 2
    with pytest.raises(PermissionDenied):
        intervision.list_groups(session, intervision.GroupQuery(), viewer=CLIENT)
    with pytest.raises(PermissionDenied):
        intervision.schedule_sessions(session, Settings(), year=2026, viewer=me)


# --------------------------------------------------------------------------- education


def _education(hours: float, on: date, **extra: Any) -> dict[str, Any]:
    return {
        "category": "accredited_course",
        "title": "Training",
        "hours": hours,
        "completed_on": on.isoformat(),
        **extra,
    }


@pytest.mark.parametrize("hours", [-2, 0])
def test_education_hours_of_zero_or_less_are_refused(session: Session, hours: float) -> None:
    vp = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        trust_persons.add_education_record(
            session,
            trust_person_id=vp.id or 0,
            data=typed(EducationRecordCreate, _education(hours, TODAY)),
            today=TODAY,
        )
    assert [e.field for e in caught.value.errors] == ["hours"]
    assert session.exec(select(EducationRecord)).all() == []


def test_more_than_24_education_hours_on_one_day_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        vp = make_trust_person(session)
        vp_id = vp.id or 0
        trust_persons.add_education_record(
            session,
            trust_person_id=vp_id,
            data=typed(EducationRecordCreate, _education(16, TODAY)),
            today=TODAY,
        )
        trust_persons.add_education_record(  # another day does not count
            session,
            trust_person_id=vp_id,
            data=typed(EducationRecordCreate, _education(20, TODAY - timedelta(days=1))),
            today=TODAY,
        )
        session.commit()
    before = table_counts(engine)
    with Session(engine) as session, pytest.raises(ValidationFailed) as caught:
        trust_persons.add_education_record(
            session,
            trust_person_id=vp_id,
            data=typed(EducationRecordCreate, _education(8.5, TODAY)),
            today=TODAY,
        )
    assert [e.field for e in caught.value.errors] == ["hours"]
    assert "24.5 h that day (16 h already recorded)" in caught.value.message
    assert table_counts(engine) == before
    with Session(engine) as session:  # exactly 24 hours is a (long) day
        trust_persons.add_education_record(
            session,
            trust_person_id=vp_id,
            data=typed(EducationRecordCreate, _education(8, TODAY)),
            today=TODAY,
        )


def test_a_single_record_of_more_than_24_hours_is_refused(session: Session) -> None:
    vp = make_trust_person(session)
    with pytest.raises(ValidationFailed, match="a day has 24 hours"):
        trust_persons.add_education_record(
            session,
            trust_person_id=vp.id or 0,
            data=typed(EducationRecordCreate, _education(30, TODAY)),
            today=TODAY,
        )


def test_education_completed_after_today_is_refused_naming_the_date(session: Session) -> None:
    vp = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        trust_persons.add_education_record(
            session,
            trust_person_id=vp.id or 0,
            data=typed(EducationRecordCreate, _education(4, TODAY + timedelta(days=1))),
            today=TODAY,
        )
    assert [e.field for e in caught.value.errors] == ["completed_on"]
    assert "2026-11-24 is after today (2026-11-23)" in caught.value.message
    assert session.exec(select(EducationRecord)).all() == []
    record = trust_persons.add_education_record(
        session,
        trust_person_id=vp.id or 0,
        data=typed(EducationRecordCreate, _education(4, TODAY)),
        today=TODAY,
    )
    assert record.completed_on == TODAY


# --------------------------------------------------------------------------- weekly time


def _slots(weekday: int, start: float, end: float) -> set[int]:
    return set(range(weekday * 48 + int(start * 2), weekday * 48 + int(end * 2)))


def test_weekly_time_is_the_weekly_hours_free_nearly_every_week(
    session: Session, settings: Settings
) -> None:
    steady, busy, away = _certified(session, 3)
    for vp in (steady, busy, away):
        _hours(session, vp, (1, time(13), time(17)))  # Tuesdays 13:00-17:00
    # A weekly meeting in the imported calendar on Tuesdays 14:00-15:00 all year.
    source = CalendarSource(trust_person_id=busy.id, kind=CalendarSourceKind.UPLOAD)
    session.add(source)
    session.flush()
    first = datetime(2027, 1, 5, 13, tzinfo=UTC)  # Tuesday 14:00 in Amsterdam (winter)
    for week in range(53):
        starts = _local(first + timedelta(weeks=week)).replace(hour=14)
        session.add(
            BusyInterval(
                calendar_source_id=source.id, starts_at=starts, ends_at=starts + timedelta(hours=1)
            )
        )
    # Away for a whole month: the weeks away do not count against the others.
    session.add(
        Absence(
            trust_person_id=away.id,
            kind=AbsenceKind.LEAVE,
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 4, 1),
        )
    )
    session.flush()

    weekly = intervision.weekly_free(
        session, [steady, busy, away], year=YEAR, now=NOW, zone=AMSTERDAM
    )

    assert weekly[steady.id] == _slots(1, 13, 17)
    assert weekly[away.id] == _slots(1, 13, 17)
    assert weekly[busy.id] == _slots(1, 13, 14) | _slots(1, 15, 17)


def test_vps_who_share_no_weekly_time_are_never_grouped_together(
    session: Session, settings: Settings
) -> None:
    mondays = _certified(session, 4)
    tuesdays = _certified(session, 4)
    for vp in mondays:
        _hours(session, vp, (0, time(9), time(12)))
    for vp in tuesdays:
        _hours(session, vp, (1, time(13), time(17)))
    loner = _certified(session, 1)[0]
    _hours(session, loner, (5, time(9), time(12)))  # Saturday mornings: nobody else
    report = intervision.form_groups_for_year(
        session, settings, year=YEAR, today=TODAY, now=NOW, time_limit_s=5
    )
    groups = sorted(sorted(m.trust_person_id for m in g.group.members) for g in report.groups)
    assert groups == sorted([sorted(vp.id for vp in mondays), sorted(vp.id for vp in tuesdays)])
    assert sorted(g.common_weekly_hours for g in report.groups) == [3.0, 4.0]
    reasons = {left.trust_person_id: left.reason for left in report.left_out}
    assert reasons == {loner.id: "free every week only at times fewer than 4 VPs share"}
    # Their sessions are planned on the shared time, in every window.
    planned = intervision.schedule_sessions(session, settings, year=YEAR, now=NOW)
    assert (planned.planned, planned.without_time) == (8, 0)


def test_a_window_no_single_member_blocks_names_the_pair_who_do(
    session: Session, settings: Settings
) -> None:
    a, b, c, d = _certified(session, 4)
    for vp in (a, b):
        _hours(session, vp, (0, time(9), time(17)))  # Mondays
    for vp in (c, d):
        _hours(session, vp, (1, time(9), time(17)))  # Tuesdays
    split = _group(session, [a, b, c, d])
    report = intervision.schedule_sessions(session, settings, group_id=split.id, now=NOW)
    assert (report.planned, report.without_time) == (0, 4)
    reason = report.groups[0].windows[0].reason or ""
    assert "never all together for 2 h" in reason
    assert f"{a.first_name} {a.last_name} & {b.first_name} {b.last_name}" in reason
    assert f"{c.first_name} {c.last_name} & {d.first_name} {d.last_name}" in reason
    # The reason is a message id with values, for pages in Dutch.
    window = report.groups[0].windows[0]
    assert window.message is not None
    assert window.message.format(**window.values) == reason
    assert "{pairs}" in window.message
