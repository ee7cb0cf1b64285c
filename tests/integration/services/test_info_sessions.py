"""Information sessions: a client's request, times proposed when a suitable VP is free (travel
and the client's working day included, in Dutch local time across DST), booking, moving and
cancelling, and what each step tells whom."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from tests.factories import (
    UTRECHT,
    make_assignment,
    make_certification,
    make_need,
    make_organisation,
    make_site,
    make_trust_person,
    make_user,
    make_weekly_hours,
    viewer_of,
)
from vppool import calendar as cal
from vppool.db.models import (
    AuditEntry,
    ConflictOfInterest,
    InfoSession,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Notification,
)
from vppool.errors import NotFound, PermissionDenied, ValidationFailed
from vppool.services import annual_report, feed_tokens, feeds, info_sessions
from vppool.services.availability import availability_by_id
from vppool.settings import Settings
from vppool.vocab import ConflictReason, FeedKind, InfoSessionKind, InfoSessionStatus, Role
from vppool.web import documents

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Europe/Amsterdam")
TODAY = date(2027, 2, 1)
NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)
MONDAY = date(2027, 3, 22)
#: About 20 km north of Utrecht: 20 * 1.3 / 50 km/h = 31.2 minutes, so 35 minutes each way.
NORTH = (UTRECHT[0] + 0.18, UTRECHT[1])


class Setup:
    def __init__(self, session: Session) -> None:
        self.org = make_organisation(session)
        self.site = make_site(session, organisation=self.org)
        self.own = make_trust_person(
            session, first_name="Olga", home_latitude=NORTH[0], home_longitude=NORTH[1]
        )
        self.near = make_trust_person(session, first_name="Nina")  # lives at the site
        for person in (self.own, self.near):
            make_weekly_hours(session, person)  # Monday to Friday 09:00-17:00
            make_certification(session, trust_person=person)  # valid until November 2029
        need = make_need(session, organisation=self.org, starts_on=date(2026, 1, 1))
        make_assignment(session, need=need, trust_person=self.own, starts_on=date(2026, 1, 1))
        self.client = make_user(
            session, role=Role.CLIENT, organisation_id=self.org.id, email="c@client.nl"
        )
        self.planner = make_user(session)
        self.vp_user = make_user(
            session, role=Role.TRUST_PERSON, trust_person_id=self.own.id, email="olga@vp.nl"
        )

    def request(
        self, session: Session, settings: Settings, today: date = TODAY, **overrides: object
    ) -> info_sessions.InfoSessionPublic:
        data = info_sessions.InfoSessionRequest.model_validate(
            {
                "kind": "information",
                "site_id": self.site.id,
                "starts_on": MONDAY,
                "ends_on": MONDAY + timedelta(days=14),
                "duration_minutes": 60,
                "audience": 25,
                "language": "nl",
                **overrides,
            }
        )
        return info_sessions.request_session(
            session, settings, data=data, viewer=viewer_of(self.client), today=today
        )


def _local(moment: datetime) -> tuple[date, time]:
    local = moment.astimezone(ZONE)
    return local.date(), local.time()


def test_proposals_put_the_own_vp_first_and_leave_room_for_travel(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    request = world.request(session, settings)
    proposals = info_sessions.propose_times(session, settings, info_session_id=request.id, now=NOW)
    assert proposals[0].trust_person_id == world.own.id
    assert proposals[0].own
    assert not proposals[0].preferred
    assert proposals[0].travel_minutes == 35
    # free from 09:00; 35 minutes on the road, then the next quarter hour
    assert _local(proposals[0].starts_at) == (MONDAY, time(9, 45))
    assert proposals[0].ends_at - proposals[0].starts_at == timedelta(hours=1)
    nina = [p for p in proposals if p.trust_person_id == world.near.id]
    assert nina
    assert nina[0].travel_minutes == 0
    assert _local(nina[0].starts_at) == (MONDAY, time(9))
    assert len({p.trust_person_id for p in proposals}) == 2
    assert all(p.starts_at.astimezone(ZONE).weekday() < 5 for p in proposals)


def test_the_local_time_holds_across_the_change_to_summer_time(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    # the clocks go back on Sunday 31 October 2027
    request = world.request(
        session, settings, starts_on=date(2027, 10, 29), ends_on=date(2027, 11, 5)
    )
    own = [
        p
        for p in info_sessions.propose_times(session, settings, info_session_id=request.id, now=NOW)
        if p.trust_person_id == world.own.id
    ]
    assert [_local(p.starts_at) for p in own[:2]] == [
        (date(2027, 10, 29), time(9, 45)),  # a Friday
        (date(2027, 11, 1), time(9, 45)),  # the Monday after the change: still 09:45
    ]
    assert own[0].starts_at.utcoffset() == timedelta(0)
    assert own[0].starts_at.hour == 7  # +02:00
    assert own[1].starts_at.hour == 8  # +01:00


def test_busy_time_pushes_the_proposal_later(session: Session, settings: Settings) -> None:
    world = Setup(session)
    group = IntervisionGroup(name="Groep", year=2027)
    session.add(group)
    session.flush()
    session.add(IntervisionMember(group_id=group.id, trust_person_id=world.own.id))
    session.add(
        IntervisionSession(
            group_id=group.id,
            starts_at=datetime(2027, 3, 22, 9, tzinfo=ZONE),
            ends_at=datetime(2027, 3, 22, 11, tzinfo=ZONE),
        )
    )
    session.flush()
    request = world.request(session, settings)
    own = [
        p
        for p in info_sessions.propose_times(session, settings, info_session_id=request.id, now=NOW)
        if p.trust_person_id == world.own.id
    ]
    assert _local(own[0].starts_at) == (MONDAY, time(11, 45))  # 11:00 + 35 minutes


def test_unsuitable_vps_are_not_proposed(session: Session, settings: Settings) -> None:
    world = Setup(session)
    far = make_trust_person(session, home_latitude=53.2, home_longitude=6.56, max_travel_km=60)
    mute = make_trust_person(session, languages=["en"])
    conflicted = make_trust_person(session)
    uncertified = make_trust_person(session)
    expiring = make_trust_person(session)
    for person in (far, mute, conflicted, uncertified, expiring):
        make_weekly_hours(session, person)
        if person is not uncertified:
            make_certification(
                session,
                trust_person=person,
                expires_on=MONDAY + timedelta(days=3) if person is expiring else date(2029, 1, 1),
            )
    session.add(
        ConflictOfInterest(
            trust_person_id=conflicted.id,
            organisation_id=world.org.id,
            reason=ConflictReason.EMPLOYMENT,
        )
    )
    session.flush()
    request = world.request(session, settings)
    named = {
        p.trust_person_id
        for p in info_sessions.propose_times(
            session, settings, info_session_id=request.id, now=NOW, limit=50
        )
    }
    assert named == {world.own.id, world.near.id}


def test_booking_makes_the_vp_busy_tells_everyone_and_can_be_cancelled(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    planner = viewer_of(world.planner)
    request = world.request(session, settings)
    first = info_sessions.propose_times(
        session, settings, info_session_id=request.id, viewer=planner, now=NOW
    )[0]
    booked = info_sessions.book_session(
        session,
        settings,
        info_session_id=request.id,
        data=info_sessions.InfoSessionBooking(
            trust_person_id=first.trust_person_id, starts_at=first.starts_at
        ),
        viewer=planner,
        now=NOW,
    )
    assert booked.status is InfoSessionStatus.BOOKED
    assert booked.trust_person_name is not None
    assert booked.trust_person_name.startswith("Olga")
    # busy from leaving home (09:10) until back (11:20), for availability everywhere
    window_day = datetime.combine(MONDAY, time(0), tzinfo=ZONE)
    state = availability_by_id(
        session, [world.own.id or 0], cal.Interval(window_day, window_day + timedelta(days=1))
    )[world.own.id or 0]
    assert [
        (_local(i.start)[1], _local(i.end)[1]) for i in state.free if i.start.date() == MONDAY
    ] == [(time(9), time(9, 10)), (time(11, 20), time(17))]
    second = world.request(session, settings)
    again = [
        p
        for p in info_sessions.propose_times(session, settings, info_session_id=second.id, now=NOW)
        if p.trust_person_id == world.own.id
    ]
    assert _local(again[0].starts_at) == (MONDAY, time(12))  # 11:20 + 35, on the quarter
    with pytest.raises(ValidationFailed):  # the same time is taken now
        info_sessions.book_session(
            session,
            settings,
            info_session_id=second.id,
            data=info_sessions.InfoSessionBooking(
                trust_person_id=first.trust_person_id, starts_at=first.starts_at
            ),
            viewer=planner,
            now=NOW,
        )
    kinds = {(n.recipient_user_id, n.kind) for n in session.exec(select(Notification)).all()}
    assert (world.planner.id, "info_session_requested") in kinds
    assert (world.vp_user.id, "info_session_booked") in kinds
    assert (world.client.id, "info_session_booked") in kinds
    cancelled = info_sessions.cancel_session(
        session, info_session_id=request.id, viewer=viewer_of(world.client)
    )
    assert cancelled.status is InfoSessionStatus.CANCELLED
    after = {(n.recipient_user_id, n.kind) for n in session.exec(select(Notification)).all()}
    assert (world.vp_user.id, "info_session_cancelled") in after
    assert (world.client.id, "info_session_cancelled") in after
    assert (world.planner.id, "info_session_cancelled") in after  # the client cancelled
    actions = session.exec(
        select(AuditEntry.action).where(AuditEntry.entity_type == "info_session")
    ).all()
    assert set(actions) == {
        "info_session_requested",
        "info_session_booked",
        "info_session_cancelled",
    }


def test_moving_a_booked_session_keeps_its_own_time_free(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    request = world.request(session, settings)
    start = datetime.combine(MONDAY, time(10), tzinfo=ZONE)
    for starts_at in (start, start + timedelta(minutes=30)):  # half an hour later: overlaps
        moved = info_sessions.book_session(
            session,
            settings,
            info_session_id=request.id,
            data=info_sessions.InfoSessionBooking(
                trust_person_id=world.own.id or 0, starts_at=starts_at
            ),
            now=NOW,
        )
    assert moved.starts_at == (start + timedelta(minutes=30)).astimezone(UTC)
    for wrong in (
        start.replace(hour=8),  # before the VP's day
        start.replace(minute=7),  # off the quarter-hour grid
        datetime.combine(MONDAY + timedelta(days=5), time(10), tzinfo=ZONE),  # a Saturday
    ):
        with pytest.raises(ValidationFailed):
            info_sessions.book_session(
                session,
                settings,
                info_session_id=request.id,
                data=info_sessions.InfoSessionBooking(
                    trust_person_id=world.own.id or 0, starts_at=wrong
                ),
                now=NOW,
            )


def test_scoping_and_refusals(session: Session, settings: Settings) -> None:
    world = Setup(session)
    request = world.request(session, settings)
    other_org = make_organisation(session)
    stranger = make_user(
        session, role=Role.CLIENT, organisation_id=other_org.id, email="x@other.nl"
    )
    with pytest.raises(NotFound):
        info_sessions.get_session(session, info_session_id=request.id, viewer=viewer_of(stranger))
    assert (
        info_sessions.list_sessions(
            session, info_sessions.InfoSessionQuery(), viewer=viewer_of(stranger)
        ).total
        == 0
    )
    assert (
        info_sessions.list_sessions(
            session, info_sessions.InfoSessionQuery(), viewer=viewer_of(world.client)
        ).total
        == 1
    )
    assert (
        info_sessions.list_sessions(
            session, info_sessions.InfoSessionQuery(), viewer=viewer_of(world.vp_user)
        ).total
        == 0
    )
    with pytest.raises(PermissionDenied):
        info_sessions.propose_times(
            session, settings, info_session_id=request.id, viewer=viewer_of(world.client)
        )
    world_vp = viewer_of(world.vp_user)
    with pytest.raises(PermissionDenied):
        info_sessions.request_session(
            session,
            settings,
            data=info_sessions.InfoSessionRequest.model_validate(
                {
                    "kind": "team_meeting",
                    "site_id": world.site.id,
                    "starts_on": MONDAY,
                    "ends_on": MONDAY + timedelta(days=1),
                    "duration_minutes": 30,
                }
            ),
            viewer=world_vp,
        )
    other_site = make_site(session, organisation=other_org)
    with pytest.raises(ValidationFailed) as refused:
        world.request(
            session,
            settings,
            site_id=other_site.id,
            starts_on=TODAY - timedelta(days=1),
            ends_on=TODAY + timedelta(days=100),
            preferred_trust_person_id=world.near.id,  # not one of the client's own VPs
        )
    assert {e.field for e in refused.value.errors} == {
        "site_id",
        "starts_on",
        "ends_on",
        "preferred_trust_person_id",
    }


def test_a_client_may_pick_a_time_when_the_provider_allows_it(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    allowed = settings.model_copy(update={"info_session_clients_book": True})
    request = world.request(session, allowed, preferred_trust_person_id=world.own.id)
    client = viewer_of(world.client)
    first = info_sessions.propose_times(
        session, allowed, info_session_id=request.id, viewer=client, now=NOW
    )[0]
    assert first.preferred
    assert first.trust_person_id == world.own.id
    booked = info_sessions.book_session(
        session,
        allowed,
        info_session_id=request.id,
        data=info_sessions.InfoSessionBooking(
            trust_person_id=first.trust_person_id, starts_at=first.starts_at
        ),
        viewer=client,
        now=NOW,
    )
    assert booked.status is InfoSessionStatus.BOOKED
    vp_sees = info_sessions.list_sessions(
        session, info_sessions.InfoSessionQuery(), viewer=viewer_of(world.vp_user)
    )
    assert [s.id for s in vp_sees.items] == [request.id]


def test_a_booked_session_is_in_the_vps_and_the_client_teams_feeds(
    session: Session, settings: Settings
) -> None:
    world = Setup(session)
    # the feeds show the coming year from today: a working day a week or more from now
    today = settings.today()
    day = today + timedelta(days=7)
    while day.weekday() >= 5 or day in cal.dutch_public_holidays(day, day):
        day += timedelta(days=1)
    request = world.request(
        session,
        settings,
        today=today,
        kind="team_meeting",
        starts_on=day,
        ends_on=day + timedelta(days=1),
    )
    start = datetime.combine(day, time(13), tzinfo=ZONE)
    info_sessions.book_session(
        session,
        settings,
        info_session_id=request.id,
        data=info_sessions.InfoSessionBooking(trust_person_id=world.own.id or 0, starts_at=start),
    )
    planner = viewer_of(world.planner)
    _, vp_secret = feed_tokens.create_feed_token(
        session, planner, kind=FeedKind.VP_SCHEDULE, trust_person_id=world.own.id
    )
    _, team_secret = feed_tokens.create_feed_token(
        session, planner, kind=FeedKind.ORGANISATION_AVAILABILITY, organisation_id=world.org.id
    )
    session.flush()
    vp_feed = feeds.feed_for_token(session, settings, vp_secret)
    team_feed = feeds.feed_for_token(session, settings, team_secret)
    assert vp_feed is not None
    assert team_feed is not None
    vp_text = vp_feed.body.decode()
    assert f"SUMMARY:Teamoverleg: {world.org.name}" in vp_text
    assert f"DTSTART;TZID=Europe/Amsterdam:{day:%Y%m%d}T130000" in vp_text
    assert world.site.name in vp_text
    assert "SUMMARY:Teamoverleg met Olga" in team_feed.body.decode()
    info_sessions.cancel_session(session, info_session_id=request.id)
    session.flush()
    again = feeds.feed_for_token(session, settings, vp_secret)
    assert again is not None
    assert "STATUS:CANCELLED" in again.body.decode()


def test_the_annual_report_counts_the_sessions_held(session: Session, settings: Settings) -> None:
    world = Setup(session)
    now = datetime.now(UTC)
    past = now - timedelta(days=2)
    for status, starts_at in (
        (InfoSessionStatus.BOOKED, past),  # held
        (InfoSessionStatus.CANCELLED, past),  # cancelled: not held
        (InfoSessionStatus.BOOKED, now + timedelta(days=2)),  # still to come
    ):
        session.add(
            InfoSession(
                kind=InfoSessionKind.INTRODUCTION,
                organisation_id=world.org.id,
                site_id=world.site.id,
                starts_on=starts_at.date() - timedelta(days=7),
                ends_on=starts_at.date() + timedelta(days=7),
                duration_minutes=60,
                audience=12,
                status=status,
                trust_person_id=world.own.id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
            )
        )
    session.flush()
    year = past.astimezone(ZONE).year
    report = annual_report.annual_report(
        session, settings, organisation_id=world.org.id or 0, year=year
    )
    assert [(h.on, h.kind, h.audience) for h in report.sessions] == [
        (past.astimezone(ZONE).date(), InfoSessionKind.INTRODUCTION, 12)
    ]
    assert report.sessions[0].trust_person.startswith("Olga")
    board = annual_report.provider_report(session, settings, year=year)
    line = next(o for o in board.organisations if o.organisation_id == world.org.id)
    assert line.sessions_held == 1
    text = documents.annual_report_pdf(report)
    assert text.startswith(b"%PDF")
    assert "Bijeenkomsten gehouden" in documents.provider_report_csv(board).decode("utf-8")


def test_each_is_told_in_their_own_language(session: Session, settings: Settings) -> None:
    world = Setup(session)
    world.vp_user.language = "en"
    session.add(world.vp_user)
    session.flush()
    request = world.request(session, settings, kind="team_meeting", audience=8)
    start = datetime.combine(MONDAY, time(13), tzinfo=ZONE)
    info_sessions.book_session(
        session,
        settings,
        info_session_id=request.id,
        data=info_sessions.InfoSessionBooking(trust_person_id=world.own.id or 0, starts_at=start),
        now=NOW,
    )
    told = {
        n.recipient_user_id: n
        for n in session.exec(
            select(Notification).where(Notification.kind == "info_session_booked")
        ).all()
    }
    vp, contact = told[world.vp_user.id], told[world.client.id]
    assert vp.subject == f"Session on 22 March 2027 13:00: {world.org.name}"
    assert "Team meeting at" in vp.body
    assert "Audience: about 8 (Dutch)" in vp.body
    assert contact.subject == f"Bijeenkomst op 22 maart 2027 13:00: {world.org.name}"
    assert "Teamoverleg bij" in contact.body
    assert vp.link == "/sessions"
