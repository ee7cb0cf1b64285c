"""What vppool tells people, in their own language: each step of a request and an assignment.

Every message goes to the recipient's inbox and, unless they turned e-mail off for its kind,
by e-mail (:mod:`vppool.services.notifications`). The texts are composed here in the
recipient's language (Dutch by default). A period reads from its first to its *last* day.

Who is told what:
- a request is filed: every active planner and administrator, and the contact who filed it
  (a receipt);
- a request is accepted or declined: the contact who filed it;
- a placement waits for the VP's consent: the VP (client, site, contact person, hours,
  period), asked to accept or decline, with a personal link that answers without logging
  in; the VP's answer: every planner and administrator (a decline leads to
  the quick match for the seat);
- an assignment is confirmed: the VP (client, site address, contact person, hours, period)
  and the organisation's contacts (who their VP is, from when);
- an assignment ends within :data:`ENDING_NOTICE_DAYS`: the VP (client, site, contact
  person, last day) and the organisation's contacts (who stops on which last day, and where
  to ask for someone after that), once per assignment;
- a shortlist is sent: the organisation's contacts (who the candidates are, the last day to
  choose); the client chooses, asks for others or lets the last day pass: every planner and
  administrator (and, when the last day passed, the contacts: who it is now);
- an information session is requested: every active planner and administrator;
- it is booked or moved: its VP (client, site, time) and the organisation's contacts (who,
  when); it is cancelled: its VP and the organisation's contacts (and the planners, when
  the client cancelled it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from vppool.db.models import (
    Assignment,
    InfoSession,
    Need,
    Organisation,
    Shortlist,
    Site,
    TrustPerson,
    User,
)
from vppool.matching import MONTH_NAMES
from vppool.services import notifications
from vppool.services._common import address_line
from vppool.vocab import (
    LANGUAGES,
    LANGUAGES_EN,
    MONTH_NAMES_NL,
    AssignmentStatus,
    InfoSessionStatus,
    Role,
)

__all__ = [
    "ENDING_NOTICE_DAYS",
    "Whereabouts",
    "assignments_confirmed",
    "assignments_ending",
    "consent_answered",
    "consent_asked",
    "info_session_booked",
    "info_session_cancelled",
    "info_session_requested",
    "request_decided",
    "request_received",
    "shortlist_decided",
    "shortlist_expired",
    "shortlist_ready",
    "whereabouts",
]

#: How many days before an assignment's last day its VP and client are told it ends.
ENDING_NOTICE_DAYS = 14

_MONTHS = {"nl": MONTH_NAMES_NL, "en": MONTH_NAMES}
LANGS = ("nl", "en")
#: The fillings of a message's placeholders, per language.
Values = dict[str, dict[str, object]]

#: (subject, body) per kind and language; ``{…}`` are filled in per message.
_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "request_received": {
        "nl": (
            "Nieuwe aanvraag van {organisation}: {title}",
            "{organisation} vraagt een vertrouwenspersoon: {title}, {period}, {hours} uur per "
            "maand.{note}\n\nBeoordeel de aanvraag in vppool onder Aanvragen.",
        ),
        "en": (
            "New request from {organisation}: {title}",
            "{organisation} asks for a trust person: {title}, {period}, {hours} hours a "
            "month.{note}\n\nReview the request in vppool under Requests.",
        ),
    },
    "request_received_client": {
        "nl": (
            "Aanvraag ontvangen: {title}",
            "Wij hebben uw aanvraag '{title}' ({period}, {hours} uur per maand) ontvangen. "
            "De planner beoordeelt die; u hoort of die is geaccepteerd.",
        ),
        "en": (
            "Request received: {title}",
            "We received your request '{title}' ({period}, {hours} hours a month). The "
            "planner reviews it; you will hear whether it is accepted.",
        ),
    },
    "request_accepted": {
        "nl": (
            "Uw aanvraag '{title}' is geaccepteerd",
            "Uw aanvraag '{title}' ({period}) is geaccepteerd. De planner zoekt nu een "
            "vertrouwenspersoon; u hoort wie het wordt.{reason}",
        ),
        "en": (
            "Your request '{title}' was accepted",
            "Your request '{title}' ({period}) was accepted. The planner is now looking for a "
            "trust person; you will hear who it is.{reason}",
        ),
    },
    "request_declined": {
        "nl": (
            "Uw aanvraag '{title}' is afgewezen",
            "Uw aanvraag '{title}' ({period}) is afgewezen.{reason}",
        ),
        "en": (
            "Your request '{title}' was declined",
            "Your request '{title}' ({period}) was declined.{reason}",
        ),
    },
    "consent_asked": {
        "nl": (
            "Gevraagd als vertrouwenspersoon: {organisation}",
            "U bent voorgesteld als vertrouwenspersoon van {organisation} ({title}).\n\n"
            "Periode: {period}\nUren: {hours} uur per maand\nLocatie: {site}\n"
            "Contactpersoon: {contact}\n\n"
            "Neemt u de opdracht aan? Antwoord zonder in te loggen via deze persoonlijke "
            "link:\n{link}\n\nOf antwoord in vppool onder Mijn opdrachten.",
        ),
        "en": (
            "Asked to be the trust person: {organisation}",
            "You were proposed as the trust person of {organisation} ({title}).\n\n"
            "Period: {period}\nHours: {hours} a month\nSite: {site}\n"
            "Contact person: {contact}\n\n"
            "Will you take it? Answer without logging in with this personal link:\n{link}\n\n"
            "Or answer in vppool under My assignments.",
        ),
    },
    "consent_accepted": {
        "nl": (
            "{person} neemt de opdracht aan: {organisation}",
            "{person} heeft de opdracht bij {organisation} ({title}, plaats {seat}) aangenomen; "
            "de koppeling is bevestigd.",
        ),
        "en": (
            "{person} accepts: {organisation}",
            "{person} accepted the assignment at {organisation} ({title}, seat {seat}); it is "
            "confirmed.",
        ),
    },
    "consent_declined": {
        "nl": (
            "{person} neemt de opdracht niet aan: {organisation}",
            "{person} heeft de opdracht bij {organisation} ({title}, plaats {seat}) afgewezen."
            "{reason}\n\nDe plaats is weer open; zoek een ander met de snelle match.",
        ),
        "en": (
            "{person} declines: {organisation}",
            "{person} declined the assignment at {organisation} ({title}, seat {seat})."
            "{reason}\n\nThe seat is open again; find someone else with the quick match.",
        ),
    },
    "assignment_confirmed": {
        "nl": (
            "Nieuwe opdracht: {organisation}",
            "U bent de vertrouwenspersoon van {organisation} ({title}).\n\n"
            "Periode: {period}\nUren: {hours} uur per maand\nLocatie: {site}\n"
            "Contactpersoon: {contact}",
        ),
        "en": (
            "New assignment: {organisation}",
            "You are the trust person of {organisation} ({title}).\n\n"
            "Period: {period}\nHours: {hours} a month\nSite: {site}\nContact person: {contact}",
        ),
    },
    "assignment_confirmed_client": {
        "nl": (
            "Uw vertrouwenspersoon: {person}",
            "{person} is uw vertrouwenspersoon voor {title}, {period}.",
        ),
        "en": (
            "Your trust person: {person}",
            "{person} is your trust person for {title}, {period}.",
        ),
    },
    "assignment_ending": {
        "nl": (
            "Opdracht eindigt op {last_day}: {organisation}",
            "Uw opdracht bij {organisation} ({title}) eindigt op {last_day}.\n\n"
            "Locatie: {site}\nContactpersoon: {contact}",
        ),
        "en": (
            "Assignment ends on {last_day}: {organisation}",
            "Your assignment at {organisation} ({title}) ends on {last_day}.\n\n"
            "Site: {site}\nContact person: {contact}",
        ),
    },
    "assignment_ending_client": {
        "nl": (
            "Opdracht van {person} eindigt op {last_day}",
            "{person} is tot en met {last_day} uw vertrouwenspersoon voor {title}.\n\n"
            "Hebt u daarna nog een vertrouwenspersoon nodig? Vraag het aan in vppool onder "
            "Aanvragen.",
        ),
        "en": (
            "Assignment of {person} ends on {last_day}",
            "{person} is your trust person for {title} until {last_day}, that day included.\n\n"
            "Do you need a trust person after that? Ask in vppool under Requests.",
        ),
    },
}

_TEXTS |= {
    "info_session_requested": {
        "nl": (
            "Verzoek om een bijeenkomst van {organisation}",
            "{organisation} vraagt een {kind} op {site}, {period}, {minutes} minuten, "
            "voor ongeveer {audience} mensen ({language}).{note}\n\n"
            "Kies een tijd in vppool onder Bijeenkomsten.",
        ),
        "en": (
            "Request for a session from {organisation}",
            "{organisation} asks for a {kind} at {site}, {period}, {minutes} minutes, "
            "for about {audience} people ({language}).{note}\n\n"
            "Choose a time in vppool under Sessions.",
        ),
    },
    "info_session_booked": {
        "nl": (
            "Bijeenkomst op {when}: {organisation}",
            "{kind_cap} bij {organisation}, {site}.\n\nWanneer: {when}\n"
            "Vertrouwenspersoon: {person}\nDeelnemers: ongeveer {audience} ({language})",
        ),
        "en": (
            "Session on {when}: {organisation}",
            "{kind_cap} at {organisation}, {site}.\n\nWhen: {when}\n"
            "Trust person: {person}\nAudience: about {audience} ({language})",
        ),
    },
    "info_session_moved": {
        "nl": (
            "Bijeenkomst verplaatst naar {when}: {organisation}",
            "{kind_cap} bij {organisation}, {site}, is verplaatst.\n\nWanneer: {when}\n"
            "Vertrouwenspersoon: {person}\nDeelnemers: ongeveer {audience} ({language})",
        ),
        "en": (
            "Session moved to {when}: {organisation}",
            "{kind_cap} at {organisation}, {site}, was moved.\n\nWhen: {when}\n"
            "Trust person: {person}\nAudience: about {audience} ({language})",
        ),
    },
    "info_session_cancelled": {
        "nl": (
            "Bijeenkomst geannuleerd: {organisation}",
            "{kind_cap} bij {organisation}, {site} ({when}), gaat niet door.",
        ),
        "en": (
            "Session cancelled: {organisation}",
            "{kind_cap} at {organisation}, {site} ({when}), is cancelled.",
        ),
    },
}

_TEXTS |= {
    "shortlist_ready": {
        "nl": (
            "Kies uw vertrouwenspersoon: {title}",
            "Voor {title} ({period}) kunt u kiezen uit {names}.\n\n"
            "Bekijk wie zij zijn en kies in vppool onder Kies uw vertrouwenspersoon, uiterlijk "
            "op {last_day}. Kiest u niet, dan wordt het {first}, het voorstel van de planner."
            "{note}",
        ),
        "en": (
            "Choose your trust person: {title}",
            "For {title} ({period}) you can choose from {names}.\n\n"
            "See who they are and choose in vppool under Choose your trust person, by "
            "{last_day} at the latest. If you do not choose, it will be {first}, the planner's "
            "proposal.{note}",
        ),
    },
    "choice_made": {
        "nl": (
            "{organisation} kiest {person}: {title}",
            "{organisation} heeft voor {title} gekozen voor {person}. De plaatsing is gemaakt "
            "(de vertrouwenspersoon wordt gevraagd als dat zo is ingesteld).",
        ),
        "en": (
            "{organisation} chooses {person}: {title}",
            "{organisation} chose {person} for {title}. The placement is made (the trust "
            "person is asked first where that is the setting).",
        ),
    },
    "others_asked": {
        "nl": (
            "{organisation} vraagt andere kandidaten: {title}",
            "{organisation} vraagt voor {title} andere kandidaten.{note}\n\n"
            "Pas de shortlist aan en stuur haar opnieuw.",
        ),
        "en": (
            "{organisation} asks for other candidates: {title}",
            "{organisation} asks for other candidates for {title}.{note}\n\n"
            "Change the shortlist and send it again.",
        ),
    },
    "shortlist_expired": {
        "nl": (
            "Geen keuze gemaakt: {title}",
            "Voor {title} is tot en met {last_day} geen keuze gemaakt. Het voorstel van de "
            "planner geldt: {person}.",
        ),
        "en": (
            "No choice made: {title}",
            "Nobody chose for {title} by {last_day}. The planner's proposal stands: {person}.",
        ),
    },
    "shortlist_expired_unplaced": {
        "nl": (
            "Geen keuze gemaakt: {title}",
            "Voor {title} is tot en met {last_day} geen keuze gemaakt, en het voorstel van de "
            "planner ({person}) kan de opdracht niet meer aannemen. De planner zoekt een ander.",
        ),
        "en": (
            "No choice made: {title}",
            "Nobody chose for {title} by {last_day}, and the planner's proposal ({person}) can "
            "no longer take it. The planner looks for someone else.",
        ),
    },
}

_SESSION_KINDS = {
    "nl": {
        "information": "voorlichting",
        "team_meeting": "teamoverleg",
        "introduction": "kennismaking met een nieuwe vertrouwenspersoon",
    },
    "en": {
        "information": "information session",
        "team_meeting": "team meeting",
        "introduction": "introduction of a new trust person",
    },
}

#: Kinds whose texts are a variant of another kind (same e-mail choice).
_KIND_OF_TEXT = {
    "assignment_confirmed_client": "assignment_confirmed",
    "assignment_ending_client": "assignment_ending",
    "request_received_client": "request_received",
    "consent_accepted": "consent_answered",
    "consent_declined": "consent_answered",
    "shortlist_expired_unplaced": "shortlist_expired",
}

_WORDS = {
    "nl": {"from": "vanaf {day}", "none": "niet opgegeven", "reason": "\n\nToelichting: {text}"},
    "en": {"from": "from {day}", "none": "not given", "reason": "\n\nReason: {text}"},
}
_NOTE = {"nl": "\n\nToelichting van de klant: {text}", "en": "\n\nThe client's note: {text}"}
_PLANNER_NOTE = {
    "nl": "\n\nToelichting van de planner: {text}",
    "en": "\n\nThe planner's note: {text}",
}
_AND = {"nl": "en", "en": "and"}


def _lang(user: User) -> str:
    return user.language if user.language in _TEXTS["request_received"] else "nl"


def _day(value: date, lang: str) -> str:
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def _period(starts_on: date, ends_on: date | None, lang: str) -> str:
    """First to last day (the stored end is exclusive)."""
    if ends_on is None:
        return _WORDS[lang]["from"].format(day=_day(starts_on, lang))
    last = ends_on - timedelta(days=1)
    if last <= starts_on:
        return _day(starts_on, lang)
    return f"{_day(starts_on, lang)} \u2013 {_day(last, lang)}"  # an en dash


def _moment(value: datetime, lang: str, zone: ZoneInfo) -> str:
    """A day and a local time (24-hour clock) in the provider's zone."""
    local = value.astimezone(zone)
    return f"{_day(local.date(), lang)} {local:%H:%M}"


def _hours(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "nl" else text


@dataclass(frozen=True, slots=True)
class _Notice:
    """One thing to tell: its kind, its fillings per language, its key and where it leads."""

    kind: str
    values: Values
    key: str
    link: str

    def send(self, session: Session, to: User, link: str | None = None) -> bool:
        """Queue it for ``to`` in their language (once per person and key)."""
        subject, body = _TEXTS[self.kind][_lang(to)]
        formatted = self.values[_lang(to)]
        return notifications.enqueue(
            session,
            kind=_KIND_OF_TEXT.get(self.kind, self.kind),
            recipient=to,
            subject=subject.format(**formatted),
            body=body.format(**formatted),
            dedupe_key=f"{self.key}:{to.id}",
            link=link or self.link,
        )


def _active(session: Session, *conditions: object) -> list[User]:
    return list(
        session.exec(
            select(User).where(col(User.active).is_(True), *conditions)  # type: ignore[arg-type]
        ).all()
    )


def request_received(session: Session, need: Need, organisation: Organisation) -> int:
    """Tell every planner and administrator that ``organisation`` filed request ``need``.

    The contact who filed it gets a receipt.
    """
    values: Values = {
        lang: {
            "organisation": organisation.name,
            "title": need.title,
            "period": _period(need.starts_on, need.ends_on, lang),
            "hours": _hours(need.expected_hours_per_month, lang),
            "note": _NOTE[lang].format(text=need.description) if need.description else "",
        }
        for lang in LANGS
    }
    staff = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
    key = f"need:{need.id}:received"
    notice = _Notice("request_received", values, key, "/needs?status=requested")
    sent = sum(notice.send(session, user) for user in staff)
    requester = session.get(User, need.requested_by_user_id) if need.requested_by_user_id else None
    if requester is not None and requester.active:
        sent += _Notice("request_received_client", values, key, "/requests").send(
            session, requester
        )
    return sent


def request_decided(session: Session, need: Need, decision: str) -> bool:
    """Tell the contact who filed ``need`` that it was ``accepted`` or ``declined``."""
    requester = session.get(User, need.requested_by_user_id) if need.requested_by_user_id else None
    if requester is None or not requester.active:
        return False
    reason = need.decision_reason
    values: Values = {
        lang: {
            "title": need.title,
            "period": _period(need.starts_on, need.ends_on, lang),
            "reason": _WORDS[lang]["reason"].format(text=reason) if reason else "",
        }
        for lang in LANGS
    }
    notice = _Notice(f"request_{decision}", values, f"need:{need.id}:{decision}", "/requests")
    return notice.send(session, requester)


def _contacts(session: Session, organisation: Organisation) -> list[User]:
    """The organisation's active client contacts."""
    return _active(session, User.role == Role.CLIENT, User.organisation_id == organisation.id)


def _vp_users(session: Session, person: TrustPerson) -> list[User]:
    """The VP's active logins."""
    return _active(session, User.trust_person_id == person.id)


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where and with whom a VP works for a need.

    The site's address, the client's contact person (name and e-mail) and the hours a month
    (``None``: not given).
    """

    site: str | None
    contact: str | None
    hours: float


def whereabouts(session: Session, need: Need, organisation: Organisation) -> Whereabouts:
    """The site, contact person and hours a VP needs to know of a placement on ``need``."""
    parts = [p for p in (organisation.contact_name, organisation.contact_email) if p]
    return Whereabouts(
        _site_text(session, need), ", ".join(parts) or None, need.expected_hours_per_month
    )


def _site_text(session: Session, need: Need) -> str | None:
    """The need's site (or the organisation's main one) as an address, if it has one."""
    site = session.get(Site, need.site_id) if need.site_id else None
    if site is None:
        site = session.exec(
            select(Site)
            .where(Site.organisation_id == need.organisation_id)
            .order_by(col(Site.is_main).desc(), col(Site.id))
        ).first()
    return None if site is None else _place(site)


def _place(site: Site) -> str:
    """A site as an address line."""
    return address_line(site.name, site.address, site.postcode, site.municipality)


def _parties(
    session: Session, assignment: Assignment
) -> tuple[Need, TrustPerson, Organisation] | None:
    """The need, the VP and the organisation of an assignment (``None`` if one is gone)."""
    need = session.get(Need, assignment.need_id)
    person = session.get(TrustPerson, assignment.trust_person_id)
    organisation = session.get(Organisation, need.organisation_id) if need else None
    if need is None or person is None or organisation is None:
        return None
    return need, person, organisation


def _placements(
    session: Session, assignment_ids: Iterable[int]
) -> Iterator[tuple[Assignment, Values, TrustPerson, Organisation, Need]]:
    """Each assignment with what its VP reads of it (see :func:`_vp_values`).

    An assignment whose need, VP or organisation is gone is passed over.
    """
    ids = list(assignment_ids)
    for assignment in session.exec(select(Assignment).where(col(Assignment.id).in_(ids))).all():
        if (found := _vp_values(session, assignment)) is not None:
            yield assignment, *found


def assignments_confirmed(session: Session, assignment_ids: Iterable[int]) -> int:
    """Tell each confirmed assignment's VP what they need, and the client who their VP is."""
    sent = 0
    for assignment, for_vp, person, organisation, need in _placements(session, assignment_ids):
        name = f"{person.first_name} {person.last_name}"
        for_client: Values = {
            lang: {"person": name, "title": need.title, "period": for_vp[lang]["period"]}
            for lang in LANGS
        }
        key = f"assignment:{assignment.id}:confirmed"
        to_vp = _Notice("assignment_confirmed", for_vp, key, "/me")
        to_client = _Notice("assignment_confirmed_client", for_client, key, "/team")
        sent += sum(to_vp.send(session, user) for user in _vp_users(session, person))
        sent += sum(to_client.send(session, user) for user in _contacts(session, organisation))
    return sent


def _vp_values(
    session: Session, assignment: Assignment
) -> tuple[Values, TrustPerson, Organisation, Need] | None:
    """What a VP reads of an assignment: client, title, period, hours, site, contact."""
    if (parties := _parties(session, assignment)) is None:
        return None
    need, person, organisation = parties
    where = whereabouts(session, need, organisation)
    values: Values = {
        lang: {
            "organisation": organisation.name,
            "title": need.title,
            "period": _period(assignment.starts_on, assignment.ends_on, lang),
            "hours": _hours(where.hours, lang),
            "site": where.site or _WORDS[lang]["none"],
            "contact": where.contact or _WORDS[lang]["none"],
        }
        for lang in LANGS
    }
    return values, person, organisation, need


def consent_asked(
    session: Session, assignment_ids: Iterable[int], link: Callable[[int], str]
) -> int:
    """Ask each placement's VP to accept or decline it (client, site, contact, hours, period).

    ``link`` gives the address of an assignment's answer page (no login needed).
    """
    sent = 0
    for assignment, values, person, _, _ in _placements(session, assignment_ids):
        if assignment.id is None:
            continue
        address = link(assignment.id)
        for lang, filled in values.items():
            filled["link"] = address if lang == "nl" else f"{address}?lang={lang}"
        notice = _Notice("consent_asked", values, f"assignment:{assignment.id}:asked", "/me")
        sent += sum(notice.send(session, user) for user in _vp_users(session, person))
    return sent


def consent_answered(session: Session, assignment: Assignment) -> int:
    """Tell planners and administrators that the VP accepted or declined the placement.

    A decline leads to the quick match for the seat that is open again.
    """
    if (parties := _parties(session, assignment)) is None:
        return 0
    need, person, organisation = parties
    declined = assignment.status is AssignmentStatus.DECLINED
    reason = assignment.decline_reason
    values: Values = {
        lang: {
            "person": f"{person.first_name} {person.last_name}",
            "organisation": organisation.name,
            "title": need.title,
            "seat": assignment.seat,
            "reason": _WORDS[lang]["reason"].format(text=reason) if reason else "",
        }
        for lang in LANGS
    }
    kind = "consent_declined" if declined else "consent_accepted"
    link = (
        f"/needs/{need.id}/quick-match?seat={assignment.seat}"
        if declined
        else f"/organisations/{organisation.id}"
    )
    notice = _Notice(kind, values, f"assignment:{assignment.id}:{kind}", link)
    staff = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
    return sum(notice.send(session, user) for user in staff)


def assignments_ending(session: Session, today: date, *, days: int = ENDING_NOTICE_DAYS) -> int:
    """Tell VPs and clients of confirmed assignments whose last day is within ``days``."""
    horizon = today + timedelta(days=days + 1)  # the stored end is the day after the last
    sent = 0
    for assignment in session.exec(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.CONFIRMED,
            col(Assignment.ends_on).is_not(None),
            col(Assignment.ends_on) > today,
            col(Assignment.ends_on) <= horizon,
        )
    ).all():
        assert assignment.ends_on is not None  # noqa: S101  (selected above)
        last_day = assignment.ends_on - timedelta(days=1)
        # What the VP reads of the assignment (client, site, contact), and who stops when.
        if (found := _vp_values(session, assignment)) is None:
            continue
        values, person, organisation, _need = found
        for lang in LANGS:
            values[lang] |= {
                "person": f"{person.first_name} {person.last_name}",
                "last_day": _day(last_day, lang),
            }
        key = f"assignment:{assignment.id}:ending:{assignment.ends_on}"
        to_vp = _Notice("assignment_ending", values, key, "/me")
        # The client reads who stops when, and where to ask for someone after that.
        to_client = _Notice("assignment_ending_client", values, key, "/requests")
        sent += sum(to_vp.send(session, user) for user in _vp_users(session, person))
        sent += sum(to_client.send(session, user) for user in _contacts(session, organisation))
    return sent


# --------------------------------------------------------------------------- information sessions


def _session_values(
    session: Session, row: InfoSession, organisation: Organisation, zone: ZoneInfo
) -> Values:
    """The fillings of every information-session message, per language."""
    site = session.get(Site, row.site_id) if row.site_id is not None else None
    person = session.get(TrustPerson, row.trust_person_id) if row.trust_person_id else None
    values: Values = {}
    for lang in LANGS:
        kind = _SESSION_KINDS[lang][row.kind.value]
        languages = LANGUAGES if lang == "nl" else LANGUAGES_EN
        values[lang] = {
            "organisation": organisation.name,
            "kind": kind,
            "kind_cap": kind[:1].upper() + kind[1:],
            "site": _place(site) if site is not None else _WORDS[lang]["none"],
            "period": _period(row.starts_on, row.ends_on, lang),
            "minutes": row.duration_minutes,
            "audience": row.audience,
            "language": languages.get(row.language, row.language),
            "note": _NOTE[lang].format(text=row.note) if row.note else "",
            "when": _moment(row.starts_at, lang, zone) if row.starts_at else "",
            "person": f"{person.first_name} {person.last_name}" if person else "",
        }
    return values


def info_session_requested(session: Session, row: InfoSession, organisation: Organisation) -> int:
    """Tell every planner and administrator that ``organisation`` asks for a session."""
    values = _session_values(session, row, organisation, ZoneInfo("Europe/Amsterdam"))
    staff = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
    notice = _Notice(
        "info_session_requested", values, f"info_session:{row.id}:requested", "/sessions"
    )
    return sum(notice.send(session, user) for user in staff)


def info_session_booked(
    session: Session, row: InfoSession, organisation: Organisation, *, moved: bool
) -> int:
    """Tell the session's VP and the organisation's contacts when and where (and who)."""
    person = session.get(TrustPerson, row.trust_person_id) if row.trust_person_id else None
    if person is None:
        return 0
    values = _session_values(session, row, organisation, ZoneInfo(person.timezone))
    kind = "info_session_moved" if moved else "info_session_booked"
    notice = _Notice(kind, values, f"info_session:{row.id}:{kind}:{row.revision}", "/sessions")
    sent = sum(notice.send(session, user) for user in _vp_users(session, person))
    return sent + sum(notice.send(session, user) for user in _contacts(session, organisation))


def info_session_cancelled(
    session: Session,
    row: InfoSession,
    organisation: Organisation,
    *,
    trust_person_id: int | None,
    staff: bool = False,
) -> int:
    """Tell the VP who was to hold it (if any) and the organisation's contacts.

    ``staff``: the planners and administrators too (the client cancelled it).
    """
    person = session.get(TrustPerson, trust_person_id) if trust_person_id else None
    zone = ZoneInfo(person.timezone if person else "Europe/Amsterdam")
    values = _session_values(session, row, organisation, zone)
    key = f"info_session:{row.id}:cancelled:{row.revision}:{trust_person_id}"
    notice = _Notice("info_session_cancelled", values, key, "/sessions")
    sent = sum(notice.send(session, user) for user in _vp_users(session, person)) if person else 0
    if row.status is InfoSessionStatus.CANCELLED:
        sent += sum(notice.send(session, user) for user in _contacts(session, organisation))
    if staff:
        planners = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
        sent += sum(notice.send(session, user) for user in planners)
    return sent


# --------------------------------------------------------------------------- shortlists


def _listed(names: list[str], lang: str) -> str:
    """The names as "A, B en C" (Dutch) or "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND[lang]} {names[-1]}"


def _shortlist_values(
    shortlist: Shortlist, need: Need, organisation: Organisation, **extra: object
) -> Values:
    last_day = shortlist.deadline
    return {
        lang: {
            "organisation": organisation.name,
            "title": need.title,
            "period": _period(need.starts_on, need.ends_on, lang),
            "last_day": _day(last_day, lang) if last_day else _WORDS[lang]["none"],
        }
        | extra
        for lang in LANGS
    }


def shortlist_ready(
    session: Session,
    shortlist: Shortlist,
    need: Need,
    organisation: Organisation,
    *,
    names: list[str],
    first: str,
) -> int:
    """Tell the organisation's contacts whom they can choose from, and by when."""
    values = _shortlist_values(shortlist, need, organisation, first=first)
    for lang in LANGS:
        values[lang]["names"] = _listed(names, lang)
        values[lang]["note"] = (
            _PLANNER_NOTE[lang].format(text=shortlist.note) if shortlist.note else ""
        )
    key = f"shortlist:{shortlist.id}:sent:{shortlist.revision}"
    notice = _Notice("shortlist_ready", values, key, f"/shortlists/{shortlist.id}")
    return sum(notice.send(session, user) for user in _contacts(session, organisation))


def shortlist_decided(
    session: Session, shortlist: Shortlist, need: Need, organisation: Organisation, person: str
) -> int:
    """Tell planners and administrators whom the client chose, or what else they ask.

    ``person``: the chosen VP's name; empty when the client asked for other candidates.
    """
    kind = "choice_made" if person else "others_asked"
    note = shortlist.client_note if not person else None
    values = _shortlist_values(shortlist, need, organisation, person=person)
    for lang in LANGS:
        values[lang]["note"] = _NOTE[lang].format(text=note) if note else ""
    key = f"shortlist:{shortlist.id}:{kind}:{shortlist.revision}"
    notice = _Notice(kind, values, key, f"/needs/{need.id}/shortlist")
    staff = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
    return sum(notice.send(session, user) for user in staff)


def shortlist_expired(
    session: Session,
    shortlist: Shortlist,
    need: Need,
    organisation: Organisation,
    *,
    person: str,
    placed: bool,
) -> int:
    """Tell planners and the organisation's contacts that nobody chose in time, and who now."""
    kind = "shortlist_expired" if placed else "shortlist_expired_unplaced"
    values = _shortlist_values(shortlist, need, organisation, person=person)
    notice = _Notice(
        kind, values, f"shortlist:{shortlist.id}:expired", f"/needs/{need.id}/shortlist"
    )
    staff = _active(session, col(User.role).in_([Role.PLANNER, Role.ADMIN]))
    sent = sum(notice.send(session, user) for user in staff)
    link = f"/shortlists/{shortlist.id}"
    return sent + sum(notice.send(session, user, link) for user in _contacts(session, organisation))
