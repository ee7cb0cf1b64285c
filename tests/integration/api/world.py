"""A small world for the resource API tests: two organisations, three VPs, a user per role.

Organisation 1 ("one") has a client contact and two needs with confirmed assignments of VP 1;
organisation 2 ("two") is served by VP 2. Each user has a bearer token, so a test picks its
role per request (``headers=world.auth("client")``) without logging in. Dates are relative
to today in the Netherlands, since requests may not start in the past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
from vppool.db.models import (
    Absence,
    CalendarSource,
    ConflictOfInterest,
    DateOverride,
    EducationRecord,
    InfoSession,
    InsightRun,
    IntervisionGroup,
    IntervisionMember,
    IntervisionRun,
    IntervisionSession,
    MatchingRun,
    Need,
    Organisation,
    Preference,
    Shortlist,
    ShortlistCandidate,
    TrustPerson,
    WeeklyAvailability,
)
from vppool.db.types import utc_now
from vppool.services import access, feed_tokens
from vppool.vocab import (
    AbsenceKind,
    AssignmentStatus,
    CalendarSourceKind,
    ConflictReason,
    EducationCategory,
    InfoSessionKind,
    InsightRunKind,
    IntervisionRunKind,
    MatchingRunStatus,
    NeedKind,
    NeedStatus,
    PreferenceParty,
    Role,
    ShortlistStatus,
)

PASSWORD = "correct horse battery"
ROLES = ("anonymous", "admin", "planner", "client", "trust_person")


#: A solved plan's figures as a scenario run stores them (``services.scenarios``).
_PLAN_FIGURES = {
    "seats": 3, "filled": 3, "unfilled": 0, "travel_km": 40, "utilisation_mean": 20.0,
    "utilisation_max": 30.0, "over_90": 0, "status": "OPTIMAL", "gap": 0.0, "solve_s": 0.1,
}  # fmt: skip


def today() -> date:
    """Today where the clients are (requests are checked against it)."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def in_days(days: int) -> date:
    return today() + timedelta(days=days)


@dataclass
class World:
    """Ids of the seeded rows and each role's bearer token."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    spare_tokens: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    feed_secret: str = ""

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def auth(self, role: str) -> dict[str, str]:
        """Headers that authenticate as ``role`` (none for ``anonymous``)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def request_body(**overrides: Any) -> dict[str, Any]:
    """A valid request a client contact may file (absence cover for two months)."""
    return {
        "kind": "absence_cover",
        "title": "Vervanging interne vertrouwenspersoon",
        "scopes": ["unwanted_behaviour"],
        "languages": ["nl"],
        "starts_on": in_days(14).isoformat(),
        "ends_on": in_days(75).isoformat(),
        "expected_hours_per_month": 6,
        "seats": 1,
        **overrides,
    }


def seed_world(engine: Engine) -> World:
    """Seed the world and return its ids and tokens."""
    world = World()
    ids = world.ids
    start = in_days(7)
    with Session(engine) as session:
        one = make_organisation(session, name="Zorggroep Een", sector="zorg")
        two = make_organisation(session, name="School Twee", sector="onderwijs")
        three = make_organisation(session, name="Lege Stichting")  # nothing refers to it
        ids |= {"org1": one.id, "org2": two.id, "org3": three.id}
        ids["site1"] = make_site(session, organisation=one, is_main=True).id
        ids["site1_spare"] = make_site(session, organisation=one).id
        ids["site2"] = make_site(session, organisation=two, is_main=True).id

        vp1 = make_trust_person(
            session,
            first_name="Anna",
            last_name="Aalders",
            gender="female",
            gender_visible_to_clients=False,
            birth_year=1975,
            background_tags=["bicultureel"],
            phone="030-1234567",
        )
        vp2 = make_trust_person(
            session,
            first_name="Bram",
            last_name="Bakker",
            gender="male",
            gender_visible_to_clients=True,
            birth_year=1968,
        )
        vp3 = make_trust_person(session, first_name="Cees", last_name="Claassen")
        ids |= {"vp1": vp1.id, "vp2": vp2.id, "vp3": vp3.id}
        for person, name in ((vp1, "cert1"), (vp2, "cert2")):
            ids[name] = make_certification(session, trust_person=person).id
        ids["cert1_spare"] = make_certification(
            session, trust_person=vp1, issued_on=date(2018, 1, 1), expires_on=date(2022, 1, 1)
        ).id

        def add(row: Any) -> int:
            session.add(row)
            session.flush()
            return int(row.id)

        for person, suffix in ((vp1, "1"), (vp2, "2")):
            ids[f"edu{suffix}"] = add(
                EducationRecord(
                    trust_person_id=person.id,
                    category=EducationCategory.ACCREDITED_COURSE,
                    title="Training meldprocedure",
                    hours=8,
                    completed_on=date(2026, 3, 1),
                    accredited=True,
                )
            )
            ids[f"absence{suffix}"] = add(
                Absence(
                    trust_person_id=person.id,
                    kind=AbsenceKind.LEAVE,
                    starts_on=in_days(40),
                    ends_on=in_days(47),
                )
            )
            ids[f"override{suffix}"] = add(
                DateOverride(trust_person_id=person.id, on_date=in_days(20))
            )
            add(
                WeeklyAvailability(
                    trust_person_id=person.id,
                    weekday=0,
                    start_time=time(9),
                    end_time=time(17),
                )
            )
        ids["edu1_spare"] = add(
            EducationRecord(
                trust_person_id=vp1.id,
                category=EducationCategory.OTHER,
                title="Vakliteratuur",
                hours=2,
                completed_on=date(2026, 4, 1),
            )
        )
        ids["absence1_spare"] = add(
            Absence(
                trust_person_id=vp1.id,
                kind=AbsenceKind.TRAINING,
                starts_on=in_days(60),
                ends_on=in_days(61),
            )
        )
        ids["override1_spare"] = add(DateOverride(trust_person_id=vp1.id, on_date=in_days(21)))
        for person, suffix in ((vp1, "1"), (vp2, "2")):
            # A loopback address: refreshing it is refused at once, without the network.
            ids[f"source{suffix}"] = add(
                CalendarSource(
                    trust_person_id=person.id,
                    kind=CalendarSourceKind.URL,
                    url=f"http://127.0.0.1:9/{suffix}.ics",
                )
            )
        ids["source1_spare"] = add(
            CalendarSource(
                trust_person_id=vp1.id, kind=CalendarSourceKind.UPLOAD, filename="oud.ics"
            )
        )

        standing = make_need(
            session, organisation=one, kind=NeedKind.STANDING, seats=2, starts_on=start
        )
        aftercare = make_need(
            session,
            organisation=one,
            kind=NeedKind.AFTERCARE,
            title="Nazorg na incident",
            starts_on=start,
            ends_on=in_days(90),
        )
        standing_two = make_need(session, organisation=two, kind=NeedKind.STANDING, starts_on=start)
        free_two = make_need(
            session, organisation=two, kind=NeedKind.STANDING, title="Tweede VP", starts_on=start
        )
        ids |= {
            "need1": standing.id,
            "need1_aftercare": aftercare.id,
            "need2": standing_two.id,
            "need2_free": free_two.id,
        }
        ids["assignment1"] = make_assignment(session, need=standing, trust_person=vp1).id
        ids["assignment1_aftercare"] = make_assignment(session, need=aftercare, trust_person=vp1).id
        ids["assignment2"] = make_assignment(session, need=standing_two, trust_person=vp2).id

        # An information session requested by organisation one (nobody booked yet).
        ids["isess1"] = add(
            InfoSession(
                kind=InfoSessionKind.INFORMATION,
                organisation_id=one.id,
                site_id=ids["site1"],
                starts_on=in_days(7),
                ends_on=in_days(19),
                duration_minutes=60,
            )
        )

        ids["run_queued"] = add(MatchingRun(status=MatchingRunStatus.QUEUED))
        ids["run_done"] = add(MatchingRun(status=MatchingRunStatus.SUCCEEDED))
        ids["assignment1_proposed"] = make_assignment(
            session,
            need=standing,
            trust_person=vp2,
            seat=2,
            status=AssignmentStatus.PROPOSED,
            matching_run_id=ids["run_done"],
        ).id

        ids["conflict"] = add(
            ConflictOfInterest(
                trust_person_id=vp3.id, organisation_id=two.id, reason=ConflictReason.EMPLOYMENT
            )
        )
        ids["conflict_spare"] = add(
            ConflictOfInterest(
                trust_person_id=vp3.id, organisation_id=one.id, reason=ConflictReason.OTHER
            )
        )
        ids["preference"] = add(
            Preference(
                trust_person_id=vp1.id,
                organisation_id=one.id,
                party=PreferenceParty.CLIENT,
                strength=2,
            )
        )

        # Intervision: VP 1 and 2 meet in group 1 (one session a week ago); VP 2 and 3 in
        # group 2, which VP 1 does not see.
        meets = datetime.combine(in_days(-7), time(13), tzinfo=ZoneInfo("Europe/Amsterdam"))
        for name, people in (("ig1", (vp1, vp2)), ("ig2", (vp2, vp3))):
            ids[name] = add(IntervisionGroup(name=f"Intervisiegroep {name}", year=today().year))
            for person in people:
                add(IntervisionMember(group_id=ids[name], trust_person_id=person.id))
            ids[f"{name}_session"] = add(
                IntervisionSession(
                    group_id=ids[name],
                    starts_at=meets.astimezone(UTC),
                    ends_at=(meets + timedelta(hours=2)).astimezone(UTC),
                    location="Utrecht",
                )
            )
        ids["irun_done"] = add(
            IntervisionRun(
                kind=IntervisionRunKind.SCHEDULE,
                year=today().year,
                status=MatchingRunStatus.SUCCEEDED,
            )
        )
        ids["scenario_done"] = add(  # solved, not decided: a weight changed, no seat moved
            InsightRun(
                kind=InsightRunKind.SCENARIO,
                status=MatchingRunStatus.SUCCEEDED,
                spec={
                    "scenario": {
                        "name": "Reizen telt zwaarder",
                        "changes": [{"type": "weight", "name": "travel_per_km", "value": 2}],
                    },
                    "today": today().isoformat(),
                },
                result={
                    "today": today().isoformat(),
                    "name": "Reizen telt zwaarder",
                    "current": dict(_PLAN_FIGURES),
                    "scenario": dict(_PLAN_FIGURES),
                    "seats_changed": 0,
                    "changes": [],
                    "organisations": [],
                    "added_needs": [],
                    "violations": [],
                    "plan": [],
                },
            )
        )
        ids["insight_done"] = add(
            InsightRun(
                kind=InsightRunKind.RECRUITMENT,
                status=MatchingRunStatus.SUCCEEDED,
                spec={"months": 6, "today": today().isoformat()},
                result={
                    "months": 6,
                    "plan": {"status": "OPTIMAL", "seats": 3, "filled": 3, "open": 0},
                    "causes": [],
                    "unfilled": [],
                    "barely_filled": [],
                    "suggestions": [],
                },
            )
        )

        users = {
            "admin": {"role": "admin"},
            "planner": {"role": "planner"},
            "client": {"role": "client", "organisation_id": one.id},
            "trust_person": {"role": "trust_person", "trust_person_id": vp1.id},
            "client2": {"role": "client", "organisation_id": two.id},
            "trust_person2": {"role": "trust_person", "trust_person_id": vp2.id},
        }
        for role, binding in users.items():
            email = f"{role.replace('_', '-')}@example.nl"
            user = access.create_user(
                session,
                email=email,
                display_name=role.replace("_", " ").title(),
                password=PASSWORD if role == "planner" else None,
                **binding,
            )
            ids[f"user_{role}"] = user.id
            world.emails[role] = email
            _, world.tokens[role] = access.create_api_token(session, user_id=user.id, name="tests")
            spare, _ = access.create_api_token(session, user_id=user.id, name="to revoke")
            world.spare_tokens[role] = spare.id

        planner_viewer = access.Viewer(
            user_id=ids["user_planner"], role=Role.PLANNER, label="planner"
        )
        feed, world.feed_secret = feed_tokens.create_feed_token(
            session, planner_viewer, kind="vp_schedule", trust_person_id=ids["vp1"]
        )
        ids["feed_vp1"] = feed.id
        spare_feed, _ = feed_tokens.create_feed_token(
            session, planner_viewer, kind="vp_availability", trust_person_id=ids["vp1"]
        )
        ids["feed_vp1_spare"] = spare_feed.id

        for name, status in (
            ("request1", NeedStatus.REQUESTED),
            ("request2", NeedStatus.REQUESTED),
        ):
            ids[name] = make_need(
                session,
                organisation=one,
                kind=NeedKind.ABSENCE_COVER,
                title=f"Vervanging {name}",
                starts_on=in_days(10),
                ends_on=in_days(70),
                status=status,
                requested_by_user_id=ids["user_client"],
            ).id
        session.commit()
    return world


def seed_shortlists(engine: Engine, world: World) -> None:
    """Needs whose client chooses: organisation one's shortlists to choose from (``shortlist1``)
    and to ask others of (``shortlist1_others``), both sent; a draft (``shortlist1_draft``)
    and a need without one (``need1_chooses``); organisation two's sent one (``shortlist2``).
    VP 1 and 2 are the candidates of each."""
    with Session(engine) as session:
        _seed_shortlists(session, world)
        session.commit()


def _seed_shortlists(session: Session, world: World) -> None:
    ids = world.ids
    one = session.get(Organisation, ids["org1"])
    two = session.get(Organisation, ids["org2"])
    candidates = (session.get(TrustPerson, ids["vp1"]), session.get(TrustPerson, ids["vp2"]))
    assert one is not None
    assert two is not None
    assert candidates[0] is not None
    assert candidates[1] is not None
    start = in_days(7)
    for name, organisation, status in (
        ("shortlist1", one, ShortlistStatus.SENT),
        ("shortlist1_others", one, ShortlistStatus.SENT),
        ("shortlist1_draft", one, ShortlistStatus.DRAFT),
        ("shortlist2", two, ShortlistStatus.SENT),
        ("need1_chooses", one, None),
    ):
        need = make_need(
            session,
            organisation=organisation,
            kind=NeedKind.STANDING,
            title=f"Keuze {name}",
            starts_on=start,
            client_chooses=True,
        )
        if status is None:
            ids[name] = int(need.id or 0)
            continue
        row = Shortlist(
            need_id=need.id or 0,
            status=status,
            first_choice_id=candidates[0].id,
            deadline=in_days(5),
            sent_at=utc_now() if status is ShortlistStatus.SENT else None,
        )
        session.add(row)
        session.flush()
        ids[name] = int(row.id or 0)
        for position, person in enumerate(candidates):
            session.add(
                ShortlistCandidate(
                    shortlist_id=ids[name], trust_person_id=person.id or 0, position=position
                )
            )
    session.flush()


def break_the_scenario(engine: Engine, result: dict[str, Any]) -> None:
    """Change the data after the solve: a VP the scenario places gets a conflict of interest
    with that seat's organisation, so its seats would now break a hard rule."""
    added = {need["need_id"]: need["organisation_id"] for need in result["added_needs"]}
    with Session(engine) as session:
        item = result["plan"][0]
        need = session.get(Need, item["need_id"])
        organisation = added.get(item["need_id"]) or (need.organisation_id if need else None)
        assert organisation is not None
        session.add(
            ConflictOfInterest(
                trust_person_id=item["trust_person_id"],
                organisation_id=organisation,
                reason=ConflictReason.OTHER,
            )
        )
        session.commit()
