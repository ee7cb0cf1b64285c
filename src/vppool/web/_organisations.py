"""The client list: the searchable list of organisations and an organisation's page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlmodel import Session

from vppool.services import assignments, needs, organisations, trust_persons
from vppool.services.access import Viewer
from vppool.web._common import client_or_staff_page, page, staff_page
from vppool.web._views import all_pages

__all__ = ["OrganisationPages"]

_PAGE = 50


class OrganisationPages(Controller):
    """Planners see every organisation; a client contact only their own."""

    path = "/"
    include_in_schema = False

    @get("/organisations", guards=[staff_page], sync_to_thread=True)
    def organisation_list(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        search: FromQuery[str] = "",
        offset: FromQuery[int] = 0,
    ) -> Template:
        """The client organisations, searchable by name or contact."""
        result = organisations.list_organisations(
            db_session,
            search=search.strip() or None,
            offset=max(offset, 0),
            limit=_PAGE,
            viewer=viewer,
        )
        return page(
            request,
            "organisations.html",
            section="organisations",
            result=result,
            filters={"search": search},
            page_size=_PAGE,
        )

    @get("/organisations/{organisation_id:int}", guards=[client_or_staff_page], sync_to_thread=True)
    def organisation(
        self,
        *,
        request: Request[Any, Any, Any],
        organisation_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template:
        """An organisation with its sites, team, needs and (for planners) conflicts."""
        organisation = organisations.get_organisation(
            db_session, organisation_id=organisation_id, viewer=viewer
        )
        return page(
            request,
            "organisation.html",
            section="organisations" if viewer.is_staff else "team",
            organisation=organisation,
            sites=organisations.list_sites(
                db_session, organisation_id=organisation_id, viewer=viewer
            ),
            team=assignments.organisation_team(
                db_session, organisation_id=organisation_id, viewer=viewer
            ),
            org_needs=all_pages(
                lambda offset, limit: needs.list_needs(
                    db_session,
                    organisation_id=organisation_id,
                    offset=offset,
                    limit=limit,
                    viewer=viewer,
                )
            ),
            conflicts=organisations.list_conflicts_of_interest(
                db_session, organisation_id=organisation_id, viewer=viewer
            )
            if viewer.is_staff
            else [],
            vp_names={
                p.id: f"{p.first_name} {p.last_name}"
                for p in all_pages(
                    lambda offset, limit: trust_persons.list_trust_persons(
                        db_session, offset=offset, limit=limit, viewer=viewer
                    )
                )
            }
            if viewer.is_staff
            else {},
        )
