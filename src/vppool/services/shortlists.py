"""The client chooses its trust person from a shortlist (issue 14, points 2 and 6).

For a need whose client wants to choose (``need.client_chooses``), a planner builds a
shortlist: two or three VPs the quick match finds eligible (every hard rule, the client's
conditions included), chosen by the matcher's small diversity model
(:func:`vppool.matching.choose_shortlist`: no two alike where the pool allows, as different
as possible, then cheapest); the cheapest is the planner's first choice. The planner may
change it while it is a draft (other eligible candidates, the first choice, the last day to
choose, a note for the client) and sends it: the organisation's contacts are told.

The client contact reads the candidates' profiles (name, languages, sectors, years of
experience, region, their own introduction and, if they show it, their gender) while the
shortlist is sent and open, and chooses one, or asks for others with a note (a draft again;
the planners are told). The chosen VP is placed on the need's first open seat like a
planner's placement (asked first when the VP's consent is on, see
:mod:`vppool.services.consent`). If nobody chooses by the last day, the daily job
(:func:`expire_due`) places the planner's first choice the same way. Eligibility is checked
again when sending and when choosing: the pool may have changed.

Privacy: a client contact sees only their own organisation's shortlists, the candidates'
profiles only while it is open, and after the choice only the VP placed; a trust person sees
no shortlist. Every opening by a client and every choice is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from vppool import matching as m
from vppool.db.models import (
    Assignment,
    AuditEntry,
    Need,
    Organisation,
    PublicProfile,
    Shortlist,
    ShortlistCandidate,
    TrustPerson,
)
from vppool.db.schemas import ShortlistAskOthers, ShortlistChange, ShortlistChoose
from vppool.db.types import utc_now
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, VppoolError
from vppool.services import audit, consent, notices
from vppool.services._common import (
    SYSTEM,
    Actor,
    acting,
    ensure_own_organisation,
    flush,
    get_or_404,
    require_staff,
    sees_everything,
)
from vppool.services.access import Viewer
from vppool.services.insight import province_of
from vppool.services.matching import override_seat, quick_match_need
from vppool.services.profile_photos import data_url
from vppool.settings import Settings
from vppool.vocab import Role, ShortlistStatus

__all__ = [
    "DEFAULT_DAYS",
    "CandidateProfile",
    "ExpiryReport",
    "PlannerFacts",
    "ShortlistSummary",
    "ShortlistView",
    "ask_others",
    "build",
    "choose",
    "eligible_costs",
    "expire_due",
    "latest_for_need",
    "list_shortlists",
    "profiles_of",
    "read",
    "send",
    "update",
]

#: The last day to choose, counted from the day the shortlist is built (the planner may
#: change it).
DEFAULT_DAYS = 7
_OPEN = (ShortlistStatus.DRAFT, ShortlistStatus.SENT)


class PlannerFacts(BaseModel):
    """What only planners see of a candidate: the matcher's cost and the diversity profile."""

    cost: int
    gender: str | None
    age_band: str | None
    background: list[str]


class CandidateProfile(BaseModel):
    """A candidate as the client contact sees them: what the VP shows of themselves."""

    trust_person_id: int
    name: str
    languages: list[str]
    sectors: list[str]
    experience_years: int | None
    region: str
    introduction: str | None
    #: Only if the VP lets clients see it.
    gender: str | None
    first_choice: bool
    planner: PlannerFacts | None = None
    #: The VP's photo as a ``data:`` URL (JPEG), if they gave one.
    photo: str | None = None


class ShortlistView(BaseModel):
    """One shortlist as the viewer may see it (candidates only where they may)."""

    id: int
    need_id: int
    need_title: str
    organisation_id: int
    organisation_name: str
    status: ShortlistStatus
    #: The last day (inclusive) the client may choose.
    deadline: date | None
    #: Sent, and the last day has not passed: the client can choose.
    open: bool
    note: str | None
    client_note: str | None
    first_choice_id: int | None
    chosen_id: int | None
    assignment_id: int | None
    sent_at: datetime | None
    decided_at: datetime | None
    revision: int
    candidates: list[CandidateProfile]
    #: Planners, after the client asked for others: every candidate is one they saw already
    #: (too few other VPs are eligible).
    same_again: bool = False


class ShortlistSummary(BaseModel):
    """A shortlist in a list."""

    id: int
    need_id: int
    need_title: str
    organisation_name: str
    status: ShortlistStatus
    deadline: date | None
    open: bool
    candidates: int


class ExpiryReport(BaseModel):
    """What the daily job did: shortlists expired, and how many of them were placed."""

    expired: int
    placed: int


# --------------------------------------------------------------------------- reading


def _parties(session: Session, shortlist: Shortlist) -> tuple[Need, Organisation]:
    need = get_or_404(session, Need, shortlist.need_id, "need")
    return need, get_or_404(session, Organisation, need.organisation_id, "organisation")


def _candidates(session: Session, shortlist_id: int | None) -> list[ShortlistCandidate]:
    return list(
        session.exec(
            select(ShortlistCandidate)
            .where(ShortlistCandidate.shortlist_id == shortlist_id)
            .order_by(col(ShortlistCandidate.position), col(ShortlistCandidate.id))
        ).all()
    )


def _is_open(shortlist: Shortlist, today: date) -> bool:
    return shortlist.status is ShortlistStatus.SENT and (
        shortlist.deadline is None or shortlist.deadline >= today
    )


def _name(person: TrustPerson) -> str:
    return f"{person.first_name} {person.last_name}"


def _profile(
    session: Session,
    person: TrustPerson,
    *,
    first_choice: bool,
    today: date,
    cost: int | None = None,
) -> CandidateProfile:
    """``person`` as a candidate; with the planner's facts when ``cost`` is given."""
    public = session.exec(
        select(PublicProfile).where(PublicProfile.trust_person_id == person.id)
    ).first()
    since = person.experience_since
    planner = None
    if cost is not None:
        planner = PlannerFacts(
            cost=cost,
            gender=person.gender,
            age_band=m.age_band(person.birth_year, today.year),
            background=list(person.background_tags),
        )
    return CandidateProfile(
        trust_person_id=person.id or 0,
        name=_name(person),
        languages=list(person.languages),
        sectors=list(person.sectors),
        experience_years=None if since is None else max(0, (today - since).days // 365),
        region=province_of(person.home_latitude, person.home_longitude),
        introduction=public.introduction if public else None,
        gender=person.gender if person.gender_visible_to_clients else None,
        first_choice=first_choice,
        planner=planner,
        photo=data_url(public.photo) if public else None,
    )


def _view(
    session: Session,
    shortlist: Shortlist,
    *,
    today: date,
    shown: Sequence[ShortlistCandidate],
    planner: bool,
) -> ShortlistView:
    need, organisation = _parties(session, shortlist)
    candidates = []
    for row in shown:
        person = get_or_404(session, TrustPerson, row.trust_person_id, "trust person")
        candidates.append(
            _profile(
                session,
                person,
                first_choice=planner and row.trust_person_id == shortlist.first_choice_id,
                today=today,
                cost=row.cost if planner else None,
            )
        )
    assert shortlist.id is not None  # noqa: S101  (stored)
    return ShortlistView(
        id=shortlist.id,
        need_id=need.id or 0,
        need_title=need.title,
        organisation_id=organisation.id or 0,
        organisation_name=organisation.name,
        status=shortlist.status,
        deadline=shortlist.deadline,
        open=_is_open(shortlist, today),
        # A client chooses freely: the planner's preference and a draft's note are theirs.
        note=shortlist.note if planner or shortlist.status is not ShortlistStatus.DRAFT else None,
        client_note=shortlist.client_note,
        first_choice_id=shortlist.first_choice_id if planner else None,
        chosen_id=shortlist.chosen_id,
        assignment_id=shortlist.assignment_id,
        sent_at=shortlist.sent_at,
        decided_at=shortlist.decided_at,
        revision=shortlist.revision,
        candidates=candidates,
        same_again=planner
        and shortlist.status is ShortlistStatus.DRAFT
        and shortlist.sent_at is not None
        and bool(shown)
        and {r.trust_person_id for r in shown} <= _sent_before(session, shortlist.id),
    )


def _refuse_trust_persons(viewer: Viewer) -> None:
    if viewer.role is Role.TRUST_PERSON:
        msg = "only planners and the client's contacts see shortlists"
        raise PermissionDenied(msg)


def _scoped(session: Session, viewer: Viewer, shortlist_id: int) -> Shortlist:
    """The shortlist if the viewer may see it at all (a client: their own, once sent)."""
    _refuse_trust_persons(viewer)
    shortlist = get_or_404(session, Shortlist, shortlist_id, "shortlist")
    if sees_everything(viewer):
        return shortlist
    need = get_or_404(session, Need, shortlist.need_id, "need")
    ensure_own_organisation(viewer, need.organisation_id, entity="shortlist", key=shortlist_id)
    if shortlist.sent_at is None:  # never sent: the planner's work in progress
        raise NotFound("shortlist", shortlist_id)
    return shortlist


def _audit_viewing(
    session: Session, viewer: Viewer, shortlist: Shortlist, rows: Sequence[ShortlistCandidate]
) -> None:
    """Audit a client's opening, in its own short transaction if this one cannot write.

    A GET's transaction has read already: on SQLite it cannot start writing once another
    writer committed meanwhile ("database is locked" at once). The entry is then written on
    its own connection, which waits its turn like any writer. A transaction that holds the
    write lock already (a form shown again after a POST) writes it itself.
    """

    def record(target: Session) -> None:
        audit.record_event(
            target,
            acting(viewer),
            ("shortlist", shortlist.id),
            "viewed",
            {"need_id": shortlist.need_id, "trust_person_ids": [r.trust_person_id for r in rows]},
        )

    try:
        with session.begin_nested():
            record(session)
    except OperationalError:
        if session.get_bind().dialect.name != "sqlite":
            raise
        with Session(session.get_bind()) as own:
            record(own)
            own.commit()


def read(
    session: Session, settings: Settings, *, shortlist_id: int, viewer: Viewer
) -> ShortlistView:
    """One shortlist.

    Planners see every candidate with the matcher's facts. A client contact sees the
    candidates' profiles while the shortlist is open (each opening is audited), after the
    choice only the VP placed, and none while the planner changes it.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such shortlist in the viewer's scope (a client: or not sent yet).
    """
    shortlist = _scoped(session, viewer, shortlist_id)
    today = settings.today()
    rows = _candidates(session, shortlist.id)
    if sees_everything(viewer):
        return _view(session, shortlist, today=today, shown=rows, planner=True)
    if _is_open(shortlist, today):
        shown = rows
        _audit_viewing(session, viewer, shortlist, rows)
    else:
        placed = shortlist.chosen_id if shortlist.assignment_id is not None else None
        shown = [r for r in rows if r.trust_person_id == placed]
    return _view(session, shortlist, today=today, shown=shown, planner=False)


def latest_for_need(
    session: Session, settings: Settings, *, need_id: int, viewer: Viewer
) -> ShortlistView | None:
    """The need's newest shortlist as planners see it (``None``: none built yet).

    Raises:
        PermissionDenied: the viewer is not a planner or administrator.
    """
    require_staff(viewer, "see a need's shortlist")
    shortlist_id = session.exec(
        select(Shortlist.id).where(Shortlist.need_id == need_id).order_by(col(Shortlist.id).desc())
    ).first()
    if shortlist_id is None:
        return None
    return read(session, settings, shortlist_id=shortlist_id, viewer=viewer)


def list_shortlists(
    session: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    need_id: int | None = None,
    status: ShortlistStatus | None = None,
) -> list[ShortlistSummary]:
    """Planners: every shortlist (of a need, in a state); a client contact: their own open ones.

    Raises:
        PermissionDenied: the viewer is a trust person.
    """
    _refuse_trust_persons(viewer)
    today = settings.today()
    query = (
        select(Shortlist, Need, Organisation)
        .join(Need, col(Need.id) == Shortlist.need_id)
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .order_by(col(Shortlist.id).desc())
    )
    if need_id is not None:
        query = query.where(Shortlist.need_id == need_id)
    if status is not None:
        query = query.where(Shortlist.status == status)
    if not sees_everything(viewer):
        query = query.where(
            Need.organisation_id == viewer.organisation_id,
            Shortlist.status == ShortlistStatus.SENT,
        )
    found = []
    for shortlist, need, organisation in session.exec(query).all():
        if not sees_everything(viewer) and not _is_open(shortlist, today):
            continue
        found.append(
            ShortlistSummary(
                id=shortlist.id or 0,
                need_id=need.id or 0,
                need_title=need.title,
                organisation_name=organisation.name,
                status=shortlist.status,
                deadline=shortlist.deadline,
                open=_is_open(shortlist, today),
                candidates=len(_candidates(session, shortlist.id)),
            )
        )
    return found


# --------------------------------------------------------------------------- the planner


def eligible_costs(
    session: Session, settings: Settings, need_id: int, today: date | None = None
) -> dict[int, int]:
    """Each VP the quick match finds eligible for the need now, with their marginal cost."""
    found = quick_match_need(session, settings, need_id, today=today, limit=0)
    return {c.trust_person_id: c.marginal_cost for c in found.candidates}


def profiles_of(session: Session, ids: Sequence[int], year: int) -> dict[int, m.VpProfile]:
    """What the diversity model compares of each VP (their age band in ``year``)."""
    people = session.exec(select(TrustPerson).where(col(TrustPerson.id).in_(list(ids)))).all()
    return {
        person.id or 0: m.VpProfile(
            gender=person.gender,
            age_band=m.age_band(person.birth_year, year),
            background=frozenset(person.background_tags),
            languages=frozenset(person.languages),
        )
        for person in people
    }


def _open_seat(session: Session, need: Need) -> int | None:
    """The need's first seat that no asked or confirmed placement holds."""
    held = set(
        session.exec(
            select(Assignment.seat).where(
                Assignment.need_id == need.id,
                col(Assignment.status).in_(consent.HELD_STATUSES),
            )
        ).all()
    )
    return next((seat for seat in range(1, need.seats + 1) if seat not in held), None)


def _set_candidates(
    session: Session, shortlist: Shortlist, ids: Sequence[int], costs: dict[int, int]
) -> None:
    for row in _candidates(session, shortlist.id):
        session.delete(row)
    session.flush()
    for position, vp_id in enumerate(ids):
        session.add(
            ShortlistCandidate(
                shortlist_id=shortlist.id or 0,
                trust_person_id=vp_id,
                position=position,
                cost=costs[vp_id],
            )
        )


def _need_for_choosing(session: Session, need_id: int) -> Need:
    need = get_or_404(session, Need, need_id, "need")
    if not need.client_chooses:
        raise Conflict(
            "The client of need {need} did not ask to choose; place a trust person with the "
            "quick match.",
            need=need_id,
        )
    if _open_seat(session, need) is None:
        raise Conflict("Every seat of need {need} is taken already.", need=need_id)
    return need


def build(session: Session, settings: Settings, *, need_id: int, viewer: Viewer) -> ShortlistView:
    """Build the need's shortlist (a draft), or build its draft again from today's pool.

    Raises:
        PermissionDenied: the viewer is not a planner or administrator.
        NotFound: no such need.
        Conflict: the client did not ask to choose, every seat is taken, the shortlist was
            sent already, or fewer than two VPs are eligible.
    """
    require_staff(viewer, "build a shortlist")
    need = _need_for_choosing(session, need_id)
    today = settings.today()
    shortlist = session.exec(
        select(Shortlist).where(Shortlist.need_id == need_id, col(Shortlist.status).in_(_OPEN))
    ).first()
    if shortlist is not None and shortlist.status is ShortlistStatus.SENT:
        raise Conflict(
            "The shortlist of need {need} was sent to the client; wait for their choice.",
            need=need_id,
        )
    eligible = eligible_costs(session, settings, need_id, today)
    if shortlist is not None and shortlist.sent_at is not None:  # the client asked for others
        seen = _sent_before(session, shortlist.id)
        others = {i: cost for i, cost in eligible.items() if i not in seen}
        if len(others) >= 2:  # else the same again: the planner's page says so
            eligible = others
    if len(eligible) < 2:
        raise Conflict(
            "Only {count} trust person(s) can take need {need} now; a shortlist needs two. "
            "Use the quick match instead.",
            count=len(eligible),
            need=need_id,
        )
    choice = m.shortlist_of(
        eligible.items(),
        profiles_of(session, list(eligible), today.year),
    )
    if shortlist is None:
        shortlist = Shortlist(
            need_id=need_id,
            created_by_user_id=viewer.user_id,
            deadline=today + timedelta(days=DEFAULT_DAYS),
        )
        verb = "built"
    else:
        verb = "rebuilt"
    shortlist.first_choice_id = choice.trust_person_ids[0]
    _save(session, shortlist)
    _set_candidates(
        session,
        shortlist,
        choice.trust_person_ids,
        eligible,
    )
    audit.record_event(
        session,
        acting(viewer),
        ("shortlist", shortlist.id),
        verb,
        {"need_id": need.id, "trust_person_ids": list(choice.trust_person_ids)},
    )
    return _view(
        session, shortlist, today=today, shown=_candidates(session, shortlist.id), planner=True
    )


def _sent_before(session: Session, shortlist_id: int | None) -> set[int]:
    """The VPs the client was sent on this shortlist before (the audit of each sending)."""
    sent = session.exec(
        select(AuditEntry.details).where(
            AuditEntry.entity_type == "shortlist",
            AuditEntry.entity_id == shortlist_id,
            AuditEntry.action == "shortlist_sent",
        )
    ).all()
    return {int(i) for details in sent for i in details.get("trust_person_ids", [])}


def _save(session: Session, shortlist: Shortlist) -> None:
    shortlist.updated_at = utc_now()
    shortlist.revision += 1
    session.add(shortlist)
    flush(session, race="Someone changed this shortlist at the same moment; reload.")


def _locked(session: Session, shortlist: Shortlist) -> Shortlist:
    """The shortlist read again under a row lock (PostgreSQL).

    Two answers at the same moment (two contacts, a contact and a planner) take turns: the
    second sees the first's state. SQLite serialises writing transactions by itself.
    """
    session.refresh(shortlist, with_for_update=True)
    return shortlist


def _draft(session: Session, viewer: Viewer, shortlist_id: int, action: str) -> Shortlist:
    require_staff(viewer, action)
    shortlist = _locked(session, get_or_404(session, Shortlist, shortlist_id, "shortlist"))
    if shortlist.status is not ShortlistStatus.DRAFT:
        raise Conflict(
            "This shortlist is {status}; only a draft can be changed or sent.",
            status=shortlist.status,
        )
    return shortlist


def _check_deadline(deadline: date | None, today: date) -> None:
    if deadline is None:
        raise ValidationFailed.single("deadline", "Give the last day the client may choose.")
    if deadline < today:
        raise ValidationFailed.single(
            "deadline",
            "The last day to choose cannot lie in the past (today is {today}).",
            today=today,
        )


def update(
    session: Session,
    settings: Settings,
    *,
    shortlist_id: int,
    data: ShortlistChange,
    viewer: Viewer,
) -> ShortlistView:
    """Change a draft: its candidates (eligible VPs), first choice, last day or note.

    Raises:
        PermissionDenied: the viewer is not a planner or administrator.
        NotFound: no such shortlist.
        Conflict: it is not a draft.
        ValidationFailed: a candidate is not eligible, the first choice is not a candidate,
            or the last day has passed (each named by its field).
    """
    shortlist = _draft(session, viewer, shortlist_id, "change a shortlist")
    today = settings.today()
    given = data.model_dump(exclude_unset=True)
    rows = _candidates(session, shortlist.id)
    ids = [r.trust_person_id for r in rows]
    if "candidates" in given and data.candidates is not None:
        eligible = eligible_costs(session, settings, shortlist.need_id, today)
        costs = {r.trust_person_id: r.cost for r in rows}
        refused = [i for i in data.candidates if i not in eligible]
        if refused:
            raise ValidationFailed.single(
                "candidates",
                "Trust person(s) {ids} cannot take this need; choose among the eligible ones.",
                ids=", ".join(str(i) for i in refused),
            )
        ids = list(data.candidates)
        _set_candidates(session, shortlist, ids, costs | {i: eligible[i] for i in ids})
        if shortlist.first_choice_id not in ids and "first_choice_id" not in given:
            shortlist.first_choice_id = ids[0]
    if "first_choice_id" in given:
        if data.first_choice_id not in ids:
            raise ValidationFailed.single(
                "first_choice_id", "The first choice must be one of the candidates."
            )
        shortlist.first_choice_id = data.first_choice_id
    if "deadline" in given:
        _check_deadline(data.deadline, today)
        shortlist.deadline = data.deadline
    if "note" in given:
        shortlist.note = (data.note or "").strip() or None
    _save(session, shortlist)
    audit.record_event(
        session,
        acting(viewer),
        ("shortlist", shortlist.id),
        "changed",
        {"need_id": shortlist.need_id, "trust_person_ids": ids},
        fields=sorted(given),
    )
    return _view(
        session, shortlist, today=today, shown=_candidates(session, shortlist.id), planner=True
    )


def _no_longer_eligible(
    session: Session, settings: Settings, shortlist: Shortlist, ids: Sequence[int], today: date
) -> list[str]:
    """The names of the VPs among ``ids`` who can no longer take the need."""
    eligible = eligible_costs(session, settings, shortlist.need_id, today)
    gone = [i for i in ids if i not in eligible]
    return [_name(get_or_404(session, TrustPerson, i, "trust person")) for i in gone]


def send(
    session: Session, settings: Settings, *, shortlist_id: int, viewer: Viewer
) -> ShortlistView:
    """Send a draft to the organisation's contacts (each is told), after checking it again.

    Raises:
        PermissionDenied: the viewer is not a planner or administrator.
        NotFound: no such shortlist.
        Conflict: it is not a draft, or a candidate can no longer take the need.
        ValidationFailed: fewer than two candidates, or no last day / one in the past.
    """
    shortlist = _draft(session, viewer, shortlist_id, "send a shortlist")
    today = settings.today()
    rows = _candidates(session, shortlist.id)
    if len(rows) < 2:
        raise ValidationFailed.single("candidates", "A shortlist needs two or three candidates.")
    _check_deadline(shortlist.deadline, today)
    gone = _no_longer_eligible(
        session, settings, shortlist, [r.trust_person_id for r in rows], today
    )
    if gone:
        raise Conflict(
            "{names} can no longer take this need (the pool changed); build the shortlist "
            "again or change its candidates.",
            names=", ".join(gone),
        )
    need, organisation = _parties(session, shortlist)
    shortlist.status = ShortlistStatus.SENT
    shortlist.sent_at = utc_now()
    _save(session, shortlist)
    audit.record_event(
        session,
        acting(viewer),
        ("shortlist", shortlist.id),
        "sent",
        {"need_id": need.id, "trust_person_ids": [r.trust_person_id for r in rows]},
    )
    people = {
        r.trust_person_id: get_or_404(session, TrustPerson, r.trust_person_id, "trust person")
        for r in rows
    }
    first = people.get(shortlist.first_choice_id or 0) or people[rows[0].trust_person_id]
    notices.shortlist_ready(
        session,
        shortlist,
        need,
        organisation,
        names=[_name(p) for p in people.values()],
        first=_name(first),
    )
    return _view(session, shortlist, today=today, shown=rows, planner=True)


# --------------------------------------------------------------------------- the client


def _sent_and_open(
    session: Session, settings: Settings, viewer: Viewer, shortlist_id: int
) -> tuple[Shortlist, date]:
    shortlist = _locked(session, _scoped(session, viewer, shortlist_id))
    today = settings.today()
    if shortlist.status is not ShortlistStatus.SENT:
        raise Conflict(
            "This shortlist is {status}; only one waiting for your choice can be answered.",
            status=shortlist.status,
        )
    if not _is_open(shortlist, today):
        raise Conflict(
            "The last day to choose was {day}; the planner's first choice stands.",
            day=shortlist.deadline,
        )
    return shortlist, today


def _place(
    session: Session,
    settings: Settings,
    shortlist: Shortlist,
    trust_person_id: int,
    *,
    actor: Actor,
    today: date,
) -> int:
    """Place the VP on the need's first open seat, as a planner's placement is made."""
    need = get_or_404(session, Need, shortlist.need_id, "need")
    seat = _open_seat(session, need)
    if seat is None:
        raise Conflict("Every seat of need {need} is taken already.", need=need.id)
    return override_seat(
        session,
        settings,
        need_id=shortlist.need_id,
        seat=seat,
        trust_person_id=trust_person_id,
        actor=actor,
        today=today,
    )


def choose(
    session: Session,
    settings: Settings,
    *,
    shortlist_id: int,
    data: ShortlistChoose,
    viewer: Viewer,
) -> ShortlistView:
    """The client contact (or a planner for them) chooses a candidate, who is placed.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such shortlist in the viewer's scope.
        Conflict: it is not waiting for a choice, its last day passed, or the candidate can
            no longer take the need.
        ValidationFailed: the VP is not on the shortlist.
    """
    shortlist, today = _sent_and_open(session, settings, viewer, shortlist_id)
    ids = [r.trust_person_id for r in _candidates(session, shortlist.id)]
    if data.trust_person_id not in ids:
        raise ValidationFailed.single(
            "trust_person_id", "Choose one of the candidates on the shortlist."
        )
    gone = _no_longer_eligible(session, settings, shortlist, [data.trust_person_id], today)
    if gone:
        raise Conflict(
            "{name} can no longer take this assignment (their availability or another "
            "assignment changed). Choose another candidate or ask for others.",
            name=gone[0],
        )
    actor = acting(viewer)
    shortlist.assignment_id = _place(
        session, settings, shortlist, data.trust_person_id, actor=actor, today=today
    )
    shortlist.status = ShortlistStatus.CHOSEN
    shortlist.chosen_id = data.trust_person_id
    shortlist.decided_at = utc_now()
    _save(session, shortlist)
    audit.record_event(
        session,
        actor,
        ("shortlist", shortlist.id),
        "chosen",
        {
            "need_id": shortlist.need_id,
            "trust_person_id": data.trust_person_id,
            "assignment_id": shortlist.assignment_id,
        },
    )
    need, organisation = _parties(session, shortlist)
    person = get_or_404(session, TrustPerson, data.trust_person_id, "trust person")
    notices.shortlist_decided(session, shortlist, need, organisation, _name(person))
    return read(session, settings, shortlist_id=shortlist_id, viewer=viewer)


def ask_others(
    session: Session,
    settings: Settings,
    *,
    shortlist_id: int,
    data: ShortlistAskOthers,
    viewer: Viewer,
) -> ShortlistView:
    """The client asks for other candidates: a draft again, and the planners are told.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such shortlist in the viewer's scope.
        Conflict: it is not waiting for a choice, or its last day passed.
    """
    shortlist, _ = _sent_and_open(session, settings, viewer, shortlist_id)
    shortlist.status = ShortlistStatus.DRAFT
    shortlist.client_note = data.note
    _save(session, shortlist)
    audit.record_event(
        session,
        acting(viewer),
        ("shortlist", shortlist.id),
        "others_asked",
        {"need_id": shortlist.need_id},
    )
    need, organisation = _parties(session, shortlist)
    notices.shortlist_decided(session, shortlist, need, organisation, "")
    return read(session, settings, shortlist_id=shortlist_id, viewer=viewer)


# --------------------------------------------------------------------------- the daily job


def expire_due(
    session: Session, settings: Settings, today: date, *, actor: Actor = SYSTEM
) -> ExpiryReport:
    """Expire every sent shortlist whose last day is before ``today``.

    The planner's first choice is placed (as a choice is) if they can still take the need;
    the planners and the organisation's contacts are told either way.
    """
    due = session.exec(
        select(Shortlist)
        .where(
            Shortlist.status == ShortlistStatus.SENT,
            col(Shortlist.deadline).is_not(None),
            col(Shortlist.deadline) < today,
        )
        .with_for_update()
    ).all()
    placed = 0
    for shortlist in due:
        first = shortlist.first_choice_id
        person = session.get(TrustPerson, first) if first is not None else None
        assignment_id = None
        if person is not None:
            try:
                with session.begin_nested():
                    if not _no_longer_eligible(session, settings, shortlist, [first or 0], today):
                        assignment_id = _place(
                            session, settings, shortlist, first or 0, actor=actor, today=today
                        )
            except VppoolError:  # the seat or the VP went meanwhile: nobody is placed
                assignment_id = None
        shortlist.status = ShortlistStatus.EXPIRED
        shortlist.assignment_id = assignment_id
        shortlist.chosen_id = first if assignment_id is not None else None
        shortlist.decided_at = utc_now()
        _save(session, shortlist)
        audit.record_event(
            session,
            actor,
            ("shortlist", shortlist.id),
            "expired",
            {"need_id": shortlist.need_id, "placed": first if assignment_id else None},
        )
        need, organisation = _parties(session, shortlist)
        notices.shortlist_expired(
            session,
            shortlist,
            need,
            organisation,
            person=_name(person) if person else "",
            placed=assignment_id is not None,
        )
        placed += assignment_id is not None
    return ExpiryReport(expired=len(due), placed=placed)
