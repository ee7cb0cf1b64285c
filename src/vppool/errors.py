"""Domain errors: plain exceptions without HTTP, mapped to responses in one place (``api``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Conflict",
    "FieldError",
    "InvalidValue",
    "NotFound",
    "PermissionDenied",
    "RuleViolation",
    "TooManyAttempts",
    "Unauthenticated",
    "ValidationFailed",
    "VppoolError",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field: where it is and what to fix.

    ``template`` is the English text with ``{name}`` placeholders filled from ``params``; it is
    also the message id under which the web application finds the text in another language,
    so a page can say it in the reader's words with the values formatted for them.
    """

    field: str
    template: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English text with its values filled in."""
        return self.template.format(**self.params) if self.params else self.template

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidValue(ValueError):
    """A validator's refusal with its message id and values (pydantic passes it on as is).

    ``field`` names the field to blame when a check across fields raises it.
    """

    def __init__(self, template: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params
        self.field = field


class VppoolError(Exception):
    """Base of every error vppool raises on purpose.

    ``message`` is the English text, a template with ``{name}`` placeholders filled from
    ``params``; like a :class:`FieldError`'s, the template is the message id under which the
    web application finds the words in the reader's language.
    """

    def __init__(self, message: str, **params: Any) -> None:
        text = message.format(**params) if params else message
        super().__init__(text)
        self.message = text
        self.template = message
        self.params: Mapping[str, Any] = params


class NotFound(VppoolError):
    """The item does not exist, or is outside the caller's scope (no existence leaks)."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__("{entity} {key} was not found", entity=entity, key=key)
        self.entity = entity
        self.key = key


class Conflict(VppoolError):
    """The request clashes with the current state (duplicate, stale plan, taken capacity)."""


class Unauthenticated(VppoolError):
    """No valid login, session or token (wrong password, expired or revoked token)."""


class TooManyAttempts(VppoolError):
    """Too many failed attempts; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, retry_after_s: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after_s = retry_after_s


class PermissionDenied(VppoolError):
    """The caller may not do this at all (as opposed to an item outside their scope)."""


class ValidationFailed(VppoolError):
    """Input is invalid; ``errors`` names every field and what is wrong with it."""

    def __init__(self, errors: list[FieldError], *, subject: str = "input") -> None:
        if not errors:
            msg = "ValidationFailed needs at least one FieldError"
            raise ValueError(msg)
        summary = "; ".join(str(e) for e in errors)
        super().__init__(f"invalid {subject}: {summary}")
        self.errors = list(errors)
        self.subject = subject

    @classmethod
    def single(
        cls, field_name: str, message: str, *, subject: str = "input", **params: Any
    ) -> ValidationFailed:
        """Build the error for one field (``message`` may hold ``{name}`` placeholders)."""
        return cls([FieldError(field_name, message, params)], subject=subject)

    def as_dicts(self) -> list[dict[str, Any]]:
        """The field errors as JSON-ready dictionaries.

        Each holds the English ``message`` and, to say it in another language, its
        ``message_id`` (the template) and ``params`` (the values, as JSON).
        """
        return [
            {
                "field": e.field,
                "message": e.message,
                "message_id": e.template,
                "params": {name: _plain(value) for name, value in e.params.items()},
            }
            for e in self.errors
        ]


def _plain(value: Any) -> Any:
    """A message's value as JSON holds it (text for anything but numbers, text and lists)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


class RuleViolation(VppoolError):
    """A plan or a manual change breaks hard professional rules (``violations`` as data)."""

    def __init__(self, message: str, violations: list[dict[str, Any]], **params: Any) -> None:
        super().__init__(message, **params)
        self.violations = violations
