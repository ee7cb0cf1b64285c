"""Search as you type: the matches a picker shows, for choosing among thousands.

A picker asks ``/pick/<kind>?q=<text>`` after each pause in typing and shows at most
:data:`LIMIT` matches, each with its id, its name and a hint that tells namesakes apart.
Only planners and admins pick; the services scope what they see.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlmodel import Session

from vppool.services import organisations, trust_persons
from vppool.services.access import Viewer
from vppool.web._common import staff_page

__all__ = ["LIMIT", "Match", "PickerSearches"]

#: The most matches one search shows.
LIMIT = 20


@dataclass(frozen=True, slots=True)
class Match:
    """One match: the value to keep, the name to show and what tells it apart."""

    id: int
    label: str
    hint: str


class PickerSearches(Controller):
    """The searches behind the pickers (planners and admins)."""

    path = "/pick"
    guards = [staff_page]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    @get("/organisations", sync_to_thread=True)
    def organisations(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        q: FromQuery[str] = "",
    ) -> list[Match]:
        """Active organisations whose name or contact has every typed word."""
        text = q.replace("\x00", "").strip()[:100]
        if not text:
            return []
        found = organisations.list_organisations(
            db_session, active=True, search=text, limit=LIMIT, viewer=viewer
        )
        return [Match(o.id, o.name, o.sector) for o in found.items]

    @get("/trust-persons", sync_to_thread=True)
    def trust_persons(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        q: FromQuery[str] = "",
    ) -> list[Match]:
        """Active trust persons whose name or e-mail address has every typed word."""
        text = q.replace("\x00", "").strip()[:100]
        if not text:
            return []
        found = trust_persons.list_trust_persons(
            db_session, active=True, search=text, limit=LIMIT, viewer=viewer
        )
        return [
            Match(p.id, f"{p.first_name} {p.last_name}", p.home_municipality) for p in found.items
        ]
