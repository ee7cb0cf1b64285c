"""One generic repository for the plain records: find, create, change, delete, each audited.

A service keeps the rules of its use case (who may, what must hold across rows) and hands
the plain work to a :class:`Records` of its table: the typed input becomes a row, unique
fields are checked up front and again at the flush (so a race ends the same way), changes are
validated on the merged result, and every change leaves one audit entry named
``<record>_<verb>`` with the owning ids in its details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, select

from vppool.errors import NotFound, VppoolError
from vppool.services import audit
from vppool.services._common import (
    Actor,
    UniqueField,
    UniqueKey,
    apply_changes,
    flush,
    refuse_delete_if_used,
    validate_merged,
)

__all__ = ["Records"]

RowT = TypeVar("RowT", bound=SQLModel)
PublicT = TypeVar("PublicT", bound=BaseModel)


@dataclass(frozen=True)
class Records(Generic[RowT, PublicT]):
    """The plain use cases of one table.

    Attributes:
        table: the table.
        public: the shape a service returns.
        entity: what a row is, in words ("certificate"), for errors.
        record: the audit name of the row's kind ("certification").
        base: the ``XBase`` a change is validated against (with the row's current values).
        unique: columns whose values are unique.
        owner: the column that ties a row to its owner (``trust_person_id``), if any.
        context: columns copied into every audit entry's details (the owning ids).
    """

    table: type[RowT]
    public: type[PublicT]
    entity: str
    record: str
    base: type[SQLModel] | None = None
    unique: tuple[UniqueField, ...] = ()
    owner: str | None = None
    context: tuple[str, ...] = ()

    # ------------------------------------------------------------------ reading

    def find(self, session: Session, key: int) -> RowT:
        """The row with id ``key``.

        Raises:
            NotFound: there is no such row.
        """
        row = session.get(self.table, key)
        if row is None:
            raise NotFound(self.entity, key)
        return row

    def find_owned(self, session: Session, key: int, owner_id: int) -> RowT:
        """The row with id ``key`` if it belongs to ``owner_id``; another's looks absent.

        Raises:
            NotFound: there is no such row of this owner.
        """
        row = session.get(self.table, key)
        if row is None or getattr(row, self._owner()) != owner_id:
            raise NotFound(self.entity, key)
        return row

    def shown_by_id(self, session: Session, keys: Iterable[int]) -> dict[int, PublicT]:
        """The rows with these ids, by id, in the public shape: one query, unknown ids left out."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        key = col(getattr(self.table, "id"))  # noqa: B009  (every record table has an id)
        rows = session.exec(select(self.table).where(key.in_(wanted))).all()
        return {getattr(row, "id"): self.show(row) for row in rows}  # noqa: B009

    def of_owner(self, session: Session, owner_id: int, *order: Any) -> list[PublicT]:
        """Every row of ``owner_id`` in ``order``, in the public shape."""
        column = getattr(self.table, self._owner())
        rows = session.exec(select(self.table).where(column == owner_id).order_by(*order)).all()
        return [self.show(row) for row in rows]

    def show(self, row: RowT) -> PublicT:
        """``row`` in the public shape."""
        return self.public.model_validate(row)

    # ------------------------------------------------------------------ writing

    def create(self, session: Session, actor: Actor, given: BaseModel, **columns: Any) -> RowT:
        """Insert a row from ``given`` and ``columns`` (owner ids, who recorded it).

        Raises:
            ValidationFailed: a unique field's value is already used.
        """
        for field in self.unique:
            field.ensure_unused(session, getattr(given, field.field), exclude_id=None)
        row = self.table.model_validate(given, update=columns)
        session.add(row)
        flush(session, self._refusals(row))
        self.audit(session, actor, "created", row)
        return row

    def merged(self, row: RowT, changes: BaseModel) -> dict[str, Any]:
        """The given fields of ``changes`` validated together with the row's other values.

        Raises:
            ValidationFailed: the result breaks a limit or a rule across fields.
        """
        assert self.base is not None, f"{self.record} records name their base to be changed"  # noqa: S101
        return validate_merged(self.base, row, changes, subject=self.entity)

    def update(
        self,
        session: Session,
        actor: Actor,
        row: RowT,
        changes: BaseModel | Mapping[str, Any],
    ) -> list[str]:
        """Apply ``changes`` (a partial update, or values from :meth:`merged`); audit them.

        Returns:
            The names of the fields that changed.

        Raises:
            ValidationFailed: a field is invalid, or a unique value is already used.
        """
        values = dict(changes) if isinstance(changes, Mapping) else self.merged(row, changes)
        key = getattr(row, "id", None)
        for field in self.unique:
            if field.field in values:
                field.ensure_unused(session, values[field.field], exclude_id=key)
        changed = apply_changes(row, values)
        if changed:
            flush(session, self._refusals(row))
            self.audit(session, actor, "updated", row, fields=changed)
        return changed

    def delete(
        self,
        session: Session,
        actor: Actor,
        row: RowT,
        *,
        used_by: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete ``row`` unless ``used_by`` (description -> referring column) finds a use.

        Raises:
            Conflict: naming what still refers to the row.
        """
        key = getattr(row, "id", None)
        if used_by and key is not None:
            refuse_delete_if_used(session, used_by, key, entity=self.entity)
        details = self._details(row)
        session.delete(row)
        flush(session)
        audit.record_event(session, actor, (self.record, key), "deleted", details)

    def audit(
        self,
        session: Session,
        actor: Actor,
        verb: str,
        row: RowT,
        *,
        fields: Sequence[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Append the audit entry ``<record>_<verb>`` about ``row``."""
        entity = (self.record, getattr(row, "id", None))
        facts = {**self._details(row), **(details or {})}
        audit.record_event(session, actor, entity, verb, facts, fields=fields)

    # ------------------------------------------------------------------ helpers

    def _owner(self) -> str:
        assert self.owner is not None, f"{self.record} records have no owner column"  # noqa: S101
        return self.owner

    def _details(self, row: RowT) -> dict[str, Any]:
        return {name: getattr(row, name) for name in self.context}

    def _refusals(self, row: RowT) -> dict[UniqueKey, VppoolError]:
        return {field.key: field.error(getattr(row, field.field)) for field in self.unique}
