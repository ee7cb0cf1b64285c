"""Assignments: end one early, replace its trust person, record the works council's consent.

The pages are reached from the organisation's page and from the VP's page (``?back=`` names
the page to return to); each says whom and what the assignment is about.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from vppool.db.schemas import AssignmentPublic
from vppool.services import assignments, needs, organisations, trust_persons
from vppool.web._client_forms import ConsentForm, EndForm
from vppool.web._filters import day
from vppool.web._form_routes import At, Confirmation, ConfirmRoute, FormRoute, Loaded, pages
from vppool.web._forms import values_of

__all__ = ["assignment_pages"]

_ASSIGNMENT = "/assignments/{assignment_id:int}"


def _assignment(at: At) -> AssignmentPublic:
    return assignments.get_assignment(
        at.session, assignment_id=at["assignment_id"], viewer=at.viewer
    )


def _context(at: At) -> tuple[AssignmentPublic, str, str]:
    """The assignment, what it is about (``VP / organisation: need``) and its return page."""
    assignment = _assignment(at)
    need = needs.get_need(at.session, need_id=assignment.need_id, viewer=at.viewer)
    organisation = organisations.get_organisation(
        at.session, organisation_id=need.organisation_id, viewer=at.viewer
    )
    person = trust_persons.get_trust_person(
        at.session, trust_person_id=assignment.trust_person_id, viewer=at.viewer
    )
    subject = f"{person.first_name} {person.last_name} / {organisation.name}: {need.title}"
    return assignment, subject, at.back_or(f"/organisations/{organisation.id}")


def _today(at: At) -> Loaded:
    _, subject, back = _context(at)
    return Loaded({"last_day": at.today().isoformat()}, subject, back)


def _with_done(page: str, done: str) -> str:
    return f"{page}{'&' if '?' in page else '?'}done={done}"


def _end(at: At, form: EndForm) -> str:
    assignments.end_assignment(
        at.session,
        assignment_id=at["assignment_id"],
        on=form.last_day + timedelta(days=1),
        viewer=at.viewer,
    )
    return _with_done(_context(at)[2], "ended")


def _ask_replace(at: At) -> Confirmation:
    assignment, subject, back = _context(at)
    today = at.today()
    if assignment.starts_on < today:
        lang = at.lang
        first = (
            "The trust person serves until {last_day}, then this assignment ends.",
            {"last_day": day(today - timedelta(days=1), lang)},
        )
    else:
        first = ("This assignment has not begun; it is cancelled when the successor is placed.", {})
    return Confirmation(
        question=("Replace the trust person of {subject}?", {"subject": subject}),
        consequences=[
            first,
            "The quick match opens to choose who takes the seat from today for the rest of "
            "the need's period.",
        ],
        subject=subject,
        back=back,
    )


def _replace(at: At) -> str:
    assignment = _assignment(at)
    today = at.today()
    if assignment.starts_on < today:
        assignments.end_assignment(
            at.session, assignment_id=assignment.id, on=today, viewer=at.viewer
        )
    return f"/needs/{assignment.need_id}/quick-match?seat={assignment.seat}"


def _consent_values(at: At) -> Loaded:
    assignment, subject, back = _context(at)
    return Loaded(values_of(ConsentForm, assignment), subject, back)


def _consent(at: At, form: ConsentForm) -> str:
    assignments.record_works_council_consent(
        at.session,
        assignment_id=at["assignment_id"],
        consent_on=form.works_council_consent_on,
        viewer=at.viewer,
    )
    return _with_done(_context(at)[2], "consent")


_form = partial(FormRoute, back="/organisations", section="organisations")

#: The assignment pages (planners and admins).
assignment_pages = pages(
    _form(
        _ASSIGNMENT + "/end",
        EndForm,
        title="End assignment early",
        intro="The trust person serves until the last day; the seat is free from the day after.",
        load=_today,
        save=_end,
        submit_label="End assignment",
    ),
    ConfirmRoute(
        _ASSIGNMENT + "/replace",
        title="Replace trust person",
        submit_label="Replace and choose a successor",
        back="/organisations",
        ask=_ask_replace,
        act=_replace,
        section="organisations",
    ),
    _form(
        _ASSIGNMENT + "/consent",
        ConsentForm,
        title="Works-council consent",
        intro="Under the bill on trust persons, a standing assignment needs the consent "
        "of the works council.",
        load=_consent_values,
        save=_consent,
    ),
)
