"""Staffing advice per client: how many VPs, which mix, local or central, backup, and the gap.

The provider advises each client on its trust-person function. vppool proposes an advice from
the client's headcount, sites and languages (rules below, their numbers are settings), the
planner edits and keeps it, and sends it to the client's contacts (an e-mail through the
outbox; the contact then sees it on "Our trust persons"). Beside the advice vppool shows the
current state, item by item, and whether it meets the advice.

The proposal's rules:
* two VPs from :attr:`Settings.staffing_two_from` employees (in a conflict between employees
  each side has a right to a VP), and at least one per
  :attr:`Settings.staffing_employees_per_vp` employees (a rule of thumb; no authoritative
  figure exists, so it is a setting);
* with two or more VPs, both a woman and a man, so employees can choose;
* the organisation's own languages spoken by at least one of them;
* local VPs (one within reach of every site) when the sites lie farther apart than
  :attr:`Settings.staffing_local_km`, else a central one;
* backup (achtervang) for an internal VP is the planner's to tick: vppool does not know
  whether the client has one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from sqlmodel import Session, col, or_, select

from vppool import matching as m
from vppool.db.models import (
    Assignment,
    Need,
    Organisation,
    Site,
    StaffingAdvice,
    StaffingAdviceBase,
    TrustPerson,
    User,
)
from vppool.db.types import utc_now
from vppool.errors import NotFound, ValidationFailed
from vppool.services import audit, notifications
from vppool.services._common import (
    acting,
    ensure_own_organisation,
    get_or_404,
    require_role,
    require_staff,
)
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import LANGUAGES, AssignmentStatus, Gender, NeedKind, Role

__all__ = [
    "Check",
    "StaffingView",
    "proposed_advice",
    "save_advice",
    "staffing_view",
]

#: The most VPs an advice names (the advice's own limit).
MOST_TRUST_PERSONS = 50


@dataclass(frozen=True, slots=True)
class Check:
    """One item of the advice against the current state."""

    item: str  # trust_persons, both_genders, languages, local
    advised: str
    current: str
    met: bool


@dataclass(frozen=True, slots=True)
class StaffingView:
    """The advice (kept, or proposed when none is kept), and how the client stands."""

    organisation_id: int
    organisation_name: str
    advice: StaffingAdviceBase
    kept: bool
    sent_on: date | None
    checks: list[Check]
    serving: list[str]
    changed_since_sent: bool = False

    @property
    def all_met(self) -> bool:
        """Whether the current state meets every item."""
        return all(check.met for check in self.checks)


def _sites(session: Session, organisation_id: int) -> list[Site]:
    return list(session.exec(select(Site).where(Site.organisation_id == organisation_id)).all())


def _location(site: Site) -> m.Location:
    return m.Location(site.latitude, site.longitude)


def proposed_advice(
    session: Session, settings: Settings, organisation: Organisation
) -> StaffingAdviceBase:
    """What vppool proposes for the client (see the module's rules)."""
    assert organisation.id is not None  # noqa: S101  (read from the database)
    headcount = organisation.headcount
    count = min(
        max(
            2 if headcount >= settings.staffing_two_from else 1,
            math.ceil(headcount / settings.staffing_employees_per_vp),
        ),
        MOST_TRUST_PERSONS,
    )
    sites = _sites(session, organisation.id)
    spread = max(
        (haversine(a, b) for a, b in combinations(sites, 2)),
        default=0.0,
    )
    return StaffingAdviceBase(
        trust_persons=count,
        both_genders=count >= 2,
        languages=sorted(set(organisation.languages)),
        local=spread > settings.staffing_local_km,
    )


def haversine(a: Site, b: Site) -> float:
    """Kilometres between two sites as the crow flies."""
    return m.haversine_km(_location(a), _location(b))


def _serving(session: Session, organisation_id: int, today: date) -> list[TrustPerson]:
    """The VPs on a standing need of the client today (confirmed), each once, by name."""
    people = session.exec(
        select(TrustPerson)
        .join(Assignment, col(Assignment.trust_person_id) == col(TrustPerson.id))
        .join(Need, col(Need.id) == col(Assignment.need_id))
        .where(
            col(Need.organisation_id) == organisation_id,
            col(Need.kind) == NeedKind.STANDING,
            col(Assignment.status) == AssignmentStatus.CONFIRMED,
            col(Assignment.starts_on) <= today,
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
        )
        .order_by(col(TrustPerson.sort_name), col(TrustPerson.id))
    ).all()
    return list({person.id: person for person in people}.values())


def _checks(
    advice: StaffingAdviceBase, people: list[TrustPerson], sites: list[Site], *, genders: bool
) -> list[Check]:
    """Each item of the advice against the VPs serving now.

    ``genders``: whether the viewer may see the VPs' genders (planners); a client contact
    sees only whether the item is met (a VP's gender is theirs to show, or not).
    Languages are ISO codes, named in the page's language by the page.
    """
    checks = [
        Check(
            "trust_persons",
            str(advice.trust_persons),
            str(len(people)),
            len(people) >= advice.trust_persons,
        )
    ]
    if advice.both_genders:
        present = {person.gender for person in people}
        checks.append(
            Check(
                "both_genders",
                "female, male",
                ", ".join(sorted(g.value for g in present if g is not None)) if genders else "",
                {Gender.FEMALE, Gender.MALE} <= present,
            )
        )
    if advice.languages:
        spoken = {code for person in people for code in person.languages}
        missing = [code for code in advice.languages if code not in spoken]
        checks.append(
            Check(
                "languages",
                ", ".join(advice.languages),
                ", ".join(sorted(spoken)),
                not missing,
            )
        )
    if advice.local and sites:
        reached = [
            site
            for site in sites
            if any(
                m.haversine_km(m.Location(p.home_latitude, p.home_longitude), _location(site))
                <= p.max_travel_km
                for p in people
            )
        ]
        checks.append(
            Check(
                "local",
                str(len(sites)),
                str(len(reached)),
                len(reached) == len(sites),
            )
        )
    return checks


def staffing_view(
    session: Session, settings: Settings, *, organisation_id: int, viewer: Viewer | None = None
) -> StaffingView:
    """The client's advice and how it stands (planners; the client contact once it is sent).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such organisation in the viewer's scope, or (for the client contact) no
            advice sent yet.
    """
    require_role(viewer, Role.CLIENT, "read a staffing advice")
    ensure_own_organisation(viewer, organisation_id)
    organisation = get_or_404(session, Organisation, organisation_id, "organisation")
    kept = _kept(session, organisation_id)
    client = viewer is not None and viewer.role is Role.CLIENT
    if client:
        if kept is None or kept.sent_version is None:
            raise NotFound("staffing advice", organisation_id)  # not sent: as if there were none
        advice = StaffingAdviceBase.model_validate(kept.sent_version)  # what was sent, not edits
    elif kept is not None:
        advice = StaffingAdviceBase.model_validate(kept, from_attributes=True)
    else:
        advice = proposed_advice(session, settings, organisation)
    people = _serving(session, organisation_id, settings.today())
    return StaffingView(
        organisation_id=organisation_id,
        organisation_name=organisation.name,
        advice=advice,
        kept=kept is not None,
        sent_on=kept.sent_at.astimezone(settings.zone).date()
        if kept is not None and kept.sent_at
        else None,
        checks=_checks(advice, people, _sites(session, organisation_id), genders=not client),
        changed_since_sent=(
            kept is not None
            and kept.sent_version is not None
            and kept.sent_version != _version(kept)
        ),
        serving=[f"{p.first_name} {p.last_name}" for p in people],
    )


def _version(advice: StaffingAdviceBase) -> dict[str, object]:
    """The advice's fields as stored with a sending."""
    return StaffingAdviceBase.model_validate(advice, from_attributes=True).model_dump(mode="json")


def _kept(session: Session, organisation_id: int) -> StaffingAdvice | None:
    return session.exec(
        select(StaffingAdvice).where(StaffingAdvice.organisation_id == organisation_id)
    ).first()


def save_advice(
    session: Session,
    settings: Settings,
    *,
    organisation_id: int,
    data: StaffingAdviceBase,
    viewer: Viewer | None = None,
    send: bool = False,
) -> StaffingView:
    """Keep the planner's advice; with ``send``, e-mail it to the client's contacts too.

    The client contact sees the advice once it is sent.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: no such organisation.
        ValidationFailed: a field is invalid, or (``send``) the client has no active contact
            to send it to (then nothing is kept).
    """
    organisation, advice = _keep(session, organisation_id, data, viewer)
    if send:
        _send_kept(session, settings, organisation, advice, viewer)
    session.flush()
    return staffing_view(session, settings, organisation_id=organisation_id, viewer=None)


def _send_kept(
    session: Session,
    settings: Settings,
    organisation: Organisation,
    advice: StaffingAdvice,
    viewer: Viewer | None,
) -> None:
    """E-mail the kept advice to the client's contacts and record the version sent."""
    if not _send(session, settings, organisation, advice):
        raise ValidationFailed.single(
            "send",
            "This client has no active contact in vppool to send the advice to; "
            "invite one first (the advice is not saved).",
            subject="staffing advice",
        )
    advice.sent_at = utc_now()
    advice.sent_version = _version(advice)
    session.add(advice)
    audit.record_change(
        session,
        acting(viewer),
        action="staffing_advice_sent",
        entity_type="organisation",
        entity_id=organisation.id,
    )


def _keep(
    session: Session, organisation_id: int, data: StaffingAdviceBase, viewer: Viewer | None
) -> tuple[Organisation, StaffingAdvice]:
    """Store ``data`` as the organisation's advice (planners), audited with its changed fields."""
    require_staff(viewer, "keep a staffing advice")
    organisation = get_or_404(session, Organisation, organisation_id, "organisation")
    advice = _kept(session, organisation_id) or StaffingAdvice(
        organisation_id=organisation_id, trust_persons=data.trust_persons
    )
    changed = [
        name
        for name in StaffingAdviceBase.model_fields
        if getattr(advice, name) != getattr(data, name) or advice.id is None
    ]
    for name in StaffingAdviceBase.model_fields:
        setattr(advice, name, getattr(data, name))
    advice.updated_at = utc_now()
    advice.updated_by_user_id = viewer.user_id if viewer is not None else None
    session.add(advice)
    session.flush()
    audit.record_change(
        session,
        acting(viewer),
        action="staffing_advice_saved",
        entity_type="organisation",
        entity_id=organisation_id,
        fields=changed,
    )
    return organisation, advice


def _send(
    session: Session, settings: Settings, organisation: Organisation, advice: StaffingAdvice
) -> int:
    """An e-mail to each active client contact of the organisation (Dutch); how many."""
    lines = [
        f"Ons advies voor de vertrouwenspersonen van {organisation.name}:",
        f"- aantal externe vertrouwenspersonen: {advice.trust_persons}",
    ]
    if advice.both_genders:
        lines.append("- zowel een vrouw als een man, zodat medewerkers kunnen kiezen")
    if advice.languages:
        names = ", ".join(LANGUAGES.get(c, c) for c in advice.languages)
        lines.append(f"- talen: {names}")
    lines.append(
        "- lokaal: een vertrouwenspersoon binnen bereik van elke vestiging"
        if advice.local
        else "- centraal: één vertrouwenspersoon voor alle vestigingen"
    )
    if advice.internal_backup:
        lines.append("- de externe vertrouwenspersoon is achtervang voor uw interne")
    if advice.note:
        lines += ["", advice.note]
    if settings.public_url:
        address = f"{settings.public_url.rstrip('/')}/app/team/advice"
        lines += ["", f"U ziet het advies en hoe u ervoor staat op {address}."]
    stamp = utc_now().isoformat()
    sent = 0
    for user in session.exec(
        select(User).where(
            User.role == Role.CLIENT,
            User.organisation_id == organisation.id,
            col(User.active).is_(True),
        )
    ).all():
        notifications.enqueue(
            session,
            kind="staffing_advice",
            recipient=user,
            subject=f"Advies over uw vertrouwenspersonen ({organisation.name})",
            body="\n".join(lines),
            dedupe_key=f"staffing_advice:{organisation.id}:{user.id}:{stamp}",
        )
        sent += 1
    return sent
