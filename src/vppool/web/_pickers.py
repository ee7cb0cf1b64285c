"""Search as you type: the matches a picker shows, for choosing among thousands.

A picker asks ``/pick/<kind>?q=<text>`` after each pause in typing and shows at most
:data:`LIMIT` matches, each with its id, its name and a hint that tells namesakes apart.
Only planners and admins pick; the services scope what they see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from vppool.db.schemas import Page
from vppool.services import organisations, trust_persons
from vppool.services._common import query_model
from vppool.web._common import staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["LIMIT", "Match", "PickerSearches"]

T = TypeVar("T")

#: The most matches one search shows.
LIMIT = 20


@dataclass(frozen=True, slots=True)
class Match:
    """One match: the value to keep, the name to show and what tells it apart."""

    id: int
    label: str
    hint: str


def _active(ctx: PageContext, q: str, lister: Callable[..., Page[T]]) -> list[T]:
    """The active records ``lister`` finds for the typed text (nothing for no text)."""
    text = q.replace("\x00", "").strip()[:100]
    if not text:
        return []
    query = query_model(lister)(active=True, search=text, limit=LIMIT)
    return lister(ctx.session, query, viewer=ctx.viewer).items


class PickerSearches(WebPages, path="/pick", guard=staff_page):
    """The searches behind the pickers (planners and admins)."""

    @get("/organisations", sync_to_thread=True)
    def organisations(
        self, ctx: NamedDependency[PageContext], q: FromQuery[str] = ""
    ) -> list[Match]:
        """Active organisations whose name or contact has every typed word."""
        found = _active(ctx, q, organisations.list_organisations)
        return [Match(o.id, o.name, o.sector) for o in found]

    @get("/trust-persons", sync_to_thread=True)
    def trust_persons(
        self, ctx: NamedDependency[PageContext], q: FromQuery[str] = ""
    ) -> list[Match]:
        """Active trust persons whose name or e-mail address has every typed word."""
        found = _active(ctx, q, trust_persons.list_trust_persons)
        return [Match(p.id, f"{p.first_name} {p.last_name}", p.home_municipality) for p in found]
