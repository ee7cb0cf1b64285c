"""The client list: the organisations, an organisation's page, and keeping them.

Planners and admins add and change organisations, their sites (with the address) and the
conflicts of interest of VPs with them; a client contact only sees their own organisation.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel import Session

from vppool.db.schemas import OrganisationPublic
from vppool.services import assignments, needs, organisations, trust_persons
from vppool.services.access import Viewer
from vppool.web._client_forms import (
    ConflictEndForm,
    ConflictForm,
    OrganisationForm,
    SiteForm,
    sector_choices,
)
from vppool.web._common import client_or_staff_page
from vppool.web._form_routes import (
    At,
    Confirmation,
    ConfirmRoute,
    FormRoute,
    ListRoute,
    Loaded,
    pages,
)
from vppool.web._forms import Choice, values_of
from vppool.web._lists import Column, ListFilter, ListPage, sort_filter, status_filter
from vppool.web._page import PageContext, WebPages
from vppool.web._views import all_pages

__all__ = ["OrganisationPages", "organisation_pages"]

#: What a change did, by the ``done`` value of the organisation page's address.
DONE = {
    "created": "The organisation was added.",
    "saved": "The changes were saved.",
    "site-added": "The site was added.",
    "site-saved": "The site was changed.",
    "site-removed": "The site was removed.",
    "conflict-added": "The conflict of interest was recorded.",
    "conflict-ended": "The conflict of interest was ended.",
    "need-saved": "The need was changed.",
    "need-created": "The need was created.",
    "need-cancelled": "The need was cancelled.",
    "ended": "The assignment was ended.",
    "consent": "The works council's consent was recorded.",
}


ORGANISATIONS = ListPage[OrganisationPublic](
    path="/organisations",
    title="Organisations",
    new=("/organisations/new", "New organisation"),
    search="Search organisations",
    none="No organisation matches.",
    count="{count} organisations",
    filters=(
        ListFilter("search", "Name or contact"),
        ListFilter("sector", "Sector", kind="select", choices=sector_choices),
        status_filter(default="yes"),
        sort_filter(
            Choice("name", "Name (A-Z)"),
            Choice("-name", "Name (Z-A)"),
            Choice("-headcount", "Most employees"),
            Choice("-created_at", "Newest first"),
        ),
    ),
    columns=(
        Column("Name", lambda o: o.name),
        Column("Sector", lambda o: o.sector),
        Column("Employees", lambda o: o.headcount),
        Column("Contact", lambda o: o.contact_name),
        Column("Contact's e-mail address", lambda o: o.contact_email),
        Column("Languages", lambda o: o.languages),
        Column("Furthest a VP travels (km)", lambda o: o.max_travel_km),
        Column("Wishes", lambda o: o.wishes),
        Column("Active", lambda o: o.active),
    ),
    filename="organisations",
)


class OrganisationPages(WebPages):
    """Planners see and keep every organisation; a client contact sees only their own."""

    @get("/organisations/{organisation_id:int}", guards=[client_or_staff_page], sync_to_thread=True)
    def organisation(
        self,
        ctx: NamedDependency[PageContext],
        organisation_id: FromPath[int],
    ) -> Template:
        """An organisation with its sites, team, needs and (for planners) conflicts."""
        session, viewer = ctx.session, ctx.viewer
        organisation = organisations.get_organisation(
            session, organisation_id=organisation_id, viewer=viewer
        )
        conflicts = (
            organisations.list_conflicts_of_interest(
                session, organisation_id=organisation_id, viewer=viewer
            )
            if viewer.is_staff
            else []
        )
        return ctx.render(
            "organisation.html",
            section="organisations" if viewer.is_staff else "team",
            organisation=organisation,
            done_message=DONE.get(ctx.done),
            sites=organisations.list_sites(session, organisation_id=organisation_id, viewer=viewer),
            team=assignments.organisation_team(
                session, organisation_id=organisation_id, viewer=viewer
            ),
            org_needs=all_pages(
                lambda query: needs.list_needs(session, query, viewer=viewer),
                needs.NeedQuery(organisation_id=organisation_id),
            ),
            conflicts=conflicts,
            vp_names=_vp_names(session, viewer, {c.trust_person_id for c in conflicts}),
        )


def _vp_names(session: Session, viewer: Viewer, ids: set[int]) -> dict[int, str]:
    """The names of these trust persons (a few: one query each)."""
    names = {}
    for key in sorted(ids):
        person = trust_persons.get_trust_person(session, trust_person_id=key, viewer=viewer)
        names[key] = f"{person.first_name} {person.last_name}"
    return names


# --------------------------------------------------------------------------- keeping them

_ORGANISATION = "/organisations/{organisation_id:int}"
_BACK = "/organisations/{organisation_id}"
_SITE = _ORGANISATION + "/sites/{site_id:int}"
_CONFLICT = _ORGANISATION + "/conflicts/{conflict_id:int}"


def _name(at: At) -> str:
    """The organisation's name (and a check that it is in the viewer's scope)."""
    return organisations.get_organisation(
        at.session, organisation_id=at["organisation_id"], viewer=at.viewer
    ).name


def _about(at: At) -> Loaded:
    return Loaded(subject=_name(at))


def _done(at: At, what: str) -> str:
    return f"/organisations/{at['organisation_id']}?done={what}"


def _organisation_values(at: At) -> Loaded:
    current = organisations.get_organisation(
        at.session, organisation_id=at["organisation_id"], viewer=at.viewer
    )
    values = values_of(OrganisationForm, current)
    values["languages"] = ", ".join(current.languages)
    return Loaded(values, subject=current.name)


def _create_organisation(at: At, form: OrganisationForm) -> str:
    created = organisations.create_organisation(at.session, data=form.to_input(), viewer=at.viewer)
    return f"/organisations/{created.id}?done=created"


def _change_organisation(at: At, form: OrganisationForm) -> str:
    organisations.update_organisation(
        at.session, organisation_id=at["organisation_id"], data=form.changes(), viewer=at.viewer
    )
    return _done(at, "saved")


def _site(at: At) -> Any:
    return organisations.get_site(
        at.session,
        organisation_id=at["organisation_id"],
        site_id=at["site_id"],
        viewer=at.viewer,
    )


def _site_values(at: At) -> Loaded:
    return Loaded(values_of(SiteForm, _site(at)), subject=_name(at))


def _add_site(at: At, form: SiteForm) -> str:
    organisations.add_site(
        at.session, organisation_id=at["organisation_id"], data=form.to_input(), viewer=at.viewer
    )
    return _done(at, "site-added")


def _change_site(at: At, form: SiteForm) -> str:
    organisations.update_site(
        at.session,
        organisation_id=at["organisation_id"],
        site_id=at["site_id"],
        data=form.changes(),
        viewer=at.viewer,
    )
    return _done(at, "site-saved")


def _ask_remove_site(at: At) -> Confirmation:
    return Confirmation(
        question=("Remove the site {name}?", {"name": _site(at).name}),
        consequences=["Needs at this site keep their organisation but no longer name a site."],
        subject=_name(at),
    )


def _remove_site(at: At) -> str:
    organisations.delete_site(
        at.session,
        organisation_id=at["organisation_id"],
        site_id=at["site_id"],
        viewer=at.viewer,
    )
    return _done(at, "site-removed")


def _add_conflict(at: At, form: ConflictForm) -> str:
    organisations.add_conflict_of_interest(
        at.session, data=form.for_organisation(at["organisation_id"]), viewer=at.viewer
    )
    return _done(at, "conflict-added")


def _vp_label(at: At, values: dict[str, Any]) -> dict[str, Any]:
    chosen = str(values.get("trust_person_id", ""))
    if chosen.isdigit():
        names = _vp_names(at.session, at.viewer, {int(chosen)})
        values["trust_person_id_label"] = names.get(int(chosen), "")
    return values


def _conflict_subject(at: At) -> Loaded:
    conflict = organisations.get_conflict_of_interest(
        at.session,
        organisation_id=at["organisation_id"],
        conflict_of_interest_id=at["conflict_id"],
        viewer=at.viewer,
    )
    name = _vp_names(at.session, at.viewer, {conflict.trust_person_id})[conflict.trust_person_id]
    return Loaded(subject=f"{_name(at)} / {name}")


def _end_conflict(at: At, form: ConflictEndForm) -> str:
    organisations.end_conflict_of_interest(
        at.session,
        conflict_of_interest_id=at["conflict_id"],
        organisation_id=at["organisation_id"],
        ends_on=form.last_day + timedelta(days=1),
        viewer=at.viewer,
    )
    return _done(at, "conflict-ended")


_form = partial(FormRoute, back=_BACK, section="organisations")
_confirm = partial(ConfirmRoute, back=_BACK, section="organisations")

#: The organisation pages: the list, an organisation's page and the maintenance pages.
organisation_pages = pages(
    _form(
        "/organisations/new",
        OrganisationForm,
        title="New organisation",
        back="/organisations",
        load=lambda _: Loaded({"active": "on"}),
        save=_create_organisation,
        submit_label="Add organisation",
        once=True,
    ),
    _form(
        _ORGANISATION + "/edit",
        OrganisationForm,
        title="Change organisation",
        load=_organisation_values,
        save=_change_organisation,
    ),
    _form(
        _ORGANISATION + "/sites/new",
        SiteForm,
        title="New site",
        load=_about,
        save=_add_site,
        submit_label="Add site",
        once=True,
    ),
    _form(
        _SITE + "/edit",
        SiteForm,
        title="Change site",
        load=_site_values,
        save=_change_site,
    ),
    _confirm(
        _SITE + "/remove",
        title="Remove site",
        submit_label="Remove site",
        ask=_ask_remove_site,
        act=_remove_site,
    ),
    _form(
        _ORGANISATION + "/conflicts/new",
        ConflictForm,
        title="New conflict of interest",
        load=_about,
        save=_add_conflict,
        submit_label="Record conflict",
        intro="A VP with a conflict of interest is never proposed to this organisation.",
        relabel=_vp_label,
    ),
    _form(
        _CONFLICT + "/end",
        ConflictEndForm,
        title="End conflict of interest",
        load=_conflict_subject,
        save=_end_conflict,
        submit_label="End conflict",
        intro="From the day after the last day, the VP may serve this organisation again.",
    ),
    ListRoute(
        ORGANISATIONS,
        "organisations.html",
        organisations.list_organisations,
        section="organisations",
    ),
    extra=[OrganisationPages],
)
