"""Errors in the page's language, their values formatted for the reader."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from vppool.errors import FieldError, ValidationFailed, VppoolError
from vppool.web._filters import clock, day, label, number
from vppool.web._i18n import translator

__all__ = ["localise", "localise_error"]


def localise(error: FieldError, lang: str) -> str:
    """``error`` in ``lang``: its template translated, its values as the reader reads them."""
    return _words(error.template, error.params, lang)


def localise_error(error: VppoolError, lang: str) -> str:
    """A domain error in ``lang`` (every field's problem, for a failed validation)."""
    if isinstance(error, ValidationFailed):
        return "; ".join(localise(field_error, lang) for field_error in error.errors)
    return _words(error.template, error.params, lang)


def _words(template: str, params: Mapping[str, Any], lang: str) -> str:
    t = translator(lang)
    if not params:
        return t(template)
    return t(template, **{name: _formatted(value, lang) for name, value in params.items()})


def _formatted(value: Any, lang: str) -> str:
    if isinstance(value, datetime | date):
        return day(value, lang)
    if isinstance(value, time):
        return clock(value)
    if isinstance(value, Enum):
        return label(value, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return number(value, lang, digits=2 if value % 1 else 0)
    if isinstance(value, int):
        return str(value)  # limits such as a birth year of 1930 read without a separator
    return str(value)
