"""Keep each feed's "changed at" moving forward on every change the feed shows.

A session listener looks at what a flush inserts, updates and deletes; for the rows that
feeds show it raises ``feed_state.changed_at`` of the VP (``vp:<id>``) and, for
assignments, of the organisation (``org:<id>``). Deletions count too, which a maximum over
the remaining rows would miss. The raise happens in the same transaction as the change.
Information sessions raise their VP (and one they were moved away from) and the organisation.
Names that feeds show from other rows count as well: an organisation's name (in its VPs'
schedules and its team feed), a need's kind and an intervision group's name. The feeds
serve rendered bodies from a cache keyed by this time, so a change it misses would stay
invisible until the next one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col, select

from vppool.db.models import (
    Absence,
    Assignment,
    BusyInterval,
    CalendarSource,
    Certification,
    DateOverride,
    FeedState,
    InfoSession,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Need,
    Organisation,
    TrustPerson,
    WeeklyAvailability,
)
from vppool.db.types import utc_now

__all__ = ["feed_keys", "install_feed_change_tracking", "mark_feeds_changed"]

#: A calendar source's own row (its health) is not shown in any feed; the busy time it
#: brings is, and :mod:`vppool.services.calendar_sources` marks the feed changed when that
#: busy time changes (it writes the intervals in bulk, past this listener).
_BY_PERSON = (Absence, Certification, DateOverride, WeeklyAvailability, IntervisionMember)


def feed_keys(connection: sa.Connection, obj: Any, *, new: bool = False) -> set[str]:
    """The feed subjects a row belongs to (``new``: the row is being inserted)."""
    keys: set[str] = set()
    if isinstance(obj, _BY_PERSON):
        keys.add(f"vp:{obj.trust_person_id}")
    elif isinstance(obj, TrustPerson) and obj.id is not None:
        keys.add(f"vp:{obj.id}")
    elif isinstance(obj, Assignment):
        keys.add(f"vp:{obj.trust_person_id}")
        organisation = connection.execute(
            select(Need.organisation_id).where(col(Need.id) == obj.need_id)
        ).scalar()
        if organisation is not None:
            keys.add(f"org:{organisation}")
    elif isinstance(obj, InfoSession):
        keys.add(f"org:{obj.organisation_id}")
        # the VP who holds it now, and one it was moved away from in this flush
        history = sa.inspect(obj).attrs.trust_person_id.history
        holders = {obj.trust_person_id, *history.deleted}
        keys.update(f"vp:{holder}" for holder in holders if holder is not None)
    elif isinstance(obj, BusyInterval):
        person = connection.execute(
            select(CalendarSource.trust_person_id).where(
                col(CalendarSource.id) == obj.calendar_source_id
            )
        ).scalar()
        if person is not None:
            keys.add(f"vp:{person}")
    elif isinstance(obj, IntervisionSession | IntervisionGroup):
        group_id = obj.group_id if isinstance(obj, IntervisionSession) else obj.id
        members = connection.execute(
            select(IntervisionMember.trust_person_id).where(
                col(IntervisionMember.group_id) == group_id
            )
        ).scalars()
        keys.update(f"vp:{member}" for member in members)
    elif isinstance(obj, Need) and obj.id is not None:
        keys.add(f"org:{obj.organisation_id}")
        if new:  # nobody is assigned to it yet (assignments raise their own VPs)
            return keys
        people = connection.execute(
            select(Assignment.trust_person_id).where(col(Assignment.need_id) == obj.id)
        ).scalars()
        keys.update(f"vp:{person}" for person in people)
    elif isinstance(obj, Organisation) and obj.id is not None:
        keys.add(f"org:{obj.id}")
        if new:
            return keys
        people = connection.execute(
            select(Assignment.trust_person_id)
            .join(Need, col(Need.id) == Assignment.need_id)
            .where(col(Need.organisation_id) == obj.id)
        ).scalars()
        keys.update(f"vp:{person}" for person in set(people))
    return keys


def mark_feeds_changed(connection: sa.Connection, keys: set[str]) -> None:
    """Raise the changed time of the given feed subjects (``vp:<id>``, ``org:<id>``)."""
    now = utc_now()
    table = FeedState.__table__  # type: ignore[attr-defined]
    for key in sorted(keys):
        if connection.dialect.name == "postgresql":
            pg = postgresql.insert(table).values(key=key, changed_at=now)
            later = sa.func.greatest(table.c.changed_at, pg.excluded.changed_at)
            connection.execute(
                pg.on_conflict_do_update(index_elements=["key"], set_={"changed_at": later})
            )
        else:
            lite = sqlite.insert(table).values(key=key, changed_at=now)
            later = sa.func.max(table.c.changed_at, lite.excluded.changed_at)
            connection.execute(
                lite.on_conflict_do_update(index_elements=["key"], set_={"changed_at": later})
            )


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if not changed:
        return
    connection = session.connection()
    keys: set[str] = set()
    for obj in changed:
        if obj in session.dirty and not session.is_modified(obj):
            continue
        keys |= feed_keys(connection, obj, new=obj in session.new)
    if keys:
        mark_feeds_changed(connection, keys)


def install_feed_change_tracking() -> None:
    """Register the listener (once)."""
    if not sa.event.contains(OrmSession, "after_flush", _after_flush):
        sa.event.listen(OrmSession, "after_flush", _after_flush)
