"""Client organisations with their sites and team; conflicts of interest and preferences.

Planners and admins manage the client list. A client contact reads their own organisation,
its sites and its team (another organisation's id answers 404). Conflicts of interest and
preferences are planners' information only.
"""

from __future__ import annotations

from litestar import get, put
from litestar.handlers import HTTPRouteHandler

from vppool.api.auth import client_or_staff, staff_only
from vppool.api.controllers._routes import RecordRoutes, Service
from vppool.api.controllers._shared import (
    IdFilter,
    Resource,
    TextFilter,
)
from vppool.db.schemas import (
    ConflictOfInterestCreate,
    ConflictOfInterestPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    PreferenceCreate,
    PreferencePublic,
    SiteCreate,
    SitePublic,
    SiteUpdate,
    TeamMember,
)
from vppool.services import assignments, organisations

__all__ = ["ConflictOfInterestController", "OrganisationController", "PreferenceController"]

_ORGANISATIONS = RecordRoutes(
    "/",
    OrganisationPublic,
    key="organisation_id",
    create=OrganisationCreate,
    update=OrganisationUpdate,
)
_SITES = RecordRoutes(
    "/{organisation_id:int}/sites", SitePublic, key="site_id", create=SiteCreate, update=SiteUpdate
)
_PREFERENCES = RecordRoutes("/", PreferencePublic)
#: The filters of a list of what holds between trust persons and organisations.
_PARTIES = {"trust_person_id": IdFilter, "organisation_id": IdFilter}
_CONFLICTS = RecordRoutes(
    "/",
    ConflictOfInterestPublic,
    key="conflict_of_interest_id",
    create=ConflictOfInterestCreate,
)


def _between(routes: RecordRoutes, service: Service, what: str) -> HTTPRouteHandler:
    """``GET /``: the ``what`` (a list) of a trust person, an organisation or the pair."""
    return routes.listing(
        service,
        f"""List the {what} of a trust person, an organisation or the pair.

        Give trust_person_id, organisation_id or both (neither: 422).
        """,
        filters=_PARTIES,
    )


class OrganisationController(
    Resource, path="/api/v1/organisations", tag="organisations", guard=client_or_staff
):
    """The client list: organisations, their sites and who serves them."""

    list_organisations = _ORGANISATIONS.paging(
        organisations.list_organisations,
        """List organisations.

        Filters: sector, active, search (words in the name or the contact's name). Sort by
        name, created_at or headcount ('-' reverses). A client contact sees only their own.
        """,
        filters={"sector": TextFilter, "active": bool | None, "search": TextFilter},
        sort="name",
    )

    create_organisation = _ORGANISATIONS.staff.creating(
        organisations.create_organisation,
        "Add a client organisation.",
    )
    get_organisation = _ORGANISATIONS.reading(
        organisations.get_organisation, "Get an organisation."
    )
    update_organisation = _ORGANISATIONS.staff.changing(
        organisations.update_organisation,
        "Change an organisation's given fields (active: false deactivates it).",
    )
    delete_organisation = _ORGANISATIONS.staff.deleting(
        organisations.delete_organisation,
        "Delete an organisation without needs or client accounts (else 409: deactivate).",
    )
    get_organisation_team = _ORGANISATIONS.acting(
        get,
        "/team",
        assignments.organisation_team,
        "List the trust persons confirmed at an organisation, as its client contact sees them.",
        returns=list[TeamMember],
    )

    # ------------------------------------------------------------------ sites

    list_sites = _SITES.listing(
        organisations.list_sites, "List an organisation's sites, the main site first."
    )
    add_site = _SITES.staff.creating(
        organisations.add_site,
        "Add a site; a new main site takes over from the old one.",
    )
    update_site = _SITES.staff.changing(organisations.update_site, "Change a site's given fields.")
    delete_site = _SITES.staff.deleting(
        organisations.delete_site,
        "Delete a site; its needs keep their organisation but lose the site.",
    )


class ConflictOfInterestController(
    Resource, path="/api/v1/conflicts-of-interest", tag="conflicts of interest", guard=staff_only
):
    """Who may not serve where (planners only)."""

    list_conflicts_of_interest = _between(
        _CONFLICTS, organisations.list_conflicts_of_interest, "conflicts of interest"
    )

    add_conflict_of_interest = _CONFLICTS.creating(
        organisations.add_conflict_of_interest,
        "Record that a trust person may not serve an organisation.",
    )
    delete_conflict_of_interest = _CONFLICTS.deleting(
        organisations.delete_conflict_of_interest,
        "Delete a conflict of interest recorded by mistake.",
    )


class PreferenceController(
    Resource, path="/api/v1/preferences", tag="preferences", guard=staff_only
):
    """Soft wishes between trust persons and organisations (planners only)."""

    list_preferences = _between(_PREFERENCES, organisations.list_preferences, "preferences")

    set_preference = _PREFERENCES.route(
        put,
        "/",
        organisations.set_preference,
        "Set one party's preference for a pair, replacing that party's earlier one.",
        body=PreferenceCreate,
    )
