"""Client organisations with their sites and team; conflicts of interest and preferences.

Planners and admins manage the client list. A client contact reads their own organisation,
its sites and its team (another organisation's id answers 404). Conflicts of interest and
preferences are planners' information only.
"""

from __future__ import annotations

from litestar import delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from sqlmodel import Session

from vppool.api.auth import client_or_staff, staff_only
from vppool.api.controllers._shared import (
    DEFAULT_LIMIT,
    Id,
    IdFilter,
    Limit,
    Offset,
    Resource,
    SortKey,
    TextFilter,
)
from vppool.db.schemas import (
    ConflictOfInterestCreate,
    ConflictOfInterestPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    Page,
    PreferenceCreate,
    PreferencePublic,
    SiteCreate,
    SitePublic,
    SiteUpdate,
    TeamMember,
)
from vppool.services import assignments, organisations
from vppool.services.access import Viewer

__all__ = ["ConflictOfInterestController", "OrganisationController", "PreferenceController"]

_ORGANISATION = "/{organisation_id:int}"
_SITE = _ORGANISATION + "/sites/{site_id:int}"


class OrganisationController(Resource):
    """The client list: organisations, their sites and who serves them."""

    path = "/api/v1/organisations"
    tags = ["organisations"]  # noqa: RUF012  (Litestar reads class attributes)
    guards = [client_or_staff]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_organisations(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        sector: TextFilter = None,
        active: FromQuery[bool | None] = None,
        search: TextFilter = None,
        sort: SortKey = "name",
        offset: Offset = 0,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Page[OrganisationPublic]:
        """List organisations.

        Filters: sector, active, search (words in the name or the contact's name). Sort by
        name, created_at or headcount ('-' reverses). A client contact sees only their own.
        """
        return organisations.list_organisations(
            db_session,
            sector=sector,
            active=active,
            search=search,
            sort=sort,
            offset=offset,
            limit=limit,
            viewer=viewer,
        )

    @post("/", guards=[staff_only], sync_to_thread=True)
    def create_organisation(
        self,
        data: JSONBody[OrganisationCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> OrganisationPublic:
        """Add a client organisation."""
        return organisations.create_organisation(db_session, data=data, viewer=viewer)

    @get(_ORGANISATION, sync_to_thread=True)
    def get_organisation(
        self,
        organisation_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> OrganisationPublic:
        """Get an organisation."""
        return organisations.get_organisation(
            db_session, organisation_id=organisation_id, viewer=viewer
        )

    @patch(_ORGANISATION, guards=[staff_only], sync_to_thread=True)
    def update_organisation(
        self,
        organisation_id: Id,
        data: JSONBody[OrganisationUpdate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> OrganisationPublic:
        """Change an organisation's given fields (active: false deactivates it)."""
        return organisations.update_organisation(
            db_session, organisation_id=organisation_id, data=data, viewer=viewer
        )

    @delete(_ORGANISATION, guards=[staff_only], sync_to_thread=True)
    def delete_organisation(
        self,
        organisation_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete an organisation without needs or client accounts (else 409: deactivate)."""
        organisations.delete_organisation(
            db_session, organisation_id=organisation_id, viewer=viewer
        )

    @get(_ORGANISATION + "/team", sync_to_thread=True)
    def get_organisation_team(
        self,
        organisation_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[TeamMember]:
        """List the trust persons confirmed at an organisation, as its client contact sees them."""
        return assignments.organisation_team(
            db_session, organisation_id=organisation_id, viewer=viewer
        )

    # ------------------------------------------------------------------ sites

    @get(_ORGANISATION + "/sites", sync_to_thread=True)
    def list_sites(
        self,
        *,
        organisation_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> list[SitePublic]:
        """List an organisation's sites, the main site first."""
        return organisations.list_sites(db_session, organisation_id=organisation_id, viewer=viewer)

    @post(_ORGANISATION + "/sites", guards=[staff_only], sync_to_thread=True)
    def add_site(
        self,
        organisation_id: Id,
        data: JSONBody[SiteCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> SitePublic:
        """Add a site; a new main site takes over from the old one."""
        return organisations.add_site(
            db_session, organisation_id=organisation_id, data=data, viewer=viewer
        )

    @patch(_SITE, guards=[staff_only], sync_to_thread=True)
    def update_site(
        self,
        organisation_id: Id,
        site_id: Id,
        data: JSONBody[SiteUpdate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> SitePublic:
        """Change a site's given fields."""
        return organisations.update_site(
            db_session, organisation_id=organisation_id, site_id=site_id, data=data, viewer=viewer
        )

    @delete(_SITE, guards=[staff_only], sync_to_thread=True)
    def delete_site(
        self,
        organisation_id: Id,
        site_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete a site; its needs keep their organisation but lose the site."""
        organisations.delete_site(
            db_session, organisation_id=organisation_id, site_id=site_id, viewer=viewer
        )


class ConflictOfInterestController(Resource):
    """Who may not serve where (planners only)."""

    path = "/api/v1/conflicts-of-interest"
    tags = ["conflicts of interest"]  # noqa: RUF012
    guards = [staff_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_conflicts_of_interest(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        trust_person_id: IdFilter = None,
        organisation_id: IdFilter = None,
    ) -> list[ConflictOfInterestPublic]:
        """List the conflicts of interest of a trust person, an organisation or the pair.

        Give trust_person_id, organisation_id or both (neither: 422).
        """
        return organisations.list_conflicts_of_interest(
            db_session,
            trust_person_id=trust_person_id,
            organisation_id=organisation_id,
            viewer=viewer,
        )

    @post("/", sync_to_thread=True)
    def add_conflict_of_interest(
        self,
        data: JSONBody[ConflictOfInterestCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> ConflictOfInterestPublic:
        """Record that a trust person may not serve an organisation."""
        return organisations.add_conflict_of_interest(db_session, data=data, viewer=viewer)

    @delete("/{conflict_of_interest_id:int}", sync_to_thread=True)
    def delete_conflict_of_interest(
        self,
        conflict_of_interest_id: Id,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> None:
        """Delete a conflict of interest recorded by mistake."""
        organisations.delete_conflict_of_interest(
            db_session, conflict_of_interest_id=conflict_of_interest_id, viewer=viewer
        )


class PreferenceController(Resource):
    """Soft wishes between trust persons and organisations (planners only)."""

    path = "/api/v1/preferences"
    tags = ["preferences"]  # noqa: RUF012
    guards = [staff_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_preferences(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        trust_person_id: IdFilter = None,
        organisation_id: IdFilter = None,
    ) -> list[PreferencePublic]:
        """List the preferences of a trust person, an organisation or the pair.

        Give trust_person_id, organisation_id or both (neither: 422).
        """
        return organisations.list_preferences(
            db_session,
            trust_person_id=trust_person_id,
            organisation_id=organisation_id,
            viewer=viewer,
        )

    @put("/", sync_to_thread=True)
    def set_preference(
        self,
        data: JSONBody[PreferenceCreate],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> PreferencePublic:
        """Set one party's preference for a pair, replacing that party's earlier one."""
        return organisations.set_preference(db_session, data=data, viewer=viewer)
