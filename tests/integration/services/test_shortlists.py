"""The client chooses its trust person from a shortlist: build, edit, send, choose, expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import make_user, typed, viewer_of
from tests.integration.seed import org_with_need, vp_with_certificate
from vppool.db.models import (
    Assignment,
    AuditEntry,
    ConflictOfInterest,
    Need,
    Notification,
    PublicProfile,
    Shortlist,
    User,
)
from vppool.db.schemas import ShortlistAskOthers, ShortlistChange, ShortlistChoose
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vppool.jobs import tasks
from vppool.jobs.runtime import Runtime, install
from vppool.services import shortlists
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, ConflictReason, Role, ShortlistStatus

pytestmark = pytest.mark.integration


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, int]


def _today(settings: Settings) -> date:
    return settings.today()


@pytest.fixture(name="world")
def fx_world(engine: Engine, settings: Settings) -> World:
    """A need in Utrecht whose client wants to choose, five VPs near it, two alike."""
    start = _today(settings) + timedelta(days=14)
    with Session(engine) as session:
        ids = {
            # Anna and Bea are twins (women born 1975, Dutch only, no background).
            "anna": vp_with_certificate(session, "Anna", 52.09, 5.12, birth_year=1975),
            "bea": vp_with_certificate(session, "Bea", 52.10, 5.13, birth_year=1976),
            "can": vp_with_certificate(
                session, "Can", 52.08, 5.10, gender="male", languages=["nl", "tr"]
            ),
            "dirk": vp_with_certificate(
                session, "Dirk", 52.15, 5.30, gender="male", birth_year=1960
            ),
            "far": vp_with_certificate(session, "Femke", 53.22, 6.57),  # Groningen: too far
        }
        ids["need"] = org_with_need(
            session, "Zorg Utrecht", 52.09, 5.12, client_chooses=True, starts_on=start
        )
        ids["plain"] = org_with_need(session, "School Utrecht", 52.09, 5.12, starts_on=start)
        session.add(PublicProfile(trust_person_id=ids["can"], introduction="Ik luister eerst."))
        need_org = _organisation_of(session, ids["need"])
        plain_org = _organisation_of(session, ids["plain"])
        users = {
            "planner": make_user(session).id,
            "client": make_user(
                session, email="hr@zorg.nl", role=Role.CLIENT, organisation_id=need_org
            ).id,
            "other_client": make_user(
                session, email="hr@school.nl", role=Role.CLIENT, organisation_id=plain_org
            ).id,
            "anna": make_user(
                session, email="anna@vp.nl", role=Role.TRUST_PERSON, trust_person_id=ids["anna"]
            ).id,
        }
        session.commit()
    return World(ids, {name: int(user_id or 0) for name, user_id in users.items()})


def _organisation_of(session: Session, need_id: int) -> int:
    need = session.get(Need, need_id)
    assert need is not None
    return need.organisation_id


def _viewer(session: Session, world: World, who: str) -> Viewer:
    user = session.get(User, world.users[who])
    assert user is not None
    return viewer_of(user)


def _build(engine: Engine, settings: Settings, world: World) -> shortlists.ShortlistView:
    with Session(engine) as session:
        view = shortlists.build(
            session, settings, need_id=world.ids["need"], viewer=_viewer(session, world, "planner")
        )
        session.commit()
    return view


def _send(engine: Engine, settings: Settings, world: World, shortlist_id: int) -> None:
    with Session(engine) as session:
        shortlists.send(
            session, settings, shortlist_id=shortlist_id, viewer=_viewer(session, world, "planner")
        )
        session.commit()


def _kinds(session: Session, user_id: int) -> list[str]:
    return list(
        session.exec(
            select(Notification.kind)
            .where(Notification.recipient_user_id == user_id)
            .order_by(col(Notification.id))
        ).all()
    )


def _actions(session: Session) -> list[str]:
    return list(
        session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "shortlist")
            .order_by(col(AuditEntry.id))
        ).all()
    )


def test_built_shortlist_is_three_eligible_vps_without_twins_cheapest_first(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    ids = [c.trust_person_id for c in view.candidates]
    assert view.status is ShortlistStatus.DRAFT
    assert len(ids) == 3
    assert world.ids["far"] not in ids  # too far: not eligible
    assert not {world.ids["anna"], world.ids["bea"]} <= set(ids)  # never both twins
    assert view.first_choice_id == ids[0]
    costs = [c.planner.cost for c in view.candidates if c.planner]
    assert costs[0] == min(costs)
    assert view.deadline == _today(settings) + timedelta(days=shortlists.DEFAULT_DAYS)
    with Session(engine) as session:
        assert _actions(session) == ["shortlist_built"]


def test_a_need_whose_client_does_not_choose_gets_no_shortlist(
    engine: Engine, settings: Settings, world: World
) -> None:
    with Session(engine) as session, pytest.raises(Conflict, match="did not ask to choose"):
        shortlists.build(
            session, settings, need_id=world.ids["plain"], viewer=_viewer(session, world, "planner")
        )


def test_planner_edits_a_draft_within_the_eligible_and_refuses_the_rest(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    chosen = [world.ids["dirk"], world.ids["can"]]
    with Session(engine) as session:
        planner = _viewer(session, world, "planner")
        with pytest.raises(ValidationFailed) as refused:
            shortlists.update(
                session,
                settings,
                shortlist_id=view.id,
                data=typed(ShortlistChange, {"candidates": [world.ids["far"], world.ids["can"]]}),
                viewer=planner,
            )
        assert refused.value.errors[0].field == "candidates"
        with pytest.raises(ValidationFailed) as past:
            shortlists.update(
                session,
                settings,
                shortlist_id=view.id,
                data=typed(ShortlistChange, {"deadline": _today(settings) - timedelta(days=1)}),
                viewer=planner,
            )
        assert past.value.errors[0].field == "deadline"
        changed = shortlists.update(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(
                ShortlistChange,
                {"candidates": chosen, "first_choice_id": world.ids["can"], "note": "Twee opties"},
            ),
            viewer=planner,
        )
        session.commit()
    assert [c.trust_person_id for c in changed.candidates] == chosen
    assert changed.first_choice_id == world.ids["can"]
    assert changed.note == "Twee opties"


def test_sent_shortlist_tells_the_client_who_sees_profiles_and_is_audited(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    with Session(engine) as session:
        client = _viewer(session, world, "client")
        with pytest.raises(NotFound):  # a draft never sent is the planner's work
            shortlists.read(session, settings, shortlist_id=view.id, viewer=client)
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        assert _kinds(session, world.users["client"]) == ["shortlist_ready"]
        client = _viewer(session, world, "client")
        seen = shortlists.read(session, settings, shortlist_id=view.id, viewer=client)
        listed = shortlists.list_shortlists(session, settings, viewer=client)
        with pytest.raises(PermissionDenied):
            shortlists.read(
                session, settings, shortlist_id=view.id, viewer=_viewer(session, world, "anna")
            )
        with pytest.raises(NotFound):
            shortlists.read(
                session,
                settings,
                shortlist_id=view.id,
                viewer=_viewer(session, world, "other_client"),
            )
        assert (
            shortlists.list_shortlists(
                session, settings, viewer=_viewer(session, world, "other_client")
            )
            == []
        )
        session.commit()
    assert [s.id for s in listed] == [view.id]
    assert seen.open
    assert len(seen.candidates) == 3
    assert all(c.planner is None for c in seen.candidates)  # no costs, no profile facts
    assert all(c.region == "Utrecht" for c in seen.candidates)
    can = next((c for c in seen.candidates if c.trust_person_id == world.ids["can"]), None)
    if can is not None:
        assert can.introduction == "Ik luister eerst."
    assert all(c.gender is None for c in seen.candidates)  # none lets clients see it
    with Session(engine) as session:
        assert _actions(session) == ["shortlist_built", "shortlist_sent", "shortlist_viewed"]


def test_client_chooses_the_vp_is_asked_and_only_they_stay_visible(
    engine: Engine, settings: Settings, world: World
) -> None:
    asking = settings.model_copy(update={"vp_consent": True})
    view = _build(engine, asking, world)
    _send(engine, asking, world, view.id)
    pick = view.candidates[1].trust_person_id
    with Session(engine) as session:
        client = _viewer(session, world, "client")
        with pytest.raises(ValidationFailed):
            shortlists.choose(
                session,
                asking,
                shortlist_id=view.id,
                data=typed(ShortlistChoose, {"trust_person_id": world.ids["far"]}),
                viewer=client,
            )
        after = shortlists.choose(
            session,
            asking,
            shortlist_id=view.id,
            data=typed(ShortlistChoose, {"trust_person_id": pick}),
            viewer=client,
        )
        session.commit()
    assert after.status is ShortlistStatus.CHOSEN
    assert [c.trust_person_id for c in after.candidates] == [pick]
    with Session(engine) as session:
        placed = session.get(Assignment, after.assignment_id)
        assert placed is not None
        assert (placed.trust_person_id, placed.status) == (pick, AssignmentStatus.ASKED)
        assert _kinds(session, world.users["planner"]) == ["choice_made"]
        assert "shortlist_chosen" in _actions(session)
        with pytest.raises(Conflict, match="chosen"):
            shortlists.choose(
                session,
                asking,
                shortlist_id=view.id,
                data=typed(ShortlistChoose, {"trust_person_id": pick}),
                viewer=_viewer(session, world, "client"),
            )


def test_a_candidate_no_longer_eligible_cannot_be_chosen(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    _send(engine, settings, world, view.id)
    gone = view.candidates[0].trust_person_id
    with Session(engine) as session:  # a personal tie came to light meanwhile
        organisation_id = _organisation_of(session, world.ids["need"])
        session.add(
            ConflictOfInterest(
                trust_person_id=gone,
                organisation_id=organisation_id,
                reason=ConflictReason.PERSONAL_TIE,
            )
        )
        session.commit()
    with Session(engine) as session:
        with pytest.raises(Conflict, match="can no longer take this assignment"):
            shortlists.choose(
                session,
                settings,
                shortlist_id=view.id,
                data=typed(ShortlistChoose, {"trust_person_id": gone}),
                viewer=_viewer(session, world, "client"),
            )
        assert session.exec(select(Assignment)).all() == []


def test_asking_for_others_makes_a_draft_again_and_tells_the_planners(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        client = _viewer(session, world, "client")
        with pytest.raises(ValidationFailed):
            typed(ShortlistAskOthers, {"note": "   "})
        after = shortlists.ask_others(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistAskOthers, {"note": "Liever iemand die Arabisch spreekt"}),
            viewer=client,
        )
        session.commit()
    assert after.status is ShortlistStatus.DRAFT
    assert after.candidates == []  # no profiles while the planner changes it
    assert after.client_note == "Liever iemand die Arabisch spreekt"
    with Session(engine) as session:
        assert _kinds(session, world.users["planner"]) == ["others_asked"]
        body = session.exec(select(Notification.body)).all()
        assert any("Arabisch" in text for text in body)
    rebuilt = _build(engine, settings, world)  # the draft is built again, not a second one
    assert rebuilt.id == view.id


def test_deadline_job_places_the_first_choice_the_day_after_the_last_day(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    _send(engine, settings, world, view.id)
    assert view.deadline is not None
    last_day = datetime.combine(view.deadline, time(12), tzinfo=UTC)
    install(Runtime(engine=engine, settings=settings, now=lambda: last_day))
    tasks.shortlist_deadlines()  # the last day itself: the client may still choose
    with Session(engine) as session:
        row = session.get(Shortlist, view.id)
        assert row is not None
        assert row.status is ShortlistStatus.SENT
    install(Runtime(engine=engine, settings=settings, now=lambda: last_day + timedelta(days=1)))
    tasks.shortlist_deadlines()
    with Session(engine) as session:
        row = session.get(Shortlist, view.id)
        assert row is not None
        assert row.status is ShortlistStatus.EXPIRED
        assert row.chosen_id == view.first_choice_id
        placed = session.get(Assignment, row.assignment_id)
        assert placed is not None
        assert placed.trust_person_id == view.first_choice_id
        assert placed.status is AssignmentStatus.CONFIRMED  # this suite confirms at once
        assert "shortlist_expired" in _kinds(session, world.users["planner"])
        assert "shortlist_expired" in _kinds(session, world.users["client"])
        client = _viewer(session, world, "client")
        after = shortlists.read(session, settings, shortlist_id=view.id, viewer=client)
        assert [c.trust_person_id for c in after.candidates] == [view.first_choice_id]


def test_the_ready_message_is_in_the_contacts_language_and_respects_their_email_choice(
    engine: Engine, settings: Settings, world: World
) -> None:
    with Session(engine) as session:
        client = session.get(User, world.users["client"])
        assert client is not None
        client.language = "en"
        client.email_off = ["shortlist_ready"]
        session.add(client)
        other = make_user(
            session,
            email="directie@zorg.nl",
            role=Role.CLIENT,
            organisation_id=_organisation_of(session, world.ids["need"]),
        )
        session.commit()
        other_id = other.id
    view = _build(engine, settings, world)
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        english = session.exec(
            select(Notification).where(Notification.recipient_user_id == world.users["client"])
        ).one()
        dutch = session.exec(
            select(Notification).where(Notification.recipient_user_id == other_id)
        ).one()
    assert english.subject.startswith("Choose your trust person")
    assert not english.by_email  # in the inbox only, as they chose
    assert dutch.subject.startswith("Kies uw vertrouwenspersoon")
    assert dutch.by_email
    assert dutch.link == f"/shortlists/{view.id}"
    last_day = view.deadline
    assert last_day is not None
    assert f"uiterlijk op {last_day.day} " in dutch.body


def test_a_write_committed_between_the_clients_read_and_its_audit_does_not_break_it(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        client = _viewer(session, world, "client")  # this GET's transaction has read
        with Session(engine) as other:  # another writer commits meanwhile
            need = other.get(Need, world.ids["plain"])
            assert need is not None
            need.title = "Changed meanwhile"
            other.add(need)
            other.commit()
        seen = shortlists.read(session, settings, shortlist_id=view.id, viewer=client)
        session.commit()
    assert len(seen.candidates) == 3
    with Session(engine) as session:
        assert _actions(session)[-1] == "shortlist_viewed"


def test_a_blank_note_is_answered_by_what_to_write(settings: Settings) -> None:
    for blank in ("", "   "):
        with pytest.raises(ValidationFailed) as caught:
            typed(ShortlistAskOthers, {"note": blank})
        assert "Say what the other candidates should bring" in str(caught.value.errors)


def test_the_client_never_sees_the_planners_first_choice_nor_a_draft_note(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    with Session(engine) as session:
        shortlists.update(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistChange, {"note": "Sent note"}),
            viewer=_viewer(session, world, "planner"),
        )
        session.commit()
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        seen = shortlists.read(
            session, settings, shortlist_id=view.id, viewer=_viewer(session, world, "client")
        )
        session.commit()
    assert seen.note == "Sent note"
    assert seen.first_choice_id is None
    assert not any(c.first_choice for c in seen.candidates)
    with Session(engine) as session:
        shortlists.ask_others(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistAskOthers, {"note": "Iemand met meer ervaring"}),
            viewer=_viewer(session, world, "client"),
        )
        shortlists.update(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistChange, {"note": "Draft, not for the client yet"}),
            viewer=_viewer(session, world, "planner"),
        )
        after = shortlists.read(
            session, settings, shortlist_id=view.id, viewer=_viewer(session, world, "client")
        )
        planner = shortlists.read(
            session, settings, shortlist_id=view.id, viewer=_viewer(session, world, "planner")
        )
        session.commit()
    assert (after.note, after.first_choice_id, after.candidates) == (None, None, [])
    assert planner.note == "Draft, not for the client yet"
    assert planner.first_choice_id is not None


def test_building_again_after_others_were_asked_leaves_out_those_sent(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)
    sent = [c.trust_person_id for c in view.candidates][:2]
    with Session(engine) as session:
        shortlists.update(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistChange, {"candidates": sent}),
            viewer=_viewer(session, world, "planner"),
        )
        session.commit()
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        shortlists.ask_others(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistAskOthers, {"note": "Iemand anders graag"}),
            viewer=_viewer(session, world, "client"),
        )
        session.commit()
    eligible = {world.ids[n] for n in ("anna", "bea", "can", "dirk")}
    again = _build(engine, settings, world)
    assert {c.trust_person_id for c in again.candidates} == eligible - set(sent)


def test_building_again_with_too_few_others_keeps_those_sent_and_says_so(
    engine: Engine, settings: Settings, world: World
) -> None:
    view = _build(engine, settings, world)  # three of the four eligible: one other is left
    _send(engine, settings, world, view.id)
    with Session(engine) as session:
        shortlists.ask_others(
            session,
            settings,
            shortlist_id=view.id,
            data=typed(ShortlistAskOthers, {"note": "Iemand anders graag"}),
            viewer=_viewer(session, world, "client"),
        )
        session.commit()
    again = _build(engine, settings, world)
    assert {c.trust_person_id for c in again.candidates} == {
        c.trust_person_id for c in view.candidates
    }
    assert again.same_again
    assert not view.same_again
