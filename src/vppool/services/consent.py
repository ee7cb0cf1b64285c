"""The VP's consent: a placement becomes an assignment only once its trust person accepts.

A confirmed run's proposals and a planner's placement from the quick match are *asked*
(:attr:`AssignmentStatus.ASKED`) while ``Settings.vp_consent`` is on (the default): the seat
is held (no other run or placement takes it) and the VP is told. The VP accepts — the
assignment is confirmed and the VP and the client are told, as before — or declines with a
reason: the seat is open again and the planners are told, with a link to the quick match
for that seat. Each answer is audited.

The VP can also answer without logging in: the e-mail that asks them and the event in their
calendar feed carry a personal link (:func:`answer_url`) to a page that shows the placement
(:func:`linked_placement`) and takes the answer (:func:`answer_by_link`), by the same rules
as :func:`answer`. The link's secret is an HMAC of the assignment's id under the
application's signing key (``VPPOOL_SECRET_KEY``, else the data folder's key): nothing
secret is stored, anyone without the key cannot make one, and the link opens the answer only
while the placement waits for it (answered or withdrawn: the page says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from vppool.db import serialise_writes
from vppool.db.models import Assignment, Need, Organisation, TrustPerson, User
from vppool.db.schemas import AssignmentPublic, ConsentAnswer
from vppool.db.types import utc_now
from vppool.errors import Conflict, NotFound, PermissionDenied
from vppool.security import sign, signed
from vppool.services import audit, notices
from vppool.services._common import Actor, acting, flush
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, Role

__all__ = [
    "ANSWER_PATH",
    "HELD_STATUSES",
    "LinkedPlacement",
    "answer",
    "answer_by_link",
    "answer_url",
    "ask_or_confirm",
    "linked_placement",
    "tell",
]

#: Where the answer pages live (inside the web application, under ``/app``).
ANSWER_PATH = "/answer"

#: Placements that hold their seat and count on their VP's capacity: asked or confirmed.
HELD_STATUSES = (AssignmentStatus.ASKED, AssignmentStatus.CONFIRMED)
_RACE = "Another confirmation took one of these seats or VPs at the same moment; reload."


def ask_or_confirm(
    session: Session, rows: Sequence[Assignment], settings: Settings, *, race: str = _RACE
) -> None:
    """Give new placements their status and tell whom it concerns.

    With ``settings.vp_consent`` the VPs are asked first (``asked``, the VP is told);
    otherwise the placements are confirmed at once (the VP and the client are told).
    """
    status = AssignmentStatus.ASKED if settings.vp_consent else AssignmentStatus.CONFIRMED
    now = utc_now()
    for row in rows:
        row.status = status
        row.updated_at = now
        row.revision += 1
        session.add(row)
    flush(session, race=race)
    tell(session, settings, [row.id for row in rows if row.id is not None])


def tell(session: Session, settings: Settings, assignment_ids: Sequence[int]) -> None:
    """Tell whom new placements concern.

    Asked: their VP, with the answer link; confirmed: the VP and the client.
    """
    if settings.vp_consent:
        notices.consent_asked(session, assignment_ids, lambda i: answer_url(settings, i))
    else:
        notices.assignments_confirmed(session, assignment_ids)


def answer(
    session: Session, *, assignment_id: int, data: ConsentAnswer, viewer: Viewer
) -> AssignmentPublic:
    """The trust person accepts or declines the placement they were asked for.

    Raises:
        PermissionDenied: the viewer is not a trust person.
        NotFound: no such assignment among the viewer's own.
        Conflict: the assignment is not waiting for an answer (answered, or withdrawn).
    """
    if viewer.role is not Role.TRUST_PERSON:
        msg = "only the trust person asked can accept or decline a placement"
        raise PermissionDenied(msg)
    row = _locked(session, assignment_id)
    if row is None or row.trust_person_id != viewer.trust_person_id:
        raise NotFound("assignment", assignment_id)
    return _settle(session, row, data, acting(viewer))


def _locked(session: Session, assignment_id: int) -> Assignment | None:
    """The assignment, read fresh and locked until the transaction ends.

    Archiving the VP (which withdraws their asks) or a second answer at the same moment
    comes wholly before or after this answer, never in between: PostgreSQL locks the row,
    SQLite takes its write lock first (when the transaction has not begun).
    """
    serialise_writes(session)
    return session.exec(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _settle(
    session: Session, row: Assignment, data: ConsentAnswer, actor: Actor
) -> AssignmentPublic:
    """Record the VP's answer to the placement ``row``, audited as ``actor``, and tell."""
    if row.status is not AssignmentStatus.ASKED:
        raise Conflict(
            "This placement is {status}; only one waiting for your answer can be accepted or "
            "declined.",
            status=row.status,
        )
    row.status = AssignmentStatus.CONFIRMED if data.accept else AssignmentStatus.DECLINED
    row.decline_reason = None if data.accept else data.reason
    row.updated_at = utc_now()
    row.revision += 1
    session.add(row)
    flush(session, race="The seat was taken meanwhile; ask the planner.")
    verb = "accepted" if data.accept else "declined"
    audit.record_event(
        session,
        actor,
        ("assignment", row.id),
        verb,
        {"need_id": row.need_id, "seat": row.seat, "trust_person_id": row.trust_person_id},
    )
    notices.consent_answered(session, row)
    if data.accept and row.id is not None:
        notices.assignments_confirmed(session, [row.id])
    return AssignmentPublic.model_validate(row)


# --------------------------------------------------------------------------- the answer link


def _secret(settings: Settings, assignment_id: int) -> str:
    return sign(settings.signing_key(), f"consent:{assignment_id}")


def answer_url(settings: Settings, assignment_id: int) -> str:
    """The personal address of a placement's answer page (under ``settings.link_base``)."""
    secret = _secret(settings, assignment_id)
    return f"{settings.link_base}/app{ANSWER_PATH}/{assignment_id}/{secret}"


@dataclass(frozen=True, slots=True)
class LinkedPlacement:
    """What the answer page shows: the placement, and whether (and how) it was answered.

    ``ends_on`` is exclusive, as everywhere; ``status`` says whether it still waits
    (``asked``), was taken (``confirmed``, later ``ended``), declined (with ``reason``), or
    withdrawn by the planner (``cancelled``, or back to ``proposed``).
    """

    assignment_id: int
    status: AssignmentStatus
    trust_person: str
    organisation: str
    title: str
    where: notices.Whereabouts
    starts_on: date
    ends_on: date | None
    reason: str | None
    answered_at: object


def _linked(
    session: Session, settings: Settings, assignment_id: int, secret: str, *, lock: bool = False
) -> Assignment:
    """The assignment a link opens (``lock``: locked for an answer, see :func:`_locked`).

    Raises:
        NotFound: no such assignment, the secret is not its link's, or its VP is archived.
    """
    # The signature first: a forged or mangled link never reaches the database.
    if not secret or not signed(settings.signing_key(), f"consent:{assignment_id}", secret):
        raise NotFound("link", "")
    row = _locked(session, assignment_id) if lock else session.get(Assignment, assignment_id)
    person = session.get(TrustPerson, row.trust_person_id) if row is not None else None
    if row is None or person is None or not person.active:
        # An archived VP's link stops working with their login: it no longer speaks for them.
        raise NotFound("link", "")
    return row


def linked_placement(
    session: Session, settings: Settings, assignment_id: int, secret: str
) -> LinkedPlacement:
    """The placement an answer link opens, whatever its state now.

    Raises:
        NotFound: no such assignment, or the secret is not its link's.
    """
    row = _linked(session, settings, assignment_id, secret)
    need = session.get(Need, row.need_id)
    organisation = session.get(Organisation, need.organisation_id) if need else None
    person = session.get(TrustPerson, row.trust_person_id)
    if need is None or organisation is None or person is None:
        raise NotFound("link", "")
    return LinkedPlacement(
        assignment_id=assignment_id,
        status=row.status,
        trust_person=f"{person.first_name} {person.last_name}",
        organisation=organisation.name,
        title=need.title,
        where=notices.whereabouts(session, need, organisation),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=row.decline_reason,
        answered_at=row.updated_at,
    )


def answer_by_link(
    session: Session, settings: Settings, assignment_id: int, secret: str, data: ConsentAnswer
) -> AssignmentPublic:
    """The VP answers with their personal link, by the rules of :func:`answer`.

    Audited as the VP's login (the first active one; the system when they have none),
    labelled ``(answer link)``.

    Raises:
        NotFound: no such assignment, or the secret is not its link's.
        Conflict: the placement no longer waits for an answer (answered, or withdrawn).
    """
    row = _linked(session, settings, assignment_id, secret, lock=True)
    login = session.exec(
        select(User)
        .where(User.trust_person_id == row.trust_person_id, col(User.active).is_(True))
        .order_by(col(User.id))
    ).first()
    label = f"{login.display_name} (answer link)" if login else "answer link"
    return _settle(session, row, data, Actor(user_id=login.id if login else None, label=label))
