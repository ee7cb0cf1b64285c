"""Use cases of the client list: organisations, their sites, conflicts of interest, preferences.

An organisation with needs is deactivated, never deleted, so its plan history stays. One site
per organisation is its main site.

Scoping (``viewer``; ``None`` is the system): planners and admins see and change everything.
A client contact sees only their own organisation and its sites (another organisation's id
answers :class:`~vppool.errors.NotFound`) and changes nothing here. Trust persons do not use
the client list. Conflicts of interest and preferences are planners' information only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from vppool.db.models import (
    ConflictOfInterest,
    ConflictOfInterestBase,
    Need,
    Organisation,
    OrganisationBase,
    Preference,
    Site,
    SiteBase,
    TrustPerson,
    User,
)
from vppool.db.schemas import (
    ConflictOfInterestCreate,
    ConflictOfInterestPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    Page,
    PageQuery,
    PreferenceCreate,
    PreferencePublic,
    SiteCreate,
    SitePublic,
    SiteUpdate,
)
from vppool.errors import Conflict, NotFound, ValidationFailed
from vppool.services import audit
from vppool.services._common import (
    UniqueField,
    acting,
    apply_changes,
    contains_text,
    ensure_own_organisation,
    fetch_page,
    flush,
    get_or_404,
    order_by,
    plain_text,
    require_role,
    require_staff,
    sees_everything,
    validate_merged,
    where_given,
)
from vppool.services._records import Records
from vppool.services.access import Viewer
from vppool.vocab import SECTORS, Role, unknown_sectors

__all__ = [
    "add_conflict_of_interest",
    "add_site",
    "create_organisation",
    "delete_conflict_of_interest",
    "delete_organisation",
    "delete_site",
    "end_conflict_of_interest",
    "get_conflict_of_interest",
    "get_organisation",
    "get_site",
    "list_conflicts_of_interest",
    "list_organisations",
    "list_preferences",
    "list_sites",
    "organisation_names",
    "organisations_by_id",
    "set_preference",
    "update_organisation",
    "update_site",
]

_NAME = UniqueField(
    Organisation, "name", "organisation", "This name is already used by another organisation."
)
_ENTITY = "organisation"
ORGANISATIONS = Records(
    Organisation,
    OrganisationPublic,
    entity=_ENTITY,
    record="organisation",
    base=OrganisationBase,
    unique=(_NAME,),
)
SITES = Records(
    Site,
    SitePublic,
    entity="site",
    record="site",
    base=SiteBase,
    owner="organisation_id",
    context=("organisation_id",),
)
CONFLICTS = Records(
    ConflictOfInterest,
    ConflictOfInterestPublic,
    entity="conflict of interest",
    record="conflict_of_interest",
    context=("trust_person_id", "organisation_id"),
)
_PREFERENCE_KEY = ("preference", ("trust_person_id", "organisation_id", "party"))


# --------------------------------------------------------------------------- organisations


def create_organisation(
    session: Session,
    *,
    data: OrganisationCreate,
    viewer: Viewer | None = None,
) -> OrganisationPublic:
    """Add a client organisation (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: the name is already used.
    """
    require_staff(viewer, "add organisations")
    return ORGANISATIONS.show(ORGANISATIONS.create(session, acting(viewer), data))


def get_organisation(
    session: Session, *, organisation_id: int, viewer: Viewer | None = None
) -> OrganisationPublic:
    """One organisation.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such organisation in the viewer's scope.
    """
    return OrganisationPublic.model_validate(_visible(session, viewer, organisation_id))


def update_organisation(
    session: Session,
    *,
    organisation_id: int,
    data: OrganisationUpdate,
    viewer: Viewer | None = None,
) -> OrganisationPublic:
    """Change the given fields of an organisation (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such organisation.
        ValidationFailed: a field is invalid, or the name is used by another organisation.
    """
    require_staff(viewer, "change organisations")
    organisation = ORGANISATIONS.find(session, organisation_id)
    ORGANISATIONS.update(session, acting(viewer), organisation, data)
    return ORGANISATIONS.show(organisation)


class OrganisationQuery(PageQuery):
    """A page of organisations, filtered by each field given.

    Attributes:
        sector: only organisations in this sector.
        active: only active (``True``) or inactive (``False``) organisations.
        search: words that must each occur in the name or the contact's name.
        sort: ``name`` (ignoring letter case), ``created_at`` or ``headcount``; prefix ``-``
            to reverse.
    """

    sector: str | None = None
    active: bool | None = None
    search: str | None = None
    sort: str = "name"


def list_organisations(
    session: Session, query: OrganisationQuery, *, viewer: Viewer | None = None
) -> Page[OrganisationPublic]:
    """One page of organisations (for a client contact: only their own).

    Args:
        session: the database session.
        query: the filters, the sort and the page (offset, limit at most 200).
        viewer: who asks; a client contact's page holds only their own organisation.

    Raises:
        PermissionDenied: the viewer is a trust person.
        ValidationFailed: an unknown sector or sort, or a bad offset or limit.
    """
    require_role(viewer, Role.CLIENT, "list organisations")
    search = plain_text(query.search, field="search")
    statement = select(Organisation)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        statement = statement.where(Organisation.id == viewer.organisation_id)
    if query.sector is not None:
        if unknown_sectors([query.sector]):
            msg = f"unknown sector {query.sector!r}; use one of {', '.join(SECTORS)}"
            raise ValidationFailed.single("sector", msg)
        statement = statement.where(Organisation.sector == query.sector)
    statement = where_given(statement, (Organisation.active, query.active))
    if search:
        statement = statement.where(
            contains_text(search, Organisation.name, Organisation.contact_name)
        )
    ordering = order_by(
        query.sort,
        {
            "name": [func.lower(Organisation.name).asc()],
            "created_at": [col(Organisation.created_at).asc()],
            "headcount": [col(Organisation.headcount).asc()],
        },
        tiebreak=Organisation.id,
    )
    return fetch_page(
        session,
        statement,
        query,
        public=OrganisationPublic,
        ordering=ordering,
    )


def organisation_names(
    session: Session, ids: Iterable[int], *, viewer: Viewer | None = None
) -> dict[int, str]:
    """The names of the organisations with these ids that the viewer may see, in one query."""
    wanted = _in_scope(viewer, ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(wanted))
    ).all()
    return {key: name for key, name in rows if key is not None}


def organisations_by_id(
    session: Session, ids: Iterable[int], *, viewer: Viewer | None = None
) -> dict[int, OrganisationPublic]:
    """The organisations with these ids that the viewer may see, by id, in one query."""
    return ORGANISATIONS.shown_by_id(session, _in_scope(viewer, ids))


def _in_scope(viewer: Viewer | None, ids: Iterable[int]) -> set[int]:
    """Of these organisation ids, those the viewer may see (a client contact: their own)."""
    require_role(viewer, Role.CLIENT, "see organisations")
    wanted = set(ids)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        wanted &= {viewer.organisation_id} if viewer.organisation_id is not None else set()
    return wanted


def delete_organisation(
    session: Session,
    *,
    organisation_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete an organisation without needs or client accounts, with its sites (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such organisation.
        Conflict: the organisation has needs or client user accounts; deactivate it instead.
    """
    require_staff(viewer, "delete organisations")
    ORGANISATIONS.delete(
        session,
        acting(viewer),
        ORGANISATIONS.find(session, organisation_id),
        used_by={"needs": Need.organisation_id, "client user accounts": User.organisation_id},
    )


# --------------------------------------------------------------------------- sites


def add_site(
    session: Session,
    *,
    organisation_id: int,
    data: SiteCreate,
    viewer: Viewer | None = None,
) -> SitePublic:
    """Add a site to an organisation; a new main site takes over from the old one (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such organisation.
    """
    require_staff(viewer, "add sites")
    ORGANISATIONS.find(session, organisation_id)
    if data.is_main:
        _demote_main_sites(session, organisation_id)
    site = SITES.create(session, acting(viewer), data, organisation_id=organisation_id)
    return SITES.show(site)


def list_sites(
    session: Session, *, organisation_id: int, viewer: Viewer | None = None
) -> list[SitePublic]:
    """An organisation's sites, the main site first.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such organisation in the viewer's scope.
    """
    _visible(session, viewer, organisation_id)
    return SITES.of_owner(
        session, organisation_id, col(Site.is_main).desc(), col(Site.name), col(Site.id)
    )


def get_site(
    session: Session, *, organisation_id: int, site_id: int, viewer: Viewer | None = None
) -> SitePublic:
    """One site of an organisation.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such site of this organisation in the viewer's scope.
    """
    _visible(session, viewer, organisation_id)
    return SITES.show(SITES.find_owned(session, site_id, organisation_id))


def update_site(
    session: Session,
    *,
    organisation_id: int,
    site_id: int,
    data: SiteUpdate,
    viewer: Viewer | None = None,
) -> SitePublic:
    """Change the given fields of a site (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such site of this organisation.
        ValidationFailed: a field is invalid.
    """
    require_staff(viewer, "change sites")
    site = _site(session, organisation_id, site_id)
    values = SITES.merged(site, data)
    if values.get("is_main") and not site.is_main:
        _demote_main_sites(session, organisation_id)
    SITES.update(session, acting(viewer), site, values)
    return SITES.show(site)


def delete_site(
    session: Session,
    *,
    organisation_id: int,
    site_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete a site; needs at that site keep their organisation but lose the site (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such site of this organisation.
    """
    require_staff(viewer, "delete sites")
    SITES.delete(session, acting(viewer), _site(session, organisation_id, site_id))


def _demote_main_sites(session: Session, organisation_id: int) -> None:
    for other in session.exec(
        select(Site).where(Site.organisation_id == organisation_id, col(Site.is_main).is_(True))
    ).all():
        other.is_main = False


# --------------------------------------------------------------------------- conflicts


def add_conflict_of_interest(
    session: Session,
    *,
    data: ConflictOfInterestCreate,
    viewer: Viewer | None = None,
) -> ConflictOfInterestPublic:
    """Record that a trust person may not serve an organisation (during a period, if given).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: the trust person or the organisation does not exist.
    """
    require_staff(viewer, "record conflicts of interest")
    actor = acting(viewer)
    get_or_404(session, TrustPerson, data.trust_person_id, "trust person")
    ORGANISATIONS.find(session, data.organisation_id)
    conflict = CONFLICTS.create(session, actor, data, recorded_by_user_id=actor.user_id)
    return CONFLICTS.show(conflict)


def list_conflicts_of_interest(
    session: Session,
    *,
    trust_person_id: int | None = None,
    organisation_id: int | None = None,
    viewer: Viewer | None = None,
) -> list[ConflictOfInterestPublic]:
    """Conflicts of interest of a trust person, of an organisation, or between the two.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: neither a trust person nor an organisation is given.
        NotFound: the given trust person or organisation does not exist.
    """
    require_staff(viewer, "see conflicts of interest")
    statement = _between(
        session,
        ConflictOfInterest,
        trust_person_id=trust_person_id,
        organisation_id=organisation_id,
    )
    rows = session.exec(statement.order_by(col(ConflictOfInterest.id))).all()
    return [ConflictOfInterestPublic.model_validate(row) for row in rows]


def get_conflict_of_interest(
    session: Session,
    *,
    conflict_of_interest_id: int,
    organisation_id: int | None = None,
    viewer: Viewer | None = None,
) -> ConflictOfInterestPublic:
    """One conflict of interest (of ``organisation_id``, if given).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such conflict of interest (of that organisation).
    """
    require_staff(viewer, "see conflicts of interest")
    return CONFLICTS.show(_conflict(session, conflict_of_interest_id, organisation_id))


def _conflict(
    session: Session, conflict_of_interest_id: int, organisation_id: int | None
) -> ConflictOfInterest:
    conflict = CONFLICTS.find(session, conflict_of_interest_id)
    if organisation_id is not None and conflict.organisation_id != organisation_id:
        raise NotFound(CONFLICTS.entity, conflict_of_interest_id)
    return conflict


def delete_conflict_of_interest(
    session: Session,
    *,
    conflict_of_interest_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Delete a conflict of interest recorded by mistake.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such conflict of interest.
    """
    require_staff(viewer, "delete conflicts of interest")
    conflict = CONFLICTS.find(session, conflict_of_interest_id)
    CONFLICTS.delete(session, acting(viewer), conflict)


class _ConflictEnd(BaseModel):
    ends_on: date


def end_conflict_of_interest(
    session: Session,
    *,
    conflict_of_interest_id: int,
    ends_on: date,
    organisation_id: int | None = None,
    viewer: Viewer | None = None,
) -> ConflictOfInterestPublic:
    """End a conflict of interest: it holds until ``ends_on`` (exclusive) (planners).

    The record stays, so the history shows when the VP could not serve the organisation.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such conflict of interest (of ``organisation_id``, if given).
        ValidationFailed: the end is not after the conflict's first day.
    """
    require_staff(viewer, "end conflicts of interest")
    conflict = _conflict(session, conflict_of_interest_id, organisation_id)
    values = validate_merged(
        ConflictOfInterestBase, conflict, _ConflictEnd(ends_on=ends_on), subject=CONFLICTS.entity
    )
    if apply_changes(conflict, values):
        flush(session)
        CONFLICTS.audit(session, acting(viewer), "ended", conflict, details=values)
    return CONFLICTS.show(conflict)


# --------------------------------------------------------------------------- preferences


def set_preference(
    session: Session,
    *,
    data: PreferenceCreate,
    viewer: Viewer | None = None,
) -> PreferencePublic:
    """Set one party's preference between a trust person and an organisation.

    A party has one preference per pair: setting it again replaces the earlier one.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: the trust person or the organisation does not exist.
        ValidationFailed: a field is invalid (strength outside -2..2).
    """
    require_staff(viewer, "set preferences")
    actor = acting(viewer)
    given = data
    get_or_404(session, TrustPerson, given.trust_person_id, "trust person")
    _organisation(session, given.organisation_id)
    preference = session.exec(
        select(Preference).where(
            Preference.trust_person_id == given.trust_person_id,
            Preference.organisation_id == given.organisation_id,
            Preference.party == given.party,
        )
    ).first()
    if preference is None:
        preference = Preference.model_validate(given)
        session.add(preference)
        action = "created"
    else:
        apply_changes(preference, {"strength": given.strength, "note": given.note})
        action = "updated"
    flush(
        session,
        {_PREFERENCE_KEY: Conflict("this preference was set at the same moment; try again")},
    )
    audit.record_event(
        session,
        actor,
        ("preference", preference.id),
        action,
        {
            "trust_person_id": given.trust_person_id,
            "organisation_id": given.organisation_id,
            "party": given.party,
        },
    )
    return PreferencePublic.model_validate(preference)


def list_preferences(
    session: Session,
    *,
    trust_person_id: int | None = None,
    organisation_id: int | None = None,
    viewer: Viewer | None = None,
) -> list[PreferencePublic]:
    """Preferences of a trust person, of an organisation, or between the two.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: neither a trust person nor an organisation is given.
        NotFound: the given trust person or organisation does not exist.
    """
    require_staff(viewer, "see preferences")
    statement = _between(
        session, Preference, trust_person_id=trust_person_id, organisation_id=organisation_id
    )
    rows = session.exec(statement.order_by(col(Preference.id))).all()
    return [PreferencePublic.model_validate(row) for row in rows]


# --------------------------------------------------------------------------- helpers


def _organisation(session: Session, organisation_id: int) -> Organisation:
    return ORGANISATIONS.find(session, organisation_id)


def _visible(session: Session, viewer: Viewer | None, organisation_id: int) -> Organisation:
    """The organisation, if the viewer may see it (staff: all; a client contact: their own)."""
    require_role(viewer, Role.CLIENT, "see organisations")
    ensure_own_organisation(viewer, organisation_id)
    return _organisation(session, organisation_id)


_PairT = TypeVar("_PairT", ConflictOfInterest, Preference)


def _between(
    session: Session,
    table: type[_PairT],
    *,
    trust_person_id: int | None,
    organisation_id: int | None,
) -> SelectOfScalar[_PairT]:
    """Rows of a trust person, of an organisation, or between the two (both must exist)."""
    if trust_person_id is None and organisation_id is None:
        msg = "give a trust person, an organisation or both"
        raise ValidationFailed.single("trust_person_id", msg)
    statement = select(table)
    if trust_person_id is not None:
        get_or_404(session, TrustPerson, trust_person_id, "trust person")
        statement = statement.where(table.trust_person_id == trust_person_id)
    if organisation_id is not None:
        _organisation(session, organisation_id)
        statement = statement.where(table.organisation_id == organisation_id)
    return statement


def _site(session: Session, organisation_id: int, site_id: int) -> Site:
    _organisation(session, organisation_id)
    return SITES.find_owned(session, site_id, organisation_id)
