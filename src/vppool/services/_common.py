"""What every service shares: the actor, input parsing, lookups, pages, unique keys.

Each rule lives here once, so the services read as their use case: parse the input, check
what spans rows, write, flush.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from vppool.db.schemas import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, Page, PageQuery
from vppool.db.types import utc_now
from vppool.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VppoolError,
)
from vppool.inputs import field_errors_from
from vppool.vocab import Role

Ts = TypeVarTuple("Ts")

if TYPE_CHECKING:  # access imports this module, so the viewer type is for annotations only
    from vppool.services.access import Viewer

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "SYSTEM",
    "Actor",
    "UniqueField",
    "UniqueKey",
    "acting",
    "address_line",
    "apply_changes",
    "choice",
    "contains_text",
    "ensure_own_organisation",
    "ensure_own_trust_person",
    "fetch_page",
    "flush",
    "get_or_404",
    "get_owned_or_404",
    "in_scope",
    "json_list_contains",
    "order_by",
    "outside_period",
    "plain_rows",
    "plain_text",
    "query_model",
    "refuse_delete_if_used",
    "require_role",
    "require_staff",
    "sees_everything",
    "validate_merged",
    "violated_unique_key",
    "where_given",
]

#: The largest offset a list accepts (beyond it every page is empty anyway).
MAX_OFFSET = MAX_ID

ModelT = TypeVar("ModelT", bound=BaseModel)
RowT = TypeVar("RowT", bound=SQLModel)
PublicT = TypeVar("PublicT", bound=BaseModel)
EnumT = TypeVar("EnumT", bound=StrEnum)

#: A unique constraint or unique index as ``(table, columns)``, the same on every backend.
UniqueKey = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a change, as the audit log records it."""

    user_id: int | None
    label: str


#: The actor of changes no user asked for (jobs, the command line without a login).
SYSTEM = Actor(user_id=None, label="system")


# --------------------------------------------------------------------------- scoping
#
# Every use case takes ``viewer``: ``None`` is the system (jobs, the command line), which
# sees everything, as do planners and admins. A role that may not use a kind of resource at
# all gets PermissionDenied; an id outside the viewer's own scope is NotFound, exactly like
# an id that does not exist, so ids of other organisations and trust persons do not leak.


def acting(viewer: Viewer | None, actor: Actor = SYSTEM) -> Actor:
    """Who a change is audited as: the viewer, unless the caller named another actor.

    A use case that takes a viewer is audited as that viewer (the system when there is none).
    """
    return viewer.actor if viewer is not None and actor is SYSTEM else actor


def address_line(name: str, address: str | None, postcode: str | None, town: str) -> str:
    """A site as one line: its name, street, postcode and town (the ones it has)."""
    place = " ".join(p for p in (postcode, town) if p)
    return ", ".join(p for p in (name, address, place) if p)


def sees_everything(viewer: Viewer | None) -> bool:
    """The system and the provider's staff (planners, admins) are not scoped."""
    return viewer is None or viewer.is_staff


def in_scope(
    statement: SelectOfScalar[RowT],
    viewer: Viewer | None,
    *,
    organisation: Callable[[int | None], Any],
    trust_person: Callable[[int | None], Any],
) -> SelectOfScalar[RowT]:
    """``statement`` narrowed to the rows in the viewer's scope.

    A client contact sees their own organisation's rows (``organisation(their id)``, the
    condition), a trust person their own (``trust_person(their id)``); the system and the
    provider's staff see every row.
    """
    if sees_everything(viewer):
        return statement
    assert viewer is not None  # noqa: S101  (sees_everything covers None)
    if viewer.role is Role.CLIENT:
        return statement.where(organisation(viewer.organisation_id))
    return statement.where(trust_person(viewer.trust_person_id))


def require_staff(viewer: Viewer | None, action: str) -> None:
    """Refuse anyone but planners, admins and the system.

    Raises:
        PermissionDenied: saying who may ``action``.
    """
    if not sees_everything(viewer):
        msg = f"only planners and admins may {action}"
        raise PermissionDenied(msg)


def require_role(viewer: Viewer | None, role: Role, action: str) -> None:
    """Refuse anyone but ``role``, planners, admins and the system.

    Raises:
        PermissionDenied: saying who may ``action``.
    """
    if viewer is not None and not viewer.is_staff and viewer.role is not role:
        who = "client contacts" if role is Role.CLIENT else "trust persons"
        msg = f"only {who}, planners and admins may {action}"
        raise PermissionDenied(msg)


def ensure_own_trust_person(viewer: Viewer | None, trust_person_id: int) -> None:
    """A trust person sees only their own records; staff and the system see every one.

    Raises:
        NotFound: the trust person is outside the viewer's scope (as if it did not exist).
    """
    if sees_everything(viewer):
        return
    assert viewer is not None  # noqa: S101  (sees_everything covers None)
    if viewer.role is Role.TRUST_PERSON and viewer.trust_person_id == trust_person_id:
        return
    raise NotFound("trust person", trust_person_id)


def ensure_own_organisation(
    viewer: Viewer | None,
    organisation_id: int,
    *,
    entity: str = "organisation",
    key: int | None = None,
) -> None:
    """A client contact sees only their own organisation; staff and the system see all.

    Args:
        viewer: who asks.
        organisation_id: the organisation the item belongs to.
        entity: what is reported as not found (``need`` for a need of another organisation).
        key: the id reported as not found (default: ``organisation_id``).

    Raises:
        NotFound: the organisation is outside the viewer's scope (as if it did not exist).
    """
    if sees_everything(viewer):
        return
    assert viewer is not None  # noqa: S101  (sees_everything covers None)
    if viewer.role is Role.CLIENT and viewer.organisation_id == organisation_id:
        return
    raise NotFound(entity, organisation_id if key is None else key)


# --------------------------------------------------------------------------- input


def plain_text(value: str | None, *, field: str) -> str | None:
    """A free-text filter as given, refused if it holds a NUL character.

    Raises:
        ValidationFailed: on ``field`` for a NUL character (no text column can hold one).
    """
    if value is not None and "\x00" in value:
        raise ValidationFailed.single(field, "May not contain NUL characters (\\u0000).")
    return value


def validate_merged(
    base: type[SQLModel], row: SQLModel, changes: BaseModel, *, subject: str
) -> dict[str, Any]:
    """Validate a row's current values with the given changes, all through ``base``.

    Checks across fields (a period's end after its start) see the result the change leads
    to, not only the given fields.

    Returns:
        The validated (normalised) values of the given fields that ``base`` has.

    Raises:
        ValidationFailed: the merged values break a limit or a domain rule.
    """
    given = {
        name: value
        for name, value in changes.model_dump(exclude_unset=True).items()
        if name in base.model_fields
    }
    current = {name: getattr(row, name) for name in base.model_fields}
    try:
        merged = base.model_validate({**current, **given})
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc), subject=subject) from exc
    return {name: getattr(merged, name) for name in given}


def apply_changes(row: SQLModel, values: Mapping[str, Any]) -> list[str]:
    """Set the values that differ from the row's; bump its revision and ``updated_at``.

    Returns:
        The names of the fields that changed (empty: nothing was written).
    """
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        if hasattr(row, "updated_at"):
            row.updated_at = utc_now()
        if hasattr(row, "revision"):
            row.revision += 1
    return changed


def choice(enum: type[EnumT], value: EnumT | str, *, field: str) -> EnumT:
    """``value`` as a member of ``enum``.

    Raises:
        ValidationFailed: on ``field`` when the value is not one of the enum's values.
    """
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise ValidationFailed.single(
            field, "Unknown value {value}; choose one of: {choices}.", value=value, choices=choices
        ) from None


def outside_period(outer: tuple[date, date | None], inner: tuple[date, date | None]) -> list[str]:
    """Which ends of the half-open period ``inner`` lie outside ``outer`` (``None``: open end).

    Returns:
        ``"starts_on"`` and/or ``"ends_on"``; empty when ``inner`` lies within ``outer``.
    """
    (outer_start, outer_end), (start, end) = outer, inner
    ends = []
    if start < outer_start or (outer_end is not None and start >= outer_end):
        ends.append("starts_on")
    if outer_end is not None and (end is None or end > outer_end):
        ends.append("ends_on")
    return ends


# --------------------------------------------------------------------------- lookups


def get_or_404(session: Session, table: type[RowT], key: int, entity: str) -> RowT:
    """The row of ``table`` with id ``key``.

    Raises:
        NotFound: there is no such row.
    """
    row = session.get(table, key)
    if row is None:
        raise NotFound(entity, key)
    return row


def get_owned_or_404(
    session: Session, table: type[RowT], key: int, entity: str, *, owner: str, owner_id: int
) -> RowT:
    """The row with id ``key`` if it belongs to ``owner_id`` (``owner`` names the column).

    A row of someone else is reported as not found, so ids of others do not leak.

    Raises:
        NotFound: there is no such row for this owner.
    """
    row = session.get(table, key)
    if row is None or getattr(row, owner) != owner_id:
        raise NotFound(entity, key)
    return row


def refuse_delete_if_used(
    session: Session, uses: Mapping[str, Any], key: int, *, entity: str
) -> None:
    """Refuse to delete ``entity`` ``key`` while rows refer to it; deactivating is the way.

    Args:
        session: the database session.
        uses: per description ("assignments", "user accounts"), the referring column.
        key: the id of the row to delete.
        entity: what the row is, for the message ("trust person").

    Raises:
        Conflict: naming what still refers to the row.
    """
    used_by = [
        description
        for description, column in uses.items()
        if session.exec(select(column).where(column == key).limit(1)).first() is not None
    ]
    if used_by:
        msg = (
            f"{entity} {key} has {' and '.join(used_by)}, which must stay traceable; "
            f"deactivate the {entity} instead of deleting"
        )
        raise Conflict(msg)


# --------------------------------------------------------------------------- lists


def order_by(
    sort: str, options: Mapping[str, Sequence[sa.ColumnElement[Any]]], *, tiebreak: Any
) -> list[sa.ColumnElement[Any]]:
    """The ORDER BY for a sort key; a leading ``-`` reverses it, ``tiebreak`` keeps it stable.

    Args:
        sort: an option name, optionally prefixed with ``-``.
        options: per name, the ordering expressions (each already ascending or descending).
        tiebreak: the column that orders rows that tie (usually the id).

    Raises:
        ValidationFailed: on ``sort`` when the key is not one of the options.
    """
    key = sort.removeprefix("-")
    if key not in options:
        raise ValidationFailed.single(
            "sort",
            "Unknown sort {value}; choose one of: {choices} (prefix '-' to reverse).",
            value=sort,
            choices=", ".join(sorted(options)),
        )
    terms = list(options[key])
    if sort.startswith("-"):
        terms = [_reversed(term) for term in terms]
    return [*terms, col(tiebreak).asc()]


def _reversed(term: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if isinstance(term, sa.UnaryExpression) and term.modifier is sa.sql.operators.desc_op:
        return term.element.asc()
    if isinstance(term, sa.UnaryExpression) and term.modifier is sa.sql.operators.asc_op:
        return term.element.desc()
    return term.desc()


def where_given(
    statement: SelectOfScalar[RowT], *conditions: tuple[Any, object]
) -> SelectOfScalar[RowT]:
    """``statement`` with ``column == value`` for each ``(column, value)`` whose value is given.

    The filters of a list: a value of ``None`` is a filter the caller left out.
    """
    for column, value in conditions:
        if value is not None:
            statement = statement.where(column == value)
    return statement


def plain_rows(session: Session, statement: sa.Select[*Ts]) -> Sequence[sa.Row[*Ts]]:
    """The rows of a select of plain columns, read past the ORM's bookkeeping per row.

    For reads of thousands of rows (the pool's certificates, education records, loads): the
    same select through ``session.exec`` builds ORM state per row and takes about five times
    as long (10,000 education records: 150 ms against 30 ms). What the session holds
    unwritten is flushed first, as ``session.exec`` would.
    """
    session.flush()
    return session.connection().execute(statement).all()


def fetch_page(
    session: Session,
    statement: SelectOfScalar[RowT],
    page: PageQuery,
    *,
    public: type[PublicT],
    ordering: Sequence[sa.ColumnElement[Any]],
    convert: Callable[[Sequence[RowT]], list[PublicT]] | None = None,
) -> Page[PublicT]:
    """Run ``statement`` for one page and convert the rows to ``public``.

    Args:
        session: the database session.
        statement: the rows to page through, filtered but not ordered.
        page: which page (how many rows to skip, the page size).
        public: the shape of an item.
        ordering: the ORDER BY (see :func:`order_by`).
        convert: turns the page's rows into items when ``public.model_validate`` of a row
            is not enough (items that combine rows of several tables).

    Raises:
        ValidationFailed: on ``offset`` outside 0..MAX_OFFSET or ``limit`` outside 1..200.
    """
    offset, limit = page.offset, page.limit
    errors = []
    if not 0 <= offset <= MAX_OFFSET:
        errors.append(FieldError("offset", f"offset {offset} must be between 0 and {MAX_OFFSET}"))
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(FieldError("limit", f"limit {limit} must be between 1 and {MAX_LIMIT}"))
    if errors:
        raise ValidationFailed(errors, subject="page")
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(*ordering).offset(offset).limit(limit)).all()
    items = convert(rows) if convert is not None else [public.model_validate(row) for row in rows]
    return Page[public](  # type: ignore[valid-type]
        items=items,
        total=total,
        offset=offset,
        limit=limit,
    )


def query_model(service: Callable[..., Any]) -> type[PageQuery]:
    """The query (a :class:`~vppool.db.schemas.PageQuery`) a list function takes as ``query``.

    The API's and the web's list routes build it from the request's filters and page.
    """
    model = inspect.signature(service).parameters["query"].annotation
    if isinstance(model, str):  # postponed: the name of a class of the function's module
        model = service.__globals__.get(model)
    if not (isinstance(model, type) and issubclass(model, PageQuery)):  # a wiring mistake
        msg = f"{service.__name__} takes no query model"
        raise TypeError(msg)
    return model


def contains_text(text: str, *columns: Any) -> sa.ColumnElement[bool]:
    """Every word of ``text`` occurs, case-insensitively, in at least one of ``columns``."""
    words = text.split()
    return sa.and_(
        sa.true(),
        *(
            sa.or_(
                *(col(column).ilike(f"%{_escape_like(word)}%", escape="\\") for column in columns)
            )
            for word in words
        ),
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def json_list_contains(session: Session, column: Any, value: str) -> sa.ColumnElement[bool]:
    """Whether the JSON list in ``column`` holds ``value`` (exactly, as one element)."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(column, postgresql.JSONB).contains([value])
    elements = sa.func.json_each(column).table_valued("value")
    return sa.exists(
        sa.select(sa.literal(1)).select_from(elements).where(elements.c.value == value)
    )


# --------------------------------------------------------------------------- unique keys


@dataclass(frozen=True, slots=True)
class UniqueField:
    """A column whose values are unique, with the field error a duplicate gets.

    ``message`` says it in the user's words; it is also its message id for translation.
    """

    table: type[SQLModel]
    field: str
    entity: str
    message: str = "This value is already used by another record."

    @property
    def key(self) -> UniqueKey:
        """The constraint as :func:`violated_unique_key` reports it."""
        return (str(self.table.__tablename__), (self.field,))

    def error(self, value: object) -> ValidationFailed:
        """The error for a value that another row already has."""
        return ValidationFailed.single(self.field, self.message, subject=self.entity, value=value)

    def ensure_unused(self, session: Session, value: object, *, exclude_id: int | None) -> None:
        """Refuse ``value`` if a row other than ``exclude_id`` has it.

        Raises:
            ValidationFailed: on the field, saying the value is already used.
        """
        column = getattr(self.table, self.field)
        identity = getattr(self.table, "id")  # noqa: B009  (every table has an id)
        statement = select(identity).where(column == value)
        if exclude_id is not None:
            statement = statement.where(identity != exclude_id)
        with session.no_autoflush:
            if session.exec(statement).first() is not None:
                raise self.error(value)


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>.+)$")
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>[^)]+)\)=")


def violated_unique_key(exc: IntegrityError) -> UniqueKey | None:
    """Which unique constraint or index ``exc`` reports, or ``None`` for another violation."""
    original = exc.orig
    diagnostics = getattr(original, "diag", None)
    if diagnostics is not None:  # PostgreSQL (psycopg)
        if getattr(original, "sqlstate", None) != "23505":
            return None
        found = _POSTGRES_KEY.search(diagnostics.message_detail or "")
        if found is None or diagnostics.table_name is None:
            return None
        columns = tuple(name.strip().strip('"') for name in found["columns"].split(","))
        return (diagnostics.table_name, columns)
    found = _SQLITE_UNIQUE.search(str(original).strip())
    if found is None:
        return None
    qualified = [name.strip().split(".", 1) for name in found["columns"].split(",")]
    return (qualified[0][0], tuple(parts[-1] for parts in qualified))


def flush(
    session: Session,
    refusals: Mapping[UniqueKey, VppoolError] | None = None,
    *,
    race: str | None = None,
) -> None:
    """Flush, turning a database integrity error into a domain error.

    The services check unique keys up front; ``refusals`` maps each unique key to the error
    a concurrent duplicate gets, so a race ends the same way as the up-front check. Any other
    integrity error becomes a :class:`Conflict` saying ``race`` (what a concurrent change
    means to the caller), or the database's reason; never a raw database exception. After
    an error the caller rolls back, as after any failed service call.
    """
    try:
        session.flush()
    except IntegrityError as exc:
        key = violated_unique_key(exc)
        if key is not None and refusals and key in refusals:
            raise refusals[key] from exc
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise Conflict(race or f"the database refused the change: {reason}") from exc
