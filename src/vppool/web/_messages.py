"""Field errors in the page's language, their values formatted for the reader."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from vppool.errors import FieldError
from vppool.web._filters import clock, day, label, number
from vppool.web._i18n import translator

__all__ = ["localise"]


def localise(error: FieldError, lang: str) -> str:
    """``error`` in ``lang``: its template translated, its values as the reader reads them."""
    t = translator(lang)
    if not error.params:
        return t(error.template)
    values = {name: _formatted(value, lang) for name, value in error.params.items()}
    return t(error.template, **values)


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
        return number(value, lang)
    return str(value)
