"""Use cases: the only layer that combines the database with the pure packages.

Rules every service follows:

* **The caller owns the transaction.** A service receives the session, never creates one,
  and never commits. It validates everything it can before it writes, then calls
  ``session.flush()`` so database constraints are checked and ids assigned before it
  returns. The caller (an API request, a CLI command, a job: ``vppool.db.session_scope``)
  commits when the whole use case succeeded and rolls back on any error, so a failed call
  leaves nothing half-written, even when it had already written part of its change.
* **Input** is a create/update shape from ``vppool.db.schemas`` or a plain mapping; invalid
  input raises :class:`~vppool.errors.ValidationFailed` naming each field.
* **Output** is a public shape (``XPublic``, :class:`~vppool.db.schemas.Page`); a table
  object never leaves this layer.
* **Errors** are domain errors (:mod:`vppool.errors`), never raw database exceptions: an
  unknown id is ``NotFound``, a duplicate unique value is ``ValidationFailed`` on its field
  ("already used"), a clash with stored state is ``Conflict``.
* **Writes are audited** with the :class:`Actor` who asked for them (default: the system),
  in the same transaction as the change.
"""

from __future__ import annotations

from vppool.services._common import SYSTEM, Actor

__all__ = ["SYSTEM", "Actor"]
