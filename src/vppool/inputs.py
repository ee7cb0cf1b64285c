"""Typed input at the edges: pydantic's refusals as field errors a person can act on.

Every request body (JSON API) and every form (web application) is validated into a typed
model before a service sees it. A refusal becomes field errors whose
English template is also the message id the web application translates, so a field says what
to fix in the reader's language, with the values formatted for them.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from pydantic import BaseModel, ConfigDict, RootModel, ValidationError, create_model

from vppool.errors import FieldError, InvalidValue, ValidationFailed

__all__ = [
    "PYDANTIC_TEMPLATES",
    "field_errors_from",
    "json_types",
    "paths_with_nul",
    "refuse_nul",
    "tidy_text",
    "validate_json",
    "visible",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

#: pydantic's error types, by the English text vppool shows for them (message ids).
PYDANTIC_TEMPLATES: dict[str, str] = {
    "missing": "This field is required.",
    "string_too_short": "Use at least {min_length} character(s).",
    "string_too_long": "Use at most {max_length} characters.",
    "too_short": "Give at least {min_length}.",
    "too_long": "Give at most {max_length}.",
    "greater_than": "Must be more than {gt}.",
    "greater_than_equal": "Must be at least {ge}.",
    "less_than": "Must be less than {lt}.",
    "less_than_equal": "Must be at most {le}.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "float_parsing": "Enter a number.",
    "float_type": "Enter a number.",
    "finite_number": "Enter a number.",
    "bool_parsing": "Choose yes or no (true or false).",
    "bool_type": "Choose yes or no (true or false).",
    "date_parsing": "Enter a date (year-month-day).",
    "date_type": "Enter a date (year-month-day).",
    "date_from_datetime_parsing": "Enter a date (year-month-day).",
    "date_from_datetime_inexact": "Enter a date without a time.",
    "datetime_parsing": "Enter a date and time.",
    "datetime_type": "Enter a date and time.",
    "datetime_from_date_parsing": "Enter a date and time.",
    "time_parsing": "Enter a time (hours:minutes).",
    "time_type": "Enter a time (hours:minutes).",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "string_type": "Enter text.",
    "list_type": "Give a list.",
    "dict_type": "Give an object.",
    "model_type": "Give an object.",
    "model_attributes_type": "Give an object.",
    "extra_forbidden": "This field is not known here; leave it out.",
    "null_not_allowed": "May not be empty (null); leave the field out to keep its current value.",
    "json_invalid": "This is not valid JSON.",
    "json_type": "This is not valid JSON.",
    "string_pattern_mismatch": "This does not have the expected form.",
    "string_unicode": "Enter text.",
    "multiple_of": "Must be a multiple of {multiple_of}.",
    "decimal_parsing": "Enter a number.",
    "url_parsing": "Enter an address such as https://example.nl.",
    "url_scheme": "Enter an address that starts with {expected_schemes}.",
}

#: The parameters of a pydantic error worth passing on (the rest is pydantic's bookkeeping).
_PARAMS = ("min_length", "max_length", "gt", "ge", "lt", "le", "multiple_of", "expected_schemes")


def field_errors_from(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    """Turn a pydantic refusal into field errors that name the field and what to fix.

    Our own validators raise :class:`~vppool.errors.InvalidValue` with a template; pydantic's
    own checks get the templates of :data:`PYDANTIC_TEMPLATES`; anything else keeps the
    text it came with.
    """
    result = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        blamed = getattr(cause, "field", None)
        location = [*error["loc"], blamed] if blamed else list(error["loc"])
        result.append(_field_error(_path(prefix, location), error, cause))
    return result


def _path(prefix: str, location: list[str | int]) -> str:
    """``ranges[2].start_time``: names joined by dots, list positions in brackets."""
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or "input"


def _field_error(path: str, error: Any, cause: object) -> FieldError:
    if isinstance(cause, InvalidValue):
        return FieldError(path, cause.template, cause.params)
    if isinstance(cause, Exception):
        # A validator's own refusal; pydantic's parsers give their detail as text, which
        # their template replaces ("invalid character in year" is "Enter a date").
        return FieldError(path, str(cause))
    template = PYDANTIC_TEMPLATES.get(error["type"])
    if template is None:
        return FieldError(path, str(error["msg"]))
    context = error.get("ctx") or {}
    params = {name: context[name] for name in _PARAMS if name in context}
    return FieldError(path, template, params)


def paths_with_nul(value: Any, path: str = "") -> list[str]:
    """Where in ``value`` a string holds a NUL character, which no text column can store."""
    if isinstance(value, str):
        return [path or "input"] if "\x00" in value else []
    if isinstance(value, Mapping):
        return [
            found
            for key, item in value.items()
            for found in paths_with_nul(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list | tuple):
        return [
            found
            for index, item in enumerate(value)
            for found in paths_with_nul(item, f"{path}[{index}]")
        ]
    return []


def refuse_nul(value: Any, *, subject: str, prefix: str = "") -> None:
    """Refuse input holding a NUL character anywhere.

    Raises:
        ValidationFailed: naming each field that holds one.
    """
    found = paths_with_nul(value, prefix)
    if found:
        errors = [FieldError(path, "May not contain NUL characters (\\u0000).") for path in found]
        raise ValidationFailed(errors, subject=subject)


#: Characters that look like nothing although Unicode files them as letters or symbols.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Control characters text may hold: tab, line feed, carriage return.
_LINE_CONTROLS = frozenset("\t\n\r")


def visible(text: str) -> bool:
    """Whether ``text`` shows anything.

    That is a character other than a space, a control or format character (zero-width
    space, byte order mark, ...) or a blank filler.
    """
    return any(
        unicodedata.category(char)[0] not in "ZC" and char not in _BLANK_LETTERS for char in text
    )


def _control(text: str) -> str | None:
    """The first control character in ``text`` other than tab and line breaks, as U+XXXX."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _LINE_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def tidy_text(value: Any, *, subject: str, prefix: str = "") -> Any:
    """``value`` (decoded JSON, a submitted form) with its text made safe to validate.

    Text that shows nothing (only spaces, zero-width or other invisible characters) becomes
    empty, so a required name or title of only such characters is refused as empty and an
    optional one is cleared; text holding a control character other than tab and line breaks
    (a NUL, an escape, a bell) is refused, since no person types one and PostgreSQL cannot
    store a NUL. Passwords are left as they are.

    Raises:
        ValidationFailed: naming each field that holds a control character.
    """
    errors: list[FieldError] = []

    def walk(item: Any, path: str) -> Any:
        if isinstance(item, str):
            if path.endswith("password"):
                return item
            if "\x00" in item:
                errors.append(
                    FieldError(path or "input", "May not contain NUL characters (\\u0000).")
                )
            elif (found := _control(item)) is not None:
                errors.append(
                    FieldError(
                        path or "input",
                        "May not contain control characters ({character}).",
                        {"character": found},
                    )
                )
            if item and not visible(item):
                return ""
            return item
        if isinstance(item, Mapping):
            return {
                key: walk(inner, f"{path}.{key}" if path else str(key))
                for key, inner in item.items()
            }
        if isinstance(item, list | tuple):
            return [walk(inner, f"{path}[{index}]") for index, inner in enumerate(item)]
        return item

    tidied = walk(value, prefix)
    if errors:
        raise ValidationFailed(errors, subject=subject)
    return tidied


def validate_json(model: type[ModelT], value: Any, *, subject: str = "request body") -> ModelT:
    """``value`` (decoded JSON) as ``model``, with JSON's own types only.

    First every given field's JSON type is checked in pydantic's strict JSON mode against a
    shadow of ``model`` with the same field types (a number is no date, ``0`` is not
    ``false`` and ``"6"`` is not 6, while dates and times are their ISO texts); then
    ``model`` validates the value with its limits and rules. Two steps because SQLModel
    classes validate in their own ``__init__``, where pydantic's strict JSON mode does not
    reach. A model may name ``error_prefix`` to put before the fields in errors (``ranges``
    for a list of ranges).

    Raises:
        ValidationFailed: naming each wrong field and what to fix (a 422).
    """
    prefix = str(getattr(model, "error_prefix", ""))
    value = tidy_text(value, subject=subject, prefix=prefix)
    try:
        json_types(model).model_validate_json(msgspec.json.encode(value), strict=True)
        return model.model_validate(value)
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc, prefix), subject=subject) from exc


@functools.cache
def json_types(model: type[BaseModel]) -> type[BaseModel]:
    """A model with ``model``'s field types only, every field optional, unknown ones ignored.

    What it refuses is a value of the wrong JSON type; whether a field is missing, null,
    unknown or out of its limits is left to ``model`` itself, whose messages say more.
    """
    if issubclass(model, RootModel):
        root: Any = _json_type(model.model_fields["root"].annotation)
        shadow: type[BaseModel] = RootModel[root]
        return shadow
    fields: dict[str, Any] = {
        name: (_json_type(info.annotation) | None, None)
        for name, info in model.model_fields.items()
    }
    return create_model(
        f"{model.__name__}JSONTypes", __config__=ConfigDict(extra="ignore"), **fields
    )


def _json_type(annotation: Any) -> Any:
    """``annotation`` with every model in it replaced by its :func:`json_types` shadow."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return json_types(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if not args:
        return annotation
    shadowed = tuple(_json_type(arg) for arg in args)
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, shadowed)
    if origin is typing.Annotated:
        return annotation
    return origin[shadowed] if len(shadowed) > 1 else origin[shadowed[0]]
