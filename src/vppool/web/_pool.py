"""The pool: the searchable list of trust persons and a VP's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlmodel import Session

from vppool.services import (
    assignments,
    calendar_sources,
    compliance,
    needs,
    organisations,
    trust_persons,
)
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import Scope
from vppool.web._common import page, staff_page
from vppool.web._views import day_availability, organisation_names

__all__ = ["PoolPages"]

_PAGE = 50


class PoolPages(Controller):
    """Planners and admins only; to anyone else these pages do not exist."""

    path = "/"
    include_in_schema = False

    @get("/pool", guards=[staff_page], sync_to_thread=True)
    def pool(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        search: FromQuery[str] = "",
        qualified_for: Annotated[str, QueryParameter(name="scope")] = "",
        language: FromQuery[str] = "",
        active: FromQuery[str] = "yes",
        offset: FromQuery[int] = 0,
    ) -> Template:
        """The trust persons, searchable by name, e-mail, scope and language."""
        result = trust_persons.list_trust_persons(
            db_session,
            search=search.strip() or None,
            scope=qualified_for or None,
            language=language.strip().lower() or None,
            active={"yes": True, "no": False}.get(active),
            offset=max(offset, 0),
            limit=_PAGE,
            viewer=viewer,
        )
        return page(
            request,
            "pool.html",
            section="pool",
            result=result,
            filters={
                "search": search,
                "scope": qualified_for,
                "language": language,
                "active": active,
            },
            scopes=list(Scope),
            page_size=_PAGE,
        )

    @get("/pool/{trust_person_id:int}", guards=[staff_page], sync_to_thread=True)
    def trust_person(
        self,
        *,
        request: Request[Any, Any, Any],
        trust_person_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """A VP: profile, assignments, this week's availability, compliance, calendars."""
        person = trust_persons.get_trust_person(
            db_session, trust_person_id=trust_person_id, viewer=viewer
        )
        today = settings.today()
        week_start = today - timedelta(days=today.weekday())
        held = assignments.list_assignments(
            db_session, trust_person_id=trust_person_id, sort="-starts_on", limit=50, viewer=viewer
        )
        need_by_id = {
            a.need_id: needs.get_need(db_session, need_id=a.need_id, viewer=viewer)
            for a in held.items
        }
        return page(
            request,
            "trust_person.html",
            section="pool",
            person=person,
            held=held,
            need_by_id=need_by_id,
            names=organisation_names(
                db_session, viewer, (n.organisation_id for n in need_by_id.values())
            ),
            week=day_availability(db_session, person.id, person.timezone, week_start, 7),
            absences=trust_persons.list_absences(
                db_session, trust_person_id=trust_person_id, viewer=viewer
            ),
            report=compliance.compliance_report(db_session, settings, trust_person_id, today),
            certificates=trust_persons.list_certifications(
                db_session, trust_person_id=trust_person_id, viewer=viewer
            ),
            sources=calendar_sources.list_sources(
                db_session, trust_person_id=trust_person_id, viewer=viewer
            ),
            conflicts=organisations.list_conflicts_of_interest(
                db_session, trust_person_id=trust_person_id, viewer=viewer
            ),
            today=today,
        )
