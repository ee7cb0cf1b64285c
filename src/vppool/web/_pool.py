"""The pool: the list of trust persons, a VP's page, and the pages that keep them."""

from __future__ import annotations

from datetime import timedelta

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from vppool.db.schemas import TrustPersonPublic
from vppool.services import (
    assignments,
    calendar_sources,
    compliance,
    needs,
    organisations,
    trust_persons,
)
from vppool.vocab import Scope
from vppool.web._common import staff_page
from vppool.web._form_routes import ListRoute, pages
from vppool.web._forms import Choice
from vppool.web._lists import Column, ListFilter, ListPage, sort_filter, status_filter
from vppool.web._page import PageContext, WebPages
from vppool.web._pool_forms import language_choices
from vppool.web._pool_records import DONE, MAINTENANCE
from vppool.web._views import day_availability

__all__ = ["PoolPages", "pool_pages"]


def _scope_choices() -> list[Choice]:
    return [Choice(scope.value, scope.value.replace("_", " ").capitalize()) for scope in Scope]


POOL = ListPage[TrustPersonPublic](
    path="/pool",
    title="Pool",
    new=("/pool/new", "New trust person"),
    search="Search the pool",
    none="No trust person matches.",
    count="{count} trust persons",
    filters=(
        ListFilter("search", "Name or e-mail"),
        ListFilter("scope", "Scope", kind="select", choices=_scope_choices),
        ListFilter("language", "Language", kind="select", choices=language_choices),
        status_filter("Archived", default="yes"),
        sort_filter(
            Choice("last_name", "Surname (A-Z)"),
            Choice("-last_name", "Surname (Z-A)"),
            Choice("-capacity", "Most hours per month"),
            Choice("-created_at", "Newest first"),
        ),
    ),
    columns=(
        Column("Surname", lambda p: p.last_name),
        Column("First name", lambda p: p.first_name),
        Column("E-mail", lambda p: p.email),
        Column("Phone", lambda p: p.phone),
        Column("Home town", lambda p: p.home_municipality),
        Column("Postcode", lambda p: p.home_postcode),
        Column("Scopes", lambda p: p.scopes),
        Column("Languages", lambda p: p.languages),
        Column("Sectors", lambda p: p.sectors),
        Column("Hours per month", lambda p: p.capacity_hours_per_month),
        Column("Standing clients at most", lambda p: p.capacity_standing_clients),
        Column("Travels up to (km)", lambda p: p.max_travel_km),
        Column("Active", lambda p: p.active),
    ),
    filename="pool",
)


class PoolPages(WebPages, guard=staff_page):
    """A VP's page: planners and admins only; to anyone else it does not exist."""

    @get("/pool/{trust_person_id:int}", sync_to_thread=True)
    def trust_person(
        self,
        ctx: NamedDependency[PageContext],
        trust_person_id: FromPath[int],
    ) -> Template:
        """A VP: profile, assignments, this week's availability, compliance, calendars."""
        session, viewer, today = ctx.session, ctx.viewer, ctx.today()
        person = trust_persons.get_trust_person(
            session, trust_person_id=trust_person_id, viewer=viewer
        )
        week_start = today - timedelta(days=today.weekday())
        query = assignments.AssignmentQuery(
            trust_person_id=trust_person_id, sort="-starts_on", limit=50
        )
        held = assignments.list_assignments(session, query, viewer=viewer)
        need_by_id = needs.needs_by_id(session, (a.need_id for a in held.items), viewer=viewer)
        return ctx.render(
            "trust_person.html",
            section="pool",
            person=person,
            held=held,
            need_by_id=need_by_id,
            names=organisations.organisations_by_id(
                session, (n.organisation_id for n in need_by_id.values()), viewer=viewer
            ),
            week=day_availability(session, person.id, person.timezone, week_start, 7),
            absences=trust_persons.list_absences(
                session, trust_person_id=trust_person_id, viewer=viewer
            ),
            report=compliance.compliance_report(session, ctx.settings, trust_person_id, today),
            certificates=trust_persons.list_certifications(
                session, trust_person_id=trust_person_id, viewer=viewer
            ),
            sources=calendar_sources.list_sources(
                session, trust_person_id=trust_person_id, viewer=viewer
            ),
            conflicts=organisations.list_conflicts_of_interest(
                session, trust_person_id=trust_person_id, viewer=viewer
            ),
            today=today,
            done_message=DONE.get(ctx.done),
            education=trust_persons.list_education_records(
                session, trust_person_id=trust_person_id, viewer=viewer
            ),
        )


#: The pool's pages: the list, a VP's page and the maintenance pages.
pool_pages = pages(
    ListRoute(POOL, "pool.html", trust_persons.list_trust_persons, section="pool"),
    *MAINTENANCE,
    extra=[PoolPages],
)
