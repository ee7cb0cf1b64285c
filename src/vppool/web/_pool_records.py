"""Keeping the pool: a new trust person, their profile, archiving, certificates, education."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.services import trust_persons
from vppool.services.access import Viewer
from vppool.web._common import FormData, IdempotencyKeys, redirect, staff_page
from vppool.web._form_page import FormPage
from vppool.web._forms import values_of
from vppool.web._pool_forms import ProfileChangeForm, ProfileForm

__all__ = ["PoolRecordPages"]

NEW_PERSON = FormPage(
    ProfileForm,
    title="New trust person",
    action="/pool/new",
    back="/pool",
    section="pool",
    submit_label="Add to the pool",
    once=True,
)
CHANGE_PROFILE = FormPage(
    ProfileChangeForm,
    title="Edit profile",
    action="/pool/{owner}/edit",
    back="/pool/{owner}",
    section="pool",
)

#: New trust persons already added, by the one-time key of their form (a double click).
_ADDED = IdempotencyKeys()


def _name(session: Session, viewer: Viewer, owner: int) -> str:
    person = trust_persons.get_trust_person(session, trust_person_id=owner, viewer=viewer)
    return f"{person.first_name} {person.last_name}"


class PoolRecordPages(Controller):
    """Planners and admins keep the pool; to anyone else these pages do not exist."""

    path = "/pool"
    guards = [staff_page]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    # ------------------------------------------------------------------ profile

    @get("/new", sync_to_thread=False)
    def new_person(self, *, request: Request[Any, Any, Any]) -> Template:
        """The form for a new trust person."""
        return NEW_PERSON.show(request)

    @post("/new", sync_to_thread=True, status_code=303)
    def add_person(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Add a trust person to the pool; their page is next."""

        def save(form: ProfileForm) -> str:
            def add() -> str:
                person = trust_persons.create_trust_person(
                    db_session, data=form.to_input(), viewer=viewer
                )
                return f"/pool/{person.id}?done=created"

            return _ADDED.once(data, add)

        return NEW_PERSON.submit(request, data, db_session, save)

    @get("/{owner:int}/edit", sync_to_thread=True)
    def edit_profile(
        self,
        *,
        request: Request[Any, Any, Any],
        owner: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template:
        """The profile form, filled with the trust person's current values."""
        person = trust_persons.get_trust_person(db_session, trust_person_id=owner, viewer=viewer)
        values = values_of(ProfileChangeForm, person)
        values["background_tags"] = ", ".join(person.background_tags)
        return CHANGE_PROFILE.show(
            request,
            values=values,
            subject=f"{person.first_name} {person.last_name}",
            owner=owner,
        )

    @post("/{owner:int}/edit", sync_to_thread=True, status_code=303)
    def change_profile(
        self,
        *,
        request: Request[Any, Any, Any],
        owner: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Save the profile."""

        def save(form: ProfileChangeForm) -> str:
            trust_persons.update_trust_person(
                db_session, trust_person_id=owner, data=form.to_input(), viewer=viewer
            )
            return f"/pool/{owner}?done=saved"

        subject = _name(db_session, viewer, owner)
        return CHANGE_PROFILE.submit(request, data, db_session, save, subject=subject, owner=owner)

    @post("/{owner:int}/archive", sync_to_thread=True, status_code=303)
    def archive(
        self,
        *,
        owner: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Take the trust person out of planning, keeping their history."""
        trust_persons.deactivate_trust_person(db_session, trust_person_id=owner, viewer=viewer)
        return redirect(f"/pool/{owner}?done=archived")

    @post("/{owner:int}/reactivate", sync_to_thread=True, status_code=303)
    def reactivate(
        self,
        *,
        owner: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Take an archived trust person back into planning."""
        trust_persons.reactivate_trust_person(db_session, trust_person_id=owner, viewer=viewer)
        return redirect(f"/pool/{owner}?done=reactivated")
